//! `failover_trigger` on the built `.so`, in LiteSVM with clock warps: a silent or late winner
//! is slashed and cut off, the next qualifying candidate takes the job (or a re-auction opens, or
//! the intent fails with a full refund), and every token of escrow and stake is accounted for.
use agx_core::payment::Pricing;
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{FailoverCandidateSkipped, FailoverTriggered};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::{pda, Pubkey};
use agx_tests::market::{opening, Market, BID_WINDOW, MIN_STAKE, REQUESTER_FUNDS, REVEAL_WINDOW, TIP};
use agx_tests::registry::{TestAgent, HEARTBEAT_TIMEOUT};
use agx_tests::{assert_error, token, EditAccounts, Signer};

/// Slash of a 100-atom hold at the default 50%, of which 10% rewards the keeper.
const SLASHED: u64 = 50;
/// Accounts of `failover_trigger` before the candidates (optional ones as placeholders).
const FIXED_ACCOUNTS: usize = 21;
const REWARD: u64 = 5;

fn event(meta: &agx_tests::litesvm::types::TransactionMetadata) -> FailoverTriggered {
    events::find::<FailoverTriggered>(&meta.logs).remove(0)
}

/// Warps to the first slot at which the winner of `intent` counts as silent.
fn to_silence(m: &mut Market, intent: Pubkey) {
    let award = m.intent_state(intent).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
}

/// An auction of `kind` settled among new agents bidding `openings` (the first one wins: the
/// openings are given best first).
fn settled(
    m: &mut Market,
    kind: AuctionKind,
    openings: &[agx_sdk::exchange::BidOpening],
) -> (Pubkey, Vec<TestAgent>) {
    let intent = m.intent(kind);
    let agents: Vec<TestAgent> = openings.iter().map(|_| m.agent(MIN_STAKE)).collect();
    let bids: Vec<_> = agents.iter().zip(openings).map(|(a, o)| (a, *o)).collect();
    m.commit_and_reveal(intent, &bids);
    m.to_settle(intent);
    m.settle(intent, agents[0].agent).unwrap();
    (intent, agents)
}

/// Eight agents on a first-price board, asking 100,000 to 800,000.
fn full_board(m: &mut Market) -> (Pubkey, Vec<TestAgent>) {
    let openings: Vec<_> = (1..=8u64).map(|i| opening(100_000 * i, 9_000, 10)).collect();
    settled(m, AuctionKind::FirstPriceSealed, &openings)
}

#[test]
fn a_silent_winner_is_failed_over_and_the_runner_up_delivers() {
    for program in [token::TOKEN, token::TOKEN_2022] {
        let mut m = Market::with_token_program(program);
        let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
        let award = m.intent_state(intent).award_slot;
        // Silence counts from the award: its registration long ago does not make it silent now.
        m.warp_to(award + HEARTBEAT_TIMEOUT);
        assert_error(&m.failover(intent), ExchangeError::FailoverNotDue);
        m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
        let stale = m.failover_ix(intent);
        let keeper = m.keeper.insecure_clone();
        let keeper_lamports = m.r.svm.lamports(&keeper.pubkey());
        let meta =
            m.r.svm
                .send_measured("exchange", "failover_trigger", std::slice::from_ref(&stale), &[&keeper])
                .unwrap();
        let ev = event(&meta);
        assert_eq!(
            (ev.cause, ev.slashed, ev.reward, ev.result, ev.winner_agent, ev.payment, ev.failovers),
            (1, SLASHED, REWARD, 0, b.agent, 800_000, 1),
            "the standby takes over at its own ask: nobody is left to set a second price"
        );
        let now = m.r.slot();
        let i = m.intent_state(intent);
        assert_eq!(
            (i.status, i.winner_agent, i.standby_agent),
            (IntentStatus::Awarded.to_u8(), b.agent, Pubkey::default())
        );
        assert_eq!((i.excluded_len, i.excluded[0], i.execution_deadline_slot), (1, a.agent, now + 60 + 150));
        assert_eq!(m.r.balance(&m.requester_stake_tokens), SLASHED - REWARD);
        assert_eq!(m.r.balance(&m.keeper_stake_tokens), REWARD);
        assert_eq!(m.r.svm.lamports(&keeper.pubkey()), keeper_lamports + TIP, "the crank earns its tip");
        let (failed, standby) = (m.r.agent(&a), m.r.agent(&b));
        assert_eq!((failed.staked, failed.locked, failed.failed), (MIN_STAKE - SLASHED, 0, 1));
        assert_eq!(standby.locked, MIN_STAKE, "the standby's lock now holds the job");
        // A second crank for the same failure lost the race.
        assert_error(&m.r.svm.send(&[stale], &[&keeper]), ExchangeError::FailoverStale);
        // The cut-off agent's late result is refused: it is no longer the winner.
        assert_error(&m.submit(&a, intent, 10_000), ExchangeError::ResultNotWinner);
        // The runner-up delivers and is paid.
        m.submit(&b, intent, 10_000).unwrap();
        let paid_to = m.pay_account(b.authority.pubkey());
        m.accept(intent, paid_to, 8_000).unwrap();
        assert_eq!(m.balance(&paid_to), 800_000);
        assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - 800_000);
        assert_eq!(m.r.agent(&b).locked, 0);
        m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
        m.assert_accounted(&[]);
        m.r.assert_accounted(&[&a, &b]);
    }
}

#[test]
fn a_missed_deadline_fails_over_a_winner_that_still_heartbeats() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    let deadline = m.intent_state(intent).execution_deadline_slot;
    let mut slot = m.r.slot();
    while slot + 40 < deadline {
        slot += 40;
        m.warp_to(slot);
        m.heartbeat(&a).unwrap();
    }
    m.warp_to(deadline - 1);
    assert_error(&m.failover(intent), ExchangeError::FailoverNotDue);
    m.warp_to(deadline);
    let meta = m.failover(intent).unwrap();
    assert_eq!((event(&meta).cause, event(&meta).winner_agent), (0, b.agent));
}

#[test]
fn an_ineligible_candidate_is_skipped_and_the_next_one_locked() {
    let mut m = Market::new();
    let openings = [opening(100_000, 9_000, 10), opening(200_000, 8_000, 10), opening(300_000, 7_000, 10)];
    let (intent, agents) = settled(&mut m, AuctionKind::FirstPriceSealed, &openings);
    let [a, b, c] = <[TestAgent; 3]>::try_from(agents).ok().unwrap();
    m.r.svm.send(&[agx_sdk::ix::registry::agent_deactivate(b.authority.pubkey())], &[&b.authority]).unwrap();
    to_silence(&mut m, intent);
    let meta = m.failover(intent).unwrap();
    assert_eq!(events::find::<FailoverCandidateSkipped>(&meta.logs)[0].agent, b.agent);
    let ev = event(&meta);
    assert_eq!((ev.winner_agent, ev.payment), (c.agent, 300_000));
    assert_eq!(
        (m.r.agent(&b).locked, m.r.agent(&c).locked),
        (0, MIN_STAKE),
        "the promoted agent's stake is locked"
    );
    assert_eq!(m.intent_state(intent).leaderboard_len, 1);
    m.r.assert_accounted(&[&a, &b, &c]);
}

#[test]
fn the_promoted_vickrey_payment_is_core_recomputed_on_the_remaining_board() {
    let mut m = Market::new();
    let openings = [opening(100_000, 9_000, 10), opening(200_000, 8_000, 10), opening(600_000, 5_000, 40)];
    let (intent, agents) = settled(&mut m, AuctionKind::VickreySealed, &openings);
    let [_a, b, c] = <[TestAgent; 3]>::try_from(agents).ok().unwrap();
    let before = m.intent_state(intent);
    let (head, second) = (before.ranked()[1], before.ranked()[2]);
    to_silence(&mut m, intent);
    m.failover(intent).unwrap();
    let winner = agx_core::vickrey::Winner {
        terms: head.terms(),
        reputation: head.reputation,
        tiebreak: head.tiebreak,
    };
    let expected = agx_core::payment::payment(
        Pricing::SecondScore { premium_cap_bps: before.vickrey_premium_cap_bps },
        &before.weights(),
        &before.limits(),
        &winner,
        Some(&second.rank_key()),
    )
    .unwrap()
    .0;
    let i = m.intent_state(intent);
    assert_eq!((i.winner_agent, i.payment), (b.agent, expected));
    assert!(expected > 200_000, "a second price above b's own ask");
    assert_eq!(m.r.agent(&c).locked, 0, "no new standby after a failover");
}

/// One bidder, two failovers allowed: the first failover re-auctions (round 1, the failed agent
/// cut off), the second one fails the intent with a full refund; every account then closes.
#[test]
fn no_candidate_left_reauctions_and_the_last_failover_refunds_in_full() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let (a, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    m.commit_and_reveal(intent, &[(&a, opening(100_000, 9_000, 10))]);
    m.to_settle(intent);
    m.settle(intent, a.agent).unwrap();
    to_silence(&mut m, intent);
    let meta = m.failover(intent).unwrap();
    assert_eq!((event(&meta).result, event(&meta).round), (1, 1));
    let i = m.intent_state(intent);
    assert_eq!(
        (i.status, i.round, i.leaderboard_len, i.escrowed),
        (IntentStatus::Open.to_u8(), 1, 0, 1_000_000)
    );
    assert_eq!(i.commit_end_slot, m.r.slot() + xix::default_settings().reauction_bid_window_slots);
    assert_error(&m.commit(&a, intent, &opening(1, 9_000, 1)), ExchangeError::BidAgentCutOff);
    // The round-0 bid of the failed agent closes at once, its bond returned.
    m.close_bid_in(&a, intent, 0).unwrap();
    m.commit_and_reveal(intent, &[(&c, opening(500_000, 9_000, 10))]);
    m.to_settle(intent);
    m.settle(intent, c.agent).unwrap();
    assert_eq!(m.intent_state(intent).winner_agent, c.agent);
    to_silence(&mut m, intent);
    let meta = m.failover(intent).unwrap();
    let ev = event(&meta);
    assert_eq!((ev.result, ev.refunded, ev.failovers), (2, 1_000_000, 2));
    assert_eq!(m.intent_state(intent).status, IntentStatus::Failed.to_u8());
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS, "the escrow is refunded in full");
    assert!(m.r.svm.account(&pda::escrow(&intent).0).is_none());
    assert_eq!(
        m.r.balance(&m.requester_stake_tokens),
        2 * (SLASHED - REWARD),
        "and it keeps both compensations"
    );
    m.close_bid(&c, intent).unwrap();
    m.close_intent(intent).unwrap();
    assert!(m.r.svm.account(&intent).is_none());
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
    m.r.assert_accounted(&[&a, &c]);
    assert_eq!((m.r.agent(&a).open_bids, m.r.agent(&c).open_bids), (0, 0));
}

#[test]
fn the_crank_must_name_the_winner_the_candidates_and_real_accounts() {
    let mut m = Market::new();
    let openings = [opening(100_000, 9_000, 10), opening(200_000, 8_000, 10), opening(300_000, 7_000, 10)];
    let (intent, agents) = settled(&mut m, AuctionKind::FirstPriceSealed, &openings);
    let [a, b, c] = <[TestAgent; 3]>::try_from(agents).ok().unwrap();
    to_silence(&mut m, intent);
    let keeper = m.keeper.insecure_clone();
    let send = |m: &mut Market, ix| m.r.svm.send(&[ix], &[&keeper]);
    let position = |ix: &anchor_lang::solana_program::instruction::Instruction, key: Pubkey| {
        ix.accounts.iter().position(|x| x.pubkey == key).unwrap()
    };
    // Candidates out of order, or missing.
    let mut ix = m.failover_ix(intent);
    let (pb, pc) = (position(&ix, b.agent), position(&ix, c.agent));
    ix.accounts.swap(pb, pc);
    assert_error(&send(&mut m, ix), ExchangeError::FailoverCandidateMismatch);
    let mut ix = m.failover_ix(intent);
    ix.accounts.truncate(ix.accounts.len() - 2);
    assert_error(&send(&mut m, ix), ExchangeError::FailoverCandidateMissing);
    // Not the winner: a stranger, or a candidate.
    let stranger = m.agent(MIN_STAKE);
    let mut ix = m.failover_ix(intent);
    let at = position(&ix, a.agent);
    ix.accounts[at].pubkey = stranger.agent;
    assert_error(&send(&mut m, ix), ExchangeError::FailoverStale);
    let mut ix = m.failover_ix(intent);
    ix.accounts[at].pubkey = b.agent;
    assert_error(&send(&mut m, ix), ExchangeError::FailoverStale);
    // A fake registry config (the exchange's own config).
    let mut ix = m.failover_ix(intent);
    let at = position(&ix, pda::registry_config().0);
    ix.accounts[at].pubkey = pda::exchange_config().0;
    assert_error(&send(&mut m, ix), ExchangeError::RegistryConfigInvalid);
    // The compensation must go to the requester's account, the reward to the caller's.
    let mut ix = m.failover_ix(intent);
    let at = position(&ix, m.requester_stake_tokens);
    ix.accounts[at].pubkey = m.keeper_stake_tokens;
    assert_error(&send(&mut m, ix), ExchangeError::CompensationAccountInvalid);
    let someone_elses = m.r.token_account(Pubkey::new_unique());
    let mut ix = m.failover_ix(intent);
    ix.retarget(m.keeper_stake_tokens, someone_elses);
    assert_error(&send(&mut m, ix), ExchangeError::FailoverSlashAccountsMissing);
    // The requester's account as the keeper's reward account: not the caller's.
    let mut ix = m.failover_ix(intent);
    ix.retarget(m.keeper_stake_tokens, m.requester_stake_tokens);
    assert_error(&send(&mut m, ix), ExchangeError::FailoverSlashAccountsMissing);
    // No stake vault: the slash cannot be paid.
    let mut ix = m.failover_ix(intent);
    let at = position(&ix, pda::stake_vault(&a.agent).0);
    ix.accounts[at].pubkey = agx_sdk::exchange::ID;
    ix.accounts[at].is_writable = false;
    assert_error(&send(&mut m, ix), ExchangeError::FailoverSlashAccountsMissing);
    m.assert_accounted(&[intent]);
    m.failover(intent).unwrap();
    assert_eq!(m.intent_state(intent).winner_agent, b.agent);
}

/// The heaviest failover a full board allows: seven candidates passed, six of them no longer
/// qualify and leave the board, the last one is promoted and locked.
#[test]
fn seven_candidates_six_skipped_one_promoted() {
    let mut m = Market::new();
    let (intent, agents) = full_board(&mut m);
    for a in &agents[1..7] {
        m.r.svm
            .send(&[agx_sdk::ix::registry::agent_deactivate(a.authority.pubkey())], &[&a.authority])
            .unwrap();
    }
    to_silence(&mut m, intent);
    let ix = m.failover_ix(intent);
    assert_eq!(ix.accounts.len() - FIXED_ACCOUNTS, 7, "seven candidates passed");
    let keeper = m.keeper.insecure_clone();
    let meta =
        m.r.svm
            .send_measured("exchange", "failover_trigger_7_candidates_6_skipped", &[ix], &[&keeper])
            .unwrap();
    assert_eq!(events::find::<FailoverCandidateSkipped>(&meta.logs).len(), 6);
    assert_eq!((event(&meta).winner_agent, event(&meta).payment), (agents[7].agent, 800_000));
    assert_eq!(m.r.agent(&agents[7]).locked, MIN_STAKE);
    // The six passed over rank above the new winner, off the board: an observer recomputing the
    // auction from the bid accounts is told how many were passed over, and agrees.
    let state = m.intent_state(intent);
    assert_eq!(state.passed_over, 6);
    let bids: Vec<_> = agents
        .iter()
        .map(|a| (pda::bid(&a.authority.pubkey(), &intent, &a.agent, state.round), m.bid_state(intent, a)))
        .collect();
    assert_eq!(
        agx_sdk::verify::verify_auction_with_bids(&state, &bids),
        Ok(7),
        "the failed winner's bid is no longer revealed-and-current"
    );
    let mut hidden = state;
    hidden.passed_over = 5;
    assert!(agx_sdk::verify::verify_auction_with_bids(&hidden, &bids).is_err(), "one too many");
    let refs: Vec<&TestAgent> = agents.iter().collect();
    m.r.assert_accounted(&refs);
}

/// A requester may crank its own failover: its compensation account is then also the reward
/// account (an alias the program allows), and it receives the whole slash.
#[test]
fn a_requester_cranking_its_own_failover_gets_the_whole_slash() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    to_silence(&mut m, intent);
    let state = m.intent_state(intent);
    let requester = m.requester.insecure_clone();
    let ix = xix::failover_trigger(
        requester.pubkey(),
        Some(m.requester_stake_tokens),
        intent,
        &state,
        &m.failover_accounts(),
    );
    m.r.svm.send(&[ix], &[&requester]).unwrap();
    assert_eq!(m.r.balance(&m.requester_stake_tokens), SLASHED);
    assert_eq!(m.intent_state(intent).winner_agent, b.agent);
    m.r.assert_accounted(&[&a, &b]);
}

/// A full board: seven candidates passed, the first one promoted (its stake locked).
#[test]
fn seven_candidates_passed_the_first_promoted() {
    let mut m = Market::new();
    let (intent, agents) = full_board(&mut m);
    to_silence(&mut m, intent);
    let ix = m.failover_ix(intent);
    assert_eq!(ix.accounts.len() - FIXED_ACCOUNTS, 7, "seven candidates passed");
    let keeper = m.keeper.insecure_clone();
    let meta = m.r.svm.send_measured("exchange", "failover_trigger_7_candidates", &[ix], &[&keeper]).unwrap();
    assert_eq!((event(&meta).winner_agent, event(&meta).payment), (agents[1].agent, 200_000));
    assert_eq!(m.r.agent(&agents[1]).locked, MIN_STAKE);
}

/// Every candidate failed: the re-auction's new winner delivers and is paid, and the failed
/// round's bid and the intent close with every token accounted for.
#[test]
fn after_a_reauction_the_new_winner_delivers() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let (a, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    m.commit_and_reveal(intent, &[(&a, opening(100_000, 9_000, 10))]);
    m.to_settle(intent);
    m.settle(intent, a.agent).unwrap();
    to_silence(&mut m, intent);
    assert_eq!(event(&m.failover(intent).unwrap()).result, 1, "no candidate: re-auction");
    m.commit_and_reveal(intent, &[(&c, opening(400_000, 9_000, 10))]);
    m.to_settle(intent);
    m.settle(intent, c.agent).unwrap();
    m.submit(&c, intent, 10_000).unwrap();
    let paid_to = m.pay_account(c.authority.pubkey());
    m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!(m.balance(&paid_to), 400_000);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - 400_000);
    m.close_bid_in(&a, intent, 0).unwrap();
    m.close_bid(&c, intent).unwrap();
    m.close_intent(intent).unwrap();
    m.pay_accounts.retain(|x| *x != pda::escrow(&intent).0);
    m.assert_accounted(&[]);
    m.r.assert_accounted(&[&a, &c]);
    assert_eq!((m.r.agent(&a).locked, m.r.agent(&c).locked), (0, 0));
}

/// The whole intent's deadline: before it a failover hands the job on as usual; at or after it
/// the failover fails the intent and refunds in full, with a candidate on the board and
/// failovers left. A deadline inside the first auction's windows is refused at creation.
#[test]
fn past_the_whole_intents_deadline_a_failover_fails_and_refunds_in_full() {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::FirstPriceSealed);
    let reveal_end = m.r.slot() + BID_WINDOW + REVEAL_WINDOW;
    args.deadline_slot = reveal_end;
    let requester = m.requester.insecure_clone();
    let refused = m.r.svm.send(&[m.create_ix(args.clone())], &[&requester]);
    assert_error(&refused, ExchangeError::IntentDeadlineInvalid);
    // Silence comes after the deadline here, and well before it for the second intent.
    args.deadline_slot = reveal_end + HEARTBEAT_TIMEOUT / 2;
    let late = m.create(args).unwrap();
    let mut args = m.args(AuctionKind::FirstPriceSealed);
    args.deadline_slot = reveal_end + 10 * HEARTBEAT_TIMEOUT;
    let early = m.create(args).unwrap();
    let agents: Vec<TestAgent> = (0..2).map(|_| m.agent(2 * MIN_STAKE)).collect();
    let bids = [(&agents[0], opening(100_000, 9_000, 10)), (&agents[1], opening(200_000, 9_000, 10))];
    for (intent, (a, o)) in [late, early].into_iter().flat_map(|i| bids.iter().map(move |b| (i, b))) {
        m.commit(a, intent, o).unwrap();
    }
    m.to_reveal(late);
    for (intent, (a, o)) in [late, early].into_iter().flat_map(|i| bids.iter().map(move |b| (i, b))) {
        m.reveal(a, intent, o).unwrap();
    }
    m.to_settle(late);
    m.settle(late, agents[0].agent).unwrap();
    m.settle(early, agents[0].agent).unwrap();
    to_silence(&mut m, late);
    assert!(m.r.slot() >= m.intent_state(late).deadline_slot);
    let ev = event(&m.failover(late).unwrap());
    assert_eq!((ev.result, ev.refunded, ev.failovers), (2, 1_000_000, 1), "failed, not promoted");
    let state = m.intent_state(late);
    assert_eq!((state.status().unwrap(), state.max_failovers > 1), (IntentStatus::Failed, true));
    let ev = event(&m.failover(early).unwrap());
    assert_eq!((ev.result, ev.failovers), (0, 1), "promoted before its deadline");
    assert_eq!(m.intent_state(early).winner_agent, agents[1].agent);
}
