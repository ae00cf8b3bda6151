//! Fuzz targets of the programs themselves: the real SBF builds (`target/deploy/*.so`) in
//! LiteSVM, given instruction data nobody would send.
//!
//! - Every instruction of both programs (the discriminators from `idl/`) with any bytes after
//!   its discriminator, and any 8 bytes as a discriminator: the program decodes or refuses them
//!   with Anchor's named errors, never panics or runs out of memory or compute.
//! - Mutations of a valid call's data, with its real accounts, on a fork of a market where the
//!   call succeeds: every outcome is a success or a named error (a custom code), and after each
//!   one every token of the payment and stake mints is still accounted for.
//!
//! Under `cargo test` each target runs for about a second of random inputs; longer runs:
//! `docs/fuzzing.md`. (bolero's coverage-guided engines instrument the host, not the SBF
//! program the interpreter runs, so these targets take random inputs only; the core's targets
//! are in `fuzz/`.)
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use agx_sdk::exchange::AuctionKind;
use agx_tests::litesvm::types::FailedTransactionMetadata;
use agx_tests::market::{opening, Market, MIN_STAKE};
use agx_tests::registry::TestAgent;
use agx_tests::{anchor_codes, Keypair, Signer};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bolero::check;
use solana_instruction_error::InstructionError;
use solana_transaction_error::TransactionError;

/// Anchor's refusals of instruction data: no discriminator match, or args that do not decode.
const INSTRUCTION_FALLBACK_NOT_FOUND: u32 = 101;
const INSTRUCTION_DID_NOT_DESERIALIZE: u32 = 102;
/// Anchor's refusal of a call given fewer accounts than it names (args decoded).
const ACCOUNT_NOT_ENOUGH_KEYS: u32 = 3005;

/// `(program id, instruction name, discriminator)` of every instruction in the committed IDLs.
fn instructions() -> Vec<(Pubkey, String, Vec<u8>)> {
    let idl_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../idl");
    let mut all = Vec::new();
    for (name, id) in agx_sdk::PROGRAMS {
        let path = idl_dir.join(format!("{name}.json"));
        let idl: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read the IDL")).expect("IDL JSON");
        for ix in idl["instructions"].as_array().expect("instructions") {
            let discriminator: Vec<u8> = ix["discriminator"]
                .as_array()
                .expect("discriminator")
                .iter()
                .map(|b| u8::try_from(b.as_u64().expect("byte")).expect("byte"))
                .collect();
            all.push((id, ix["name"].as_str().expect("name").to_string(), discriminator));
        }
    }
    assert!(all.len() >= 60, "both IDLs read: {} instructions", all.len());
    all
}

/// The custom error code of a failed transaction; any other failure is a finding.
fn custom_code(failed: &FailedTransactionMetadata, what: &str) -> u32 {
    match &failed.err {
        TransactionError::InstructionError(_, InstructionError::Custom(code)) => *code,
        other => panic!("{what}: refused without a named error: {other:?}\n{}", failed.meta.logs.join("\n")),
    }
}

#[test]
fn any_instruction_data_decodes_or_is_refused_by_name() {
    let instructions = instructions();
    let mut svm = agx_tests::Svm::new();
    svm.skip_signature_verification();
    let svm = std::panic::AssertUnwindSafe(RefCell::new(svm));
    let tried = AtomicU64::new(0);
    check!().with_type::<(u16, Vec<u8>, Option<[u8; 8]>)>().cloned().for_each(|(pick, tail, stranger)| {
        let (program, name, discriminator) = &instructions[usize::from(pick) % instructions.len()];
        let mut data = stranger.map_or_else(|| discriminator.clone(), |d| d.to_vec());
        data.extend_from_slice(&tail);
        let ix = Instruction { program_id: *program, accounts: Vec::new(), data };
        let mut svm = svm.borrow_mut();
        let failed = svm.send(&[ix], &[]).expect_err("no instruction runs without its accounts");
        let code = custom_code(&failed, name);
        let allowed = match stranger {
            // Eight random bytes are some instruction's discriminator only by a 2^-58 chance.
            Some(_) => {
                [INSTRUCTION_FALLBACK_NOT_FOUND, INSTRUCTION_DID_NOT_DESERIALIZE, ACCOUNT_NOT_ENOUGH_KEYS]
                    .contains(&code)
            }
            None => [INSTRUCTION_DID_NOT_DESERIALIZE, ACCOUNT_NOT_ENOUGH_KEYS].contains(&code),
        };
        assert!(allowed, "{name} with {} bytes of args: error {code}", tail.len());
        tried.fetch_add(1, Ordering::Relaxed);
    });
    eprintln!("instruction data: {} calls", tried.load(Ordering::Relaxed));
}

/// A market forked per input, the call that succeeds on it, and who signs it.
struct Fixture {
    market: Market,
    call: Instruction,
    signers: Vec<Keypair>,
    intents: Vec<Pubkey>,
    agents: Vec<TestAgent>,
}

impl Fixture {
    /// Sends `call` with its data changed by `mutation` on a fork; checks the outcome.
    fn try_mutated(&self, mutation: &Mutation) {
        let mut m = self.market.clone();
        let mut call = self.call.clone();
        mutation.apply(&mut call.data);
        let signers: Vec<&Keypair> = self.signers.iter().collect();
        if let Err(failed) = m.r.svm.send(&[call], &signers) {
            let code = custom_code(&failed, "a mutated call");
            assert_ne!(code, anchor_codes::ACCOUNT_NOT_SIGNER, "the mutation changed no account");
        }
        m.assert_accounted(&self.intents);
        m.r.assert_accounted(&self.agents.iter().collect::<Vec<_>>());
    }

    /// The unmutated call succeeds on a fork, so what the mutations reach is the handler.
    fn check_baseline(&self) {
        let mut m = self.market.clone();
        let signers: Vec<&Keypair> = self.signers.iter().collect();
        m.r.svm.send(std::slice::from_ref(&self.call), &signers).expect("the call succeeds unmutated");
    }
}

/// Changes to a valid call's data past its discriminator: bytes xored at positions, bytes
/// overwritten with an edge value (0x00 or 0xff runs make 0, 1 and MAX of any integer field),
/// and the data cut short or extended.
#[derive(Clone, Debug, bolero::TypeGenerator)]
struct Mutation {
    xors: Vec<(u16, u8)>,
    runs: Vec<(u16, u8, bool)>,
    length: Option<i8>,
}

impl Mutation {
    fn apply(&self, data: &mut Vec<u8>) {
        let args = data.len().saturating_sub(8).max(1);
        let at = |pos: u16| 8 + usize::from(pos) % args;
        for (pos, xor) in &self.xors {
            if let Some(byte) = data.get_mut(at(*pos)) {
                *byte ^= xor;
            }
        }
        for (pos, len, ones) in &self.runs {
            let start = at(*pos);
            let end = (start + usize::from(*len % 9)).min(data.len());
            data[start.min(end)..end].fill(if *ones { 0xff } else { 0 });
        }
        match self.length {
            Some(cut) if cut < 0 => data.truncate(data.len().saturating_sub(usize::from(cut.unsigned_abs()))),
            Some(more) => data.extend(std::iter::repeat_n(0xa5, usize::from(more.unsigned_abs()))),
            None => {}
        }
    }
}

fn run(name: &str, mut fixture: Fixture) {
    fixture.market.r.svm.skip_signature_verification();
    fixture.check_baseline();
    let tried = AtomicU64::new(0);
    check!().with_type::<Mutation>().for_each(|mutation| {
        fixture.try_mutated(mutation);
        tried.fetch_add(1, Ordering::Relaxed);
    });
    eprintln!("{name}: {} mutated calls", tried.load(Ordering::Relaxed));
}

#[test]
fn intent_create_with_mutated_args_keeps_every_token() {
    let mut market = Market::new();
    let args = market.args(AuctionKind::VickreySealed);
    let intent = agx_sdk::pda::intent(&market.requester.pubkey(), args.intent_id).0;
    market.pay_accounts.push(agx_sdk::pda::escrow(&intent).0);
    let call = market.create_ix(args);
    let signers = vec![market.requester.insecure_clone()];
    run("intent_create", Fixture { market, call, signers, intents: vec![intent], agents: Vec::new() });
}

#[test]
fn bid_place_with_mutated_terms_keeps_every_token() {
    let mut market = Market::new();
    let intent = market.intent(AuctionKind::Continuous);
    let agent = market.agent(MIN_STAKE);
    let round = market.intent_state(intent).round;
    let o = opening(400_000, 9_000, 10);
    let call = agx_sdk::ix::exchange::bid_place(agent.authority.pubkey(), intent, agent.agent, round, o);
    let signers = vec![agent.authority.insecure_clone()];
    run("bid_place", Fixture { market, call, signers, intents: vec![intent], agents: vec![agent] });
}

#[test]
fn bid_reveal_with_mutated_opening_keeps_every_token() {
    let mut market = Market::new();
    let intent = market.intent(AuctionKind::VickreySealed);
    let agent = market.agent(MIN_STAKE);
    let o = opening(300_000, 9_000, 10);
    market.commit(&agent, intent, &o).expect("bid_commit");
    market.to_reveal(intent);
    let round = market.intent_state(intent).round;
    let call = agx_sdk::ix::exchange::bid_reveal(agent.authority.pubkey(), intent, agent.agent, round, o);
    let signers = vec![agent.authority.insecure_clone()];
    run("bid_reveal", Fixture { market, call, signers, intents: vec![intent], agents: vec![agent] });
}

#[test]
fn result_accept_with_mutated_rating_keeps_every_token() {
    let mut market = Market::new();
    let (intent, winner, standby) = market.awarded(AuctionKind::VickreySealed);
    market.submit(&winner, intent, 10_000).expect("result_submit");
    let payout = *market.pay_accounts.last().expect("the payout account");
    let call = market.accept_ix(intent, payout, 9_000);
    let signers = vec![market.requester.insecure_clone()];
    run(
        "result_accept",
        Fixture { market, call, signers, intents: vec![intent], agents: vec![winner, standby] },
    );
}

#[test]
fn coalition_create_with_mutated_members_keeps_every_token() {
    let mut market = Market::new();
    let agents: Vec<TestAgent> = (0..3).map(|_| market.agent(MIN_STAKE)).collect();
    let members = agx_tests::coalition::terms(&agents.iter().collect::<Vec<_>>(), 100);
    let lead = &agents[0];
    let call = agx_sdk::ix::exchange::coalition::create(lead.authority.pubkey(), lead.agent, 1, members);
    let signers = vec![lead.authority.insecure_clone()];
    run("coalition_create", Fixture { market, call, signers, intents: Vec::new(), agents });
}

#[test]
fn budget_create_with_mutated_limits_and_allowlist_keeps_every_token() {
    let mut market = Market::new();
    let agent = market.agent(MIN_STAKE);
    let mut args = market.budget_args();
    args.allowlist = vec![market.requester.pubkey(), agent.agent];
    let (budget, call) = market.budget_owner(agent.agent, args);
    market.pay_accounts.push(budget.vault);
    let signers = vec![budget.owner.insecure_clone()];
    run("budget_create", Fixture { market, call, signers, intents: Vec::new(), agents: vec![agent] });
}

#[test]
fn agent_offers_set_with_mutated_offers_keeps_every_token() {
    let mut market = Market::new();
    let agent = market.agent(MIN_STAKE);
    let offer = |capabilities, price| agx_sdk::agent_registry::Offer {
        capabilities,
        mint: market.pay.mint,
        price,
        latency: 10,
        quality_bps: 9_000,
    };
    let offers = vec![offer(0b01, 700), offer(0b11, 1_200)];
    let call = agx_sdk::ix::registry::agent_offers_set(agent.authority.pubkey(), offers);
    let signers = vec![agent.authority.insecure_clone()];
    run("agent_offers_set", Fixture { market, call, signers, intents: Vec::new(), agents: vec![agent] });
}
