//! `outcome_settle` (operator only) on the built `.so`, in LiteSVM: one call slashes part of the
//! winner's hold (optional), releases the rest of the job's stake (winner and standby) and
//! records the outcome, as `agx_core` computes it.
use agent_registry::error::RegistryError;
use agent_registry::events::OutcomeSettled;
use agent_registry::{OutcomeKind, OutcomeSettleArgs};
use agx_core::reputation::{History, Outcome, ReputationParams};
use agx_sdk::ix::registry as rix;
use agx_tests::registry::Registry;
use agx_tests::{assert_error, Signer};

fn done() -> OutcomeSettleArgs {
    OutcomeSettleArgs {
        unlock: 300,
        kind: OutcomeKind::Completed,
        value: 2_000_000,
        rating_bps: Some(8_000),
        slash: Vec::new(),
        requester: anchor_lang::prelude::Pubkey::new_from_array([5; 32]),
        release_engagement: false,
        capabilities: 1,
        late: false,
    }
}

fn slashed(amounts: &[u64]) -> OutcomeSettleArgs {
    OutcomeSettleArgs { kind: OutcomeKind::Slashed, rating_bps: None, slash: amounts.to_vec(), ..done() }
}

#[test]
fn releases_winner_and_standby_and_records_the_outcome() {
    let mut r = Registry::new();
    let (a, b) = (r.staked_agent(1_000), r.staked_agent(1_000));
    r.lock(&a, 300).unwrap();
    r.lock(&b, 300).unwrap();
    let operator = r.operator.insecure_clone();
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, Some(b.agent), None, done(), None);
    r.svm.send_measured("agent_registry", "outcome_settle", &[ix], &[&operator]).unwrap();
    assert_eq!((r.agent(&a).locked, r.agent(&b).locked), (0, 0));
    let mut expected = History::default();
    expected.record(Outcome::Completed { value: 2_000_000, rating_bps: Some(8_000) }).unwrap();
    assert_eq!(r.agent(&a).history(), expected);
    assert_eq!(r.agent(&a).reputation, expected.score(&ReputationParams::DEFAULT).unwrap());
    assert_eq!(r.agent(&b).completed, 0, "only the winner's outcome is recorded");
    // Nothing left to release: refused, and nothing changes.
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, None, None, done(), None);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeUnlockExceedsLocked);
    assert_eq!(r.agent(&a).completed, 1);
}

#[test]
fn a_slash_comes_out_of_the_winners_hold_and_the_rest_is_released() {
    let mut r = Registry::new();
    let (a, b) = (r.staked_agent(1_000), r.staked_agent(1_000));
    r.lock(&a, 300).unwrap();
    r.lock(&b, 300).unwrap();
    let (requester, keeper) =
        (r.token_account(agx_sdk::Pubkey::new_unique()), r.token_account(agx_sdk::Pubkey::new_unique()));
    let operator = r.operator.insecure_clone();
    let stake = r.stake;
    let c = r.staked_agent(1_000);
    let settle = |successor| {
        rix::outcome_settle(
            operator.pubkey(),
            a.agent,
            Some(b.agent),
            successor,
            slashed(&[100, 20]),
            Some((stake, &[requester, keeper][..])),
        )
    };
    // The winner cannot be its own successor, nor the standby the successor.
    assert_error(&r.svm.send(&[settle(Some(a.agent))], &[&operator]), RegistryError::AgentRepeated);
    assert_error(&r.svm.send(&[settle(Some(b.agent))], &[&operator]), RegistryError::AgentRepeated);
    r.svm
        .send_measured("agent_registry", "outcome_settle_with_slash", &[settle(Some(c.agent))], &[&operator])
        .unwrap();
    let (winner, standby) = (r.agent(&a), r.agent(&b));
    assert_eq!((winner.staked, winner.locked, winner.slashed), (880, 0, 1));
    assert_eq!((standby.staked, standby.locked), (1_000, 0), "the standby is only released");
    assert_eq!(r.agent(&c).locked, 300, "the successor takes the hold over");
    assert_eq!((r.balance(&requester), r.balance(&keeper), r.balance(&a.vault)), (100, 20, 880));
    r.assert_accounted(&[&a, &b, &c]);
}

#[test]
fn a_slash_beyond_the_hold_or_without_its_accounts_is_refused() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 300).unwrap();
    r.lock(&a, 200).unwrap();
    let to = r.token_account(agx_sdk::Pubkey::new_unique());
    let operator = r.operator.insecure_clone();
    let stake = r.stake;
    // 400 is within the locked 500, but not within this job's hold of 300.
    let ix = rix::outcome_settle(
        operator.pubkey(),
        a.agent,
        None,
        None,
        slashed(&[400]),
        Some((stake, &[to][..])),
    );
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::OutcomeSlashExceedsHold);
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, None, None, slashed(&[100]), None);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::OutcomeSlashAccountsMissing);
    let ix = rix::outcome_settle(
        operator.pubkey(),
        a.agent,
        None,
        None,
        slashed(&[100]),
        Some((stake, &[a.vault][..])),
    );
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::StakeDestinationIsVault);
    let mut fake_mint = rix::outcome_settle(
        operator.pubkey(),
        a.agent,
        None,
        None,
        slashed(&[100]),
        Some((stake, &[to][..])),
    );
    let other_mint = agx_tests::token::create_mint(&mut r.svm, stake.program, 6);
    fake_mint
        .accounts
        .iter_mut()
        .find(|m| m.pubkey == stake.mint)
        .expect("the stake mint is passed")
        .pubkey = other_mint;
    assert_error(&r.svm.send(&[fake_mint], &[&operator]), RegistryError::StakeMintMismatch);
    assert_eq!((r.agent(&a).staked, r.agent(&a).locked, r.balance(&to)), (1_000, 500, 0));
}

#[test]
fn nobody_but_the_operator_settles_an_outcome() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 300).unwrap();
    let ix = rix::outcome_settle(a.authority.pubkey(), a.agent, None, None, done(), None);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!(r.agent(&a).locked, 300);
}

/// Repeat work for one requester counts less for reputation each time
/// (`agx_core::reputation::Patrons`); a new requester's job counts in full.
#[test]
fn repeat_work_from_one_requester_counts_less() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let operator = r.operator.insecure_clone();
    let requester = anchor_lang::prelude::Pubkey::new_from_array([5; 32]);
    let mut counted = Vec::new();
    for from in [requester, requester, requester, anchor_lang::prelude::Pubkey::new_from_array([6; 32])] {
        r.lock(&a, 300).unwrap();
        let args = OutcomeSettleArgs { requester: from, rating_bps: Some(10_000), ..done() };
        let before = r.agent(&a).value_completed;
        let meta = r
            .svm
            .send(&[rix::outcome_settle(operator.pubkey(), a.agent, None, None, args, None)], &[&operator])
            .unwrap();
        let ev = agx_sdk::events::find::<agent_registry::events::OutcomeSettled>(&meta.logs).remove(0);
        assert_eq!((ev.value, ev.requester), (2_000_000, from));
        assert_eq!(r.agent(&a).value_completed - before, ev.counted_value);
        counted.push(ev.counted_value);
    }
    // 2,000,000 paid each time, prior weight 1,000,000: 2e6 * 1e6 / (1e6 + 2e6), then / 5e6.
    assert_eq!(counted, vec![2_000_000, 666_666, 400_000, 2_000_000]);
    let patrons = agx_core::reputation::Patrons::from_bytes(&r.agent(&a).patrons);
    assert!(patrons.0.iter().any(|p| p.requester == requester.to_bytes() && p.value == 6_000_000));
}

#[test]
fn a_direct_hires_outcome_ends_its_engagement() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let operator = r.operator.insecure_clone();
    r.svm.send(&[rix::agent_hire(operator.pubkey(), a.agent, 300)], &[&operator]).unwrap();
    let args = OutcomeSettleArgs { release_engagement: true, ..done() };
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, None, None, args.clone(), None);
    let meta = r.svm.send(&[ix], &[&operator]).unwrap();
    assert_eq!(agx_sdk::events::find::<OutcomeSettled>(&meta.logs)[0].open_bids, 0);
    assert_eq!((r.agent(&a).locked, r.agent(&a).open_bids), (0, 0));
    // A second outcome has no engagement left to end.
    r.lock(&a, 300).unwrap();
    let ix = rix::outcome_settle(operator.pubkey(), a.agent, None, None, args, None);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::AgentReleaseWithoutOpenBid);
    assert_eq!(r.agent(&a).locked, 300, "the refused outcome changed nothing");
}

/// Reliability from delivery (issue 25): a completion after the promised latency, or after
/// heartbeats missed while working, counts late: done, but half its value weighs against
/// reliability, so it scores below the same job on time.
#[test]
fn a_late_completion_is_recorded_and_scores_below_an_on_time_one() {
    let (mut on_time, mut late) = (Registry::new(), Registry::new());
    let (a, b) = (on_time.register_agent(1), late.register_agent(1));
    for (r, agent, is_late) in [(&mut on_time, &a, false), (&mut late, &b, true)] {
        let operator = r.operator.insecure_clone();
        let args = OutcomeSettleArgs { unlock: 0, late: is_late, ..done() };
        r.svm
            .send(
                &[rix::outcome_settle(operator.pubkey(), agent.agent, None, None, args, None)],
                &[&operator],
            )
            .unwrap();
    }
    let (fine, slow) = (on_time.agent(&a), late.agent(&b));
    assert_eq!((fine.late_results, fine.value_late), (0, 0));
    assert_eq!((slow.late_results, slow.value_late, slow.completed), (1, 2_000_000, 1));
    assert!(slow.reputation < fine.reputation, "{} < {}", slow.reputation, fine.reputation);
    let mut expected = agx_core::reputation::History::default();
    expected
        .record(agx_core::reputation::Outcome::Completed { value: 2_000_000, rating_bps: Some(8_000) })
        .unwrap();
    expected.record_late(2_000_000).unwrap();
    assert_eq!(slow.reputation, expected.score(&agx_core::reputation::ReputationParams::DEFAULT).unwrap());
}

/// Missed heartbeats while working make the next completion late, then the count starts over.
#[test]
fn missed_heartbeats_make_the_next_completion_late() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    r.svm.send(&[rix::agent_heartbeat(a.authority.pubkey(), 500)], &[&a.authority]).unwrap();
    r.warp(2 * agx_tests::registry::HEARTBEAT_TIMEOUT + 1);
    r.svm.send(&[rix::agent_heartbeat(a.authority.pubkey(), 600)], &[&a.authority]).unwrap();
    assert_eq!(r.agent(&a).missed_since_outcome, 2);
    let args = OutcomeSettleArgs { unlock: 0, ..done() };
    r.svm
        .send(
            &[rix::outcome_settle(operator.pubkey(), a.agent, None, None, args.clone(), None)],
            &[&operator],
        )
        .unwrap();
    let agent = r.agent(&a);
    assert_eq!((agent.late_results, agent.missed_since_outcome, agent.missed_heartbeats), (1, 0, 2));
    r.svm
        .send(&[rix::outcome_settle(operator.pubkey(), a.agent, None, None, args, None)], &[&operator])
        .unwrap();
    assert_eq!(r.agent(&a).late_results, 1, "the next one was on time");
}
