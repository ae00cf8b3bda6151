//! `config_update`, `admin_propose` and `admin_accept` on the built `.so`, in LiteSVM: only the
//! admin changes settings, a pause stops new intents and bids but no money, and the admin hands
//! over in two steps.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::{ExchangeAdminChanged, ExchangeConfigUpdated};
use agx_sdk::exchange::state::ExchangeConfig;
use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{opening, Market, BOND, MIN_STAKE};
use agx_tests::{anchor_codes, assert_error, EditAccounts, Signer};

fn config(m: &Market) -> ExchangeConfig {
    m.r.svm.decode(&pda::exchange_config().0)
}

#[test]
fn the_admin_replaces_the_settings_and_nobody_else_can() {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let mut settings = xix::default_settings();
    settings.rerank_window_slots = 7;
    settings.min_bid_bond = 3 * BOND;
    settings.freezable_mints = vec![m.pay.mint];
    let ix = xix::config_update(admin.pubkey(), settings.clone());
    let meta = m.r.svm.send_measured("exchange", "config_update", &[ix], &[&admin]).unwrap();
    let c = config(&m);
    assert_eq!((c.rerank_window_slots, c.min_bid_bond, c.freezable_mints[0]), (7, 3 * BOND, m.pay.mint));
    assert_eq!(events::find::<ExchangeConfigUpdated>(&meta.logs)[0].settings.min_bid_bond, 3 * BOND);
    // By name, as `agx watch` prints it: the exchange's event with the exchange's whole settings
    // (the registry's event of the same old name once decoded here, with its shorter fields).
    let named = events::named_in(&meta.logs);
    assert_eq!(
        (named.len(), named[0].program, named[0].name.as_str()),
        (1, "exchange", "ExchangeConfigUpdated")
    );
    assert_eq!(named[0].fields["settings"]["min_bid_bond"], 3 * BOND);
    assert_eq!(named[0].fields["settings"]["rerank_window_slots"], 7);
    // The new minimum bond applies to every new intent.
    assert_error(&create(&mut m, AuctionKind::FirstPriceSealed), ExchangeError::IntentBidBondBelowMinimum);

    let stranger = m.keeper.insecure_clone();
    let ix = xix::config_update(stranger.pubkey(), xix::default_settings());
    assert_error(&m.r.svm.send(&[ix], &[&stranger]), ExchangeError::ConfigNotAdmin);
    let mut ix = xix::config_update(admin.pubkey(), xix::default_settings());
    ix.unsign(admin.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[]), anchor_codes::ACCOUNT_NOT_SIGNER);
    let bad = |f: fn(&mut agx_sdk::exchange::state::ExchangeSettings)| {
        let mut s = xix::default_settings();
        f(&mut s);
        xix::config_update(admin.pubkey(), s)
    };
    assert_error(
        &m.r.svm.send(&[bad(|s| s.rerank_window_slots = 0)], &[&admin]),
        ExchangeError::ConfigRerankWindowZero,
    );
    let five =
        |s: &mut agx_sdk::exchange::state::ExchangeSettings| s.freezable_mints = vec![Default::default(); 5];
    assert_error(&m.r.svm.send(&[bad(five)], &[&admin]), ExchangeError::ConfigTooManyFreezableMints);
    assert_eq!(config(&m).rerank_window_slots, 7, "refused updates change nothing");
}

fn create(m: &mut Market, kind: AuctionKind) -> agx_tests::TxResult {
    let args = m.args(kind);
    let requester = m.requester.insecure_clone();
    m.r.svm.send(&[m.create_ix(args)], &[&requester])
}

#[test]
fn a_pause_stops_new_intents_and_bids_but_never_money() {
    let mut m = Market::new();
    let (running, winner, standby) = m.awarded(AuctionKind::VickreySealed);
    let sealed = m.intent(AuctionKind::FirstPriceSealed);
    let a = m.agent(MIN_STAKE);
    let o = opening(100, 9_000, 1);
    m.commit(&a, sealed, &o).unwrap();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let paused = agx_sdk::exchange::state::ExchangeSettings { paused: true, ..xix::default_settings() };
    m.r.svm.send(&[xix::config_update(admin.pubkey(), paused)], &[&admin]).unwrap();

    assert_error(&create(&mut m, AuctionKind::Continuous), ExchangeError::ExchangePaused);
    let late = m.agent(MIN_STAKE);
    assert_error(&m.commit(&late, sealed, &o), ExchangeError::ExchangePaused);
    // Reveals, settlement, refunds and closes go on.
    m.to_reveal(sealed);
    m.reveal(&a, sealed, &o).unwrap();
    m.to_settle(sealed);
    m.settle(sealed, a.agent).unwrap();
    let paid_to = m.pay_account(a.authority.pubkey());
    m.submit(&a, sealed, 10_000).unwrap();
    m.accept(sealed, paid_to, 8_000).unwrap();
    assert_eq!(m.balance(&paid_to), 100, "a pause never holds a payout");
    m.close_bid(&a, sealed).unwrap();
    // Failover goes on too: a silent winner is replaced.
    let award = m.intent_state(running).award_slot;
    m.warp_to(award.max(m.r.slot()) + agx_tests::registry::HEARTBEAT_TIMEOUT + 1);
    assert!(m.r.agent(&winner).last_heartbeat_slot + agx_tests::registry::HEARTBEAT_TIMEOUT < m.r.slot());
    m.failover(running).unwrap();
    assert_eq!(m.intent_state(running).winner_agent, standby.agent);
    m.pay_accounts.retain(|x| *x != pda::escrow(&sealed).0);
    m.assert_accounted(&[running]);
}

#[test]
fn the_admin_hands_over_in_two_steps() {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let next = m.r.svm.funded_keypair();
    let stranger = m.keeper.insecure_clone();
    assert_error(
        &m.r.svm.send(&[xix::admin_accept(next.pubkey())], &[&next]),
        ExchangeError::ConfigNotPendingAdmin,
    );
    let ix = xix::admin_propose(stranger.pubkey(), stranger.pubkey());
    assert_error(&m.r.svm.send(&[ix], &[&stranger]), ExchangeError::ConfigNotAdmin);
    let ix = xix::admin_propose(admin.pubkey(), agx_sdk::Pubkey::default());
    assert_error(&m.r.svm.send(&[ix], &[&admin]), ExchangeError::ConfigAdminIsDefault);
    m.r.svm
        .send_measured(
            "exchange",
            "admin_propose",
            &[xix::admin_propose(admin.pubkey(), next.pubkey())],
            &[&admin],
        )
        .unwrap();
    assert_eq!((config(&m).admin, config(&m).pending_admin), (admin.pubkey(), next.pubkey()));
    assert_error(
        &m.r.svm.send(&[xix::admin_accept(stranger.pubkey())], &[&stranger]),
        ExchangeError::ConfigNotPendingAdmin,
    );
    let meta =
        m.r.svm
            .send_measured("exchange", "admin_accept", &[xix::admin_accept(next.pubkey())], &[&next])
            .unwrap();
    assert_eq!(events::find::<ExchangeAdminChanged>(&meta.logs)[0].previous, admin.pubkey());
    let named = events::named_in(&meta.logs);
    assert_eq!(
        (named.len(), named[0].program, named[0].name.as_str()),
        (1, "exchange", "ExchangeAdminChanged")
    );
    assert_eq!(named[0].fields["previous"], admin.pubkey().to_string());
    assert_eq!((config(&m).admin, config(&m).pending_admin), (next.pubkey(), Default::default()));
    // The old admin has no power left; the new one does.
    let ix = xix::config_update(admin.pubkey(), xix::default_settings());
    assert_error(&m.r.svm.send(&[ix], &[&admin]), ExchangeError::ConfigNotAdmin);
    m.r.svm.send(&[xix::config_update(next.pubkey(), xix::default_settings())], &[&next]).unwrap();
}

#[test]
fn reputation_mints_are_bounded() {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let mut s = xix::default_settings();
    s.reputation_mints = vec![agx_sdk::exchange::ReputationMint { mint: m.pay.mint, weight_bps: 10_001 }];
    assert_error(
        &m.r.svm.send(&[xix::config_update(admin.pubkey(), s.clone())], &[&admin]),
        ExchangeError::ConfigReputationMintsInvalid,
    );
    s.reputation_mints = vec![Default::default(); 5];
    assert_error(
        &m.r.svm.send(&[xix::config_update(admin.pubkey(), s)], &[&admin]),
        ExchangeError::ConfigReputationMintsInvalid,
    );
}

#[test]
fn the_arbitrator_and_the_slash_fractions_are_set_within_bounds() {
    let mut m = Market::new();
    let admin = m.r.svm.upgrade_authority.insecure_clone();
    let mut s = xix::default_settings();
    s.arbitrator = m.keeper.pubkey();
    (s.arbitration_window_slots, s.failover_slash_bps, s.failover_reward_bps, s.decline_slash_bps) =
        (11, 6_000, 500, 6_000);
    m.r.svm.send(&[xix::config_update(admin.pubkey(), s.clone())], &[&admin]).unwrap();
    let c = config(&m);
    assert_eq!(
        (
            c.arbitrator,
            c.arbitration_window_slots,
            c.failover_slash_bps,
            c.failover_reward_bps,
            c.decline_slash_bps
        ),
        (m.keeper.pubkey(), 11, 6_000, 500, 6_000)
    );
    let refused: [fn(&mut agx_sdk::exchange::state::ExchangeSettings); 4] = [
        |s| s.arbitration_window_slots = 0,
        |s| s.failover_slash_bps = 10_001,
        |s| s.failover_reward_bps = 10_001,
        |s| s.decline_slash_bps = s.failover_slash_bps + 1,
    ];
    for change in refused {
        let mut bad = s.clone();
        change(&mut bad);
        assert_error(
            &m.r.svm.send(&[xix::config_update(admin.pubkey(), bad)], &[&admin]),
            ExchangeError::ConfigFailoverParamsInvalid,
        );
    }
    assert_eq!(config(&m).arbitration_window_slots, 11, "refused updates change nothing");
}
