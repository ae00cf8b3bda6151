//! `agent_register` on the built `.so`, in LiteSVM.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentRegistered;
use agent_registry::state::{AgentProfile, AgentStatus, MAX_METADATA_URI_LEN};
use agx_sdk::ix::registry as rix;
use agx_sdk::{events, pda};
use agx_tests::registry::{profile, Registry};
use agx_tests::{anchor_codes, assert_error, token, EditAccounts, Signer};

#[test]
fn registers_agent_and_vault() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let payer_before = r.svm.lamports(&r.svm.payer.pubkey());
    let ix = r.register_ix(&a, 0b101);
    let meta =
        r.svm.send_measured("agent_registry", "agent_register", &[ix], &[&a.authority]).expect("register");
    let agent = r.agent(&a);
    assert_eq!((agent.authority, agent.rent_payer), (a.authority.pubkey(), r.svm.payer.pubkey()));
    assert_eq!((agent.capabilities, agent.status), (0b101, AgentStatus::Active));
    assert_eq!((agent.staked, agent.locked, agent.unstaking), (0, 0, 0));
    assert_eq!(agent.reputation, 0, "a newcomer starts at the bottom (prior 0 bps)");
    assert_eq!(agent.last_heartbeat_slot, r.slot());
    assert_eq!(
        (agent.bump, agent.vault_bump),
        (pda::agent(&a.authority.pubkey()).1, pda::stake_vault(&a.agent).1)
    );
    // The vault is a token account of the stake mint owned by the agent PDA.
    assert_eq!(token::mint_and_owner(&r.svm, &a.vault), (r.stake.mint, a.agent));
    // The payer funded both accounts (plus the fee).
    let rent = r.svm.lamports(&a.agent) + r.svm.lamports(&a.vault);
    assert_eq!(payer_before - r.svm.lamports(&r.svm.payer.pubkey()), rent + 10_000);
    let ev = events::find::<AgentRegistered>(&meta.logs);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].agent, ev[0].vault, ev[0].capabilities), (a.agent, a.vault, 0b101));
}

#[test]
fn works_with_a_token_2022_stake_mint() {
    let mut r = Registry::with_token_program(token::TOKEN_2022);
    let a = r.register_agent(1);
    assert_eq!(token::mint_and_owner(&r.svm, &a.vault), (r.stake.mint, a.agent));
    assert_eq!(r.svm.account(&a.vault).unwrap().owner, token::TOKEN_2022);
}

#[test]
fn rejects_a_second_registration() {
    let mut r = Registry::new();
    let a = r.register_agent(1);
    let ix = r.register_ix(&a, 2);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentAlreadyRegistered);
    assert_eq!(r.agent(&a).capabilities, 1);
}

#[test]
fn rejects_empty_capabilities() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let ix = r.register_ix(&a, 0);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentCapabilitiesEmpty);
    assert!(r.svm.account(&a.agent).is_none());
}

#[test]
fn rejects_a_metadata_uri_over_200_bytes() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let long = AgentProfile { metadata_uri: "x".repeat(MAX_METADATA_URI_LEN + 1), ..profile(1) };
    let ix = rix::agent_register(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, long);
    assert_error(&r.svm.send(&[ix], &[&a.authority]), RegistryError::AgentMetadataUriTooLong);
    let exact = AgentProfile { metadata_uri: "x".repeat(MAX_METADATA_URI_LEN), ..profile(1) };
    let ix = rix::agent_register(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, exact);
    r.svm.send(&[ix], &[&a.authority]).expect("200 bytes is allowed");
}

/// `AgentProfile` decodes by hand (`agent_registry::args`): what its derived encoding writes.
#[test]
fn the_profile_decodes_what_its_encoding_writes() {
    use anchor_lang::AnchorDeserialize;
    let profile = AgentProfile { capabilities: 7, capability_hash: [8; 32], metadata_uri: "meta://9".into() };
    let bytes = anchor_lang::prelude::borsh::to_vec(&profile).unwrap();
    assert_eq!(AgentProfile::try_from_slice(&bytes).unwrap(), profile);
}

/// A metadata URI whose Borsh length says 40,000 bytes is refused as undecodable, before the
/// program allocates for it (`agent_registry::args`).
#[test]
fn a_metadata_uri_whose_length_lies_is_refused_as_undecodable() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let lying = AgentProfile { metadata_uri: "meta://lie".into(), ..profile(1) };
    let mut ix = rix::agent_register(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, lying);
    agx_tests::lie_about_string_len(&mut ix.data, "meta://lie", 40_000);
    let res = r.svm.send(&[ix], &[&a.authority]);
    assert_error(&res, agx_tests::anchor_codes::INSTRUCTION_DID_NOT_DESERIALIZE);
    assert!(r.svm.account(&a.agent).is_none());
}

#[test]
fn rejects_a_mint_other_than_the_stake_mint() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let mut other = r.stake;
    other.mint = token::create_mint(&mut r.svm, token::TOKEN, 6);
    let ix = rix::agent_register(a.authority.pubkey(), r.svm.payer.pubkey(), other, profile(1));
    // The vault constraint (token::mint) or the address check fails before anything is created.
    assert!(r.svm.send(&[ix], &[&a.authority]).is_err());
    assert!(r.svm.account(&a.agent).is_none());
}

#[test]
fn rejects_missing_authority_signature() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let mut ix = r.register_ix(&a, 1);
    ix.unsign(a.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
}

#[test]
fn rejects_an_agent_address_of_another_authority() {
    let mut r = Registry::new();
    let a = r.new_authority();
    let b = r.new_authority();
    let mut ix = r.register_ix(&a, 1);
    ix.retarget(a.agent, b.agent); // agent PDA of someone else
    assert_error(&r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_SEEDS);
}

#[test]
fn closing_and_registering_again_never_improves_reputation() {
    use agent_registry::OutcomeKind;
    let mut r = Registry::new();
    let a = r.staked_agent(1_000);
    r.lock(&a, 1_000).unwrap();
    let operator = r.operator.insecure_clone();
    let sink = r.token_account(agx_sdk::Pubkey::new_unique());
    r.svm
        .send(&[rix::stake_slash(operator.pubkey(), a.agent, r.stake, &[(sink, 1_000)])], &[&operator])
        .unwrap();
    let ix = rix::reputation_record(operator.pubkey(), a.agent, OutcomeKind::Slashed, 1_000_000, None, 1);
    r.svm.send(&[ix], &[&operator]).unwrap();
    let punished = r.agent(&a).reputation;
    r.svm
        .send(&[rix::agent_close(a.authority.pubkey(), r.svm.payer.pubkey(), r.stake, None)], &[&a.authority])
        .unwrap();
    let ix = r.register_ix(&a, 1);
    r.svm.send(&[ix], &[&a.authority]).unwrap();
    assert!(r.agent(&a).reputation <= punished, "{} > {punished}", r.agent(&a).reputation);
}
