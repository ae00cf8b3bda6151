//! `intent_create_from_budget` on the built `.so`, in LiteSVM: an agent posts an intent paid
//! from its budget, within the budget's rules; refunds come back to the vault; the budget counts
//! the intent until it closes.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{BudgetIntentFunded, IntentCreated};
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{Coordinator, Market, BUDGET_PER_SPEND, BUDGET_TOTAL};
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

/// `auction_settle` of an intent nobody bid on, refunding into its stored refund account.
fn expire(m: &mut Market, intent: agx_sdk::Pubkey) {
    m.to_settle(intent);
    let state = m.intent_state(intent);
    let keeper = m.keeper.insecure_clone();
    let ix = xix::auction_settle_expire(keeper.pubkey(), intent, state.requester, m.pay, state.refund_tokens);
    m.r.svm.send(&[ix], &[&keeper]).expect("auction_settle");
}

fn post(m: &mut Market, c: &Coordinator, max_price: u64) -> agx_tests::svm::TxResult {
    let mut args = m.child_args();
    args.max_price = max_price;
    let ix = m.child_create_ix(c, args);
    m.r.svm.send(&[ix], &[&c.agent.authority])
}

#[test]
fn an_agent_posts_from_its_budget_and_the_refund_comes_back_to_the_vault() {
    let mut m = Market::new();
    let c = m.coordinator();
    // The agent's first post also creates its requester record (measured on its own); the
    // figure that counts is a coordinator's usual post, its second and later.
    let mut first = m.child_args();
    first.max_price = 1;
    let first_intent = pda::intent(&c.agent.authority.pubkey(), first.intent_id).0;
    let ix = m.child_create_ix(&c, first);
    m.r.svm
        .send_measured("exchange", "intent_create_from_budget_first_post", &[ix], &[&c.agent.authority])
        .unwrap();
    m.pay_accounts.push(pda::escrow(&first_intent).0);
    let args = m.child_args();
    let intent = pda::intent(&c.agent.authority.pubkey(), args.intent_id).0;
    let ix = m.child_create_ix(&c, args);
    let meta =
        m.r.svm.send_measured("exchange", "intent_create_from_budget", &[ix], &[&c.agent.authority]).unwrap();
    m.pay_accounts.push(pda::escrow(&intent).0);
    let funded = events::find::<BudgetIntentFunded>(&meta.logs).remove(0);
    assert_eq!((funded.intent, funded.amount, funded.spent, funded.live_intents), (intent, 1_000, 1_001, 2));
    assert_eq!(events::find::<IntentCreated>(&meta.logs).remove(0).requester, c.agent.authority.pubkey());
    let state = m.intent_state(intent);
    assert_eq!(
        (state.requester, state.refund_owner, state.refund_tokens, state.escrowed),
        (c.agent.authority.pubkey(), c.budget.address, c.budget.vault, BUDGET_PER_SPEND)
    );
    assert_eq!((m.balance(&c.budget.vault), m.balance(&pda::escrow(&intent).0)), (1_499, 1_000));
    m.assert_accounted(&[first_intent, intent]);

    // Nobody bids: the whole escrows come back to the vault. The cap counts what was committed.
    expire(&mut m, first_intent);
    expire(&mut m, intent);
    assert_eq!(m.balance(&c.budget.vault), BUDGET_TOTAL);
    let budget = m.budget_state(&c.budget);
    assert_eq!((budget.spent, budget.live_intents), (1_001, 2));
    m.close_intent(first_intent).unwrap();
    // The budget waits for the intent to close, and the close must name the budget.
    let owner = c.budget.owner.insecure_clone();
    m.r.svm
        .send(
            &[xix::budget::revoke(owner.pubkey(), c.budget.address, m.pay, c.budget.owner_tokens)],
            &[&owner],
        )
        .unwrap();
    let close_budget = xix::budget::close(owner.pubkey(), c.budget.address, m.pay, c.budget.owner_tokens);
    assert_error(
        &m.r.svm.send(std::slice::from_ref(&close_budget), &[&owner]),
        ExchangeError::BudgetIntentsLive,
    );
    let keeper = m.keeper.insecure_clone();
    let bare = xix::intent_close(keeper.pubkey(), intent, c.agent.authority.pubkey());
    assert_error(&m.r.svm.send(&[bare], &[&keeper]), ExchangeError::IntentLinkAccountMissing);
    let mut read_only = xix::intent_close_stored(keeper.pubkey(), intent, &m.intent_state(intent));
    read_only.accounts.last_mut().unwrap().is_writable = false;
    assert_error(&m.r.svm.send(&[read_only], &[&keeper]), ExchangeError::IntentLinkAccountMissing);
    m.close_intent(intent).unwrap();
    assert_eq!(m.budget_state(&c.budget).live_intents, 0);
    m.r.svm.send(&[close_budget], &[&owner]).unwrap();
    assert_eq!(m.balance(&c.budget.owner_tokens), 10_000, "every atom back to the owner");
    m.pay_accounts
        .retain(|a| ![c.budget.vault, pda::escrow(&intent).0, pda::escrow(&first_intent).0].contains(a));
    m.assert_accounted(&[]);
}

#[test]
fn the_budgets_rules_hold_at_their_edges() {
    let mut m = Market::new();
    let c = m.coordinator();
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, c.budget.vault, 1_000); // a donation
    assert_error(&post(&mut m, &c, BUDGET_PER_SPEND + 1), ExchangeError::BudgetPerSpendCapExceeded);
    post(&mut m, &c, BUDGET_PER_SPEND).unwrap();
    post(&mut m, &c, BUDGET_PER_SPEND - 1).unwrap();
    // 1,999 committed: 502 more passes the total of 2,500; 501 is exactly it.
    assert_error(&post(&mut m, &c, BUDGET_TOTAL - 1_999 + 1), ExchangeError::BudgetTotalCapExceeded);
    post(&mut m, &c, BUDGET_TOTAL - 1_999).unwrap();
    let budget = m.budget_state(&c.budget);
    assert_eq!((budget.spent, budget.live_intents), (BUDGET_TOTAL, 3));
    assert_eq!(m.balance(&c.budget.vault), 1_000, "the donation stays, blocking nothing");

    // Expiry: the slot before passes (the total cap refuses), the boundary slot refuses.
    let mut m = Market::new();
    let c = m.coordinator();
    let expiry = m.budget_state(&c.budget).expiry_slot;
    m.warp_to(expiry - 1);
    post(&mut m, &c, 10).unwrap();
    m.warp_to(expiry);
    assert_error(&post(&mut m, &c, 10), ExchangeError::BudgetExpired);

    // Revoked.
    let mut m = Market::new();
    let c = m.coordinator();
    let owner = c.budget.owner.insecure_clone();
    m.r.svm
        .send(
            &[xix::budget::revoke(owner.pubkey(), c.budget.address, m.pay, c.budget.owner_tokens)],
            &[&owner],
        )
        .unwrap();
    assert_error(&post(&mut m, &c, 10), ExchangeError::BudgetRevoked);
}

#[test]
fn only_the_budgets_agent_spends_it_with_the_budgets_own_accounts() {
    let mut m = Market::new();
    let c = m.coordinator();
    // Another agent's authority, posting for itself from this budget.
    let stranger = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.child_args();
    let ix =
        xix::budget::intent_create(stranger.authority.pubkey(), c.agent.agent, c.budget.address, m.pay, args);
    assert_error(&m.r.svm.send(&[ix], &[&stranger.authority]), ExchangeError::BudgetNotSpender);
    // Naming its own agent with this budget.
    let args = m.child_args();
    let ix = xix::budget::intent_create(
        stranger.authority.pubkey(),
        stranger.agent,
        c.budget.address,
        m.pay,
        args,
    );
    assert_error(&m.r.svm.send(&[ix], &[&stranger.authority]), ExchangeError::BudgetAgentInvalid);
    // Unsigned.
    let args = m.child_args();
    let mut ix = m.child_create_ix(&c, args);
    ix.unsign(c.agent.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // A fake vault: the owner's own account of the mint.
    let args = m.child_args();
    let mut ix = m.child_create_ix(&c, args);
    ix.retarget(c.budget.vault, c.budget.owner_tokens);
    assert_error(&m.r.svm.send(&[ix], &[&c.agent.authority]), ExchangeError::BudgetVaultInvalid);
    // Type cosplay: the exchange config as the budget.
    let args = m.child_args();
    let mut ix = m.child_create_ix(&c, args);
    ix.retarget(c.budget.address, pda::exchange_config().0);
    assert_error(&m.r.svm.send(&[ix], &[&c.agent.authority]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    // Another mint, and the other token program.
    let other = token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let args = m.child_args();
    let ix = xix::budget::intent_create(
        c.agent.authority.pubkey(),
        c.agent.agent,
        c.budget.address,
        agx_sdk::ix::registry::StakeToken { mint: other, program: m.pay.program },
        args,
    );
    assert_error(&m.r.svm.send(&[ix], &[&c.agent.authority]), ExchangeError::EscrowMintMismatch);
    let args = m.child_args();
    let mut ix = m.child_create_ix(&c, args);
    ix.retarget(m.pay.program, token::TOKEN_2022);
    assert!(m.r.svm.send(&[ix], &[&c.agent.authority]).is_err(), "the other token program");
    assert_eq!(m.balance(&c.budget.vault), BUDGET_TOTAL);
    m.assert_accounted(&[]);
}

#[test]
fn revoking_with_live_intents_leaves_their_escrow_and_a_second_revoke_returns_their_refunds() {
    let mut m = Market::new();
    let c = m.coordinator();
    let args = m.child_args();
    let intent = m.post_child(&c, args).unwrap();
    let owner = c.budget.owner.insecure_clone();
    let revoke = || xix::budget::revoke(owner.pubkey(), c.budget.address, m.pay, c.budget.owner_tokens);
    let first = revoke();
    m.r.svm.send(&[first], &[&owner]).unwrap();
    assert_eq!(
        (m.balance(&c.budget.owner_tokens), m.balance(&pda::escrow(&intent).0)),
        (7_500 + 1_500, 1_000)
    );
    expire(&mut m, intent);
    assert_eq!(m.balance(&c.budget.vault), 1_000, "the refund lands in the vault, where nobody can spend it");
    let second = xix::budget::revoke(owner.pubkey(), c.budget.address, m.pay, c.budget.owner_tokens);
    m.r.svm.send(&[second], &[&owner]).unwrap();
    assert_eq!((m.balance(&c.budget.owner_tokens), m.balance(&c.budget.vault)), (10_000, 0));
    m.assert_accounted(&[intent]);
}
