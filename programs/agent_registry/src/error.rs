//! Registry errors. Append-only: codes are part of the public interface; never reorder or remove.
use anchor_lang::prelude::*;

#[error_code]
pub enum RegistryError {
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
    #[msg("config: the operator must not be the default (all-zero) public key")]
    ConfigOperatorIsDefault,
    /// 6006
    #[msg("config: the unstake cooldown must be at least one slot")]
    ConfigCooldownZero,
    /// 6007
    #[msg("config: the heartbeat timeout must be at least one slot")]
    ConfigHeartbeatTimeoutZero,
    /// 6008
    #[msg("config: reputation parameters are invalid (bps above 10000, or zero prior value / slash weight)")]
    ConfigReputationParamsInvalid,
    /// 6009
    #[msg("agent_register: this authority already has a registered agent")]
    AgentAlreadyRegistered,
    /// 6010
    #[msg("agent: the capability bitmask must have at least one bit set")]
    AgentCapabilitiesEmpty,
    /// 6011
    #[msg("agent: the metadata URI is longer than 200 bytes")]
    AgentMetadataUriTooLong,
    /// 6012
    #[msg("agent: the agent is not active (deactivated)")]
    AgentNotActive,
    /// 6013
    #[msg("agent: the signer is not the agent's authority")]
    AgentNotAuthority,
    /// 6014
    #[msg("agent_close: the agent still has stake; unstake and withdraw all of it first")]
    AgentHasStake,
    /// 6015
    #[msg("agent: stake accounting broke (locked + unstaking must not exceed staked)")]
    AgentStakeInvariantBroken,
    /// 6016
    #[msg("stake: the amount must be positive")]
    StakeAmountZero,
    /// 6017
    #[msg("stake: the amount exceeds the agent's free stake (staked - locked - unstaking)")]
    StakeInsufficientFree,
    /// 6018
    #[msg("stake_withdraw: there is no pending unstake request")]
    StakeNoPendingUnstake,
    /// 6019
    #[msg("stake_withdraw: the unstake cooldown has not elapsed yet")]
    StakeCooldownNotElapsed,
    /// 6020
    #[msg("stake_unlock: the amount exceeds the agent's locked stake")]
    StakeUnlockExceedsLocked,
    /// 6021
    #[msg("stake_slash: the total exceeds the agent's locked stake")]
    StakeSlashExceedsLocked,
    /// 6022
    #[msg("stake_slash: one destination token account is needed per amount, and at least one")]
    StakeSlashDestinationsMismatch,
    /// 6023
    #[msg("stake: a destination may not be the stake vault itself")]
    StakeDestinationIsVault,
    /// 6024
    #[msg("stake: the stake vault holds less than the agent's recorded stake")]
    StakeVaultBalanceMismatch,
    /// 6025
    #[msg("operator: the signer is not the registry's operator")]
    OperatorNotAuthorized,
    /// 6026
    #[msg("reputation_record: a rating must be at most 10000 bps")]
    ReputationRatingOutOfRange,
    /// 6027
    #[msg("reputation_record: only a completed job can carry a rating")]
    ReputationRatingWithoutCompletion,
    /// 6028
    #[msg("arithmetic overflow")]
    ArithmeticOverflow,
    /// 6029
    #[msg("stake_slash: a destination is not a token account of the stake mint")]
    StakeSlashDestinationInvalid,
    /// 6030
    #[msg("stake_slash: at most 4 destinations")]
    StakeSlashTooManyDestinations,
    /// 6031
    #[msg("stake: the token program does not own the stake mint")]
    StakeMintTokenProgramMismatch,
    /// 6032
    #[msg("stake: the mint is not the registry's stake mint")]
    StakeMintMismatch,
    /// 6033
    #[msg("stake: the token program is not the one that owns the registry's stake mint")]
    StakeTokenProgramMismatch,
    /// 6034
    #[msg("agent_close: the agent still has bids open at the exchange; close them (bid_close) first")]
    AgentHasOpenBids,
    /// 6035
    #[msg("agent_release: the agent has no open bid to release")]
    AgentReleaseWithoutOpenBid,
    /// 6036
    #[msg("stake: the destination is an agent's stake vault; pay out to an ordinary token account")]
    StakeDestinationIsStakeVault,
    /// 6037
    #[msg("agent_close: the vault holds surplus tokens; pass a surplus destination token account of the stake mint")]
    AgentSurplusDestinationMissing,
    /// 6038
    #[msg("mint: the mint has a permanent delegate, who could move tokens out of any vault")]
    MintHasPermanentDelegate,
    /// 6039
    #[msg("mint: the mint has a transfer hook (or an authority that can set one)")]
    MintHasTransferHook,
    /// 6040
    #[msg("mint: the mint charges a transfer fee, or has an authority that can set one")]
    MintTransferFeeNotFixedZero,
    /// 6041
    #[msg("mint: the mint has a freeze authority and the config does not allow it")]
    MintHasFreezeAuthority,
    /// 6042
    #[msg("mint: the mint is pausable")]
    MintPausable,
    /// 6043
    #[msg("mint: the mint has a Token-2022 extension this program does not accept")]
    MintExtensionNotSupported,
    /// 6044
    #[msg("mint: the mint account's data is not a valid mint")]
    MintDataInvalid,
    /// 6045
    #[msg("config: the signer is not the config's admin")]
    ConfigNotAdmin,
    /// 6046
    #[msg("admin_accept: the signer is not the pending admin (or none is pending)")]
    ConfigNotPendingAdmin,
    /// 6047
    #[msg("outcome_settle: a slash needs the stake vault, the stake mint and its token program")]
    OutcomeSlashAccountsMissing,
    /// 6048
    #[msg("outcome_settle: the slash exceeds the stake the job held on the agent")]
    OutcomeSlashExceedsHold,
    /// 6049
    #[msg("agent_heartbeat: progress must be at most 10000 bps")]
    AgentProgressOutOfRange,
    /// 6050
    #[msg(
        "agent: the account is not an agent of this registry (owner or discriminator), or is not writable"
    )]
    AgentAccountInvalid,
    /// 6051
    #[msg("config: the account is not this registry's config (its address, owner or discriminator)")]
    ConfigAccountInvalid,
    /// 6052
    #[msg("stake_lock/outcome_settle: the standby or successor is the same agent as another of the call")]
    AgentRepeated,
    /// 6053
    #[msg("outcome_settle: the vault is not the winner's stake vault")]
    OutcomeVaultMismatch,
    /// 6054
    #[msg("agent_offers_set: at most 4 standing offers")]
    OffersTooMany,
    /// 6055
    #[msg(
        "agent_offers_set: an offer needs a positive price and latency and a quality of at most 10,000 bps"
    )]
    OfferInvalid,
    /// 6056
    #[msg("agent_offers_set: an offer covers a capability the agent does not have")]
    OfferCapabilityNotHeld,
    /// 6057
    #[msg("stake_lock_members/outcome_settle_members: pass 1 to 8 members after the named accounts, one per amount (outcomes: agent and vault each), writable")]
    MembersMismatch,
    /// 6058
    #[msg("reputation_correct: the agent's history holds no such rating to replace (value above the rated value, rating sum too small, or a rating above 10,000 bps)")]
    ReputationCorrectionInvalid,
}
