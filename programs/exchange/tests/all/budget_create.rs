//! `budget_create` on the built `.so`, in LiteSVM: an owner makes a budget for a registry agent;
//! limits that cannot make one are refused, each with its own error.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BudgetCreated;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{Market, BUDGET_PER_SPEND, BUDGET_TOTAL};
use agx_tests::token::{self, MintFeature};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn an_owner_makes_a_budget_for_an_agent_with_an_empty_vault() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let mut args = m.budget_args();
    args.allowlist = vec![agx_sdk::Pubkey::new_unique()];
    let (b, create) = m.budget_owner(a.agent, args.clone());
    let meta = m.r.svm.send_measured("exchange", "budget_create", &[create], &[&b.owner]).unwrap();
    let state = m.budget_state(&b);
    assert_eq!((state.owner, state.agent, state.mint), (b.owner.pubkey(), a.agent, m.pay.mint));
    assert_eq!((state.per_spend_cap, state.total_cap, state.spent), (BUDGET_PER_SPEND, BUDGET_TOTAL, 0));
    assert_eq!((state.allowlist_len, state.allowlist[0]), (1, args.allowlist[0]));
    assert!(!state.revoked);
    assert_eq!(token::mint_and_owner(&m.r.svm, &b.vault), (m.pay.mint, b.address));
    assert_eq!(token::balance(&m.r.svm, &b.vault), 0);
    let ev = events::find::<BudgetCreated>(&meta.logs).remove(0);
    assert_eq!((ev.budget, ev.allowlist), (b.address, args.allowlist));
}

#[test]
fn limits_that_cannot_make_a_budget_are_refused_each_with_its_rule() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let now = m.r.slot();
    let cases = [
        (0, 10, now + 10, 0, ExchangeError::BudgetCapsInvalid),
        (11, 10, now + 10, 0, ExchangeError::BudgetCapsInvalid),
        (10, 10, now, 0, ExchangeError::BudgetExpiryPassed),
        (10, 10, now + 10, 5, ExchangeError::BudgetAllowlistTooLong),
    ];
    for (per, total, expiry, listed, error) in cases {
        let mut args = m.budget_args();
        (args.per_spend_cap, args.total_cap, args.expiry_slot) = (per, total, expiry);
        args.allowlist = (0..listed).map(|_| agx_sdk::Pubkey::new_unique()).collect();
        let (b, create) = m.budget_owner(a.agent, args);
        assert_error(&m.r.svm.send(&[create], &[&b.owner]), error);
        assert!(m.r.svm.account(&b.address).is_none());
    }
    // At the edges: a per-spend cap equal to the total, four recipients, expiry the next slot.
    let mut args = m.budget_args();
    (args.per_spend_cap, args.total_cap, args.expiry_slot) = (10, 10, now + 1);
    args.allowlist = (0..4).map(|_| agx_sdk::Pubkey::new_unique()).collect();
    let (b, create) = m.budget_owner(a.agent, args);
    m.r.svm.send(&[create], &[&b.owner]).unwrap();
}

#[test]
fn the_agent_must_be_a_registry_agent() {
    let mut m = Market::new();
    let args = m.budget_args();
    // A wallet, and an account of the exchange (type cosplay: the config).
    for fake in [m.requester.pubkey(), pda::exchange_config().0] {
        let (b, create) = m.budget_owner(fake, args.clone());
        assert_error(&m.r.svm.send(&[create], &[&b.owner]), ExchangeError::BudgetAgentInvalid);
    }
}

#[test]
fn only_once_only_signed_and_only_in_a_mint_intents_accept() {
    let mut m = Market::new();
    let a = m.agent(agx_tests::market::MIN_STAKE);
    let args = m.budget_args();
    let (b, create) = m.budget_owner(a.agent, args.clone());
    let mut unsigned = create.clone();
    unsigned.unsign(b.owner.pubkey());
    assert_error(&m.r.svm.send(&[unsigned], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    m.r.svm.send(std::slice::from_ref(&create), &[&b.owner]).unwrap();
    // The same creation again, in another transaction (a compute-unit limit makes it differ): the
    // system program refuses to allocate the budget's address again (`AccountAlreadyInUse`, 0).
    let limit = agx_sdk::Instruction {
        program_id: agx_sdk::Pubkey::from_str_const("ComputeBudget111111111111111111111111111111"),
        accounts: vec![],
        data: [vec![2], 400_000u32.to_le_bytes().to_vec()].concat(),
    };
    let again = m.r.svm.send(&[limit, create], &[&b.owner]);
    assert_eq!(agx_tests::svm::custom_error(&again), Some(0), "re-initialisation: {again:?}");
    // A Token-2022 mint with a transfer hook could stop any spend: refused, as for intents.
    let hooked =
        token::create_mint_2022(&mut m.r.svm, 6, &[MintFeature::TransferHook(agx_sdk::Pubkey::new_unique())]);
    let token = agx_sdk::ix::registry::StakeToken { mint: hooked, program: token::TOKEN_2022 };
    let ix = xix::budget::create(
        b.owner.pubkey(),
        a.agent,
        token,
        agx_sdk::exchange::BudgetCreateArgs { budget_id: 1, ..args },
    );
    let hooked = m.r.svm.send(&[ix], &[&b.owner]);
    agx_tests::attack::record_mint_extension("exchange::budget_create", "transfer_hook", hooked.is_err());
    assert_error(&hooked, ExchangeError::IntentMintHasTransferHook);
}
