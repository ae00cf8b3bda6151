//! Prints the Anchor IDL of one program crate, built on the host (`idl-build` feature), without
//! anchor-cli. Run the binary directly, not through `cargo run`: the IDL build itself runs cargo
//! in the program's directory and would wait forever on the outer cargo's build lock.
use anyhow::{Context, Result};

fn main() -> Result<()> {
    let program = std::env::args().nth(1).context("usage: idl-gen <program-crate-dir>")?;
    let path = std::fs::canonicalize(&program).with_context(|| format!("no such directory: {program}"))?;
    let idl = anchor_lang_idl::build::IdlBuilder::new()
        .program_path(path)
        .skip_lint(true)
        // Only the lib test target holds the IDL printer; skip building the integration tests.
        .cargo_args(vec!["--lib".into()])
        .build()
        .with_context(|| format!("IDL build failed for {program}"))?;
    println!("{}", serde_json::to_string_pretty(&idl)?);
    Ok(())
}
