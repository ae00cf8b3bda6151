/// Declares a fieldless enum that zero-copy accounts store as its `u8` discriminant. The table of
/// variants and both conversions are generated from the one list of variants, so the enum grows
/// by appending a variant and nothing else (inserting one would renumber stored accounts).
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident (unknown: $unknown:expr) {
            $($(#[$variant_meta:meta])* $variant:ident,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Every variant, in discriminant order.
            pub const ALL: &'static [Self] = &[$($name::$variant,)+];

            pub fn to_u8(self) -> u8 {
                self as u8
            }

            pub fn from_u8(value: u8) -> Result<Self> {
                Self::ALL.get(usize::from(value)).copied().ok_or_else(|| error!($unknown))
            }
        }
    };
}

pub(crate) use stored_enum;
