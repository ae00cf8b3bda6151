//! `intent_link_parent` on the built `.so`, in LiteSVM: the agent holding a job makes its new
//! intents parts of it; the job cannot be submitted while a part is open; closing or cancelling
//! a part lets it go.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::IntentLinked;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Coordinator, Market};
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

/// Posts `args` (at 100 atoms, so the budget pays for many) from the coordinator's budget
/// without linking it.
fn post_unlinked(
    m: &mut Market,
    c: &Coordinator,
    mut args: agx_sdk::exchange::IntentCreateArgs,
) -> agx_sdk::Pubkey {
    args.max_price = 100;
    let child = pda::intent(&c.agent.authority.pubkey(), args.intent_id).0;
    let ix = m.child_create_ix(c, args);
    m.r.svm.send(&[ix], &[&c.agent.authority]).expect("intent_create_from_budget");
    m.pay_accounts.push(pda::escrow(&child).0);
    child
}

fn link(
    m: &mut Market,
    c: &Coordinator,
    parent: agx_sdk::Pubkey,
    child: agx_sdk::Pubkey,
) -> agx_tests::svm::TxResult {
    let ix = xix::intent_link_parent(c.agent.authority.pubkey(), parent, child);
    m.r.svm.send(&[ix], &[&c.agent.authority])
}

#[test]
fn a_linked_child_holds_the_parents_submission_until_it_closes() {
    let mut m = Market::new();
    let c = m.coordinator();
    let args = m.child_args();
    let child = post_unlinked(&mut m, &c, args);
    let ix = xix::intent_link_parent(c.agent.authority.pubkey(), c.parent, child);
    let meta = m.r.svm.send_measured("exchange", "intent_link_parent", &[ix], &[&c.agent.authority]).unwrap();
    let ev = events::find::<IntentLinked>(&meta.logs).remove(0);
    assert_eq!((ev.parent, ev.child, ev.live_children), (c.parent, child, 1));
    assert_eq!((m.intent_state(c.parent).live_children, m.intent_state(child).parent), (1, c.parent));
    assert_error(&m.submit(&c.agent, c.parent, 10_000), ExchangeError::ResultChildrenLive);

    // The coordinator cancels the part (no bid yet): the escrow goes back to the budget, the
    // parent and the budget let go of it.
    let authority = c.agent.authority.insecure_clone();
    let state = m.intent_state(child);
    let bare = xix::intent_cancel(authority.pubkey(), child, m.pay, c.budget.vault);
    assert_error(
        &m.r.svm.send(std::slice::from_ref(&bare), &[&authority]),
        ExchangeError::IntentLinkAccountMissing,
    );
    let mut reversed = bare.clone();
    reversed.accounts.extend(xix::links(&state).into_iter().rev());
    assert_error(&m.r.svm.send(&[reversed], &[&authority]), ExchangeError::IntentLinkAccountMissing);
    let mut cancel = bare;
    cancel.accounts.extend(xix::links(&state));
    m.r.svm.send(&[cancel], &[&authority]).unwrap();
    assert_eq!(m.intent_state(c.parent).live_children, 0);
    assert_eq!(m.budget_state(&c.budget).live_intents, 0);
    assert_eq!(m.balance(&c.budget.vault), agx_tests::market::BUDGET_TOTAL);
    m.submit(&c.agent, c.parent, 10_000).unwrap();
    m.pay_accounts.retain(|a| *a != pda::escrow(&child).0);
    m.assert_accounted(&[c.parent]);
}

#[test]
fn a_child_paid_from_the_wallet_links_too_and_names_only_its_parent() {
    let mut m = Market::new();
    let c = m.coordinator();
    let wallet = m.pay_account(c.agent.authority.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, wallet, 1_000);
    let args = m.child_args();
    let child = pda::intent(&c.agent.authority.pubkey(), args.intent_id).0;
    let create = xix::intent_create(c.agent.authority.pubkey(), m.pay, wallet, args);
    let link = xix::intent_link_parent(c.agent.authority.pubkey(), c.parent, child);
    m.r.svm.send(&[create, link], &[&c.agent.authority]).unwrap();
    m.pay_accounts.push(pda::escrow(&child).0);
    let state = m.intent_state(child);
    assert_eq!(xix::links(&state).iter().map(|a| a.pubkey).collect::<Vec<_>>(), vec![c.parent]);
    // Nobody bids; it expires, refunds the wallet, and closes naming only the parent.
    m.to_settle(child);
    let keeper = m.keeper.insecure_clone();
    let settle = xix::auction_settle_expire(keeper.pubkey(), child, state.requester, m.pay, wallet);
    m.r.svm.send(&[settle], &[&keeper]).unwrap();
    m.close_intent(child).unwrap();
    assert_eq!((m.intent_state(c.parent).live_children, m.balance(&wallet)), (0, 1_000));
    m.assert_accounted(&[c.parent]);
}

#[test]
fn only_the_parents_winner_links_its_own_fresh_intents_within_the_parents_deadline() {
    let mut m = Market::new();
    let c = m.coordinator();
    // The parent must be a job in progress: an open intent takes no children.
    let open = m.intent(AuctionKind::Continuous);
    let args = m.child_args();
    let child = post_unlinked(&mut m, &c, args);
    assert_error(&link(&mut m, &c, open, child), ExchangeError::ParentNotAwarded);
    // Someone else's job: the runner-up links its own intent under the coordinator's parent.
    let b = &c.runner_up;
    let b_tokens = m.pay_account(b.authority.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, b_tokens, 1_000);
    let args = m.child_args();
    let b_child = pda::intent(&b.authority.pubkey(), args.intent_id).0;
    m.r.svm
        .send(&[xix::intent_create(b.authority.pubkey(), m.pay, b_tokens, args)], &[&b.authority])
        .unwrap();
    m.pay_accounts.push(pda::escrow(&b_child).0);
    let ix = xix::intent_link_parent(b.authority.pubkey(), c.parent, b_child);
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::ParentNotPostersJob);
    // Someone else's intent under the coordinator's own job.
    assert_error(&link(&mut m, &c, c.parent, b_child), ExchangeError::ChildNotPosters);
    // Unsigned.
    let mut ix = xix::intent_link_parent(c.agent.authority.pubkey(), c.parent, child);
    ix.unsign(c.agent.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // Type cosplay: the budget as the parent; the same intent as parent and child.
    assert_error(&link(&mut m, &c, c.budget.address, child), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    assert!(link(&mut m, &c, child, child).is_err(), "an intent is not its own part");
    // Once, and only while fresh.
    link(&mut m, &c, c.parent, child).unwrap();
    assert_error(&link(&mut m, &c, c.parent, child), ExchangeError::ChildAlreadyLinked);
    let args = m.child_args();
    let bid_on = post_unlinked(&mut m, &c, args);
    m.place(b, bid_on, &opening(90, 9_000, 10)).unwrap();
    assert_error(&link(&mut m, &c, c.parent, bid_on), ExchangeError::ChildNotFresh);
    // The part's auction plus its max latency must end by the slot the parent's winner promised.
    let parent = m.intent_state(c.parent);
    let promised = parent.award_slot + parent.ranked()[0].latency;
    let mut args = m.child_args();
    args.max_latency = promised - m.r.slot() - args.bid_window_slots + 1;
    let too_slow = post_unlinked(&mut m, &c, args.clone());
    assert_error(&link(&mut m, &c, c.parent, too_slow), ExchangeError::ChildOutlastsParent);
    args.intent_id += 1_000;
    args.max_latency -= 1;
    let just_in_time = post_unlinked(&mut m, &c, args);
    link(&mut m, &c, c.parent, just_in_time).unwrap();
    assert_eq!(m.intent_state(c.parent).live_children, 2);
}
