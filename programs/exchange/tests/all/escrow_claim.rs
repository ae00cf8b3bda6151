//! `escrow_claim` on the built `.so`, in LiteSVM: what an ended intent's escrow kept for a party
//! whose account could not receive it is paid to that party's account, and only there.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::EscrowClaimed;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::{pda, token as spl, Pubkey};
use agx_tests::anchor_codes;
use agx_tests::market::Market;
use agx_tests::registry::TestAgent;
use agx_tests::{assert_error, Signer};

/// A completed first-price job whose winner closed its payout account before the keeper
/// finalized: 300,000 atoms wait in the escrow for it. Returns the intent and the winner.
fn job_with_an_agent_claim(m: &mut Market) -> (Pubkey, TestAgent, TestAgent) {
    let (intent, a, b) = m.awarded(AuctionKind::FirstPriceSealed);
    m.submit(&a, intent, 10_000).unwrap();
    let named = m.intent_state(intent).winner_tokens;
    let close = spl::close_account(m.pay.program, named, a.authority.pubkey(), a.authority.pubkey());
    m.r.svm.send(&[close], &[&a.authority]).unwrap();
    m.pay_accounts.retain(|x| *x != named);
    m.warp_to(m.intent_state(intent).dispute_end_slot);
    m.finalize(intent, named).unwrap();
    assert_eq!(m.intent_state(intent).agent_claim, 300_000);
    (intent, a, b)
}

#[test]
fn pays_the_winners_claim_to_its_account_and_closes_the_escrow() {
    let mut m = Market::new();
    let (intent, a, b) = job_with_an_agent_claim(&mut m);
    let payout = m.pay_account(a.authority.pubkey());
    let state = m.intent_state(intent);
    let ix = xix::escrow_claim(intent, &state, Some(payout), None);
    let meta = m.r.svm.send_measured("exchange", "escrow_claim", &[ix], &[]).unwrap();
    let ev = events::find::<EscrowClaimed>(&meta.logs).remove(0);
    assert_eq!((ev.to_agent, ev.to_requester, ev.agent_claim, ev.closed), (300_000, 0, 0, true));
    assert_eq!(m.balance(&payout), 300_000);
    assert!(m.r.svm.account(&pda::escrow(&intent).0).is_none());
    // Nothing is left to claim: a second claim (or a revival of the closed escrow) is refused.
    assert_error(
        &m.r.svm.send(&[xix::escrow_claim(intent, &state, Some(payout), None)], &[]),
        ExchangeError::EscrowNothingToClaim,
    );
    for agent in [&a, &b] {
        m.close_bid(agent, intent).unwrap();
    }
    m.close_intent(intent).unwrap();
    m.assert_accounted(&[]);
}

#[test]
fn a_claim_goes_only_to_its_partys_account_of_the_intents_mint() {
    let mut m = Market::new();
    let (intent, a, _b) = job_with_an_agent_claim(&mut m);
    let state = m.intent_state(intent);
    // The requester's account for the agent's claim, the agent's for the requester's.
    let requesters = m.pay_account(m.requester.pubkey());
    let agents = m.pay_account(a.authority.pubkey());
    let send = |m: &mut Market, ix| m.r.svm.send(&[ix], &[]);
    assert_error(
        &send(&mut m, xix::escrow_claim(intent, &state, Some(requesters), None)),
        ExchangeError::PayoutAccountMismatch,
    );
    assert_error(
        &send(&mut m, xix::escrow_claim(intent, &state, None, Some(agents))),
        ExchangeError::RefundAccountMismatch,
    );
    // An account of the agent in another mint; the mint itself posing as a token account.
    let other_mint = agx_tests::token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let other =
        agx_tests::token::create_account(&mut m.r.svm, m.pay.program, other_mint, a.authority.pubkey());
    assert_error(
        &send(&mut m, xix::escrow_claim(intent, &state, Some(other), None)),
        ExchangeError::PayoutAccountMismatch,
    );
    let mint = m.pay.mint;
    assert_error(
        &send(&mut m, xix::escrow_claim(intent, &state, Some(mint), None)),
        ExchangeError::PayoutAccountMismatch,
    );
    m.assert_accounted(&[intent]);
}

#[test]
fn the_escrow_mint_token_program_and_requester_are_the_intents() {
    let mut m = Market::new();
    let (intent, a, _b) = job_with_an_agent_claim(&mut m);
    let state = m.intent_state(intent);
    let payout = m.pay_account(a.authority.pubkey());
    let ix = || xix::escrow_claim(intent, &state, Some(payout), None);
    let send = |m: &mut Market, ix| m.r.svm.send(&[ix], &[]);
    let (other, _, _) = m.awarded(AuctionKind::FirstPriceSealed);
    let swapped = agx_tests::swap_account(ix(), pda::escrow(&intent).0, pda::escrow(&other).0);
    assert_error(&send(&mut m, swapped), ExchangeError::EscrowAccountMismatch);
    let other_mint = agx_tests::token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let mint = m.pay.mint;
    assert_error(
        &send(&mut m, agx_tests::swap_account(ix(), mint, other_mint)),
        ExchangeError::EscrowMintMismatch,
    );
    // Arbitrary CPI target: another program as the token program; the other token program.
    let program = m.pay.program;
    let fake_program = agx_tests::swap_account(ix(), program, agx_sdk::exchange::ID);
    assert_error(&send(&mut m, fake_program), anchor_codes::INVALID_PROGRAM_ID);
    let other_program = agx_tests::swap_account(ix(), program, agx_tests::token::TOKEN_2022);
    assert_error(&send(&mut m, other_program), ExchangeError::EscrowMintMismatch);
    let stranger = Pubkey::new_unique();
    let requester = m.requester.pubkey();
    assert_error(
        &send(&mut m, agx_tests::swap_account(ix(), requester, stranger)),
        ExchangeError::RequesterMismatch,
    );
    m.assert_accounted(&[intent]);
}

#[test]
fn only_an_intent_of_this_program_and_only_once_it_has_ended() {
    let mut m = Market::new();
    // A live intent keeps its escrow: nothing to claim.
    let live = m.intent(AuctionKind::VickreySealed);
    let state = m.intent_state(live);
    let requesters = m.pay_account(m.requester.pubkey());
    let ix = xix::escrow_claim(live, &state, None, Some(requesters));
    assert_error(&m.r.svm.send(std::slice::from_ref(&ix), &[]), ExchangeError::EscrowNothingToClaim);
    // Type cosplay: the exchange config posing as the intent; an intent copy owned elsewhere.
    let cosplay = agx_tests::swap_account(ix.clone(), live, pda::exchange_config().0);
    assert_error(&m.r.svm.send(&[cosplay], &[]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    let copy = m.r.svm.plant_copy(&live);
    let mut account = m.r.svm.account(&copy).unwrap();
    account.owner = agx_sdk::agent_registry::ID;
    m.r.svm.svm.set_account(copy, account).unwrap();
    let foreign = agx_tests::swap_account(ix, live, copy);
    assert_error(&m.r.svm.send(&[foreign], &[]), anchor_codes::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
    m.assert_accounted(&[live]);
}
