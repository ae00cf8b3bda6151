//! The instruction for each crank the schedule says is due, built with the SDK from the decoded
//! intent alone (the intent stores the accounts a crank pays into), plus what only the keeper
//! knows: its own key and stake-mint account (failover rewards).
use agx_core::lifecycle::Crank;
use agx_sdk::accounts::Intent;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::Pubkey;
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

/// The instruction for `due` on `intent` (decoded as `state`). `requester_stake_tokens` receives a
/// failover's slash compensation: the requester's token account of the stake mint (a keeper
/// finds it on the cluster; the intent does not store it).
pub fn instruction(
    due: &Due,
    intent: Pubkey,
    state: &Intent,
    keeper: &KeeperAccounts,
    requester_stake_tokens: Pubkey,
) -> Instruction {
    let pay = StakeToken { mint: state.mint, program: state.token_program };
    match due.crank {
        Crank::Settle if state.leaderboard_len == 0 => {
            xix::auction_settle_expire(keeper.caller, intent, state.requester, pay, state.refund_tokens)
        }
        Crank::Settle => xix::auction_settle_for(keeper.caller, intent, state),
        Crank::Finalize => xix::intent_finalize_stored(keeper.caller, intent, state),
        Crank::Close => xix::intent_close(keeper.caller, intent, state.requester),
        Crank::Failover => {
            let accounts = xix::FailoverAccounts {
                stake: keeper.stake,
                requester_stake_tokens,
                pay,
                requester_tokens: state.refund_tokens,
            };
            xix::failover_trigger(keeper.caller, Some(keeper.caller_stake_tokens), intent, state, &accounts)
        }
    }
}
