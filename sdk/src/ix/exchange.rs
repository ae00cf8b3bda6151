//! `exchange` instructions.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use exchange::state::{ExchangeSettings, Intent, LeaderboardEntry};
use exchange::{accounts, instruction, BidOpening, ConfigInitArgs, HireTerms, IntentCreateArgs};

use crate::ix::registry::StakeToken;
use crate::pda;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: exchange::ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

/// The accounts of every registry CPI the exchange makes.
fn registry() -> accounts::RegistryAccounts {
    accounts::RegistryAccounts {
        exchange_authority: pda::exchange_authority().0,
        registry_config: pda::registry_config().0,
        registry_program: agent_registry::ID,
    }
}

/// `config_init` arguments with the defaults: the re-rank window of
/// [`exchange::state::DEFAULT_RERANK_WINDOW_SLOTS`] and no freezable mint.
pub fn default_config_args(admin: Pubkey) -> ConfigInitArgs {
    ConfigInitArgs { admin, settings: default_settings() }
}

/// The default settings: re-rank window of [`exchange::state::DEFAULT_RERANK_WINDOW_SLOTS`],
/// minimum bid bond of [`exchange::state::DEFAULT_MIN_BID_BOND`], no freezable mint, not paused,
/// the default delivery windows, no reputation-bearing mint (name yours, e.g. a stablecoin, and
/// create its fee vault: [`fee_vault_create`]) and the default reputation fee.
pub fn default_settings() -> ExchangeSettings {
    ExchangeSettings {
        rerank_window_slots: exchange::state::DEFAULT_RERANK_WINDOW_SLOTS,
        min_bid_bond: exchange::state::DEFAULT_MIN_BID_BOND,
        freezable_mints: Vec::new(),
        paused: false,
        execution_grace_slots: exchange::state::DEFAULT_EXECUTION_GRACE_SLOTS,
        dispute_window_slots: exchange::state::DEFAULT_DISPUTE_WINDOW_SLOTS,
        neutral_rating_bps: exchange::state::DEFAULT_NEUTRAL_RATING_BPS,
        reputation_mints: Vec::new(),
        arbitrator: Pubkey::default(),
        arbitration_window_slots: exchange::state::DEFAULT_ARBITRATION_WINDOW_SLOTS,
        failover_slash_bps: exchange::state::DEFAULT_FAILOVER_SLASH_BPS,
        failover_reward_bps: exchange::state::DEFAULT_FAILOVER_REWARD_BPS,
        decline_slash_bps: exchange::state::DEFAULT_DECLINE_SLASH_BPS,
        reauction_bid_window_slots: exchange::state::DEFAULT_REAUCTION_BID_WINDOW_SLOTS,
        reauction_reveal_window_slots: exchange::state::DEFAULT_REAUCTION_REVEAL_WINDOW_SLOTS,
        reputation_fee_bps: exchange::state::DEFAULT_REPUTATION_FEE_BPS,
        probation_bond_multiplier: exchange::state::DEFAULT_PROBATION_BOND_MULTIPLIER,
        probation_max_completed: exchange::state::DEFAULT_PROBATION_MAX_COMPLETED,
        reply_window_slots: exchange::state::DEFAULT_REPLY_WINDOW_SLOTS,
        reply_bond: exchange::state::DEFAULT_REPLY_BOND,
    }
}

/// `config_update` by the `admin`: replaces every setting.
pub fn config_update(admin: Pubkey, settings: ExchangeSettings) -> Instruction {
    build(
        accounts::ConfigAdmin { admin, config: pda::exchange_config().0 },
        instruction::ConfigUpdate { args: settings },
    )
}

/// `admin_propose` by the `admin`.
pub fn admin_propose(admin: Pubkey, candidate: Pubkey) -> Instruction {
    build(
        accounts::ConfigAdmin { admin, config: pda::exchange_config().0 },
        instruction::AdminPropose { args: exchange::AdminProposeArgs { candidate } },
    )
}

/// `admin_accept` by the pending admin `candidate`.
pub fn admin_accept(candidate: Pubkey) -> Instruction {
    build(accounts::AdminAccept { candidate, config: pda::exchange_config().0 }, instruction::AdminAccept {})
}

/// `config_init`, signed by the exchange's upgrade `authority`.
pub fn exchange_config_init(authority: Pubkey, args: ConfigInitArgs) -> Instruction {
    build(
        accounts::ConfigInit {
            authority,
            config: pda::exchange_config().0,
            exchange_authority: pda::exchange_authority().0,
            program: exchange::ID,
            program_data: pda::program_data(&exchange::ID),
            system_program: system_program::ID,
        },
        instruction::ConfigInit { args },
    )
}

/// `intent_create`: `requester` escrows `args.max_price` of `token.mint` from `requester_tokens`
/// in an escrow the program creates at the PDA `pda::escrow` (~3,600 CU more than one the
/// requester creates: [`escrow_create`], [`intent_create_with_escrow`]).
pub fn intent_create(
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
    args: IntentCreateArgs,
) -> Instruction {
    let intent = pda::intent(&requester, args.intent_id).0;
    intent_create_with_escrow(requester, token, requester_tokens, args, pda::escrow(&intent).0)
}

/// `intent_create` into `escrow`: the PDA `pda::escrow` (created by the program), or a token
/// account the requester created earlier in the transaction ([`escrow_create`]).
pub fn intent_create_with_escrow(
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
    args: IntentCreateArgs,
    escrow: Pubkey,
) -> Instruction {
    let intent = pda::intent(&requester, args.intent_id).0;
    build(
        accounts::IntentCreate {
            requester,
            config: pda::exchange_config().0,
            intent,
            requester_state: pda::requester_state(&requester),
            escrow,
            mint: token.mint,
            requester_tokens,
            token_program: token.program,
            system_program: system_program::ID,
        },
        instruction::IntentCreate { args },
    )
}

/// The two instructions that create `intent`'s escrow for `requester`, to precede
/// [`intent_create_with_escrow`] in its transaction: `create_account_with_seed` at
/// `pda::escrow_with_seed`, `len` bytes (`agent_registry::mint_policy::token_account_len` of the
/// mint; 165 for SPL Token) holding `rent` lamports, then `InitializeAccount3` owned by the
/// intent. The intent records the escrow, which later calls read (`Intent::escrow`).
pub fn escrow_create(
    requester: Pubkey,
    intent: Pubkey,
    token: StakeToken,
    len: usize,
    rent: u64,
) -> [Instruction; 2] {
    use agent_registry::lean_cpi::ix;
    let escrow = pda::escrow_with_seed(&requester, &intent, &token.program);
    let seed = agx_core::address::escrow_seed(&intent.to_bytes());
    [
        ix::create_account_with_seed(
            &requester,
            &escrow,
            &requester,
            &seed,
            rent,
            len as u64,
            &token.program,
        ),
        ix::initialize_account3(&token.program, &escrow, &token.mint, &intent),
    ]
}

/// `create_account_with_seed` of `requester`'s record at `pda::requester_state`, blank, holding
/// `rent` (of `RequesterState::SPACE` bytes): put before the requester's first post in its
/// transaction, it saves the program a CPI (~2,000 CU). Without it the first post creates it.
pub fn requester_record_create(requester: Pubkey, rent: u64) -> Instruction {
    let space = exchange::state::RequesterState::SPACE as u64;
    let seed = agx_core::address::REQUESTER_SEED;
    let record = pda::requester_state(&requester);
    agent_registry::lean_cpi::ix::create_account_with_seed(
        &requester,
        &record,
        &requester,
        &seed,
        rent,
        space,
        &exchange::ID,
    )
}

/// `create_account_with_seed` of the bid account of `agent` on `intent` in `round` at
/// `pda::bid`, paid by its authority `bidder`, holding `lamports` (the rent of `Bid::SPACE`
/// bytes plus the bond the exchange takes from this bidder): put before [`bid_commit`] or
/// [`bid_place`] in their transaction, it saves the program a CPI (~1,800 CU). Without it the
/// program creates the account itself.
pub fn bid_account_create(
    bidder: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    lamports: u64,
) -> Instruction {
    let seed = pda::bid_seed(&intent, &agent, round);
    let bid = pda::with_seed(&bidder, &seed, &exchange::ID);
    let space = exchange::state::Bid::SPACE as u64;
    agent_registry::lean_cpi::ix::create_account_with_seed(
        &bidder,
        &bid,
        &bidder,
        &seed,
        lamports,
        space,
        &exchange::ID,
    )
}

/// `intent_cancel` of an intent whose escrow the program created (`pda::escrow`); otherwise
/// [`intent_cancel_with_escrow`].
pub fn intent_cancel(
    requester: Pubkey,
    intent: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    intent_cancel_with_escrow(requester, intent, pda::escrow(&intent).0, token, requester_tokens)
}

/// `intent_cancel` of `intent`, whose escrow is `escrow` (`Intent::escrow`).
pub fn intent_cancel_with_escrow(
    requester: Pubkey,
    intent: Pubkey,
    escrow: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    build(
        accounts::IntentCancel {
            requester,
            intent,
            escrow,
            mint: token.mint,
            requester_tokens,
            token_program: token.program,
        },
        instruction::IntentCancel {},
    )
}

/// `bid_commit` by the agent's authority `bidder`; `agent` is the registry agent account and
/// `round` the intent's current auction round (0 until a re-auction).
pub fn bid_commit(
    bidder: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    commitment: [u8; 32],
) -> Instruction {
    build(
        accounts::BidCommit {
            bidder,
            config: pda::exchange_config().0,
            intent,
            agent,
            bid: pda::bid(&bidder, &intent, &agent, round),
            system_program: system_program::ID,
        },
        instruction::BidCommit { args: exchange::BidCommitArgs { commitment, round } },
    )
}

pub fn bid_reveal(
    bidder: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    opening: BidOpening,
) -> Instruction {
    build(
        accounts::BidReveal {
            bidder,
            intent,
            bid: pda::bid(&bidder, &intent, &agent, round),
            agent,
            config: pda::exchange_config().0,
            slot_hashes: exchange::SLOT_HASHES_SYSVAR,
        },
        instruction::BidReveal { opening },
    )
}

pub fn bid_place(
    bidder: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    opening: BidOpening,
) -> Instruction {
    build(
        accounts::BidPlace {
            bidder,
            config: pda::exchange_config().0,
            intent,
            agent,
            bid: pda::bid(&bidder, &intent, &agent, round),
            registry: registry(),
            system_program: system_program::ID,
        },
        instruction::BidPlace { opening, round },
    )
}

/// `hire_accept` by the authority `bidder` of `agent`, the agent a direct hire names: takes the
/// job at its max price (`terms.price` must be it) on `terms`. No bid account is opened.
pub fn hire_accept(
    bidder: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    terms: HireTerms,
) -> Instruction {
    build(
        accounts::HireAccept {
            bidder,
            config: pda::exchange_config().0,
            intent,
            agent,
            registry: registry(),
        },
        instruction::HireAccept { terms, round },
    )
}

/// `hire_from_offer` by the direct hire's `requester`: `agent` is hired on its standing offer
/// `offer_index`.
pub fn hire_from_offer(requester: Pubkey, intent: Pubkey, agent: Pubkey, offer_index: u8) -> Instruction {
    build(
        accounts::HireFromOffer {
            requester,
            config: pda::exchange_config().0,
            intent,
            agent,
            offers: pda::offers(&agent).0,
            registry: registry(),
        },
        instruction::HireFromOffer { offer_index },
    )
}

/// `hire_decline` by the authority of `agent`, the agent a direct hire names.
pub fn hire_decline(authority: Pubkey, intent: Pubkey, agent: Pubkey) -> Instruction {
    build(accounts::HireDecline { authority, intent, agent }, instruction::HireDecline {})
}

/// `auction_settle` of an intent whose leaderboard is not empty: judges the `head` entry and,
/// under Vickrey, the runner-up `second` (the standby); awards, or drops the one that no longer
/// qualifies. [`auction_settle_for`] picks both from the intent account.
pub fn auction_settle(
    caller: Pubkey,
    intent: Pubkey,
    head: Option<&LeaderboardEntry>,
    second: Option<&LeaderboardEntry>,
) -> Instruction {
    build(
        accounts::AuctionSettle {
            caller,
            config: pda::exchange_config().0,
            intent,
            agent: head.map(|e| e.agent),
            bid: head.map(|e| e.bid),
            runner_up: second.map(|e| e.agent),
            runner_up_bid: second.map(|e| e.bid),
            registry: registry(),
            escrow: None,
            mint: None,
            requester_tokens: None,
            requester: None,
            token_program: None,
        },
        instruction::AuctionSettle {},
    )
}

/// [`auction_settle`] from a decoded intent account: its head, and its standby under Vickrey.
pub fn auction_settle_for(caller: Pubkey, intent: Pubkey, state: &Intent) -> Instruction {
    let standby = state.standby().ok().flatten();
    auction_settle(caller, intent, state.ranked().first(), standby.as_ref())
}

/// `auction_settle` of an auction without valid bids: refunds `requester_tokens`. For an intent
/// whose escrow the program created (`pda::escrow`); otherwise
/// [`auction_settle_expire_with_escrow`].
pub fn auction_settle_expire(
    caller: Pubkey,
    intent: Pubkey,
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    auction_settle_expire_with_escrow(
        caller,
        intent,
        pda::escrow(&intent).0,
        requester,
        token,
        requester_tokens,
    )
}

/// [`auction_settle_expire`] of `intent`, whose escrow is `escrow` (`Intent::escrow`).
pub fn auction_settle_expire_with_escrow(
    caller: Pubkey,
    intent: Pubkey,
    escrow: Pubkey,
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    build(
        accounts::AuctionSettle {
            caller,
            config: pda::exchange_config().0,
            intent,
            agent: None,
            bid: None,
            runner_up: None,
            runner_up_bid: None,
            registry: registry(),
            escrow: Some(escrow),
            mint: Some(token.mint),
            requester_tokens: Some(requester_tokens),
            requester: Some(requester),
            token_program: Some(token.program),
        },
        instruction::AuctionSettle {},
    )
}

/// `result_submit` by the winner's authority `bidder` (the intent's `winner_authority`), to be
/// paid into `payout_tokens`.
pub fn result_submit(
    bidder: Pubkey,
    intent: Pubkey,
    payout_tokens: Pubkey,
    result_hash: [u8; 32],
    result_uri: String,
    fulfilled_bps: u16,
) -> Instruction {
    build(
        accounts::ResultSubmit { bidder, config: pda::exchange_config().0, intent, payout_tokens },
        instruction::ResultSubmit {
            args: exchange::ResultSubmitArgs { result_hash, result_uri, fulfilled_bps },
        },
    )
}

/// The accounts of a payout, from the decoded intent: the winner is paid into `agent_tokens`,
/// the requester refunded into `requester_tokens`.
fn payout(
    intent: Pubkey,
    state: &Intent,
    token: StakeToken,
    agent_tokens: Pubkey,
    requester_tokens: Pubkey,
) -> accounts::Payout {
    let standby = (state.standby_agent != Pubkey::default()).then_some(state.standby_agent);
    accounts::Payout {
        config: pda::exchange_config().0,
        intent,
        escrow: state.escrow,
        mint: token.mint,
        agent_tokens,
        requester_tokens,
        fee_vault: Some(pda::fee_vault(&token.mint, &token.program)),
        winner_agent: state.winner_agent,
        standby,
        registry: registry(),
        token_program: token.program,
    }
}

/// `result_accept` by the requester with `rating_bps`.
pub fn result_accept(
    intent: Pubkey,
    state: &Intent,
    token: StakeToken,
    agent_tokens: Pubkey,
    requester_tokens: Pubkey,
    rating_bps: u16,
) -> Instruction {
    build(
        accounts::ResultAccept {
            requester: state.requester,
            payout: payout(intent, state, token, agent_tokens, requester_tokens),
        },
        instruction::ResultAccept { args: exchange::ResultAcceptArgs { rating_bps } },
    )
}

/// `intent_finalize` by any `caller` (a keeper) into the accounts the intent stores: the payout
/// account the winner named at submission and the refund account given at creation.
pub fn intent_finalize_stored(caller: Pubkey, intent: Pubkey, state: &Intent) -> Instruction {
    let token = StakeToken::of_intent(state);
    intent_finalize(caller, intent, state, token, state.winner_tokens, state.refund_tokens)
}

/// `intent_finalize` by any `caller` after the dispute window.
pub fn intent_finalize(
    caller: Pubkey,
    intent: Pubkey,
    state: &Intent,
    token: StakeToken,
    agent_tokens: Pubkey,
    requester_tokens: Pubkey,
) -> Instruction {
    build(
        accounts::IntentFinalize {
            caller,
            requester: state.requester,
            payout: payout(intent, state, token, agent_tokens, requester_tokens),
        },
        instruction::IntentFinalize {},
    )
}

/// `bid_rerank`: brings the revealed, off-board bid of `agent` (authority `bidder`) on `intent`
/// back onto the board.
pub fn bid_rerank(bidder: Pubkey, intent: Pubkey, agent: Pubkey, round: u8) -> Instruction {
    build(
        accounts::BidRerank { intent, bid: pda::bid(&bidder, &intent, &agent, round) },
        instruction::BidRerank {},
    )
}

/// `intent_close` of a finished intent whose bids are closed: a crank tip to `caller`, the rest
/// of the lamports to `requester`.
pub fn intent_close(caller: Pubkey, intent: Pubkey, requester: Pubkey) -> Instruction {
    build(
        accounts::IntentClose { caller, intent, requester, winner_authority: None },
        instruction::IntentClose {},
    )
}

/// `intent_close` of the intent `state` describes, with its links (see [`links`]) and, when a
/// reply to its rating is contested, the winner's authority (a lapsed reply's bond goes back).
pub fn intent_close_stored(caller: Pubkey, intent: Pubkey, state: &Intent) -> Instruction {
    let contested = state.reply_state == exchange::state::ReplyState::Contested.to_u8();
    let mut ix = build(
        accounts::IntentClose {
            caller,
            intent,
            requester: state.requester,
            winner_authority: contested.then_some(state.winner_authority),
        },
        instruction::IntentClose {},
    );
    ix.accounts.extend(links(state));
    ix
}

/// What `intent_close` and `intent_cancel` need after their named accounts, so the intent lets
/// go of what it is linked to: the budget that paid it (its refund owner, when not the
/// requester), then its parent. Empty for a wallet-paid intent without a parent.
pub fn links(state: &Intent) -> Vec<AccountMeta> {
    state.funding_budget().into_iter().chain(state.parent()).map(|key| AccountMeta::new(key, false)).collect()
}

/// `intent_link_parent`: `poster` (the parent's winner's authority) makes its new intent `child`
/// a part of `parent`. Send it with the child's post.
pub fn intent_link_parent(poster: Pubkey, parent: Pubkey, child: Pubkey) -> Instruction {
    build(accounts::IntentLinkParent { poster, parent, child }, instruction::IntentLinkParent {})
}

/// `dispute_open` by the requester, with the hash of its reasons.
pub fn dispute_open(requester: Pubkey, intent: Pubkey, reason_hash: [u8; 32]) -> Instruction {
    build(
        accounts::DisputeOpen { requester, config: pda::exchange_config().0, intent },
        instruction::DisputeOpen { args: exchange::DisputeOpenArgs { reason_hash } },
    )
}

/// Where a dispute's slash goes: the registry's stake token and the requester's token account
/// of the stake mint.
#[derive(Clone, Copy, Debug)]
pub struct DisputeSlash {
    pub stake: StakeToken,
    pub requester_stake_tokens: Pubkey,
    pub amount: u64,
}

/// `dispute_resolve` by the `judge` (the intent's evaluator within its window, else the
/// config's arbitrator): the agent gets `agent_share_bps` of its payment; `slash` (optional) pays
/// part of its held stake to the requester. An evaluator with a fee is paid into its associated
/// account of the intent's mint, which must exist.
#[allow(clippy::too_many_arguments)]
pub fn dispute_resolve(
    judge: Pubkey,
    intent: Pubkey,
    state: &Intent,
    token: StakeToken,
    agent_tokens: Pubkey,
    requester_tokens: Pubkey,
    agent_share_bps: u16,
    slash: Option<DisputeSlash>,
) -> Instruction {
    build(
        accounts::DisputeResolve {
            judge,
            requester: state.requester,
            payout: payout(intent, state, token, agent_tokens, requester_tokens),
            stake_vault: slash.map(|_| pda::stake_vault(&state.winner_agent).0),
            stake_mint: slash.map(|s| s.stake.mint),
            stake_token_program: slash.map(|s| s.stake.program),
            requester_stake_tokens: slash.map(|s| s.requester_stake_tokens),
            evaluator_tokens: (judge == state.evaluator && state.evaluator_fee > 0)
                .then(|| crate::token::associated_address(&judge, &state.mint, &state.token_program)),
        },
        instruction::DisputeResolve {
            args: exchange::DisputeResolveArgs { agent_share_bps, slash: slash.map_or(0, |s| s.amount) },
        },
    )
}

/// `rating_contest`: the winner's `authority` replies to its rating on `intent`, claiming
/// `claimed_rating_bps` and bonding the config's `reply_bond`.
pub fn rating_contest(authority: Pubkey, intent: Pubkey, claimed_rating_bps: u16) -> Instruction {
    build(
        accounts::RatingContest {
            authority,
            config: pda::exchange_config().0,
            intent,
            system_program: system_program::ID,
        },
        instruction::RatingContest { args: exchange::RatingContestArgs { claimed_rating_bps } },
    )
}

/// `rating_resolve`: the `judge` decides the contested rating of the job `state` describes.
pub fn rating_resolve(judge: Pubkey, intent: Pubkey, state: &Intent, rating_bps: u16) -> Instruction {
    build(
        accounts::RatingResolve {
            judge,
            config: pda::exchange_config().0,
            intent,
            requester: state.requester,
            winner_authority: state.winner_authority,
            winner_agent: state.winner_agent,
            registry: registry(),
        },
        instruction::RatingResolve { args: exchange::RatingResolveArgs { rating_bps } },
    )
}

/// `bid_close` of `agent`'s bid on `intent`; `bidder` and `requester` receive the lamports.
pub fn bid_close(
    caller: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    round: u8,
    bidder: Pubkey,
    requester: Pubkey,
) -> Instruction {
    build(
        accounts::BidClose {
            caller,
            intent,
            bid: pda::bid(&bidder, &intent, &agent, round),
            agent,
            bidder,
            requester,
        },
        instruction::BidClose {},
    )
}

/// `escrow_claim` by anyone: pays what an ended intent's escrow kept to `agent_tokens` (the
/// winner's authority's account) and to `requester_tokens` (the refund owner's); either may be
/// left out.
pub fn escrow_claim(
    intent: Pubkey,
    state: &Intent,
    agent_tokens: Option<Pubkey>,
    requester_tokens: Option<Pubkey>,
) -> Instruction {
    build(
        accounts::EscrowClaim {
            intent,
            escrow: state.escrow,
            mint: state.mint,
            agent_tokens,
            requester_tokens,
            requester: state.requester,
            token_program: state.token_program,
        },
        instruction::EscrowClaim {},
    )
}

/// Creates the exchange's fee vault for `token` (the exchange authority's associated token
/// account; idempotent, rent paid by `payer`): needed before payouts in a reputation-bearing mint.
pub fn fee_vault_create(payer: Pubkey, token: StakeToken) -> Instruction {
    crate::token::create_associated_idempotent(payer, pda::exchange_authority().0, token.mint, token.program)
}

/// `fee_withdraw` by the `admin`: `amount` atoms of `token` from its fee vault to `destination`.
pub fn fee_withdraw(admin: Pubkey, token: StakeToken, destination: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::FeeWithdraw {
            admin,
            config: pda::exchange_config().0,
            exchange_authority: pda::exchange_authority().0,
            fee_vault: pda::fee_vault(&token.mint, &token.program),
            mint: token.mint,
            destination,
            token_program: token.program,
        },
        instruction::FeeWithdraw { args: exchange::FeeWithdrawArgs { amount } },
    )
}

/// Budgets: what `owner` lets one registry agent spend, in `token` (mint and token program).
pub mod budget {
    use super::*;

    /// `budget_create` of budget `args.budget_id` for `agent` (a registry agent's address).
    pub fn create(
        owner: Pubkey,
        agent: Pubkey,
        token: StakeToken,
        args: exchange::BudgetCreateArgs,
    ) -> Instruction {
        let budget = pda::budget(&owner, &agent, args.budget_id).0;
        build(
            accounts::BudgetCreate {
                owner,
                config: pda::exchange_config().0,
                agent,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                token_program: token.program,
                system_program: anchor_lang::system_program::ID,
            },
            instruction::BudgetCreate { args },
        )
    }

    /// `budget_fund`: `amount` atoms from the owner's `source` account.
    pub fn fund(
        owner: Pubkey,
        budget: Pubkey,
        token: StakeToken,
        source: Pubkey,
        amount: u64,
    ) -> Instruction {
        build(
            accounts::BudgetFund {
                owner,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                source,
                token_program: token.program,
            },
            instruction::BudgetFund { amount },
        )
    }

    /// `budget_pay` by the authority of `agent` (the budget's agent) to `recipient`, a token
    /// account owned by an allowlisted key, or by the authority of `recipient_agent`.
    #[allow(clippy::too_many_arguments)]
    pub fn pay(
        spender: Pubkey,
        agent: Pubkey,
        budget: Pubkey,
        token: StakeToken,
        recipient: Pubkey,
        recipient_agent: Option<Pubkey>,
        amount: u64,
        memo_hash: [u8; 32],
    ) -> Instruction {
        build(
            accounts::BudgetPay {
                spender,
                agent,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                recipient,
                recipient_agent,
                token_program: token.program,
            },
            instruction::BudgetPay { args: exchange::BudgetPayArgs { amount, memo_hash } },
        )
    }

    /// `intent_create_from_budget`: `requester` (the authority of the budget's `agent`) posts
    /// an intent whose escrow the budget pays.
    pub fn intent_create(
        requester: Pubkey,
        agent: Pubkey,
        budget: Pubkey,
        token: StakeToken,
        args: IntentCreateArgs,
    ) -> Instruction {
        let intent = pda::intent(&requester, args.intent_id).0;
        build(
            accounts::IntentCreateFromBudget {
                requester,
                config: pda::exchange_config().0,
                intent,
                requester_state: pda::requester_state(&requester),
                escrow: pda::escrow(&intent).0,
                agent,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                token_program: token.program,
                system_program: system_program::ID,
            },
            instruction::IntentCreateFromBudget { args },
        )
    }

    /// `budget_revoke`: the vault's balance to the owner's `owner_tokens`.
    pub fn revoke(owner: Pubkey, budget: Pubkey, token: StakeToken, owner_tokens: Pubkey) -> Instruction {
        build(
            accounts::BudgetRevoke {
                owner,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                owner_tokens,
                token_program: token.program,
            },
            instruction::BudgetRevoke {},
        )
    }

    /// `budget_close`: what is left to `owner_tokens`, the rents to the owner.
    pub fn close(owner: Pubkey, budget: Pubkey, token: StakeToken, owner_tokens: Pubkey) -> Instruction {
        build(
            accounts::BudgetClose {
                owner,
                budget,
                vault: pda::budget_vault(&budget).0,
                mint: token.mint,
                owner_tokens,
                token_program: token.program,
            },
            instruction::BudgetClose {},
        )
    }
}

/// Coalitions: registry agents that bid, deliver, get paid and fail as one.
pub mod coalition {
    use super::*;
    use exchange::state::Coalition;
    use exchange::CoalitionMemberArgs;

    /// `coalition_create` by the authority of `lead` (the first of `members`).
    pub fn create(
        authority: Pubkey,
        lead: Pubkey,
        coalition_id: u64,
        members: Vec<CoalitionMemberArgs>,
    ) -> Instruction {
        build(
            accounts::CoalitionCreate {
                authority,
                config: pda::exchange_config().0,
                lead,
                coalition: pda::coalition(&lead, coalition_id).0,
                registry: registry(),
                system_program: anchor_lang::system_program::ID,
            },
            instruction::CoalitionCreate { args: exchange::CoalitionCreateArgs { coalition_id, members } },
        )
    }

    fn member_act(authority: Pubkey, coalition: Pubkey, agent: Pubkey) -> accounts::CoalitionMemberAct {
        accounts::CoalitionMemberAct {
            authority,
            config: pda::exchange_config().0,
            coalition,
            agent,
            registry: registry(),
        }
    }

    /// `coalition_accept` by the authority of the member `agent`, signing `terms_hash` (the
    /// coalition's current `terms_hash`, or [`terms_hash`] of the terms it agrees to).
    pub fn accept(authority: Pubkey, coalition: Pubkey, agent: Pubkey, terms_hash: [u8; 32]) -> Instruction {
        build(member_act(authority, coalition, agent), instruction::CoalitionAccept { terms_hash })
    }

    /// `coalition_leave` by the authority of the member `agent`.
    pub fn leave(authority: Pubkey, coalition: Pubkey, agent: Pubkey) -> Instruction {
        build(member_act(authority, coalition, agent), instruction::CoalitionLeave {})
    }

    fn authority_act(authority: Pubkey, coalition: Pubkey) -> accounts::CoalitionAuthorityAct {
        accounts::CoalitionAuthorityAct {
            authority,
            config: pda::exchange_config().0,
            coalition,
            registry: registry(),
        }
    }

    /// The signed members of the decoded `state` (but the lead when `but_lead`), writable, in
    /// member order: the accounts `coalition_update` / `coalition_dissolve` release.
    fn signed(state: &Coalition, but_lead: bool) -> Vec<AccountMeta> {
        state.signed_agents(but_lead.then_some(0)).map(|agent| AccountMeta::new(agent, false)).collect()
    }

    /// `coalition_update` by the coalition's authority to `members`, from its decoded `state`.
    pub fn update(
        authority: Pubkey,
        coalition: Pubkey,
        state: &Coalition,
        members: Vec<CoalitionMemberArgs>,
    ) -> Instruction {
        let mut ix = build(
            authority_act(authority, coalition),
            instruction::CoalitionUpdate { args: exchange::CoalitionUpdateArgs { members } },
        );
        ix.accounts.extend(signed(state, true));
        ix
    }

    /// `coalition_dissolve` by the coalition's authority, from its decoded `state`.
    pub fn dissolve(authority: Pubkey, coalition: Pubkey, state: &Coalition) -> Instruction {
        let mut ix = build(authority_act(authority, coalition), instruction::CoalitionDissolve {});
        ix.accounts.extend(signed(state, false));
        ix
    }

    /// `ix` (a bid by the coalition: `bid_commit`, `bid_reveal`, `bid_place`, or its
    /// `hire_accept`, built with the coalition's address as the agent) with its member agents
    /// after the named accounts, writable: a `bid_place` that reaches the threshold, and a hire,
    /// lock their contributions at once.
    pub fn with_members(mut ix: Instruction, members: &[Pubkey]) -> Instruction {
        ix.accounts.extend(members.iter().map(|m| AccountMeta::new(*m, false)));
        ix
    }

    /// `auction_settle` of an intent headed by the coalition: its member agents (writable: their
    /// contributions are locked) after the named accounts.
    pub fn settle_with_members(mut ix: Instruction, members: &[Pubkey]) -> Instruction {
        ix.accounts.extend(members.iter().map(|m| AccountMeta::new(*m, false)));
        ix
    }

    /// A payout of a coalition's job (`result_accept`, `intent_finalize`, `dispute_resolve`):
    /// each member's agent and the account it is paid into (its authority's associated account
    /// of the intent's mint; the lead's is not read), in member order.
    pub fn payout_with_members(mut ix: Instruction, members: &[(Pubkey, Pubkey)]) -> Instruction {
        for (agent, account) in members {
            ix.accounts.extend([AccountMeta::new(*agent, false), AccountMeta::new(*account, false)]);
        }
        ix
    }

    /// A failover of a job the coalition holds (`failover_trigger`, `award_decline`, built from
    /// the decoded intent `state`): its members' agents and stake vaults go right after the named
    /// accounts, in place of the candidates (a failed coalition's job is re-auctioned). A member
    /// that marked its part done is not slashed, so its vault is not read: its agent stands in
    /// the vault's slot, which costs the transaction no key (eight members' accounts fill one).
    pub fn with_failed_members(mut ix: Instruction, state: &Intent, members: &[Pubkey]) -> Instruction {
        for (i, agent) in members.iter().enumerate() {
            let done = i < 8 && state.parts_done >> i & 1 == 1;
            let vault = if done { *agent } else { pda::stake_vault(agent).0 };
            ix.accounts.extend([AccountMeta::new(*agent, false), AccountMeta::new(vault, false)]);
        }
        ix
    }

    /// `coalition_part_done` by the authority of the member `agent` on the job the coalition
    /// holds.
    pub fn part_done(authority: Pubkey, intent: Pubkey, coalition: Pubkey, agent: Pubkey) -> Instruction {
        build(
            accounts::CoalitionPartDone { authority, intent, coalition, agent },
            instruction::CoalitionPartDone {},
        )
    }

    /// The hash a member signs: `agx_core::coalition::terms_hash` of `members` for the coalition
    /// at `coalition` (software sha256, same bytes as on-chain).
    pub fn terms_hash(coalition: &Pubkey, members: &[CoalitionMemberArgs]) -> [u8; 32] {
        let terms: Vec<agx_core::coalition::MemberTerms> =
            members.iter().map(|m| m.member().terms()).collect();
        agx_core::coalition::terms_hash::<agx_core::commitment::SoftwareSha256>(&coalition.to_bytes(), &terms)
    }
}

/// The commitment of `opening` by `agent` on `intent` (software sha256, same bytes as on-chain).
pub fn commitment(intent: &Pubkey, agent: &Pubkey, opening: &BidOpening) -> [u8; 32] {
    opening.core(intent, agent).commitment::<agx_core::commitment::SoftwareSha256>()
}

/// What a failover may need besides the intent's own accounts: the registry's stake token and
/// the requester's stake-mint account (its compensation from the slash), and the payment token
/// and the refund owner's account (the last allowed failover refunds the escrow; the builders pass
/// the refund accounts only to that one, and the program uses those it needs).
#[derive(Clone, Copy, Debug)]
pub struct FailoverAccounts {
    pub stake: StakeToken,
    pub requester_stake_tokens: Pubkey,
    pub pay: StakeToken,
    pub requester_tokens: Pubkey,
}

fn failover(intent: Pubkey, state: &Intent, a: &FailoverAccounts) -> accounts::Failover {
    let standby = (state.standby_agent != Pubkey::default()).then_some(state.standby_agent);
    // Only the failover that uses up the allowance refunds the escrow (`Intent::fail_winner`
    // counts it, then `failovers_end`), or one at or after the whole intent's deadline, which
    // the builder cannot tell from here: an intent with a deadline always passes the refund
    // accounts. The others leave them out, which keeps a coalition's failover (eight members'
    // agents and vaults) in one transaction.
    let last = state.failovers.saturating_add(1) >= state.max_failovers || state.deadline_slot != 0;
    accounts::Failover {
        config: pda::exchange_config().0,
        intent,
        failed_agent: state.winner_agent,
        // A direct hire's winner holds no bid account.
        failed_bid: (!state.is_hired().unwrap_or(false)).then_some(state.winner_bid),
        standby,
        standby_bid: standby.map(|_| state.standby_bid),
        standby_vault: standby.map(|agent| pda::stake_vault(&agent).0),
        registry: registry(),
        // A coalition's members' vaults follow the named accounts instead (and every key saved
        // counts: eight members' accounts fill a transaction).
        stake_vault: (!state.held_by_coalition()).then(|| pda::stake_vault(&state.winner_agent).0),
        stake_mint: Some(a.stake.mint),
        stake_token_program: Some(a.stake.program),
        requester_stake_tokens: Some(a.requester_stake_tokens),
        escrow: last.then_some(state.escrow),
        mint: last.then_some(a.pay.mint),
        requester_tokens: last.then_some(a.requester_tokens),
        requester: last.then_some(state.requester),
        token_program: last.then_some(a.pay.program),
    }
}

/// The failover candidates: the agents of the board after the failed head, in order (writable:
/// the promoted one's stake is locked).
fn with_candidates(mut ix: Instruction, state: &Intent) -> Instruction {
    if state.held_by_coalition() {
        // A failed coalition's job goes to no candidate: its members follow instead
        // (`coalition::with_failed_members`).
        return ix;
    }
    let candidates = state.ranked().iter().skip(1).map(|e| AccountMeta::new(e.agent, false));
    ix.accounts.extend(candidates);
    ix
}

/// `failover_trigger` by any `caller` (its reward goes to `caller_stake_tokens`, its stake-mint
/// account) of the decoded intent's winner.
pub fn failover_trigger(
    caller: Pubkey,
    caller_stake_tokens: Option<Pubkey>,
    intent: Pubkey,
    state: &Intent,
    a: &FailoverAccounts,
) -> Instruction {
    let ix = build(
        accounts::FailoverTrigger { caller, caller_stake_tokens, failover: failover(intent, state, a) },
        instruction::FailoverTrigger {},
    );
    with_candidates(ix, state)
}

/// `award_decline` by the winning agent's `authority`.
pub fn award_decline(authority: Pubkey, intent: Pubkey, state: &Intent, a: &FailoverAccounts) -> Instruction {
    let ix = build(
        accounts::AwardDecline { authority, failover: failover(intent, state, a) },
        instruction::AwardDecline {},
    );
    with_candidates(ix, state)
}
