//! The coordinator story in LiteSVM: an agent wins a job, posts two parts from its budget, one
//! part's winner delivers, the other's goes silent and is failed over to the runner-up, the
//! parts close, the coordinator delivers the job; every atom is where the rules say.
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, BUDGET_TOTAL, MIN_STAKE};
use agx_tests::Signer;

#[test]
fn a_coordinator_splits_its_job_into_two_parts_and_delivers_it() {
    let mut m = Market::new();
    // A short execution grace, so a part's failover fits in the parent's time.
    m.update_settings(|s| s.execution_grace_slots = 20).unwrap();
    let c = m.coordinator();
    let (x, y) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let (left, right) = {
        let (l, r) = (m.child_args(), m.child_args());
        (m.post_child(&c, l).unwrap(), m.post_child(&c, r).unwrap())
    };
    assert_eq!(m.intent_state(c.parent).live_children, 2);
    assert_eq!(m.balance(&c.budget.vault), BUDGET_TOTAL - 2_000);

    // x wins the left part at 600; y and x bid on the right, y winning at 700.
    m.place(&x, left, &opening(600, 9_000, 10)).unwrap();
    m.place(&y, right, &opening(700, 9_000, 10)).unwrap();
    m.place(&x, right, &opening(900, 5_000, 10)).unwrap();
    m.to_settle(left);
    m.settle(left, x.agent).unwrap();
    m.settle(right, y.agent).unwrap();

    // x delivers; the coordinator accepts, the rest of the escrow back to the budget.
    m.submit(&x, left, 10_000).unwrap();
    let x_tokens = m.intent_state(left).winner_tokens;
    let state = m.intent_state(left);
    let accept = xix::result_accept(left, &state, m.pay, x_tokens, c.budget.vault, 10_000);
    m.r.svm.send(&[accept], &[&c.agent.authority]).unwrap();
    assert_eq!((m.balance(&x_tokens), m.balance(&c.budget.vault)), (600, BUDGET_TOTAL - 2_000 + 400));

    // y goes silent: its deadline passes, the keeper fails it over to x, who delivers.
    let deadline = m.intent_state(right).execution_deadline_slot;
    m.warp_to(deadline);
    let state = m.intent_state(right);
    let accounts = xix::FailoverAccounts {
        requester_stake_tokens: m.r.token_account(c.agent.authority.pubkey()),
        requester_tokens: c.budget.vault,
        ..m.failover_accounts()
    };
    let failover =
        xix::failover_trigger(m.keeper.pubkey(), Some(m.keeper_stake_tokens), right, &state, &accounts);
    let keeper = m.keeper.insecure_clone();
    m.r.svm.send(&[failover], &[&keeper]).unwrap();
    assert_eq!(m.intent_state(right).winner_agent, x.agent);
    m.submit(&x, right, 10_000).unwrap();
    let x_right_tokens = m.intent_state(right).winner_tokens;
    let state = m.intent_state(right);
    let accept = xix::result_accept(right, &state, m.pay, x_right_tokens, c.budget.vault, 10_000);
    m.r.svm.send(&[accept], &[&c.agent.authority]).unwrap();

    // The parts close (bids first), the parent is free again; the coordinator delivers.
    for (intent, bidders) in [(left, vec![&x]), (right, vec![&y, &x])] {
        for a in bidders {
            m.close_bid(a, intent).unwrap();
        }
        assert!(m.submit(&c.agent, c.parent, 10_000).is_err(), "a part is still open");
        m.close_intent(intent).unwrap();
    }
    assert_eq!(m.intent_state(c.parent).live_children, 0);
    m.submit(&c.agent, c.parent, 10_000).unwrap();
    let coordinator_tokens = m.intent_state(c.parent).winner_tokens;
    m.accept(c.parent, coordinator_tokens, 10_000).unwrap();

    // To the atom: the parts' payments, the budget's refunds, the coordinator's pay.
    let paid_right = m.balance(&x_right_tokens);
    assert!(paid_right > 0 && paid_right <= 1_000);
    assert_eq!(m.balance(&c.budget.vault), BUDGET_TOTAL - 600 - paid_right);
    assert_eq!(m.balance(&coordinator_tokens), 300_000);
    assert_eq!(m.balance(&m.requester_tokens), agx_tests::market::REQUESTER_FUNDS - 300_000);
    let budget = m.budget_state(&c.budget);
    assert_eq!((budget.spent, budget.live_intents), (2_000, 0));
    m.pay_accounts.retain(|a| *a != pda::escrow(&left).0 && *a != pda::escrow(&right).0);
    m.assert_accounted(&[c.parent]);
}
