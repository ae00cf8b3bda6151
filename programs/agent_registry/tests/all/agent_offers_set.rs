//! `agent_offers_set` and `agent_offers_close` on the built `.so`, in LiteSVM: an agent
//! publishes, replaces and withdraws its standing offers; nobody else can.
use agent_registry::error::RegistryError;
use agent_registry::events::AgentOffersChanged;
use agent_registry::state::{AgentOffers, Offer};
use agx_sdk::ix::registry as rix;
use agx_sdk::{events, pda};
use agx_tests::registry::Registry;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

fn offer(capabilities: u64, price: u64) -> Offer {
    Offer {
        capabilities,
        mint: agx_sdk::Pubkey::new_from_array([5; 32]),
        price,
        latency: 10,
        quality_bps: 9_000,
    }
}

#[test]
fn an_agent_publishes_replaces_and_withdraws_its_offers() {
    let mut r = Registry::new();
    let a = r.register_agent(0b11);
    let ix = rix::agent_offers_set(a.authority.pubkey(), vec![offer(0b01, 700), offer(0b11, 1_200)]);
    let meta = r.svm.send_measured("agent_registry", "agent_offers_set", &[ix], &[&a.authority]).unwrap();
    assert_eq!(events::find::<AgentOffersChanged>(&meta.logs).remove(0).offers.len(), 2);
    let address = pda::offers(&a.agent).0;
    let stored: AgentOffers = r.svm.decode(&address);
    assert_eq!((stored.agent, stored.len, stored.offers[1]), (a.agent, 2, offer(0b11, 1_200)));
    // Replaced: the old second offer is gone.
    let ix = rix::agent_offers_set(a.authority.pubkey(), vec![offer(0b10, 500)]);
    r.svm.send(&[ix], &[&a.authority]).unwrap();
    let stored: AgentOffers = r.svm.decode(&address);
    assert_eq!((stored.len, stored.offers[0], stored.offers[1]), (1, offer(0b10, 500), Offer::default()));
    // Withdrawn: the account closes and its rent comes back.
    let before = r.svm.lamports(&a.authority.pubkey());
    let rent = r.svm.lamports(&address);
    let ix = rix::agent_offers_close(a.authority.pubkey());
    r.svm.send_measured("agent_registry", "agent_offers_close", &[ix], &[&a.authority]).unwrap();
    assert!(r.svm.account(&address).is_none());
    assert_eq!(r.svm.lamports(&a.authority.pubkey()), before + rent);
}

#[test]
fn every_offer_is_a_sound_commitment() {
    let mut r = Registry::new();
    let a = r.register_agent(0b01);
    let send = |r: &mut Registry, offers: Vec<Offer>| {
        let ix = rix::agent_offers_set(a.authority.pubkey(), offers);
        r.svm.send(&[ix], &[&a.authority])
    };
    assert_error(&send(&mut r, vec![offer(1, 1); 5]), RegistryError::OffersTooMany);
    assert_error(&send(&mut r, vec![offer(1, 0)]), RegistryError::OfferInvalid);
    assert_error(&send(&mut r, vec![Offer { latency: 0, ..offer(1, 1) }]), RegistryError::OfferInvalid);
    assert_error(
        &send(&mut r, vec![Offer { quality_bps: 10_001, ..offer(1, 1) }]),
        RegistryError::OfferInvalid,
    );
    assert_error(&send(&mut r, vec![offer(0b10, 1)]), RegistryError::OfferCapabilityNotHeld);
    send(&mut r, vec![offer(1, 1); 4]).unwrap();
    r.svm.send(&[rix::agent_deactivate(a.authority.pubkey())], &[&a.authority]).unwrap();
    assert_error(&send(&mut r, vec![offer(1, 1)]), RegistryError::AgentNotActive);
}

#[test]
fn only_the_agents_authority_and_only_at_its_address() {
    let mut r = Registry::new();
    let (victim, attacker) = (r.register_agent(1), r.register_agent(1));
    // The attacker's key on the victim's agent, and on the victim's offers.
    let mut ix = rix::agent_offers_set(attacker.authority.pubkey(), vec![offer(1, 1)]);
    ix.retarget(attacker.agent, victim.agent);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    let mut ix = rix::agent_offers_set(attacker.authority.pubkey(), vec![offer(1, 1)]);
    ix.retarget(pda::offers(&attacker.agent).0, pda::offers(&victim.agent).0);
    assert_error(&r.svm.send(&[ix], &[&attacker.authority]), anchor_codes::CONSTRAINT_SEEDS);
    let mut ix = rix::agent_offers_set(victim.authority.pubkey(), vec![offer(1, 1)]);
    ix.unsign(victim.authority.pubkey());
    assert_error(&r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // Closing offers that were never published.
    let close = rix::agent_offers_close(victim.authority.pubkey());
    assert_error(&r.svm.send(&[close], &[&victim.authority]), anchor_codes::ACCOUNT_NOT_INITIALIZED);
    assert!(r.svm.account(&pda::offers(&victim.agent).0).is_none());
}
