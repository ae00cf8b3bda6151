//! Budgets on any [`Chain`]: the owner's side ([`create`], [`fund`], [`revoke`], [`close`]) and
//! the agent's ([`pay`]). A payment is checked with the program's own rules
//! (`agx_core::budget`) before it is sent, so a spend the program would refuse costs no fee and
//! says which rule it breaks ([`Error::BudgetRefused`]).
use agx_core::budget::SpendRefusal;
use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::accounts::{decode, Budget};
use crate::chain::Chain;
use crate::ix::exchange as xix;
use crate::ix::registry::StakeToken;
use crate::{pda, Error};

/// The budget at `address`, if there is one.
pub fn read(chain: &dyn Chain, address: &Pubkey) -> Result<Option<Budget>, Error> {
    match chain.account(address)? {
        Some(account) => decode::<Budget>(&account.data).map(Some).map_err(|e| Error::Decode(*address, e)),
        None => Ok(None),
    }
}

fn existing(chain: &dyn Chain, address: &Pubkey) -> Result<Budget, Error> {
    read(chain, address)?.ok_or(Error::AccountMissing(*address))
}

fn token(budget: &Budget) -> StakeToken {
    StakeToken { mint: budget.mint, program: budget.token_program }
}

/// Makes budget `args.budget_id` of `owner` for the registry agent `agent`, in `token`; its address.
pub fn create(
    chain: &dyn Chain,
    owner: &Keypair,
    agent: Pubkey,
    token: StakeToken,
    args: exchange::BudgetCreateArgs,
) -> Result<Pubkey, Error> {
    let address = pda::budget(&owner.pubkey(), &agent, args.budget_id).0;
    chain.send(&[xix::budget::create(owner.pubkey(), agent, token, args)], owner, &[])?;
    Ok(address)
}

/// Moves `amount` atoms from the owner's `source` account into the budget's vault.
pub fn fund(
    chain: &dyn Chain,
    owner: &Keypair,
    budget: &Pubkey,
    source: Pubkey,
    amount: u64,
) -> Result<(), Error> {
    let state = existing(chain, budget)?;
    chain.send(&[xix::budget::fund(owner.pubkey(), *budget, token(&state), source, amount)], owner, &[])?;
    Ok(())
}

/// What a spend of `amount` from `budget` would leave as its total spent at the chain's slot, or
/// the rule it breaks.
pub fn preview(chain: &dyn Chain, address: &Pubkey, budget: &Budget, amount: u64) -> Result<u64, Error> {
    let now = chain.slot()?;
    budget.limits().spend(budget.spent, budget.revoked, now, amount).map_err(|refusal| Error::BudgetRefused {
        budget: *address,
        rule: match refusal {
            SpendRefusal::Revoked => "revoked by its owner",
            SpendRefusal::Expired => "expired",
            SpendRefusal::AmountZero => "the amount must be positive",
            SpendRefusal::OverPerSpendCap => "the amount is above the per-spend cap",
            SpendRefusal::OverTotalCap => "the amount would pass the total cap",
        },
    })
}

/// The agent (`spender`, its authority) pays `amount` from `budget` to `recipient`, a token
/// account owned by an allowlisted key or by the authority of `recipient_agent`; the budget's
/// total spent after it.
pub fn pay(
    chain: &dyn Chain,
    spender: &Keypair,
    budget: &Pubkey,
    recipient: Pubkey,
    recipient_agent: Option<Pubkey>,
    amount: u64,
    memo_hash: [u8; 32],
) -> Result<u64, Error> {
    let state = existing(chain, budget)?;
    let spent = preview(chain, budget, &state, amount)?;
    let ix = xix::budget::pay(
        spender.pubkey(),
        state.agent,
        *budget,
        token(&state),
        recipient,
        recipient_agent,
        amount,
        memo_hash,
    );
    chain.send(&[ix], spender, &[])?;
    Ok(spent)
}

/// Revokes `budget`; what came back to `owner_tokens`.
pub fn revoke(
    chain: &dyn Chain,
    owner: &Keypair,
    budget: &Pubkey,
    owner_tokens: Pubkey,
) -> Result<u64, Error> {
    let state = existing(chain, budget)?;
    let before = crate::chain::token_balance(chain, &owner_tokens)?;
    chain.send(&[xix::budget::revoke(owner.pubkey(), *budget, token(&state), owner_tokens)], owner, &[])?;
    Ok(crate::chain::token_balance(chain, &owner_tokens)?.saturating_sub(before))
}

/// Closes a revoked or expired `budget`: what was left to `owner_tokens`, the rents to the owner.
pub fn close(chain: &dyn Chain, owner: &Keypair, budget: &Pubkey, owner_tokens: Pubkey) -> Result<(), Error> {
    let state = existing(chain, budget)?;
    chain.send(&[xix::budget::close(owner.pubkey(), *budget, token(&state), owner_tokens)], owner, &[])?;
    Ok(())
}
