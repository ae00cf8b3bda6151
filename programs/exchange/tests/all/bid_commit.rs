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
        m.r.svm.account(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0)).unwrap().data.len(),
    );
    assert_eq!(m.r.svm.lamports(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0)), rent + BOND);
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
    assert!(m.r.svm.account(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, 3)).is_none());
    assert_eq!(m.intent_state(intent).bid_count, 0);
}

/// Issue 28: a bid lives at its bidder's seeded address (`agx_core::address::bid_seed`);
/// another address (another round's, another bidder's, or the old PDA) is refused by name, and
/// lamports sent to the address beforehand do not block the bid: the program tops the account up
/// and allocates it.
#[test]
fn the_bid_must_be_at_its_seeded_address_and_cannot_be_blocked() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let commitment = xix::commitment(&intent, &a.agent, &opening(500_000, 8_000, 10));
    let ix = || xix::bid_commit(a.authority.pubkey(), intent, a.agent, 0, commitment);
    let bid = pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0);
    let old_pda = agx_sdk::Pubkey::find_program_address(
        &[b"bid", intent.as_ref(), a.agent.as_ref(), &[0]],
        &agx_sdk::exchange::ID,
    )
    .0;
    for elsewhere in [
        pda::bid(&a.authority.pubkey(), &intent, &a.agent, 1),
        pda::bid(&m.requester.pubkey(), &intent, &a.agent, 0),
        old_pda,
    ] {
        let sent = m.r.svm.send(&[agx_tests::swap_account(ix(), bid, elsewhere)], &[&a.authority]);
        assert_error(&sent, ExchangeError::BidAccountInvalid);
    }
    let griefer = m.r.svm.funded_keypair();
    let gift = solana_system_interface::instruction::transfer(&griefer.pubkey(), &bid, 900_000);
    m.r.svm.send(&[gift], &[&griefer]).unwrap();
    // The bidder's own creation now fails (`create_account_with_seed` refuses an address in
    // use); the instruction alone goes through, as the SDK's agent falls back to.
    assert!(m.commit_with_account(&a, intent, &opening(500_000, 8_000, 10)).is_err());
    let before = m.r.svm.lamports(&a.authority.pubkey());
    m.r.svm.send(&[ix()], &[&a.authority]).unwrap();
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(m.r.svm.account(&bid).unwrap().data.len());
    assert_eq!(m.r.svm.lamports(&bid), rent + BOND, "topped up to rent and bond");
    assert_eq!(before - m.r.svm.lamports(&a.authority.pubkey()), rent + BOND - 900_000, "the gift counted");
    assert_eq!(m.bid_state(intent, &a).bond, BOND);
    // A second commit to the same bid is refused by name (a bid is written there).
    assert_error(&m.r.svm.send(&[ix()], &[&a.authority]), ExchangeError::BidAccountNotBlank);
}

/// Issue 28: the bidder may create its bid account itself in the commit's transaction
/// (`create_account_with_seed`, 150 CU, where the program's CPI costs ~1,800): the program takes
/// it as the bid, holding rent and bond as if it had made it.
#[test]
fn a_bid_account_the_bidder_created_is_taken() {
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(500_000, 8_000, 10);
    let commitment = xix::commitment(&intent, &a.agent, &o);
    let ixs =
        [m.bid_account_ix(&a, intent), xix::bid_commit(a.authority.pubkey(), intent, a.agent, 0, commitment)];
    let before = m.r.svm.lamports(&a.authority.pubkey());
    let meta = m.r.svm.send(&ixs, &[&a.authority]).unwrap();
    agx_tests::cu::record("exchange", "bid_commit_bidder_creates_bid", meta.compute_units_consumed);
    let bid = pda::bid(&a.authority.pubkey(), &intent, &a.agent, 0);
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::accounts::Bid::SPACE);
    assert_eq!(m.r.svm.lamports(&bid), rent + BOND);
    assert_eq!(
        before - m.r.svm.lamports(&a.authority.pubkey()),
        rent + BOND,
        "rent and bond (the test's payer pays fees)"
    );
    let state = m.bid_state(intent, &a);
    assert_eq!(
        (state.status, state.commitment, state.bond, state.agent, state.bidder),
        (BidStatus::Committed.to_u8(), commitment, BOND, a.agent, a.authority.pubkey())
    );
    assert_eq!(m.intent_state(intent).bid_count, 1);
    // It reveals and wins like any other bid.
    m.to_reveal(intent);
    m.reveal(&a, intent, &o).unwrap();
    m.to_settle(intent);
    m.settle(intent, a.agent).unwrap();
    assert_eq!((m.intent_state(intent).winner_agent, m.intent_state(intent).winner_bid), (a.agent, bid));
}

/// Issue 28: what the bidder created must be a blank bid account of the exchange at the bid's
/// address, holding the rent and the bond the exchange takes from this bidder; each rule by
/// name, and nothing of the bidder's is kept.
#[test]
fn a_bid_account_the_bidder_created_must_be_blank_funded_and_sized() {
    use agent_registry::lean_cpi::ix as system;
    let mut m = Market::new();
    let intent = m.intent(AuctionKind::VickreySealed);
    let a = m.agent(MIN_STAKE);
    let me = a.authority.pubkey();
    let commitment = xix::commitment(&intent, &a.agent, &opening(1, 1, 1));
    let commit = xix::bid_commit(me, intent, a.agent, 0, commitment);
    let seed = agx_core::address::bid_seed::<agx_core::commitment::SoftwareSha256>(
        &intent.to_bytes(),
        &a.agent.to_bytes(),
        0,
    );
    let bid = pda::bid(&me, &intent, &a.agent, 0);
    let space = agx_sdk::accounts::Bid::SPACE as u64;
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(space as usize);
    let exchange = agx_sdk::exchange::ID;
    let before = m.r.svm.lamports(&me);
    // One lamport short of rent and bond.
    let short = system::create_account_with_seed(&me, &bid, &me, &seed, rent + BOND - 1, space, &exchange);
    assert_error(
        &m.r.svm.send(&[short, commit.clone()], &[&a.authority]),
        ExchangeError::BidAccountUnderfunded,
    );
    // A byte too many.
    let rent_big = m.r.svm.svm.minimum_balance_for_rent_exemption(space as usize + 1);
    let big = system::create_account_with_seed(&me, &bid, &me, &seed, rent_big + BOND, space + 1, &exchange);
    assert_error(&m.r.svm.send(&[big, commit.clone()], &[&a.authority]), ExchangeError::BidAccountNotBlank);
    // Owned by another program: not taken as created by the bidder, nor creatable by the program.
    let other = system::create_account_with_seed(&me, &bid, &me, &seed, rent + BOND, space, &exchange);
    let mut other = other;
    let owner_at = other.data.len() - 32;
    other.data[owner_at..].copy_from_slice(agx_sdk::Pubkey::new_unique().as_ref());
    assert!(m.r.svm.send(&[other, commit.clone()], &[&a.authority]).is_err());
    // Created at another seed of the bidder's: not the bid's address.
    let elsewhere_seed = agx_core::address::bid_seed::<agx_core::commitment::SoftwareSha256>(
        &intent.to_bytes(),
        &a.agent.to_bytes(),
        1,
    );
    let elsewhere = pda::bid(&me, &intent, &a.agent, 1);
    let create = system::create_account_with_seed(
        &me,
        &elsewhere,
        &me,
        &elsewhere_seed,
        rent + BOND,
        space,
        &exchange,
    );
    let sent =
        m.r.svm.send(&[create, agx_tests::swap_account(commit.clone(), bid, elsewhere)], &[&a.authority]);
    assert_error(&sent, ExchangeError::BidAccountInvalid);
    assert_eq!(m.r.svm.lamports(&me), before, "nothing of the bidder's kept (the test's payer pays fees)");
    assert!(m.r.svm.account(&bid).is_none());
    assert_eq!(m.intent_state(intent).bid_count, 0);
}
