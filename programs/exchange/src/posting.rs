//! Posting an intent, whichever pays its escrow (the requester's wallet in `intent_create`, a
//! budget in `intent_create_from_budget`): the checks before any token moves, the requester's
//! record of intent ids, the intent account itself, its first state and its event.
use anchor_lang::prelude::*;
use anchor_lang::system_program;

use crate::error::ExchangeError;
use crate::events::IntentCreated;
use crate::instructions::intent_create::{IntentCreateArgs, Placement};
use crate::seeds;
use crate::state::{ExchangeConfig, Intent, RequesterState};

/// The accounts every post writes: the paying requester, its record, the intent.
pub struct Poster<'a, 'info> {
    pub requester: &'a AccountInfo<'info>,
    pub requester_state: &'a AccountInfo<'info>,
    pub intent: &'a AccountInfo<'info>,
    pub system_program: &'a AccountInfo<'info>,
}

impl<'info> Poster<'_, 'info> {
    /// Everything checked before a token moves (the escrow may exist already: see its
    /// `init_if_needed`): the intent address is free, the exchange not paused, the bid bond at
    /// least the config's, the intent id new (taken here).
    pub fn open(&self, config: &ExchangeConfig, args: &IntentCreateArgs) -> Result<()> {
        require!(
            self.intent.owner == &system_program::ID && self.intent.data_is_empty(),
            ExchangeError::IntentAlreadyExists
        );
        config.require_not_paused()?;
        require_gte!(args.bid_bond, config.min_bid_bond, ExchangeError::IntentBidBondBelowMinimum);
        self.take_intent_id(args.intent_id)
    }

    /// Creates the intent account at `placement` (rent and tip pool from the requester), fills
    /// it with `args` and emits `IntentCreated`; the escrow already holds the max price.
    pub fn write(&self, args: &IntentCreateArgs, placement: &Placement) -> Result<()> {
        let tip_pool = Intent::tip_pool_for(args.tip_per_crank, args.max_failovers)?;
        self.create_intent(args, placement.bump, tip_pool)?;
        let now = Clock::get()?.slot;
        let mut data = self.intent.try_borrow_mut_data()?;
        data[..Intent::DISCRIMINATOR.len()].copy_from_slice(Intent::DISCRIMINATOR);
        let intent: &mut Intent =
            bytemuck::from_bytes_mut(&mut data[Intent::DISCRIMINATOR.len()..Intent::SPACE]);
        args.fill(intent, placement, tip_pool, now)?;
        emit!(IntentCreated {
            intent: placement.address,
            requester: intent.requester,
            intent_id: args.intent_id,
            mint: intent.mint,
            escrowed: intent.escrowed,
            tip_per_crank: args.tip_per_crank,
            tip_pool,
            auction_kind: intent.auction_kind,
            commit_end_slot: intent.commit_end_slot,
            reveal_end_slot: intent.reveal_end_slot,
            vickrey_premium_cap_bps: args.vickrey_premium_cap_bps,
            terms: args.clone(),
            refund_owner: intent.refund_owner,
            created_slot: now,
        });
        Ok(())
    }

    /// Takes `intent_id` from the requester's record (`RequesterState::take`), creating the
    /// record on the requester's first post.
    fn take_intent_id(&self, intent_id: u64) -> Result<()> {
        let info = self.requester_state;
        let requester = self.requester.key();
        let invalid = || error!(ExchangeError::RequesterAccountInvalid);
        let mut record = if info.owner == &crate::ID {
            let record =
                RequesterState::try_deserialize(&mut &info.try_borrow_data()?[..]).map_err(|_| invalid())?;
            require_keys_eq!(record.requester, requester, ExchangeError::RequesterAccountInvalid);
            record
        } else {
            let (address, bump) =
                Pubkey::find_program_address(&[seeds::REQUESTER, requester.as_ref()], &crate::ID);
            require_keys_eq!(info.key(), address, ExchangeError::RequesterAccountInvalid);
            let lamports = Rent::get()?.minimum_balance(RequesterState::SPACE);
            let seeds: &[&[u8]] = &[seeds::REQUESTER, requester.as_ref(), &[bump]];
            self.create_owned(info, seeds, lamports, RequesterState::SPACE)?;
            RequesterState::new(requester, bump)
        };
        record.take(intent_id)?;
        let mut data = info.try_borrow_mut_data()?;
        record.try_serialize(&mut &mut data[..])
    }

    /// Creates the intent account holding its rent plus `tip_pool`, in one system CPI
    /// (`create_owned`).
    fn create_intent(&self, args: &IntentCreateArgs, bump: u8, tip_pool: u64) -> Result<()> {
        let lamports = Rent::get()?
            .minimum_balance(Intent::SPACE)
            .checked_add(tip_pool)
            .ok_or_else(|| error!(ExchangeError::ArithmeticOverflow))?;
        let requester = self.requester.key();
        let id = args.intent_id.to_le_bytes();
        let seeds: &[&[u8]] = &[seeds::INTENT, requester.as_ref(), &id, &[bump]];
        self.create_owned(self.intent, seeds, lamports, Intent::SPACE)
    }

    /// Creates the PDA `account` (signed with `seeds`) owned by this program, `space` bytes,
    /// holding `lamports`, paid by the requester. An address someone funded beforehand (which
    /// would make `create_account` fail and so block the requester) is topped up, allocated and
    /// assigned instead, as Anchor's `init` does.
    fn create_owned(
        &self,
        account: &AccountInfo<'info>,
        seeds: &[&[u8]],
        lamports: u64,
        space: usize,
    ) -> Result<()> {
        let system = self.system_program.key();
        let (from, to) = (self.requester.clone(), account.clone());
        if account.lamports() == 0 {
            let accounts = system_program::CreateAccount { from, to };
            return system_program::create_account(
                CpiContext::new_with_signer(system, accounts, &[seeds]),
                lamports,
                space as u64,
                &crate::ID,
            );
        }
        let top_up = lamports.saturating_sub(account.lamports());
        if top_up > 0 {
            let accounts = system_program::Transfer { from, to: to.clone() };
            system_program::transfer(CpiContext::new(system, accounts), top_up)?;
        }
        let allocate = system_program::Allocate { account_to_allocate: to.clone() };
        system_program::allocate(CpiContext::new_with_signer(system, allocate, &[seeds]), space as u64)?;
        let assign = system_program::Assign { account_to_assign: to };
        system_program::assign(CpiContext::new_with_signer(system, assign, &[seeds]), &crate::ID)
    }
}
