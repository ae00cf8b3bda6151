//! Instruction builders. Account lists come from the programs' own `#[derive(Accounts)]`
//! structs (`ToAccountMetas`), data from their instruction structs (`InstructionData`), so a
//! builder cannot drift from the program it targets.
pub mod exchange;
pub mod registry;

pub use exchange::{default_config_args, exchange_config_init};
pub use registry::registry_config_init;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// An instruction's accounts by name, nested groups flattened, each with whether it is
    /// optional.
    fn accounts(list: &Value) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for a in list.as_array().unwrap() {
            match a.get("accounts") {
                Some(inner) => out.extend(accounts(inner)),
                None => out.push((a["name"].as_str().unwrap().to_owned(), a["optional"] == true)),
            }
        }
        out
    }

    /// The exchange's optional account groups (`account_groups.rs`) have one shape: wherever an
    /// instruction takes a group, it takes all of it, optional, in this order, side by side, so
    /// a client fills every instruction's group the same way.
    #[test]
    fn each_account_group_has_the_same_names_and_order_everywhere() {
        let (_, json) = crate::program_error::IDLS[1];
        let idl: Value = serde_json::from_str(json).unwrap();
        let groups: [(&[&str], &[&str]); 2] = [
            (
                &["escrow", "mint", "requester_tokens", "requester", "token_program"],
                &["auction_settle", "failover_trigger", "award_decline"],
            ),
            (
                &["stake_vault", "stake_mint", "stake_token_program", "requester_stake_tokens"],
                &["dispute_resolve", "failover_trigger", "award_decline"],
            ),
        ];
        for (group, takers) in groups {
            let mut found = Vec::new();
            for ix in idl["instructions"].as_array().unwrap() {
                let list = accounts(&ix["accounts"]);
                let Some(at) = list.iter().position(|(name, optional)| name == group[0] && *optional) else {
                    continue;
                };
                let name = ix["name"].as_str().unwrap();
                let taken: Vec<&str> = list[at..].iter().take(group.len()).map(|(n, _)| n.as_str()).collect();
                assert_eq!(taken, group, "{name}: the group's accounts, in order");
                assert!(
                    list[at..at + group.len()].iter().all(|(_, optional)| *optional),
                    "{name}: all optional"
                );
                found.push(name);
            }
            found.sort_unstable();
            let mut expected = takers.to_vec();
            expected.sort_unstable();
            assert_eq!(found, expected, "the instructions that take {group:?}");
        }
    }
}
