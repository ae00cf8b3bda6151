//! `budget_pay` on the built `.so`, in LiteSVM: the agent pays an allowlisted account or a
//! registered agent, within the caps and before expiry, and nobody else spends the budget.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BudgetPaid;
use agx_tests::market::{Market, TestBudget, BUDGET_LIFE, BUDGET_PER_SPEND, BUDGET_TOTAL};
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Keypair, Signer};

/// A budget of 3,000 atoms for a new agent, allowlisting `api` (an API provider's key).
fn funded(m: &mut Market, api: agx_sdk::Pubkey) -> (TestAgent, TestBudget) {
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let mut args = m.budget_args();
    args.allowlist = vec![api];
    let b = m.budget(a.agent, args, 3_000);
    (a, b)
}

#[test]
fn the_agent_pays_an_allowlisted_account_and_a_registered_agent() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    let api_tokens = m.pay_account(api.pubkey());
    let ix = m.budget_pay_ix(&a.authority, &b, api_tokens, None, 700);
    let meta = m.r.svm.send_measured("exchange", "budget_pay", &[ix], &[&a.authority]).unwrap();
    let ev = events::find::<BudgetPaid>(&meta.logs).remove(0);
    assert_eq!((ev.recipient, ev.amount, ev.spent, ev.memo_hash), (api_tokens, 700, 700, [9; 32]));
    // Another agent, named: its authority's account.
    let other = m.agent(agx_tests::market::MIN_STAKE);
    let other_tokens = m.pay_account(other.authority.pubkey());
    let record = m.r.svm.account(&other.agent).unwrap().data;
    let ix = m.budget_pay_ix(&a.authority, &b, other_tokens, Some(other.agent), 300);
    m.r.svm.send(&[ix], &[&a.authority]).unwrap();
    assert_eq!(m.r.svm.account(&other.agent).unwrap().data, record, "a payment is not a job: no reputation");
    assert_eq!((m.balance(&api_tokens), m.balance(&other_tokens), m.balance(&b.vault)), (700, 300, 2_000));
    assert_eq!(m.budget_state(&b).spent, 1_000);
    m.assert_accounted(&[]);
}

#[test]
fn the_caps_hold_at_their_edges() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, b.vault, 1_000); // 4,000 held
    let to = m.pay_account(api.pubkey());
    let pay = |m: &mut Market, amount| {
        let ix = m.budget_pay_ix(&a.authority, &b, to, None, amount);
        m.r.svm.send(&[ix], &[&a.authority])
    };
    assert_error(&pay(&mut m, BUDGET_PER_SPEND + 1), ExchangeError::BudgetPerSpendCapExceeded);
    pay(&mut m, BUDGET_PER_SPEND).unwrap();
    pay(&mut m, BUDGET_PER_SPEND - 1).unwrap();
    // 1,999 spent: 501 more passes the total of 2,500; 500 is exactly it.
    assert_error(&pay(&mut m, BUDGET_TOTAL - 1_999 + 1), ExchangeError::BudgetTotalCapExceeded);
    pay(&mut m, BUDGET_TOTAL - 1_999).unwrap();
    assert_error(&pay(&mut m, 1), ExchangeError::BudgetTotalCapExceeded);
    assert_error(&pay(&mut m, 0), ExchangeError::BudgetAmountZero);
    assert_eq!((m.budget_state(&b).spent, m.balance(&to)), (BUDGET_TOTAL, BUDGET_TOTAL));
    m.assert_accounted(&[]);
}

#[test]
fn nothing_is_spent_from_the_expiry_slot() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    let expiry = m.budget_state(&b).expiry_slot;
    assert_eq!(expiry, m.r.slot() + BUDGET_LIFE);
    let to = m.pay_account(api.pubkey());
    m.warp_to(expiry - 1);
    m.r.svm.send(&[m.budget_pay_ix(&a.authority, &b, to, None, 1)], &[&a.authority]).unwrap();
    m.warp_to(expiry);
    let late = m.budget_pay_ix(&a.authority, &b, to, None, 2);
    assert_error(&m.r.svm.send(&[late], &[&a.authority]), ExchangeError::BudgetExpired);
}

#[test]
fn only_the_agents_authority_spends_and_only_to_allowed_accounts() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    let to = m.pay_account(api.pubkey());
    // The owner, a stranger: not the agent's authority. Unsigned: refused before anything.
    let stranger = m.r.svm.funded_keypair();
    for who in [&b.owner, &stranger] {
        let ix = m.budget_pay_ix(who, &b, to, None, 1);
        assert_error(&m.r.svm.send(&[ix], &[who]), ExchangeError::BudgetNotSpender);
    }
    let mut unsigned = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    unsigned.unsign(a.authority.pubkey());
    assert_error(&m.r.svm.send(&[unsigned], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // Another agent's authority, passing its own agent in place of the budget's.
    let other = m.agent(agx_tests::market::MIN_STAKE);
    let mut wrong_agent = m.budget_pay_ix(&other.authority, &b, to, None, 1);
    wrong_agent.retarget(a.agent, other.agent);
    assert_error(&m.r.svm.send(&[wrong_agent], &[&other.authority]), ExchangeError::BudgetAgentInvalid);
    // A recipient nobody allowed; one naming an agent whose authority does not own it; a fake
    // agent (a wallet) named; the vault itself.
    let thief = m.r.svm.funded_keypair();
    let loot = m.pay_account(thief.pubkey());
    let refused = [(loot, None), (loot, Some(other.agent)), (loot, Some(thief.pubkey())), (b.vault, None)];
    for (recipient, named) in refused {
        let ix = m.budget_pay_ix(&a.authority, &b, recipient, named, 1);
        assert!(m.r.svm.send(&[ix], &[&a.authority]).is_err(), "paid {recipient} naming {named:?}");
    }
    let ix = m.budget_pay_ix(&a.authority, &b, loot, None, 1);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::BudgetRecipientNotAllowed);
    // A token account of another mint owned by an allowed key: refused too.
    let other_mint = token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let wrong_mint = token::create_account(&mut m.r.svm, m.pay.program, other_mint, api.pubkey());
    let ix = m.budget_pay_ix(&a.authority, &b, wrong_mint, None, 1);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::BudgetRecipientNotAllowed);
    assert_eq!((m.balance(&b.vault), m.balance(&loot), m.budget_state(&b).spent), (3_000, 0, 0));
    m.assert_accounted(&[]);
}

#[test]
fn a_donation_to_the_vault_blocks_nothing_and_a_revoke_stops_every_spend() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, b.vault, 1); // a donation
    let to = m.pay_account(api.pubkey());
    m.r.svm.send(&[m.budget_pay_ix(&a.authority, &b, to, None, 500)], &[&a.authority]).unwrap();
    let revoke = agx_sdk::ix::exchange::budget::revoke(b.owner.pubkey(), b.address, m.pay, b.owner_tokens);
    m.r.svm.send(&[revoke], &[&b.owner]).unwrap();
    let after = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    assert_error(&m.r.svm.send(&[after], &[&a.authority]), ExchangeError::BudgetRevoked);
    // The owner got the rest back, the donated atom included.
    assert_eq!((m.balance(&b.owner_tokens), m.balance(&b.vault)), (10_000 - 3_000 + 2_501, 0));
    m.assert_accounted(&[]);
}

#[test]
fn another_programs_account_mint_or_token_program_is_refused() {
    let mut m = Market::new();
    let api = Keypair::new();
    let (a, b) = funded(&mut m, api.pubkey());
    let to = m.pay_account(api.pubkey());
    // Type cosplay: the exchange's config where the budget goes.
    let mut cosplay = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    cosplay.retarget(b.address, agx_sdk::pda::exchange_config().0);
    assert_error(&m.r.svm.send(&[cosplay], &[&a.authority]), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    // Another mint than the budget's.
    let other_mint = token::create_mint(&mut m.r.svm, m.pay.program, 6);
    let mut wrong_mint = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    wrong_mint.retarget(m.pay.mint, other_mint);
    assert_error(&m.r.svm.send(&[wrong_mint], &[&a.authority]), anchor_codes::CONSTRAINT_ADDRESS);
    // An arbitrary program as the token program: not a token program.
    let mut wrong_program = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    wrong_program.retarget(m.pay.program, agx_sdk::Pubkey::new_unique());
    assert!(m.r.svm.send(&[wrong_program], &[&a.authority]).is_err());
    // The other token program (Token-2022 for an SPL Token budget): not the budget's.
    let mut other_program = m.budget_pay_ix(&a.authority, &b, to, None, 1);
    other_program.retarget(m.pay.program, token::TOKEN_2022);
    assert!(m.r.svm.send(&[other_program], &[&a.authority]).is_err());
    assert_eq!((m.balance(&b.vault), m.budget_state(&b).spent), (3_000, 0));
    m.assert_accounted(&[]);
}
