//! `award_decline` on the built `.so`, in LiteSVM: the winner gives the job up before its
//! deadline at the smaller decline slash, all of it to the requester, and the next candidate
//! takes over at once.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::FailoverTriggered;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_tests::market::{Market, MIN_STAKE};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn the_winner_declines_at_the_smaller_slash_and_the_runner_up_takes_over() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    let state = m.intent_state(intent);
    let accounts = m.failover_accounts();
    let ix = xix::award_decline(a.authority.pubkey(), intent, &state, &accounts);
    let meta = m.r.svm.send_measured("exchange", "award_decline", &[ix], &[&a.authority]).unwrap();
    let ev = &events::find::<FailoverTriggered>(&meta.logs)[0];
    // 20% of the 100-atom hold, all to the requester: nobody cranked.
    assert_eq!((ev.cause, ev.slashed, ev.reward, ev.winner_agent), (2, 20, 0, b.agent));
    assert_eq!(m.r.balance(&m.requester_stake_tokens), 20);
    assert_eq!((m.r.agent(&a).staked, m.r.agent(&a).locked), (MIN_STAKE - 20, 0));
    // No longer the winner: its result is refused.
    assert_error(&m.submit(&a, intent, 10_000), ExchangeError::ResultNotWinner);
    m.r.assert_accounted(&[&a, &b]);
}

#[test]
fn only_the_winner_declines_and_only_before_its_deadline() {
    let mut m = Market::new();
    let (intent, a, b) = m.awarded(AuctionKind::VickreySealed);
    assert_error(&m.decline(&b, intent), ExchangeError::AwardDeclineNotWinner);
    let state = m.intent_state(intent);
    let mut ix = xix::award_decline(a.authority.pubkey(), intent, &state, &m.failover_accounts());
    ix.unsign(a.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    m.warp_to(state.execution_deadline_slot);
    assert_error(&m.decline(&a, intent), ExchangeError::AwardDeclineTooLate);
    assert_eq!(m.intent_state(intent).winner_agent, a.agent);
}
