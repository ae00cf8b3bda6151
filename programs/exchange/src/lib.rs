//! Exchange: the intent book, auctions, escrow, settlement and failover.
//!
//! This file is the table of contents: one line of doc and one delegation per instruction.
//! Rules live next to each instruction in `instructions/`.
#![deny(clippy::arithmetic_side_effects)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod account_create;
pub mod account_groups;
pub mod award;
pub mod bidder;
pub mod bidding;
pub mod budget_vault;
pub mod cu_trace;
pub mod error;
pub mod escrow;
pub mod events;
pub mod failover;
pub mod in_place;
pub mod instructions;
pub mod links;
pub mod payout;
pub mod posting;
pub mod registry_cpi;
pub mod seeds;
pub mod state;
pub mod token_view;

pub use instructions::*;
pub use state::{AuctionKind, BidOpening, ExchangeSettings, HireTerms, ReputationMint};

declare_id!("6pgSYiUmiZZYAfMECdspJhhPfY8Di7fWGExWmREDr6Pe");

// The `.security.txt` section explorers and researchers read (neodyme-labs' format); only in the
// deployed program, not when linked into another program or a client.
#[cfg(not(feature = "no-entrypoint"))]
solana_security_txt::security_txt! {
    name: "Agent Exchange exchange",
    project_url: "https://agent-exchange.invalid",
    contacts: "email:security@agent-exchange.invalid",
    policy: "SECURITY.md at the root of the source tree: report privately, never in public issues; fix and disclosure within 90 days",
    preferred_languages: "en",
    source_code: "programs/exchange in the agent-exchange workspace",
    auditors: "None"
}

#[program]
pub mod exchange {
    use super::*;

    // Anchor dispatches by comparing the instruction's discriminator with each instruction's in
    // the order below, so the lifecycle's instructions come first, in its order, and the admin's
    // last (`docs/compute.md`).

    /// Posts an intent: max price into escrow, the crank tip pool into the intent.
    #[access_control(args.validate())]
    pub fn intent_create(ctx: Context<IntentCreate>, args: IntentCreateArgs) -> Result<()> {
        IntentCreate::handler(ctx, args)
    }

    /// Seals a bid on a sealed auction and deposits the bond.
    pub fn bid_commit<'info>(ctx: Context<'info, BidCommit<'info>>, args: BidCommitArgs) -> Result<()> {
        BidCommit::handler(ctx, args)
    }

    /// Opens a sealed bid; scores and ranks it.
    pub fn bid_reveal<'info>(ctx: Context<'info, BidReveal<'info>>, opening: BidOpening) -> Result<()> {
        BidReveal::handler(ctx, opening)
    }

    /// Closes an auction: awards the leaderboard head (locking its stake and the Vickrey
    /// standby's), drops a head or runner-up that no longer qualifies, or expires and refunds.
    pub fn auction_settle<'info>(ctx: Context<'info, AuctionSettle<'info>>) -> Result<()> {
        AuctionSettle::handler(ctx)
    }

    /// The winner delivers its result (hash, URI, fulfilled share) before its deadline.
    pub fn result_submit(ctx: Context<ResultSubmit>, args: ResultSubmitArgs) -> Result<()> {
        ResultSubmit::handler(ctx, args)
    }

    /// The requester accepts with a rating: pro-rata payout, refund, stake released.
    pub fn result_accept<'info>(
        ctx: Context<'info, ResultAccept<'info>>,
        args: ResultAcceptArgs,
    ) -> Result<()> {
        ResultAccept::handler(ctx, args)
    }

    /// Closes a bid after its auction: bond back if revealed, to the requester if not (or if
    /// disqualified, or if it failed the job).
    #[access_control(ctx.accounts.validate())]
    pub fn bid_close(ctx: Context<BidClose>) -> Result<()> {
        BidClose::handler(ctx)
    }

    /// Closes a finished (expired, completed or failed) intent whose bids are closed and whose
    /// escrow is paid out; a crank tip to the caller, rent and the rest of the tip pool to the
    /// requester.
    #[access_control(ctx.accounts.validate())]
    pub fn intent_close<'info>(ctx: Context<'info, IntentClose<'info>>) -> Result<()> {
        IntentClose::handler(ctx)
    }

    /// Bids in the clear on a continuous auction; wins at once at the score threshold.
    /// `round` is the intent's current auction round (part of the bid's address).
    pub fn bid_place<'info>(
        ctx: Context<'info, BidPlace<'info>>,
        opening: BidOpening,
        round: u8,
    ) -> Result<()> {
        BidPlace::handler(ctx, opening, round)
    }

    /// Anyone completes a submitted job after the dispute window (or an unresolved dispute after
    /// the arbitration window) with the neutral rating; earns a crank tip.
    pub fn intent_finalize<'info>(ctx: Context<'info, IntentFinalize<'info>>) -> Result<()> {
        IntentFinalize::handler(ctx)
    }

    /// Anyone moves a job on from a winner past its deadline or silent: slash, cut-off, next
    /// candidate (or re-auction, or full refund after the last allowed failover); earns a tip and
    /// the slash reward.
    pub fn failover_trigger<'info>(ctx: Context<'info, FailoverTrigger<'info>>) -> Result<()> {
        FailoverTrigger::handler(ctx)
    }

    /// Brings a valid revealed bid that is off the leaderboard back onto it before the award.
    #[access_control(ctx.accounts.validate())]
    pub fn bid_rerank(ctx: Context<BidRerank>) -> Result<()> {
        BidRerank::handler(ctx)
    }

    /// An agent posts an intent paid from its budget; refunds go back to the budget.
    #[access_control(args.validate(), ctx.accounts.validate())]
    pub fn intent_create_from_budget(
        ctx: Context<IntentCreateFromBudget>,
        args: IntentCreateArgs,
    ) -> Result<()> {
        IntentCreateFromBudget::handler(ctx, args)
    }

    /// The agent holding a job makes one of its new intents a part of it (a sub-intent).
    pub fn intent_link_parent(ctx: Context<IntentLinkParent>) -> Result<()> {
        IntentLinkParent::handler(ctx)
    }

    /// The agent a direct hire names takes the job at its max price (awarded at once).
    pub fn hire_accept<'info>(
        ctx: Context<'info, HireAccept<'info>>,
        terms: HireTerms,
        round: u8,
    ) -> Result<()> {
        HireAccept::handler(ctx, terms, round)
    }

    /// The requester hires the named agent on one of its standing offers (awarded at once).
    pub fn hire_from_offer(ctx: Context<HireFromOffer>, offer_index: u8) -> Result<()> {
        HireFromOffer::handler(ctx, offer_index)
    }

    /// The agent a direct hire names turns it down; its window ends at once.
    #[access_control(ctx.accounts.validate())]
    pub fn hire_decline(ctx: Context<HireDecline>) -> Result<()> {
        HireDecline::handler(ctx)
    }

    /// Withdraws an intent that has no bid; full refund.
    pub fn intent_cancel<'info>(ctx: Context<'info, IntentCancel<'info>>) -> Result<()> {
        IntentCancel::handler(ctx)
    }

    /// The requester disputes a submitted result within the dispute window.
    #[access_control(ctx.accounts.validate())]
    pub fn dispute_open(ctx: Context<DisputeOpen>, args: DisputeOpenArgs) -> Result<()> {
        DisputeOpen::handler(ctx, args)
    }

    /// The judge (the intent's evaluator, paid its fee, then the arbitrator) ends a dispute: the
    /// agent's share of its payment, an optional slash of its held stake to the requester.
    pub fn dispute_resolve<'info>(
        ctx: Context<'info, DisputeResolve<'info>>,
        args: DisputeResolveArgs,
    ) -> Result<()> {
        DisputeResolve::handler(ctx, args)
    }

    /// The winner replies to a rating below its promise: claims a rating and bonds lamports.
    #[access_control(ctx.accounts.validate())]
    pub fn rating_contest(ctx: Context<RatingContest>, args: RatingContestArgs) -> Result<()> {
        RatingContest::handler(ctx, args)
    }

    /// The judge (evaluator, then arbitrator) upholds or corrects a contested rating; the
    /// loser's bond goes to the winner.
    pub fn rating_resolve(ctx: Context<RatingResolve>, args: RatingResolveArgs) -> Result<()> {
        RatingResolve::handler(ctx, args)
    }

    /// The winner gives the job up before its deadline (a smaller slash); the job moves on as in
    /// a failover.
    pub fn award_decline<'info>(ctx: Context<'info, AwardDecline<'info>>) -> Result<()> {
        AwardDecline::handler(ctx)
    }

    /// Pays out what an ended intent's escrow kept for a party whose account could not receive
    /// it (the winner's payment, the refund owner's refund); closes the escrow once empty.
    pub fn escrow_claim(ctx: Context<EscrowClaim>) -> Result<()> {
        EscrowClaim::handler(ctx)
    }

    /// Admin: withdraws reputation fees from a fee vault.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn fee_withdraw(ctx: Context<FeeWithdraw>, args: FeeWithdrawArgs) -> Result<()> {
        FeeWithdraw::handler(ctx, args)
    }

    /// An owner makes a budget for one registry agent: caps, expiry, allowlist, an empty vault.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn budget_create(ctx: Context<BudgetCreate>, args: BudgetCreateArgs) -> Result<()> {
        BudgetCreate::handler(ctx, args)
    }

    /// The owner moves tokens into its budget's vault.
    #[access_control(ctx.accounts.validate(amount))]
    pub fn budget_fund(ctx: Context<BudgetFund>, amount: u64) -> Result<()> {
        BudgetFund::handler(ctx, amount)
    }

    /// The agent pays from its budget, directly, an allowlisted account or a registered agent.
    #[access_control(ctx.accounts.validate())]
    pub fn budget_pay(ctx: Context<BudgetPay>, args: BudgetPayArgs) -> Result<()> {
        BudgetPay::handler(ctx, args)
    }

    /// The owner stops the budget; the vault's balance comes back at once (and again after
    /// refunds).
    pub fn budget_revoke(ctx: Context<BudgetRevoke>) -> Result<()> {
        BudgetRevoke::handler(ctx)
    }

    /// The owner closes a revoked or expired budget with no open intents.
    #[access_control(ctx.accounts.validate())]
    pub fn budget_close(ctx: Context<BudgetClose>) -> Result<()> {
        BudgetClose::handler(ctx)
    }

    /// A lead agent forms a coalition with its first terms (the lead signs them by creating it).
    #[access_control(ctx.accounts.validate())]
    pub fn coalition_create(ctx: Context<CoalitionCreate>, args: CoalitionCreateArgs) -> Result<()> {
        CoalitionCreate::handler(ctx, args)
    }

    /// A member signs the coalition's current terms.
    pub fn coalition_accept(ctx: Context<CoalitionMemberAct>, terms_hash: [u8; 32]) -> Result<()> {
        CoalitionMemberAct::accept(ctx, terms_hash)
    }

    /// A member withdraws its signature while the coalition holds no bid or job.
    pub fn coalition_leave(ctx: Context<CoalitionMemberAct>) -> Result<()> {
        CoalitionMemberAct::leave(ctx)
    }

    /// The coalition's authority replaces its terms; every other signature is void.
    pub fn coalition_update<'info>(
        ctx: Context<'info, CoalitionAuthorityAct<'info>>,
        args: CoalitionUpdateArgs,
    ) -> Result<()> {
        CoalitionAuthorityAct::update(ctx, args)
    }

    /// A member of the coalition holding a job marks its part done.
    pub fn coalition_part_done(ctx: Context<CoalitionPartDone>) -> Result<()> {
        CoalitionPartDone::handler(ctx)
    }

    /// The coalition's authority ends it; its signed members are released.
    pub fn coalition_dissolve<'info>(ctx: Context<'info, CoalitionAuthorityAct<'info>>) -> Result<()> {
        CoalitionAuthorityAct::dissolve(ctx)
    }

    /// Creates the exchange's config PDA. Only the program's upgrade authority may call it, once.
    #[access_control(ctx.accounts.validate())]
    pub fn config_init(ctx: Context<ConfigInit>, args: ConfigInitArgs) -> Result<()> {
        ConfigInit::handler(ctx, args)
    }

    /// Admin: replaces every setting (windows, bonds, mints, pause, arbitrator, slash fractions).
    pub fn config_update(ctx: Context<ConfigAdmin>, args: ConfigUpdateArgs) -> Result<()> {
        ConfigAdmin::update(ctx, args)
    }

    /// Admin: names the next admin, who takes over by signing `admin_accept`.
    pub fn admin_propose(ctx: Context<ConfigAdmin>, args: AdminProposeArgs) -> Result<()> {
        ConfigAdmin::propose(ctx, args)
    }

    /// The pending admin takes over.
    pub fn admin_accept(ctx: Context<AdminAccept>) -> Result<()> {
        AdminAccept::handler(ctx)
    }
}
