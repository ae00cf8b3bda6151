//! A LiteSVM market: registry (operated by the exchange's authority PDA), exchange, a payment
//! mint, a funded requester and a keeper, plus helpers to post intents, bid, settle, and check
//! that every token and every bond lamport is accounted for.
use agx_sdk::accounts::{decode_zero_copy, Bid, Intent};
use agx_sdk::exchange::state::LeaderboardEntry;
use agx_sdk::exchange::{AuctionKind, BidOpening, HireTerms, IntentCreateArgs};
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{pda, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::registry::{Registry, TestAgent};
use crate::svm::TxResult;
use crate::token;

/// Atoms of the payment mint the requester starts with.
pub const REQUESTER_FUNDS: u64 = 1_000_000_000_000;
pub const MAX_PRICE: u64 = 1_000_000;
pub const MAX_LATENCY: u64 = 100;
pub const BID_WINDOW: u64 = 20;
pub const REVEAL_WINDOW: u64 = 20;
pub const BOND: u64 = 1_000_000;
pub const TIP: u64 = 5_000_000;
pub const MIN_STAKE: u64 = 100;
/// Capability bit every intent requires in the fixture.
pub const CAPABILITY: u64 = 0b1;

pub struct Market {
    pub r: Registry,
    /// The mint intents are paid in.
    pub pay: StakeToken,
    pub requester: Keypair,
    pub requester_tokens: Pubkey,
    pub keeper: Keypair,
    /// The config's arbitrator.
    pub arbitrator: Keypair,
    /// Stake-mint token accounts of the requester (slash compensation) and the keeper (failover
    /// rewards), tracked by the registry's accounting.
    pub requester_stake_tokens: Pubkey,
    pub keeper_stake_tokens: Pubkey,
    /// Every payment-mint token account the fixture knows about.
    pub pay_accounts: Vec<Pubkey>,
    /// The exchange settings the fixture set (see [`Market::update_settings`]).
    pub settings: agx_sdk::exchange::state::ExchangeSettings,
    /// Escrows that were sent tokens directly (a donation): a live one may hold more than its
    /// intent records, never less.
    pub surplus: Vec<Pubkey>,
    next_intent_id: u64,
}

/// An independent fork of the market fixture: a random test sets one market up and forks it per
/// case, instead of loading the programs again each time.
impl Clone for Market {
    fn clone(&self) -> Self {
        Self {
            r: self.r.clone(),
            pay: self.pay,
            requester: self.requester.insecure_clone(),
            requester_tokens: self.requester_tokens,
            keeper: self.keeper.insecure_clone(),
            arbitrator: self.arbitrator.insecure_clone(),
            requester_stake_tokens: self.requester_stake_tokens,
            keeper_stake_tokens: self.keeper_stake_tokens,
            pay_accounts: self.pay_accounts.clone(),
            settings: self.settings.clone(),
            surplus: self.surplus.clone(),
            next_intent_id: self.next_intent_id,
        }
    }
}

/// The salt is fixed by the terms (a real bidder's is secret and random): a random one made the
/// tie-break keys, and so the units auction_settle spends comparing them, differ from run to run
/// (`bench/cu.json` must repeat).
pub fn opening(price: u64, quality_bps: u16, latency: u64) -> BidOpening {
    let mut salt = [0x5a; 32];
    salt[..8].copy_from_slice(&price.to_le_bytes());
    salt[8..10].copy_from_slice(&quality_bps.to_le_bytes());
    salt[10..18].copy_from_slice(&latency.to_le_bytes());
    BidOpening { price, quality_bps, latency, plan_hash: [0xab; 32], salt }
}

impl Market {
    /// Payment and stake mints of SPL Token.
    pub fn new() -> Self {
        Self::with_token_program(token::TOKEN)
    }

    pub fn with_token_program(program: Pubkey) -> Self {
        Self::with_registry(Registry::for_exchange(token::TOKEN), program)
    }

    /// A market on `r` (a registry built for the exchange) paying in a new mint of `program`.
    pub fn with_registry(mut r: Registry, program: Pubkey) -> Self {
        let pay = StakeToken { mint: token::create_mint(&mut r.svm, program, 6), program };
        let requester = r.svm.funded_keypair();
        let requester_tokens = token::create_account(&mut r.svm, program, pay.mint, requester.pubkey());
        token::mint_to(&mut r.svm, program, pay.mint, requester_tokens, REQUESTER_FUNDS);
        let keeper = r.svm.funded_keypair();
        let arbitrator = r.svm.funded_keypair();
        let requester_stake_tokens = r.token_account(requester.pubkey());
        let keeper_stake_tokens = r.token_account(keeper.pubkey());
        // The payment mint bears reputation at full weight, as a deployment's stablecoin would.
        let admin = r.svm.upgrade_authority.insecure_clone();
        let config: agx_sdk::exchange::state::ExchangeConfig = r.svm.decode(&pda::exchange_config().0);
        let mut settings = xix::default_settings();
        settings.freezable_mints =
            config.freezable_mints.iter().copied().filter(|m| *m != Pubkey::default()).collect();
        settings.reputation_mints =
            vec![agx_sdk::exchange::ReputationMint { mint: pay.mint, weight_bps: agx_core::BPS_DENOMINATOR }];
        settings.arbitrator = arbitrator.pubkey();
        // No reputation fee by default, so payouts are the split itself; the fee's own tests
        // (`scenario_security_review`) turn it on. Its vault exists either way.
        settings.reputation_fee_bps = 0;
        r.svm
            .send(&[xix::config_update(admin.pubkey(), settings.clone())], &[&admin])
            .expect("config_update");
        let payer = r.svm.payer.insecure_clone();
        r.svm.send(&[xix::fee_vault_create(payer.pubkey(), pay)], &[&payer]).expect("fee vault");
        let fee_vault = pda::fee_vault(&pay.mint, &pay.program);
        Self {
            r,
            pay,
            requester,
            requester_tokens,
            keeper,
            arbitrator,
            requester_stake_tokens,
            keeper_stake_tokens,
            pay_accounts: vec![requester_tokens, fee_vault],
            settings,
            surplus: Vec::new(),
            next_intent_id: 1,
        }
    }

    /// Changes the fixture's exchange settings with `change` and sends them (`config_update`,
    /// signed by the admin).
    pub fn update_settings(
        &mut self,
        change: impl FnOnce(&mut agx_sdk::exchange::state::ExchangeSettings),
    ) -> TxResult {
        let mut settings = self.settings.clone();
        change(&mut settings);
        let admin = self.r.svm.upgrade_authority.insecure_clone();
        let res = self.r.svm.send(&[xix::config_update(admin.pubkey(), settings.clone())], &[&admin]);
        if res.is_ok() {
            self.settings = settings;
        }
        res
    }

    /// A sealed or continuous intent with the fixture's defaults.
    pub fn args(&mut self, kind: AuctionKind) -> IntentCreateArgs {
        let id = self.next_intent_id;
        self.next_intent_id += 1;
        IntentCreateArgs {
            intent_id: id,
            required_capabilities: CAPABILITY,
            min_stake: MIN_STAKE,
            min_reputation: 0,
            weights: [4_000, 3_000, 2_000, 1_000],
            max_price: MAX_PRICE,
            max_latency: MAX_LATENCY,
            context_hash: [1; 32],
            context_uri: "https://intents.example/1.json".into(),
            success_criteria_hash: [2; 32],
            auction_kind: kind,
            bid_window_slots: BID_WINDOW,
            reveal_window_slots: if kind.is_sealed() { REVEAL_WINDOW } else { 0 },
            bid_bond: BOND,
            score_threshold: 0,
            max_failovers: 2,
            tip_per_crank: TIP,
            vickrey_premium_cap_bps: agx_sdk::exchange::state::DEFAULT_VICKREY_PREMIUM_CAP_BPS,
            hire_agent: Default::default(),
            deadline_slot: 0,
            evaluator: Pubkey::default(),
            evaluator_fee: 0,
        }
    }

    pub fn create_ix(&self, args: IntentCreateArgs) -> anchor_lang::solana_program::instruction::Instruction {
        xix::intent_create(self.requester.pubkey(), self.pay, self.requester_tokens, args)
    }

    /// The post of `args` with the escrow (and, on the first post, the requester's record)
    /// created by the requester in the same transaction (`xix::requester_record_create`,
    /// `xix::escrow_create`, then `intent_create_with_escrow`), and that escrow's address.
    pub fn create_ixs_with_escrow(&self, args: IntentCreateArgs) -> (Vec<Instruction>, Pubkey) {
        let requester = self.requester.pubkey();
        let intent = pda::intent(&requester, args.intent_id).0;
        let escrow = pda::escrow_with_seed(&requester, &intent, &self.pay.program);
        let rent = self.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::token::ACCOUNT_LEN);
        let record = pda::requester_state(&requester);
        let mut ixs = Vec::new();
        if self.r.svm.account(&record).is_none() {
            let record_rent =
                self.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::accounts::RequesterState::SPACE);
            ixs.push(xix::requester_record_create(requester, record_rent));
        }
        ixs.extend(xix::escrow_create(requester, intent, self.pay, agx_sdk::token::ACCOUNT_LEN, rent));
        ixs.push(xix::intent_create_with_escrow(requester, self.pay, self.requester_tokens, args, escrow));
        (ixs, escrow)
    }

    /// The `create_account_with_seed` of `a`'s bid on `intent` in its current round, holding
    /// the rent and the intent's bond, to precede `bid_commit` or `bid_place`.
    pub fn bid_account_ix(&self, a: &TestAgent, intent: Pubkey) -> Instruction {
        let state = self.intent_state(intent);
        let rent = self.r.svm.svm.minimum_balance_for_rent_exemption(Bid::SPACE);
        xix::bid_account_create(a.authority.pubkey(), intent, a.agent, state.round, rent + state.bid_bond)
    }

    /// [`Market::commit`] with the bid account created by the bidder in the same transaction.
    pub fn commit_with_account(&mut self, a: &TestAgent, intent: Pubkey, o: &BidOpening) -> TxResult {
        let commitment = xix::commitment(&intent, &a.agent, o);
        let round = self.intent_state(intent).round;
        let commit = xix::bid_commit(a.authority.pubkey(), intent, a.agent, round, commitment);
        self.r.svm.send(&[self.bid_account_ix(a, intent), commit], &[&a.authority])
    }

    /// [`Market::place`] with the bid account created by the bidder in the same transaction.
    pub fn place_with_account(&mut self, a: &TestAgent, intent: Pubkey, o: &BidOpening) -> TxResult {
        let round = self.intent_state(intent).round;
        let place = xix::bid_place(a.authority.pubkey(), intent, a.agent, round, *o);
        self.r.svm.send(&[self.bid_account_ix(a, intent), place], &[&a.authority])
    }

    /// Posts `args`; returns the intent address.
    pub fn create(
        &mut self,
        args: IntentCreateArgs,
    ) -> Result<Pubkey, Box<litesvm::types::FailedTransactionMetadata>> {
        let intent = pda::intent(&self.requester.pubkey(), args.intent_id).0;
        let requester = self.requester.insecure_clone();
        self.r.svm.send(&[self.create_ix(args)], &[&requester]).map_err(Box::new)?;
        self.pay_accounts.push(pda::escrow(&intent).0);
        Ok(intent)
    }

    /// Posts a default intent of `kind`.
    pub fn intent(&mut self, kind: AuctionKind) -> Pubkey {
        let args = self.args(kind);
        self.create(args).expect("intent_create")
    }

    /// A direct hire of `agent` (its registry account) with the fixture's defaults: offered at
    /// [`MAX_PRICE`], accepted within [`BID_WINDOW`] slots.
    pub fn direct_args(&mut self, agent: Pubkey) -> IntentCreateArgs {
        let mut args = self.args(AuctionKind::Direct);
        (args.reveal_window_slots, args.hire_agent) = (0, agent);
        args
    }

    /// `hire_accept` by `a` of `intent` at its max price, promising `quality_bps` in `latency`.
    pub fn hire_accept_ix(
        &self,
        a: &TestAgent,
        intent: Pubkey,
        quality_bps: u16,
        latency: u64,
    ) -> Instruction {
        let state = self.intent_state(intent);
        let terms = HireTerms { price: state.max_price, quality_bps, latency };
        xix::hire_accept(a.authority.pubkey(), intent, a.agent, state.round, terms)
    }

    /// An eligible agent (capabilities 0b1011, `stake` atoms staked).
    pub fn agent(&mut self, stake: u64) -> TestAgent {
        self.r.staked_agent(stake)
    }

    /// A settled sealed auction of `kind` between two new agents: `a` wins at 300,000 (promising
    /// 9,000 bps of quality in 10 slots) over `b`, which under Vickrey is the standby.
    pub fn awarded(&mut self, kind: AuctionKind) -> (Pubkey, TestAgent, TestAgent) {
        let args = self.args(kind);
        self.awarded_from(args)
    }

    /// As [`Market::awarded`], for an intent posted with `args` (a sealed kind).
    pub fn awarded_from(&mut self, args: IntentCreateArgs) -> (Pubkey, TestAgent, TestAgent) {
        let intent = self.create(args).expect("intent_create");
        let a = self.agent(MIN_STAKE);
        let b = self.agent(MIN_STAKE);
        self.commit_and_reveal(
            intent,
            &[(&a, opening(300_000, 9_000, 10)), (&b, opening(800_000, 4_000, 60))],
        );
        self.to_settle(intent);
        self.settle(intent, a.agent).expect("auction_settle");
        (intent, a, b)
    }

    pub fn commit(&mut self, a: &TestAgent, intent: Pubkey, o: &BidOpening) -> TxResult {
        let commitment = xix::commitment(&intent, &a.agent, o);
        let round = self.intent_state(intent).round;
        self.r.svm.send(
            &[xix::bid_commit(a.authority.pubkey(), intent, a.agent, round, commitment)],
            &[&a.authority],
        )
    }

    /// Commits every `(agent, opening)` on `intent`, then reveals them all; the clock ends in the
    /// reveal window.
    pub fn commit_and_reveal(&mut self, intent: Pubkey, bids: &[(&TestAgent, BidOpening)]) {
        for (a, o) in bids {
            self.commit(a, intent, o).expect("bid_commit");
        }
        self.to_reveal(intent);
        for (a, o) in bids {
            self.reveal(a, intent, o).expect("bid_reveal");
        }
    }

    pub fn reveal(&mut self, a: &TestAgent, intent: Pubkey, o: &BidOpening) -> TxResult {
        let round = self.intent_state(intent).round;
        self.r.svm.send(&[xix::bid_reveal(a.authority.pubkey(), intent, a.agent, round, *o)], &[&a.authority])
    }

    pub fn place(&mut self, a: &TestAgent, intent: Pubkey, o: &BidOpening) -> TxResult {
        let round = self.intent_state(intent).round;
        self.r.svm.send(&[xix::bid_place(a.authority.pubkey(), intent, a.agent, round, *o)], &[&a.authority])
    }

    /// `auction_settle` with the board as it is on chain, but `head_agent` (and its bid) passed
    /// as the head's: the real head for a normal settlement, another agent to test refusals.
    pub fn settle(&mut self, intent: Pubkey, head_agent: Pubkey) -> TxResult {
        let ix = self.settle_ix(intent, head_agent);
        let keeper = self.keeper.insecure_clone();
        self.r.svm.send(&[ix], &[&keeper])
    }

    pub fn settle_ix(&self, intent: Pubkey, head_agent: Pubkey) -> Instruction {
        let state = self.intent_state(intent);
        // The head's bid as the board names it (any agent's, to test refusals; an agent off the
        // board passes the default key, which is no bid).
        let bid = state.ranked().iter().find(|e| e.agent == head_agent).map(|e| e.bid).unwrap_or_default();
        let head = LeaderboardEntry { agent: head_agent, bid, ..Default::default() };
        let standby = state.standby().unwrap();
        xix::auction_settle(self.keeper.pubkey(), intent, Some(&head), standby.as_ref())
    }

    /// A token account of the payment mint owned by `owner`, tracked for accounting.
    pub fn pay_account(&mut self, owner: Pubkey) -> Pubkey {
        let account = token::create_account(&mut self.r.svm, self.pay.program, self.pay.mint, owner);
        self.pay_accounts.push(account);
        account
    }

    /// `result_submit` by `a` (the winner) of `fulfilled_bps` of the job, naming a new payment
    /// account of its authority.
    pub fn submit(&mut self, a: &TestAgent, intent: Pubkey, fulfilled_bps: u16) -> TxResult {
        let payout = self.pay_account(a.authority.pubkey());
        let ix = xix::result_submit(
            a.authority.pubkey(),
            intent,
            payout,
            [9; 32],
            "https://results.example/1".into(),
            fulfilled_bps,
        );
        self.r.svm.send(&[ix], &[&a.authority])
    }

    pub fn accept_ix(&self, intent: Pubkey, agent_tokens: Pubkey, rating_bps: u16) -> Instruction {
        let state = self.intent_state(intent);
        xix::result_accept(intent, &state, self.pay, agent_tokens, self.requester_tokens, rating_bps)
    }

    /// `result_accept` by the requester, paying into `agent_tokens`.
    pub fn accept(&mut self, intent: Pubkey, agent_tokens: Pubkey, rating_bps: u16) -> TxResult {
        let ix = self.accept_ix(intent, agent_tokens, rating_bps);
        let requester = self.requester.insecure_clone();
        self.r.svm.send(&[ix], &[&requester])
    }

    /// `intent_finalize` by the keeper, paying into `agent_tokens`.
    pub fn finalize(&mut self, intent: Pubkey, agent_tokens: Pubkey) -> TxResult {
        let state = self.intent_state(intent);
        let keeper = self.keeper.insecure_clone();
        let ix = xix::intent_finalize(
            keeper.pubkey(),
            intent,
            &state,
            self.pay,
            agent_tokens,
            self.requester_tokens,
        );
        self.r.svm.send(&[ix], &[&keeper])
    }

    /// `dispute_open` by the requester.
    pub fn dispute(&mut self, intent: Pubkey) -> TxResult {
        let requester = self.requester.insecure_clone();
        self.r.svm.send(&[xix::dispute_open(requester.pubkey(), intent, [7; 32])], &[&requester])
    }

    /// `dispute_resolve` by the arbitrator: `agent_share_bps` of the payment into `agent_tokens`,
    /// and `slash` atoms of the winner's stake into `requester_stake_tokens`.
    pub fn resolve_ix(
        &self,
        intent: Pubkey,
        agent_tokens: Pubkey,
        agent_share_bps: u16,
        slash: Option<(Pubkey, u64)>,
    ) -> Instruction {
        let state = self.intent_state(intent);
        let slash = slash.map(|(requester_stake_tokens, amount)| xix::DisputeSlash {
            stake: self.r.stake,
            requester_stake_tokens,
            amount,
        });
        xix::dispute_resolve(
            self.arbitrator.pubkey(),
            intent,
            &state,
            self.pay,
            agent_tokens,
            self.requester_tokens,
            agent_share_bps,
            slash,
        )
    }

    pub fn resolve(
        &mut self,
        intent: Pubkey,
        agent_tokens: Pubkey,
        agent_share_bps: u16,
        slash: Option<(Pubkey, u64)>,
    ) -> TxResult {
        let ix = self.resolve_ix(intent, agent_tokens, agent_share_bps, slash);
        let arbitrator = self.arbitrator.insecure_clone();
        self.r.svm.send(&[ix], &[&arbitrator])
    }

    /// What a failover of this market's intents needs besides the intent's own accounts.
    pub fn failover_accounts(&self) -> xix::FailoverAccounts {
        xix::FailoverAccounts {
            stake: self.r.stake,
            requester_stake_tokens: self.requester_stake_tokens,
            pay: self.pay,
            requester_tokens: self.requester_tokens,
        }
    }

    /// `failover_trigger` by the keeper, built from the intent as it is on chain now.
    pub fn failover_ix(&self, intent: Pubkey) -> Instruction {
        let state = self.intent_state(intent);
        let accounts = self.failover_accounts();
        xix::failover_trigger(self.keeper.pubkey(), Some(self.keeper_stake_tokens), intent, &state, &accounts)
    }

    pub fn failover(&mut self, intent: Pubkey) -> TxResult {
        let ix = self.failover_ix(intent);
        let keeper = self.keeper.insecure_clone();
        self.r.svm.send(&[ix], &[&keeper])
    }

    /// `award_decline` by `a`, the winner.
    pub fn decline(&mut self, a: &TestAgent, intent: Pubkey) -> TxResult {
        let state = self.intent_state(intent);
        let ix = xix::award_decline(a.authority.pubkey(), intent, &state, &self.failover_accounts());
        self.r.svm.send(&[ix], &[&a.authority])
    }

    /// `agent_heartbeat` by `a`.
    /// `owner`'s associated account of the payment mint (where an evaluator is paid), tracked.
    pub fn associated_pay_account(&mut self, owner: Pubkey) -> Pubkey {
        let payer = self.r.svm.payer.insecure_clone();
        let ix = agx_sdk::token::create_associated_idempotent(
            payer.pubkey(),
            owner,
            self.pay.mint,
            self.pay.program,
        );
        self.r.svm.send(&[ix], &[&payer]).expect("create the associated account");
        let account = agx_sdk::token::associated_address(&owner, &self.pay.mint, &self.pay.program);
        self.pay_accounts.push(account);
        account
    }

    /// `rating_contest` by `a` (the winner) of its rating on `intent`, claiming `claimed_bps`.
    pub fn contest(&mut self, a: &TestAgent, intent: Pubkey, claimed_bps: u16) -> TxResult {
        self.r.svm.send(&[xix::rating_contest(a.authority.pubkey(), intent, claimed_bps)], &[&a.authority])
    }

    /// `rating_resolve` by `judge` of the contested rating on `intent`.
    pub fn resolve_reply(&mut self, judge: &Keypair, intent: Pubkey, rating_bps: u16) -> TxResult {
        let ix = xix::rating_resolve(judge.pubkey(), intent, &self.intent_state(intent), rating_bps);
        self.r.svm.send(&[ix], &[judge])
    }

    pub fn heartbeat(&mut self, a: &TestAgent) -> TxResult {
        self.r
            .svm
            .send(&[agx_sdk::ix::registry::agent_heartbeat(a.authority.pubkey(), 5_000)], &[&a.authority])
    }

    /// `intent_close` cranked by the keeper (rent and the rest of the tip pool to the requester).
    pub fn close_intent(&mut self, intent: Pubkey) -> TxResult {
        let keeper = self.keeper.insecure_clone();
        let ix = xix::intent_close_stored(keeper.pubkey(), intent, &self.intent_state(intent));
        self.r.svm.send(&[ix], &[&keeper])
    }

    /// `bid_rerank` of `a`'s bid on `intent` (needs no signer but the fee payer).
    pub fn rerank(&mut self, a: &TestAgent, intent: Pubkey) -> TxResult {
        let round = self.intent_state(intent).round;
        self.r.svm.send(&[xix::bid_rerank(a.authority.pubkey(), intent, a.agent, round)], &[])
    }

    /// `bid_close` of `a`'s bid on `intent`, sent by the keeper.
    pub fn close_bid(&mut self, a: &TestAgent, intent: Pubkey) -> TxResult {
        let round = self.intent_state(intent).round;
        self.close_bid_in(a, intent, round)
    }

    /// `bid_close` of `a`'s bid of auction `round` on `intent`.
    pub fn close_bid_in(&mut self, a: &TestAgent, intent: Pubkey, round: u8) -> TxResult {
        let keeper = self.keeper.insecure_clone();
        let requester = if self.r.svm.opened(&intent) {
            self.intent_state(intent).requester
        } else {
            self.requester.pubkey()
        };
        let ix = xix::bid_close(keeper.pubkey(), intent, a.agent, round, a.authority.pubkey(), requester);
        self.r.svm.send(&[ix], &[&keeper])
    }

    pub fn settle_expired(&mut self, intent: Pubkey) -> TxResult {
        let keeper = self.keeper.insecure_clone();
        // The intent's own escrow: the program's PDA or one the requester created.
        let escrow = self.intent_state(intent).escrow;
        let ix = xix::auction_settle_expire_with_escrow(
            keeper.pubkey(),
            intent,
            escrow,
            self.requester.pubkey(),
            self.pay,
            self.requester_tokens,
        );
        self.r.svm.send(&[ix], &[&keeper])
    }

    /// Moves the clock to the reveal window of `intent`.
    pub fn to_reveal(&mut self, intent: Pubkey) {
        let end = self.intent_state(intent).commit_end_slot;
        self.warp_to(end);
    }

    /// Moves the clock past every window of `intent`.
    pub fn to_settle(&mut self, intent: Pubkey) {
        let end = self.intent_state(intent).reveal_end_slot;
        self.warp_to(end);
    }

    pub fn warp_to(&mut self, slot: u64) {
        if slot > self.r.slot() {
            self.r.warp(slot - self.r.slot());
        }
    }

    pub fn intent_state(&self, intent: Pubkey) -> Intent {
        let account = self.r.svm.account(&intent).expect("intent account");
        decode_zero_copy::<Intent>(&account.data).expect("decode intent")
    }

    pub fn bid_state(&self, intent: Pubkey, a: &TestAgent) -> Bid {
        let round = self.intent_state(intent).round;
        self.r.svm.decode(&pda::bid(&a.authority.pubkey(), &intent, &a.agent, round))
    }

    pub fn balance(&self, account: &Pubkey) -> u64 {
        token::balance(&self.r.svm, account)
    }

    /// Every payment-mint atom is in a tracked account, and each live intent's escrow holds
    /// exactly what the intent records (an ended intent's open escrow: at least the winner's
    /// claim, the rest being the refund owner's).
    #[track_caller]
    pub fn assert_accounted(&self, intents: &[Pubkey]) {
        let held: u64 = self.pay_accounts.iter().map(|a| self.balance(a)).sum();
        assert_eq!(
            held,
            token::supply(&self.r.svm, &self.pay.mint),
            "payment tokens outside tracked accounts"
        );
        for intent in intents {
            if self.r.svm.opened(intent) {
                let state = self.intent_state(*intent);
                let escrow = state.escrow;
                let ended =
                    agx_sdk::exchange::state::IntentStatus::from_u8(state.status).unwrap().is_terminal();
                match (ended, state.escrow_open == 1) {
                    (false, _) if self.surplus.contains(&escrow) => {
                        assert!(self.balance(&escrow) >= state.escrowed, "escrow short of the recorded")
                    }
                    (false, _) => assert_eq!(self.balance(&escrow), state.escrowed, "escrow != recorded"),
                    (true, true) => {
                        assert!(self.balance(&escrow) >= state.agent_claim, "escrow short of the claim")
                    }
                    (true, false) => assert!(!self.r.svm.opened(&escrow), "ended escrow left open"),
                }
            }
        }
    }
}

/// A budget made in the fixture's payment mint.
pub struct TestBudget {
    pub owner: Keypair,
    /// The owner's payment-mint account (funding comes from it, revokes return to it).
    pub owner_tokens: Pubkey,
    /// The budget's agent (a registry agent's address) and its authority, the spender.
    pub agent: Pubkey,
    pub address: Pubkey,
    pub vault: Pubkey,
}

/// A budget's limits in the fixture: 1,000 atoms per spend, 2,500 in all, 1,000 slots of life.
pub const BUDGET_PER_SPEND: u64 = 1_000;
pub const BUDGET_TOTAL: u64 = 2_500;
pub const BUDGET_LIFE: u64 = 1_000;

impl Market {
    /// The fixture's budget terms (id 0, no allowlist).
    pub fn budget_args(&self) -> agx_sdk::exchange::BudgetCreateArgs {
        agx_sdk::exchange::BudgetCreateArgs {
            budget_id: 0,
            per_spend_cap: BUDGET_PER_SPEND,
            total_cap: BUDGET_TOTAL,
            expiry_slot: self.r.slot() + BUDGET_LIFE,
            allowlist: Vec::new(),
        }
    }

    /// A new owner holding 10,000 atoms, and its `budget_create` of `args` for `agent`, not sent.
    pub fn budget_owner(
        &mut self,
        agent: Pubkey,
        args: agx_sdk::exchange::BudgetCreateArgs,
    ) -> (TestBudget, Instruction) {
        let owner = self.r.svm.funded_keypair();
        let owner_tokens = self.pay_account(owner.pubkey());
        token::mint_to(&mut self.r.svm, self.pay.program, self.pay.mint, owner_tokens, 10_000);
        let address = pda::budget(&owner.pubkey(), &agent, args.budget_id).0;
        let vault = pda::budget_vault(&address).0;
        let ix = xix::budget::create(owner.pubkey(), agent, self.pay, args);
        (TestBudget { owner, owner_tokens, agent, address, vault }, ix)
    }

    /// A budget of `args` for `agent`, created and funded with `funded` atoms by a new owner.
    pub fn budget(
        &mut self,
        agent: Pubkey,
        args: agx_sdk::exchange::BudgetCreateArgs,
        funded: u64,
    ) -> TestBudget {
        let (budget, create) = self.budget_owner(agent, args);
        self.r.svm.send(&[create], &[&budget.owner]).expect("budget_create");
        self.pay_accounts.push(budget.vault);
        if funded > 0 {
            let fund = xix::budget::fund(
                budget.owner.pubkey(),
                budget.address,
                self.pay,
                budget.owner_tokens,
                funded,
            );
            self.r.svm.send(&[fund], &[&budget.owner]).expect("budget_fund");
        }
        budget
    }

    /// `budget_pay` of `amount` by `spender` from `budget` to `recipient` (and the agent it names).
    pub fn budget_pay_ix(
        &self,
        spender: &Keypair,
        budget: &TestBudget,
        recipient: Pubkey,
        recipient_agent: Option<Pubkey>,
        amount: u64,
    ) -> Instruction {
        xix::budget::pay(
            spender.pubkey(),
            budget.agent,
            budget.address,
            self.pay,
            recipient,
            recipient_agent,
            amount,
            [9; 32],
        )
    }

    pub fn budget_state(&self, budget: &TestBudget) -> agx_sdk::exchange::state::Budget {
        self.r.svm.decode(&budget.address)
    }

    /// A coordinator: an agent won a sealed intent of the fixture's requester at 300,000,
    /// promising delivery in [`MAX_LATENCY`] slots, and its owner gave it a budget of
    /// [`BUDGET_TOTAL`] atoms.
    pub fn coordinator(&mut self) -> Coordinator {
        let parent = self.intent(AuctionKind::FirstPriceSealed);
        let (agent, runner_up) = (self.agent(MIN_STAKE), self.agent(MIN_STAKE));
        self.commit_and_reveal(
            parent,
            &[(&agent, opening(300_000, 9_000, MAX_LATENCY)), (&runner_up, opening(800_000, 4_000, 60))],
        );
        self.to_settle(parent);
        self.settle(parent, agent.agent).expect("auction_settle");
        let args = self.budget_args();
        let budget = self.budget(agent.agent, args, BUDGET_TOTAL);
        Coordinator { parent, agent, runner_up, budget }
    }

    /// A lot for a child intent: continuous, [`BUDGET_PER_SPEND`] atoms at most, 5 slots of
    /// bidding, 50 slots of latency.
    pub fn child_args(&mut self) -> IntentCreateArgs {
        let mut args = self.args(AuctionKind::Continuous);
        (args.max_price, args.bid_window_slots, args.max_latency) = (BUDGET_PER_SPEND, 5, 50);
        args
    }

    /// `intent_create_from_budget` of `args` by the coordinator, not sent.
    pub fn child_create_ix(&self, c: &Coordinator, args: IntentCreateArgs) -> Instruction {
        xix::budget::intent_create(
            c.agent.authority.pubkey(),
            c.agent.agent,
            c.budget.address,
            self.pay,
            args,
        )
    }

    /// Posts `args` from the coordinator's budget and links it under the parent, in one
    /// transaction; returns the child's address.
    pub fn post_child(
        &mut self,
        c: &Coordinator,
        args: IntentCreateArgs,
    ) -> Result<Pubkey, Box<litesvm::types::FailedTransactionMetadata>> {
        let child = pda::intent(&c.agent.authority.pubkey(), args.intent_id).0;
        let create = self.child_create_ix(c, args);
        let link = xix::intent_link_parent(c.agent.authority.pubkey(), c.parent, child);
        self.r.svm.send(&[create, link], &[&c.agent.authority]).map_err(Box::new)?;
        self.pay_accounts.push(pda::escrow(&child).0);
        Ok(child)
    }
}

/// An agent holding a job (`parent`) and a budget to subcontract parts of it.
pub struct Coordinator {
    pub parent: Pubkey,
    pub agent: TestAgent,
    /// The parent auction's runner-up (an eligible agent to bid on children).
    pub runner_up: TestAgent,
    pub budget: TestBudget,
}

impl Default for Market {
    fn default() -> Self {
        Self::new()
    }
}
