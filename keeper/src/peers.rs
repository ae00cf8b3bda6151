//! The other keepers this one knows, learned from the chain, and whose turn each crank is.
//!
//! Keepers that race for the same crank pay a fee for every transaction that loses. So keepers
//! take turns ([`agx_core::turn`]): for each crank, every keeper ranks the keepers it knows the
//! same way; the first sends at the due slot without preflight (the slot counts), the one ranked
//! `r` waits `r` turns of [`TURN_SLOTS`], reads the intent again and sends with preflight, so if
//! an earlier keeper landed it, the later ones find it done and pay nothing.
//!
//! The set is learned from the chain, never configured: after each crank the keeper reads the
//! intent's recent transactions ([`cranked_by`]) and knows every other fee payer that sent one
//! of the protocol's cranks on it, whether it landed or lost. Keepers that start together race
//! once, then know each other. A keeper that lets its turn pass ([`Peers::missed`], four times
//! in a row) is forgotten until it is seen cranking again, so a dead keeper delays four cranks
//! by a turn, not every crank for ever. A keeper alone knows nobody and sends every crank at its due slot.
use std::collections::HashMap;

use agx_core::commitment::SoftwareSha256;
use agx_core::lifecycle::Crank;
use agx_sdk::Pubkey;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;

use crate::rpc::RpcPool;

/// Slots between two keepers' turns at a deadline. The first keeper's transaction, sent at the
/// due slot, lands in that slot or the next; the second keeper reads the intent after both.
pub const TURN_SLOTS: u64 = 2;
/// Slots between two keepers' turns at a close. A close has no deadline, so its turns count from
/// the slot each keeper first saw it due, and keepers see that a few slots apart when they are
/// busy: wider turns absorb it, and cost nothing but a slower close when a keeper is dead.
pub const CLOSE_TURN_SLOTS: u64 = 8;
/// Turns a known keeper may let pass in a row before it is forgotten. Not one: a keeper that is
/// only slow (a burst) would be forgotten while it still takes turns, and the keepers' views
/// would part.
const MISSES_TO_FORGET: u8 = 4;
/// At most this many keepers are remembered (the least recently seen goes first).
const MAX_PEERS: usize = 64;
/// How many of an intent's latest transactions [`cranked_by`] reads.
const HISTORY: usize = 16;

#[derive(Clone, Copy, Debug)]
struct Peer {
    last_seen_slot: u64,
    missed: u8,
}

/// This keeper's turn for one crank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Turn {
    /// 0: first.
    pub rank: usize,
    /// The keepers whose turn comes before this one's.
    pub ahead: Vec<Pubkey>,
}

impl Turn {
    /// The slot this keeper sends at, for a crank it may send from `base`, with turns `width`
    /// slots apart.
    pub fn send_at(&self, base: u64, width: u64) -> u64 {
        let rank = u64::try_from(self.rank).unwrap_or(u64::MAX);
        base.saturating_add(rank.saturating_mul(width))
    }
}

#[derive(Debug)]
pub struct Peers {
    me: Pubkey,
    known: HashMap<Pubkey, Peer>,
    /// Moves whenever the set changes: a turn computed at another generation is stale.
    generation: u64,
}

impl Peers {
    pub fn new(me: Pubkey) -> Self {
        Self { me, known: HashMap::new(), generation: 0 }
    }

    /// Changes whenever a keeper is learned or forgotten.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The keepers known besides this one.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// This keeper's turn for the crank due at `due_slot` on `intent`.
    pub fn turn(&self, intent: &Pubkey, due_slot: u64) -> Turn {
        let key =
            |k: &Pubkey| agx_core::turn::key::<SoftwareSha256>(&intent.to_bytes(), due_slot, &k.to_bytes());
        let mine = (key(&self.me), self.me);
        let mut ahead: Vec<(_, Pubkey)> =
            self.known.keys().map(|k| (key(k), *k)).filter(|other| *other < mine).collect();
        ahead.sort_unstable();
        Turn { rank: ahead.len(), ahead: ahead.into_iter().map(|(_, k)| k).collect() }
    }

    /// `keeper` sent a crank at `slot` (landed or not): it is alive and cranking.
    pub fn seen(&mut self, keeper: Pubkey, slot: u64) {
        if keeper == self.me {
            return;
        }
        if !self.known.contains_key(&keeper) {
            self.generation = self.generation.wrapping_add(1);
            if self.known.len() >= MAX_PEERS {
                let oldest = self.known.iter().min_by_key(|(_, p)| p.last_seen_slot).map(|(k, _)| *k);
                if let Some(oldest) = oldest {
                    self.known.remove(&oldest);
                }
            }
        }
        let peer = self.known.entry(keeper).or_insert(Peer { last_seen_slot: slot, missed: 0 });
        peer.last_seen_slot = peer.last_seen_slot.max(slot);
        peer.missed = 0;
    }

    /// This keeper's turn came and the crank was still due: the keepers `ahead` let theirs pass.
    pub fn missed(&mut self, ahead: &[Pubkey]) {
        for keeper in ahead {
            let forget = match self.known.get_mut(keeper) {
                Some(peer) => {
                    peer.missed = peer.missed.saturating_add(1);
                    peer.missed >= MISSES_TO_FORGET
                }
                None => false,
            };
            if forget {
                self.known.remove(keeper);
                self.generation = self.generation.wrapping_add(1);
            }
        }
    }
}

/// Whether `crank` names its sender as a keeper (`bid_close` does not: bidders close their own
/// bids too).
fn names_a_keeper(crank: Crank) -> bool {
    crank != Crank::CloseBids
}

/// The fee payers other than `me` of the cranks sent on `intent` from `since_slot` on, landed or
/// failed, with the slot of each: what the chain says about who else keeps this market.
pub async fn cranked_by(
    rpc: &RpcPool,
    intent: &Pubkey,
    since_slot: u64,
    me: &Pubkey,
) -> anyhow::Result<Vec<(Pubkey, u64)>> {
    let query = || GetConfirmedSignaturesForAddress2Config {
        limit: Some(HISTORY),
        commitment: Some(CommitmentConfig::confirmed()),
        ..GetConfirmedSignaturesForAddress2Config::default()
    };
    let recent = rpc.call(|c| c.get_signatures_for_address_with_config(intent, query())).await?;
    let config = crate::rpc::transaction_config();
    let mut found = Vec::new();
    for entry in recent.into_iter().filter(|e| e.slot >= since_slot) {
        let Ok(signature) = entry.signature.parse::<solana_transaction::Signature>() else { continue };
        let Ok(tx) = rpc.call(|c| c.get_transaction_with_config(&signature, config)).await else { continue };
        let Some(tx) = tx.transaction.transaction.decode() else { continue };
        let Some(payer) = tx.message.static_account_keys().first().copied() else { continue };
        if crate::cranks::crank_in(&tx).is_some_and(names_a_keeper) && payer != *me {
            found.push((payer, entry.slot));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keeper_alone_is_first_for_every_crank() {
        let peers = Peers::new(Pubkey::new_unique());
        for slot in 0..50 {
            assert_eq!(peers.turn(&Pubkey::new_unique(), slot), Turn::default());
        }
        assert_eq!(Turn::default().send_at(100, TURN_SLOTS), 100);
    }

    /// Three keepers that know each other agree on one order for every crank.
    #[test]
    fn keepers_that_know_each_other_agree_on_the_order() {
        let keys = [Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique()];
        let views: Vec<Peers> = keys
            .iter()
            .map(|me| {
                let mut peers = Peers::new(*me);
                keys.iter().for_each(|k| peers.seen(*k, 1));
                peers
            })
            .collect();
        assert!(views.iter().all(|v| v.len() == 2), "a keeper does not count itself");
        for slot in 0..100 {
            let intent = Pubkey::new_unique();
            let mut ranks: Vec<usize> = views.iter().map(|v| v.turn(&intent, slot).rank).collect();
            ranks.sort_unstable();
            assert_eq!(ranks, [0, 1, 2]);
            let second = views.iter().find(|v| v.turn(&intent, slot).rank == 1).expect("a second");
            let first = views.iter().find(|v| v.turn(&intent, slot).rank == 0).expect("a first");
            assert_eq!(second.turn(&intent, slot).ahead, vec![first.me]);
            assert_eq!(second.turn(&intent, slot).send_at(slot, TURN_SLOTS), slot + TURN_SLOTS);
        }
    }

    #[test]
    fn a_keeper_that_lets_four_turns_pass_in_a_row_is_forgotten_until_seen_again() {
        let (me, other) = (Pubkey::new_unique(), Pubkey::new_unique());
        let mut peers = Peers::new(me);
        peers.seen(other, 10);
        peers.missed(&[other]);
        peers.seen(other, 11); // it cranked again: the count starts over
        for _ in 1..MISSES_TO_FORGET {
            peers.missed(&[other]);
        }
        assert_eq!(peers.len(), 1);
        let before = peers.generation();
        peers.missed(&[other]);
        assert!(peers.is_empty());
        assert_ne!(peers.generation(), before, "turns computed with it are stale");
        peers.seen(other, 20);
        assert_eq!(peers.len(), 1);
    }

    #[test]
    fn the_least_recently_seen_keeper_makes_room() {
        let mut peers = Peers::new(Pubkey::new_unique());
        let first = Pubkey::new_unique();
        peers.seen(first, 0);
        for slot in 1..=MAX_PEERS as u64 {
            peers.seen(Pubkey::new_unique(), slot);
        }
        assert_eq!(peers.len(), MAX_PEERS);
        assert!(!peers.known.contains_key(&first));
    }

    #[test]
    fn every_crank_but_a_bid_close_names_a_keeper() {
        assert!(names_a_keeper(Crank::Settle) && names_a_keeper(Crank::Failover));
        assert!(!names_a_keeper(Crank::CloseBids));
    }
}
