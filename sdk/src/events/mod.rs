//! Decoding of the programs' events from transaction logs.
//!
//! Both programs emit events with `emit!`, which logs `Program data: <base64>` where the payload
//! is the event's 8-byte discriminator followed by its Borsh encoding. A discriminator is only
//! unique within one program, so every payload is attributed to the program that logged it (the
//! one on top of the `invoke` stack at that line) and decoded by that program's types alone.
mod named;
#[cfg(feature = "rpc")]
mod stream;

use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorDeserialize, Discriminator, Event};
use base64::Engine as _;

pub use agent_registry::events as registry;
pub use exchange::events as exchange;
pub use named::{decode_named, named_in, NamedEvent};
#[cfg(feature = "rpc")]
pub use stream::{EventStream, StreamItem};

const DATA_PREFIX: &str = "Program data: ";

/// An event type together with the program that emits it.
pub trait ProgramEvent: Event + Discriminator + AnchorDeserialize {
    /// The program whose logs carry this event.
    const PROGRAM: Pubkey;
}

macro_rules! program_events {
    ($names:ident, $program:ident: $($event:ident),* $(,)?) => {
        $(impl ProgramEvent for ::$program::events::$event {
            const PROGRAM: Pubkey = ::$program::ID;
        })*
        /// The events given a [`ProgramEvent`] impl, by name (checked against the IDL).
        #[cfg(test)]
        const $names: &[&str] = &[$(stringify!($event)),*];
    };
}

program_events!(REGISTRY_EVENTS, agent_registry:
    RegistryConfigInitialized, AgentRegistered, AgentUpdated, AgentDeactivated, AgentClosed,
    AgentHeartbeat, StakeDeposited, StakeUnstakeRequested, StakeWithdrawn, StakeLocked,
    StakeUnlocked, StakeSlashed, OutcomeSettled, ReputationRecorded, AgentEngagementChanged,
    StakeSurplusSwept, RegistryConfigUpdated, RegistryAdminProposed, RegistryAdminChanged, AgentOffersChanged,
    AgentHired, ReputationCorrected,
);
program_events!(EXCHANGE_EVENTS, exchange:
    ExchangeConfigInitialized, IntentCreated, IntentCancelled, BidCommitted, BidRevealed,
    BidDisqualified, BidReranked, IntentClosed, AuctionAwarded, AuctionExpired, BidClosed,
    ExchangeConfigUpdated, ExchangeAdminProposed, ExchangeAdminChanged, ResultSubmitted,
    JobCompleted, DisputeOpened, DisputeResolved, FailoverTriggered, FailoverCandidateSkipped,
    EscrowSettled, EscrowClaimed, FeeWithdrawn, StandbyFailed, BudgetCreated, BudgetFunded,
    BudgetPaid, BudgetRevoked, BudgetClosed, BudgetIntentFunded, IntentLinked, HireDeclined,
    CoalitionCreated, CoalitionAccepted, CoalitionLeft, CoalitionTermsChanged, CoalitionDissolved,
    CoalitionPartMarked, CoalitionPaid, EvaluatorPaid, RatingReplyOpened, RatingContested,
    RatingReplyEnded,
);

/// Every `Program data:` payload in `logs`, with the program that logged it: the program on top
/// of the `Program <id> invoke [n]` / `Program <id> success|failed` stack at that line. A line
/// outside any invocation (or after a truncated log) is attributed to nothing and skipped.
pub fn payloads(logs: &[String]) -> impl Iterator<Item = (Pubkey, Vec<u8>)> + '_ {
    let mut stack: Vec<Pubkey> = Vec::new();
    logs.iter().filter_map(move |line| {
        if let Some(b64) = line.strip_prefix(DATA_PREFIX) {
            let program = *stack.last()?;
            return Some((program, base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?));
        }
        let (id, rest) = line.strip_prefix("Program ")?.split_once(' ')?;
        let id: Pubkey = id.parse().ok()?;
        if let Some(depth) = rest.strip_prefix("invoke [").and_then(|d| d.strip_suffix(']')) {
            // The depth, not the count of pushes, places the frame: a frame whose `success`
            // line was lost (a truncated log) does not shift everything after it.
            let depth: usize = depth.parse().ok()?;
            stack.truncate(depth.saturating_sub(1));
            stack.push(id);
        } else if (rest == "success" || rest.starts_with("failed")) && stack.last() == Some(&id) {
            stack.pop();
        }
        None
    })
}

/// Decodes one payload as event `E`, or `None` when it is another event or is not read exactly
/// to its end.
pub fn decode<E: Event + Discriminator + AnchorDeserialize>(payload: &[u8]) -> Option<E> {
    let body = payload.strip_prefix(E::DISCRIMINATOR)?;
    // `try_from_slice` refuses bytes left over.
    E::try_from_slice(body).ok()
}

/// Every event of type `E` that `E`'s program logged in `logs`, in order.
pub fn find<E: ProgramEvent>(logs: &[String]) -> Vec<E> {
    payloads(logs)
        .filter(|(program, _)| *program == E::PROGRAM)
        .filter_map(|(_, p)| decode::<E>(&p))
        .collect()
}

#[cfg(test)]
mod tests {
    use anchor_lang::{AnchorSerialize, Discriminator};

    use super::*;

    fn data_line<E: AnchorSerialize + Discriminator>(event: &E) -> String {
        let mut out = E::DISCRIMINATOR.to_vec();
        event.serialize(&mut out).unwrap();
        format!("{DATA_PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(out))
    }

    #[test]
    fn every_idl_event_has_its_program() {
        for (names, (program, json)) in
            [REGISTRY_EVENTS, EXCHANGE_EVENTS].iter().zip(crate::program_error::IDLS)
        {
            let idl: serde_json::Value = serde_json::from_str(json).unwrap();
            let mut in_idl: Vec<&str> =
                idl["events"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
            let mut listed = names.to_vec();
            in_idl.sort_unstable();
            listed.sort_unstable();
            assert_eq!(listed, in_idl, "{program}: every event of the IDL implements ProgramEvent");
        }
    }

    #[test]
    fn event_names_are_unique_across_the_programs() {
        for name in REGISTRY_EVENTS {
            assert!(!EXCHANGE_EVENTS.contains(name), "{name} is an event of both programs");
        }
    }

    #[test]
    fn a_payload_belongs_to_the_program_on_top_of_the_invoke_stack() {
        let (registry, exchange) = (::agent_registry::ID, ::exchange::ID);
        let heartbeat = ::agent_registry::events::AgentHeartbeat {
            agent: Pubkey::new_unique(),
            slot: 5,
            progress_bps: 1,
            stalled_beats: 0,
            missed_heartbeats: 0,
        };
        let logs = vec![
            format!("Program {exchange} invoke [1]"),
            "Program log: Instruction: ResultSubmit".to_string(),
            format!("Program {registry} invoke [2]"),
            data_line(&heartbeat),
            format!("Program {registry} consumed 100 of 200 compute units"),
            format!("Program {registry} success"),
            data_line(&heartbeat),
            format!("Program {exchange} success"),
            data_line(&heartbeat),
        ];
        let owners: Vec<Pubkey> = payloads(&logs).map(|(program, _)| program).collect();
        assert_eq!(owners, vec![registry, exchange], "the line outside any invocation is nobody's");
        // The typed path takes only what the event's own program logged.
        assert_eq!(find::<::agent_registry::events::AgentHeartbeat>(&logs).len(), 1);
        // A frame whose `success` line is lost does not shift the frames after it.
        let truncated = vec![
            format!("Program {exchange} invoke [1]"),
            format!("Program {registry} invoke [2]"),
            format!("Program {registry} invoke [1]"),
            data_line(&heartbeat),
        ];
        assert_eq!(payloads(&truncated).map(|(p, _)| p).collect::<Vec<_>>(), vec![registry]);
    }

    #[test]
    fn a_payload_with_bytes_left_over_is_not_the_event() {
        let heartbeat = ::agent_registry::events::AgentHeartbeat {
            agent: Pubkey::new_unique(),
            slot: 5,
            progress_bps: 1,
            stalled_beats: 0,
            missed_heartbeats: 0,
        };
        let mut bytes = ::agent_registry::events::AgentHeartbeat::DISCRIMINATOR.to_vec();
        heartbeat.serialize(&mut bytes).unwrap();
        assert!(decode::<::agent_registry::events::AgentHeartbeat>(&bytes).is_some());
        bytes.push(0);
        assert!(decode::<::agent_registry::events::AgentHeartbeat>(&bytes).is_none());
    }
}
