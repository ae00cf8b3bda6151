//! A coalition: registry agents that bid, deliver, get paid and fail as one (seed 002). The
//! rules on its terms, its eligibility, its reputation, its payout split and its slashes are
//! `agx_core::coalition`'s; this is the account and its state machine.
use agx_core::coalition::{check_terms, MemberTerms, TermsRule, MAX_MEMBERS};
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::state::SyscallSha256;

/// One member's terms.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CoalitionMember {
    /// Registry agent address.
    pub agent: Pubkey,
    /// sha256 of the member's part of the plan.
    pub role_hash: [u8; 32],
    /// Stake atoms locked for the coalition's job on award.
    pub contribution: u64,
    /// Profit share, bps (the members' sum to 10,000).
    pub share_bps: u16,
    /// Place in the execution sequence, `0..member_count`.
    pub position: u8,
    pub padding: [u8; 5],
    /// The key that signed the current terms for the member (its agent's authority then; default
    /// while unsigned): the coalition's payouts pay the member into an account of this key.
    pub signer: Pubkey,
}

impl CoalitionMember {
    pub fn terms(&self) -> MemberTerms {
        MemberTerms {
            agent: self.agent.to_bytes(),
            share_bps: self.share_bps,
            contribution: self.contribution,
            role_hash: self.role_hash,
            position: self.position,
        }
    }
}

/// A coalition at PDA `[seeds::COALITION, lead, coalition_id]`, zero-copy (read on every bid
/// it makes). Member 0 is the lead; `authority` (the lead's authority at creation) changes the
/// terms and dissolves it, and gets the rent back. Each member signs the exact terms
/// (`terms_hash`); a member that signed is engaged in the registry (it cannot close its agent)
/// until it leaves, the terms change or the coalition dissolves.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Coalition {
    /// The lead agent (member 0).
    pub lead: Pubkey,
    pub authority: Pubkey,
    /// `agx_core::coalition::terms_hash` of the current terms for this coalition's address.
    pub terms_hash: [u8; 32],
    /// Entries from `member_count` on are zero.
    pub members: [CoalitionMember; MAX_MEMBERS],
    pub coalition_id: u64,
    /// Bid accounts of the coalition open at the exchange (its bids and the jobs it holds): while
    /// any is, no member leaves, the terms do not change and the coalition does not dissolve.
    pub open_bids: u32,
    /// Bumped at every change of terms.
    pub terms_version: u32,
    pub version: u8,
    pub bump: u8,
    pub member_count: u8,
    /// Bit `i`: member `i` signed the current terms.
    pub accepted: u8,
    pub reserved: [u8; 68],
}

const _: () = assert!(core::mem::size_of::<CoalitionMember>() == 112);
const _: () = assert!(core::mem::size_of::<Coalition>() == 1080);

impl From<TermsRule> for ExchangeError {
    fn from(rule: TermsRule) -> Self {
        match rule {
            TermsRule::MemberCount => ExchangeError::CoalitionMemberCount,
            TermsRule::SharesNot10000 => ExchangeError::CoalitionSharesNot10000,
            TermsRule::MemberRepeated => ExchangeError::CoalitionMemberRepeated,
            TermsRule::PositionsNotASequence => ExchangeError::CoalitionPositionsInvalid,
        }
    }
}

impl Coalition {
    pub const VERSION: u8 = 1;
    pub const SPACE: usize = 8 + core::mem::size_of::<Coalition>();

    /// The members, as many as there are.
    pub fn members(&self) -> &[CoalitionMember] {
        let count = usize::from(self.member_count).min(MAX_MEMBERS);
        &self.members[..count]
    }

    /// Each member's terms, as `agx_core` reads them.
    pub fn terms(&self) -> ([MemberTerms; MAX_MEMBERS], usize) {
        let mut out = [MemberTerms::default(); MAX_MEMBERS];
        let members = self.members();
        out.iter_mut().zip(members).for_each(|(slot, m)| *slot = m.terms());
        (out, members.len())
    }

    /// Replaces the terms with `members` (the lead first) for the coalition at `key`: checked by
    /// `agx_core::coalition::check_terms`, hashed, every signature voided.
    pub fn set_terms(&mut self, key: &Pubkey, members: &[CoalitionMember]) -> Result<()> {
        require!((1..=MAX_MEMBERS).contains(&members.len()), ExchangeError::CoalitionMemberCount);
        require!(members[0].agent == self.lead, ExchangeError::CoalitionLeadNotFirst);
        let mut terms = [MemberTerms::default(); MAX_MEMBERS];
        terms.iter_mut().zip(members).for_each(|(slot, m)| *slot = m.terms());
        let terms = &terms[..members.len()];
        check_terms(terms).map_err(|rule| error!(ExchangeError::from(rule)))?;
        self.members = [CoalitionMember::default(); MAX_MEMBERS];
        self.members.iter_mut().zip(members).for_each(|(slot, m)| {
            *slot = CoalitionMember { padding: [0; 5], signer: Pubkey::default(), ..*m };
        });
        self.member_count =
            u8::try_from(members.len()).map_err(|_| error!(ExchangeError::CoalitionMemberCount))?;
        self.terms_hash = agx_core::coalition::terms_hash::<SyscallSha256>(&key.to_bytes(), terms);
        self.terms_version =
            self.terms_version.checked_add(1).ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        self.accepted = 0;
        Ok(())
    }

    /// The index of `agent` among the members (`CoalitionNotMember`).
    pub fn member_index(&self, agent: &Pubkey) -> Result<usize> {
        self.members()
            .iter()
            .position(|m| m.agent == *agent)
            .ok_or_else(|| error!(ExchangeError::CoalitionNotMember))
    }

    pub fn has_accepted(&self, index: usize) -> bool {
        index < MAX_MEMBERS && self.accepted >> index & 1 == 1
    }

    /// Member `index` signs `signed` with the key `signer` (`CoalitionTermsChanged` unless it is
    /// the current terms' hash; `CoalitionAlreadyAccepted` if it signed them already).
    pub fn accept(&mut self, index: usize, signed: &[u8; 32], signer: Pubkey) -> Result<()> {
        require!(*signed == self.terms_hash, ExchangeError::CoalitionTermsChanged);
        require!(!self.has_accepted(index), ExchangeError::CoalitionAlreadyAccepted);
        let member = self
            .members
            .get_mut(index)
            .filter(|_| index < usize::from(self.member_count))
            .ok_or_else(|| error!(ExchangeError::CoalitionNotMember))?;
        member.signer = signer;
        self.accepted |= 1 << index;
        Ok(())
    }

    /// Member `index` withdraws its signature (`CoalitionNotAccepted` if it gave none).
    pub fn leave(&mut self, index: usize) -> Result<()> {
        self.require_idle()?;
        require!(self.has_accepted(index), ExchangeError::CoalitionNotAccepted);
        self.accepted &= !(1 << index);
        if let Some(member) = self.members.get_mut(index) {
            member.signer = Pubkey::default();
        }
        Ok(())
    }

    /// No bid or job of the coalition is open (`CoalitionBusy`).
    pub fn require_idle(&self) -> Result<()> {
        require!(self.open_bids == 0, ExchangeError::CoalitionBusy);
        Ok(())
    }

    /// Every member signed the current terms: the coalition may bid.
    pub fn is_ready(&self) -> bool {
        let all = (1u16 << self.member_count).saturating_sub(1);
        self.member_count > 0 && u16::from(self.accepted) == all
    }

    /// The agents that signed the current terms, in member order, but `except` (indexes).
    pub fn signed_agents(&self, except: Option<usize>) -> impl Iterator<Item = Pubkey> + '_ {
        self.members()
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.has_accepted(*i) && Some(*i) != except)
            .map(|(_, m)| m.agent)
    }

    /// Must hold after every mutation.
    pub fn invariant(&self) -> Result<()> {
        require!(self.version == Self::VERSION, ExchangeError::CoalitionCorrupt);
        let count = usize::from(self.member_count);
        require!((1..=MAX_MEMBERS).contains(&count), ExchangeError::CoalitionCorrupt);
        require!(self.members[0].agent == self.lead, ExchangeError::CoalitionCorrupt);
        require!(u16::from(self.accepted) >> count == 0, ExchangeError::CoalitionCorrupt);
        require!(
            self.members[count..].iter().all(|m| *m == CoalitionMember::default()),
            ExchangeError::CoalitionCorrupt
        );
        require!(
            self.members()
                .iter()
                .enumerate()
                .all(|(i, m)| self.has_accepted(i) == (m.signer != Pubkey::default())),
            ExchangeError::CoalitionCorrupt
        );
        let (terms, len) = self.terms();
        check_terms(&terms[..len]).map_err(|_| error!(ExchangeError::CoalitionCorrupt))?;
        Ok(())
    }
}
