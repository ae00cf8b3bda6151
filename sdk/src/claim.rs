//! Claiming what an ended intent's escrow kept for you: when the account an intent stored for a
//! party (the requester's refund account, the winner's payout account) could not receive its
//! share as the intent ended (closed, frozen, re-owned, requiring memos), the share waits in the
//! escrow (`docs/exchange.md`, "Money"). [`claim`] pays it into the signer's associated account
//! of the intent's mint, creating that account when it is missing.
use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::chain::Chain;
use crate::ix::exchange as xix;
use crate::ix::registry::StakeToken;
use crate::{discover, token, Error};

/// What a claim paid, in atoms of the intent's mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claimed {
    /// Where the signer's share went (its associated account of the mint).
    pub to: Pubkey,
    pub amount: u64,
    /// The escrow is closed (nothing is left in it for anyone).
    pub escrow_closed: bool,
}

/// Claims the signer's share of `intent`'s escrow: as the winner's authority, the payment kept
/// for it; as the refund owner, everything else the escrow holds.
pub fn claim(chain: &dyn Chain, signer: &Keypair, intent: &Pubkey) -> Result<Claimed, Error> {
    let state = discover::intent(chain, intent)?.ok_or(Error::AccountMissing(*intent))?;
    let ended = state
        .status()
        .map_err(|_| Error::IntentStatusUnknown { intent: *intent, status: state.status })?
        .is_terminal();
    if !ended || state.escrow_open == 0 {
        let why = if ended { "its escrow is already paid out" } else { "it has not ended" };
        return Err(Error::NothingToClaim { intent: *intent, why });
    }
    let me = signer.pubkey();
    let mint = StakeToken::of_intent(&state);
    let to = token::associated_address(&me, &mint.mint, &mint.program);
    let as_winner = me == state.winner_authority && state.agent_claim > 0;
    let as_refund_owner = me == state.refund_owner;
    if !as_winner && !as_refund_owner {
        return Err(Error::NotAClaimant {
            intent: *intent,
            signer: me,
            winner_authority: state.winner_authority,
            refund_owner: state.refund_owner,
        });
    }
    let before = crate::chain::token_balance(chain, &to)?;
    let ix = xix::escrow_claim(*intent, &state, as_winner.then_some(to), as_refund_owner.then_some(to));
    let create = token::create_associated_idempotent(me, me, mint.mint, mint.program);
    chain.send(&[create, ix], signer, &[])?;
    let after = crate::chain::token_balance(chain, &to)?;
    let escrow_closed = !chain.exists(&state.escrow)?;
    Ok(Claimed { to, amount: after.saturating_sub(before), escrow_closed })
}
