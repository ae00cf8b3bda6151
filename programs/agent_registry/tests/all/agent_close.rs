//! `agent_close` on the built `.so`, in LiteSVM: the full stake lifecycle ends with every
//! token back with its owner and every lamport of rent back with the payer.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentClosed;
use agx_sdk::events;
use agx_sdk::ix::registry as rix;
use agx_tests::registry::{Registry, AGENT_FUNDS, COOLDOWN};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn full_lifecycle_returns_tokens_and_rent() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    let payer = r.svm.payer.pubkey();
    let close = rix::agent_close(a.authority.pubkey(), payer, r.stake, None);
    assert_error(&r.svm.send(std::slice::from_ref(&close), &[&a.authority]), RegistryError::AgentHasStake);

    r.svm.send(&[rix::agent_deactivate(a.authority.pubkey())], &[&a.authority]).unwrap();
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), 1_000)], &[&a.authority]).unwrap();
    assert_error(&r.svm.send(std::slice::from_ref(&close), &[&a.authority]), RegistryError::AgentHasStake);
    r.warp(COOLDOWN);
    r.svm.send(&[rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake)], &[&a.authority]).unwrap();
    assert_eq!(r.balance(&a.tokens), AGENT_FUNDS);

    let rent = r.svm.lamports(&a.agent) + r.svm.lamports(&a.vault);
    let before = r.svm.lamports(&payer);
    let meta = r.svm.send_measured("agent_registry", "agent_close", &[close], &[&a.authority]).unwrap();
    // The payer also paid this transaction's fee (two signatures).
    assert_eq!(r.svm.lamports(&payer), before + rent - 10_000);
    assert!(r.svm.account(&a.agent).is_none() && r.svm.account(&a.vault).is_none());
    assert_eq!(events::find::<AgentClosed>(&meta.logs)[0].rent_payer, payer);
    r.token_accounts.retain(|t| *t != a.vault);
    r.assert_accounted(&[]);

    // A closed agent stays closed: no heartbeat, and it can register afresh only as new.
    let ix = rix::agent_heartbeat(a.authority.pubkey(), 0);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::ACCOUNT_NOT_INITIALIZED);
}

#[test]
fn rent_goes_only_to_the_recorded_payer() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let thief = r.svm.funded_keypair();
    let ix = rix::agent_close(a.authority.pubkey(), thief.pubkey(), r.stake, None);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_HAS_ONE);
    assert!(r.svm.account(&a.agent).is_some());
}

#[test]
fn only_the_authority_closes() {
    let mut r = Registry::new();
    let victim = r.register_agent(1);
    let attacker = r.register_agent(1);
    let payer = r.svm.payer.pubkey();
    let mut ix = rix::agent_close(attacker.authority.pubkey(), payer, r.stake, None);
    ix.retarget(attacker.agent, victim.agent);
    ix.retarget(attacker.vault, victim.vault);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert!(r.svm.account(&victim.agent).is_some());
}

#[test]
fn locked_stake_blocks_closing() {
    let mut r = Registry::new();
    let a = r.staked_agent(500);
    r.lock(&a, 500).unwrap();
    let ix = rix::stake_unstake_request(a.authority.pubkey(), 1);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::StakeInsufficientFree);
    let close = rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, None);
    assert_error(&r.svm.send(&[close], &[&a.authority]), RegistryError::AgentHasStake);
    r.assert_accounted(&[&a]);
}

#[test]
fn open_bids_block_closing_until_released() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let operator = r.operator.insecure_clone();
    r.svm.send(&[rix::agent_engage(operator.pubkey(), a.agent)], &[&operator]).unwrap();
    let close = rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, None);
    assert_error(&r.svm.send(std::slice::from_ref(&close), &[&a.authority]), RegistryError::AgentHasOpenBids);
    r.svm.send(&[rix::agent_release(operator.pubkey(), a.agent)], &[&operator]).unwrap();
    r.svm.send(&[close], &[&a.authority]).unwrap();
}

#[test]
fn surplus_in_the_vault_never_blocks_and_is_swept_at_close() {
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    // One atom sent to the vault by a plain transfer (not a deposit): surplus, not stake.
    let donor = r.new_authority();
    let ix = agx_sdk::token::transfer_checked(
        r.stake.program,
        donor.tokens,
        r.stake.mint,
        a.vault,
        donor.authority.pubkey(),
        1,
        6,
    );
    r.svm.send(&[ix], &[&donor.authority]).unwrap();
    assert_eq!((r.agent(&a).staked, r.balance(&a.vault)), (1_000, 1_001));
    // Deposit, unstake and withdraw still work with the surplus there.
    r.deposit(&a, 10).unwrap();
    r.svm.send(&[rix::stake_unstake_request(a.authority.pubkey(), 1_010)], &[&a.authority]).unwrap();
    r.warp(COOLDOWN);
    r.svm.send(&[rix::stake_withdraw(a.authority.pubkey(), a.tokens, r.stake)], &[&a.authority]).unwrap();
    assert_eq!((r.agent(&a).staked, r.balance(&a.vault)), (0, 1));

    let payer = r.svm.payer.pubkey();
    let close = rix::agent_close(a.authority.pubkey(), payer, r.stake, None);
    assert_error(&r.svm.send(&[close], &[&a.authority]), RegistryError::AgentSurplusDestinationMissing);
    let other = r.staked_agent(5);
    let into_other_vault = rix::agent_close(a.authority.pubkey(), payer, r.stake, Some(other.vault));
    assert_error(
        &r.svm.send(&[into_other_vault], &[&a.authority]),
        RegistryError::StakeDestinationIsStakeVault,
    );
    let close = rix::agent_close(a.authority.pubkey(), payer, r.stake, Some(a.tokens));
    let meta = r.svm.send(&[close], &[&a.authority]).unwrap();
    assert_eq!(events::find::<agent_registry::events::StakeSurplusSwept>(&meta.logs)[0].amount, 1);
    assert_eq!(r.balance(&a.tokens), AGENT_FUNDS + 1);
    r.token_accounts.retain(|t| *t != a.vault);
    r.assert_accounted(&[&other]);
}

#[test]
fn withheld_transfer_fees_do_not_block_closing() {
    use anchor_spl::token_2022::spl_token_2022::extension::transfer_fee::TransferFeeAmount;
    use anchor_spl::token_2022::spl_token_2022::extension::{
        BaseStateWithExtensionsMut, PodStateWithExtensionsMut,
    };
    use anchor_spl::token_2022::spl_token_2022::pod::PodAccount;
    let mut r = Registry::with_mint_features(&[agx_tests::token::MintFeature::TransferFee {
        bps: 0,
        authority: None,
    }]);
    let a = r.register_agent(1);
    // Fees withheld in the vault (as a fee mint would leave them after transfers in).
    let mut account = r.svm.account(&a.vault).unwrap();
    {
        let mut state = PodStateWithExtensionsMut::<PodAccount>::unpack(&mut account.data).unwrap();
        state.get_extension_mut::<TransferFeeAmount>().unwrap().withheld_amount = 7u64.into();
    }
    r.svm.svm.set_account(a.vault, account).unwrap();
    let close = rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, None);
    r.svm.send(&[close], &[&a.authority]).unwrap();
    assert!(r.svm.account(&a.vault).is_none(), "the vault closed after its fees were harvested to the mint");
}
