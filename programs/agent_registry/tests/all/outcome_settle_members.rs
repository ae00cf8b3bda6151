//! `outcome_settle_members` (operator only) on the built `.so`, in LiteSVM: a coalition's job
//! ends in one call: each member's slash (if any) out of its own hold and vault, the rest
//! released, its outcome (if any) recorded.
use agent_registry::error::RegistryError;
use agent_registry::events::OutcomeSettled;
use agent_registry::{MemberOutcome, OutcomeKind, OutcomeSettleMembersArgs};
use agx_sdk::events;
use agx_sdk::ix::registry::{self as rix, MembersSlashTo};
use agx_sdk::Pubkey;
use agx_tests::registry::{Registry, TestAgent};
use agx_tests::{assert_error, EditAccounts, Signer};

fn member(
    unlock: u64,
    compensation: u64,
    reward: u64,
    record: Option<OutcomeKind>,
    value: u64,
) -> MemberOutcome {
    MemberOutcome { unlock, compensation, reward, record, value }
}

fn args(members: Vec<MemberOutcome>, rating_bps: Option<u16>) -> OutcomeSettleMembersArgs {
    OutcomeSettleMembersArgs {
        members,
        rating_bps,
        requester: Pubkey::new_from_array([5; 32]),
        capabilities: 1,
        late: false,
    }
}

fn locked_three(r: &mut Registry) -> (TestAgent, TestAgent, TestAgent) {
    let (a, b, c) = (r.staked_agent(1_000), r.staked_agent(1_000), r.staked_agent(1_000));
    let operator = r.operator.insecure_clone();
    let ix = rix::stake_lock_members(operator.pubkey(), &[a.agent, b.agent, c.agent], vec![300, 200, 100]);
    r.svm.send(&[ix], &[&operator]).unwrap();
    (a, b, c)
}

#[test]
fn a_completed_job_releases_every_member_and_records_each_part() {
    let mut r = Registry::new();
    let (a, b, c) = locked_three(&mut r);
    let operator = r.operator.insecure_clone();
    let done = Some(OutcomeKind::Completed);
    let outcome = args(
        vec![member(300, 0, 0, done, 600), member(200, 0, 0, done, 300), member(100, 0, 0, done, 100)],
        Some(9_000),
    );
    let ix = rix::outcome_settle_members(operator.pubkey(), &[a.agent, b.agent, c.agent], outcome, None);
    let meta =
        r.svm.send_measured("agent_registry", "outcome_settle_members_3", &[ix], &[&operator]).unwrap();
    for (x, value) in [(&a, 600), (&b, 300), (&c, 100)] {
        let agent = r.agent(x);
        assert_eq!((agent.locked, agent.completed, agent.value_completed), (0, 1, value));
    }
    let settled = events::find::<OutcomeSettled>(&meta.logs);
    assert_eq!(
        settled.iter().map(|e| (e.agent, e.released, e.rating_bps)).collect::<Vec<_>>(),
        vec![(a.agent, 300, Some(9_000)), (b.agent, 200, Some(9_000)), (c.agent, 100, Some(9_000))]
    );
}

#[test]
fn a_failed_job_slashes_only_the_members_that_failed() {
    let mut r = Registry::new();
    let (a, b, c) = locked_three(&mut r);
    let (requester, keeper) = (r.token_account(Pubkey::new_unique()), r.token_account(Pubkey::new_unique()));
    let operator = r.operator.insecure_clone();
    let failed = Some(OutcomeKind::Failed);
    // a did its part; b failed (50 slashed: 45 to the requester, 5 to the crank); c failed with
    // no crank reward (all of its 20 to the requester).
    let outcome = args(
        vec![member(300, 0, 0, None, 0), member(200, 45, 5, failed, 400), member(100, 20, 0, failed, 200)],
        None,
    );
    let to = MembersSlashTo { stake: r.stake, compensation: requester, reward: keeper };
    let ix = rix::outcome_settle_members(operator.pubkey(), &[a.agent, b.agent, c.agent], outcome, Some(to));
    r.svm.send_measured("agent_registry", "outcome_settle_members_3_slashed", &[ix], &[&operator]).unwrap();
    let (ra, rb, rc) = (r.agent(&a), r.agent(&b), r.agent(&c));
    assert_eq!((ra.staked, ra.locked, ra.failed, ra.completed), (1_000, 0, 0, 0), "did its part: neither");
    assert_eq!((rb.staked, rb.locked, rb.failed), (950, 0, 1));
    assert_eq!((rc.staked, rc.locked, rc.failed), (980, 0, 1));
    assert_eq!((r.balance(&requester), r.balance(&keeper)), (65, 5));
    assert_eq!((r.balance(&b.vault), r.balance(&c.vault)), (950, 980));
}

#[test]
fn a_slash_needs_its_accounts_and_stays_within_each_hold_and_vault() {
    let mut r = Registry::new();
    let (a, b, c) = locked_three(&mut r);
    let (requester, keeper) = (r.token_account(Pubkey::new_unique()), r.token_account(Pubkey::new_unique()));
    let operator = r.operator.insecure_clone();
    let to = MembersSlashTo { stake: r.stake, compensation: requester, reward: keeper };
    let agents = [a.agent, b.agent, c.agent];
    let failed = Some(OutcomeKind::Failed);
    let send = |r: &mut Registry, outcome, to| {
        r.svm.send(&[rix::outcome_settle_members(operator.pubkey(), &agents, outcome, to)], &[&operator])
    };
    let over = args(
        vec![member(300, 301, 0, failed, 0), member(200, 0, 0, None, 0), member(100, 0, 0, None, 0)],
        None,
    );
    assert_error(&send(&mut r, over, Some(to)), RegistryError::OutcomeSlashExceedsHold);
    let slash = || {
        args(
            vec![member(300, 10, 0, failed, 0), member(200, 0, 0, None, 0), member(100, 0, 0, None, 0)],
            None,
        )
    };
    assert_error(&send(&mut r, slash(), None), RegistryError::MembersMismatch);
    // Another token account of the stake mint in place of a's vault.
    let other = r.token_account(Pubkey::new_unique());
    let mut ix = rix::outcome_settle_members(operator.pubkey(), &agents, slash(), Some(to));
    ix.retarget(a.vault, other);
    assert_error(&r.svm.send(&[ix], &[&operator]), RegistryError::OutcomeVaultMismatch);
    // Fewer outcomes than members; the wrong stake mint.
    let short = args(vec![member(300, 0, 0, None, 0)], None);
    assert_error(&send(&mut r, short, None), RegistryError::MembersMismatch);
    let other_mint = agx_tests::token::create_mint(&mut r.svm, r.stake.program, 6);
    let wrong_mint =
        MembersSlashTo { stake: agx_sdk::ix::registry::StakeToken { mint: other_mint, ..r.stake }, ..to };
    assert_error(&send(&mut r, slash(), Some(wrong_mint)), RegistryError::StakeMintMismatch);
    // Not the operator.
    let ix = rix::outcome_settle_members(a.authority.pubkey(), &agents, slash(), Some(to));
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::OperatorNotAuthorized);
    assert_eq!((r.agent(&a).locked, r.agent(&a).staked), (300, 1_000), "nothing changed");
}
