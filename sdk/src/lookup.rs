//! Address lookup tables, for the transactions that name more accounts than a legacy packet
//! holds: the failover of a coalition of more than five members (with every key distinct)
//! names each member's agent, its stake vault and its payout accounts, 32 bytes each. Through a
//! table, an account costs one byte.
//!
//! [`LookupTables`] keeps the tables one key (a keeper) owns and pays for: it creates one when
//! there is none, extends it with the addresses a transaction needs that no table holds yet, and
//! waits the one slot a table's new addresses take to become usable. The tables stay (a keeper
//! reuses them for the next large crank); a table holds [`MAX_ADDRESSES`], and a new one is
//! created when the last is full. Closing them (deactivate, wait ~513 slots, close) is left to
//! the owner.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_address_lookup_table_interface::instruction as table_ix;
use solana_keypair::Keypair;
use solana_signer::Signer;

pub use solana_message::AddressLookupTableAccount;

use crate::chain::Chain;
use crate::Error;

/// The most addresses one table holds.
pub const MAX_ADDRESSES: usize = 256;

/// Addresses one extend instruction adds: with its four accounts and the fee payer's signature,
/// 20 addresses keep the transaction within a packet.
pub const EXTEND_BATCH: usize = 20;

/// Where a table's addresses start in its account (the metadata before them).
const META_LEN: usize = 56;

/// The most bytes a transaction may take on the wire (Solana's `PACKET_DATA_SIZE`).
pub const PACKET_DATA_SIZE: usize = 1232;

/// The addresses of a lookup table account's data; `None` when it is no table.
pub fn addresses(data: &[u8]) -> Option<Vec<Pubkey>> {
    // The first 4 bytes are the program state's tag: 1 for an initialised table.
    if data.len() < META_LEN || data[..4] != [1, 0, 0, 0] || !(data.len() - META_LEN).is_multiple_of(32) {
        return None;
    }
    Some(data[META_LEN..].chunks_exact(32).map(|c| Pubkey::new_from_array(c.try_into().unwrap())).collect())
}

/// The accounts of `ixs` that a table can stand for: every account but the signers (a v0
/// message names those itself) and the programs the instructions call.
pub fn tableable(ixs: &[Instruction]) -> Vec<Pubkey> {
    let mut out: Vec<Pubkey> = Vec::new();
    let programs: Vec<Pubkey> = ixs.iter().map(|ix| ix.program_id).collect();
    for meta in ixs.iter().flat_map(|ix| &ix.accounts) {
        if !meta.is_signer && !programs.contains(&meta.pubkey) && !out.contains(&meta.pubkey) {
            out.push(meta.pubkey);
        }
    }
    out
}

/// The v0 message of `ixs` paid by `payer`, naming through `tables` every account they hold.
pub fn message(
    ixs: &[Instruction],
    payer: &Pubkey,
    tables: &[AddressLookupTableAccount],
    blockhash: solana_message::Hash,
) -> Result<solana_message::VersionedMessage, Error> {
    let message = solana_message::v0::Message::try_compile(payer, ixs, tables, blockhash)
        .map_err(|e| Error::Signing(format!("compiling a v0 message: {e}")))?;
    Ok(solana_message::VersionedMessage::V0(message))
}

/// The wire size of the v0 transaction of `ixs` paid and signed by `payer` alone, through
/// `tables`.
pub fn wire_size(ixs: &[Instruction], payer: &Pubkey, tables: &[AddressLookupTableAccount]) -> usize {
    let Ok(message) = message(ixs, payer, tables, solana_message::Hash::default()) else { return usize::MAX };
    let signatures = usize::from(message.header().num_required_signatures);
    // The signature count is a compact-u16: one byte below 128.
    message.serialize().len().saturating_add(1).saturating_add(64 * signatures)
}

/// The lookup tables one key owns, as [`LookupTables::covering`] made them.
#[derive(Clone, Debug, Default)]
pub struct LookupTables {
    tables: Vec<AddressLookupTableAccount>,
    /// The slots the tables were created at: a table's address is its authority's and its
    /// slot's, so no two may share one.
    created_at: Vec<u64>,
}

/// What it takes for the tables to cover a transaction: instructions to send in order, each in
/// a transaction of its own (a table's creation, then extensions), and the tables as they are
/// once all landed ([`LookupTables::adopt`]).
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub instructions: Vec<Instruction>,
    pub tables: Vec<AddressLookupTableAccount>,
    created_at: Vec<u64>,
}

impl LookupTables {
    /// The tables known so far.
    pub fn tables(&self) -> &[AddressLookupTableAccount] {
        &self.tables
    }

    /// The known tables holding any account of `ixs`: what a v0 transaction of them looks up.
    pub fn for_instructions(&self, ixs: &[Instruction]) -> Vec<AddressLookupTableAccount> {
        let needed = tableable(ixs);
        self.tables.iter().filter(|t| t.addresses.iter().any(|a| needed.contains(a))).cloned().collect()
    }

    /// What makes the tables hold every account of `ixs` a table can hold: the last known table
    /// extended (by `authority`, which also pays) with what no table holds, in batches of
    /// [`EXTEND_BATCH`]; a new table, created at `recent_slot` (a slot the cluster still has the
    /// hash of), when none is known or the last is full.
    pub fn plan(&self, authority: &Pubkey, ixs: &[Instruction], recent_slot: u64) -> Plan {
        let (mut tables, mut created_at) = (self.tables.clone(), self.created_at.clone());
        let mut instructions = Vec::new();
        let missing: Vec<Pubkey> =
            tableable(ixs).into_iter().filter(|a| !tables.iter().any(|t| t.addresses.contains(a))).collect();
        for batch in missing.chunks(EXTEND_BATCH) {
            if tables.last().is_none_or(|t| t.addresses.len() + batch.len() > MAX_ADDRESSES) {
                let mut slot = recent_slot;
                while created_at.contains(&slot) {
                    slot = slot.saturating_sub(1);
                }
                created_at.push(slot);
                let (create, key) = table_ix::create_lookup_table(*authority, *authority, slot);
                instructions.push(create);
                tables.push(AddressLookupTableAccount { key, addresses: Vec::new() });
            }
            let table = tables.last_mut().expect("a table");
            instructions.push(table_ix::extend_lookup_table(
                table.key,
                *authority,
                Some(*authority),
                batch.to_vec(),
            ));
            table.addresses.extend_from_slice(batch);
        }
        Plan { instructions, tables, created_at }
    }

    /// Takes the tables a [`Plan`] made, once its instructions all landed.
    pub fn adopt(&mut self, plan: Plan) {
        (self.tables, self.created_at) = (plan.tables, plan.created_at);
    }

    /// The tables covering `ixs` on `chain`, after sending what [`LookupTables::plan`] says (each
    /// instruction in a transaction of its own, by `authority`) and, when anything changed,
    /// waiting for the next slot, from which the cluster resolves the new addresses.
    pub fn covering(
        &mut self,
        chain: &dyn Chain,
        authority: &Keypair,
        ixs: &[Instruction],
    ) -> Result<Vec<AddressLookupTableAccount>, Error> {
        let recent = chain.slot()?.saturating_sub(1);
        let plan = self.plan(&authority.pubkey(), ixs, recent);
        if !plan.instructions.is_empty() {
            for ix in &plan.instructions {
                chain.send(std::slice::from_ref(ix), authority, &[])?;
            }
            self.adopt(plan);
            let slot = chain.slot()?;
            chain.wait_for_slot(slot.saturating_add(1))?;
        }
        Ok(self.for_instructions(ixs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::solana_program::instruction::AccountMeta;

    fn wide(accounts: usize) -> Instruction {
        Instruction {
            program_id: crate::exchange::ID,
            accounts: (0..accounts).map(|_| AccountMeta::new(Pubkey::new_unique(), false)).collect(),
            data: vec![1; 16],
        }
    }

    #[test]
    fn a_plan_extends_in_batches_and_makes_a_new_table_when_the_last_is_full() {
        let authority = Pubkey::new_unique();
        let mut tables = LookupTables::default();
        let ix = wide(45);
        let plan = tables.plan(&authority, std::slice::from_ref(&ix), 100);
        // One creation, then 20 + 20 + 5 addresses.
        assert_eq!(plan.instructions.len(), 4);
        assert_eq!(plan.tables.len(), 1);
        assert_eq!(plan.tables[0].addresses, tableable(std::slice::from_ref(&ix)));
        tables.adopt(plan);
        assert!(
            tables.plan(&authority, std::slice::from_ref(&ix), 101).instructions.is_empty(),
            "already covered"
        );
        assert_eq!(tables.for_instructions(&[ix]).len(), 1);
        // 215 more fill the first table past 256: a second one, at another slot than the first.
        let plan = tables.plan(&authority, &[wide(215)], 100);
        assert_eq!(plan.tables.len(), 2);
        assert_ne!(plan.tables[0].key, plan.tables[1].key, "distinct addresses at one recent slot");
        assert!(plan.tables.iter().all(|t| t.addresses.len() <= MAX_ADDRESSES));
        assert_eq!(plan.tables.iter().map(|t| t.addresses.len()).sum::<usize>(), 45 + 215);
    }

    #[test]
    fn signers_and_called_programs_are_never_looked_up() {
        let payer = Pubkey::new_unique();
        let mut ix = wide(3);
        ix.accounts.push(AccountMeta::new(payer, true));
        ix.accounts.push(AccountMeta::new_readonly(crate::exchange::ID, false));
        let found = tableable(std::slice::from_ref(&ix));
        assert_eq!(found, ix.accounts[..3].iter().map(|m| m.pubkey).collect::<Vec<_>>());
    }

    #[test]
    fn through_a_table_an_account_costs_a_byte_instead_of_thirty_two() {
        let payer = Pubkey::new_unique();
        let ix = wide(40);
        let table = AddressLookupTableAccount {
            key: Pubkey::new_unique(),
            addresses: tableable(std::slice::from_ref(&ix)),
        };
        let legacy = wire_size(std::slice::from_ref(&ix), &payer, &[]);
        let through = wire_size(&[ix], &payer, &[table]);
        assert!(legacy > PACKET_DATA_SIZE, "{legacy}");
        // 40 keys of 32 bytes out; the table's key and 40 one-byte indexes in.
        assert_eq!(legacy - through, 40 * 32 - 32 - 40 - 2, "{legacy} -> {through}");
    }

    #[test]
    fn a_table_account_decodes_to_its_addresses() {
        let (a, b) = (Pubkey::new_unique(), Pubkey::new_unique());
        let mut data = vec![0u8; META_LEN];
        data[0] = 1;
        data.extend_from_slice(a.as_ref());
        data.extend_from_slice(b.as_ref());
        assert_eq!(addresses(&data), Some(vec![a, b]));
        data[0] = 0;
        assert_eq!(addresses(&data), None, "uninitialised");
        assert_eq!(addresses(&data[..META_LEN - 1]), None, "too short");
    }
}
