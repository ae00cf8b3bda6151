//! `coalition_accept` / `coalition_leave` on the built `.so`, in LiteSVM: each member signs the
//! exact terms (engaged in the registry until it leaves); the coalition is ready once all have;
//! a member leaves only while the coalition holds no bid or job.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{CoalitionAccepted, CoalitionLeft};
use agx_sdk::ix::exchange::coalition as cix;
use agx_sdk::pda;
use agx_tests::coalition::terms;
use agx_tests::market::{Market, MIN_STAKE};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Keypair, Signer};

#[test]
fn every_member_signs_and_the_coalition_is_ready() {
    let mut m = Market::new();
    let (a, b, c) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    m.coalition_create(&a, 1, terms(&[&a, &b, &c], 40)).unwrap();
    let coalition = pda::coalition(&a.agent, 1).0;
    let hash = m.coalition_state(coalition).terms_hash;
    let ix = cix::accept(b.authority.pubkey(), coalition, b.agent, hash);
    let meta = m.r.svm.send_measured("exchange", "coalition_accept", &[ix], &[&b.authority]).unwrap();
    let ev = &events::find::<CoalitionAccepted>(&meta.logs)[0];
    assert_eq!((ev.agent, ev.accepted, ev.ready, ev.terms_hash), (b.agent, 0b011, false, hash));
    assert_eq!(m.r.agent(&b).open_bids, 1, "a signed member is engaged");
    let meta = m.coalition_accept(&c, coalition).unwrap();
    assert!(events::find::<CoalitionAccepted>(&meta.logs)[0].ready);
    assert!(m.coalition_state(coalition).is_ready());
    // Signing twice.
    assert_error(&m.coalition_accept(&c, coalition), ExchangeError::CoalitionAlreadyAccepted);
}

#[test]
fn only_a_member_signs_only_the_current_terms() {
    let mut m = Market::new();
    let (a, b, outsider) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    m.coalition_create(&a, 1, terms(&[&a, &b], 10)).unwrap();
    let coalition = pda::coalition(&a.agent, 1).0;
    let hash = m.coalition_state(coalition).terms_hash;
    let send = |m: &mut Market, ix, signer: &Keypair| m.r.svm.send(&[ix], &[signer]);
    // Other terms than the coalition's (a share moved).
    let mut other = terms(&[&a, &b], 10);
    (other[0].share_bps, other[1].share_bps) = (9_000, 1_000);
    let ix = cix::accept(b.authority.pubkey(), coalition, b.agent, cix::terms_hash(&coalition, &other));
    assert_error(&send(&mut m, ix, &b.authority), ExchangeError::CoalitionTermsChanged);
    // An agent that is not a member; a member signed for by another key.
    let ix = cix::accept(outsider.authority.pubkey(), coalition, outsider.agent, hash);
    assert_error(&send(&mut m, ix, &outsider.authority), ExchangeError::CoalitionNotMember);
    let ix = cix::accept(outsider.authority.pubkey(), coalition, b.agent, hash);
    assert_error(&send(&mut m, ix, &outsider.authority), ExchangeError::CoalitionSignerNotAuthority);
    // Unsigned; something else than an agent (its stake vault, or the coalition itself, passed
    // in both writable slots); an intent passed as the coalition (type cosplay).
    let mut ix = cix::accept(b.authority.pubkey(), coalition, b.agent, hash);
    ix.unsign(b.authority.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&m.r.svm.payer.insecure_clone()]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let ix = cix::accept(b.authority.pubkey(), coalition, b.vault, hash);
    assert_error(&send(&mut m, ix, &b.authority), ExchangeError::CoalitionNotMember);
    let ix = cix::accept(b.authority.pubkey(), coalition, coalition, hash);
    assert_error(&send(&mut m, ix, &b.authority), ExchangeError::CoalitionNotMember);
    let intent = m.intent(agx_sdk::exchange::AuctionKind::Continuous);
    let ix = cix::accept(b.authority.pubkey(), intent, b.agent, hash);
    assert_error(&send(&mut m, ix, &b.authority), anchor_codes::ACCOUNT_DISCRIMINATOR_MISMATCH);
    // An arbitrary CPI target.
    let mut ix = cix::accept(b.authority.pubkey(), coalition, b.agent, hash);
    ix.retarget(agx_sdk::agent_registry::ID, agx_tests::token::TOKEN);
    assert_error(&send(&mut m, ix, &b.authority), anchor_codes::INVALID_PROGRAM_ID);
    assert_eq!((m.coalition_state(coalition).accepted, m.r.agent(&b).open_bids), (0b01, 0));
    // Paused: no new commitments (leaving stays open, below).
    m.update_settings(|s| s.paused = true).unwrap();
    assert_error(&m.coalition_accept(&b, coalition), ExchangeError::ExchangePaused);
}

#[test]
fn a_member_leaves_only_while_the_coalition_holds_nothing() {
    let mut m = Market::new();
    let (a, b) = (m.agent(MIN_STAKE), m.agent(MIN_STAKE));
    let coalition = m.coalition(&[&a, &b], 10);
    let leave = |m: &mut Market| {
        let ix = cix::leave(b.authority.pubkey(), coalition, b.agent);
        m.r.svm.send_measured("exchange", "coalition_leave", &[ix], &[&b.authority])
    };
    m.coalition_set_open_bids(coalition, 1);
    assert_error(&leave(&mut m), ExchangeError::CoalitionBusy);
    m.coalition_set_open_bids(coalition, 0);
    // Leaving is allowed while paused: it takes nothing on.
    m.update_settings(|s| s.paused = true).unwrap();
    let meta = leave(&mut m).unwrap();
    let ev = &events::find::<CoalitionLeft>(&meta.logs)[0];
    assert_eq!((ev.agent, ev.accepted), (b.agent, 0b01));
    assert_eq!(m.r.agent(&b).open_bids, 0, "released");
    assert!(!m.coalition_state(coalition).is_ready());
    assert_error(&leave(&mut m), ExchangeError::CoalitionNotAccepted);
    // Another key cannot make it leave.
    let ix = cix::leave(a.authority.pubkey(), coalition, b.agent);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::CoalitionSignerNotAuthority);
}
