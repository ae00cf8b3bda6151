//! Where each fixed-size value of an instruction's arguments sits in its data: integers, bools
//! and enum tags, found by walking the Borsh layout the committed IDLs (`idl/*.json`) give, over
//! the data itself (a string's or vector's length comes from the data). The extreme-values
//! attack (`attack.rs`) rewrites each to 0, 1 and all ones (its maximum).
use std::sync::OnceLock;

use anchor_lang::prelude::Pubkey;
use serde_json::Value;

/// One value of the arguments: its path (`args.max_price`, `args.weights[2]`), where it starts
/// in the instruction data, and its width in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub offset: usize,
    pub size: usize,
}

fn idls() -> &'static [(Pubkey, Value)] {
    static IDLS: OnceLock<Vec<(Pubkey, Value)>> = OnceLock::new();
    IDLS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../idl");
        agx_sdk::PROGRAMS
            .iter()
            .map(|(name, id)| {
                let path = dir.join(format!("{name}.json"));
                let text =
                    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (*id, serde_json::from_str(&text).expect("IDL JSON"))
            })
            .collect()
    })
}

/// The fixed-size values of the arguments in `data`, an instruction of `program` (discriminator
/// first); `None` when the IDL does not know the instruction or the data does not fit its layout.
pub fn fields(program: &Pubkey, data: &[u8]) -> Option<Vec<Field>> {
    let (_, idl) = idls().iter().find(|(id, _)| id == program)?;
    let ix = idl["instructions"].as_array()?.iter().find(|ix| {
        let d: Option<Vec<u8>> = ix["discriminator"]
            .as_array()
            .map(|a| a.iter().filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok())).collect());
        d.is_some_and(|d| data.starts_with(&d))
    })?;
    let mut walk = Walk { types: idl["types"].as_array()?, data, at: 8, out: Vec::new() };
    for arg in ix["args"].as_array()? {
        walk.value(&arg["type"], arg["name"].as_str()?.to_string())?;
    }
    Some(walk.out)
}

struct Walk<'a> {
    types: &'a [Value],
    data: &'a [u8],
    at: usize,
    out: Vec<Field>,
}

impl Walk<'_> {
    fn skip(&mut self, n: usize) -> Option<()> {
        self.at = self.at.checked_add(n).filter(|end| *end <= self.data.len())?;
        Some(())
    }

    fn field(&mut self, name: String, size: usize) -> Option<()> {
        self.out.push(Field { name, offset: self.at, size });
        self.skip(size)
    }

    fn length(&mut self) -> Option<usize> {
        let bytes = self.data.get(self.at..self.at.checked_add(4)?)?;
        self.at += 4;
        usize::try_from(u32::from_le_bytes(bytes.try_into().ok()?)).ok()
    }

    fn value(&mut self, ty: &Value, name: String) -> Option<()> {
        if let Some(primitive) = ty.as_str() {
            return match primitive {
                "bool" | "u8" | "i8" => self.field(name, 1),
                "u16" | "i16" => self.field(name, 2),
                "u32" | "i32" => self.field(name, 4),
                "u64" | "i64" => self.field(name, 8),
                "u128" | "i128" => self.field(name, 16),
                "pubkey" => self.skip(32),
                "string" | "bytes" => {
                    let len = self.length()?;
                    self.skip(len)
                }
                _ => None,
            };
        }
        if let Some([element, len]) = ty.get("array").and_then(Value::as_array).map(Vec::as_slice) {
            let len = usize::try_from(len.as_u64()?).ok()?;
            // Byte arrays are hashes and keys, not quantities.
            if element.as_str() == Some("u8") {
                return self.skip(len);
            }
            return (0..len).try_for_each(|i| self.value(element, format!("{name}[{i}]")));
        }
        if let Some(element) = ty.get("vec") {
            let len = self.length()?;
            return (0..len).try_for_each(|i| self.value(element, format!("{name}[{i}]")));
        }
        if let Some(inner) = ty.get("option") {
            let tag = *self.data.get(self.at)?;
            self.field(format!("{name}?"), 1)?;
            return if tag == 1 { self.value(inner, name) } else { Some(()) };
        }
        let defined = ty.get("defined")?.get("name")?.as_str()?;
        let def = self.types.iter().find(|t| t["name"].as_str() == Some(defined))?;
        match def["type"]["kind"].as_str()? {
            "struct" => {
                for (i, f) in def["type"]["fields"].as_array().into_iter().flatten().enumerate() {
                    let (field_name, field_ty) = match f.get("name") {
                        Some(n) => (n.as_str()?.to_string(), &f["type"]),
                        None => (i.to_string(), f),
                    };
                    self.value(field_ty, format!("{name}.{field_name}"))?;
                }
                Some(())
            }
            "enum" => {
                let tag = usize::from(*self.data.get(self.at)?);
                self.field(name.clone(), 1)?;
                let variant = def["type"]["variants"].as_array()?.get(tag)?;
                for (i, f) in variant["fields"].as_array().into_iter().flatten().enumerate() {
                    let field_ty = f.get("type").unwrap_or(f);
                    self.value(field_ty, format!("{name}.{i}"))?;
                }
                Some(())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_submit_args_are_found_where_borsh_puts_them() {
        let ix = agx_sdk::ix::exchange::result_submit(
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            Pubkey::new_unique(),
            [9; 32],
            "abc".into(),
            7_000,
        );
        let found = fields(&agx_sdk::exchange::ID, &ix.data).expect("known layout");
        // discriminator 8, hash 32, string 4 + 3: the bps at 47.
        assert_eq!(found, vec![Field { name: "args.fulfilled_bps".into(), offset: 47, size: 2 }]);
        assert_eq!(u16::from_le_bytes(ix.data[47..49].try_into().unwrap()), 7_000);
    }
}
