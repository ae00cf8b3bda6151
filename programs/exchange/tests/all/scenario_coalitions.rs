//! Coalitions on the built `.so`, in LiteSVM: three specialists that no single agent replaces
//! bid as one, hold the job with each member's contribution locked, mark their parts done, and
//! are paid by shares to the atom; a coalition whose members go silent is failed over with only
//! the members that did not do their part slashed, pro rata to their contributions.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{AuctionAwarded, CoalitionPaid};
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, CoalitionMemberArgs, HireTerms, IntentCreateArgs};
use agx_sdk::ix::exchange::{self as xix, coalition as cix};
use agx_sdk::Instruction;
use agx_sdk::{pda, Pubkey};
use agx_tests::market::{opening, Market, MAX_PRICE};
use agx_tests::registry::{TestAgent, HEARTBEAT_TIMEOUT};
use agx_tests::{assert_error, Signer, TxResult};

/// Three specialists: capabilities 0b001, 0b010, 0b100, each staked 1,000.
fn specialists(m: &mut Market) -> [TestAgent; 3] {
    [0b001, 0b010, 0b100].map(|caps| {
        let a = m.r.register_agent(caps);
        m.r.deposit(&a, 1_000).unwrap();
        a
    })
}

/// Terms: shares 5,000 / 3,000 / 2,000, contributions 300 / 200 / 100.
fn terms(agents: &[TestAgent; 3]) -> Vec<CoalitionMemberArgs> {
    let mut t = agx_tests::coalition::terms(&agents.iter().collect::<Vec<_>>(), 0);
    for (member, (share, contribution)) in t.iter_mut().zip([(5_000, 300), (3_000, 200), (2_000, 100)]) {
        (member.share_bps, member.contribution) = (share, contribution);
    }
    t
}

/// An intent needing all three capabilities (and 500 atoms of stake).
fn needs_all(m: &mut Market, kind: AuctionKind, threshold: u16) -> IntentCreateArgs {
    let mut args = m.args(kind);
    (args.required_capabilities, args.min_stake, args.score_threshold) = (0b111, 500, threshold);
    args
}

struct Team {
    agents: [TestAgent; 3],
    coalition: Pubkey,
}

impl Team {
    fn members(&self) -> Vec<Pubkey> {
        self.agents.iter().map(|a| a.agent).collect()
    }
    fn lead(&self) -> &TestAgent {
        &self.agents[0]
    }
}

fn team(m: &mut Market) -> Team {
    let agents = specialists(m);
    m.coalition_create(&agents[0], 1, terms(&agents)).unwrap();
    let coalition = pda::coalition(&agents[0].agent, 1).0;
    for a in &agents[1..] {
        m.coalition_accept(a, coalition).unwrap();
    }
    Team { agents, coalition }
}

fn place(m: &mut Market, t: &Team, intent: Pubkey, price: u64) -> TxResult {
    let round = m.intent_state(intent).round;
    let ix =
        xix::bid_place(t.lead().authority.pubkey(), intent, t.coalition, round, opening(price, 9_000, 10));
    m.r.svm.send(&[cix::with_members(ix, &t.members())], &[&t.lead().authority])
}

fn part_done(m: &mut Market, t: &Team, i: usize, intent: Pubkey) -> TxResult {
    let a = &t.agents[i];
    m.r.svm.send(&[cix::part_done(a.authority.pubkey(), intent, t.coalition, a.agent)], &[&a.authority])
}

#[test]
fn three_specialists_win_as_one_and_are_paid_by_shares_to_the_atom() {
    let mut m = Market::new();
    let t = team(&mut m);
    let single = m.agent(1_000);
    let generalist = m.r.register_agent(0b111);
    m.r.deposit(&generalist, 1_000).unwrap();
    let args = needs_all(&mut m, AuctionKind::Continuous, 6_000);
    let intent = m.create(args).unwrap();
    // An agent without every capability cannot bid; a generalist that has them bids dearer.
    assert_error(
        &m.place(&single, intent, &opening(500_001, 9_000, 10)),
        ExchangeError::BidCapabilitiesMissing,
    );
    m.place(&generalist, intent, &opening(950_000, 9_000, 10)).unwrap();
    // The coalition bids cheaper, ranks first and wins at the threshold.
    let round = m.intent_state(intent).round;
    let ix =
        xix::bid_place(t.lead().authority.pubkey(), intent, t.coalition, round, opening(500_001, 9_000, 10));
    let meta =
        m.r.svm
            .send_measured(
                "exchange",
                "bid_place_coalition_3",
                &[cix::with_members(ix, &t.members())],
                &[&t.lead().authority],
            )
            .unwrap();
    let awarded = events::find::<AuctionAwarded>(&meta.logs).remove(0);
    assert_eq!((awarded.agent, awarded.payment, awarded.stake_locked), (t.coalition, 500_001, 600));
    let state = m.intent_state(intent);
    assert_eq!((state.winner_agent, state.winner_authority), (t.coalition, t.lead().authority.pubkey()));
    assert_eq!((state.coalition_members, state.parts_done), (3, 0));
    let locked: Vec<u64> = t.agents.iter().map(|a| m.r.agent(a).locked).collect();
    assert_eq!(locked, vec![300, 200, 100], "each member's contribution is locked");
    assert_eq!(m.coalition_state(t.coalition).open_bids, 1);
    // The coalition holds a bid: nobody leaves, nothing changes.
    let leave = cix::leave(t.agents[2].authority.pubkey(), t.coalition, t.agents[2].agent);
    assert_error(&m.r.svm.send(&[leave], &[&t.agents[2].authority]), ExchangeError::CoalitionBusy);

    // The lead submits only once every part is done; each member marks its own, once.
    assert_error(&m.submit(t.lead(), intent, 10_000), ExchangeError::CoalitionPartsNotDone);
    part_done(&mut m, &t, 0, intent).unwrap();
    part_done(&mut m, &t, 2, intent).unwrap();
    assert_error(&part_done(&mut m, &t, 2, intent), ExchangeError::CoalitionPartAlreadyDone);
    assert_error(&m.submit(t.lead(), intent, 10_000), ExchangeError::CoalitionPartsNotDone);
    let outsider = &single;
    let ix = cix::part_done(outsider.authority.pubkey(), intent, t.coalition, outsider.agent);
    assert_error(&m.r.svm.send(&[ix], &[&outsider.authority]), ExchangeError::CoalitionNotMember);
    part_done(&mut m, &t, 1, intent).unwrap();
    m.submit(t.lead(), intent, 10_000).unwrap();

    // Accepted: 500,001 split 5,000 / 3,000 / 2,000 bps, the dust to the lead.
    let lead_tokens = m.intent_state(intent).winner_tokens;
    let accounts: Vec<Pubkey> = t.agents.iter().map(|a| m.pay_account(a.authority.pubkey())).collect();
    let pairs: Vec<(Pubkey, Pubkey)> =
        t.agents.iter().map(|a| a.agent).zip(accounts.iter().copied()).collect();
    let ix = cix::payout_with_members(m.accept_ix(intent, lead_tokens, 9_000), &pairs);
    let requester = m.requester.insecure_clone();
    let meta = m.r.svm.send_measured("exchange", "result_accept_coalition_3", &[ix], &[&requester]).unwrap();
    let paid = events::find::<CoalitionPaid>(&meta.logs).remove(0);
    assert_eq!(paid.amounts, vec![250_001, 150_000, 100_000]);
    assert_eq!(
        (m.balance(&lead_tokens), m.balance(&accounts[1]), m.balance(&accounts[2])),
        (250_001, 150_000, 100_000)
    );
    assert_eq!(m.intent_state(intent).status().unwrap(), IntentStatus::Completed);
    for a in &t.agents {
        let agent = m.r.agent(a);
        assert_eq!((agent.locked, agent.completed, agent.failed), (0, 1, 0));
    }
    // The bid closes, the coalition is idle again and may dissolve.
    m.close_bid_of(t.coalition, &t.lead().authority, intent).unwrap();
    assert_eq!(m.coalition_state(t.coalition).open_bids, 0);
    m.close_bid(&generalist, intent).unwrap();
    m.close_intent(intent).unwrap();
    m.coalition_dissolve(&t.lead().authority, t.coalition).unwrap();
    m.assert_accounted(&[]);
}

#[test]
fn an_unsigned_member_blocks_bidding_and_vickrey_is_not_for_coalitions_yet() {
    let mut m = Market::new();
    let agents = specialists(&mut m);
    m.coalition_create(&agents[0], 1, terms(&agents)).unwrap();
    let coalition = pda::coalition(&agents[0].agent, 1).0;
    m.coalition_accept(&agents[1], coalition).unwrap();
    let t = Team { agents, coalition };
    let args = needs_all(&mut m, AuctionKind::Continuous, 0);
    let intent = m.create(args).unwrap();
    assert_error(&place(&mut m, &t, intent, 100), ExchangeError::CoalitionNotReady);
    m.coalition_accept(&t.agents[2], coalition).unwrap();
    // A member left out, or another agent in its place.
    let round = m.intent_state(intent).round;
    let ix = xix::bid_place(t.lead().authority.pubkey(), intent, coalition, round, opening(100, 9_000, 10));
    let short = cix::with_members(ix.clone(), &t.members()[..2]);
    assert_error(
        &m.r.svm.send(&[short], &[&t.lead().authority]),
        ExchangeError::CoalitionMemberAccountMissing,
    );
    // Signed by a member that is not the coalition's authority.
    let ix =
        xix::bid_place(t.agents[1].authority.pubkey(), intent, coalition, round, opening(100, 9_000, 10));
    let ix = cix::with_members(ix, &t.members());
    assert_error(&m.r.svm.send(&[ix], &[&t.agents[1].authority]), ExchangeError::BidNotBidder);
    place(&mut m, &t, intent, 100).unwrap();
    let vickrey = needs_all(&mut m, AuctionKind::VickreySealed, 0);
    let sealed = m.create(vickrey).unwrap();
    let commit = xix::bid_commit(t.lead().authority.pubkey(), sealed, coalition, 0, [7; 32]);
    let commit = cix::with_members(commit, &t.members());
    assert_error(
        &m.r.svm.send(&[commit], &[&t.lead().authority]),
        ExchangeError::CoalitionAuctionKindUnsupported,
    );
}

#[test]
fn a_silent_coalition_slashes_only_the_members_that_did_not_do_their_part() {
    let mut m = Market::new();
    let t = team(&mut m);
    let args = needs_all(&mut m, AuctionKind::FirstPriceSealed, 0);
    let intent = m.create(args).unwrap();
    // Sealed: commit and reveal with the members, settle with them (each contribution locked).
    let o = opening(MAX_PRICE / 2, 9_000, 10);
    let commitment = xix::commitment(&intent, &t.coalition, &o);
    let commit = xix::bid_commit(t.lead().authority.pubkey(), intent, t.coalition, 0, commitment);
    m.r.svm.send(&[cix::with_members(commit, &t.members())], &[&t.lead().authority]).unwrap();
    m.to_reveal(intent);
    let reveal = xix::bid_reveal(t.lead().authority.pubkey(), intent, t.coalition, 0, o);
    m.r.svm.send(&[cix::with_members(reveal, &t.members())], &[&t.lead().authority]).unwrap();
    m.to_settle(intent);
    let state = m.intent_state(intent);
    let keeper = m.keeper.insecure_clone();
    let settle =
        cix::settle_with_members(xix::auction_settle_for(keeper.pubkey(), intent, &state), &t.members());
    m.r.svm.send_measured("exchange", "auction_settle_coalition_3", &[settle], &[&keeper]).unwrap();
    assert_eq!(m.intent_state(intent).winner_agent, t.coalition);

    // The lead does its part; the two others go silent, and so does everyone's heartbeat.
    part_done(&mut m, &t, 0, intent).unwrap();
    let award = m.intent_state(intent).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
    let state = m.intent_state(intent);
    let ix = xix::failover_trigger(
        keeper.pubkey(),
        Some(m.keeper_stake_tokens),
        intent,
        &state,
        &m.failover_accounts(),
    );
    let ix = cix::with_failed_members(ix, &state, &t.members());
    m.r.svm.send_measured("exchange", "failover_trigger_coalition_3", &[ix], &[&keeper]).unwrap();
    let (lead, second, third) = (m.r.agent(&t.agents[0]), m.r.agent(&t.agents[1]), m.r.agent(&t.agents[2]));
    // The failover rate (50%) of each failing member's own contribution: 100 of 200, 50 of 100.
    assert_eq!(
        (lead.staked, lead.locked, lead.failed),
        (1_000, 0, 0),
        "did its part: neither slashed nor failed"
    );
    assert_eq!((second.staked, second.locked, second.failed), (900, 0, 1));
    assert_eq!((third.staked, third.locked, third.failed), (950, 0, 1));
    let state = m.intent_state(intent);
    assert_eq!(
        (state.status().unwrap(), state.round, state.excluded[0]),
        (IntentStatus::Open, 1, t.coalition)
    );
    assert_eq!(m.r.balance(&m.keeper_stake_tokens) + m.r.balance(&m.requester_stake_tokens), 150);
}

#[test]
fn an_eight_member_coalition_is_settled_in_one_transaction() {
    let mut m = Market::new();
    let agents = m.specialists(8);
    let refs: Vec<&TestAgent> = agents.iter().collect();
    let coalition = m.coalition(&refs, 100);
    let members: Vec<Pubkey> = agents.iter().map(|a| a.agent).collect();
    let mut args = m.args(AuctionKind::Continuous);
    (args.required_capabilities, args.min_stake) = (0xff, 800);
    let intent = m.create(args).unwrap();
    let lead = &agents[0];
    let ix = xix::bid_place(lead.authority.pubkey(), intent, coalition, 0, opening(400_000, 9_000, 10));
    m.r.svm.send(&[cix::with_members(ix, &members)], &[&lead.authority]).unwrap();
    m.to_settle(intent);
    let state = m.intent_state(intent);
    let keeper = m.keeper.insecure_clone();
    let settle = cix::settle_with_members(xix::auction_settle_for(keeper.pubkey(), intent, &state), &members);
    m.r.svm.send_measured("exchange", "auction_settle_coalition_8", &[settle], &[&keeper]).unwrap();
    let state = m.intent_state(intent);
    assert_eq!((state.winner_agent, state.coalition_members), (coalition, 8));
    assert!(agents.iter().all(|a| m.r.agent(a).locked == 100), "every contribution locked");
    // Each crank an eight-member coalition's job needs fits in one legacy transaction in this
    // market: its failover with every member failed, and its payouts. Here the stake and payment
    // mints and accounts coincide; with every key distinct a failover fits up to five members,
    // and the keeper sends a larger one through a lookup table (`agx_keeper::cranks`' packet
    // test, `keeper_in_process`).
    let state = m.intent_state(intent);
    let size = |ixs: &[agx_sdk::Instruction]| {
        let tx = solana_transaction::Transaction::new_with_payer(ixs, Some(&keeper.pubkey()));
        tx.message.serialize().len() + 1 + 64 * usize::from(tx.message.header.num_required_signatures)
    };
    const PACKET_DATA_SIZE: usize = 1232;
    let accounts = m.failover_accounts();
    let failover =
        xix::failover_trigger(keeper.pubkey(), Some(m.keeper_stake_tokens), intent, &state, &accounts);
    let failover = cix::with_failed_members(failover, &state, &members);
    let pairs: Vec<(Pubkey, Pubkey)> = members.iter().map(|a| (*a, Pubkey::new_unique())).collect();
    let finalize =
        cix::payout_with_members(xix::intent_finalize_stored(keeper.pubkey(), intent, &state), &pairs);
    let accept = cix::payout_with_members(m.accept_ix(intent, Pubkey::new_unique(), 9_000), &pairs);
    // The keeper's cranks leave room for its two compute-budget instructions (a program key and
    // two short instructions, under 60 bytes); the requester's accept is sent as built.
    let cranks =
        [("failover_trigger", failover, 60), ("intent_finalize", finalize, 60), ("result_accept", accept, 0)];
    for (name, ix, room) in cranks {
        let bytes = size(&[ix]);
        assert!(bytes + room <= PACKET_DATA_SIZE, "{name} with eight members is {bytes} bytes");
    }
}

/// A coalition holding a continuous job won at the threshold, its members' contributions locked.
fn holding(m: &mut Market) -> (Team, Pubkey) {
    let t = team(m);
    let args = needs_all(m, AuctionKind::Continuous, 6_000);
    let intent = m.create(args).unwrap();
    place(m, &t, intent, 500_000).unwrap();
    assert_eq!(m.intent_state(intent).winner_agent, t.coalition);
    (t, intent)
}

#[test]
fn only_a_member_marks_its_own_part_of_a_job_the_coalition_holds() {
    let mut m = Market::new();
    let (t, intent) = holding(&mut m);
    let (lead, second) = (&t.agents[0], &t.agents[1]);
    // Another key for a member; an unsigned mark; the coalition passed as the member.
    let ix = cix::part_done(lead.authority.pubkey(), intent, t.coalition, second.agent);
    assert_error(&m.r.svm.send(&[ix], &[&lead.authority]), ExchangeError::CoalitionSignerNotAuthority);
    let mut ix = cix::part_done(second.authority.pubkey(), intent, t.coalition, second.agent);
    agx_tests::EditAccounts::unsign(&mut ix, second.authority.pubkey());
    let payer = m.r.svm.payer.insecure_clone();
    assert_error(&m.r.svm.send(&[ix], &[&payer]), agx_tests::anchor_codes::ACCOUNT_NOT_SIGNER);
    let ix = cix::part_done(second.authority.pubkey(), intent, t.coalition, t.coalition);
    assert_error(&m.r.svm.send(&[ix], &[&second.authority]), ExchangeError::CoalitionNotMember);
    // Another coalition of the same members does not hold the job; nor does an open intent.
    m.coalition_create(lead, 2, terms(&t.agents)).unwrap();
    let other = pda::coalition(&lead.agent, 2).0;
    let ix = cix::part_done(lead.authority.pubkey(), intent, other, lead.agent);
    assert_error(&m.r.svm.send(&[ix], &[&lead.authority]), ExchangeError::CoalitionJobNotHeld);
    let open = m.intent(AuctionKind::Continuous);
    let ix = cix::part_done(lead.authority.pubkey(), open, t.coalition, lead.agent);
    assert_error(&m.r.svm.send(&[ix], &[&lead.authority]), ExchangeError::CoalitionJobNotHeld);
    // An intent passed as the coalition (type cosplay).
    let ix = cix::part_done(lead.authority.pubkey(), intent, intent, lead.agent);
    assert_error(
        &m.r.svm.send(&[ix], &[&lead.authority]),
        agx_tests::anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH,
    );
    let ix = cix::part_done(second.authority.pubkey(), intent, t.coalition, second.agent);
    m.r.svm.send_measured("exchange", "coalition_part_done", &[ix], &[&second.authority]).unwrap();
    assert_eq!(m.intent_state(intent).parts_done, 0b010);
}

#[test]
fn the_lead_declines_for_the_coalition_and_the_members_not_done_pay_for_it() {
    let mut m = Market::new();
    let (t, intent) = holding(&mut m);
    part_done(&mut m, &t, 1, intent).unwrap();
    let state = m.intent_state(intent);
    let accounts = m.failover_accounts();
    let decline = |a: &TestAgent| {
        let ix = xix::award_decline(a.authority.pubkey(), intent, &state, &accounts);
        cix::with_failed_members(ix, &state, &t.members())
    };
    // Only the coalition's authority declines for it.
    let by_member = decline(&t.agents[1]);
    assert_error(
        &m.r.svm.send(&[by_member], &[&t.agents[1].authority]),
        ExchangeError::AwardDeclineNotWinner,
    );
    let by_lead = decline(t.lead());
    m.r.svm.send(&[by_lead], &[&t.lead().authority]).unwrap();
    let staked: Vec<u64> = t.agents.iter().map(|a| m.r.agent(a).staked).collect();
    let failed: Vec<u32> = t.agents.iter().map(|a| m.r.agent(a).failed).collect();
    // At the award slot a decline costs the config's decline share (20%) of each own hold.
    assert_eq!(staked, vec![940, 1_000, 980]);
    assert_eq!(failed, vec![1, 0, 1], "the member that did its part records nothing");
    assert!(t.agents.iter().all(|a| m.r.agent(a).locked == 0));
    assert_eq!(m.intent_state(intent).status().unwrap(), IntentStatus::Open, "re-auctioned");
}

#[test]
fn a_dispute_pays_the_coalition_its_share_by_shares_but_slashes_no_member_yet() {
    let mut m = Market::new();
    let (t, intent) = holding(&mut m);
    for i in 0..3 {
        part_done(&mut m, &t, i, intent).unwrap();
    }
    m.submit(t.lead(), intent, 10_000).unwrap();
    m.dispute(intent).unwrap();
    let lead_tokens = m.intent_state(intent).winner_tokens;
    let accounts: Vec<Pubkey> = t.agents.iter().map(|a| m.pay_account(a.authority.pubkey())).collect();
    let pairs: Vec<(Pubkey, Pubkey)> =
        t.agents.iter().map(|a| a.agent).zip(accounts.iter().copied()).collect();
    let requester_stake = m.requester_stake_tokens;
    let arbitrator = m.arbitrator.insecure_clone();
    let slashing = cix::payout_with_members(
        m.resolve_ix(intent, lead_tokens, 5_000, Some((requester_stake, 10))),
        &pairs,
    );
    assert_error(&m.r.svm.send(&[slashing], &[&arbitrator]), ExchangeError::CoalitionDisputeSlashUnsupported);
    let half = cix::payout_with_members(m.resolve_ix(intent, lead_tokens, 5_000, None), &pairs);
    m.r.svm.send(&[half], &[&arbitrator]).unwrap();
    // Half of 500,000, split 5,000 / 3,000 / 2,000 bps.
    assert_eq!(
        (m.balance(&lead_tokens), m.balance(&accounts[1]), m.balance(&accounts[2])),
        (125_000, 75_000, 50_000)
    );
    assert!(t.agents.iter().all(|a| m.r.agent(a).locked == 0));
}

/// `hire_accept` by `t`'s lead of the direct hire `intent` offered to the coalition, with the
/// members after the named accounts.
fn hire_accept(m: &Market, t: &Team, intent: Pubkey, signer: &TestAgent, members: &[Pubkey]) -> Instruction {
    let state = m.intent_state(intent);
    let terms = HireTerms { price: state.max_price, quality_bps: 9_000, latency: 10 };
    let ix = xix::hire_accept(signer.authority.pubkey(), intent, t.coalition, state.round, terms);
    cix::with_members(ix, members)
}

/// A direct hire offered to `t`'s coalition, needing all three capabilities.
fn hire_of(m: &mut Market, t: &Team) -> Pubkey {
    let mut args = m.direct_args(t.coalition);
    (args.required_capabilities, args.min_stake) = (0b111, 500);
    m.create(args).unwrap()
}

#[test]
fn a_coalition_is_hired_directly_paid_by_shares_and_counts_the_hire_until_the_outcome() {
    let mut m = Market::new();
    let t = team(&mut m);
    let intent = hire_of(&mut m, &t);
    // Only the coalition's authority accepts, with every member passed.
    let by_member = hire_accept(&m, &t, intent, &t.agents[1], &t.members());
    assert_error(&m.r.svm.send(&[by_member], &[&t.agents[1].authority]), ExchangeError::BidNotBidder);
    let short = hire_accept(&m, &t, intent, t.lead(), &t.members()[..2]);
    assert_error(
        &m.r.svm.send(&[short], &[&t.lead().authority]),
        ExchangeError::CoalitionMemberAccountMissing,
    );
    let ix = hire_accept(&m, &t, intent, t.lead(), &t.members());
    let meta =
        m.r.svm.send_measured("exchange", "hire_accept_coalition_3", &[ix], &[&t.lead().authority]).unwrap();
    let awarded = events::find::<AuctionAwarded>(&meta.logs).remove(0);
    assert_eq!((awarded.agent, awarded.payment, awarded.stake_locked), (t.coalition, MAX_PRICE, 600));
    let state = m.intent_state(intent);
    assert_eq!((state.winner_agent, state.winner_bid, state.coalition_members), (t.coalition, intent, 3));
    let locked: Vec<u64> = t.agents.iter().map(|a| m.r.agent(a).locked).collect();
    assert_eq!(locked, vec![300, 200, 100], "each member's contribution is locked");
    // No bid account, but the hire counts on the coalition: it cannot dissolve while it holds it.
    assert_eq!(m.coalition_state(t.coalition).open_bids, 1);
    assert_error(&m.coalition_dissolve(&t.lead().authority, t.coalition), ExchangeError::CoalitionBusy);

    for i in 0..3 {
        part_done(&mut m, &t, i, intent).unwrap();
    }
    m.submit(t.lead(), intent, 10_000).unwrap();
    let lead_tokens = m.intent_state(intent).winner_tokens;
    let accounts: Vec<Pubkey> = t.agents.iter().map(|a| m.pay_account(a.authority.pubkey())).collect();
    let pairs: Vec<(Pubkey, Pubkey)> =
        t.agents.iter().map(|a| a.agent).zip(accounts.iter().copied()).collect();
    let ix = cix::payout_with_members(m.accept_ix(intent, lead_tokens, 9_000), &pairs);
    let requester = m.requester.insecure_clone();
    let meta = m.r.svm.send(&[ix], &[&requester]).unwrap();
    assert_eq!(events::find::<CoalitionPaid>(&meta.logs).remove(0).amounts, vec![500_000, 300_000, 200_000]);
    assert_eq!(
        (m.balance(&lead_tokens), m.balance(&accounts[1]), m.balance(&accounts[2])),
        (500_000, 300_000, 200_000)
    );
    for a in &t.agents {
        let agent = m.r.agent(a);
        assert_eq!((agent.locked, agent.completed, agent.failed), (0, 1, 0));
    }
    // The outcome uncounts the hire: the coalition is idle and dissolves; nothing is left over.
    assert_eq!(m.coalition_state(t.coalition).open_bids, 0);
    m.close_intent(intent).unwrap();
    m.coalition_dissolve(&t.lead().authority, t.coalition).unwrap();
    m.assert_accounted(&[]);
}

#[test]
fn a_hired_coalition_that_goes_silent_is_failed_over_member_by_member_and_uncounted() {
    let mut m = Market::new();
    let t = team(&mut m);
    // A coalition may turn a hire down, as an agent may.
    let declined = hire_of(&mut m, &t);
    let ix = xix::hire_decline(t.lead().authority.pubkey(), declined, t.coalition);
    m.r.svm.send(&[ix], &[&t.lead().authority]).unwrap();
    let ix = xix::hire_decline(t.agents[1].authority.pubkey(), declined, t.coalition);
    assert_error(&m.r.svm.send(&[ix], &[&t.agents[1].authority]), ExchangeError::BidNotBidder);

    let intent = hire_of(&mut m, &t);
    let ix = hire_accept(&m, &t, intent, t.lead(), &t.members());
    m.r.svm.send(&[ix], &[&t.lead().authority]).unwrap();
    part_done(&mut m, &t, 1, intent).unwrap();
    let award = m.intent_state(intent).award_slot;
    m.warp_to(award + HEARTBEAT_TIMEOUT + 1);
    let state = m.intent_state(intent);
    let keeper = m.keeper.insecure_clone();
    let ix = xix::failover_trigger(
        keeper.pubkey(),
        Some(m.keeper_stake_tokens),
        intent,
        &state,
        &m.failover_accounts(),
    );
    let ix = cix::with_failed_members(ix, &state, &t.members());
    m.r.svm.send(&[ix], &[&keeper]).unwrap();
    // 50% of each failing member's contribution: 150 of the lead's 300, 50 of the third's 100.
    let staked: Vec<(u64, u64, u32)> =
        t.agents.iter().map(|a| m.r.agent(a)).map(|a| (a.staked, a.locked, a.failed)).collect();
    assert_eq!(staked, vec![(850, 0, 1), (1_000, 0, 0), (950, 0, 1)]);
    let state = m.intent_state(intent);
    assert_eq!(
        (state.status().unwrap(), state.kind().unwrap(), state.excluded[0]),
        (IntentStatus::Open, AuctionKind::Continuous, t.coalition),
        "re-auctioned in the clear, the coalition cut off"
    );
    assert_eq!(m.coalition_state(t.coalition).open_bids, 0, "the failed hire is uncounted");
    assert_eq!(m.r.balance(&m.keeper_stake_tokens) + m.r.balance(&m.requester_stake_tokens), 200);
    m.coalition_dissolve(&t.lead().authority, t.coalition).unwrap();
}
