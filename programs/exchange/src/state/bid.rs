use anchor_lang::prelude::*;

use crate::error::ExchangeError;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, InitSpace, Debug)]
pub enum BidStatus {
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

/// One agent's bid on one intent, at PDA `[seeds::BID, intent, agent, round]`. Holds the bond in
/// lamports on top of its rent.
#[account]
#[derive(InitSpace, Debug)]
pub struct Bid {
    pub version: u8,
    pub bump: u8,
    pub status: BidStatus,
    /// The intent's auction round this bid belongs to (in its seeds).
    pub round: u8,
    pub intent: Pubkey,
    /// The registry agent account that bids.
    pub agent: Pubkey,
    /// The agent's authority: signed the bid, gets rent (and a returned bond) back.
    pub bidder: Pubkey,
    /// sha256 of the opening (`agx_core::commitment`).
    pub commitment: [u8; 32],
    /// Lamports deposited as bond.
    pub bond: u64,
    pub committed_slot: u64,
    /// Opened values (zero until revealed).
    pub price: u64,
    pub quality_bps: u16,
    pub latency: u64,
    pub plan_hash: [u8; 32],
    /// Total score and the reputation it used, bps.
    pub score: u16,
    pub reputation: u16,
    /// `BidderKind` of `agent`: a registry agent, or a coalition (set when the bid is opened).
    pub bidder_kind: u8,
}

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
    pub const VERSION: u8 = 1;

    /// Where `intent` starts in the account data (discriminator, version, bump, status, round):
    /// what `getProgramAccounts` filters an intent's bids on. `Bid` is Borsh, not `repr(C)`, so
    /// `offset_of!` would give the in-memory offset; a test pins this one against the encoding.
    pub const INTENT_OFFSET: usize = 8 + 1 + 1 + 1 + 1;

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
        bump: u8,
    ) {
        self.version = Self::VERSION;
        self.bump = bump;
        self.status = BidStatus::Committed;
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
        require!(self.status == BidStatus::Revealed, ExchangeError::IntentCorrupt);
        self.status = BidStatus::Disqualified;
        Ok(())
    }

    /// It held (or stood by for) the job and failed it: the bond will be forfeited.
    pub fn fail(&mut self) -> Result<()> {
        require!(self.status == BidStatus::Revealed, ExchangeError::IntentCorrupt);
        self.status = BidStatus::Failed;
        Ok(())
    }

    /// Lamports of bond (returned to the bidder, forfeited to the requester) when the bid closes:
    /// a bid that was never opened, was disqualified, or failed the job forfeits its bond.
    pub fn bond_split(&self) -> (u64, u64) {
        match self.status {
            BidStatus::Revealed => (self.bond, 0),
            BidStatus::Committed | BidStatus::Disqualified | BidStatus::Failed => (0, self.bond),
        }
    }

    /// Records the opened values and the score they earned.
    pub fn reveal(&mut self, opening: &BidOpening, score: u16, reputation: u16) -> Result<()> {
        require!(self.status == BidStatus::Committed, ExchangeError::BidAlreadyRevealed);
        self.status = BidStatus::Revealed;
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
    use anchor_lang::{AccountSerialize, Discriminator};

    use super::*;

    #[test]
    fn the_intent_offset_is_where_the_encoding_puts_the_intent() {
        let intent = Pubkey::new_unique();
        let bid = Bid {
            version: Bid::VERSION,
            bump: 254,
            status: BidStatus::Failed,
            round: 3,
            intent,
            agent: Pubkey::new_unique(),
            bidder: Pubkey::new_unique(),
            commitment: [7; 32],
            bond: 1,
            committed_slot: 2,
            price: 3,
            quality_bps: 4,
            latency: 5,
            plan_hash: [8; 32],
            score: 6,
            reputation: 7,
            bidder_kind: 1,
        };
        let mut data = Vec::new();
        bid.try_serialize(&mut data).unwrap();
        assert_eq!(&data[..8], Bid::DISCRIMINATOR);
        assert_eq!(&data[Bid::INTENT_OFFSET..Bid::INTENT_OFFSET + 32], intent.as_ref());
    }
}
