//! The keeper: small supervised parts that watch the chain and crank deadlines.
//!
//! Today it has the slot [`watcher`] (the clock every deadline check runs on) and the decision
//! core, [`schedule`]: what each intent needs next and when, by the programs' own predicates from
//! `agx-core`, in an index ordered by due slot, and [`cranks`], the instruction for each due
//! crank. Later parts (account subscription, sender, metrics) feed and act on them.
pub mod cranks;
pub mod schedule;
pub mod watcher;
