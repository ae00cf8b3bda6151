//! Coalitions on any [`Chain`]: the lead forms one ([`create`], [`update`], [`dissolve`]), each
//! member signs its terms ([`accept`]) or withdraws ([`leave`]), and anyone reads them ([`read`],
//! [`list`]) or looks for agents whose capabilities complete a set ([`complements`]). Terms are
//! checked with the program's own rules (`agx_core::coalition::check_terms`) before anything is
//! sent, and a member signs only the terms it expects ([`Error::CoalitionTermsDiffer`]).
use agx_core::coalition::{check_terms, MemberTerms};
use agx_core::eligibility::has_capabilities;
use anchor_lang::prelude::Pubkey;
use exchange::state::Coalition;
use exchange::CoalitionMemberArgs;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::accounts::{decode_zero_copy, Agent};
use crate::chain::{Chain, Filter};
use crate::ix::exchange::coalition as cix;
use crate::{pda, Error};

/// The coalition at `address`, if there is one.
pub fn read(chain: &dyn Chain, address: &Pubkey) -> Result<Option<Coalition>, Error> {
    match chain.account(address)? {
        Some(account) => {
            decode_zero_copy::<Coalition>(&account.data).map(Some).map_err(|e| Error::Decode(*address, e))
        }
        None => Ok(None),
    }
}

fn existing(chain: &dyn Chain, address: &Pubkey) -> Result<Coalition, Error> {
    read(chain, address)?.ok_or(Error::AccountMissing(*address))
}

/// Every coalition, or those `member` (a registry agent) belongs to, by address.
pub fn list(chain: &dyn Chain, member: Option<&Pubkey>) -> Result<Vec<(Pubkey, Coalition)>, Error> {
    use anchor_lang::Discriminator;
    let mut found = chain
        .program_accounts(&exchange::ID, &[Filter::discriminator(Coalition::DISCRIMINATOR)])?
        .into_iter()
        .map(|(address, a)| {
            decode_zero_copy::<Coalition>(&a.data)
                .map(|c| (address, c))
                .map_err(|e| Error::Decode(address, e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A member's place in the list varies, so membership is filtered here, not by memcmp.
    found.retain(|(_, c)| member.is_none_or(|m| c.members().iter().any(|x| x.agent == *m)));
    found.sort_by_key(|(address, _)| *address);
    Ok(found)
}

/// Checks `members` as the program will (`agx_core::coalition::check_terms`).
pub fn check(members: &[CoalitionMemberArgs]) -> Result<(), Error> {
    let terms: Vec<MemberTerms> = members.iter().map(|m| m.member().terms()).collect();
    check_terms(&terms).map_err(|rule| Error::CoalitionTermsInvalid { rule: format!("{rule:?}") })
}

/// Forms coalition `coalition_id` led by `lead` (the first of `members`), signed by the lead's
/// `authority`; its address.
pub fn create(
    chain: &dyn Chain,
    authority: &Keypair,
    lead: Pubkey,
    coalition_id: u64,
    members: Vec<CoalitionMemberArgs>,
) -> Result<Pubkey, Error> {
    check(&members)?;
    let address = pda::coalition(&lead, coalition_id).0;
    chain.send(&[cix::create(authority.pubkey(), lead, coalition_id, members)], authority, &[])?;
    Ok(address)
}

/// The member `agent` (of `authority`) signs the coalition's terms, if they are `expected` (when
/// given): the hash it signs is computed from the terms it expects, so terms changed meanwhile
/// are refused here, or by the program if they change in flight. Whether the coalition is now
/// ready to bid.
pub fn accept(
    chain: &dyn Chain,
    authority: &Keypair,
    coalition: &Pubkey,
    agent: Pubkey,
    expected: Option<&[CoalitionMemberArgs]>,
) -> Result<bool, Error> {
    let state = existing(chain, coalition)?;
    let hash = match expected {
        Some(members) => {
            let hash = cix::terms_hash(coalition, members);
            if hash != state.terms_hash {
                return Err(Error::CoalitionTermsDiffer { coalition: *coalition });
            }
            hash
        }
        None => state.terms_hash,
    };
    chain.send(&[cix::accept(authority.pubkey(), *coalition, agent, hash)], authority, &[])?;
    Ok(existing(chain, coalition)?.is_ready())
}

/// The member `agent` (of `authority`) withdraws its signature.
pub fn leave(chain: &dyn Chain, authority: &Keypair, coalition: &Pubkey, agent: Pubkey) -> Result<(), Error> {
    chain.send(&[cix::leave(authority.pubkey(), *coalition, agent)], authority, &[])?;
    Ok(())
}

/// The coalition's `authority` replaces its terms with `members`.
pub fn update(
    chain: &dyn Chain,
    authority: &Keypair,
    coalition: &Pubkey,
    members: Vec<CoalitionMemberArgs>,
) -> Result<(), Error> {
    check(&members)?;
    let state = existing(chain, coalition)?;
    chain.send(&[cix::update(authority.pubkey(), *coalition, &state, members)], authority, &[])?;
    Ok(())
}

/// The coalition's `authority` dissolves it.
pub fn dissolve(chain: &dyn Chain, authority: &Keypair, coalition: &Pubkey) -> Result<(), Error> {
    let state = existing(chain, coalition)?;
    chain.send(&[cix::dissolve(authority.pubkey(), *coalition, &state)], authority, &[])?;
    Ok(())
}

/// Active registry agents that bring at least one capability of `required` that `have` lacks,
/// those covering the most of what is missing first, then by reputation (then address).
pub fn complements(chain: &dyn Chain, required: u64, have: u64) -> Result<Vec<(Pubkey, Agent)>, Error> {
    let missing = required & !have;
    if missing == 0 {
        return Ok(Vec::new());
    }
    let mut found: Vec<(Pubkey, Agent)> = crate::discover::agents(chain, 0, 0)?
        .into_iter()
        .filter(|(_, a)| a.is_active() && a.capabilities & missing != 0)
        .collect();
    let covers = |a: &Agent| (a.capabilities & missing).count_ones();
    found.sort_by(|(ka, a), (kb, b)| {
        covers(b).cmp(&covers(a)).then(b.reputation.cmp(&a.reputation)).then(ka.cmp(kb))
    });
    Ok(found)
}

/// Does a coalition of agents with these capabilities cover `required`?
pub fn covers(capabilities: impl IntoIterator<Item = u64>, required: u64) -> bool {
    has_capabilities(capabilities.into_iter().fold(0, |all, c| all | c), required)
}

/// The (member agent, account it is paid into) pairs of the coalition holding the job `state`
/// describes, in member order: each member's signer's associated account of the intent's mint.
/// `None` when no coalition holds it.
pub fn payout_members(
    chain: &dyn Chain,
    state: &exchange::state::Intent,
) -> Result<Option<Vec<(Pubkey, Pubkey)>>, Error> {
    if !state.held_by_coalition() {
        return Ok(None);
    }
    let coalition = existing(chain, &state.winner_agent)?;
    Ok(Some(payout_pairs(&coalition, state)))
}

/// Each member of `coalition` (holding the job `state` describes) with the account its share is
/// paid into: its signer's associated account of the intent's mint, in member order.
pub fn payout_pairs(coalition: &Coalition, state: &exchange::state::Intent) -> Vec<(Pubkey, Pubkey)> {
    coalition
        .members()
        .iter()
        .map(|m| (m.agent, crate::token::associated_address(&m.signer, &state.mint, &state.token_program)))
        .collect()
}

/// `ix`, a payout of the job `state` describes (`result_accept`, `intent_finalize`,
/// `dispute_resolve`), with the holding coalition's members when one holds it.
pub fn with_payout_members(
    chain: &dyn Chain,
    state: &exchange::state::Intent,
    ix: anchor_lang::solana_program::instruction::Instruction,
) -> Result<anchor_lang::solana_program::instruction::Instruction, Error> {
    Ok(match payout_members(chain, state)? {
        Some(pairs) => cix::payout_with_members(ix, &pairs),
        None => ix,
    })
}

/// The coalition's `authority` bids `opening` in the clear on the continuous `intent`, as the
/// coalition (its members passed with the bid); on a threshold win each member's contribution is
/// locked at once. A key that is not the coalition's authority is refused before anything is
/// sent (`Error::MissingSigner`).
pub fn bid_place(
    chain: &dyn Chain,
    authority: &Keypair,
    coalition: &Pubkey,
    intent: &Pubkey,
    opening: exchange::BidOpening,
) -> Result<crate::chain::Landed, Error> {
    act(chain, authority, coalition, intent, |me, round| {
        crate::ix::exchange::bid_place(me, *intent, *coalition, round, opening)
    })
}

/// The coalition's `authority` accepts the direct hire `intent` offered to `coalition` on
/// `terms` (at the intent's max price), its members passed with it: their contributions are
/// locked at once. A key that is not the coalition's authority is refused before anything is
/// sent (`Error::MissingSigner`).
pub fn hire_accept(
    chain: &dyn Chain,
    authority: &Keypair,
    coalition: &Pubkey,
    intent: &Pubkey,
    terms: exchange::HireTerms,
) -> Result<crate::chain::Landed, Error> {
    act(chain, authority, coalition, intent, |me, round| {
        crate::ix::exchange::hire_accept(me, *intent, *coalition, round, terms)
    })
}

/// Sends the instruction `build` makes (from the signer and the intent's round) for
/// `coalition` on `intent`, with its member agents after the named accounts, once `authority`
/// is checked to be the coalition's.
fn act(
    chain: &dyn Chain,
    authority: &Keypair,
    coalition: &Pubkey,
    intent: &Pubkey,
    build: impl FnOnce(Pubkey, u8) -> anchor_lang::solana_program::instruction::Instruction,
) -> Result<crate::chain::Landed, Error> {
    let state = existing(chain, coalition)?;
    if state.authority != authority.pubkey() {
        return Err(Error::MissingSigner { needed: state.authority, given: authority.pubkey().to_string() });
    }
    let round = crate::discover::intent(chain, intent)?.ok_or(Error::AccountMissing(*intent))?.round;
    let members: Vec<Pubkey> = state.members().iter().map(|m| m.agent).collect();
    chain.send(&[cix::with_members(build(authority.pubkey(), round), &members)], authority, &[])
}

/// The member `agent` (of `authority`) marks its part of the job `intent` done; whether every
/// part now is (the lead may submit).
pub fn mark_done(
    chain: &dyn Chain,
    authority: &Keypair,
    intent: &Pubkey,
    coalition: &Pubkey,
    agent: Pubkey,
) -> Result<bool, Error> {
    chain.send(&[cix::part_done(authority.pubkey(), *intent, *coalition, agent)], authority, &[])?;
    let state = crate::discover::intent(chain, intent)?.ok_or(Error::AccountMissing(*intent))?;
    Ok(state.parts_all_done())
}
