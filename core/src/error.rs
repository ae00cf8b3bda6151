//! Errors of the core rules. Each names the rule or the quantity that failed.
use core::fmt;

/// What a checked operation was computing when it overflowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    TokenAtoms,
    Lamports,
    Bps,
    Slots,
    Score,
    Payment,
    Reputation,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A checked `op` on `quantity` overflowed (or underflowed, or divided by zero).
    Overflow { quantity: Quantity, op: Op },
    /// Evaluation weights must sum to exactly 10,000 bps.
    WeightsSumNot10000 { sum: u32 },
    /// A basis-point value above 10,000.
    BpsAbove10000 { value: u16 },
    /// The intent's max price must be positive.
    MaxPriceZero,
    /// The intent's max latency must be positive.
    MaxLatencyZero,
    /// A bid's price is above the intent's max price.
    PriceAboveMax { price: u64, max_price: u64 },
    /// A bid's latency is above the intent's max latency.
    LatencyAboveMax { latency: u64, max_latency: u64 },
    /// An intent id the requester used before, or one below its window of recent ids
    /// ([`crate::ids`]).
    IdUsed { id: u64 },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Overflow { quantity, op } => write!(f, "{op:?} overflowed computing {quantity:?}"),
            Error::WeightsSumNot10000 { sum } => write!(f, "weights sum to {sum} bps, not 10000"),
            Error::BpsAbove10000 { value } => write!(f, "{value} bps is above 10000"),
            Error::MaxPriceZero => f.write_str("max price must be positive"),
            Error::MaxLatencyZero => f.write_str("max latency must be positive"),
            Error::PriceAboveMax { price, max_price } => {
                write!(f, "price {price} above max price {max_price}")
            }
            Error::LatencyAboveMax { latency, max_latency } => {
                write!(f, "latency {latency} slots above max latency {max_latency}")
            }
            Error::IdUsed { id } => {
                write!(f, "intent id {id} was used before or lies below the window of recent ids")
            }
        }
    }
}

pub(crate) const fn overflow(quantity: Quantity, op: Op) -> Error {
    Error::Overflow { quantity, op }
}
