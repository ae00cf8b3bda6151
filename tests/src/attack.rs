//! The classic Solana attacks, tried on every instruction the tests send on its success path.
//!
//! When `AGX_ATTACK_OUT` names a file, [`Svm::send_measured`](crate::Svm::send_measured) hands
//! each instruction it is about to send to [`probe`] first. On copies of the chain as it is at
//! that moment, `probe` sends the instruction again with one thing wrong each time and records
//! whether the programs refused it; after the real send succeeds, [`after`] tries the re-init
//! and closed-account-revival attacks on copies of the chain as it is then. Each attempt appends
//! one line `<program>::<instruction>\t<class>\t<account index>\t<outcome>\t<test>` to the file;
//! `security-report` (bench crate) folds the lines into `docs/security-matrix.md`, and CI fails
//! when that file differs from what its run found.
//!
//! The attacks (one class each), for the instruction's accounts:
//! - `missing_signer`: a signer that does not sign;
//! - `wrong_owner`: an account of the programs, or of a token program, owned by another program;
//! - `type_cosplay`: a program account holding another account type's discriminator;
//! - `fake_account`: an exact copy of a token account or mint at another address (anyone can
//!   open a token account for any owner): a second token account, or a look-alike mint;
//! - `duplicate_mutable`: a writable account passed in the place of another writable account;
//! - `cpi_target`: a program account replaced by another program (an arbitrary CPI target, or
//!   the other token program);
//! - `donation`: lamports and tokens sent beforehand to every account of the instruction that
//!   the signers do not own (vaults, escrows, PDAs), which must not block it (`unblocked`);
//! - `reinit`: the instruction sent again after it created an account;
//! - `revival`: an account it closed, funded again, and the instruction sent again;
//! - `token2022_extensions`: a Token-2022 mint with a hostile extension (permanent delegate,
//!   transfer hook, changeable or non-zero transfer fee, freeze authority) offered where a new
//!   mint is taken; recorded by the mint-policy tests (`record_mint_extension`);
//! - `extreme_values`: each integer, bool and enum tag of its arguments (`arg_layout`, from the
//!   IDL) set to 0, 1 and all ones in turn. Not an attack to refuse: the outcome must be a
//!   success or a named error (`named`), never a panic, an arithmetic trap or running out of
//!   compute (`unnamed`).
//!
//! An attack is `refused` when the transaction fails, `accepted` when it succeeds. An accepted
//! attack is not always a hole (a payout account is the caller's choice, so a copy of it is just
//! another account); the matrix lists every accepted one with its account's name for review,
//! and `security-allow.txt` (beside the matrix) says why each one is harmless.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

pub const ENV: &str = "AGX_ATTACK_OUT";

/// Is the harness on (`AGX_ATTACK_OUT` set)?
pub fn enabled() -> bool {
    std::env::var_os(ENV).is_some()
}

/// What one instruction's attacks found, written out (`Findings::write`) only once the
/// instruction itself went through: a send the test expects to fail says nothing about attacks.
#[derive(Default)]
pub struct Findings(Vec<String>);

impl Findings {
    pub fn write(self) {
        crate::cu::append(ENV, &self.0.concat());
    }
}

fn record(found: &mut Findings, name: &str, class: &str, index: Option<usize>, refused: bool) {
    let outcome = match (class, refused) {
        ("donation", false) => "unblocked",
        ("donation", true) => "blocked",
        (_, true) => "refused",
        (_, false) => "accepted",
    };
    let index = index.map_or_else(|| "-".to_string(), |i| i.to_string());
    push(found, name, class, &index, outcome);
}

fn push(found: &mut Findings, name: &str, class: &str, index: &str, outcome: &str) {
    let test = std::thread::current().name().unwrap_or("?").to_string();
    found.0.push(format!("{name}\t{class}\t{index}\t{outcome}\t{test}\n"));
}

/// Records, when the harness is on, one hostile Token-2022 mint (`feature`: its extension)
/// offered to `name` (`<program>::<instruction>`) by a test of the mint policy, and whether the
/// program refused it: the matrix's Token-2022 extensions column. These are not generated like
/// the other classes: only the instructions that take a new mint can meet one (elsewhere the
/// mint is the intent's or the budget's, and any other mint is a look-alike, `fake_account`).
pub fn record_mint_extension(name: &str, feature: &str, refused: bool) {
    if enabled() {
        let mut found = Findings::default();
        let outcome = if refused { "refused" } else { "accepted" };
        push(&mut found, name, "token2022_extensions", &format!("arg:{feature}"), outcome);
        found.write();
    }
}

fn ours(program: &Pubkey) -> bool {
    *program == agx_sdk::exchange::ID || *program == agx_sdk::agent_registry::ID
}

fn token_program(program: &Pubkey) -> bool {
    *program == crate::token::TOKEN || *program == crate::token::TOKEN_2022
}

/// The instruction of the programs under test in `ixs` (the last one: ATA creations and the
/// like come before it).
fn target(ixs: &[Instruction]) -> Option<usize> {
    ixs.iter().rposition(|ix| ours(&ix.program_id))
}

/// Account discriminators of each program, for the cosplay attack.
fn discriminators(program: &Pubkey) -> Vec<&'static [u8]> {
    use anchor_lang::Discriminator;
    if *program == agx_sdk::exchange::ID {
        use agx_sdk::exchange::state as s;
        vec![
            s::Intent::DISCRIMINATOR,
            s::Bid::DISCRIMINATOR,
            s::ExchangeConfig::DISCRIMINATOR,
            s::Budget::DISCRIMINATOR,
            s::Coalition::DISCRIMINATOR,
            s::RequesterState::DISCRIMINATOR,
        ]
    } else {
        use agx_sdk::agent_registry::state as s;
        vec![s::Agent::DISCRIMINATOR, s::RegistryConfig::DISCRIMINATOR, s::AgentOffers::DISCRIMINATOR]
    }
}

struct Attempt<'a> {
    svm: &'a LiteSVM,
    payer: &'a Keypair,
    ixs: &'a [Instruction],
    signers: &'a [&'a Keypair],
    target: usize,
}

impl Attempt<'_> {
    /// Sends `ixs` (signed by the payer and those of `signers` still needed) on a copy of the
    /// chain changed by `prepare`; true when it fails.
    fn refused(&self, ixs: &[Instruction], prepare: impl FnOnce(&mut LiteSVM)) -> bool {
        self.send(ixs, prepare).is_err()
    }

    /// Sends `ixs` as [`Attempt::refused`] does; the transaction's error, if any.
    fn send(&self, ixs: &[Instruction], prepare: impl FnOnce(&mut LiteSVM)) -> Result<(), TransactionError> {
        // Signatures are not verified on the copies (which keys signed is still enforced):
        // ed25519 costs ~30 ms a transaction in a debug build.
        let mut svm = self.svm.clone().with_sigverify(false);
        prepare(&mut svm);
        svm.expire_blockhash();
        let needed: Vec<Pubkey> =
            ixs.iter().flat_map(|ix| ix.accounts.iter().filter(|m| m.is_signer).map(|m| m.pubkey)).collect();
        let mut signers: Vec<&Keypair> = vec![self.payer];
        signers.extend(
            self.signers
                .iter()
                .copied()
                .filter(|k| k.pubkey() != self.payer.pubkey() && needed.contains(&k.pubkey())),
        );
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&self.payer.pubkey()),
            &signers,
            svm.latest_blockhash(),
        );
        let res = svm.send_transaction(tx);
        if std::env::var_os("AGX_ATTACK_LOGS").is_some() {
            let logs = match &res {
                Ok(meta) => meta.logs.clone(),
                Err(failed) => failed.meta.logs.clone(),
            };
            eprintln!(
                "attack attempt ({}): {}",
                if res.is_ok() { "succeeded" } else { "failed" },
                logs.join("\n")
            );
        }
        res.map(|_| ()).map_err(|failed| failed.err)
    }

    fn with(&self, change: impl FnOnce(&mut Instruction)) -> Vec<Instruction> {
        let mut ixs = self.ixs.to_vec();
        change(&mut ixs[self.target]);
        ixs
    }

    /// Sends the instruction with its account `i` replaced by `forged` at a new address.
    fn substituted(&self, i: usize, forged: Account) -> bool {
        let address = Pubkey::new_unique();
        let ixs = self.with(|ix| ix.accounts[i].pubkey = address);
        self.refused(&ixs, |svm| svm.set_account(address, forged).unwrap())
    }

    fn ix(&self) -> &Instruction {
        &self.ixs[self.target]
    }

    fn account(&self, key: &Pubkey) -> Option<Account> {
        self.svm.get_account(key)
    }

    /// Signs elsewhere in the transaction too (then dropping it here changes nothing).
    fn signs_elsewhere(&self, key: &Pubkey) -> bool {
        self.ixs
            .iter()
            .enumerate()
            .any(|(i, ix)| i != self.target && ix.accounts.iter().any(|m| m.is_signer && m.pubkey == *key))
            || *key == self.payer.pubkey()
    }
}

/// Tries every attack of the list above that needs the chain as it is before the instruction.
pub fn probe(
    svm: &LiteSVM,
    payer: &Keypair,
    ixs: &[Instruction],
    signers: &[&Keypair],
    name: &str,
) -> Findings {
    let mut findings = Findings::default();
    let found = &mut findings;
    let Some(target) = target(ixs) else { return findings };
    let a = Attempt { svm, payer, ixs, signers, target };
    let metas = a.ix().accounts.clone();
    let program = a.ix().program_id;
    for (i, meta) in metas.iter().enumerate() {
        let key = meta.pubkey;
        // The same account twice in the instruction: an attack on one place is one on both.
        let repeated = metas.iter().filter(|m| m.pubkey == key).count() > 1;
        if meta.is_signer && !a.signs_elsewhere(&key) && !repeated {
            let ixs = a.with(|ix| ix.accounts[i].is_signer = false);
            record(found, name, "missing_signer", Some(i), a.refused(&ixs, |_| {}));
        }
        let Some(account) = a.account(&key) else { continue };
        if account.executable {
            for other in [program_substitute(&key), token_substitute(&key)].into_iter().flatten() {
                let ixs = a.with(|ix| ix.accounts[i].pubkey = other);
                record(found, name, "cpi_target", Some(i), a.refused(&ixs, |_| {}));
            }
            continue;
        }
        if meta.is_signer || repeated || key == program || account.owner == SYSVAR_OWNER {
            continue;
        }
        // Every forgery lives at an address of its own, as an attacker's account would: any
        // program can create accounts it owns holding any bytes.
        if ours(&account.owner) || token_program(&account.owner) {
            let forged = Account { owner: Pubkey::new_unique(), ..account.clone() };
            record(found, name, "wrong_owner", Some(i), a.substituted(i, forged));
        }
        if ours(&account.owner) && account.data.len() >= 8 {
            if let Some(other) = discriminators(&account.owner).into_iter().find(|d| **d != account.data[..8])
            {
                let mut forged = account.clone();
                forged.data[..other.len()].copy_from_slice(other);
                record(found, name, "type_cosplay", Some(i), a.substituted(i, forged));
            }
        }
        // Only for accounts anyone can create look-alikes of (token accounts, mints): nobody
        // but the programs writes an account they own, and `wrong_owner` and `type_cosplay`
        // cover forgeries of those.
        if token_program(&account.owner) {
            record(found, name, "fake_account", Some(i), a.substituted(i, account.clone()));
        }
        if meta.is_writable {
            let other = metas.iter().position(|m| {
                m.is_writable
                    && !m.is_signer
                    && m.pubkey != key
                    && a.account(&m.pubkey).is_some_and(|x| !x.executable)
            });
            if let Some(j) = other {
                let ixs = a.with(|ix| ix.accounts[i].pubkey = metas[j].pubkey);
                record(found, name, "duplicate_mutable", Some(i), a.refused(&ixs, |_| {}));
            }
        }
    }
    donation(&a, name, found);
    extreme_values(&a, name, found);
    findings
}

/// Each fixed-size value of the arguments at 0, 1 and all ones: a success or a named error.
fn extreme_values(a: &Attempt, name: &str, found: &mut Findings) {
    let ix = a.ix();
    let Some(fields) = crate::arg_layout::fields(&ix.program_id, &ix.data) else { return };
    for field in fields {
        let range = field.offset..field.offset + field.size;
        let mut one = vec![0u8; field.size];
        one[0] = 1;
        for value in [vec![0u8; field.size], one, vec![0xff; field.size]] {
            if ix.data[range.clone()] == value[..] {
                continue;
            }
            let ixs = a.with(|ix| ix.data[range.clone()].copy_from_slice(&value));
            let outcome = match a.send(&ixs, |_| {}) {
                Ok(()) | Err(TransactionError::InstructionError(_, InstructionError::Custom(_))) => "named",
                Err(other) => {
                    if std::env::var_os("AGX_ATTACK_LOGS").is_some() {
                        eprintln!("{name} {} = {value:02x?}: {other:?}", field.name);
                    }
                    "unnamed"
                }
            };
            push(found, name, "extreme_values", &format!("arg:{}", field.name), outcome);
        }
    }
}

/// Lamports, and one atom to every token account, sent beforehand to the instruction's accounts
/// that no signer owns: the instruction must still go through.
fn donation(a: &Attempt, name: &str, found: &mut Findings) {
    let signers: Vec<Pubkey> = a.ix().accounts.iter().filter(|m| m.is_signer).map(|m| m.pubkey).collect();
    let gifts: Vec<(Pubkey, Account)> = a
        .ix()
        .accounts
        .iter()
        .filter(|m| !m.is_signer)
        .filter_map(|m| a.account(&m.pubkey).map(|acc| (m.pubkey, acc)))
        .filter(|(_, acc)| !acc.executable && (ours(&acc.owner) || token_program(&acc.owner)))
        .filter_map(|(key, mut acc)| {
            if token_program(&acc.owner) && is_token_account(&acc) {
                let holder = Pubkey::new_from_array(acc.data[32..64].try_into().unwrap());
                if signers.contains(&holder) {
                    return None;
                }
                let amount = u64::from_le_bytes(acc.data[64..72].try_into().unwrap());
                acc.data[64..72].copy_from_slice(&amount.saturating_add(1).to_le_bytes());
            } else if token_program(&acc.owner) {
                return None;
            }
            acc.lamports = acc.lamports.saturating_add(1_000_000);
            Some((key, acc))
        })
        .collect();
    if gifts.is_empty() {
        return;
    }
    let refused = a.refused(a.ixs, |svm| {
        for (key, acc) in gifts {
            svm.set_account(key, acc).unwrap();
        }
    });
    record(found, name, "donation", None, refused);
}

/// After the instruction succeeded (`before` is the chain as it was, `after` as it is): sent
/// again once it created an account (`reinit`), and sent again after an account it closed was
/// funded anew (`revival`).
pub fn after(
    before: &LiteSVM,
    after: &LiteSVM,
    payer: &Keypair,
    ixs: &[Instruction],
    signers: &[&Keypair],
    name: &str,
) -> Findings {
    let mut findings = Findings::default();
    let found = &mut findings;
    let Some(target) = target(ixs) else { return findings };
    let a = Attempt { svm: after, payer, ixs, signers, target };
    let metas = a.ix().accounts.clone();
    let created = metas.iter().any(|m| {
        before.get_account(&m.pubkey).is_none_or(|x| x.lamports == 0 || x.data.is_empty())
            && after.get_account(&m.pubkey).is_some_and(|x| ours(&x.owner) || token_program(&x.owner))
    });
    if created {
        record(found, name, "reinit", None, a.refused(a.ixs, |_| {}));
    }
    for (i, m) in metas.iter().enumerate() {
        let was = before.get_account(&m.pubkey).is_some_and(|x| ours(&x.owner) && !x.data.is_empty());
        let gone = after.get_account(&m.pubkey).is_none_or(|x| x.lamports == 0);
        if was && gone {
            let key = m.pubkey;
            record(
                found,
                name,
                "revival",
                Some(i),
                a.refused(a.ixs, |svm| {
                    svm.airdrop(&key, 10_000_000).unwrap();
                }),
            );
        }
    }
    findings
}

/// The owner of every sysvar account (a sysvar is the runtime's, not an attack surface).
const SYSVAR_OWNER: Pubkey = Pubkey::from_str_const("Sysvar1111111111111111111111111111111111111");

/// A token account (not a mint) of either token program.
fn is_token_account(acc: &Account) -> bool {
    acc.data.len() == 165 || (acc.data.len() > 165 && acc.data[165] == 2)
}

/// Another program in the place of `key`: the exchange for anything else, the registry for the
/// exchange (a program the instruction would call, or one that is not the expected one).
fn program_substitute(key: &Pubkey) -> Option<Pubkey> {
    Some(if *key == agx_sdk::exchange::ID { agx_sdk::agent_registry::ID } else { agx_sdk::exchange::ID })
}

/// The other token program in the place of a token program.
fn token_substitute(key: &Pubkey) -> Option<Pubkey> {
    match *key {
        k if k == crate::token::TOKEN => Some(crate::token::TOKEN_2022),
        k if k == crate::token::TOKEN_2022 => Some(crate::token::TOKEN),
        _ => None,
    }
}
