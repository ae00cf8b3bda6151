//! `bid_commit` on the built `.so`, in LiteSVM: eligibility is checked against the registry.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::BidCommitted;
use agx_sdk::exchange::state::BidStatus;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry as rix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, BOND, MIN_STAKE};
use agx_tests::{assert_error, Signer};

#[test]
fn seals_the_bid_and_takes_the_bond() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(500_000, 8_000, 10);
    let commitment = xix::commitment(&intent, &a.agent, &o);
    let ix = xix::bid_commit(a.authority.pubkey(), intent, a.agent, 0, commitment);
    let meta = m.r.svm.send_measured("exchange", "bid_commit", &[ix], &[&a.authority]).unwrap();
    let bid = m.bid_state(intent, &a);
    assert_eq!(
        (bid.status, bid.commitment, bid.bond, bid.agent),
        (BidStatus::Committed.to_u8(), commitment, BOND, a.agent)
    );
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(
        m.r.svm.account(&pda::bid(&intent, &a.agent, 0).0).unwrap().data.len(),
    );
    assert_eq!(m.r.svm.lamports(&pda::bid(&intent, &a.agent, 0).0), rent + BOND);
    assert_eq!(m.intent_state(intent).bid_count, 1);
    assert_eq!(events::find::<BidCommitted>(&meta.logs)[0].bond, BOND);
}

#[test]
fn ineligible_agents_cannot_commit() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let o = opening(1, 1, 1);
    // Stake below the minimum.
    let poor = m.agent(MIN_STAKE - 1);
    assert_error(&m.commit(&poor, intent, &o), ExchangeError::BidStakeTooLow);
    // Stake locked elsewhere does not count.
    let busy = m.agent(MIN_STAKE);
    m.r.svm.send(&[rix::stake_unstake_request(busy.authority.pubkey(), 1)], &[&busy.authority]).unwrap();
    assert_error(&m.commit(&busy, intent, &o), ExchangeError::BidStakeTooLow);
    // Missing capability bit.
    let unable = m.r.register_agent(0b10);
    m.r.deposit(&unable, MIN_STAKE).unwrap();
    assert_error(&m.commit(&unable, intent, &o), ExchangeError::BidCapabilitiesMissing);
    // Deactivated.
    let retired = m.agent(MIN_STAKE);
    m.r.svm.send(&[rix::agent_deactivate(retired.authority.pubkey())], &[&retired.authority]).unwrap();
    assert_error(&m.commit(&retired, intent, &o), ExchangeError::BidAgentInactive);
    // Reputation below the minimum (with probation off: `scenario_trust` has newcomers on it).
    m.update_settings(|s| s.probation_bond_multiplier = 0).unwrap();
    let mut args = m.args(AuctionKind::VickreySealed);
    args.min_reputation = 5_001;
    let picky = m.create(args).unwrap();
    let newcomer = m.agent(MIN_STAKE);
    assert_error(&m.commit(&newcomer, picky, &o), ExchangeError::BidReputationTooLow);
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

#[test]
fn only_within_the_commit_window_of_a_sealed_auction() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    m.to_reveal(intent);
    assert_error(&m.commit(&a, intent, &opening(1, 1, 1)), ExchangeError::BidWindowClosed);
    let continuous = m.intent(AuctionKind::Continuous);
    assert_error(&m.commit(&a, continuous, &opening(1, 1, 1)), ExchangeError::BidWrongAuctionKind);
}

#[test]
fn one_bid_per_agent_and_only_by_its_authority() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    m.commit(&a, intent, &opening(1, 1, 1)).unwrap();
    assert!(m.commit(&a, intent, &opening(2, 2, 2)).is_err(), "a second commit cannot re-initialise the bid");
    assert_eq!(m.intent_state(intent).bid_count, 1);
    // Another key cannot bid with a's agent account.
    let other_intent = m.intent(AuctionKind::VickreySealed);
    let b = m.agent(MIN_STAKE);
    let ix = xix::bid_commit(b.authority.pubkey(), other_intent, a.agent, 0, [0; 32]);
    assert_error(&m.r.svm.send(&[ix], &[&b.authority]), ExchangeError::BidNotBidder);
    assert_eq!(m.intent_state(other_intent).bid_count, 0);
}

#[test]
fn a_fake_agent_account_is_refused() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    // The registry config in place of the agent: wrong type (discriminator).
    let ix = xix::bid_commit(a.authority.pubkey(), intent, pda::registry_config().0, 0, [0; 32]);
    assert!(m.r.svm.send(&[ix], &[&a.authority]).is_err());
    // An account owned by another program.
    let ix = xix::bid_commit(a.authority.pubkey(), intent, a.authority.pubkey(), 0, [0; 32]);
    assert!(m.r.svm.send(&[ix], &[&a.authority]).is_err());
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

#[test]
fn the_commit_names_the_intents_current_round() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let commitment = xix::commitment(&intent, &a.agent, &opening(1, 1, 1));
    let ix = xix::bid_commit(a.authority.pubkey(), intent, a.agent, 3, commitment);
    assert_error(&m.r.svm.send(&[ix], &[&a.authority]), ExchangeError::BidRoundMismatch);
    assert!(m.r.svm.account(&pda::bid(&intent, &a.agent, 3).0).is_none());
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

/// Issue 28: the bid PDA is derived by the program (`agent_registry::pda`) and created with its
/// bond in one CPI; another address (another round's, or a non-canonical bump's) is refused by
/// name, and lamports sent to the address beforehand do not block the bid.
#[test]
fn the_bid_must_be_its_canonical_pda_and_cannot_be_blocked() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let commitment = xix::commitment(&intent, &a.agent, &opening(500_000, 8_000, 10));
    let ix = || xix::bid_commit(a.authority.pubkey(), intent, a.agent, 0, commitment);
    let bid = pda::bid(&intent, &a.agent, 0).0;
    let next_round = pda::bid(&intent, &a.agent, 1).0;
    let sent = m.r.svm.send(&[agx_tests::swap_account(ix(), bid, next_round)], &[&a.authority]);
    assert_error(&sent, ExchangeError::BidAccountInvalid);
    let (_, canonical) = agx_sdk::Pubkey::find_program_address(
        &[b"bid", intent.as_ref(), a.agent.as_ref(), &[0]],
        &agx_sdk::exchange::ID,
    );
    let fake = (0..canonical)
        .rev()
        .find_map(|b| {
            agx_sdk::Pubkey::create_program_address(
                &[b"bid", intent.as_ref(), a.agent.as_ref(), &[0], &[b]],
                &agx_sdk::exchange::ID,
            )
            .ok()
        })
        .expect("a lower valid bump");
    let sent = m.r.svm.send(&[agx_tests::swap_account(ix(), bid, fake)], &[&a.authority]);
    assert_error(&sent, ExchangeError::BidAccountInvalid);
    let griefer = m.r.svm.funded_keypair();
    let gift = solana_system_interface::instruction::transfer(&griefer.pubkey(), &bid, 900_000);
    m.r.svm.send(&[gift], &[&griefer]).unwrap();
    let before = m.r.svm.lamports(&a.authority.pubkey());
    m.r.svm.send(&[ix()], &[&a.authority]).unwrap();
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(m.r.svm.account(&bid).unwrap().data.len());
    assert_eq!(m.r.svm.lamports(&bid), rent + BOND, "topped up to rent and bond");
    assert_eq!(before - m.r.svm.lamports(&a.authority.pubkey()), rent + BOND - 900_000, "the gift counted");
    assert_eq!(m.bid_state(intent, &a).bond, BOND);
    // A second commit to the same bid is refused (the account exists).
    assert!(m.r.svm.send(&[ix()], &[&a.authority]).is_err());
}
