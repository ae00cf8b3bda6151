//! The keeper: a service that watches the chain and sends every crank the protocol needs.
//!
//! The decision core is transport-free: [`schedule`] (what an intent needs next and from which
//! slot, by the programs' own predicates in `agx-core`), [`tracker`] (every tracked intent in an
//! index ordered by due slot) and [`cranks`] (the instructions for a due crank), with
//! [`economics`] (whether a crank pays for itself). Around it, the parts that talk to a cluster:
//! [`watcher`] (slot and account subscriptions, resyncs), [`rpc`] (several endpoints as one),
//! [`sender`] (compute budget, priority fee, confirmation, retries), [`peers`] (the other keepers,
//! learned from the chain, and whose turn each crank is) and [`service`] (the loop and its
//! workers), observed through [`metrics`] and configured by [`config`]. [`poll`] runs the
//! same decision core on any `agx_sdk::chain::Chain` by polling (the embedded chain's keeper).
pub mod backoff;
pub mod books;
pub mod cli;
pub mod config;
pub mod cranks;
pub mod economics;
pub mod metrics;
pub mod peers;
pub mod poll;
pub mod poller;
pub mod rpc;
pub mod schedule;
pub mod sender;
pub mod service;
pub mod stalls;
pub mod tracker;
pub mod watcher;
