//! `coalition_update` on the built `.so`, in LiteSVM: the authority replaces the terms while the
//! coalition holds nothing; every other signature is void and its member released.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::CoalitionTermsChanged;
use agx_sdk::ix::exchange::coalition as cix;
use agx_sdk::Pubkey;
use agx_tests::coalition::terms;
use agx_tests::market::{Market, MIN_STAKE};
use agx_tests::{assert_error, EditAccounts, Signer};

#[test]
fn changed_terms_void_the_signatures_and_replace_a_member() {
    let mut m = Market::new();
    let (a, b, c, d) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let coalition = m.coalition(&[&a, &b, &c], 30);
    let before = m.coalition_state(coalition);
    // d replaces c.
    let members = terms(&[&a, &b, &d], 30);
    let ix = cix::update(a.authority.pubkey(), coalition, &before, members.clone());
    let meta = m.r.svm.send_measured("exchange", "coalition_update", &[ix], &[&a.authority]).unwrap();
    let after = m.coalition_state(coalition);
    assert_eq!((after.accepted, after.terms_version), (0b001, 2), "only the lead's signature carries over");
    assert_eq!(after.terms_hash, cix::terms_hash(&coalition, &members));
    assert_ne!(after.terms_hash, before.terms_hash);
    let ev = &events::find::<CoalitionTermsChanged>(&meta.logs)[0];
    assert_eq!((ev.members, ev.released, ev.terms_version), (3, 2, 2));
    assert_eq!(
        (m.r.agent(&a).open_bids, m.r.agent(&b).open_bids, m.r.agent(&c).open_bids),
        (1, 0, 0),
        "the voided signers are released, the lead stays engaged"
    );
    // b's earlier signature does not carry over; c is no longer a member; d and b sign anew.
    let old = cix::accept(b.authority.pubkey(), coalition, b.agent, before.terms_hash);
    assert_error(&m.r.svm.send(&[old], &[&b.authority]), ExchangeError::CoalitionTermsChanged);
    assert_error(&m.coalition_accept(&c, coalition), ExchangeError::CoalitionNotMember);
    m.coalition_accept(&b, coalition).unwrap();
    m.coalition_accept(&d, coalition).unwrap();
    assert!(m.coalition_state(coalition).is_ready());
}

#[test]
fn only_the_authority_updates_an_idle_coalition_releasing_every_voided_signer() {
    let mut m = Market::new();
    let (a, b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let coalition = m.coalition(&[&a, &b, &c], 30);
    let state = m.coalition_state(coalition);
    let members = terms(&[&a, &c, &b], 30);
    let update = |m: &mut Market, ix| m.r.svm.send(&[ix], &[&a.authority]);
    // Not the authority.
    let mut ix = cix::update(a.authority.pubkey(), coalition, &state, members.clone());
    ix.retarget(a.authority.pubkey(), b.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::CoalitionNotLead);
    // A signer left out, passed read-only, or in the wrong order.
    let mut ix = cix::update(a.authority.pubkey(), coalition, &state, members.clone());
    ix.accounts.pop();
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionMemberAccountMissing);
    let mut ix = cix::update(a.authority.pubkey(), coalition, &state, members.clone());
    ix.read_only(c.agent);
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionMemberAccountMissing);
    let mut ix = cix::update(a.authority.pubkey(), coalition, &state, members.clone());
    ix.retarget(b.agent, Pubkey::new_unique());
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionMemberAccountMissing);
    // The lead cannot be changed; bad terms are refused as at creation.
    let swapped = terms(&[&b, &a, &c], 30);
    let ix = cix::update(a.authority.pubkey(), coalition, &state, swapped);
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionLeadNotFirst);
    let mut bad = members.clone();
    bad[2].share_bps += 1;
    let ix = cix::update(a.authority.pubkey(), coalition, &state, bad);
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionSharesNot10000);
    // Busy: a member is replaced before an award, never after.
    m.coalition_set_open_bids(coalition, 1);
    let ix = cix::update(a.authority.pubkey(), coalition, &state, members.clone());
    assert_error(&update(&mut m, ix), ExchangeError::CoalitionBusy);
    m.coalition_set_open_bids(coalition, 0);
    assert_eq!(m.coalition_state(coalition).terms_hash, state.terms_hash, "nothing changed");
    assert_eq!((m.r.agent(&b).open_bids, m.r.agent(&c).open_bids), (1, 1));
    // Paused: no new terms.
    m.update_settings(|s| s.paused = true).unwrap();
    let ix = cix::update(a.authority.pubkey(), coalition, &state, members);
    assert_error(&update(&mut m, ix), ExchangeError::ExchangePaused);
}
