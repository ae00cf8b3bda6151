//! Posting an intent, whichever pays its escrow (the requester's wallet in `intent_create`, a
//! budget in `intent_create_from_budget`): the checks before any token moves, the requester's
//! record of intent ids, the intent account itself, its first state and its event.
use agent_registry::pda;
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
    /// Everything checked before a token moves: the intent account is the PDA of the requester
    /// and `args.intent_id` (`IntentAccountInvalid`) and free, the exchange not paused, the bid
    /// bond at least the config's, the intent id new (taken here). Returns the intent's bump.
    ///
    /// The PDA is derived here (`agent_registry::pda`, ~330 CU a bump tried) rather than by an
    /// Anchor `seeds` constraint (`find_program_address`, 1,500 CU a bump tried).
    pub fn open(&self, config: &ExchangeConfig, args: &IntentCreateArgs) -> Result<u8> {
        let requester = self.requester.key();
        let id = args.intent_id.to_le_bytes();
        let (address, bump) = pda::find(&[seeds::INTENT, requester.as_ref(), &id], &crate::ID)
            .ok_or_else(|| error!(ExchangeError::IntentAccountInvalid))?;
        require_keys_eq!(self.intent.key(), address, ExchangeError::IntentAccountInvalid);
        require!(
            self.intent.owner == &system_program::ID && self.intent.data_is_empty(),
            ExchangeError::IntentAlreadyExists
        );
        config.require_not_paused()?;
        require_gte!(args.bid_bond, config.min_bid_bond, ExchangeError::IntentBidBondBelowMinimum);
        self.take_intent_id(args.intent_id)?;
        Ok(bump)
    }

    /// Opens the intent's escrow, a token account of `mint` owned by the intent PDA, `len` bytes
    /// (`mint_policy::MintFacts`). Returns its bump, 0 for one the requester created.
    ///
    /// The requester may create it in the same transaction (`create_account_with_seed` and
    /// `InitializeAccount3` before this instruction, ~400 CU, where the two CPIs here cost
    /// ~4,000; the SDK's address is `agx_core::address::escrow_seed`): it must then be a fresh
    /// account only the intent controls (`token_view::fresh`, `EscrowAccountNotFresh`). Its
    /// address is not checked: it is owned by this intent, which is new, so it is no other
    /// intent's, and the intent records it. Otherwise the escrow is created here at the PDA
    /// `[ESCROW, intent]` (`EscrowAccountInvalid`), rent from the requester: only this program
    /// can sign for that address, and intent ids are never reused, so an escrow that exists
    /// already there can only be this intent's own, which `open` refused with the intent
    /// (`IntentAlreadyExists`).
    pub fn open_escrow(
        &self,
        escrow: &AccountInfo<'info>,
        mint: &AccountInfo<'info>,
        token_program: &AccountInfo<'info>,
        len: usize,
    ) -> Result<u8> {
        let intent = self.intent.key();
        if escrow.owner == token_program.key {
            let fresh = agent_registry::token_view::fresh(escrow, mint.key, &intent, len);
            require!(fresh, ExchangeError::EscrowAccountNotFresh);
            return Ok(0);
        }
        let (address, bump) = pda::find(&[seeds::ESCROW, intent.as_ref()], &crate::ID)
            .ok_or_else(|| error!(ExchangeError::EscrowAccountInvalid))?;
        require_keys_eq!(escrow.key(), address, ExchangeError::EscrowAccountInvalid);
        require!(escrow.owner == &system_program::ID, ExchangeError::IntentAlreadyExists);
        let lamports = Rent::get()?.minimum_balance(len);
        let seeds: &[&[u8]] = &[seeds::ESCROW, intent.as_ref(), &[bump]];
        self.create_owned(escrow, seeds, lamports, len, token_program.key)?;
        agent_registry::lean_cpi::initialize_account3(token_program.key, escrow, mint, self.intent.key)?;
        Ok(bump)
    }

    /// Creates the intent account at `placement` (rent and tip pool from the requester), fills
    /// it with `args` and emits `IntentCreated`; the escrow already holds the max price.
    pub fn write(&self, args: &IntentCreateArgs, placement: &Placement) -> Result<()> {
        let tip_pool = Intent::tip_pool_for(args.tip_per_crank, args.max_failovers)?;
        self.create_intent(args, placement.bump, tip_pool)?;
        crate::cu_trace!("post: intent created");
        let now = Clock::get()?.slot;
        let mut data = self.intent.try_borrow_mut_data()?;
        let intent: &mut Intent = crate::in_place::init(&mut data, ExchangeError::IntentCorrupt)?;
        args.fill(intent, placement, tip_pool, now)?;
        crate::cu_trace!("post: filled");
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
        crate::cu_trace!("post: emitted");
        Ok(())
    }

    /// Takes `intent_id` from the requester's record (`RequesterState::take`), at the address of
    /// the requester and `agx_core::address::REQUESTER_SEED` (`RequesterAccountInvalid`). A
    /// record in use is known by owner, discriminator and the requester it stores, without
    /// hashing its address again. On the first post the requester may have created it blank in
    /// the same transaction (`create_account_with_seed`, 150 CU, where the CPI here costs
    /// ~2,000), or the post creates it.
    fn take_intent_id(&self, intent_id: u64) -> Result<()> {
        use crate::account_create;
        let info = self.requester_state;
        let requester = self.requester.key();
        let invalid = ExchangeError::RequesterAccountInvalid;
        let in_use = info.owner == &crate::ID && !account_create::is_blank(info, RequesterState::SPACE)?;
        if !in_use {
            let seed = agx_core::address::REQUESTER_SEED;
            require_keys_eq!(info.key(), account_create::seeded_address(&requester, &seed), invalid);
            if info.owner != &crate::ID {
                let lamports = Rent::get()?.minimum_balance(RequesterState::SPACE);
                let space = RequesterState::SPACE;
                account_create::create_with_seed(
                    self.system_program,
                    self.requester,
                    info,
                    &seed,
                    lamports,
                    space,
                    &crate::ID,
                )?;
            }
        }
        // Read and written in place.
        let mut data = info.try_borrow_mut_data()?;
        let record: &mut RequesterState = if in_use {
            let record: &mut RequesterState = crate::in_place::existing(&mut data, invalid)?;
            require_keys_eq!(record.requester, requester, invalid);
            record
        } else {
            let record = crate::in_place::init(&mut data, invalid)?;
            *record = RequesterState::new(requester);
            record
        };
        record.take(intent_id)
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
        self.create_owned(self.intent, seeds, lamports, Intent::SPACE, &crate::ID)
    }

    /// `account_create::create_pda`, paid by the requester.
    fn create_owned(
        &self,
        account: &AccountInfo<'info>,
        seeds: &[&[u8]],
        lamports: u64,
        space: usize,
        owner: &Pubkey,
    ) -> Result<()> {
        crate::account_create::create_pda(
            self.system_program,
            self.requester,
            account,
            seeds,
            lamports,
            space,
            owner,
        )
    }
}
