//! Writes the Anchor IDL of one program crate, built on the host (`idl-build` feature), without
//! anchor-cli: `<out>/<program>.json` and its TypeScript type `<out>/<program>.ts` (what
//! `anchor idl type` makes: the IDL with every name in camelCase, as `@anchor-lang/core`'s
//! `Program<T>` expects). Run the binary directly, not through `cargo run`: the IDL build itself
//! runs cargo in the program's directory and would wait forever on the outer cargo's build lock.
use anchor_lang_idl::types::{Idl, IdlDefinedFields, IdlType, IdlTypeDefTy};
use anyhow::{bail, Context, Result};
use heck::{ToLowerCamelCase, ToUpperCamelCase};

/// Fields that zero-copy accounts store as the `u8` discriminant of a fieldless enum (the
/// exchange's `stored_enum!`): the IDL types them as that enum, the same single byte on the wire
/// (Borsh writes a fieldless enum as its index; the exchange's tests pin both), so that clients
/// read `{ open: {} }` rather than `0`.
const STORED_ENUMS: &[(&str, &str, &str)] =
    &[("Intent", "status", "IntentStatus"), ("Intent", "auction_kind", "AuctionKind")];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(program), Some(out)) = (args.next(), args.next()) else {
        bail!("usage: idl-gen <program-crate-dir> <out-dir>");
    };
    let path = std::fs::canonicalize(&program).with_context(|| format!("no such directory: {program}"))?;
    let mut idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(path)
        .skip_lint(true)
        // Only the lib test target holds the IDL printer; skip building the integration tests.
        .cargo_args(vec!["--lib".into()])
        .build()
        .with_context(|| format!("IDL build failed for {program}"))?;
    type_stored_enums(&mut idl)?;
    let name = idl.metadata.name.clone();
    let json = serde_json::to_string_pretty(&idl)?;
    let out = std::path::Path::new(&out);
    std::fs::write(out.join(format!("{name}.json")), format!("{json}\n"))?;
    std::fs::write(out.join(format!("{name}.ts")), typescript(&name, &json))?;
    Ok(())
}

fn type_stored_enums(idl: &mut Idl) -> Result<()> {
    let defined: Vec<String> = idl.types.iter().map(|t| t.name.clone()).collect();
    for (account, field, enum_name) in STORED_ENUMS {
        let Some(account_type) = idl.types.iter_mut().find(|t| t.name == *account) else { continue };
        if !defined.iter().any(|n| n == enum_name) {
            bail!("{account}.{field} is stored as {enum_name}, which the IDL does not define");
        }
        let IdlTypeDefTy::Struct { fields: Some(IdlDefinedFields::Named(fields)) } = &mut account_type.ty
        else {
            bail!("{account} is not a struct with named fields");
        };
        let entry =
            fields.iter_mut().find(|f| f.name == *field).with_context(|| format!("{account}.{field}"))?;
        if entry.ty != IdlType::U8 {
            bail!("{account}.{field} is {:?}, not the u8 of a stored enum", entry.ty);
        }
        entry.ty = IdlType::Defined { name: (*enum_name).into(), generics: vec![] };
    }
    Ok(())
}

/// The IDL as a TypeScript type, its names in camelCase the way the TS client converts them at
/// run time: the values of `name`, `path`, `account`, `generic` and the items of `relations`, each
/// dot-separated part on its own. Works line by line on `serde_json`'s pretty output (one key per
/// line, each of these values a string on its line), which keeps the IDL's field order.
fn typescript(name: &str, pretty_json: &str) -> String {
    const KEYS: &[&str] = &["\"name\": ", "\"path\": ", "\"account\": ", "\"generic\": "];
    let camel = |s: &str| s.split('.').map(|p| p.to_lower_camel_case()).collect::<Vec<_>>().join(".");
    // The string literal of `rest` (a line's tail from its opening quote), converted.
    let convert = |rest: &str| match rest.strip_prefix('"').and_then(|r| r.split_once('"')) {
        Some((value, tail)) => format!("\"{}\"{tail}", camel(value)),
        None => rest.to_string(),
    };
    let mut in_relations = false;
    let mut body = String::new();
    for line in pretty_json.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let trimmed = line.trim_start();
        let converted = if in_relations {
            if trimmed.starts_with(']') {
                in_relations = false;
                trimmed.to_string()
            } else {
                convert(trimmed)
            }
        } else if trimmed == "\"relations\": [" {
            in_relations = true;
            trimmed.to_string()
        } else if let Some(key) = KEYS.iter().find(|k| trimmed.starts_with(**k)) {
            format!("{key}{}", convert(&trimmed[key.len()..]))
        } else {
            trimmed.to_string()
        };
        body.push_str(indent);
        body.push_str(&converted);
        body.push('\n');
    }
    format!(
        "/**\n * The IDL of `{name}` in camelCase, for `Program<{ty}>` of `@anchor-lang/core`.\n * \
         Generated by scripts/idl.sh from {name}.json: do not edit.\n */\nexport type {ty} = {body};\n",
        ty = name.to_upper_camel_case(),
        body = body.trim_end()
    )
}
