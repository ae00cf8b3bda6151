//! The optional account groups several instructions share. The refund group is unpacked here, in
//! one place: all of it present, or the instruction's own "accounts missing" error. The slash
//! group (`stake_vault, stake_mint, stake_token_program, requester_stake_tokens`) stays unpacked
//! at its three sites: through a shared helper it cost 84 to 280 more compute units per
//! instruction on SBF (measured with `bench/cu.json`'s tests). An IDL test in the SDK pins both
//! groups' names and order in every instruction that takes them.
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenInterface;

use crate::error::ExchangeError;
use crate::escrow::{Escrow, EscrowTerms};

/// What ends the escrow with a refund and no winner (`auction_settle` on expiry,
/// `failover_trigger` and `award_decline` on the last failure): the escrow, its mint and token
/// program, the requester's token account and the requester (the escrow's rent).
/// Borrowed, so unpacking costs nothing on-chain: an account is cloned only where a CPI takes it.
pub struct RefundAccounts<'a, 'info> {
    pub escrow: &'a UncheckedAccount<'info>,
    pub mint: &'a UncheckedAccount<'info>,
    pub requester_tokens: &'a UncheckedAccount<'info>,
    pub requester: &'a UncheckedAccount<'info>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'a, 'info> RefundAccounts<'a, 'info> {
    /// The accounts as passed (in the instruction's order), all present, or `missing`.
    // Inlined: a `Result` of anchor's large `Error`, returned through memory, costs ~100 CU.
    #[inline(always)]
    pub fn unpack(
        escrow: &'a Option<UncheckedAccount<'info>>,
        mint: &'a Option<UncheckedAccount<'info>>,
        requester_tokens: &'a Option<UncheckedAccount<'info>>,
        requester: &'a Option<UncheckedAccount<'info>>,
        token_program: &'a Option<Interface<'info, TokenInterface>>,
        missing: ExchangeError,
    ) -> Result<Self> {
        let (Some(escrow), Some(mint), Some(requester_tokens), Some(requester), Some(token_program)) =
            (escrow, mint, requester_tokens, requester, token_program)
        else {
            return Err(missing.into());
        };
        Ok(Self { escrow, mint, requester_tokens, requester, token_program })
    }

    /// The escrow of `intent`, held under `terms`.
    #[inline(always)]
    pub fn escrow(&self, terms: EscrowTerms, intent: AccountInfo<'info>) -> Escrow<'info> {
        Escrow {
            terms,
            intent,
            escrow: self.escrow.to_account_info(),
            mint: self.mint.to_account_info(),
            token_program: self.token_program.to_account_info(),
        }
    }
}
