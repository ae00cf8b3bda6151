//! `coalition_create` on the built `.so`, in LiteSVM: a lead forms a coalition with its first
//! terms, signed by it at once; every terms rule and the attack classes are refused.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::CoalitionCreated;
use agx_sdk::ix::exchange::coalition as cix;
use agx_sdk::pda;
use agx_tests::coalition::terms;
use agx_tests::market::{Market, MIN_STAKE};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn a_lead_forms_a_coalition_and_signs_its_terms_by_creating_it() {
    let mut m = Market::new();
    let (a, b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let members = terms(&[&a, &b, &c], 40);
    let coalition = pda::coalition(&a.agent, 7).0;
    let ix = cix::create(a.authority.pubkey(), a.agent, 7, members.clone());
    let meta = m.r.svm.send_measured("exchange", "coalition_create", &[ix], &[&a.authority]).unwrap();
    let state = m.coalition_state(coalition);
    let hash = cix::terms_hash(&coalition, &members);
    assert_eq!((state.lead, state.authority, state.coalition_id), (a.agent, a.authority.pubkey(), 7));
    assert_eq!((state.member_count, state.accepted, state.terms_version, state.open_bids), (3, 0b001, 1, 0));
    assert_eq!(state.terms_hash, hash, "the SDK computes the hash the chain stored");
    assert_eq!(
        state
            .members()
            .iter()
            .map(|m| (m.agent, m.share_bps, m.contribution, m.position))
            .collect::<Vec<_>>(),
        members.iter().map(|m| (m.agent, m.share_bps, m.contribution, m.position)).collect::<Vec<_>>()
    );
    assert!(!state.is_ready(), "the other members have not signed");
    assert_eq!((m.r.agent(&a).open_bids, m.r.agent(&b).open_bids), (1, 0), "the lead is engaged");
    let ev = &events::find::<CoalitionCreated>(&meta.logs)[0];
    assert_eq!((ev.coalition, ev.lead, ev.members, ev.terms_hash), (coalition, a.agent, 3, hash));
    // The same lead and id again: the address is taken (no re-initialisation).
    assert!(m.coalition_create(&a, 7, members).is_err());
    assert_eq!(m.coalition_state(coalition).terms_version, 1);
}

#[test]
fn each_rule_of_the_terms_has_its_error() {
    let mut m = Market::new();
    let (a, b) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let good = terms(&[&a, &b], 10);
    let mut cases = Vec::new();
    cases.push((Vec::new(), ExchangeError::CoalitionMemberCount));
    let nine: Vec<_> = (0..9).map(|_| m.agent(MIN_STAKE)).collect();
    let mut too_many = terms(&nine.iter().collect::<Vec<_>>(), 1);
    too_many[0].agent = a.agent;
    cases.push((too_many, ExchangeError::CoalitionMemberCount));
    let mut shares = good.clone();
    shares[1].share_bps -= 1;
    cases.push((shares, ExchangeError::CoalitionSharesNot10000));
    let mut repeated = good.clone();
    repeated[1].agent = a.agent;
    cases.push((repeated, ExchangeError::CoalitionMemberRepeated));
    let mut positions = good.clone();
    positions[1].position = 0;
    cases.push((positions, ExchangeError::CoalitionPositionsInvalid));
    let mut gap = good.clone();
    gap[1].position = 2;
    cases.push((gap, ExchangeError::CoalitionPositionsInvalid));
    cases.push((good.iter().rev().copied().collect(), ExchangeError::CoalitionLeadNotFirst));
    for (id, (members, error)) in (1u64..).zip(cases) {
        assert_error(&m.coalition_create(&a, id, members), error);
    }
    // One share over the whole, exactly the whole.
    let mut over = good.clone();
    over[0].share_bps += 1;
    assert_error(&m.coalition_create(&a, 50, over), ExchangeError::CoalitionSharesNot10000);
    m.coalition_create(&a, 51, good).unwrap();
}

#[test]
fn only_the_leads_authority_forms_it_through_the_real_registry() {
    let mut m = Market::new();
    let (a, b) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let members = terms(&[&a, &b], 10);
    // b's authority cannot make a coalition led by a.
    let ix = cix::create(b.authority.pubkey(), a.agent, 1, members.clone());
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::CoalitionLeadInvalid);
    // Something else than an agent as the lead (type cosplay: the exchange config).
    let config = pda::exchange_config().0;
    let ix = cix::create(a.authority.pubkey(), config, 1, members.clone());
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::CoalitionLeadInvalid);
    // Unsigned.
    let mut ix = cix::create(a.authority.pubkey(), a.agent, 1, members.clone());
    ix.unsign(a.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&m.r.svm.payer.insecure_clone()]), anchor_codes::ACCOUNT_NOT_SIGNER);
    // An arbitrary CPI target instead of the registry; a substitute exchange authority.
    let mut ix = cix::create(a.authority.pubkey(), a.agent, 1, members.clone());
    ix.retarget(agx_sdk::agent_registry::ID, agx_tests::token::TOKEN);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), anchor_codes::INVALID_PROGRAM_ID);
    let mut ix = cix::create(a.authority.pubkey(), a.agent, 1, members.clone());
    ix.retarget(pda::exchange_authority().0, b.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::ExchangeAuthorityInvalid);
    // A coalition address that is not the PDA of the lead and id.
    let mut ix = cix::create(a.authority.pubkey(), a.agent, 1, members.clone());
    ix.retarget(pda::coalition(&a.agent, 1).0, pda::coalition(&a.agent, 2).0);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), anchor_codes::CONSTRAINT_SEEDS);
    assert_eq!(m.r.agent(&a).open_bids, 0, "nothing was engaged");
    // Paused: no new commitments.
    m.update_settings(|s| s.paused = true).unwrap();
    assert_error(&m.coalition_create(&a, 1, members), ExchangeError::ExchangePaused);
}
