//! Sealed-bid commitments.
//!
//! `commitment = sha256(preimage)` where the preimage is exactly these 146 bytes:
//!
//! | offset | bytes | field | encoding |
//! |---:|---:|---|---|
//! | 0 | 32 | intent | account address |
//! | 32 | 32 | agent | agent account address |
//! | 64 | 8 | price | u64 little-endian, token atoms |
//! | 72 | 2 | quality | u16 little-endian, bps |
//! | 74 | 8 | latency | u64 little-endian, slots |
//! | 82 | 32 | plan hash | sha256 of the off-chain plan |
//! | 114 | 32 | salt | 32 random bytes chosen by the bidder |
//!
//! The hash function is a parameter ([`Sha256`]) because programs must use the `sol_sha256`
//! syscall while host code uses a software implementation (feature `sha2`).

/// Length of the commitment preimage.
pub const PREIMAGE_LEN: usize = 146;

/// A SHA-256 implementation.
pub trait Sha256 {
    fn sha256(data: &[u8]) -> [u8; 32];
}

/// Software SHA-256 for host code.
#[cfg(feature = "sha2")]
pub struct SoftwareSha256;

/// SHA-256 of `data` on the host: the one spelling of it for the SDK, the CLI and the tests.
#[cfg(feature = "sha2")]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    SoftwareSha256::sha256(data)
}

#[cfg(feature = "sha2")]
impl Sha256 for SoftwareSha256 {
    fn sha256(data: &[u8]) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(data).into()
    }
}

/// The opened contents of a sealed bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BidOpening {
    pub intent: [u8; 32],
    pub agent: [u8; 32],
    pub price: u64,
    pub quality_bps: u16,
    pub latency: u64,
    pub plan_hash: [u8; 32],
    pub salt: [u8; 32],
}

impl BidOpening {
    /// The fixed 146-byte preimage (layout in the module docs).
    pub fn preimage(&self) -> [u8; PREIMAGE_LEN] {
        let mut out = [0u8; PREIMAGE_LEN];
        let fields: [&[u8]; 7] = [
            &self.intent,
            &self.agent,
            &self.price.to_le_bytes(),
            &self.quality_bps.to_le_bytes(),
            &self.latency.to_le_bytes(),
            &self.plan_hash,
            &self.salt,
        ];
        let mut at = 0usize;
        for field in fields {
            let end = at.saturating_add(field.len());
            out[at..end].copy_from_slice(field);
            at = end;
        }
        out
    }

    pub fn commitment<H: Sha256>(&self) -> [u8; 32] {
        H::sha256(&self.preimage())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Soft;
    impl Sha256 for Soft {
        fn sha256(data: &[u8]) -> [u8; 32] {
            use sha2::Digest as _;
            sha2::Sha256::digest(data).into()
        }
    }

    fn opening() -> BidOpening {
        BidOpening {
            intent: [1; 32],
            agent: [2; 32],
            price: 0x0102_0304_0506_0708,
            quality_bps: 0x0a0b,
            latency: 0x1112_1314_1516_1718,
            plan_hash: [3; 32],
            salt: [4; 32],
        }
    }

    #[test]
    fn preimage_layout_is_fixed() {
        let p = opening().preimage();
        assert_eq!(&p[0..32], &[1; 32]);
        assert_eq!(&p[32..64], &[2; 32]);
        assert_eq!(&p[64..72], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(&p[72..74], &[0x0b, 0x0a]);
        assert_eq!(&p[74..82], &[0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11]);
        assert_eq!(&p[82..114], &[3; 32]);
        assert_eq!(&p[114..146], &[4; 32]);
    }

    #[test]
    fn every_field_changes_the_commitment() {
        let base = opening().commitment::<Soft>();
        let changed = [
            BidOpening { intent: [9; 32], ..opening() },
            BidOpening { agent: [9; 32], ..opening() },
            BidOpening { price: 1, ..opening() },
            BidOpening { quality_bps: 1, ..opening() },
            BidOpening { latency: 1, ..opening() },
            BidOpening { plan_hash: [9; 32], ..opening() },
            BidOpening { salt: [9; 32], ..opening() },
        ];
        for c in changed {
            assert_ne!(c.commitment::<Soft>(), base);
        }
    }
}
