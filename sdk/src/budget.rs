//! Budgets on any [`Chain`]: the owner's side ([`create`], [`fund`], [`revoke`], [`close`]) and
//! the agent's ([`pay`], [`post_intent`]). A payment is checked with the program's own rules
//! (`agx_core::budget`) before it is sent, so a spend the program would refuse costs no fee and
//! says which rule it breaks ([`Error::BudgetRefused`]).
use agx_core::budget::SpendRefusal;
use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::accounts::{decode, Budget};
use crate::chain::{Chain, Filter};
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

/// Where a budget's owner and agent are in its account data (after the discriminator,
/// `version`, `bump` and `revoked`).
pub const OWNER_OFFSET: usize = 8 + 3;
pub const AGENT_OFFSET: usize = OWNER_OFFSET + 32;

/// Budgets given by `owner` and/or to `agent` (both when both are given), by address.
pub fn list(
    chain: &dyn Chain,
    owner: Option<&Pubkey>,
    agent: Option<&Pubkey>,
) -> Result<Vec<(Pubkey, Budget)>, Error> {
    use anchor_lang::Discriminator;
    let mut filters = vec![Filter::discriminator(Budget::DISCRIMINATOR)];
    filters.extend(owner.map(|o| Filter::Memcmp { offset: OWNER_OFFSET, bytes: o.to_bytes().to_vec() }));
    filters.extend(agent.map(|a| Filter::Memcmp { offset: AGENT_OFFSET, bytes: a.to_bytes().to_vec() }));
    let mut found = chain
        .program_accounts(&exchange::ID, &filters)?
        .into_iter()
        .map(|(address, a)| {
            decode::<Budget>(&a.data).map(|b| (address, b)).map_err(|e| Error::Decode(address, e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    found.sort_by_key(|(address, _)| *address);
    Ok(found)
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

/// The agent (`requester`, its authority) posts `args` paid from `budget`, as a part of `parent`
/// when given (the parent's winner must be the budget's agent); the new intent's address. The
/// max price is checked as a spend first ([`preview`]), so a post the budget would refuse costs
/// no fee.
pub fn post_intent(
    chain: &dyn Chain,
    requester: &Keypair,
    budget: &Pubkey,
    args: exchange::IntentCreateArgs,
    parent: Option<Pubkey>,
) -> Result<Pubkey, Error> {
    let state = existing(chain, budget)?;
    preview(chain, budget, &state, args.max_price)?;
    let intent = pda::intent(&requester.pubkey(), args.intent_id).0;
    let mut ixs =
        vec![xix::budget::intent_create(requester.pubkey(), state.agent, *budget, token(&state), args)];
    ixs.extend(parent.map(|parent| xix::intent_link_parent(requester.pubkey(), parent, intent)));
    chain.send(&ixs, requester, &[])?;
    Ok(intent)
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

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::AccountSerialize;

    #[test]
    fn the_list_filters_point_at_the_owner_and_the_agent() {
        let (owner, agent) = (Pubkey::new_unique(), Pubkey::new_unique());
        let budget = Budget {
            version: 1,
            bump: 255,
            revoked: true,
            owner,
            agent,
            mint: Pubkey::new_unique(),
            mint_decimals: 6,
            token_program: Pubkey::new_unique(),
            vault: Pubkey::new_unique(),
            budget_id: 3,
            per_spend_cap: 1,
            total_cap: 2,
            expiry_slot: 4,
            spent: 0,
            live_intents: 0,
            allowlist_len: 0,
            allowlist: [Pubkey::default(); 4],
            reserved: [0; 32],
        };
        let mut data = Vec::new();
        budget.try_serialize(&mut data).unwrap();
        assert_eq!(&data[OWNER_OFFSET..OWNER_OFFSET + 32], owner.as_ref());
        assert_eq!(&data[AGENT_OFFSET..AGENT_OFFSET + 32], agent.as_ref());
    }
}
