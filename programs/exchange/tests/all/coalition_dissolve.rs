//! `coalition_dissolve` on the built `.so`, in LiteSVM: the authority ends an idle coalition,
//! every signed member is released and the rent comes back; the closed account stays closed.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::CoalitionDissolved;
use agx_sdk::ix::exchange::coalition as cix;
use agx_sdk::pda;
use agx_tests::coalition::terms;
use agx_tests::market::{Market, MIN_STAKE};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

#[test]
fn dissolving_releases_every_signer_and_returns_the_rent() {
    let mut m = Market::new();
    let (a, b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    m.coalition_create(&a, 1, terms(&[&a, &b, &c], 30)).unwrap();
    let coalition = pda::coalition(&a.agent, 1).0;
    m.coalition_accept(&c, coalition).unwrap();
    let state = m.coalition_state(coalition);
    let rent = m.r.svm.lamports(&coalition);
    let before = m.r.svm.lamports(&a.authority.pubkey());
    let ix = cix::dissolve(a.authority.pubkey(), coalition, &state);
    let meta = m.r.svm.send_measured("exchange", "coalition_dissolve", &[ix], &[&a.authority]).unwrap();
    assert_eq!(
        events::find::<CoalitionDissolved>(&meta.logs)[0].released,
        2,
        "the lead and c; b never signed"
    );
    assert_eq!(m.r.svm.lamports(&coalition), 0);
    assert_eq!(
        m.r.svm.lamports(&a.authority.pubkey()),
        before + rent,
        "the rent comes back (the fee payer is another key)"
    );
    assert_eq!((m.r.agent(&a).open_bids, m.r.agent(&c).open_bids), (0, 0));
    // The closed coalition cannot be signed (no revival); the address can be formed afresh.
    let old = cix::accept(b.authority.pubkey(), coalition, b.agent, state.terms_hash);
    assert_error(&m.r.svm.send(&[old], &[&b.authority]), anchor_codes::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
    m.coalition_create(&a, 1, terms(&[&a, &b], 30)).unwrap();
    assert_eq!(
        (m.coalition_state(coalition).accepted, m.coalition_state(coalition).terms_version),
        (0b01, 1)
    );
}

#[test]
fn only_the_authority_dissolves_an_idle_coalition() {
    let mut m = Market::new();
    let (a, b) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let coalition = m.coalition(&[&a, &b], 30);
    let state = m.coalition_state(coalition);
    let mut ix = cix::dissolve(a.authority.pubkey(), coalition, &state);
    ix.retarget(a.authority.pubkey(), b.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::CoalitionNotLead);
    let mut ix = cix::dissolve(a.authority.pubkey(), coalition, &state);
    ix.accounts.pop();
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::CoalitionMemberAccountMissing);
    m.coalition_set_open_bids(coalition, 1);
    assert_error(&m.coalition_dissolve(&a.authority, coalition), ExchangeError::CoalitionBusy);
    m.coalition_set_open_bids(coalition, 0);
    // Dissolving is allowed while paused: it takes nothing on.
    m.update_settings(|s| s.paused = true).unwrap();
    m.coalition_dissolve(&a.authority, coalition).unwrap();
    assert_eq!((m.r.agent(&a).open_bids, m.r.agent(&b).open_bids), (0, 0));
}
