//! Decoding of instruction arguments that Borsh alone would decode unsafely on-chain.
//!
//! Borsh reads a string's 4-byte length and allocates that many bytes (up to 1 MiB) before it
//! reads them. A program's heap is 32 KiB, so a call whose length prefix lies (says 40,000 bytes
//! where a few follow) ran the program out of memory: a panic, `ProgramFailedToComplete`, rather
//! than a named refusal. Found by the fuzzer (`fuzz/tests/programs.rs`).
//!
//! No string in one instruction can be longer than the packet it came in, so a longer prefix is
//! refused before anything is allocated, and decoding fails with Anchor's
//! `InstructionDidNotDeserialize`. A string that fits is decoded as before, so each field's own
//! rule (`AgentMetadataUriTooLong`, `IntentContextUriTooLong`, ...) still names what is wrong.
//!
//! The argument types holding a string (`AgentProfile`, the exchange's `IntentCreateArgs` and
//! `ResultSubmitArgs`) implement `AnchorDeserialize` by hand, field by field in declaration
//! order, calling [`bounded_string`] for the string: `#[borsh(deserialize_with)]` would say the
//! same, but Anchor's IDL build refuses it. Their tests check that each decodes what its derived
//! `AnchorSerialize` writes.
use anchor_lang::prelude::borsh::io::{Error, ErrorKind, Read, Result};

/// The most bytes a transaction takes on the wire (Solana's `PACKET_DATA_SIZE`): a bound on any
/// string an instruction sent in one can carry.
pub const MAX_STRING_ARG_LEN: usize = 1232;

/// A Borsh string (`u32` length, then UTF-8 bytes) no longer than [`MAX_STRING_ARG_LEN`]. The
/// wire format is Borsh's.
pub fn bounded_string<R: Read>(reader: &mut R) -> Result<String> {
    let mut len = [0u8; 4];
    reader.read_exact(&mut len)?;
    let len = usize::try_from(u32::from_le_bytes(len)).map_err(|_| Error::from(ErrorKind::InvalidData))?;
    if len > MAX_STRING_ARG_LEN {
        return Err(Error::new(ErrorKind::InvalidData, "string argument longer than a packet"));
    }
    let mut bytes = vec![0u8; len];
    reader.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::InvalidData, "string argument not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::prelude::borsh;

    fn decode(data: &[u8]) -> Result<String> {
        bounded_string(&mut &data[..])
    }

    #[test]
    fn a_string_decodes_as_borsh_writes_it() {
        for s in ["", "https://a.example/x", &"é".repeat(600)] {
            let data = borsh::to_vec(&s.to_string()).unwrap();
            assert_eq!(decode(&data).unwrap(), s);
        }
    }

    #[test]
    fn a_length_past_a_packet_or_past_the_data_is_refused_without_allocating_it() {
        let mut lie = u32::MAX.to_le_bytes().to_vec();
        lie.extend_from_slice(b"abc");
        assert_eq!(decode(&lie).unwrap_err().kind(), ErrorKind::InvalidData);
        let over = [&1233u32.to_le_bytes()[..], &[b'a'; 1233]].concat();
        assert_eq!(decode(&over).unwrap_err().kind(), ErrorKind::InvalidData);
        let at = [&1232u32.to_le_bytes()[..], &[b'a'; 1232]].concat();
        assert_eq!(decode(&at).unwrap().len(), 1232);
        let short = [&10u32.to_le_bytes()[..], b"abc"].concat();
        assert_eq!(decode(&short).unwrap_err().kind(), ErrorKind::UnexpectedEof);
        assert_eq!(decode(&[1, 0, 0, 0, 0xff]).unwrap_err().kind(), ErrorKind::InvalidData, "not UTF-8");
    }
}
