//! Error codes are part of the interface (keepers and SDK users match on them): this pins every
//! code's number and name. Append new codes; never renumber or rename one.
use agent_registry::error::RegistryError;

const CODES: &[(u32, RegistryError, &str)] = &[
    (6000, RegistryError::ConfigAlreadyInitialized, "ConfigAlreadyInitialized"),
    (6001, RegistryError::ConfigInitNotUpgradeAuthority, "ConfigInitNotUpgradeAuthority"),
    (6002, RegistryError::ConfigInitWrongProgramData, "ConfigInitWrongProgramData"),
    (6003, RegistryError::ConfigAdminIsDefault, "ConfigAdminIsDefault"),
    (6004, RegistryError::ConfigVersionUnknown, "ConfigVersionUnknown"),
    (6005, RegistryError::ConfigOperatorIsDefault, "ConfigOperatorIsDefault"),
    (6006, RegistryError::ConfigCooldownZero, "ConfigCooldownZero"),
    (6007, RegistryError::ConfigHeartbeatTimeoutZero, "ConfigHeartbeatTimeoutZero"),
    (6008, RegistryError::ConfigReputationParamsInvalid, "ConfigReputationParamsInvalid"),
    (6009, RegistryError::AgentAlreadyRegistered, "AgentAlreadyRegistered"),
    (6010, RegistryError::AgentCapabilitiesEmpty, "AgentCapabilitiesEmpty"),
    (6011, RegistryError::AgentMetadataUriTooLong, "AgentMetadataUriTooLong"),
    (6012, RegistryError::AgentNotActive, "AgentNotActive"),
    (6013, RegistryError::AgentNotAuthority, "AgentNotAuthority"),
    (6014, RegistryError::AgentHasStake, "AgentHasStake"),
    (6015, RegistryError::AgentStakeInvariantBroken, "AgentStakeInvariantBroken"),
    (6016, RegistryError::StakeAmountZero, "StakeAmountZero"),
    (6017, RegistryError::StakeInsufficientFree, "StakeInsufficientFree"),
    (6018, RegistryError::StakeNoPendingUnstake, "StakeNoPendingUnstake"),
    (6019, RegistryError::StakeCooldownNotElapsed, "StakeCooldownNotElapsed"),
    (6020, RegistryError::StakeUnlockExceedsLocked, "StakeUnlockExceedsLocked"),
    (6021, RegistryError::StakeSlashExceedsLocked, "StakeSlashExceedsLocked"),
    (6022, RegistryError::StakeSlashDestinationsMismatch, "StakeSlashDestinationsMismatch"),
    (6023, RegistryError::StakeDestinationIsVault, "StakeDestinationIsVault"),
    (6024, RegistryError::StakeVaultBalanceMismatch, "StakeVaultBalanceMismatch"),
    (6025, RegistryError::OperatorNotAuthorized, "OperatorNotAuthorized"),
    (6026, RegistryError::ReputationRatingOutOfRange, "ReputationRatingOutOfRange"),
    (6027, RegistryError::ReputationRatingWithoutCompletion, "ReputationRatingWithoutCompletion"),
    (6028, RegistryError::ArithmeticOverflow, "ArithmeticOverflow"),
    (6029, RegistryError::StakeSlashDestinationInvalid, "StakeSlashDestinationInvalid"),
    (6030, RegistryError::StakeSlashTooManyDestinations, "StakeSlashTooManyDestinations"),
    (6031, RegistryError::StakeMintTokenProgramMismatch, "StakeMintTokenProgramMismatch"),
    (6032, RegistryError::StakeMintMismatch, "StakeMintMismatch"),
    (6033, RegistryError::StakeTokenProgramMismatch, "StakeTokenProgramMismatch"),
    (6034, RegistryError::AgentHasOpenBids, "AgentHasOpenBids"),
    (6035, RegistryError::AgentReleaseWithoutOpenBid, "AgentReleaseWithoutOpenBid"),
    (6036, RegistryError::StakeDestinationIsStakeVault, "StakeDestinationIsStakeVault"),
    (6037, RegistryError::AgentSurplusDestinationMissing, "AgentSurplusDestinationMissing"),
    (6038, RegistryError::MintHasPermanentDelegate, "MintHasPermanentDelegate"),
    (6039, RegistryError::MintHasTransferHook, "MintHasTransferHook"),
    (6040, RegistryError::MintTransferFeeNotFixedZero, "MintTransferFeeNotFixedZero"),
    (6041, RegistryError::MintHasFreezeAuthority, "MintHasFreezeAuthority"),
    (6042, RegistryError::MintPausable, "MintPausable"),
    (6043, RegistryError::MintExtensionNotSupported, "MintExtensionNotSupported"),
    (6044, RegistryError::MintDataInvalid, "MintDataInvalid"),
    (6045, RegistryError::ConfigNotAdmin, "ConfigNotAdmin"),
    (6046, RegistryError::ConfigNotPendingAdmin, "ConfigNotPendingAdmin"),
    (6047, RegistryError::OutcomeSlashAccountsMissing, "OutcomeSlashAccountsMissing"),
    (6048, RegistryError::OutcomeSlashExceedsHold, "OutcomeSlashExceedsHold"),
    (6049, RegistryError::AgentProgressOutOfRange, "AgentProgressOutOfRange"),
    (6050, RegistryError::AgentAccountInvalid, "AgentAccountInvalid"),
    (6051, RegistryError::ConfigAccountInvalid, "ConfigAccountInvalid"),
    (6052, RegistryError::AgentRepeated, "AgentRepeated"),
    (6053, RegistryError::OutcomeVaultMismatch, "OutcomeVaultMismatch"),
    (6054, RegistryError::OffersTooMany, "OffersTooMany"),
    (6055, RegistryError::OfferInvalid, "OfferInvalid"),
    (6056, RegistryError::OfferCapabilityNotHeld, "OfferCapabilityNotHeld"),
    (6057, RegistryError::MembersMismatch, "MembersMismatch"),
    (6058, RegistryError::ReputationCorrectionInvalid, "ReputationCorrectionInvalid"),
];

#[test]
fn every_error_code_keeps_its_number_and_name() {
    for (code, error, name) in CODES {
        assert_eq!(u32::from(*error), *code, "{name}");
        assert_eq!(error.name(), *name);
    }
    let numbers: Vec<u32> = CODES.iter().map(|(c, _, _)| *c).collect();
    assert_eq!(numbers, (6000..6000 + CODES.len() as u32).collect::<Vec<_>>(), "contiguous from 6000");
}
