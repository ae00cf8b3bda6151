//! Delivery: the result, its acceptance or dispute, and the escrow's end.
use anchor_lang::prelude::*;

use super::{Intent, IntentStatus};
use crate::error::ExchangeError;

impl Intent {
    /// The winner delivers: `fulfilled_bps` of the job, before the execution deadline.
    pub fn submit(
        &mut self,
        result_hash: [u8; 32],
        fulfilled_bps: u16,
        now: u64,
        dispute_window: u64,
    ) -> Result<()> {
        require!(self.status()? == IntentStatus::Awarded, ExchangeError::ResultNotAwarded);
        require!(now < self.execution_deadline_slot, ExchangeError::ResultDeadlinePassed);
        require!(self.live_children == 0, ExchangeError::ResultChildrenLive);
        require!(self.parts_all_done(), ExchangeError::CoalitionPartsNotDone);
        require!(
            fulfilled_bps > 0 && fulfilled_bps <= agx_core::BPS_DENOMINATOR,
            ExchangeError::ResultFulfilledOutOfRange
        );
        self.status = IntentStatus::Submitted.to_u8();
        // The board is frozen since the award, with the winner at its head.
        let promised_by = self.ranked().first().map(|head| self.award_slot.saturating_add(head.latency));
        self.submitted_late = u8::from(promised_by.is_some_and(|by| now > by));
        self.result_hash = result_hash;
        self.fulfilled_bps = fulfilled_bps;
        self.dispute_end_slot =
            now.checked_add(dispute_window).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// The job ends as delivered: the escrow splits pro rata to fulfilment (`agx_core::payment`).
    /// The requester accepts a submitted result (or a result it disputed: accepting withdraws the
    /// dispute); anyone else (`finalizing`) only from `dispute_end_slot` on, which a dispute
    /// pushes to the end of the arbitrator's window.
    pub fn complete(&mut self, now: u64, finalizing: bool) -> Result<agx_core::payment::Split> {
        let status = self.status()?;
        require!(
            matches!(status, IntentStatus::Submitted | IntentStatus::Disputed),
            ExchangeError::ResultNotSubmitted
        );
        if finalizing {
            require!(now >= self.dispute_end_slot, ExchangeError::FinalizeTooEarly);
        }
        let fulfilled =
            agx_core::Bps::new(self.fulfilled_bps).map_err(|_| error!(ExchangeError::IntentCorrupt))?;
        self.settle(fulfilled)
    }

    /// The requester disputes the submitted result within the dispute window; the arbitrator has
    /// `arbitration_window` slots to resolve it.
    pub fn open_dispute(&mut self, reason_hash: [u8; 32], now: u64, arbitration_window: u64) -> Result<()> {
        require!(self.status()? == IntentStatus::Submitted, ExchangeError::DisputeNotSubmitted);
        require!(now < self.dispute_end_slot, ExchangeError::DisputeWindowClosed);
        self.status = IntentStatus::Disputed.to_u8();
        self.dispute_reason_hash = reason_hash;
        self.dispute_opened_slot = now;
        self.dispute_end_slot =
            now.checked_add(arbitration_window).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        Ok(())
    }

    /// The arbitrator decides: the agent gets `agent_share` of its payment, the rest of the
    /// escrow goes back (`agx_core::payment::split`, as for a partial fulfilment).
    pub fn resolve_dispute(&mut self, agent_share: agx_core::Bps) -> Result<agx_core::payment::Split> {
        require!(self.status()? == IntentStatus::Disputed, ExchangeError::DisputeNotOpen);
        self.settle(agent_share)
    }

    fn settle(&mut self, share: agx_core::Bps) -> Result<agx_core::payment::Split> {
        let split = agx_core::payment::split(
            agx_core::TokenAtoms(self.escrowed),
            agx_core::TokenAtoms(self.payment),
            share,
        )
        .map_err(|_| error!(ExchangeError::AuctionPaymentOutOfBounds))?;
        self.status = IntentStatus::Completed.to_u8();
        self.escrowed = 0;
        Ok(split)
    }

    /// A terminal intent whose bids are all closed and whose escrow is paid out may close (rent
    /// to the requester): expired, completed or failed (a cancelled intent closes at once).
    pub fn require_closable(&self) -> Result<()> {
        let status = self.status()?;
        require!(
            matches!(status, IntentStatus::Expired | IntentStatus::Completed | IntentStatus::Failed),
            ExchangeError::IntentNotClosable
        );
        require!(self.bids_open == 0, ExchangeError::IntentHasOpenBids);
        require!(self.escrow_open == 0, ExchangeError::IntentClaimsPending);
        Ok(())
    }

    /// A terminal path paid out of the escrow: `agent_claim` atoms stay owed to the winner, and
    /// the escrow stays open (`closed` false) while anything in it is owed to anyone.
    pub fn record_escrow_end(&mut self, agent_claim: u64, closed: bool) -> Result<()> {
        require!(self.status()?.is_terminal(), ExchangeError::IntentCorrupt);
        self.agent_claim = agent_claim;
        self.escrow_open = u8::from(!closed);
        Ok(())
    }

    /// `escrow_claim`: the intent has ended with something left in its escrow
    /// (`EscrowNothingToClaim` otherwise).
    pub fn require_claimable(&self) -> Result<()> {
        require!(self.status()?.is_terminal() && self.escrow_open == 1, ExchangeError::EscrowNothingToClaim);
        Ok(())
    }
}
