//! Finding things on a chain: open intents by capability, agents by capability and reputation,
//! an agent's record, an intent's bids. Each is one `getProgramAccounts` filtered on the
//! account's discriminator (and a field where the layout allows), decoded and checked here.
use agx_core::eligibility::has_capabilities;
use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use exchange::state::IntentStatus;

use crate::accounts::{decode, decode_zero_copy, Agent, Bid, Intent};
use crate::chain::{Chain, Filter};
use crate::Error;

/// Offset of a field of the zero-copy [`Intent`] in its account data.
macro_rules! intent_offset {
    ($field:ident) => {
        8 + core::mem::offset_of!(Intent, $field)
    };
}

/// Intents whose status is `status`.
pub fn intent_status_filter(status: IntentStatus) -> Filter {
    Filter::Memcmp { offset: intent_offset!(status), bytes: vec![status.to_u8()] }
}

/// Intents whose winner (or current holder of the job) is `agent`.
pub fn intent_winner_filter(agent: &Pubkey) -> Filter {
    Filter::Memcmp { offset: intent_offset!(winner_agent), bytes: agent.to_bytes().to_vec() }
}

/// Intents posted by `requester`.
pub fn intent_requester_filter(requester: &Pubkey) -> Filter {
    Filter::Memcmp { offset: intent_offset!(requester), bytes: requester.to_bytes().to_vec() }
}

/// Intents linked under `parent` (its sub-intents, `intent_link_parent`).
pub fn intent_parent_filter(parent: &Pubkey) -> Filter {
    Filter::Memcmp { offset: intent_offset!(parent), bytes: parent.to_bytes().to_vec() }
}

/// The sub-intents of `parent` not closed yet (a closed one is gone; `IntentLinked` and
/// `IntentClosed` events remain in the logs), by address.
pub fn children(chain: &dyn Chain, parent: &Pubkey) -> Result<Vec<(Pubkey, Intent)>, Error> {
    let mut found = intents(chain, &[intent_parent_filter(parent)])?;
    found.sort_by_key(|(address, _)| *address);
    Ok(found)
}

/// Every intent that passes `filters`, decoded.
pub fn intents(chain: &dyn Chain, filters: &[Filter]) -> Result<Vec<(Pubkey, Intent)>, Error> {
    let mut all = vec![Filter::discriminator(Intent::DISCRIMINATOR)];
    all.extend_from_slice(filters);
    chain
        .program_accounts(&exchange::ID, &all)?
        .into_iter()
        .map(|(address, a)| {
            decode_zero_copy::<Intent>(&a.data).map(|i| (address, i)).map_err(|e| Error::Decode(address, e))
        })
        .collect()
}

/// The intent at `address`, if there is one.
pub fn intent(chain: &dyn Chain, address: &Pubkey) -> Result<Option<Intent>, Error> {
    chain
        .account(address)?
        .map(|a| decode_zero_copy::<Intent>(&a.data).map_err(|e| Error::Decode(*address, e)))
        .transpose()
}

/// One above the highest intent id `requester` used (its record's `next_intent_id`; 0 before its
/// first intent): this id and every one above it are free. The exchange refuses an id used
/// before, or one more than 1,024 below the highest used (`IntentIdReused`, `agx_core::ids`), so
/// a requester sending many posts at once numbers them from here, in any landing order.
pub fn next_intent_id(chain: &dyn Chain, requester: &Pubkey) -> Result<u64, Error> {
    let address = crate::pda::requester_state(requester);
    let Some(account) = chain.account(&address)? else { return Ok(0) };
    let record: crate::accounts::RequesterState =
        decode(&account.data).map_err(|e| Error::Decode(address, e))?;
    Ok(record.next_intent_id)
}

/// Intents taking bids that an agent with `capabilities` may bid on (it has every capability
/// they require).
pub fn open_intents(chain: &dyn Chain, capabilities: u64) -> Result<Vec<(Pubkey, Intent)>, Error> {
    Ok(intents(chain, &[intent_status_filter(IntentStatus::Open)])?
        .into_iter()
        .filter(|(_, i)| has_capabilities(capabilities, i.required_capabilities))
        .collect())
}

/// Registered agents with every capability in `capabilities` and at least `min_reputation`
/// bps, best reputation first.
pub fn agents(
    chain: &dyn Chain,
    capabilities: u64,
    min_reputation: u16,
) -> Result<Vec<(Pubkey, Agent)>, Error> {
    let mut found: Vec<(Pubkey, Agent)> = chain
        .program_accounts(&agent_registry::ID, &[Filter::discriminator(Agent::DISCRIMINATOR)])?
        .into_iter()
        .map(|(address, a)| {
            decode::<Agent>(&a.data).map(|agent| (address, agent)).map_err(|e| Error::Decode(address, e))
        })
        .collect::<Result<_, _>>()?;
    found.retain(|(_, a)| has_capabilities(a.capabilities, capabilities) && a.reputation >= min_reputation);
    found.sort_by(|(ka, a), (kb, b)| b.reputation.cmp(&a.reputation).then(ka.cmp(kb)));
    Ok(found)
}

/// The agent account at `address` (its record: jobs completed, failed and slashed, their
/// value, its reputation and stake).
pub fn agent(chain: &dyn Chain, address: &Pubkey) -> Result<Option<Agent>, Error> {
    chain
        .account(address)?
        .map(|a| decode::<Agent>(&a.data).map_err(|e| Error::Decode(*address, e)))
        .transpose()
}

/// The agent's standing offers, if it published any.
pub fn offers(
    chain: &dyn Chain,
    agent: &Pubkey,
) -> Result<Option<agent_registry::state::AgentOffers>, Error> {
    let address = crate::pda::offers(agent).0;
    chain
        .account(&address)?
        .map(|a| decode::<agent_registry::state::AgentOffers>(&a.data).map_err(|e| Error::Decode(address, e)))
        .transpose()
}

/// The exchange's config (its settings: windows, bond, arbitrator, slash shares).
pub fn exchange_config(chain: &dyn Chain) -> Result<crate::accounts::ExchangeConfig, Error> {
    let address = crate::pda::exchange_config().0;
    let account = chain.account(&address)?.ok_or(Error::AccountMissing(address))?;
    decode(&account.data).map_err(|e| Error::Decode(address, e))
}

/// The registry's config (stake mint, heartbeat timeout, cooldown).
pub fn registry_config(chain: &dyn Chain) -> Result<crate::accounts::RegistryConfig, Error> {
    let address = crate::pda::registry_config().0;
    let account = chain.account(&address)?.ok_or(Error::AccountMissing(address))?;
    decode(&account.data).map_err(|e| Error::Decode(address, e))
}

/// The bid at `address`, if there is one (a program's account: lamports alone sent to a closed
/// bid's address are not a bid).
pub fn bid(chain: &dyn Chain, address: &Pubkey) -> Result<Option<Bid>, Error> {
    chain
        .account(address)?
        .filter(|a| a.owner == exchange::ID)
        .map(|a| decode::<Bid>(&a.data).map_err(|e| Error::Decode(*address, e)))
        .transpose()
}

/// The bids still open on `intent` (closed ones are gone; their events remain in the logs).
pub fn bids(chain: &dyn Chain, intent: &Pubkey) -> Result<Vec<(Pubkey, Bid)>, Error> {
    let filters = [
        Filter::discriminator(Bid::DISCRIMINATOR),
        Filter::Memcmp { offset: Bid::INTENT_OFFSET, bytes: intent.to_bytes().to_vec() },
    ];
    chain
        .program_accounts(&exchange::ID, &filters)?
        .into_iter()
        .map(|(address, a)| {
            decode::<Bid>(&a.data).map(|b| (address, b)).map_err(|e| Error::Decode(address, e))
        })
        .filter(|b| b.as_ref().map_or(true, |(_, bid)| bid.intent == *intent))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_point_at_the_fields_they_name() {
        let mut intent: Intent = bytemuck::Zeroable::zeroed();
        intent.status = IntentStatus::Awarded.to_u8();
        intent.winner_agent = Pubkey::new_unique();
        intent.requester = Pubkey::new_unique();
        let mut data = Intent::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&intent));
        assert!(intent_status_filter(IntentStatus::Awarded).matches(&data));
        assert!(!intent_status_filter(IntentStatus::Open).matches(&data));
        assert!(intent_winner_filter(&intent.winner_agent).matches(&data));
        assert!(!intent_winner_filter(&intent.requester).matches(&data));
        assert!(intent_requester_filter(&intent.requester).matches(&data));
        intent.parent = Pubkey::new_unique();
        let mut data = Intent::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&intent));
        assert!(intent_parent_filter(&intent.parent).matches(&data));
        assert!(!intent_parent_filter(&intent.requester).matches(&data));
    }
}
