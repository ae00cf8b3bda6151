//! What a program's error number means: its name and message, read from the programs' committed
//! IDLs (`idl/*.json`, which CI checks against the programs), so that SDK users, the CLI and the
//! keeper report `exchange::IntentNotOpen` rather than `custom program error: 0x1779`. Anchor's
//! own framework codes (below 6000) are not in the IDLs and are not described here.
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;

/// A program error, by number, with the name and message the program gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{program}::{name} ({code}): {message}")]
pub struct ProgramError {
    /// The program's crate name (`agent_registry`, `exchange`).
    pub program: &'static str,
    pub code: u32,
    pub name: String,
    pub message: String,
}

struct Table {
    program: &'static str,
    address: Pubkey,
    errors: Vec<(u32, String, String)>,
}

/// Both programs' committed IDLs, by crate name.
pub(crate) const IDLS: [(&str, &str); 2] = [
    ("agent_registry", include_str!("../../idl/agent_registry.json")),
    ("exchange", include_str!("../../idl/exchange.json")),
];

fn tables() -> &'static [Table] {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        IDLS.iter()
            .map(|(program, json)| {
                let idl: serde_json::Value = serde_json::from_str(json).expect("committed IDL is JSON");
                let address = idl["address"].as_str().and_then(|a| a.parse().ok()).expect("IDL address");
                let errors = idl["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        let code = u32::try_from(e["code"].as_u64()?).ok()?;
                        Some((
                            code,
                            e["name"].as_str()?.to_owned(),
                            e["msg"].as_str().unwrap_or("").to_owned(),
                        ))
                    })
                    .collect();
                Table { program, address, errors }
            })
            .collect()
    })
}

/// The error `code` of the program at `program`, if it is one of ours and the code is its own.
pub fn describe(program: &Pubkey, code: u32) -> Option<ProgramError> {
    let table = tables().iter().find(|t| t.address == *program)?;
    let (code, name, message) = table.errors.iter().find(|(c, _, _)| *c == code)?.clone();
    Some(ProgramError { program: table.program, code, name, message })
}

/// The program error a failed transaction ended with, read from its logs: the runtime's first
/// `Program <id> failed: custom program error: 0x..` line, the program that raised it (the
/// programs that called it log the same number after it, under their own ids, where it would
/// read as one of their own codes).
pub fn from_logs<S: AsRef<str>>(logs: &[S]) -> Option<ProgramError> {
    logs.iter().find_map(|line| {
        let rest = line.as_ref().strip_prefix("Program ")?;
        let (program, hex) = rest.split_once(" failed: custom program error: 0x")?;
        describe(&program.parse().ok()?, u32::from_str_radix(hex.trim(), 16).ok()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_registry::error::RegistryError;
    use exchange::error::ExchangeError;

    #[test]
    fn names_every_code_as_the_program_does() {
        for (program, code, name) in [
            (exchange::ID, u32::from(ExchangeError::IntentNotOpen), "IntentNotOpen"),
            (exchange::ID, u32::from(ExchangeError::IntentAlreadyExists), "IntentAlreadyExists"),
            (agent_registry::ID, u32::from(RegistryError::AgentRepeated), "AgentRepeated"),
            (agent_registry::ID, u32::from(RegistryError::StakeInsufficientFree), "StakeInsufficientFree"),
        ] {
            let error = describe(&program, code).unwrap();
            assert_eq!((error.code, error.name.as_str()), (code, name));
            assert!(!error.message.is_empty());
        }
        let error = describe(&exchange::ID, u32::from(ExchangeError::IntentNotOpen)).unwrap();
        assert_eq!(error.message, ExchangeError::IntentNotOpen.to_string());
        assert!(error.to_string().starts_with("exchange::IntentNotOpen ("));
    }

    #[test]
    fn unknown_programs_and_codes_are_not_described() {
        assert_eq!(describe(&Pubkey::new_unique(), 6000), None);
        assert_eq!(describe(&exchange::ID, 2006), None, "Anchor's own codes are not in the IDL");
        assert_eq!(describe(&exchange::ID, 9999), None);
    }

    #[test]
    fn reads_the_failing_program_and_code_from_logs() {
        let code = u32::from(RegistryError::AgentRepeated);
        let logs = [
            format!("Program {} invoke [1]", exchange::ID),
            format!("Program {} invoke [2]", agent_registry::ID),
            format!("Program {} failed: custom program error: {code:#x}", agent_registry::ID),
            format!("Program {} failed: custom program error: {code:#x}", exchange::ID),
        ];
        let error = from_logs(&logs).unwrap();
        assert_eq!((error.program, error.name.as_str()), ("agent_registry", "AgentRepeated"));
        assert_eq!(from_logs(&["Program log: hello"]), None);
    }
}
