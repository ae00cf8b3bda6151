//! The keeper on any [`Chain`], by polling: each tick reads every intent, schedules what each
//! needs with the same [`schedule`](crate::schedule) the service uses, and sends the cranks due.
//! This is the keeper of the embedded chain (which has no subscriptions to watch) and of tools
//! that step a market slot by slot; on a cluster the [`service`](crate::service) does the same
//! work event-driven, with its sender, economics and metrics.
use agx_core::lifecycle::Crank;
use agx_sdk::chain::Chain;
use agx_sdk::{discover, token, Error, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::cranks::{oversized, prepare, reads, transactions, KeeperAccounts, OpenBid, Read};
use crate::schedule::{next_crank, DueIndex, Liveness, Snapshot};
use crate::stalls::{Change, Stalls, DEFAULT_STALL_HEARTBEATS};
use agx_sdk::lookup::LookupTables;

/// A crank the keeper sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cranked {
    pub intent: Pubkey,
    pub crank: Crank,
    pub slot: u64,
    /// `None`: landed; else why it failed (another keeper may have been first).
    pub error: Option<String>,
}

/// Counts of what it sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub landed: u64,
    pub failed: u64,
}

pub struct PollingKeeper {
    keypair: Keypair,
    accounts: KeeperAccounts,
    heartbeat_timeout: u64,
    index: DueIndex,
    totals: Totals,
    stalls: Stalls,
    /// Stall flags raised or cleared since they were last taken, with the job each concerns.
    stall_changes: Vec<(Pubkey, Change)>,
    /// The address lookup tables this keeper made for cranks too large for a legacy transaction.
    tables: LookupTables,
    /// The size above which a crank goes out through the tables: a packet's, unless a test
    /// lowers it ([`PollingKeeper::tables_above`]).
    legacy_limit: usize,
}

impl PollingKeeper {
    /// A keeper signing with `keypair`; reads the registry's config and creates the keeper's
    /// stake-mint account (failover rewards) when it has none.
    pub fn start(chain: &dyn Chain, keypair: Keypair) -> Result<Self, Error> {
        let config = discover::registry_config(chain)?;
        let stake = agx_sdk::ix::registry::StakeToken::of(&config);
        let caller = keypair.pubkey();
        let caller_stake_tokens = stake.associated(&caller);
        if !chain.exists(&caller_stake_tokens)? {
            let create = token::create_associated_idempotent(caller, caller, stake.mint, stake.program);
            chain.send(&[create], &keypair, &[])?;
        }
        Ok(Self {
            keypair,
            accounts: KeeperAccounts { caller, caller_stake_tokens, stake },
            heartbeat_timeout: config.heartbeat_timeout_slots,
            index: DueIndex::default(),
            totals: Totals::default(),
            stalls: Stalls::new(DEFAULT_STALL_HEARTBEATS),
            stall_changes: Vec::new(),
            tables: LookupTables::default(),
            legacy_limit: crate::sender::PACKET_DATA_SIZE,
        })
    }

    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// Sends every crank larger than `bytes` (as a legacy transaction) through lookup tables: on
    /// a small market, whose cranks all fit a packet, the way to run the path a coalition of
    /// more than five members takes on a large one.
    pub fn tables_above(mut self, bytes: usize) -> Self {
        self.legacy_limit = bytes;
        self
    }

    /// The address lookup tables this keeper made (for cranks a legacy transaction cannot carry).
    pub fn lookup_tables(&self) -> &[agx_sdk::lookup::AddressLookupTableAccount] {
        self.tables.tables()
    }

    /// Its stake-mint account, where failover rewards arrive.
    pub fn stake_tokens(&self) -> Pubkey {
        self.accounts.caller_stake_tokens
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The earliest slot at which something is due (after a [`tick`](Self::tick)).
    pub fn next_slot(&self) -> Option<u64> {
        self.index.next_slot()
    }

    /// Flags a job after `heartbeats` heartbeats in a row of its winner without progress (0:
    /// never).
    pub fn with_stall_heartbeats(mut self, heartbeats: u16) -> Self {
        self.stalls = Stalls::new(heartbeats);
        self
    }

    /// Jobs flagged stalled, or moving again, since the last call (see [`crate::stalls`]).
    pub fn take_stall_changes(&mut self) -> Vec<(Pubkey, Change)> {
        std::mem::take(&mut self.stall_changes)
    }

    /// Intents it tracks with a crank ahead.
    pub fn tracked(&self) -> usize {
        self.index.len()
    }

    /// Reads every intent and sends every crank due at the chain's current slot.
    pub fn tick(&mut self, chain: &dyn Chain) -> Result<Vec<Cranked>, Error> {
        let slot = chain.slot()?;
        let intents = discover::intents(chain, &[])?;
        let mut seen = std::collections::HashSet::new();
        for (address, state) in &intents {
            seen.insert(*address);
            let Some(snapshot) = Snapshot::of(state) else { continue };
            let winner = match snapshot.watched_winner() {
                Some(agent) => {
                    let view = chain
                        .account(&agent)?
                        .and_then(|a| agx_sdk::agent_registry::state::AgentView::read(&a.data));
                    if let Some(view) = &view {
                        if let Some(change) =
                            self.stalls.observe(agent, view.stalled_beats, view.progress_bps)
                        {
                            self.stall_changes.push((*address, change));
                        }
                    }
                    view.map(|view| Liveness {
                        last_heartbeat_slot: view.last_heartbeat_slot,
                        heartbeat_timeout: self.heartbeat_timeout,
                    })
                }
                None => None,
            };
            self.index.set(*address, next_crank(&snapshot, winner));
        }
        let gone: Vec<Pubkey> =
            self.index.due_at(u64::MAX).map(|(i, _)| i).filter(|i| !seen.contains(i)).collect();
        for intent in gone {
            self.index.remove(&intent);
        }
        let due: Vec<_> = self.index.due_at(slot).collect();
        let mut out = Vec::new();
        for (intent, due) in due {
            let Some((_, state)) = intents.iter().find(|(a, _)| *a == intent) else { continue };
            let read = self.read(chain, due.crank, &intent, state)?;
            let ixs = prepare(&due, intent, state, &self.accounts, &read).instructions;
            let batches = transactions(due.crank, &ixs, &self.accounts.caller);
            let mut error = oversized(&batches, &self.accounts.caller);
            if error.is_none() {
                for batch in batches {
                    let legacy = crate::sender::wire_size(batch, &self.accounts.caller, 1);
                    let sent = if legacy > self.legacy_limit {
                        self.tables
                            .covering(chain, &self.keypair, batch)
                            .and_then(|tables| chain.send_with_tables(batch, &self.keypair, &[], &tables))
                    } else {
                        chain.send(batch, &self.keypair, &[])
                    };
                    if let Err(e) = sent {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
            match error {
                None => self.totals.landed += 1,
                Some(_) => self.totals.failed += 1,
            }
            out.push(Cranked { intent, crank: due.crank, slot, error });
        }
        Ok(out)
    }

    /// What [`reads`] names for `crank`, from `chain`.
    fn read(
        &self,
        chain: &dyn Chain,
        crank: Crank,
        intent: &Pubkey,
        state: &agx_sdk::accounts::Intent,
    ) -> Result<Read, Error> {
        let accounts = reads(crank, state, &self.accounts.stake)
            .iter()
            .map(|address| Ok(chain.account(address)?.map(|a| (a.owner, a.data))))
            .collect::<Result<_, Error>>()?;
        let open_bids = match crank {
            Crank::CloseBids => discover::bids(chain, intent)?
                .into_iter()
                .map(|(_, bid)| OpenBid { agent: bid.agent, round: bid.round, bidder: bid.bidder })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Read { accounts, open_bids })
    }
}
