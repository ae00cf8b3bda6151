//! `hire_from_offer` on the built `.so`, in LiteSVM: a requester hires an agent on its standing
//! offer in the transaction that posts the job; the offer's terms are checked at hire.
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry as rix;
use agx_sdk::{pda, Pubkey};
use agx_tests::market::{Market, CAPABILITY, MIN_STAKE};
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

const PRICE: u64 = 400_000;

/// The fixture's capability at `PRICE` in the payment mint, delivered in 12 slots at 9,500 bps.
fn standing(m: &Market) -> agx_sdk::agent_registry::Offer {
    agx_sdk::agent_registry::Offer {
        capabilities: CAPABILITY,
        mint: m.pay.mint,
        price: PRICE,
        latency: 12,
        quality_bps: 9_500,
    }
}

/// `a` publishes `offers`.
fn publish(
    m: &mut Market,
    a: &TestAgent,
    offers: Vec<agx_sdk::agent_registry::Offer>,
) -> agx_tests::svm::TxResult {
    m.r.svm.send(&[rix::agent_offers_set(a.authority.pubkey(), offers)], &[&a.authority])
}

/// An agent whose offers are: 0, [`standing`]; 1, the same in another mint.
fn offering(m: &mut Market) -> TestAgent {
    let a = m.agent(MIN_STAKE);
    let offer = standing(m);
    let other = agx_sdk::agent_registry::Offer { mint: Pubkey::new_from_array([9; 32]), ..offer };
    publish(m, &a, vec![offer, other]).unwrap();
    a
}

#[test]
fn a_job_is_posted_and_hired_on_a_standing_offer_in_one_transaction() {
    let mut m = Market::new();
    let a = offering(&mut m);
    let mut args = m.direct_args(a.agent);
    args.max_price = PRICE;
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    let requester = m.requester.insecure_clone();
    let (create, hire) = (m.create_ix(args), xix::hire_from_offer(requester.pubkey(), intent, a.agent, 0));
    m.r.svm
        .send_measured("exchange", "intent_create_and_hire_from_offer", &[create, hire], &[&requester])
        .unwrap();
    m.pay_accounts.push(pda::escrow(&intent).0);
    let state = m.intent_state(intent);
    assert_eq!(state.status().unwrap(), IntentStatus::Awarded);
    assert_eq!(
        (state.winner_agent, state.winner_authority, state.payment),
        (a.agent, a.authority.pubkey(), PRICE)
    );
    // The offer's terms are the board's only entry; no bid account is opened.
    let head = state.ranked()[0];
    assert_eq!((head.bid, head.agent, head.latency, head.quality_bps), (intent, a.agent, 12, 9_500));
    assert_eq!(m.r.svm.lamports(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0)), 0);
    assert_eq!((m.r.agent(&a).locked, m.r.agent(&a).open_bids), (MIN_STAKE, 1));
    m.submit(&a, intent, 10_000).unwrap();
    let paid_to = m.intent_state(intent).winner_tokens;
    m.accept(intent, paid_to, 9_000).unwrap();
    assert_eq!(m.balance(&paid_to), PRICE);
    m.assert_accounted(&[intent]);
}

#[test]
fn the_offers_terms_are_checked_at_hire() {
    let mut m = Market::new();
    let a = offering(&mut m);
    let post = |m: &mut Market, price: u64, capabilities: u64| {
        let mut args = m.direct_args(a.agent);
        (args.max_price, args.required_capabilities) = (price, capabilities);
        m.create(args).unwrap()
    };
    let requester = m.requester.insecure_clone();
    let hire = |m: &mut Market, intent, index| {
        let ix = xix::hire_from_offer(requester.pubkey(), intent, a.agent, index);
        m.r.svm.send(&[ix], &[&requester])
    };
    let cheaper = post(&mut m, PRICE - 1, CAPABILITY);
    assert_error(&hire(&mut m, cheaper, 0), ExchangeError::OfferTermsMismatch);
    let wider = post(&mut m, PRICE, CAPABILITY | 0b10);
    assert_error(&hire(&mut m, wider, 0), ExchangeError::OfferTermsMismatch);
    let fine = post(&mut m, PRICE, CAPABILITY);
    assert_error(&hire(&mut m, fine, 1), ExchangeError::OfferTermsMismatch);
    assert_error(&hire(&mut m, fine, 2), ExchangeError::OfferMissing);
    // Someone else than the requester; another agent's offers; another agent.
    let stranger = m.agent(MIN_STAKE);
    let ix = xix::hire_from_offer(stranger.authority.pubkey(), fine, a.agent, 0);
    assert_error(&m.r.svm.send(&[ix], &[&stranger.authority]), ExchangeError::RequesterMismatch);
    let b = offering(&mut m);
    let mut ix = xix::hire_from_offer(requester.pubkey(), fine, a.agent, 0);
    ix.retarget(pda::offers(&a.agent).0, pda::offers(&b.agent).0);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), anchor_codes::CONSTRAINT_SEEDS);
    let ix = xix::hire_from_offer(requester.pubkey(), fine, b.agent, 0);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::HireNotOffered);
    // Type cosplay: the agent's registry record as its offers.
    let mut ix = xix::hire_from_offer(requester.pubkey(), fine, a.agent, 0);
    ix.retarget(pda::offers(&a.agent).0, a.agent);
    assert!(m.r.svm.send(&[ix], &[&requester]).is_err(), "an agent record is not its offers");
    // Withdrawn offers hire nobody; published again, the hire goes through.
    m.r.svm.send(&[rix::agent_offers_close(a.authority.pubkey())], &[&a.authority]).unwrap();
    assert_error(&hire(&mut m, fine, 0), anchor_codes::ACCOUNT_NOT_INITIALIZED);
    let offer = standing(&m);
    publish(&mut m, &a, vec![offer]).unwrap();
    let ix = xix::hire_from_offer(requester.pubkey(), fine, a.agent, 0);
    m.r.svm.send_measured("exchange", "hire_from_offer", &[ix], &[&requester]).unwrap();
    assert_eq!(m.intent_state(fine).status().unwrap(), IntentStatus::Awarded);
    // The window closes at its end slot.
    let late = post(&mut m, PRICE, CAPABILITY);
    m.to_settle(late);
    assert_error(&hire(&mut m, late, 0), ExchangeError::BidWindowClosed);
    m.assert_accounted(&[cheaper, wider, fine, late]);
}
