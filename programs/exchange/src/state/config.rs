use anchor_lang::prelude::*;

use crate::error::ExchangeError;

/// The exchange's global settings. One per deployment, at PDA `[seeds::CONFIG]`.
///
/// Zero-copy (issue 28): nearly every instruction reads it, and decoding it with Borsh cost
/// ~730 CU each time; `AccountLoader::load` checks the discriminator and casts in place. Fields
/// are ordered widest first so that `repr(C)` needs no padding; they are only appended, into
/// `reserved`.
#[account(zero_copy)]
#[derive(Debug)]
pub struct ExchangeConfig {
    /// Slots during which off-board bids may be re-ranked (`bid_rerank`) after settlement drops a
    /// disqualified head or runner-up; no award or expiry before the window closes.
    pub rerank_window_slots: u64,
    /// Lamports every bid must bond at least (an intent's `bid_bond` may be higher), so that not
    /// revealing, or being a disqualified head or standby, always costs something.
    pub min_bid_bond: u64,
    /// Slots a winner gets beyond its promised latency to submit its result.
    pub execution_grace_slots: u64,
    /// Slots after a submission during which only the requester may accept (or dispute); then
    /// anyone may finalize.
    pub dispute_window_slots: u64,
    /// Slots the arbitrator has to resolve a dispute; after them anyone may finalize the result
    /// as if undisputed.
    pub arbitration_window_slots: u64,
    /// Windows of a re-auction after every failover candidate failed: bids (commits), and
    /// reveals for sealed auctions. Short: the job is already late.
    pub reauction_bid_window_slots: u64,
    pub reauction_reveal_window_slots: u64,
    /// The agent's right of reply (issue 25): slots an agent rated below its promised quality
    /// has to contest the rating (`rating_contest`), and each judge (evaluator, then arbitrator)
    /// to decide it; 0 turns replies off.
    pub reply_window_slots: u64,
    /// Lamports an agent bonds to contest a rating: back to it if the rating is corrected, to
    /// the requester if it is upheld.
    pub reply_bond: u64,
    /// Who may change these settings.
    pub admin: Pubkey,
    /// Proposed by the admin (`admin_propose`), becomes admin when it signs `admin_accept`;
    /// the default key when none is pending.
    pub pending_admin: Pubkey,
    /// Mints with a freeze authority that intents may still use (e.g. a named stablecoin);
    /// unused slots are the default key.
    pub freezable_mints: [Pubkey; MAX_FREEZABLE_MINTS],
    /// Who resolves disputes (`dispute_resolve`); the default key: no disputes (results are
    /// accepted or finalized).
    pub arbitrator: Pubkey,
    /// Mints whose paid value moves reputation, each with its weight in bps (value counted =
    /// atoms paid x weight / 10,000, so mints of different decimals or worth compare); unused
    /// slots are the default key. A job paid in any other mint moves no reputation, so an agent
    /// cannot raise its standing by paying itself in a worthless token.
    pub reputation_mints: [ReputationMintSlot; MAX_REPUTATION_MINTS],
    /// The rating an optimistic finalize records, bps.
    pub neutral_rating_bps: u16,
    /// Share of the stake held for a job that a failover slashes from the failed winner, bps.
    pub failover_slash_bps: u16,
    /// Share of a failover's slash paid to whoever cranked it, bps (the rest compensates the
    /// requester).
    pub failover_reward_bps: u16,
    /// Share of the held stake slashed when a winner gives the job up itself (`award_decline`),
    /// bps; at most `failover_slash_bps`.
    pub decline_slash_bps: u16,
    /// Share of every payout in a reputation-bearing mint that goes to the exchange's fee vault
    /// (the exchange authority's token account of that mint), bps. What makes bought reputation
    /// cost something: an operator paying its own agent pays this on every atom of value.
    pub reputation_fee_bps: u16,
    /// Probation (issue 25): a newcomer (fewer than `probation_max_completed` completed jobs, no
    /// failure, no slash) below an intent's minimum reputation may bid with this many times the
    /// intent's bid bond (`agx_core::eligibility::Probation`); 0: no probation.
    pub probation_bond_multiplier: u16,
    pub probation_max_completed: u16,
    /// Layout version; 0 means "not initialised yet".
    pub version: u8,
    /// Bump of the config PDA, stored so later instructions never search for it.
    pub bump: u8,
    /// Bump of the exchange authority PDA (`[seeds::AUTHORITY]`), the CPI signer towards the registry.
    pub authority_bump: u8,
    /// 1 stops new intents and new bids; never reveals, settlement, refunds or closes.
    pub paused: u8,
    /// Room to grow without a migration.
    pub reserved: [u8; 14],
}

const _: () = assert!(core::mem::size_of::<ExchangeConfig>() == 464);

/// A reputation-bearing mint as the config stores it (`ReputationMint` is the setting).
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReputationMintSlot {
    pub mint: Pubkey,
    /// bps of each paid atom that counts as reputation value.
    pub weight_bps: u16,
}

impl From<ReputationMintSlot> for ReputationMint {
    fn from(slot: ReputationMintSlot) -> Self {
        ReputationMint { mint: slot.mint, weight_bps: slot.weight_bps }
    }
}

impl From<&ReputationMint> for ReputationMintSlot {
    fn from(setting: &ReputationMint) -> Self {
        ReputationMintSlot { mint: setting.mint, weight_bps: setting.weight_bps }
    }
}

/// A mint whose paid value counts for reputation, and how much.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct ReputationMint {
    pub mint: Pubkey,
    /// bps of each paid atom that counts as reputation value.
    pub weight_bps: u16,
}

/// Most reputation-bearing mints the config can list.
pub const MAX_REPUTATION_MINTS: usize = 4;

/// The settings the admin chooses, at `config_init` and (replacing them all) at
/// `config_update`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct ExchangeSettings {
    pub rerank_window_slots: u64,
    /// Lamports.
    pub min_bid_bond: u64,
    /// At most 4.
    pub freezable_mints: Vec<Pubkey>,
    pub paused: bool,
    /// Slots.
    pub execution_grace_slots: u64,
    /// Slots; at least 1.
    pub dispute_window_slots: u64,
    /// bps; at most 10,000.
    pub neutral_rating_bps: u16,
    /// At most 4; weights at most 10,000 bps.
    pub reputation_mints: Vec<ReputationMint>,
    /// The default key: no disputes.
    pub arbitrator: Pubkey,
    /// Slots; at least 1.
    pub arbitration_window_slots: u64,
    /// bps of the held stake.
    pub failover_slash_bps: u16,
    /// bps of the slash.
    pub failover_reward_bps: u16,
    /// bps of the held stake; at most `failover_slash_bps`.
    pub decline_slash_bps: u16,
    /// Slots; at least 1.
    pub reauction_bid_window_slots: u64,
    /// Slots (sealed auctions); at least 1.
    pub reauction_reveal_window_slots: u64,
    /// bps of each reputation-bearing payout; at most 10,000.
    pub reputation_fee_bps: u16,
    /// Times the intent's bid bond a newcomer bids with on probation; 0 (off) to 100.
    pub probation_bond_multiplier: u16,
    /// Completed jobs below which an agent with no failure is a newcomer.
    pub probation_max_completed: u16,
    /// Slots; 0 turns replies off.
    pub reply_window_slots: u64,
    /// Lamports.
    pub reply_bond: u64,
}

/// The bond `agx init` and the test fixtures require at least: 0.001 SOL.
pub const DEFAULT_MIN_BID_BOND: u64 = 1_000_000;
/// Grace beyond the promised latency: 150 slots, about a minute.
pub const DEFAULT_EXECUTION_GRACE_SLOTS: u64 = 150;
/// Dispute window: 9,000 slots, about an hour.
pub const DEFAULT_DISPUTE_WINDOW_SLOTS: u64 = 9_000;
/// An unrated (finalized) job counts as average work.
pub const DEFAULT_NEUTRAL_RATING_BPS: u16 = 5_000;
/// The arbitrator's window: 27,000 slots, about three hours.
pub const DEFAULT_ARBITRATION_WINDOW_SLOTS: u64 = 27_000;
/// A failed winner loses half the stake held for its job...
pub const DEFAULT_FAILOVER_SLASH_BPS: u16 = 5_000;
/// ...of which a tenth pays the keeper that cranked the failover.
pub const DEFAULT_FAILOVER_REWARD_BPS: u16 = 1_000;
/// Giving a job up early costs a fifth of the held stake.
pub const DEFAULT_DECLINE_SLASH_BPS: u16 = 2_000;
/// Reputation-bearing payouts pay 2% to the exchange (`docs/exchange.md`: what it makes
/// self-dealt reputation cost).
pub const DEFAULT_REPUTATION_FEE_BPS: u16 = 200;
/// Newcomers bid on probation with 5 times the bid bond, until their third completed job (and
/// never after a failure).
pub const DEFAULT_PROBATION_BOND_MULTIPLIER: u16 = 5;
pub const DEFAULT_PROBATION_MAX_COMPLETED: u16 = 3;
/// An agent has an hour (9,000 slots) to reply to a low rating, and each judge as long to
/// decide...
pub const DEFAULT_REPLY_WINDOW_SLOTS: u64 = 9_000;
/// ...and bonds 0.01 SOL to reply.
pub const DEFAULT_REPLY_BOND: u64 = 10_000_000;
/// Largest probation multiplier the config may set.
pub const MAX_PROBATION_BOND_MULTIPLIER: u16 = 100;
/// Longest window the config may set (grace, dispute, arbitration, re-rank, re-auction), in
/// slots: 10,000,000, about 46 days. Bounded so that no deadline computed from one overflows.
pub const MAX_CONFIG_WINDOW_SLOTS: u64 = 10_000_000;
/// A re-auction takes bids for 10 slots (about 4 s)...
pub const DEFAULT_REAUCTION_BID_WINDOW_SLOTS: u64 = 10;
/// ...and reveals for 10 more.
pub const DEFAULT_REAUCTION_REVEAL_WINDOW_SLOTS: u64 = 10;

/// A re-rank window long enough for bidders (or keepers) watching the chain to react: 20 slots,
/// about 8 s. The value `agx init` and the test fixtures use.
pub const DEFAULT_RERANK_WINDOW_SLOTS: u64 = 20;

/// Most mints with a freeze authority the config can allow.
pub const MAX_FREEZABLE_MINTS: usize = 4;

impl ExchangeConfig {
    /// Current layout version (3: zero-copy, issue 28).
    pub const VERSION: u8 = 3;
    /// Account size: discriminator and fields.
    pub const SPACE: usize = 8 + core::mem::size_of::<ExchangeConfig>();

    /// Fills a fresh config. The caller has checked that it was not initialised before.
    pub fn initialize(
        &mut self,
        admin: Pubkey,
        settings: &ExchangeSettings,
        bump: u8,
        authority_bump: u8,
    ) -> Result<()> {
        self.version = Self::VERSION;
        self.bump = bump;
        self.authority_bump = authority_bump;
        self.admin = admin;
        self.pending_admin = Pubkey::default();
        self.reserved = [0; 14];
        self.apply(settings)
    }

    /// Replaces every admin-chosen setting.
    pub fn apply(&mut self, settings: &ExchangeSettings) -> Result<()> {
        let mints = &settings.freezable_mints;
        require!(mints.len() <= MAX_FREEZABLE_MINTS, ExchangeError::ConfigTooManyFreezableMints);
        self.rerank_window_slots = settings.rerank_window_slots;
        self.min_bid_bond = settings.min_bid_bond;
        self.freezable_mints = [Pubkey::default(); MAX_FREEZABLE_MINTS];
        self.freezable_mints[..mints.len()].copy_from_slice(mints);
        self.paused = u8::from(settings.paused);
        self.execution_grace_slots = settings.execution_grace_slots;
        self.dispute_window_slots = settings.dispute_window_slots;
        self.neutral_rating_bps = settings.neutral_rating_bps;
        let counted = &settings.reputation_mints;
        require!(
            counted.len() <= MAX_REPUTATION_MINTS
                && counted.iter().all(|m| m.weight_bps <= agx_core::BPS_DENOMINATOR),
            ExchangeError::ConfigReputationMintsInvalid
        );
        self.reputation_mints = [ReputationMintSlot::default(); MAX_REPUTATION_MINTS];
        for (slot, setting) in self.reputation_mints.iter_mut().zip(counted) {
            *slot = setting.into();
        }
        self.arbitrator = settings.arbitrator;
        self.arbitration_window_slots = settings.arbitration_window_slots;
        self.failover_slash_bps = settings.failover_slash_bps;
        self.failover_reward_bps = settings.failover_reward_bps;
        self.decline_slash_bps = settings.decline_slash_bps;
        self.reauction_bid_window_slots = settings.reauction_bid_window_slots;
        self.reauction_reveal_window_slots = settings.reauction_reveal_window_slots;
        self.reputation_fee_bps = settings.reputation_fee_bps;
        self.probation_bond_multiplier = settings.probation_bond_multiplier;
        self.probation_max_completed = settings.probation_max_completed;
        self.reply_window_slots = settings.reply_window_slots;
        self.reply_bond = settings.reply_bond;
        Ok(())
    }

    /// The probation newcomers bid under (`agx_core::eligibility::Probation`).
    pub fn probation(&self) -> agx_core::eligibility::Probation {
        agx_core::eligibility::Probation {
            bond_multiplier: self.probation_bond_multiplier,
            max_completed: self.probation_max_completed,
        }
    }

    /// Is `mint` reputation-bearing (listed with a positive weight)?
    pub fn bears_reputation(&self, mint: &Pubkey) -> bool {
        *mint != Pubkey::default()
            && self.reputation_mints.iter().any(|m| m.mint == *mint && m.weight_bps > 0)
    }

    /// The reputation fee on `paid` atoms of `mint`: `reputation_fee_bps` of them (rounded down)
    /// when the mint is reputation-bearing, else 0.
    pub fn reputation_fee(&self, mint: &Pubkey, paid: u64) -> Result<u64> {
        if !self.bears_reputation(mint) {
            return Ok(0);
        }
        let fee = agx_core::Bps::new(self.reputation_fee_bps)
            .map_err(|_| error!(ExchangeError::ConfigReputationFeeInvalid))?;
        agx_core::TokenAtoms(paid)
            .mul_bps_floor(fee)
            .map(|v| v.0)
            .map_err(|_| error!(ExchangeError::ArithmeticOverflow))
    }

    /// The reputation value of `paid` atoms of `mint`: weighted when the mint is listed, 0 when not.
    pub fn reputation_value(&self, mint: &Pubkey, paid: u64) -> Result<u64> {
        let Some(entry) =
            self.reputation_mints.iter().find(|m| m.mint == *mint && *mint != Pubkey::default())
        else {
            return Ok(0);
        };
        let weight = agx_core::Bps::new(entry.weight_bps)
            .map_err(|_| error!(ExchangeError::ConfigReputationMintsInvalid))?;
        agx_core::TokenAtoms(paid)
            .mul_bps_floor(weight)
            .map(|v| v.0)
            .map_err(|_| error!(ExchangeError::ArithmeticOverflow))
    }

    /// The admin names its successor; it takes over only by signing `admin_accept`.
    pub fn propose_admin(&mut self, candidate: Pubkey) -> Result<()> {
        require_keys_neq!(candidate, Pubkey::default(), ExchangeError::ConfigAdminIsDefault);
        self.pending_admin = candidate;
        Ok(())
    }

    /// The pending admin takes over.
    pub fn accept_admin(&mut self, signer: Pubkey) -> Result<()> {
        require!(
            self.pending_admin != Pubkey::default() && signer == self.pending_admin,
            ExchangeError::ConfigNotPendingAdmin
        );
        self.admin = core::mem::take(&mut self.pending_admin);
        Ok(())
    }

    /// New intents and bids are refused while paused.
    pub fn require_not_paused(&self) -> Result<()> {
        require!(!self.is_paused(), ExchangeError::ExchangePaused);
        Ok(())
    }

    /// Are new intents and bids refused?
    pub fn is_paused(&self) -> bool {
        self.paused != 0
    }

    /// May intents use `mint` although it has a freeze authority?
    pub fn allows_freezable(&self, mint: &Pubkey) -> bool {
        *mint != Pubkey::default() && self.freezable_mints.contains(mint)
    }

    /// Must hold after every mutation; instructions call it before returning.
    pub fn invariant(&self) -> Result<()> {
        require_eq!(self.version, Self::VERSION, ExchangeError::ConfigVersionUnknown);
        require_keys_neq!(self.admin, Pubkey::default(), ExchangeError::ConfigAdminIsDefault);
        require_gt!(self.rerank_window_slots, 0, ExchangeError::ConfigRerankWindowZero);
        require!(
            self.dispute_window_slots > 0 && self.neutral_rating_bps <= agx_core::BPS_DENOMINATOR,
            ExchangeError::ConfigDeliveryParamsInvalid
        );
        let whole = agx_core::BPS_DENOMINATOR;
        require!(
            self.arbitration_window_slots > 0
                && self.failover_slash_bps <= whole
                && self.failover_reward_bps <= whole
                && self.decline_slash_bps <= self.failover_slash_bps
                && self.reauction_bid_window_slots > 0
                && self.reauction_reveal_window_slots > 0,
            ExchangeError::ConfigFailoverParamsInvalid
        );
        require!(
            self.reputation_fee_bps <= agx_core::BPS_DENOMINATOR,
            ExchangeError::ConfigReputationFeeInvalid
        );
        require!(
            self.probation_bond_multiplier <= MAX_PROBATION_BOND_MULTIPLIER,
            ExchangeError::ConfigProbationInvalid
        );
        let windows = [
            self.rerank_window_slots,
            self.execution_grace_slots,
            self.dispute_window_slots,
            self.arbitration_window_slots,
            self.reauction_bid_window_slots,
            self.reauction_reveal_window_slots,
            self.reply_window_slots,
        ];
        require!(windows.iter().all(|w| *w <= MAX_CONFIG_WINDOW_SLOTS), ExchangeError::ConfigWindowTooLong);
        Ok(())
    }
}
