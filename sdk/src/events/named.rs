//! Any event of either program, decoded by the committed IDLs into its name and its fields as
//! JSON: what `agx watch` prints, and what a client that does not link the programs' crates can
//! use. The typed path ([`super::find`]) stays the way to get one event type as its struct.
use std::collections::HashMap;
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use serde_json::{json, Map, Value};

use crate::program_error::IDLS;

/// One decoded event.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedEvent {
    /// `agent_registry` or `exchange`.
    pub program: &'static str,
    pub name: String,
    pub fields: Value,
}

impl std::fmt::Display for NamedEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{} {}", self.program, self.name, self.fields)
    }
}

struct Idl {
    program: &'static str,
    address: Pubkey,
    /// Event name by discriminator.
    events: HashMap<[u8; 8], String>,
    /// Type definitions by name.
    types: HashMap<String, Value>,
}

fn idls() -> &'static [Idl] {
    static IDLS_PARSED: OnceLock<Vec<Idl>> = OnceLock::new();
    IDLS_PARSED.get_or_init(|| {
        IDLS.iter()
            .map(|(program, json)| {
                let idl: Value = serde_json::from_str(json).expect("committed IDL is JSON");
                let address = idl["address"].as_str().and_then(|a| a.parse().ok()).expect("IDL address");
                let events = idl["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        let d: Vec<u8> = e["discriminator"]
                            .as_array()?
                            .iter()
                            .filter_map(|b| u8::try_from(b.as_u64()?).ok())
                            .collect();
                        Some((d.try_into().ok()?, e["name"].as_str()?.to_owned()))
                    })
                    .collect();
                let types = idl["types"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["type"].clone())))
                    .collect();
                Idl { program, address, events, types }
            })
            .collect()
    })
}

/// Decodes one `Program data:` payload (discriminator + Borsh) that `program` logged, by that
/// program's IDL alone; `None` when `program` is neither of ours, the discriminator is not one of
/// its events, or the payload is not read exactly to its end.
pub fn decode_named(program: &Pubkey, payload: &[u8]) -> Option<NamedEvent> {
    let disc: [u8; 8] = payload.get(..8)?.try_into().ok()?;
    let idl = idls().iter().find(|idl| idl.address == *program)?;
    let name = idl.events.get(&disc)?;
    let mut reader = Reader { bytes: &payload[8..], idl };
    let fields = reader.defined(name)?;
    reader.bytes.is_empty().then(|| NamedEvent { program: idl.program, name: name.clone(), fields })
}

/// Every event in `logs`, each decoded by the program that logged it.
pub fn named_in(logs: &[String]) -> Vec<NamedEvent> {
    super::payloads(logs).filter_map(|(program, p)| decode_named(&program, &p)).collect()
}

struct Reader<'a> {
    bytes: &'a [u8],
    idl: &'a Idl,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn le<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn defined(&mut self, name: &str) -> Option<Value> {
        let ty = self.idl.types.get(name)?.clone();
        match ty["kind"].as_str()? {
            "struct" => {
                let mut out = Map::new();
                for field in ty["fields"].as_array()? {
                    out.insert(field["name"].as_str()?.to_owned(), self.value(&field["type"])?);
                }
                Some(Value::Object(out))
            }
            "enum" => {
                let index = usize::from(self.le::<1>()?[0]);
                let variant = ty["variants"].as_array()?.get(index)?;
                // Only fieldless variants occur in these programs' events.
                variant.get("fields").is_none().then(|| json!(variant["name"]))
            }
            _ => None,
        }
    }

    fn value(&mut self, ty: &Value) -> Option<Value> {
        if let Some(name) = ty.as_str() {
            return Some(match name {
                "bool" => json!(self.le::<1>()?[0] != 0),
                "u8" => json!(self.le::<1>()?[0]),
                "i8" => json!(i8::from_le_bytes(self.le()?)),
                "u16" => json!(u16::from_le_bytes(self.le()?)),
                "i16" => json!(i16::from_le_bytes(self.le()?)),
                "u32" => json!(u32::from_le_bytes(self.le()?)),
                "i32" => json!(i32::from_le_bytes(self.le()?)),
                "u64" => json!(u64::from_le_bytes(self.le()?)),
                "i64" => json!(i64::from_le_bytes(self.le()?)),
                // JSON numbers stop at 2^53 in most readers: 128-bit values go as strings.
                "u128" => json!(u128::from_le_bytes(self.le()?).to_string()),
                "i128" => json!(i128::from_le_bytes(self.le()?).to_string()),
                "pubkey" => json!(Pubkey::new_from_array(self.le()?).to_string()),
                "string" => {
                    let len = usize::try_from(u32::from_le_bytes(self.le()?)).ok()?;
                    json!(String::from_utf8(self.take(len)?.to_vec()).ok()?)
                }
                "bytes" => {
                    let len = usize::try_from(u32::from_le_bytes(self.le()?)).ok()?;
                    json!(hex(self.take(len)?))
                }
                _ => return None,
            });
        }
        if let Some(inner) = ty.get("option") {
            return match self.le::<1>()?[0] {
                0 => Some(Value::Null),
                _ => self.value(inner),
            };
        }
        if let Some(inner) = ty.get("vec") {
            let len = u32::from_le_bytes(self.le()?);
            return (0..len).map(|_| self.value(inner)).collect::<Option<Vec<_>>>().map(Value::Array);
        }
        if let Some(array) = ty.get("array") {
            let (inner, len) = (&array[0], array[1].as_u64()?);
            if inner.as_str() == Some("u8") {
                return Some(json!(hex(self.take(usize::try_from(len).ok()?)?)));
            }
            return (0..len).map(|_| self.value(inner)).collect::<Option<Vec<_>>>().map(Value::Array);
        }
        if let Some(defined) = ty.get("defined") {
            let name = defined["name"].as_str().or_else(|| defined.as_str())?;
            return self.defined(name);
        }
        None
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use anchor_lang::{AnchorSerialize, Discriminator};

    use super::*;

    fn payload<E: AnchorSerialize + Discriminator>(event: &E) -> Vec<u8> {
        let mut out = E::DISCRIMINATOR.to_vec();
        event.serialize(&mut out).unwrap();
        out
    }

    #[test]
    fn decodes_events_of_both_programs_field_by_field() {
        let intent = Pubkey::new_unique();
        let e = exchange::events::FailoverTriggered {
            intent,
            failed_agent: Pubkey::new_unique(),
            cause: 1,
            slashed: 250,
            reward: 25,
            result: 0,
            winner_agent: Pubkey::new_unique(),
            payment: 9,
            execution_deadline_slot: 99,
            round: 0,
            failovers: 1,
            refunded: 0,
        };
        let named = decode_named(&exchange::ID, &payload(&e)).expect("decodes");
        assert_eq!((named.program, named.name.as_str()), ("exchange", "FailoverTriggered"));
        assert_eq!(named.fields["intent"], json!(intent.to_string()));
        assert_eq!((named.fields["cause"].clone(), named.fields["slashed"].clone()), (json!(1), json!(250)));

        let r = agent_registry::events::ReputationRecorded {
            agent: intent,
            kind: agent_registry::state::OutcomeKind::Failed,
            value: 7,
            rating_bps: Some(9_000),
            reputation: 1234,
        };
        let named = decode_named(&agent_registry::ID, &payload(&r)).expect("decodes");
        assert_eq!(named.to_string(), format!(
            "agent_registry::ReputationRecorded {{\"agent\":\"{intent}\",\"kind\":\"Failed\",\"value\":7,\"rating_bps\":9000,\"reputation\":1234}}"
        ));
    }

    #[test]
    fn truncated_or_unknown_payloads_are_not_events() {
        let r = agent_registry::events::AgentHeartbeat {
            agent: Pubkey::new_unique(),
            slot: 5,
            progress_bps: 100,
            stalled_beats: 0,
            missed_heartbeats: 0,
        };
        let bytes = payload(&r);
        let registry = agent_registry::ID;
        assert!(decode_named(&registry, &bytes).is_some());
        assert!(decode_named(&registry, &bytes[..bytes.len() - 1]).is_none());
        assert!(decode_named(&registry, &[bytes.clone(), vec![0]].concat()).is_none(), "a byte left over");
        assert!(decode_named(&exchange::ID, &bytes).is_none(), "another program's payload");
        assert!(decode_named(&registry, &[0u8; 40]).is_none());
    }

    /// What the review saw: the exchange's admin events were printed as the registry's, and the
    /// exchange's `ConfigUpdated` decoded as the registry's shorter settings. Both programs'
    /// config events, in one transaction's logs, each come out as their own program's.
    #[test]
    fn config_events_of_both_programs_are_told_apart() {
        let (registry, exchange) = (agent_registry::ID, exchange::ID);
        let admin = Pubkey::new_unique();
        let line = |bytes: Vec<u8>| {
            format!("Program data: {}", base64::engine::general_purpose::STANDARD.encode(bytes))
        };
        let logs = vec![
            format!("Program {exchange} invoke [1]"),
            line(payload(&exchange::events::ExchangeAdminChanged {
                config: exchange,
                previous: admin,
                admin,
            })),
            format!("Program {exchange} success"),
            format!("Program {registry} invoke [1]"),
            line(payload(&agent_registry::events::RegistryAdminChanged {
                config: registry,
                previous: admin,
                admin,
            })),
            format!("Program {registry} success"),
        ];
        let named: Vec<String> =
            named_in(&logs).iter().map(|e| format!("{}::{}", e.program, e.name)).collect();
        assert_eq!(named, ["exchange::ExchangeAdminChanged", "agent_registry::RegistryAdminChanged"]);
    }
}
