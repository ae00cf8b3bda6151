//! `security-report RAW_ATTACK_FILE OUT.md`: folds the attack records the in-process tests write
//! (`AGX_ATTACK_OUT`, `agx_tests::attack`) into the security matrix: one row per instruction of
//! both IDLs (`idl/*.json`), one column per attack class, each cell the attempts refused out of
//! those made and the tests whose success path they were made on. Every attack the programs
//! accepted is listed with its account's name, and with the reason `docs/security-allow.txt`
//! gives for it, or under "To review" when it gives none.
//!
//! Fails when an instruction of an IDL has no record at all: a new instruction needs a test that
//! sends it on its success path through `Svm::send_measured`.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

const PROGRAMS: [&str; 2] = ["agent_registry", "exchange"];
const CLASSES: [(&str, &str); 11] = [
    ("missing_signer", "missing signer"),
    ("wrong_owner", "wrong owner"),
    ("type_cosplay", "type cosplay"),
    ("fake_account", "fake token account / mint"),
    ("duplicate_mutable", "duplicate mutable"),
    ("cpi_target", "CPI target / token program"),
    ("donation", "donation"),
    ("reinit", "re-init"),
    ("revival", "closed-account revival"),
    ("token2022_extensions", "Token-2022 extensions"),
    ("extreme_values", "extreme values"),
];

#[derive(Default)]
struct Cell {
    made: usize,
    refused: usize,
    tests: BTreeSet<String>,
}

struct Accepted {
    class: String,
    account: String,
    variants: BTreeSet<String>,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: security-report RAW_ATTACK_FILE OUT.md";
    let raw = PathBuf::from(args.next().context(usage)?);
    let out = PathBuf::from(args.next().context(usage)?);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let allow =
        allowances(&std::fs::read_to_string(root.join("docs/security-allow.txt")).unwrap_or_default())?;
    let mut accounts: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for program in PROGRAMS {
        let path = root.join(format!("idl/{program}.json"));
        let idl: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for ix in idl["instructions"].as_array().context("instructions")? {
            let name = ix["name"].as_str().context("name")?.to_string();
            let mut flat = Vec::new();
            flatten(&ix["accounts"], "", &mut flat);
            accounts.insert((program.to_string(), name), flat);
        }
    }
    let mut cells: BTreeMap<(String, String, String), Cell> = BTreeMap::new();
    let mut accepted: BTreeMap<(String, String, String, String), Accepted> = BTreeMap::new();
    let text = std::fs::read_to_string(&raw).with_context(|| format!("read {}", raw.display()))?;
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let [name, class, index, outcome, test] = f[..] else { bail!("line {}: {line:?}", n + 1) };
        let (program, variant) = name.split_once("::").context("program::instruction")?;
        let instruction = accounts
            .keys()
            .filter(|(p, i)| p == program && (variant == i || variant.starts_with(&format!("{i}_"))))
            .map(|(_, i)| i.clone())
            .max_by_key(String::len)
            .with_context(|| format!("line {}: {name} is no instruction of the IDLs", n + 1))?;
        let names = &accounts[&(program.to_string(), instruction.clone())];
        let account = match (index.parse::<usize>(), index.strip_prefix("arg:")) {
            (Ok(i), _) => names.get(i).cloned().unwrap_or_else(|| format!("remaining[{}]", i - names.len())),
            (_, Some(arg)) => arg.to_string(),
            _ => "-".to_string(),
        };
        let cell = cells.entry((program.into(), instruction.clone(), class.into())).or_default();
        cell.made += 1;
        let refused = matches!(outcome, "refused" | "unblocked" | "named");
        cell.refused += usize::from(refused);
        cell.tests.insert(test.rsplit("::").next().unwrap_or(test).to_string());
        if !refused {
            accepted
                .entry((program.into(), instruction, class.into(), account.clone()))
                .or_insert_with(|| Accepted { class: class.into(), account, variants: BTreeSet::new() })
                .variants
                .insert(variant.to_string());
        }
    }
    let missing: Vec<String> = accounts
        .keys()
        .filter(|(p, i)| !cells.keys().any(|(cp, ci, _)| cp == p && ci == i))
        .map(|(p, i)| format!("{p}::{i}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "no attack was tried on {}: send each on its success path with Svm::send_measured in a test",
            missing.join(", ")
        );
    }
    std::fs::write(&out, render(&accounts, &cells, &accepted, &allow)?)?;
    println!(
        "wrote {} ({} instructions, {} accepted attacks)",
        out.display(),
        accounts.len(),
        accepted.len()
    );
    Ok(())
}

/// IDL accounts, composites flattened as `group.account`, in instruction order.
fn flatten(accounts: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    for a in accounts.as_array().into_iter().flatten() {
        let name = format!("{prefix}{}", a["name"].as_str().unwrap_or("?"));
        if a.get("accounts").is_some() {
            flatten(&a["accounts"], &format!("{name}."), out);
        } else {
            out.push(name);
        }
    }
}

/// `docs/security-allow.txt`: `<program>::<instruction> <class> <account>: <why it is harmless>`
/// per line; `#` starts a comment.
fn allowances(text: &str) -> Result<BTreeMap<(String, String, String), String>> {
    let mut allow = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, why) =
            line.split_once(": ").with_context(|| format!("security-allow.txt:{}: no reason", n + 1))?;
        let k: Vec<&str> = key.split_whitespace().collect();
        let [name, class, account] = k[..] else { bail!("security-allow.txt:{}: {key:?}", n + 1) };
        allow.insert((name.to_string(), class.to_string(), account.to_string()), why.to_string());
    }
    Ok(allow)
}

fn render(
    accounts: &BTreeMap<(String, String), Vec<String>>,
    cells: &BTreeMap<(String, String, String), Cell>,
    accepted: &BTreeMap<(String, String, String, String), Accepted>,
    allow: &BTreeMap<(String, String, String), String>,
) -> Result<String> {
    let mut md = String::new();
    writeln!(md, "# Security matrix")?;
    writeln!(md)?;
    writeln!(
        md,
        "Generated by `scripts/security.sh` (`agx_tests::attack`, `security-report`); do not edit. \
         Every instruction the tests send on its success path is sent again, on copies of the \
         chain, with one classic attack each time. A cell is the attempts refused out of those \
         made, and the tests they were made from; `-` is a class that does not apply (no signer \
         besides the fee payer, no account of that kind, no account created or closed). \
         Donation counts the instruction still going through after lamports and tokens were sent \
         to its accounts beforehand. Extreme values counts the outcomes that were a success or a \
         named error (never a panic, an arithmetic trap or running out of compute) out of the \
         values tried: each integer, bool and enum tag of the arguments (their layout from the \
         IDL) at 0, 1 and all ones; listed below by argument when one was not. Token-2022 \
         extensions counts the hostile mints refused (permanent delegate, transfer hook, \
         changeable or non-zero transfer fee, freeze authority) where an instruction takes a new \
         mint (elsewhere the mint is stored and any other is a look-alike), recorded by the \
         mint-policy tests. The protocol's own rules are tested by each instruction's own tests."
    )?;
    writeln!(md)?;
    let head: Vec<&str> = CLASSES.iter().map(|(_, h)| *h).collect();
    writeln!(md, "| instruction | {} |", head.join(" | "))?;
    writeln!(md, "|---|{}", "---|".repeat(CLASSES.len()))?;
    for (program, instruction) in accounts.keys() {
        let mut row = format!("| `{program}::{instruction}` |");
        for (class, _) in CLASSES {
            match cells.get(&(program.clone(), instruction.clone(), class.to_string())) {
                Some(c) => write!(row, " {}/{} |", c.refused, c.made)?,
                None => row.push_str(" - |"),
            }
        }
        writeln!(md, "{row}")?;
    }
    writeln!(md)?;
    writeln!(md, "## Tests each row was made from")?;
    writeln!(md)?;
    for (program, instruction) in accounts.keys() {
        let tests: BTreeSet<&String> = cells
            .iter()
            .filter(|((p, i, _), _)| p == program && i == instruction)
            .flat_map(|(_, c)| &c.tests)
            .collect();
        let tests: Vec<String> = tests.into_iter().map(|t| format!("`{t}`")).collect();
        writeln!(md, "- `{program}::{instruction}`: {}", tests.join(", "))?;
    }
    let reason = |p: &str, i: &str, c: &str, a: &str| {
        let any_remaining = if a.starts_with("remaining[") { "remaining[*]" } else { a };
        allow
            .get(&(format!("{p}::{i}"), c.to_string(), a.to_string()))
            .or_else(|| allow.get(&(format!("{p}::{i}"), c.to_string(), any_remaining.to_string())))
    };
    let (explained, unexplained): (Vec<_>, Vec<_>) =
        accepted.iter().partition(|((p, i, c, a), _)| reason(p, i, c, a).is_some());
    writeln!(md)?;
    writeln!(md, "## Accepted attacks, and why each is harmless")?;
    writeln!(md)?;
    writeln!(md, "The reasons are `docs/security-allow.txt`'s.")?;
    writeln!(md)?;
    for ((p, i, c, a), x) in &explained {
        let why = reason(p, i, c, a).context("explained")?;
        writeln!(md, "- `{p}::{i}` {} `{}`: {why}", x.class, x.account)?;
    }
    writeln!(md)?;
    writeln!(md, "## To review")?;
    writeln!(md)?;
    if unexplained.is_empty() {
        writeln!(md, "None.")?;
    }
    for ((p, i, _, _), x) in &unexplained {
        let variants: Vec<&String> = x.variants.iter().collect();
        writeln!(md, "- `{p}::{i}` {} `{}` (from {variants:?})", x.class, x.account)?;
    }
    Ok(md)
}
