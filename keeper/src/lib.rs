//! The keeper: small supervised parts that watch the chain and crank deadlines.
//!
//! Today it has its first part, the slot [`watcher`]: the clock every deadline check runs on.
//! Later parts (account index, strategy, sender, metrics) decide with the same predicates the
//! programs use, from `agx-core`.
pub mod watcher;
