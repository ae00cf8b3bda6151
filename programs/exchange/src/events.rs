//! One event per state change. Emitted with `emit!` (a `Program data:` log line) so that
//! websocket log subscribers and the SDK decode them without fetching transactions.
use crate::state::IntentStatus;
use anchor_lang::prelude::*;

#[event]
pub struct ExchangeConfigInitialized {
    /// The config PDA.
    pub config: Pubkey,
    /// Who may change the config from now on.
    pub admin: Pubkey,
    /// Layout version of the config account.
    pub version: u8,
    /// Slot in which the config was created.
    pub slot: u64,
}

#[event]
pub struct IntentCreated {
    pub intent: Pubkey,
    pub requester: Pubkey,
    pub intent_id: u64,
    pub mint: Pubkey,
    /// Atoms deposited in escrow (the max price).
    pub escrowed: u64,
    /// Lamports paid to whoever sends each crank.
    pub tip_per_crank: u64,
    /// Lamports deposited for tips (`tip_per_crank` x (3 + max failovers)).
    pub tip_pool: u64,
    /// 0 first-price sealed, 1 Vickrey sealed, 2 continuous.
    pub auction_kind: u8,
    pub commit_end_slot: u64,
    pub reveal_end_slot: u64,
    /// Vickrey: the most the payment may exceed the winner's ask, bps of the ask.
    pub vickrey_premium_cap_bps: u16,
    /// Every term the requester posted (issue 26): with this event an indexer rebuilds the
    /// intent, and recomputes every bid's score, after its account has closed.
    pub terms: crate::instructions::IntentCreateArgs,
    /// Who refunds belong to: the requester, or the budget that paid the escrow.
    pub refund_owner: Pubkey,
    pub created_slot: u64,
}

#[event]
pub struct IntentCancelled {
    pub intent: Pubkey,
    /// Atoms refunded to the requester.
    pub refunded: u64,
}

#[event]
pub struct BidCommitted {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    pub commitment: [u8; 32],
    /// Lamports.
    pub bond: u64,
}

#[event]
pub struct BidRevealed {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// Atoms.
    pub price: u64,
    pub quality_bps: u16,
    /// Slots.
    pub latency: u64,
    pub reputation: u16,
    pub score: u16,
    /// Position on the leaderboard, if it made it.
    pub rank: Option<u8>,
}

#[event]
pub struct BidDisqualified {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// Where it stood on the board: 0 head, 1 runner-up (Vickrey standby).
    pub position: u8,
    /// Its agent account was closed or is not an agent (no failure could be recorded).
    pub agent_gone: bool,
    /// End (exclusive) of the re-rank window for off-board bids; 0 or past when none is open.
    pub rerank_end_slot: u64,
}

#[event]
pub struct BidReranked {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// Position on the leaderboard, if it made it.
    pub rank: Option<u8>,
}

#[event]
pub struct IntentClosed {
    pub intent: Pubkey,
    /// How the intent ended (its account, and the status in it, is gone after this).
    pub status: IntentStatus,
    /// Lamports (rent and the rest of the tip pool) returned to the requester.
    pub lamports: u64,
    /// Lamports paid to the caller.
    pub tip: u64,
}

#[event]
pub struct AuctionAwarded {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// Atoms the winner will be paid.
    pub payment: u64,
    /// Atoms of the winner's stake locked for the job (and of the standby's, if any).
    pub stake_locked: u64,
    pub slot: u64,
    /// Vickrey: the price-setting runner-up, standby for the job.
    pub standby_agent: Option<Pubkey>,
}

#[event]
pub struct AuctionExpired {
    pub intent: Pubkey,
    /// Atoms refunded to the requester.
    pub refunded: u64,
}

#[event]
pub struct BidClosed {
    pub intent: Pubkey,
    pub bid: Pubkey,
    /// Lamports of bond returned to the bidder.
    pub bond_returned: u64,
    /// Lamports of bond forfeited to the requester.
    pub bond_forfeited: u64,
}

#[event]
pub struct ExchangeConfigUpdated {
    pub config: Pubkey,
    /// Every setting, as now in force.
    pub settings: crate::state::ExchangeSettings,
}

#[event]
pub struct ExchangeAdminProposed {
    pub config: Pubkey,
    pub admin: Pubkey,
    pub candidate: Pubkey,
}

#[event]
pub struct ExchangeAdminChanged {
    pub config: Pubkey,
    pub previous: Pubkey,
    pub admin: Pubkey,
}

#[event]
pub struct ResultSubmitted {
    pub intent: Pubkey,
    pub agent: Pubkey,
    pub result_hash: [u8; 32],
    pub result_uri: String,
    /// bps of the job delivered.
    pub fulfilled_bps: u16,
    /// First slot at which anyone may finalize.
    pub dispute_end_slot: u64,
}

#[event]
pub struct JobCompleted {
    pub intent: Pubkey,
    pub agent: Pubkey,
    /// Atoms of the winner's share (before any reputation fee; `EscrowSettled` says where each
    /// atom went).
    pub paid: u64,
    /// Atoms refunded to the requester.
    pub refunded: u64,
    pub fulfilled_bps: u16,
    pub rating_bps: u16,
    /// The rating recorded in reputation: the rating less any shortfall from the promised
    /// quality (`agx_core::reputation::accountable_rating`).
    pub reputation_rating_bps: u16,
    /// Value recorded in reputation (paid atoms x the mint's weight; 0 for a mint that bears no
    /// reputation).
    pub reputation_value: u64,
    /// Completed by `intent_finalize` (neutral rating) rather than accepted.
    pub finalized: bool,
}

#[event]
pub struct DisputeOpened {
    pub intent: Pubkey,
    /// sha256 of the requester's reasons.
    pub reason_hash: [u8; 32],
    /// Last slot + 1 for the arbitrator; then anyone may finalize.
    pub arbitration_end_slot: u64,
}

#[event]
pub struct DisputeResolved {
    pub intent: Pubkey,
    pub agent: Pubkey,
    /// Who decided: the intent's evaluator or the config's arbitrator.
    pub judge: Pubkey,
    /// The agent's share of its payment, bps.
    pub agent_share_bps: u16,
    /// Atoms paid to the agent and refunded.
    pub paid: u64,
    pub refunded: u64,
    /// Atoms of the agent's stake slashed to the requester.
    pub slashed: u64,
}

/// A winner failed (or declined) and the job moved on.
#[event]
pub struct FailoverTriggered {
    pub intent: Pubkey,
    pub failed_agent: Pubkey,
    /// 0 deadline missed, 1 silent, 2 declined.
    pub cause: u8,
    /// Atoms of the failed agent's stake slashed, and the caller's share of them.
    pub slashed: u64,
    pub reward: u64,
    /// 0 the next candidate was promoted, 1 the intent reopened as a re-auction, 2 the intent
    /// failed (every allowed failover used) and the escrow was refunded.
    pub result: u8,
    /// The promoted agent (default key unless promoted), its payment and deadline.
    pub winner_agent: Pubkey,
    pub payment: u64,
    pub execution_deadline_slot: u64,
    /// The auction round and the failovers so far.
    pub round: u8,
    pub failovers: u8,
    /// Atoms refunded (the last failover only).
    pub refunded: u64,
}

/// A failover candidate no longer qualified and left the board.
#[event]
pub struct FailoverCandidateSkipped {
    pub intent: Pubkey,
    pub bid: Pubkey,
    pub agent: Pubkey,
    /// Its agent account was closed (or is not an agent); otherwise it is inactive, short of
    /// free stake or below the intent's requirements.
    pub agent_gone: bool,
}

/// An intent's escrow was paid out as the intent ended (expiry, cancel, completion, dispute,
/// the last failover): what went where, and what stays in it to be claimed.
#[event]
pub struct EscrowSettled {
    pub intent: Pubkey,
    /// Atoms paid to the winner.
    pub paid: u64,
    /// Atoms of reputation fee paid to the exchange's fee vault.
    pub fee: u64,
    /// Atoms paid to the refund owner (its refund and any swept surplus).
    pub refunded: u64,
    /// Atoms the escrow held beyond what the intent recorded (sent to it outside the protocol),
    /// all paid or kept for the refund owner.
    pub swept: u64,
    /// Atoms kept in the escrow for the winner and for the refund owner, whose accounts could
    /// not receive them; claimed with `escrow_claim`.
    pub agent_claim: u64,
    pub requester_claim: u64,
    /// The escrow is closed (its rent returned to the requester).
    pub closed: bool,
}

/// What an ended intent's escrow kept was paid out (`escrow_claim`).
#[event]
pub struct EscrowClaimed {
    pub intent: Pubkey,
    /// Atoms paid to the winner's authority's account and to the refund owner's.
    pub to_agent: u64,
    pub to_requester: u64,
    /// Atoms still owed to the winner (0 once paid).
    pub agent_claim: u64,
    /// The escrow is closed (nothing is left in it).
    pub closed: bool,
}

/// The admin took reputation fees out of a fee vault (`fee_withdraw`).
#[event]
pub struct FeeWithdrawn {
    pub mint: Pubkey,
    pub fee_vault: Pubkey,
    pub destination: Pubkey,
    /// Atoms of `mint`.
    pub amount: u64,
}

/// At a winner's failover, its Vickrey standby (whose stake was locked to take the job over)
/// no longer qualified: it is treated as failed too.
#[event]
pub struct StandbyFailed {
    pub intent: Pubkey,
    pub agent: Pubkey,
    pub bid: Pubkey,
    /// Atoms of its stake slashed, and the caller's share of them.
    pub slashed: u64,
    pub reward: u64,
}

/// An owner made a budget for an agent.
#[event]
pub struct BudgetCreated {
    pub budget: Pubkey,
    pub owner: Pubkey,
    pub agent: Pubkey,
    pub mint: Pubkey,
    pub per_spend_cap: u64,
    pub total_cap: u64,
    pub expiry_slot: u64,
    pub allowlist: Vec<Pubkey>,
}

#[event]
pub struct BudgetFunded {
    pub budget: Pubkey,
    /// Atoms added, and the vault's balance after.
    pub amount: u64,
    pub balance: u64,
}

/// The agent paid from its budget directly (seed 001: an API call, another agent's work).
#[event]
pub struct BudgetPaid {
    pub budget: Pubkey,
    pub recipient: Pubkey,
    pub amount: u64,
    /// What the payment was for (the payer's hash of an off-chain record).
    pub memo_hash: [u8; 32],
    /// The budget's total spent after this payment.
    pub spent: u64,
}

/// The owner revoked the budget; `returned` atoms went back to it.
#[event]
pub struct BudgetRevoked {
    pub budget: Pubkey,
    pub returned: u64,
}

/// The budget and its vault closed; `swept` atoms (anything left, donations included) went to
/// the owner.
#[event]
pub struct BudgetClosed {
    pub budget: Pubkey,
    pub swept: u64,
}

/// The budget paid an intent's escrow: the intent's refunds come back to the vault.
#[event]
pub struct BudgetIntentFunded {
    pub budget: Pubkey,
    pub intent: Pubkey,
    pub amount: u64,
    /// The budget's total spent after, and its intents not closed yet.
    pub spent: u64,
    pub live_intents: u32,
}

/// `child` became a part of `parent` (a sub-intent, posted by the parent's winner).
#[event]
pub struct IntentLinked {
    pub parent: Pubkey,
    pub child: Pubkey,
    /// The parent's children not closed yet, this one included.
    pub live_children: u32,
}

/// The agent a direct hire named turned it down: the window ended at `slot`.
#[event]
pub struct HireDeclined {
    pub intent: Pubkey,
    pub agent: Pubkey,
    pub slot: u64,
}

/// A coalition was formed with its first terms; the lead signed them by creating it.
#[event]
pub struct CoalitionCreated {
    pub coalition: Pubkey,
    pub lead: Pubkey,
    pub authority: Pubkey,
    pub coalition_id: u64,
    pub members: u8,
    pub terms_hash: [u8; 32],
}

/// A member signed the coalition's current terms.
#[event]
pub struct CoalitionAccepted {
    pub coalition: Pubkey,
    pub agent: Pubkey,
    pub terms_hash: [u8; 32],
    /// Bit `i`: member `i` signed; `ready` once every member has.
    pub accepted: u8,
    pub ready: bool,
}

/// A member withdrew its signature (the coalition held no bid or job).
#[event]
pub struct CoalitionLeft {
    pub coalition: Pubkey,
    pub agent: Pubkey,
    pub accepted: u8,
}

/// The coalition's terms changed: every signature but the lead's is void.
#[event]
pub struct CoalitionTermsChanged {
    pub coalition: Pubkey,
    pub members: u8,
    pub terms_hash: [u8; 32],
    pub terms_version: u32,
    /// Members whose signature was voided and who were released in the registry.
    pub released: u8,
}

/// The coalition was dissolved: every member that had signed was released, the rent returned.
#[event]
pub struct CoalitionDissolved {
    pub coalition: Pubkey,
    pub released: u8,
}

/// A member of the coalition holding a job marked its part done.
#[event]
pub struct CoalitionPartMarked {
    pub intent: Pubkey,
    pub coalition: Pubkey,
    pub agent: Pubkey,
    /// Bit `i`: member `i`'s part is done; `all_done` once every member's is.
    pub parts_done: u8,
    pub all_done: bool,
}

/// A coalition's job was paid by shares: each member's amount (the lead's first; the lead's is
/// paid as the winner's share), and of the others' the atoms paid with the lead's because the
/// member's account could not receive them.
#[event]
pub struct CoalitionPaid {
    pub intent: Pubkey,
    pub amounts: Vec<u64>,
    pub paid_with_lead: u64,
}

/// The intent's evaluator decided its dispute and was paid its fee from the escrow.
#[event]
pub struct EvaluatorPaid {
    pub intent: Pubkey,
    pub evaluator: Pubkey,
    /// Atoms of the intent's mint.
    pub fee: u64,
}

/// The requester accepted below the winner's promise: the agent may reply until `reply_end_slot`.
#[event]
pub struct RatingReplyOpened {
    pub intent: Pubkey,
    pub agent: Pubkey,
    pub rating_bps: u16,
    pub promised_bps: u16,
    pub reply_end_slot: u64,
}

/// The winner contested its rating with a bond.
#[event]
pub struct RatingContested {
    pub intent: Pubkey,
    pub agent: Pubkey,
    pub rating_bps: u16,
    pub claimed_rating_bps: u16,
    /// Lamports.
    pub bond: u64,
    /// Last slot + 1 for a decision; after it the reply lapses.
    pub decision_end_slot: u64,
}

/// A contested rating was decided: upheld (the bond to the requester) or corrected (the bond
/// back to the agent, its reputation re-rated), or it lapsed undecided (the bond back, the
/// rating standing).
#[event]
pub struct RatingReplyEnded {
    pub intent: Pubkey,
    pub agent: Pubkey,
    /// Who decided (the default key when the reply lapsed).
    pub judge: Pubkey,
    /// The rating that stands, bps (the requester's own when upheld or lapsed).
    pub rating_bps: u16,
    pub corrected: bool,
    /// Lamports of the agent's bond, and who received them.
    pub bond: u64,
    pub bond_to: Pubkey,
}
