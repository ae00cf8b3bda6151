//! Error codes are part of the interface (keepers and SDK users match on them): this pins every
//! code's number and name. Append new codes; never renumber or rename one.
use exchange::error::ExchangeError;

const CODES: &[(u32, ExchangeError, &str)] = &[
    (6000, ExchangeError::ConfigAlreadyInitialized, "ConfigAlreadyInitialized"),
    (6001, ExchangeError::ConfigInitNotUpgradeAuthority, "ConfigInitNotUpgradeAuthority"),
    (6002, ExchangeError::ConfigInitWrongProgramData, "ConfigInitWrongProgramData"),
    (6003, ExchangeError::ConfigAdminIsDefault, "ConfigAdminIsDefault"),
    (6004, ExchangeError::ConfigVersionUnknown, "ConfigVersionUnknown"),
    (6005, ExchangeError::IntentWeightsInvalid, "IntentWeightsInvalid"),
    (6006, ExchangeError::IntentMaxPriceZero, "IntentMaxPriceZero"),
    (6007, ExchangeError::IntentMaxLatencyZero, "IntentMaxLatencyZero"),
    (6008, ExchangeError::IntentBidWindowZero, "IntentBidWindowZero"),
    (6009, ExchangeError::IntentRevealWindowInvalid, "IntentRevealWindowInvalid"),
    (6010, ExchangeError::IntentMinReputationOutOfRange, "IntentMinReputationOutOfRange"),
    (6011, ExchangeError::IntentScoreThresholdInvalid, "IntentScoreThresholdInvalid"),
    (6012, ExchangeError::IntentContextUriTooLong, "IntentContextUriTooLong"),
    (6013, ExchangeError::IntentMaxFailoversTooHigh, "IntentMaxFailoversTooHigh"),
    (6014, ExchangeError::IntentEscrowShortfall, "IntentEscrowShortfall"),
    (6015, ExchangeError::IntentNotOpen, "IntentNotOpen"),
    (6016, ExchangeError::IntentHasBids, "IntentHasBids"),
    (6017, ExchangeError::IntentCorrupt, "IntentCorrupt"),
    (6018, ExchangeError::BidWindowClosed, "BidWindowClosed"),
    (6019, ExchangeError::BidRevealWindowNotOpen, "BidRevealWindowNotOpen"),
    (6020, ExchangeError::BidWrongAuctionKind, "BidWrongAuctionKind"),
    (6021, ExchangeError::BidAgentInactive, "BidAgentInactive"),
    (6022, ExchangeError::BidCapabilitiesMissing, "BidCapabilitiesMissing"),
    (6023, ExchangeError::BidStakeTooLow, "BidStakeTooLow"),
    (6024, ExchangeError::BidReputationTooLow, "BidReputationTooLow"),
    (6025, ExchangeError::BidCommitmentMismatch, "BidCommitmentMismatch"),
    (6026, ExchangeError::BidPriceAboveMax, "BidPriceAboveMax"),
    (6027, ExchangeError::BidLatencyAboveMax, "BidLatencyAboveMax"),
    (6028, ExchangeError::BidQualityOutOfRange, "BidQualityOutOfRange"),
    (6029, ExchangeError::BidAlreadyRevealed, "BidAlreadyRevealed"),
    (6030, ExchangeError::BidNotBidder, "BidNotBidder"),
    (6031, ExchangeError::AuctionNotClosed, "AuctionNotClosed"),
    (6032, ExchangeError::AuctionNoValidBid, "AuctionNoValidBid"),
    (6033, ExchangeError::AuctionHasValidBids, "AuctionHasValidBids"),
    (6034, ExchangeError::AuctionWinnerMismatch, "AuctionWinnerMismatch"),
    (6035, ExchangeError::AuctionAccountsMissing, "AuctionAccountsMissing"),
    (6036, ExchangeError::BidCloseTooEarly, "BidCloseTooEarly"),
    (6037, ExchangeError::BidIsWinner, "BidIsWinner"),
    (6038, ExchangeError::ArithmeticOverflow, "ArithmeticOverflow"),
    (6039, ExchangeError::EscrowMintMismatch, "EscrowMintMismatch"),
    (6040, ExchangeError::RequesterMismatch, "RequesterMismatch"),
    (6041, ExchangeError::ConfigTooManyFreezableMints, "ConfigTooManyFreezableMints"),
    (6042, ExchangeError::ConfigRerankWindowZero, "ConfigRerankWindowZero"),
    (6043, ExchangeError::IntentMintHasPermanentDelegate, "IntentMintHasPermanentDelegate"),
    (6044, ExchangeError::IntentMintHasTransferHook, "IntentMintHasTransferHook"),
    (6045, ExchangeError::IntentMintTransferFeeNotFixedZero, "IntentMintTransferFeeNotFixedZero"),
    (6046, ExchangeError::IntentMintHasFreezeAuthority, "IntentMintHasFreezeAuthority"),
    (6047, ExchangeError::IntentMintPausable, "IntentMintPausable"),
    (6048, ExchangeError::IntentMintExtensionNotSupported, "IntentMintExtensionNotSupported"),
    (6049, ExchangeError::IntentMintDataInvalid, "IntentMintDataInvalid"),
    (6050, ExchangeError::AuctionRerankWindowOpen, "AuctionRerankWindowOpen"),
    (6051, ExchangeError::AuctionRunnerUpMismatch, "AuctionRunnerUpMismatch"),
    (6052, ExchangeError::AuctionBidMismatch, "AuctionBidMismatch"),
    (6053, ExchangeError::BidRerankNotRevealed, "BidRerankNotRevealed"),
    (6054, ExchangeError::BidAlreadyOnBoard, "BidAlreadyOnBoard"),
    (6055, ExchangeError::BidRerankOutsideSettlement, "BidRerankOutsideSettlement"),
    (6056, ExchangeError::BidIsStandby, "BidIsStandby"),
    (6057, ExchangeError::IntentNotClosable, "IntentNotClosable"),
    (6058, ExchangeError::IntentHasOpenBids, "IntentHasOpenBids"),
    (6059, ExchangeError::AuctionPaymentInvalid, "AuctionPaymentInvalid"),
    (6060, ExchangeError::AuctionPaymentOutOfBounds, "AuctionPaymentOutOfBounds"),
    (6061, ExchangeError::IntentStatusUnknown, "IntentStatusUnknown"),
    (6062, ExchangeError::IntentAuctionKindUnknown, "IntentAuctionKindUnknown"),
    (6063, ExchangeError::ConfigNotAdmin, "ConfigNotAdmin"),
    (6064, ExchangeError::ConfigNotPendingAdmin, "ConfigNotPendingAdmin"),
    (6065, ExchangeError::ExchangePaused, "ExchangePaused"),
    (6066, ExchangeError::IntentBidBondBelowMinimum, "IntentBidBondBelowMinimum"),
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
