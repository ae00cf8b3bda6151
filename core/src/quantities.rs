//! Typed quantities. Each is a transparent integer newtype whose arithmetic is checked and whose
//! errors say which quantity overflowed in which operation.
use crate::error::{overflow, Error, Op, Quantity};
use crate::BPS_DENOMINATOR;

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident($inner:ty), $kind:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $inner);

        impl $name {
            pub const ZERO: Self = Self(0);

            pub fn checked_add(self, rhs: Self) -> Result<Self, Error> {
                self.0.checked_add(rhs.0).map(Self).ok_or(overflow($kind, Op::Add))
            }

            pub fn checked_sub(self, rhs: Self) -> Result<Self, Error> {
                self.0.checked_sub(rhs.0).map(Self).ok_or(overflow($kind, Op::Sub))
            }

            pub fn checked_mul(self, rhs: $inner) -> Result<Self, Error> {
                self.0.checked_mul(rhs).map(Self).ok_or(overflow($kind, Op::Mul))
            }
        }

        impl From<$inner> for $name {
            fn from(v: $inner) -> Self {
                Self(v)
            }
        }
    };
}

quantity!(
    /// An amount of an SPL token in its smallest unit (atoms).
    TokenAtoms(u64),
    Quantity::TokenAtoms
);
quantity!(
    /// An amount of SOL in lamports.
    Lamports(u64),
    Quantity::Lamports
);
quantity!(
    /// A duration or distance in slots.
    Slots(u64),
    Quantity::Slots
);

/// Basis points: 0..=10,000 stands for 0%..=100%.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bps(u16);

impl Bps {
    pub const ZERO: Self = Self(0);
    pub const ONE: Self = Self(BPS_DENOMINATOR);

    /// A basis-point value; above 10,000 is an error.
    pub const fn new(value: u16) -> Result<Self, Error> {
        if value > BPS_DENOMINATOR {
            Err(Error::BpsAbove10000 { value })
        } else {
            Ok(Self(value))
        }
    }

    pub const fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Bps {
    type Error = Error;
    fn try_from(value: u16) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl TokenAtoms {
    /// `self * bps / 10_000`, rounded down (a share never exceeds its whole).
    pub fn mul_bps_floor(self, bps: Bps) -> Result<Self, Error> {
        let product = u128::from(self.0)
            .checked_mul(u128::from(bps.0))
            .ok_or(overflow(Quantity::TokenAtoms, Op::Mul))?;
        let share = product
            .checked_div(u128::from(BPS_DENOMINATOR))
            .ok_or(overflow(Quantity::TokenAtoms, Op::Div))?;
        // share <= self because bps <= 10_000.
        u64::try_from(share).map(Self).map_err(|_| overflow(Quantity::TokenAtoms, Op::Mul))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_names_the_quantity_and_operation() {
        assert_eq!(
            TokenAtoms(u64::MAX).checked_add(TokenAtoms(1)),
            Err(Error::Overflow { quantity: Quantity::TokenAtoms, op: Op::Add })
        );
        assert_eq!(
            Slots(0).checked_sub(Slots(1)),
            Err(Error::Overflow { quantity: Quantity::Slots, op: Op::Sub })
        );
        assert_eq!(
            Lamports(u64::MAX).checked_mul(2),
            Err(Error::Overflow { quantity: Quantity::Lamports, op: Op::Mul })
        );
    }

    #[test]
    fn bps_rejects_values_above_one_whole() {
        assert_eq!(Bps::new(10_000).map(Bps::get), Ok(10_000));
        assert_eq!(Bps::new(10_001), Err(Error::BpsAbove10000 { value: 10_001 }));
    }

    #[test]
    fn bps_share_rounds_down_and_never_exceeds_the_whole() {
        assert_eq!(TokenAtoms(999).mul_bps_floor(Bps::new(3_333).unwrap()), Ok(TokenAtoms(332)));
        assert_eq!(TokenAtoms(u64::MAX).mul_bps_floor(Bps::ONE), Ok(TokenAtoms(u64::MAX)));
        assert_eq!(TokenAtoms(u64::MAX).mul_bps_floor(Bps::ZERO), Ok(TokenAtoms(0)));
    }
}
