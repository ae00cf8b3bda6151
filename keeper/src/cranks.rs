//! The instructions for each crank the schedule says is due, built with the SDK from the decoded
//! intent (it stores the accounts a crank pays into), plus what only the keeper knows: its own
//! key and stake-mint account (failover rewards), and what it read on the cluster (the
//! requester's stake-mint accounts, the bids still open).
//!
//! One preparation for every driver: [`reads`] names what to read, the driver reads it its own
//! way (the service over async RPC, [`PollingKeeper`](crate::poll::PollingKeeper) from any
//! `Chain`), and [`prepare`] turns the decoded intent and what was read into instructions.
use agx_core::lifecycle::Crank;
use agx_sdk::accounts::Intent;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry::StakeToken;
use agx_sdk::{token, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::Discriminator;

use crate::schedule::Due;
use crate::sender::{wire_size, PACKET_DATA_SIZE};

/// What a keeper brings to its cranks.
#[derive(Clone, Copy, Debug)]
pub struct KeeperAccounts {
    /// Signs and pays the fee; earns the tips.
    pub caller: Pubkey,
    /// Its token account of the stake mint: failover rewards.
    pub caller_stake_tokens: Pubkey,
    /// The registry's stake mint and token program.
    pub stake: StakeToken,
}

/// Where a failover pays the requester's compensation: a token account of the stake mint that
/// the requester owns. The intent does not store one (it may be paid in another mint).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compensation {
    /// An existing account.
    Existing(Pubkey),
    /// The requester's associated token account, created (idempotently, rent paid by the keeper)
    /// in the crank's transaction.
    CreateAssociated,
}

/// A bid still open on a finished intent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenBid {
    pub agent: Pubkey,
    pub round: u8,
    pub bidder: Pubkey,
}

/// An account as read: its owner program and data (`None`: it does not exist).
pub type ReadAccount = Option<(Pubkey, Vec<u8>)>;

/// What the keeper read for a crank besides the intent.
#[derive(Clone, Debug, Default)]
pub struct Read {
    /// The accounts [`reads`] named, in its order.
    pub accounts: Vec<ReadAccount>,
    /// Close-bids only: the bids still open on the intent.
    pub open_bids: Vec<OpenBid>,
}

/// A crank ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// In order; several transactions' worth for a long close-bids list (the driver batches).
    pub instructions: Vec<Instruction>,
    /// The crank creates the requester's associated stake-mint account (the keeper pays its rent).
    pub creates_account: bool,
}

/// The accounts `crank` reads before it is built: for a failover, the requester's associated
/// stake-mint account and the intent's refund account (where the compensation may go); then,
/// when a coalition heads the board (settle) or holds the job (failover, finalize), the
/// coalition (its members are passed with the crank). Close-bids also needs the open bids, a
/// `getProgramAccounts` query ([`agx_sdk::discover::bids`]).
pub fn reads(crank: Crank, state: &Intent, stake: &StakeToken) -> Vec<Pubkey> {
    let mut read = match crank {
        Crank::Failover => {
            vec![
                token::associated_address(&state.requester, &stake.mint, &stake.program),
                state.refund_tokens,
            ]
        }
        Crank::Settle | Crank::Finalize | Crank::Close | Crank::CloseBids => Vec::new(),
    };
    read.extend(coalition_of(crank, state));
    read
}

/// The coalition `crank` involves, if any: the board's head for a settlement, the job's holder
/// for a failover or a finalization.
fn coalition_of(crank: Crank, state: &Intent) -> Option<Pubkey> {
    use agx_sdk::exchange::state::BidderKind;
    match crank {
        Crank::Settle => state
            .ranked()
            .first()
            .filter(|head| head.bidder_kind == BidderKind::Coalition.to_u8())
            .map(|head| head.agent),
        Crank::Failover | Crank::Finalize => state.held_by_coalition().then_some(state.winner_agent),
        Crank::Close | Crank::CloseBids => None,
    }
}

/// The coalition read for `crank` (the last of [`reads`]), decoded.
fn read_coalition(crank: Crank, state: &Intent, read: &Read) -> Option<agx_sdk::accounts::Coalition> {
    coalition_of(crank, state)?;
    let (_, data) = read.accounts.last()?.as_ref()?;
    agx_sdk::accounts::decode_zero_copy(data).ok()
}

/// Bid closes per transaction (each a registry CPI; four fit the size and compute limits).
pub const BIDS_PER_TRANSACTION: usize = 4;

/// The transactions a crank's instructions go out in: bid closes in batches of
/// [`BIDS_PER_TRANSACTION`]; any other crank in one, unless the whole would not fit a packet,
/// when the account it creates first (an idempotent create, harmless if the crank then fails)
/// goes ahead alone. What still does not fit a legacy transaction goes out as a v0 one through
/// the keeper's address lookup tables ([`needs_tables`]; the failover of a coalition of more
/// than five members).
pub fn transactions<'a>(crank: Crank, ixs: &'a [Instruction], payer: &Pubkey) -> Vec<&'a [Instruction]> {
    match crank {
        _ if ixs.is_empty() => Vec::new(),
        Crank::CloseBids => ixs.chunks(BIDS_PER_TRANSACTION).collect(),
        _ if ixs.len() > 1 && wire_size(ixs, payer, 1) > PACKET_DATA_SIZE => {
            let (create, crank) = ixs.split_at(ixs.len() - 1);
            vec![create, crank]
        }
        _ => vec![ixs],
    }
}

/// Whether `batch` is larger than a packet as a legacy transaction: it then goes out as a v0
/// transaction looking its accounts up in the keeper's tables (`agx_sdk::lookup`).
pub fn needs_tables(batch: &[Instruction], payer: &Pubkey) -> bool {
    wire_size(batch, payer, 1) > PACKET_DATA_SIZE
}

/// Why `batches` cannot go out, when one is larger than a packet even with every account it
/// can look up in a table (the cluster would drop it unread): its size.
pub fn oversized(batches: &[&[Instruction]], payer: &Pubkey) -> Option<String> {
    let bytes = batches
        .iter()
        .filter(|b| needs_tables(b, payer))
        .map(|b| v0_wire_size(b, payer))
        .find(|bytes| *bytes > PACKET_DATA_SIZE)?;
    Some(format!(
        "its transaction would be {bytes} bytes even through address lookup tables, over the {PACKET_DATA_SIZE}-byte packet limit"
    ))
}

/// The wire size of `batch` as the v0 transaction the keeper sends for it (behind both
/// compute-budget instructions), through one table holding every account it can look up.
pub fn v0_wire_size(batch: &[Instruction], payer: &Pubkey) -> usize {
    let mut all = vec![crate::sender::compute_unit_limit(1), crate::sender::compute_unit_price(1)];
    all.extend_from_slice(batch);
    let table = agx_sdk::lookup::AddressLookupTableAccount {
        key: Pubkey::new_from_array([7; 32]),
        addresses: agx_sdk::lookup::tableable(&all),
    };
    agx_sdk::lookup::wire_size(&all, payer, &[table])
}

/// The crank `due` on `intent` (decoded as `state`), from what [`reads`] named as `read`.
pub fn prepare(due: &Due, intent: Pubkey, state: &Intent, keeper: &KeeperAccounts, read: &Read) -> Prepared {
    let compensation = (due.crank == Crank::Failover).then(|| {
        let found = |i: usize| read.accounts.get(i).and_then(Option::as_ref);
        let associated = found(0)
            .map(|_| token::associated_address(&state.requester, &keeper.stake.mint, &keeper.stake.program));
        let refund = found(1).map(|(owner, data)| (owner, data.as_slice()));
        compensation(state, &keeper.stake, associated, refund)
    });
    let coalition = read_coalition(due.crank, state, read);
    let mut instructions = instructions(due, intent, state, keeper, compensation, &read.open_bids);
    if let (Some(c), Some(crank)) = (coalition, instructions.last_mut()) {
        let members: Vec<Pubkey> = c.members().iter().map(|m| m.agent).collect();
        *crank = match due.crank {
            Crank::Settle => xix::coalition::settle_with_members(crank.clone(), &members),
            Crank::Finalize => {
                let pairs = agx_sdk::coalition::payout_pairs(&c, state);
                xix::coalition::payout_with_members(crank.clone(), &pairs)
            }
            Crank::Failover => xix::coalition::with_failed_members(crank.clone(), state, &members),
            Crank::Close | Crank::CloseBids => crank.clone(),
        };
    }
    Prepared { instructions, creates_account: compensation == Some(Compensation::CreateAssociated) }
}

/// What the keeper passes for the requester's compensation, from what it read (`associated`:
/// the requester's associated stake-mint account, if it exists; `refund`: the intent's refund
/// account as fetched, owner program and data). The program pays any stake-mint account of the
/// requester that can receive, and hands the compensation to the caller only when the
/// requester's *associated* account exists and cannot receive (the requester froze, re-owned or
/// memo-locked it). So: the associated account when it exists; else the refund account when the
/// intent pays in the stake mint and that account can receive (no rent to pay); else a new
/// associated account.
pub fn compensation(
    state: &Intent,
    stake: &StakeToken,
    associated: Option<Pubkey>,
    refund: Option<(&Pubkey, &[u8])>,
) -> Compensation {
    if let Some(account) = associated {
        return Compensation::Existing(account);
    }
    let refund_takes_it = state.mint == stake.mint
        && refund
            .and_then(|(owner, data)| agx_sdk::agent_registry::token_view::receivable_data(owner, data))
            .is_some_and(|view| view.is(stake.mint, state.requester));
    match refund_takes_it {
        true => Compensation::Existing(state.refund_tokens),
        false => Compensation::CreateAssociated,
    }
}

/// The instructions for `due` on `intent` (decoded as `state`), in order.
fn instructions(
    due: &Due,
    intent: Pubkey,
    state: &Intent,
    keeper: &KeeperAccounts,
    compensation: Option<Compensation>,
    open_bids: &[OpenBid],
) -> Vec<Instruction> {
    let pay = StakeToken::of_intent(state);
    match due.crank {
        Crank::Settle if state.leaderboard_len == 0 => {
            vec![xix::auction_settle_expire_with_escrow(
                keeper.caller,
                intent,
                state.escrow,
                state.requester,
                pay,
                state.refund_tokens,
            )]
        }
        Crank::Settle => vec![xix::auction_settle_for(keeper.caller, intent, state)],
        Crank::Finalize => vec![xix::intent_finalize_stored(keeper.caller, intent, state)],
        Crank::Close => vec![xix::intent_close_stored(keeper.caller, intent, state)],
        Crank::CloseBids => open_bids
            .iter()
            .map(|b| xix::bid_close(keeper.caller, intent, b.agent, b.round, b.bidder, state.requester))
            .collect(),
        Crank::Failover => {
            let stake = keeper.stake;
            let (create, requester_stake_tokens) = match compensation {
                Some(Compensation::Existing(account)) => (None, account),
                Some(Compensation::CreateAssociated) | None => (
                    Some(token::create_associated_idempotent(
                        keeper.caller,
                        state.requester,
                        stake.mint,
                        stake.program,
                    )),
                    token::associated_address(&state.requester, &stake.mint, &stake.program),
                ),
            };
            let accounts = xix::FailoverAccounts {
                stake,
                requester_stake_tokens,
                pay,
                requester_tokens: state.refund_tokens,
            };
            let failover = xix::failover_trigger(
                keeper.caller,
                Some(keeper.caller_stake_tokens),
                intent,
                state,
                &accounts,
            );
            create.into_iter().chain([failover]).collect()
        }
    }
}

/// The crank an instruction of the exchange carries, by its discriminator (`None`: not a crank).
pub fn crank_of(data: &[u8]) -> Option<Crank> {
    use agx_sdk::exchange::instruction as ix;
    let kinds: [(&[u8], Crank); 5] = [
        (ix::AuctionSettle::DISCRIMINATOR, Crank::Settle),
        (ix::IntentFinalize::DISCRIMINATOR, Crank::Finalize),
        (ix::FailoverTrigger::DISCRIMINATOR, Crank::Failover),
        (ix::IntentClose::DISCRIMINATOR, Crank::Close),
        (ix::BidClose::DISCRIMINATOR, Crank::CloseBids),
    ];
    kinds.iter().find(|(d, _)| data.starts_with(d)).map(|(_, crank)| *crank)
}

/// The crank `tx` carries: the first instruction of the exchange that is one.
pub fn crank_in(tx: &solana_transaction::versioned::VersionedTransaction) -> Option<Crank> {
    let keys = tx.message.static_account_keys();
    tx.message.instructions().iter().find_map(|ix| {
        (keys.get(usize::from(ix.program_id_index)) == Some(&agx_sdk::exchange::ID))
            .then(|| crank_of(&ix.data))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base token account of `mint` owned by `owner`, in `state` (1 initialized, 2 frozen).
    fn account(mint: Pubkey, owner: Pubkey, state: u8) -> Vec<u8> {
        let mut data = vec![0; token::ACCOUNT_LEN];
        data[..32].copy_from_slice(mint.as_ref());
        data[32..64].copy_from_slice(owner.as_ref());
        data[108] = state;
        data
    }

    #[test]
    fn every_crank_instruction_is_named_and_nothing_else_is() {
        use agx_sdk::exchange::instruction as ix;
        assert_eq!(crank_of(ix::AuctionSettle::DISCRIMINATOR), Some(Crank::Settle));
        assert_eq!(crank_of(ix::BidClose::DISCRIMINATOR), Some(Crank::CloseBids));
        assert_eq!(crank_of(ix::ResultSubmit::DISCRIMINATOR), None);
        assert_eq!(crank_of(&[]), None);
    }

    #[test]
    fn the_compensation_goes_where_the_program_takes_it_without_rent_when_it_can() {
        let stake = StakeToken { mint: Pubkey::new_unique(), program: token::TOKEN };
        let mut state: Intent = bytemuck::Zeroable::zeroed();
        (state.requester, state.mint, state.refund_tokens) =
            (Pubkey::new_unique(), stake.mint, Pubkey::new_unique());
        let associated = Pubkey::new_unique();
        assert_eq!(compensation(&state, &stake, Some(associated), None), Compensation::Existing(associated));
        let usable = account(stake.mint, state.requester, 1);
        let refund = Some((&token::TOKEN, usable.as_slice()));
        assert_eq!(compensation(&state, &stake, None, refund), Compensation::Existing(state.refund_tokens));
        let frozen = account(stake.mint, state.requester, 2);
        let refund = Some((&token::TOKEN, frozen.as_slice()));
        assert_eq!(compensation(&state, &stake, None, refund), Compensation::CreateAssociated, "frozen");
        let someone_elses = account(stake.mint, Pubkey::new_unique(), 1);
        let refund = Some((&token::TOKEN, someone_elses.as_slice()));
        assert_eq!(compensation(&state, &stake, None, refund), Compensation::CreateAssociated, "re-owned");
        assert_eq!(compensation(&state, &stake, None, None), Compensation::CreateAssociated, "closed");
    }

    #[test]
    fn a_failover_is_prepared_from_what_was_read() {
        let stake = StakeToken { mint: Pubkey::new_unique(), program: token::TOKEN };
        let keeper =
            KeeperAccounts { caller: Pubkey::new_unique(), caller_stake_tokens: Pubkey::new_unique(), stake };
        let mut state: Intent = bytemuck::Zeroable::zeroed();
        (state.requester, state.mint, state.refund_tokens) =
            (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let due = Due { crank: Crank::Failover, slot: 9 };
        let associated = token::associated_address(&state.requester, &stake.mint, &stake.program);
        assert_eq!(reads(Crank::Failover, &state, &stake), vec![associated, state.refund_tokens]);
        assert!(reads(Crank::Settle, &state, &stake).is_empty());

        let found = Read {
            accounts: vec![Some((token::TOKEN, account(stake.mint, state.requester, 1))), None],
            open_bids: vec![],
        };
        let prepared = prepare(&due, Pubkey::new_unique(), &state, &keeper, &found);
        assert_eq!((prepared.instructions.len(), prepared.creates_account), (1, false));
        assert!(
            prepared.instructions[0].accounts.iter().any(|a| a.pubkey == associated),
            "pays the existing account"
        );

        let nothing = Read { accounts: vec![None, None], open_bids: vec![] };
        let prepared = prepare(&due, Pubkey::new_unique(), &state, &keeper, &nothing);
        assert_eq!((prepared.instructions.len(), prepared.creates_account), (2, true), "creates it first");
        assert_eq!(prepared.instructions[0].program_id, token::ASSOCIATED_TOKEN);
    }

    #[test]
    fn a_coalitions_members_go_with_its_settlement_failover_and_finalization() {
        use agx_sdk::exchange::state::{BidderKind, Coalition, IntentStatus};
        let stake = StakeToken { mint: Pubkey::new_unique(), program: token::TOKEN };
        let keeper =
            KeeperAccounts { caller: Pubkey::new_unique(), caller_stake_tokens: Pubkey::new_unique(), stake };
        let coalition_key = Pubkey::new_unique();
        let mut coalition: Coalition = bytemuck::Zeroable::zeroed();
        coalition.member_count = 2;
        let (a, b, signer) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        (coalition.members[0].agent, coalition.members[1].agent, coalition.members[1].signer) =
            (a, b, signer);
        let mut data = Coalition::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&coalition));

        let mut state: Intent = bytemuck::Zeroable::zeroed();
        (state.requester, state.mint, state.token_program) =
            (Pubkey::new_unique(), Pubkey::new_unique(), token::TOKEN);
        state.leaderboard[0].agent = coalition_key;
        state.leaderboard[0].bidder_kind = BidderKind::Coalition.to_u8();
        state.leaderboard_len = 1;
        assert_eq!(reads(Crank::Settle, &state, &stake), vec![coalition_key], "the head's coalition is read");
        let read = Read { accounts: vec![Some((agx_sdk::exchange::ID, data.clone()))], open_bids: vec![] };
        let settle =
            prepare(&Due { crank: Crank::Settle, slot: 1 }, Pubkey::new_unique(), &state, &keeper, &read);
        let tail: Vec<Pubkey> =
            settle.instructions[0].accounts.iter().rev().take(2).map(|m| m.pubkey).collect();
        assert_eq!(tail, vec![b, a], "its members follow, in order");

        (state.status, state.winner_agent) = (IntentStatus::Submitted.to_u8(), coalition_key);
        (state.winner_kind, state.coalition_members) = (BidderKind::Coalition.to_u8(), 2);
        assert_eq!(reads(Crank::Finalize, &state, &stake), vec![coalition_key]);
        let finalize =
            prepare(&Due { crank: Crank::Finalize, slot: 1 }, Pubkey::new_unique(), &state, &keeper, &read);
        let paid_to = token::associated_address(&signer, &state.mint, &state.token_program);
        let tail: Vec<Pubkey> =
            finalize.instructions[0].accounts.iter().rev().take(2).map(|m| m.pubkey).collect();
        assert_eq!(tail, vec![paid_to, b], "each member with its signer's associated account");

        assert_eq!(reads(Crank::Failover, &state, &stake).last(), Some(&coalition_key));
        let read =
            Read { accounts: vec![None, None, Some((agx_sdk::exchange::ID, data))], open_bids: vec![] };
        let failover =
            prepare(&Due { crank: Crank::Failover, slot: 1 }, Pubkey::new_unique(), &state, &keeper, &read);
        let tail: Vec<Pubkey> =
            failover.instructions.last().unwrap().accounts.iter().rev().take(2).map(|m| m.pubkey).collect();
        assert_eq!(tail, vec![agx_sdk::pda::stake_vault(&b).0, b], "each member with its stake vault");
    }

    /// A job with a full board, and a coalition of `members` (each key distinct, the worst case
    /// for size: nothing shared) holding the same job.
    fn worst_cases(members: usize) -> (Intent, Intent, Vec<u8>) {
        use agx_sdk::exchange::state::{BidderKind, Coalition, IntentStatus, LEADERBOARD_LEN};
        let key = Pubkey::new_unique;
        let mut state: Intent = bytemuck::Zeroable::zeroed();
        (state.requester, state.mint, state.token_program, state.refund_tokens) =
            (key(), key(), token::TOKEN_2022, key());
        for entry in &mut state.leaderboard {
            (entry.agent, entry.bid) = (key(), key());
        }
        state.leaderboard_len = LEADERBOARD_LEN as u8;
        (state.status, state.winner_agent, state.winner_bid) =
            (IntentStatus::Awarded.to_u8(), state.leaderboard[0].agent, state.leaderboard[0].bid);
        (state.standby_agent, state.standby_bid) = (state.leaderboard[1].agent, state.leaderboard[1].bid);
        (state.winner_tokens, state.winner_authority) = (key(), key());
        let mut coalition: Coalition = bytemuck::Zeroable::zeroed();
        coalition.member_count = members as u8;
        for member in coalition.members.iter_mut().take(members) {
            (member.agent, member.signer) = (key(), key());
        }
        let mut data = Coalition::DISCRIMINATOR.to_vec();
        data.extend_from_slice(bytemuck::bytes_of(&coalition));
        let mut held = state;
        held.leaderboard[0].agent = key();
        held.leaderboard[0].bidder_kind = BidderKind::Coalition.to_u8();
        (held.winner_agent, held.winner_kind, held.coalition_members) =
            (held.leaderboard[0].agent, BidderKind::Coalition.to_u8(), members as u8);
        (state, held, data)
    }

    /// Every transaction the keeper sends for a single agent's job fits one packet (no lookup
    /// tables) with both compute-budget instructions: a failover past a full board of eight with
    /// the requester's account to create, the settlement, the bid closes it batches, the close.
    /// A coalition's settlement and payout fit with the most members; its failover (two
    /// accounts a member) fits a legacy transaction with up to five, once the account creation
    /// goes ahead alone, and a v0 one through a lookup table with any number up to eight.
    #[test]
    fn every_crank_transaction_fits_a_packet_at_its_worst() {
        use agx_core::coalition::MAX_MEMBERS;
        use agx_sdk::exchange::state::IntentStatus;
        let key = Pubkey::new_unique;
        let stake = StakeToken { mint: key(), program: token::TOKEN };
        let keeper = KeeperAccounts { caller: key(), caller_stake_tokens: key(), stake };
        let fit = |crank: Crank, state: &Intent, read: &Read| {
            let prepared = prepare(&Due { crank, slot: 1 }, key(), state, &keeper, read);
            transactions(crank, &prepared.instructions, &keeper.caller)
                .iter()
                .all(|tx| wire_size(tx, &keeper.caller, 1) <= PACKET_DATA_SIZE)
        };
        let nothing_read = Read { accounts: vec![None, None], open_bids: vec![] };
        let (single, _, _) = worst_cases(MAX_MEMBERS);
        let failover =
            prepare(&Due { crank: Crank::Failover, slot: 1 }, key(), &single, &keeper, &nothing_read);
        assert_eq!(failover.instructions.len(), 2, "it creates the requester's account first");
        assert_eq!(transactions(Crank::Failover, &failover.instructions, &keeper.caller).len(), 1, "in one");
        for crank in [Crank::Failover, Crank::Settle, Crank::Close] {
            assert!(fit(crank, &single, &nothing_read), "{crank:?} of a full board");
        }
        let open_bids: Vec<OpenBid> = (0..BIDS_PER_TRANSACTION * 2 + 1)
            .map(|_| OpenBid { agent: key(), round: 0, bidder: key() })
            .collect();
        let closes = Read { accounts: vec![], open_bids };
        assert!(fit(Crank::CloseBids, &single, &closes), "bid closes, batched");

        let mut fails_over = 0;
        for members in 1..=MAX_MEMBERS {
            let (_, mut held, data) = worst_cases(members);
            let coalition =
                Read { accounts: vec![Some((agx_sdk::exchange::ID, data.clone()))], open_bids: vec![] };
            held.status = IntentStatus::Open.to_u8();
            assert!(fit(Crank::Settle, &held, &coalition), "settling a coalition of {members}");
            held.status = IntentStatus::Submitted.to_u8();
            assert!(fit(Crank::Finalize, &held, &coalition), "paying a coalition of {members}");
            held.status = IntentStatus::Awarded.to_u8();
            let read =
                Read { accounts: vec![None, None, Some((agx_sdk::exchange::ID, data))], open_bids: vec![] };
            if fit(Crank::Failover, &held, &read) {
                fails_over = members;
            }
            let prepared = prepare(&Due { crank: Crank::Failover, slot: 1 }, key(), &held, &keeper, &read);
            let batches = transactions(Crank::Failover, &prepared.instructions, &keeper.caller);
            assert_eq!(
                oversized(&batches, &keeper.caller),
                None,
                "a coalition of {members}, through a table"
            );
            let largest = batches.iter().map(|b| v0_wire_size(b, &keeper.caller)).max().unwrap();
            assert!(largest < 800, "{members} members: {largest} bytes through a table");
        }
        // Beyond five members a coalition's failover needs address lookup tables (issue 28).
        assert_eq!(fails_over, 5, "the largest coalition failed over in a legacy transaction");
    }
}
