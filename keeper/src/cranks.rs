//! The instructions for each crank the schedule says is due, built with the SDK from the decoded
//! intent (it stores the accounts a crank pays into), plus what only the keeper knows: its own
//! key and stake-mint account (failover rewards), and what it looked up on the cluster (the
//! requester's stake-mint account, the bids still open).
use agx_core::lifecycle::Crank;
use agx_sdk::accounts::Intent;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{token, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;

use crate::schedule::Due;

/// What a keeper brings to its cranks.
#[derive(Clone, Copy, Debug)]
pub struct KeeperAccounts {
    /// Signs and pays the fee; earns the tips.
    pub caller: Pubkey,
    /// Its token account of the stake mint: failover rewards.
    pub caller_stake_tokens: Pubkey,
    /// The registry's stake mint and token program.
    pub stake: StakeToken,
}

/// Where a failover pays the requester's compensation: a token account of the stake mint that
/// the requester owns. The intent does not store one (it may be paid in another mint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compensation {
    /// An existing account.
    Existing(Pubkey),
    /// The requester's associated token account, created (idempotently, rent paid by the keeper)
    /// in the crank's transaction.
    CreateAssociated,
}

/// A bid still open on a finished intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenBid {
    pub agent: Pubkey,
    pub round: u8,
    pub bidder: Pubkey,
}

/// What the keeper looked up for a crank.
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    /// Failover only.
    pub compensation: Option<Compensation>,
    /// Close-bids only.
    pub open_bids: Vec<OpenBid>,
}

/// The refund account, when it can take the compensation with no lookup: the intent pays in the
/// stake mint and refunds the requester itself. Otherwise the keeper looks for a stake-mint
/// account of the requester (its associated account first), and creates the associated account
/// only when there is none.
pub fn compensation_in_refund_account(state: &Intent, stake: &StakeToken) -> Option<Pubkey> {
    (state.mint == stake.mint && state.refund_owner == state.requester).then_some(state.refund_tokens)
}

/// The instructions for `due` on `intent` (decoded as `state`), in order; several transactions'
/// worth for a long close-bids list (the caller batches them).
pub fn instructions(
    due: &Due,
    intent: Pubkey,
    state: &Intent,
    keeper: &KeeperAccounts,
    lookups: &Lookups,
) -> Vec<Instruction> {
    let pay = StakeToken::of_intent(state);
    match due.crank {
        Crank::Settle if state.leaderboard_len == 0 => {
            vec![xix::auction_settle_expire(keeper.caller, intent, state.requester, pay, state.refund_tokens)]
        }
        Crank::Settle => vec![xix::auction_settle_for(keeper.caller, intent, state)],
        Crank::Finalize => vec![xix::intent_finalize_stored(keeper.caller, intent, state)],
        Crank::Close => vec![xix::intent_close(keeper.caller, intent, state.requester)],
        Crank::CloseBids => lookups
            .open_bids
            .iter()
            .map(|b| xix::bid_close(keeper.caller, intent, b.agent, b.round, b.bidder, state.requester))
            .collect(),
        Crank::Failover => {
            let stake = keeper.stake;
            let (create, requester_stake_tokens) = match lookups.compensation {
                Some(Compensation::Existing(account)) => (None, account),
                Some(Compensation::CreateAssociated) | None => (
                    Some(token::create_associated_idempotent(
                        keeper.caller,
                        state.requester,
                        stake.mint,
                        stake.program,
                    )),
                    token::associated_address(&state.requester, &stake.mint, &stake.program),
                ),
            };
            let accounts = xix::FailoverAccounts {
                stake,
                requester_stake_tokens,
                pay,
                requester_tokens: state.refund_tokens,
            };
            let failover = xix::failover_trigger(
                keeper.caller,
                Some(keeper.caller_stake_tokens),
                intent,
                state,
                &accounts,
            );
            create.into_iter().chain([failover]).collect()
        }
    }
}
