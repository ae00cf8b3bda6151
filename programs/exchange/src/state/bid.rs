use anchor_lang::prelude::*;

use super::stored_enum::stored_enum;
use crate::error::ExchangeError;

stored_enum! {
    /// Where a bid is in its life (stored as its `u8` in `Bid::status`).
    pub enum BidStatus (unknown: ExchangeError::BidCorrupt) {
        /// Sealed and not opened yet.
        Committed,
        /// Opened (sealed) or placed in the clear (continuous), valid and scored.
        Revealed,
        /// Dropped at settlement because its agent no longer qualified (or its account was gone):
        /// the bond is forfeited to the requester when the bid closes.
        Disqualified,
        /// Held the job (or stood by for it as the Vickrey standby) and failed it: failed over,
        /// declined, or unable to take it over when promoted. The bond is forfeited to the
        /// requester when the bid closes.
        Failed,
    }
}

/// One agent's bid on one intent, at the address of its bidder's authority and the seed
/// `agx_core::address::bid_seed(intent, agent, round)`. Holds the bond in
/// lamports on top of its rent.
///
/// Zero-copy (issue 28): every bid instruction reads or writes it, and Borsh cost ~330 CU to
/// decode and ~400 to write back. `intent` comes first, so an intent's bids are found by a
/// filter at `INTENT_OFFSET` (8); the rest is ordered widest first, with no padding.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Bid {
    pub intent: Pubkey,
    /// The registry agent account that bids.
    pub agent: Pubkey,
    /// The agent's authority: signed the bid, gets rent (and a returned bond) back.
    pub bidder: Pubkey,
    /// sha256 of the opening (`agx_core::commitment`).
    pub commitment: [u8; 32],
    /// Opened values (zero until revealed): the plan's hash, price, latency, quality.
    pub plan_hash: [u8; 32],
    /// Lamports deposited as bond.
    pub bond: u64,
    pub committed_slot: u64,
    pub price: u64,
    pub latency: u64,
    pub quality_bps: u16,
    /// Total score and the reputation it used, bps.
    pub score: u16,
    pub reputation: u16,
    pub version: u8,
    /// Always 0 since layout version 3: a bid's address is `agx_core::address` (its bidder's
    /// authority and a seed), not a PDA. Kept so that the layout did not move.
    pub bump: u8,
    /// `BidStatus`.
    pub status: u8,
    /// The intent's auction round this bid belongs to (in its seeds).
    pub round: u8,
    /// `BidderKind` of `agent`: a registry agent, or a coalition (set when the bid is opened).
    pub bidder_kind: u8,
    pub reserved: [u8; 5],
}

const _: () = assert!(core::mem::size_of::<Bid>() == 208);

/// What the agent a direct hire names takes the job on (`hire_accept`; `hire_from_offer` reads
/// them from a standing offer). The price is the intent's max price, restated so an acceptance
/// cannot be replayed onto other terms.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct HireTerms {
    /// Atoms of the intent's mint: its max price.
    pub price: u64,
    /// Promised quality, bps.
    pub quality_bps: u16,
    /// Promised latency, slots.
    pub latency: u64,
}

/// The opened contents of a bid, as sent by the bidder.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidOpening {
    /// Ask in atoms of the intent's mint.
    pub price: u64,
    /// Promised quality, bps.
    pub quality_bps: u16,
    /// Promised latency, slots.
    pub latency: u64,
    /// sha256 of the off-chain plan.
    pub plan_hash: [u8; 32],
    /// The bidder's secret salt.
    pub salt: [u8; 32],
}

impl BidOpening {
    pub fn core(&self, intent: &Pubkey, agent: &Pubkey) -> agx_core::commitment::BidOpening {
        agx_core::commitment::BidOpening {
            intent: intent.to_bytes(),
            agent: agent.to_bytes(),
            price: self.price,
            quality_bps: self.quality_bps,
            latency: self.latency,
            plan_hash: self.plan_hash,
            salt: self.salt,
        }
    }
}

/// SHA-256 through the `sol_sha256` syscall on-chain.
pub struct SyscallSha256;

impl agx_core::commitment::Sha256 for SyscallSha256 {
    fn sha256(data: &[u8]) -> [u8; 32] {
        solana_sha256_hasher::hashv(&[data]).to_bytes()
    }
}

impl Bid {
    /// Layout version (2: zero-copy, issue 28; 3: at a seeded address, `bump` 0).
    pub const VERSION: u8 = 3;
    /// Account size: discriminator and fields.
    pub const SPACE: usize = 8 + core::mem::size_of::<Bid>();

    /// Where `intent` starts in the account data (after the discriminator): what
    /// `getProgramAccounts` filters an intent's bids on.
    pub const INTENT_OFFSET: usize = 8 + core::mem::offset_of!(Bid, intent);

    /// The bid's status (`BidCorrupt` for a byte no status has).
    pub fn status(&self) -> Result<BidStatus> {
        BidStatus::from_u8(self.status)
    }

    /// Is the bid in `status`?
    pub fn is(&self, status: BidStatus) -> bool {
        self.status == status.to_u8()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &mut self,
        intent: Pubkey,
        agent: Pubkey,
        bidder: Pubkey,
        commitment: [u8; 32],
        round: u8,
        bond: u64,
        now: u64,
    ) {
        self.version = Self::VERSION;
        self.bump = 0;
        self.status = BidStatus::Committed.to_u8();
        self.intent = intent;
        self.agent = agent;
        self.bidder = bidder;
        self.commitment = commitment;
        self.round = round;
        self.bond = bond;
        self.committed_slot = now;
    }

    /// Its agent no longer qualified at settlement: the bond will be forfeited.
    pub fn disqualify(&mut self) -> Result<()> {
        require!(self.is(BidStatus::Revealed), ExchangeError::IntentCorrupt);
        self.status = BidStatus::Disqualified.to_u8();
        Ok(())
    }

    /// It held (or stood by for) the job and failed it: the bond will be forfeited.
    pub fn fail(&mut self) -> Result<()> {
        require!(self.is(BidStatus::Revealed), ExchangeError::IntentCorrupt);
        self.status = BidStatus::Failed.to_u8();
        Ok(())
    }

    /// Lamports of bond (returned to the bidder, forfeited to the requester) when the bid closes:
    /// a bid that was never opened, was disqualified, or failed the job forfeits its bond.
    pub fn bond_split(&self) -> (u64, u64) {
        if self.is(BidStatus::Revealed) {
            (self.bond, 0)
        } else {
            (0, self.bond)
        }
    }

    /// Records the opened values and the score they earned.
    pub fn reveal(&mut self, opening: &BidOpening, score: u16, reputation: u16) -> Result<()> {
        require!(self.is(BidStatus::Committed), ExchangeError::BidAlreadyRevealed);
        self.status = BidStatus::Revealed.to_u8();
        self.price = opening.price;
        self.quality_bps = opening.quality_bps;
        self.latency = opening.latency;
        self.plan_hash = opening.plan_hash;
        self.score = score;
        self.reputation = reputation;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intent_offset_is_where_the_account_holds_the_intent() {
        let intent = Pubkey::new_unique();
        let mut bid: Bid = bytemuck::Zeroable::zeroed();
        bid.intent = intent;
        bid.agent = Pubkey::new_unique();
        let mut data = Bid::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&bid));
        assert_eq!(data.len(), Bid::SPACE);
        assert_eq!(&data[Bid::INTENT_OFFSET..Bid::INTENT_OFFSET + 32], intent.as_ref());
    }

    #[test]
    fn every_status_round_trips_and_an_unknown_byte_is_refused() {
        let mut bid: Bid = bytemuck::Zeroable::zeroed();
        for status in BidStatus::ALL {
            bid.status = status.to_u8();
            assert_eq!(bid.status().unwrap(), *status);
            assert!(bid.is(*status));
        }
        bid.status = BidStatus::ALL.len() as u8;
        bid.bond = 5;
        assert!(bid.status().is_err());
        assert_eq!(bid.bond_split(), (0, 5), "a bid that is not revealed forfeits its bond");
    }
}
