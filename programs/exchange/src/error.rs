//! Exchange errors. Append-only: codes are part of the public interface; never reorder or remove.
use anchor_lang::prelude::*;

#[error_code]
pub enum ExchangeError {
    /// 6000
    #[msg("config_init: the config account is already initialised; it can be created only once")]
    ConfigAlreadyInitialized,
    /// 6001
    #[msg("config_init: the signer is not the program's upgrade authority")]
    ConfigInitNotUpgradeAuthority,
    /// 6002
    #[msg("config_init: program_data is not this program's ProgramData account")]
    ConfigInitWrongProgramData,
    /// 6003
    #[msg("config: the admin must not be the default (all-zero) public key")]
    ConfigAdminIsDefault,
    /// 6004
    #[msg("config: the layout version is not one this program knows")]
    ConfigVersionUnknown,
    /// 6005
    #[msg("intent_create: weights (quality, cost, speed, reputation) must sum to 10000 bps")]
    IntentWeightsInvalid,
    /// 6006
    #[msg("intent_create: max_price must be positive")]
    IntentMaxPriceZero,
    /// 6007
    #[msg("intent_create: max_latency must be positive")]
    IntentMaxLatencyZero,
    /// 6008
    #[msg("intent_create: the bid window must last at least one slot")]
    IntentBidWindowZero,
    /// 6009
    #[msg("intent_create: sealed auctions need a reveal window of at least one slot; continuous auctions take none")]
    IntentRevealWindowInvalid,
    /// 6010
    #[msg("intent_create: min_reputation must be at most 10000 bps")]
    IntentMinReputationOutOfRange,
    /// 6011
    #[msg("intent_create: score_threshold must be at most 10000 bps, and 0 for sealed auctions")]
    IntentScoreThresholdInvalid,
    /// 6012
    #[msg("intent_create: the context URI is longer than 200 bytes")]
    IntentContextUriTooLong,
    /// 6013
    #[msg("intent_create: max_failovers must be at most 8")]
    IntentMaxFailoversTooHigh,
    /// 6014
    #[msg(
        "intent_create: the escrow received less than max_price (mints with transfer fees are not supported)"
    )]
    IntentEscrowShortfall,
    /// 6015
    #[msg("intent: the intent is not open")]
    IntentNotOpen,
    /// 6016
    #[msg("intent_cancel: bids were already committed or placed")]
    IntentHasBids,
    /// 6017
    #[msg("intent: the account holds an impossible state")]
    IntentCorrupt,
    /// 6018
    #[msg("bid_commit/bid_place: the bidding window has closed")]
    BidWindowClosed,
    /// 6019
    #[msg("bid_reveal: reveals are accepted only during the reveal window")]
    BidRevealWindowNotOpen,
    /// 6020
    #[msg("bid: bid_commit/bid_reveal are for sealed auctions, bid_place for continuous ones")]
    BidWrongAuctionKind,
    /// 6021
    #[msg("bid: the agent is not active in the registry")]
    BidAgentInactive,
    /// 6022
    #[msg("bid: the agent lacks capabilities the intent requires")]
    BidCapabilitiesMissing,
    /// 6023
    #[msg("bid: the agent's free stake is below the intent's min_stake")]
    BidStakeTooLow,
    /// 6024
    #[msg("bid: the agent's reputation is below the intent's min_reputation")]
    BidReputationTooLow,
    /// 6025
    #[msg("bid_reveal: the opened values do not hash to the commitment")]
    BidCommitmentMismatch,
    /// 6026
    #[msg("bid: the price is above the intent's max_price")]
    BidPriceAboveMax,
    /// 6027
    #[msg("bid: the latency is above the intent's max_latency")]
    BidLatencyAboveMax,
    /// 6028
    #[msg("bid: quality must be at most 10000 bps")]
    BidQualityOutOfRange,
    /// 6029
    #[msg("bid_reveal: the bid is already revealed")]
    BidAlreadyRevealed,
    /// 6030
    #[msg("bid: the signer is not the agent's authority")]
    BidNotBidder,
    /// 6031
    #[msg("auction_settle: the bidding or reveal window is still open")]
    AuctionNotClosed,
    /// 6032
    #[msg("auction: there is no valid bid")]
    AuctionNoValidBid,
    /// 6033
    #[msg("auction_settle: valid bids exist; settle with the head's agent account")]
    AuctionHasValidBids,
    /// 6034
    #[msg("auction_settle: the agent account is not the leaderboard head")]
    AuctionWinnerMismatch,
    /// 6035
    #[msg("auction_settle: pass the head's agent and the registry accounts to award, or the escrow accounts to expire")]
    AuctionAccountsMissing,
    /// 6036
    #[msg("bid_close: the auction is still running")]
    BidCloseTooEarly,
    /// 6037
    #[msg("bid_close: the winning bid stays open while its job runs")]
    BidIsWinner,
    /// 6038
    #[msg("arithmetic overflow")]
    ArithmeticOverflow,
    /// 6039
    #[msg("escrow: the mint or token program is not the intent's")]
    EscrowMintMismatch,
    /// 6040
    #[msg("the requester account is not the intent's requester")]
    RequesterMismatch,
    /// 6041
    #[msg("config: at most 4 freezable mints")]
    ConfigTooManyFreezableMints,
    /// 6042
    #[msg("config: the re-rank window must be at least one slot")]
    ConfigRerankWindowZero,
    /// 6043
    #[msg("intent_create/budget_create: the mint has a permanent delegate, who could move the escrow out")]
    IntentMintHasPermanentDelegate,
    /// 6044
    #[msg("intent_create/budget_create: the mint has a transfer hook (or an authority that can set one)")]
    IntentMintHasTransferHook,
    /// 6045
    #[msg("intent_create/budget_create: the mint charges a transfer fee, or an authority can set one")]
    IntentMintTransferFeeNotFixedZero,
    /// 6046
    #[msg("intent_create/budget_create: the mint has a freeze authority and is not among the config's freezable mints")]
    IntentMintHasFreezeAuthority,
    /// 6047
    #[msg("intent_create/budget_create: the mint is pausable")]
    IntentMintPausable,
    /// 6048
    #[msg("intent_create/budget_create: the mint has a Token-2022 extension the exchange does not accept")]
    IntentMintExtensionNotSupported,
    /// 6049
    #[msg("intent_create/budget_create: the mint account's data is not a valid mint")]
    IntentMintDataInvalid,
    /// 6050
    #[msg("auction_settle: the re-rank window after a disqualification is still open")]
    AuctionRerankWindowOpen,
    /// 6051
    #[msg("auction_settle: the runner-up agent account is missing or is not the leaderboard's second entry")]
    AuctionRunnerUpMismatch,
    /// 6052
    #[msg("auction_settle: the bid account is missing or is not the disqualified entry's bid")]
    AuctionBidMismatch,
    /// 6053
    #[msg("bid_rerank: only a revealed bid that is still valid can be re-ranked")]
    BidRerankNotRevealed,
    /// 6054
    #[msg("bid_rerank: the bid is already on the leaderboard")]
    BidAlreadyOnBoard,
    /// 6055
    #[msg("bid_rerank: bids are re-ranked only after the bidding and reveal windows, before the award")]
    BidRerankOutsideSettlement,
    /// 6056
    #[msg("bid_close: the standby (price-setting runner-up) bid stays open while the job runs")]
    BidIsStandby,
    /// 6057
    #[msg("intent_close: only an expired or completed intent can be closed")]
    IntentNotClosable,
    /// 6058
    #[msg("intent_close: bids of this intent are still open; close them (bid_close) first")]
    IntentHasOpenBids,
    /// 6059
    #[msg("auction: agx_core could not price the head against the runner-up (the head does not outrank it)")]
    AuctionPaymentInvalid,
    /// 6060
    #[msg("auction: the payment is outside [the winner's ask, max_price]")]
    AuctionPaymentOutOfBounds,
    /// 6061
    #[msg("intent: the stored status is not one this program knows")]
    IntentStatusUnknown,
    /// 6062
    #[msg("intent: the stored auction kind is not one this program knows")]
    IntentAuctionKindUnknown,
    /// 6063
    #[msg("config: the signer is not the config's admin")]
    ConfigNotAdmin,
    /// 6064
    #[msg("admin_accept: the signer is not the pending admin (or none is pending)")]
    ConfigNotPendingAdmin,
    /// 6065
    #[msg("exchange: paused by the admin; no new intents or bids (reveals, settlement, refunds and closes go on)")]
    ExchangePaused,
    /// 6066
    #[msg("intent_create: bid_bond is below the config's min_bid_bond")]
    IntentBidBondBelowMinimum,
    /// 6067
    #[msg("result_submit: the intent is not awarded (no job is running)")]
    ResultNotAwarded,
    /// 6068
    #[msg("result_submit: the execution deadline (award + promised latency + grace) has passed")]
    ResultDeadlinePassed,
    /// 6069
    #[msg("result_submit: fulfilled_bps must be 1..=10000")]
    ResultFulfilledOutOfRange,
    /// 6070
    #[msg("result_submit: the signer is not the winning agent's authority")]
    ResultNotWinner,
    /// 6071
    #[msg("result_accept/intent_finalize: no result is waiting (the intent is not submitted)")]
    ResultNotSubmitted,
    /// 6072
    #[msg("intent_finalize: the dispute window is still open; the requester may accept or dispute")]
    FinalizeTooEarly,
    /// 6073
    #[msg("result_accept: the rating must be at most 10000 bps")]
    ResultRatingOutOfRange,
    /// 6074
    #[msg("payout: the token account is not the winner's (the winning bid's bidder) of the intent's mint")]
    PayoutAccountMismatch,
    /// 6075
    #[msg("config: the dispute window must be at least one slot, the neutral rating at most 10000 bps")]
    ConfigDeliveryParamsInvalid,
    /// 6076
    #[msg("result_submit: the result URI is longer than 200 bytes")]
    ResultUriTooLong,
    /// 6077
    #[msg("payout: the standby agent account is missing or is not the intent's standby")]
    PayoutStandbyMismatch,
    /// 6078
    #[msg("config: at most 4 reputation-bearing mints, each weight at most 10000 bps")]
    ConfigReputationMintsInvalid,
    /// 6079
    #[msg("dispute_open: only a submitted result can be disputed (not submitted, already disputed or completed)")]
    DisputeNotSubmitted,
    /// 6080
    #[msg("dispute_open: the dispute window has closed")]
    DisputeWindowClosed,
    /// 6081
    #[msg("dispute_resolve: the intent is not disputed")]
    DisputeNotOpen,
    /// 6082
    #[msg("dispute_resolve: the signer is not the config's arbitrator")]
    DisputeNotArbitrator,
    /// 6083
    #[msg("dispute_open: the config names no arbitrator, so results cannot be disputed")]
    DisputeNoArbitrator,
    /// 6084
    #[msg("dispute_resolve: the agent's share must be at most 10000 bps")]
    DisputeShareOutOfRange,
    /// 6085
    #[msg("dispute_resolve: the slash exceeds the stake held for the job (the intent's min stake)")]
    DisputeSlashExceedsHold,
    /// 6086
    #[msg("dispute_resolve: a slash needs the stake vault, stake mint, stake token program and the requester's stake-mint token account")]
    DisputeSlashAccountsMissing,
    /// 6087
    #[msg("config: slash and reward fractions at most 10000 bps, the decline slash at most the failover slash, and arbitration and re-auction bid windows of at least one slot")]
    ConfigFailoverParamsInvalid,
    /// 6088
    #[msg("bid_reveal: the SlotHashes sysvar holds no slot hash to seed the tie-break with")]
    BidTiebreakSeedUnavailable,
    /// 6089
    #[msg("payout: the refund account is not owned by the intent's refund owner")]
    RefundAccountMismatch,
    /// 6090
    #[msg("failover: the intent is not awarded (already failed over, delivered, or not yet awarded)")]
    FailoverNotAwarded,
    /// 6091
    #[msg("failover: the agent passed as the failed winner is not the intent's winner (another failover already happened)")]
    FailoverStale,
    /// 6092
    #[msg("failover_trigger: the winner is neither past its execution deadline nor silent past the heartbeat timeout")]
    FailoverNotDue,
    /// 6093
    #[msg("failover: pass the agent account of every leaderboard entry from the head on, in order, as remaining accounts")]
    FailoverCandidateMissing,
    /// 6094
    #[msg("failover: a candidate account is not the agent of the leaderboard entry at its position")]
    FailoverCandidateMismatch,
    /// 6095
    #[msg("failover: slashing needs the stake vault, stake mint, stake token program and the requester's (and caller's) stake-mint token accounts")]
    FailoverSlashAccountsMissing,
    /// 6096
    #[msg("failover: the last allowed failover refunds the escrow; pass the escrow, mint, refund token account, requester and token program")]
    FailoverRefundAccountsMissing,
    /// 6097
    #[msg("award_decline: the signer is not the winning agent's authority")]
    AwardDeclineNotWinner,
    /// 6098
    #[msg("award_decline: the execution deadline has passed; the job can only be failed over")]
    AwardDeclineTooLate,
    /// 6099
    #[msg("result_submit: the agent was cut off this intent by a failover")]
    ResultAgentCutOff,
    /// 6100
    #[msg("bid: the agent was cut off this intent by a failover and may not bid on it again")]
    BidAgentCutOff,
    /// 6101
    #[msg("bid: the bid is not of the intent's current auction round")]
    BidRoundMismatch,
    /// 6102
    #[msg("failover: the registry config account is not the registry's config")]
    FailoverRegistryConfigInvalid,
    /// 6103
    #[msg("escrow: the account is not the intent's escrow")]
    EscrowAccountMismatch,
    /// 6104
    #[msg("token account: not an initialized SPL Token or Token-2022 token account")]
    TokenAccountInvalid,
    /// 6105
    #[msg("intent_create: the funding account is not a token account of the intent's mint")]
    IntentFundingAccountInvalid,
    /// 6106
    #[msg("intent_create: an intent with this id already exists for this requester")]
    IntentAlreadyExists,
    /// 6107
    #[msg("config: the account is not the exchange's config (the PDA [\"config\"])")]
    ConfigAccountInvalid,
    /// 6108
    #[msg("registry: the exchange authority is not the exchange's signing PDA [\"authority\"]")]
    ExchangeAuthorityInvalid,
    /// 6109
    #[msg("registry: the registry config account is not the registry's config")]
    RegistryConfigInvalid,
    /// 6110
    #[msg("intent_create: max_latency is above the most an intent may accept (MAX_LATENCY_SLOTS, 10,000,000 slots)")]
    IntentMaxLatencyTooHigh,
    /// 6111
    #[msg("intent_create: the bid or reveal window is longer than the most an intent may set (MAX_AUCTION_WINDOW_SLOTS, 1,000,000 slots)")]
    IntentWindowTooLong,
    /// 6112
    #[msg("config: a window (grace, dispute, arbitration, re-rank, re-auction) is longer than MAX_CONFIG_WINDOW_SLOTS (10,000,000 slots)")]
    ConfigWindowTooLong,
    /// 6113
    #[msg("config: the reputation fee is above 10,000 bps")]
    ConfigReputationFeeInvalid,
    /// 6114
    #[msg("refund: the refund account cannot receive tokens (closed, frozen, another owner's, or requiring memos); pass a token account of the intent's mint owned by the refund owner that can")]
    RefundAccountUnusable,
    /// 6115
    #[msg("intent_close: the escrow still holds a payment or refund whose account could not receive it; claim it first with escrow_claim")]
    IntentClaimsPending,
    /// 6116
    #[msg("escrow_claim: nothing to claim: the intent has not ended, or its escrow is already paid out and closed")]
    EscrowNothingToClaim,
    /// 6117
    #[msg("payout: a reputation-bearing payout pays the reputation fee; pass a token account of the intent's mint owned by the exchange authority (its associated token account) that can receive it")]
    FeeVaultInvalid,
    /// 6118
    #[msg("fee_withdraw: the fee vault is not a token account of the mint owned by the exchange authority")]
    FeeWithdrawVaultInvalid,
    /// 6119
    #[msg("failover: the requester's stake-mint account cannot receive its compensation; pass a usable stake-mint account of the requester or its associated token account (created first if missing)")]
    CompensationAccountInvalid,
    /// 6120
    #[msg("failover: the winner's bid account is not the intent's winning bid")]
    FailoverBidMismatch,
    /// 6121
    #[msg("failover: the standby no longer qualifies and is failed with the winner; pass its bid and stake vault")]
    FailoverStandbyAccountsMissing,
    /// 6122
    #[msg("failover: the standby's bid account is not the intent's standby bid")]
    FailoverStandbyBidMismatch,
    /// 6123
    #[msg("intent_create: the intent id was used before by this requester, or lies more than 1,024 below the highest it used (take next_intent_id or above from the requester's account [\"requester\", requester])")]
    IntentIdReused,
    /// 6124
    #[msg("intent_create: the requester account is not this requester's record (the PDA [\"requester\", requester] of the exchange)")]
    RequesterAccountInvalid,
    /// 6125
    #[msg("budget_create: the per-spend cap must be positive and at most the total cap")]
    BudgetCapsInvalid,
    /// 6126
    #[msg("budget_create: the expiry slot must be after the current slot")]
    BudgetExpiryPassed,
    /// 6127
    #[msg("budget_create: at most 4 recipients in the allowlist")]
    BudgetAllowlistTooLong,
    /// 6128
    #[msg("budget: the agent account is not an agent of the registry")]
    BudgetAgentInvalid,
    /// 6129
    #[msg("budget: only the authority of the budget's agent may spend it")]
    BudgetNotSpender,
    /// 6130
    #[msg("budget: revoked by its owner; nothing more may be spent or funded")]
    BudgetRevoked,
    /// 6131
    #[msg("budget: expired; nothing more may be spent")]
    BudgetExpired,
    /// 6132
    #[msg("budget: the amount must be positive")]
    BudgetAmountZero,
    /// 6133
    #[msg("budget: the amount is above the budget's per-spend cap")]
    BudgetPerSpendCapExceeded,
    /// 6134
    #[msg("budget: the amount would take the total spent above the budget's total cap")]
    BudgetTotalCapExceeded,
    /// 6135
    #[msg("budget_pay: the recipient account is neither owned by an allowlisted key nor by the authority of the named registered agent")]
    BudgetRecipientNotAllowed,
    /// 6136
    #[msg("budget: the vault is not the budget's (the PDA [\"budget_vault\", budget])")]
    BudgetVaultInvalid,
    /// 6137
    #[msg("budget_close: the budget is neither revoked nor expired")]
    BudgetStillLive,
    /// 6138
    #[msg("budget_close: intents funded by the budget are still open")]
    BudgetIntentsLive,
    /// 6139
    #[msg("budget: the owner's account must be a token account of the budget's mint owned by the budget's owner, able to receive")]
    BudgetOwnerTokensInvalid,
    /// 6140
    #[msg("budget: the account breaks its invariant (spent within the total cap, caps ordered, allowlist within its length)")]
    BudgetCorrupt,
    /// 6141
    #[msg("intent_link_parent: the parent intent is not awarded; only a job in progress takes sub-intents")]
    ParentNotAwarded,
    /// 6142
    #[msg("intent_link_parent: the signer is not the authority of the parent's winner; only the agent holding a job may split it")]
    ParentNotPostersJob,
    /// 6143
    #[msg("intent_link_parent: the child intent was not posted by the signer")]
    ChildNotPosters,
    /// 6144
    #[msg("intent_link_parent: the child intent is not open or already has a bid; link it in the transaction that posts it")]
    ChildNotFresh,
    /// 6145
    #[msg("intent_link_parent: the child intent already has a parent")]
    ChildAlreadyLinked,
    /// 6146
    #[msg("intent_link_parent: the child's auction end plus its max latency passes the slot the parent's winner promised (award slot + promised latency)")]
    ChildOutlastsParent,
    /// 6147
    #[msg("result_submit: sub-intents of this intent are not closed yet; close them first (intent_close, or intent_cancel)")]
    ResultChildrenLive,
    /// 6148
    #[msg("intent_close/intent_cancel: pass the intent's links after the named accounts: its funding budget (the refund owner) if a budget paid it, then its parent if it has one, each writable")]
    IntentLinkAccountMissing,
    /// 6149
    #[msg("intent_create: a direct hire (auction_kind Direct) names the agent it is offered to in hire_agent, and only a direct hire names one")]
    IntentHireAgentInvalid,
    /// 6150
    #[msg("hire: the job is not a direct hire offered to this agent")]
    HireNotOffered,
    /// 6151
    #[msg("hire_accept: the price is the job's max price; a direct hire takes no other")]
    HirePriceNotOffered,
    /// 6152
    #[msg("hire_from_offer: the agent has no standing offer at this index")]
    OfferMissing,
    /// 6153
    #[msg("hire_from_offer: the offer's mint, price or capabilities do not match the intent's mint, max price and required capabilities")]
    OfferTermsMismatch,
    /// 6154
    #[msg("coalition: a coalition has 1 to 8 members, the lead first")]
    CoalitionMemberCount,
    /// 6155
    #[msg("coalition: the members' profit shares must sum to exactly 10,000 bps")]
    CoalitionSharesNot10000,
    /// 6156
    #[msg("coalition: an agent appears twice among the members")]
    CoalitionMemberRepeated,
    /// 6157
    #[msg("coalition: the members' positions in the execution sequence must be 0..n, each once")]
    CoalitionPositionsInvalid,
    /// 6158
    #[msg("coalition: the first member is the lead agent, whose address is in the coalition's")]
    CoalitionLeadNotFirst,
    /// 6159
    #[msg("coalition_create: the lead is not a registry agent of the signer")]
    CoalitionLeadInvalid,
    /// 6160
    #[msg("coalition: the agent is not a member of the coalition")]
    CoalitionNotMember,
    /// 6161
    #[msg("coalition: the signer is not the member agent's authority")]
    CoalitionSignerNotAuthority,
    /// 6162
    #[msg("coalition_accept: the terms signed are not the coalition's current terms (terms_hash)")]
    CoalitionTermsChanged,
    /// 6163
    #[msg("coalition_accept: the member already signed the current terms")]
    CoalitionAlreadyAccepted,
    /// 6164
    #[msg("coalition_leave: the member has not signed the current terms")]
    CoalitionNotAccepted,
    /// 6165
    #[msg("coalition: the coalition holds a bid or a job; no member leaves, no term changes, no dissolution until it closes")]
    CoalitionBusy,
    /// 6166
    #[msg("coalition: pass the agents that signed the current terms, in member order, writable, after the named accounts")]
    CoalitionMemberAccountMissing,
    /// 6167
    #[msg("coalition: only the coalition's authority (the lead's authority at creation) changes its terms or dissolves it")]
    CoalitionNotLead,
    /// 6168
    #[msg("coalition: the account breaks its invariant")]
    CoalitionCorrupt,
    /// 6169
    #[msg("coalition: not every member has signed the current terms; the coalition cannot bid yet")]
    CoalitionNotReady,
    /// 6170
    #[msg("coalition: coalitions bid on continuous and first-price sealed auctions only (not Vickrey, not direct hire)")]
    CoalitionAuctionKindUnsupported,
    /// 6171
    #[msg("result_submit: every member of the winning coalition must mark its part done first (coalition_part_done)")]
    CoalitionPartsNotDone,
    /// 6172
    #[msg("coalition_part_done: the intent is not awarded to this coalition")]
    CoalitionJobNotHeld,
    /// 6173
    #[msg("coalition_part_done: the member already marked its part done")]
    CoalitionPartAlreadyDone,
    /// 6174
    #[msg("dispute_resolve: a coalition's job is resolved by its share alone; slashing its members is not supported yet")]
    CoalitionDisputeSlashUnsupported,
    /// 6175
    #[msg("intent_create: deadline_slot (the whole intent's deadline) is 0 or after the first auction's windows end")]
    IntentDeadlineInvalid,
    /// 6176
    #[msg("config: probation_bond_multiplier is at most 100 (0 turns probation off)")]
    ConfigProbationInvalid,
    /// 6177
    #[msg("bid_reveal: the agent is below the intent's minimum reputation and its bid's bond is less than probation requires")]
    BidProbationBondTooLow,
    /// 6178
    #[msg("intent_create: the evaluator is not the requester, and an evaluator fee needs an evaluator")]
    IntentEvaluatorInvalid,
    /// 6179
    #[msg("dispute_resolve/rating_resolve: within its window only the intent's evaluator decides")]
    JudgeNotEvaluator,
    /// 6180
    #[msg("dispute_resolve: the evaluator is paid its fee into a token account of the intent's mint that it owns (evaluator_tokens)")]
    EvaluatorTokensInvalid,
    /// 6181
    #[msg("rating_contest: the job's rating is not open to reply (accepted at or above the promised quality, not accepted by the requester, or already contested)")]
    ReplyNotOpen,
    /// 6182
    #[msg("rating_contest: the window to reply to the rating has passed")]
    ReplyWindowClosed,
    /// 6183
    #[msg("rating_contest: only the winning agent's authority replies to its rating")]
    ReplyNotWinner,
    /// 6184
    #[msg("rating_contest: the claimed rating is above the requester's and at most the promised quality")]
    ReplyClaimInvalid,
    /// 6185
    #[msg("rating_contest: nobody could judge the reply: the intent names no evaluator and the config no arbitrator")]
    ReplyNoJudge,
    /// 6186
    #[msg("rating_resolve: the rating is not contested")]
    ReplyNotContested,
    /// 6187
    #[msg("rating_resolve: the rating decided lies between the requester's rating and the agent's claim")]
    ReplyRatingOutOfRange,
    /// 6188
    #[msg("intent_close: the job's rating may still be contested, or a contest decided")]
    IntentReplyPending,
    /// 6189
    #[msg("intent_close: a lapsed reply's bond goes back to the winner's authority: pass it as winner_authority")]
    ReplyBondRecipientMissing,
    /// 6190
    #[msg("dispute_resolve: an evaluator decides the agent's share only; slashing stake is the exchange arbitrator's")]
    EvaluatorSlashRefused,
    /// 6191
    #[msg("intent_create: the intent account is not the PDA [\"intent\", requester, intent_id]")]
    IntentAccountInvalid,
    /// 6192
    #[msg("intent_create: the escrow account is not the PDA [\"escrow\", intent]")]
    EscrowAccountInvalid,
    /// 6193
    #[msg("bid: the bid account is not the PDA [\"bid\", intent, agent, round]")]
    BidAccountInvalid,
    /// 6194
    #[msg("bid: the account is not an exchange bid, or holds an unknown status")]
    BidCorrupt,
    /// 6195
    #[msg("registry call: outcome_settle returned no value the registry set")]
    RegistryReturnMissing,
    /// 6196
    #[msg("bid_close: the bid is on the board of a job its winner holds: a failover may promote it, so it closes once the result is in or the job ends")]
    BidIsFailoverCandidate,
    /// 6197
    #[msg("bid_commit/bid_place: a bid account the bidder created must be blank: owned by the exchange, Bid::SPACE bytes, no bid written in it")]
    BidAccountNotBlank,
    /// 6198
    #[msg("bid_commit/bid_place: a bid account the bidder created must hold at least its rent plus the bid bond")]
    BidAccountUnderfunded,
    /// 6199
    #[msg("intent_create/intent_create_from_budget: an escrow the requester created must be a fresh token account of the mint, owned by the intent, empty, with no delegate, close authority or extension but a transfer-fee amount or immutable owner, and the size the mint needs")]
    EscrowAccountNotFresh,
}

impl From<agx_core::budget::SpendRefusal> for ExchangeError {
    fn from(r: agx_core::budget::SpendRefusal) -> Self {
        use agx_core::budget::SpendRefusal as R;
        match r {
            R::Revoked => ExchangeError::BudgetRevoked,
            R::Expired => ExchangeError::BudgetExpired,
            R::AmountZero => ExchangeError::BudgetAmountZero,
            R::OverPerSpendCap => ExchangeError::BudgetPerSpendCapExceeded,
            R::OverTotalCap => ExchangeError::BudgetTotalCapExceeded,
        }
    }
}

impl From<agx_core::budget::LimitsRefusal> for ExchangeError {
    fn from(r: agx_core::budget::LimitsRefusal) -> Self {
        use agx_core::budget::LimitsRefusal as R;
        match r {
            R::CapsInvalid => ExchangeError::BudgetCapsInvalid,
            R::ExpiryPassed => ExchangeError::BudgetExpiryPassed,
            R::AllowlistTooLong => ExchangeError::BudgetAllowlistTooLong,
        }
    }
}

impl From<agent_registry::mint_policy::MintViolation> for ExchangeError {
    fn from(v: agent_registry::mint_policy::MintViolation) -> Self {
        use agent_registry::mint_policy::MintViolation as V;
        match v {
            V::PermanentDelegate => ExchangeError::IntentMintHasPermanentDelegate,
            V::TransferHook => ExchangeError::IntentMintHasTransferHook,
            V::TransferFee => ExchangeError::IntentMintTransferFeeNotFixedZero,
            V::FreezeAuthority => ExchangeError::IntentMintHasFreezeAuthority,
            V::Pausable => ExchangeError::IntentMintPausable,
            V::UnsupportedExtension => ExchangeError::IntentMintExtensionNotSupported,
            V::InvalidData => ExchangeError::IntentMintDataInvalid,
        }
    }
}
