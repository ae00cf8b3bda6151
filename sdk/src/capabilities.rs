//! Capability bits by name. On chain a capability is a bit of a `u64` (an intent requires every
//! bit it names; an agent offers the bits it has); what each bit means is the market's
//! convention. This is this project's convention, used by `agx` and the demo; any bit may be
//! given by number too.

/// Named capability bits: bit `i` is `1 << i`.
pub const NAMES: [&str; 8] = ["summarize", "translate", "code", "research", "data", "image", "audio", "web"];

/// Parses capabilities given as a number (`3`, `0b11`, `0x3`) or as names and bit numbers
/// separated by commas (`summarize,translate`, `code,bit12`). The error says what it accepts.
pub fn parse(input: &str) -> Result<u64, String> {
    let text = input.trim();
    let number = if let Some(hex) = text.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = text.strip_prefix("0b") {
        u64::from_str_radix(bin, 2).ok()
    } else {
        text.parse::<u64>().ok()
    };
    if let Some(bits) = number {
        return Ok(bits);
    }
    let mut bits = 0u64;
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bit = match NAMES.iter().position(|n| n.eq_ignore_ascii_case(part)) {
            Some(i) => i as u32,
            None => part
                .strip_prefix("bit")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| *n < 64)
                .ok_or_else(|| {
                    format!(
                        "unknown capability '{part}': give a number (3, 0b11, 0x3) or names separated by commas ({}, or bit0..bit63)",
                        NAMES.join(", ")
                    )
                })?,
        };
        bits |= 1u64 << bit;
    }
    if bits == 0 {
        return Err(format!("no capability in '{input}'"));
    }
    Ok(bits)
}

/// The names of the bits set in `bits` (`bitN` for unnamed ones).
pub fn names(bits: u64) -> Vec<String> {
    (0..64u32)
        .filter(|i| bits & (1u64 << i) != 0)
        .map(|i| NAMES.get(i as usize).map_or_else(|| format!("bit{i}"), |n| (*n).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_bits() {
        assert_eq!(parse("3"), Ok(3));
        assert_eq!(parse("0b101"), Ok(5));
        assert_eq!(parse("0x10"), Ok(16));
        assert_eq!(parse("summarize,translate"), Ok(3));
        assert_eq!(parse("Code, bit12"), Ok(4 | 1 << 12));
        assert!(parse("cooking").unwrap_err().contains("summarize, translate"));
        assert!(parse(",").is_err());
        assert_eq!(names(0b1001 | 1 << 40), vec!["summarize", "research", "bit40"]);
    }
}
