//! `intent_create` on the built `.so`, in LiteSVM.
use agx_sdk::events;
use agx_sdk::exchange::error::ExchangeError;
use agx_sdk::exchange::events::IntentCreated;
use agx_sdk::exchange::state::IntentStatus;
use agx_sdk::exchange::{AuctionKind, IntentCreateArgs};
use agx_sdk::ix::exchange as xix;
use agx_sdk::pda;
use agx_tests::market::{Market, MAX_PRICE, REQUESTER_FUNDS, TIP};
use agx_tests::{assert_error, token, EditAccounts, Signer};

#[test]
fn escrows_the_max_price_and_the_tip() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    let requester = m.requester.insecure_clone();
    let meta =
        m.r.svm.send_measured("exchange", "intent_create", &[m.create_ix(args)], &[&requester]).unwrap();
    m.pay_accounts.push(pda::escrow(&intent).0);
    let i = m.intent_state(intent);
    assert_eq!(
        (i.status, i.max_price, i.escrowed, i.tip_per_crank, i.tip_pool),
        (IntentStatus::Open.to_u8(), MAX_PRICE, MAX_PRICE, TIP, 5 * TIP)
    );
    assert_eq!((i.requester, i.mint, i.token_program), (requester.pubkey(), m.pay.mint, m.pay.program));
    assert_eq!(i.reveal_end_slot - i.commit_end_slot, 20);
    assert_eq!(m.balance(&pda::escrow(&intent).0), MAX_PRICE);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - MAX_PRICE);
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::exchange::state::Intent::SPACE);
    assert_eq!(
        m.r.svm.lamports(&intent),
        rent + 5 * TIP,
        "a tip for settle, finalize, close and each of the 2 failovers sits in the intent on top of its rent"
    );
    assert_eq!((i.refund_owner, i.round, i.tiebreak_seeded), (requester.pubkey(), 0, 0));
    let ev = &events::find::<IntentCreated>(&meta.logs)[0];
    assert_eq!((ev.intent, ev.escrowed, ev.tip_per_crank, ev.tip_pool), (intent, MAX_PRICE, TIP, 5 * TIP));
    m.assert_accounted(&[intent]);
}

#[test]
fn works_with_a_token_2022_mint() {
    let mut m = Market::with_token_program(token::TOKEN_2022);
    let intent = m.intent(AuctionKind::FirstPriceSealed);
    assert_eq!(m.r.svm.account(&pda::escrow(&intent).0).unwrap().owner, token::TOKEN_2022);
    m.assert_accounted(&[intent]);
}

fn rejects(change: impl FnOnce(&mut IntentCreateArgs), kind: AuctionKind, expected: ExchangeError) {
    let mut m = Market::new();
    let mut args = m.args(kind);
    change(&mut args);
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[m.create_ix(args)], &[&requester]), expected);
    assert!(m.r.svm.account(&intent).is_none());
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
}

#[test]
fn validates_every_field() {
    use AuctionKind::*;
    use ExchangeError::*;
    rejects(|a| a.weights = [4_000, 3_000, 2_000, 999], VickreySealed, IntentWeightsInvalid);
    rejects(|a| a.max_price = 0, VickreySealed, IntentMaxPriceZero);
    rejects(|a| a.max_latency = 0, VickreySealed, IntentMaxLatencyZero);
    rejects(|a| a.bid_window_slots = 0, VickreySealed, IntentBidWindowZero);
    rejects(|a| a.reveal_window_slots = 0, FirstPriceSealed, IntentRevealWindowInvalid);
    rejects(|a| a.reveal_window_slots = 5, Continuous, IntentRevealWindowInvalid);
    rejects(|a| a.min_reputation = 10_001, VickreySealed, IntentMinReputationOutOfRange);
    rejects(|a| a.score_threshold = 10_001, Continuous, IntentScoreThresholdInvalid);
    rejects(|a| a.score_threshold = 5_000, VickreySealed, IntentScoreThresholdInvalid);
    rejects(|a| a.context_uri = "u".repeat(201), VickreySealed, IntentContextUriTooLong);
    rejects(|a| a.max_failovers = 9, VickreySealed, IntentMaxFailoversTooHigh);
}

/// `IntentCreateArgs` and `ResultSubmitArgs` decode by hand (`agent_registry::args`): each
/// decodes exactly what its derived encoding writes, every field in its place.
#[test]
fn the_hand_written_decoding_reads_what_the_encoding_writes() {
    use anchor_lang::{AnchorDeserialize, AnchorSerialize};
    fn round_trips<T: AnchorSerialize + AnchorDeserialize>(value: &T) {
        let bytes = anchor_lang::prelude::borsh::to_vec(value).unwrap();
        let decoded = T::try_from_slice(&bytes).expect("decodes");
        assert_eq!(anchor_lang::prelude::borsh::to_vec(&decoded).unwrap(), bytes);
    }
    // Every field distinct from the others of its type, so a swapped pair would show.
    let args = IntentCreateArgs {
        intent_id: 1,
        required_capabilities: 2,
        min_stake: 3,
        min_reputation: 4,
        weights: [5, 6, 7, 8],
        max_price: 9,
        max_latency: 10,
        context_hash: [11; 32],
        context_uri: "ctx://12".into(),
        success_criteria_hash: [13; 32],
        auction_kind: AuctionKind::Continuous,
        bid_window_slots: 14,
        reveal_window_slots: 15,
        bid_bond: 16,
        score_threshold: 17,
        max_failovers: 18,
        tip_per_crank: 19,
        vickrey_premium_cap_bps: 20,
        hire_agent: agx_sdk::Pubkey::new_from_array([21; 32]),
        deadline_slot: 22,
        evaluator: agx_sdk::Pubkey::new_from_array([23; 32]),
        evaluator_fee: 24,
    };
    round_trips(&args);
    let submit = agx_sdk::exchange::ResultSubmitArgs {
        result_hash: [1; 32],
        result_uri: "res://2".into(),
        fulfilled_bps: 3,
    };
    round_trips(&submit);
}

/// Borsh allocates a string's stated length before reading it; a lie past the 32 KiB heap ran
/// the program out of memory (a panic) until string arguments were bounded by a packet's size
/// (`agent_registry::args`, found by `fuzz/tests/programs.rs`).
#[test]
fn a_string_whose_length_lies_is_refused_as_undecodable_not_a_panic() {
    let mut m = Market::new();
    for len in [40_000, u32::MAX, 1_233] {
        let mut args = m.args(AuctionKind::VickreySealed);
        args.context_uri = "ctx://lie".into();
        let mut ix = m.create_ix(args);
        agx_tests::lie_about_string_len(&mut ix.data, "ctx://lie", len);
        let requester = m.requester.insecure_clone();
        let res = m.r.svm.send(&[ix], &[&requester]);
        assert_error(&res, agx_tests::anchor_codes::INSTRUCTION_DID_NOT_DESERIALIZE);
        assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
    }
}

#[test]
fn rejects_a_token_account_of_another_mint() {
    let mut m = Market::new();
    let other = token::create_mint(&mut m.r.svm, token::TOKEN, 6);
    let foreign = token::create_account(&mut m.r.svm, token::TOKEN, other, m.requester.pubkey());
    let args = m.args(AuctionKind::VickreySealed);
    let ix = agx_sdk::ix::exchange::intent_create(m.requester.pubkey(), m.pay, foreign, args);
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::IntentFundingAccountInvalid);
}

#[test]
fn the_same_intent_cannot_be_created_twice() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let intent = m.create(args.clone()).unwrap();
    assert!(m.create(IntentCreateArgs { max_price: 5, ..args }).is_err());
    assert_eq!(m.intent_state(intent).max_price, MAX_PRICE);
    m.assert_accounted(&[intent]);
}

#[test]
fn requires_the_requester_signature() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let mut ix = m.create_ix(args);
    ix.unsign(m.requester.pubkey());
    assert!(m.r.svm.send(&[ix], &[]).is_err());
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS);
}

/// Posts a default intent paid in `mint` (Token-2022) from a freshly funded account.
fn create_in(m: &mut Market, mint: agx_sdk::Pubkey) -> agx_tests::TxResult {
    let tokens = token::create_account(&mut m.r.svm, token::TOKEN_2022, mint, m.requester.pubkey());
    token::mint_to(&mut m.r.svm, token::TOKEN_2022, mint, tokens, MAX_PRICE);
    let args = m.args(AuctionKind::FirstPriceSealed);
    let pay = agx_sdk::ix::registry::StakeToken { mint, program: token::TOKEN_2022 };
    let ix = agx_sdk::ix::exchange::intent_create(m.requester.pubkey(), pay, tokens, args);
    let requester = m.requester.insecure_clone();
    m.r.svm.send(&[ix], &[&requester])
}

#[test]
fn refuses_mints_whose_authorities_could_take_or_freeze_the_escrow() {
    use token::MintFeature as F;
    let mut m = Market::new();
    let requester = m.requester.pubkey();
    let cases = [
        (
            "permanent_delegate",
            F::PermanentDelegate(requester),
            ExchangeError::IntentMintHasPermanentDelegate,
        ),
        ("freeze_authority", F::FreezeAuthority(requester), ExchangeError::IntentMintHasFreezeAuthority),
        (
            "transfer_hook",
            F::TransferHook(agx_sdk::Pubkey::new_unique()),
            ExchangeError::IntentMintHasTransferHook,
        ),
        (
            "transfer_fee_changeable",
            F::TransferFee { bps: 0, authority: Some(requester) },
            ExchangeError::IntentMintTransferFeeNotFixedZero,
        ),
        (
            "transfer_fee_50_bps",
            F::TransferFee { bps: 50, authority: None },
            ExchangeError::IntentMintTransferFeeNotFixedZero,
        ),
    ];
    for (label, feature, expected) in cases {
        let mint = token::create_mint_2022(&mut m.r.svm, 6, &[feature]);
        let result = create_in(&mut m, mint);
        agx_tests::attack::record_mint_extension("exchange::intent_create", label, result.is_err());
        assert_error(&result, expected);
    }
    // A fee fixed at zero is harmless.
    let mint = token::create_mint_2022(&mut m.r.svm, 6, &[F::TransferFee { bps: 0, authority: None }]);
    create_in(&mut m, mint).unwrap();
}

#[test]
fn a_freezable_mint_is_accepted_only_when_the_config_names_it() {
    use token::MintFeature as F;
    let issuer = agx_sdk::Pubkey::new_unique();
    let mut allowed = agx_sdk::Pubkey::default();
    let r = agx_tests::registry::Registry::for_exchange_with(token::TOKEN, |svm| {
        allowed = token::create_mint_2022(svm, 6, &[F::FreezeAuthority(issuer)]);
        vec![allowed]
    });
    let mut m = Market::with_registry(r, token::TOKEN);
    create_in(&mut m, allowed).unwrap();
    let other = token::create_mint_2022(&mut m.r.svm, 6, &[F::FreezeAuthority(issuer)]);
    assert_error(&create_in(&mut m, other), ExchangeError::IntentMintHasFreezeAuthority);
}

#[test]
fn an_existing_intent_cannot_be_created_again() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let again = IntentCreateArgs { max_price: MAX_PRICE - 1, ..args.clone() };
    let intent = m.create(args).unwrap();
    let before = m.intent_state(intent);
    let requester = m.requester.insecure_clone();
    assert_error(&m.r.svm.send(&[m.create_ix(again)], &[&requester]), ExchangeError::IntentAlreadyExists);
    assert_eq!(m.intent_state(intent).max_price, before.max_price, "left as it was");
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - MAX_PRICE, "nothing escrowed twice");
}

#[test]
fn an_address_funded_beforehand_is_topped_up_not_blocked() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    // A griefer sends lamports to the address first, which would make `create_account` fail.
    let griefer = m.r.svm.funded_keypair();
    let gift = solana_system_interface::instruction::transfer(&griefer.pubkey(), &intent, 1_000_000);
    m.r.svm.send(&[gift], &[&griefer]).unwrap();
    let intent = m.create(args).unwrap();
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(agx_sdk::exchange::state::Intent::SPACE);
    assert_eq!(m.r.svm.lamports(&intent), rent + 5 * TIP, "topped up to rent and tip pool");
    assert_eq!(m.intent_state(intent).status, IntentStatus::Open.to_u8());
    assert_eq!(m.r.svm.account(&intent).unwrap().owner, agx_sdk::exchange::ID);
}

/// Issue 20: once an intent closed, the requester's next post got the same id and address, so a
/// stale command acted on a new intent. No id is accepted twice now, in whatever order posts land.
#[test]
fn an_intent_id_is_never_used_twice_by_a_requester() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::Continuous);
    let id = args.intent_id + 5;
    let intent = m.create(IntentCreateArgs { intent_id: id, ..args.clone() }).unwrap();
    let record = pda::requester_state(&m.requester.pubkey());
    let state: agx_sdk::accounts::RequesterState = m.r.svm.decode(&record);
    assert_eq!(
        (state.requester, state.next_intent_id, state.intents_posted),
        (m.requester.pubkey(), id + 1, 1)
    );
    let requester = m.requester.insecure_clone();
    m.r.svm
        .send(&[xix::intent_cancel(requester.pubkey(), intent, m.pay, m.requester_tokens)], &[&requester])
        .unwrap();
    assert!(m.r.svm.account(&intent).is_none(), "closed");
    let post = |m: &mut Market, intent_id: u64| {
        let ix = m.create_ix(IntentCreateArgs { intent_id, ..args.clone() });
        m.r.svm.send(&[ix], &[&requester])
    };
    // The closed intent's id again: refused.
    assert_error(&post(&mut m, id), ExchangeError::IntentIdReused);
    // A lower id never used (a post sent together with the first that landed after it): taken
    // once.
    post(&mut m, id - 1).unwrap();
    let lower = pda::intent(&requester.pubkey(), id - 1).0;
    m.r.svm
        .send(&[xix::intent_cancel(requester.pubkey(), lower, m.pay, m.requester_tokens)], &[&requester])
        .unwrap();
    assert_error(&post(&mut m, id - 1), ExchangeError::IntentIdReused);
    // A higher one moves the window: ids more than 1,024 below the highest are refused.
    post(&mut m, id + 2_000).unwrap();
    assert_error(&post(&mut m, id - 2), ExchangeError::IntentIdReused);
    post(&mut m, id + 2_000 - 1_023).unwrap();
    let state: agx_sdk::accounts::RequesterState = m.r.svm.decode(&record);
    assert_eq!((state.next_intent_id, state.intents_posted), (id + 2_001, 4));
}

#[test]
fn the_requester_record_is_the_requesters_own() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::Continuous);
    let requester = m.requester.insecure_clone();
    // Before the first post: any address but the PDA is refused.
    let stranger = agx_sdk::Pubkey::new_unique();
    let ix = agx_tests::swap_account(
        m.create_ix(args.clone()),
        pda::requester_state(&requester.pubkey()),
        stranger,
    );
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::RequesterAccountInvalid);
    // Pre-funding the PDA cannot block the first post.
    let griefer = m.r.svm.funded_keypair();
    let gift = solana_system_interface::instruction::transfer(
        &griefer.pubkey(),
        &pda::requester_state(&requester.pubkey()),
        1_000_000,
    );
    m.r.svm.send(&[gift], &[&griefer]).unwrap();
    m.create(args).unwrap();
    // Another requester cannot pass this record as its own.
    let other = m.r.svm.funded_keypair();
    let tokens = token::create_account(&mut m.r.svm, m.pay.program, m.pay.mint, other.pubkey());
    token::mint_to(&mut m.r.svm, m.pay.program, m.pay.mint, tokens, MAX_PRICE);
    let mut args = m.args(AuctionKind::Continuous);
    args.intent_id = 1_000;
    let ix = xix::intent_create(other.pubkey(), m.pay, tokens, args);
    let ix = agx_tests::swap_account(
        ix,
        pda::requester_state(&other.pubkey()),
        pda::requester_state(&requester.pubkey()),
    );
    assert_error(&m.r.svm.send(&[ix], &[&other]), ExchangeError::RequesterAccountInvalid);
}

/// Issue 28: the requester may create its record blank in its first post's transaction
/// (`create_account_with_seed`, where the program's CPI costs ~2,000 CU more); only at the
/// record's own address, and once written it is never taken as blank again.
#[test]
fn the_requester_may_create_its_record_blank() {
    use agent_registry::lean_cpi::ix as raw;
    let mut m = Market::new();
    let requester = m.requester.insecure_clone();
    let me = requester.pubkey();
    let space = agx_sdk::accounts::RequesterState::SPACE;
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(space);
    let record = pda::requester_state(&me);
    // Blank at another seed of the requester's: not its record.
    let seed = *b"agx-exchange-requester-record-v2";
    let elsewhere =
        agx_sdk::Pubkey::create_with_seed(&me, std::str::from_utf8(&seed).unwrap(), &agx_sdk::exchange::ID)
            .unwrap();
    let args = m.args(AuctionKind::Continuous);
    let ixs = [
        raw::create_account_with_seed(
            &me,
            &elsewhere,
            &me,
            &seed,
            rent,
            space as u64,
            &agx_sdk::exchange::ID,
        ),
        agx_tests::swap_account(m.create_ix(args.clone()), record, elsewhere),
    ];
    assert_error(&m.r.svm.send(&ixs, &[&requester]), ExchangeError::RequesterAccountInvalid);
    // At its address: taken and written.
    let ixs = [xix::requester_record_create(me, rent), m.create_ix(args.clone())];
    m.r.svm.send(&ixs, &[&requester]).unwrap();
    let state: agx_sdk::accounts::RequesterState = m.r.svm.decode(&record);
    assert_eq!((state.requester, state.next_intent_id, state.intents_posted), (me, args.intent_id + 1, 1));
    assert_eq!(m.r.svm.lamports(&record), rent);
    m.pay_accounts.push(pda::escrow(&pda::intent(&me, args.intent_id).0).0);
    m.assert_accounted(&[]);
}

/// The address a bump below the canonical one derives, when it is a valid PDA: the "fake PDA"
/// that a program checking seeds without the canonical bump would accept.
fn non_canonical(seeds: &[&[u8]]) -> agx_sdk::Pubkey {
    let (_, canonical) = agx_sdk::Pubkey::find_program_address(seeds, &agx_sdk::exchange::ID);
    (0..canonical)
        .rev()
        .find_map(|bump| {
            let mut with_bump = seeds.to_vec();
            let bump = [bump];
            with_bump.push(&bump);
            agx_sdk::Pubkey::create_program_address(&with_bump, &agx_sdk::exchange::ID).ok()
        })
        .expect("a lower valid bump")
}

/// Issue 28: the program derives the intent and escrow PDAs itself (`agent_registry::pda`); any
/// other address, a non-canonical bump's included, is refused by name and moves nothing.
#[test]
fn the_intent_and_its_escrow_must_be_their_canonical_pdas() {
    let mut m = Market::new();
    let requester = m.requester.insecure_clone();
    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&requester.pubkey(), args.intent_id).0;
    let id = args.intent_id.to_le_bytes();
    let fake_intent = non_canonical(&[b"intent", requester.pubkey().as_ref(), &id]);
    let ix = agx_tests::swap_account(m.create_ix(args.clone()), intent, fake_intent);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::IntentAccountInvalid);
    let other_escrow = pda::escrow(&pda::intent(&requester.pubkey(), args.intent_id + 1).0).0;
    let ix = agx_tests::swap_account(m.create_ix(args.clone()), pda::escrow(&intent).0, other_escrow);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::EscrowAccountInvalid);
    let fake_escrow = non_canonical(&[b"escrow", intent.as_ref()]);
    let ix = agx_tests::swap_account(m.create_ix(args.clone()), pda::escrow(&intent).0, fake_escrow);
    assert_error(&m.r.svm.send(&[ix], &[&requester]), ExchangeError::EscrowAccountInvalid);
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS, "nothing moved");
    m.create(args).unwrap();
}

/// The escrow is created by the handler now, not by Anchor's `init_if_needed`: lamports sent to
/// its address beforehand top it up instead of blocking the post, and it holds the max price.
#[test]
fn an_escrow_address_funded_beforehand_is_topped_up_not_blocked() {
    let mut m = Market::new();
    let args = m.args(AuctionKind::VickreySealed);
    let escrow = pda::escrow(&pda::intent(&m.requester.pubkey(), args.intent_id).0).0;
    let griefer = m.r.svm.funded_keypair();
    let gift = solana_system_interface::instruction::transfer(&griefer.pubkey(), &escrow, 1_000_000);
    m.r.svm.send(&[gift], &[&griefer]).unwrap();
    m.create(args).unwrap();
    let account = m.r.svm.account(&escrow).unwrap();
    assert_eq!(account.owner, m.pay.program);
    assert_eq!(
        account.lamports,
        m.r.svm.svm.minimum_balance_for_rent_exemption(account.data.len()).max(1_000_000)
    );
    assert_eq!(m.balance(&escrow), MAX_PRICE);
}

/// Issue 28: the requester may create the escrow itself in the posting transaction
/// (`create_account_with_seed` and `InitializeAccount3`, where the program's two CPIs cost
/// ~3,600 CU more): the intent records and uses it, and it closes like any escrow.
#[test]
fn an_escrow_the_requester_created_is_taken() {
    let mut m = Market::new();
    // A second post, as most are (the first creates the requester's record).
    m.intent(AuctionKind::Continuous);
    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&m.requester.pubkey(), args.intent_id).0;
    let requester = m.requester.insecure_clone();
    let (ixs, escrow) = m.create_ixs_with_escrow(args);
    let meta = m.r.svm.send(&ixs, &[&requester]).unwrap();
    agx_tests::cu::record("exchange", "intent_create_requester_escrow", meta.compute_units_consumed);
    m.pay_accounts.push(escrow);
    let i = m.intent_state(intent);
    assert_eq!((i.escrow, i.escrowed, i.escrow_bump), (escrow, MAX_PRICE, 0));
    assert_eq!(m.balance(&escrow), MAX_PRICE);
    assert!(m.r.svm.account(&pda::escrow(&intent).0).is_none(), "no escrow at the PDA");
    m.assert_accounted(&[intent]);
    // Cancelled, it is refunded and closed like the program's own.
    let rent = m.r.svm.lamports(&escrow);
    let before = m.r.svm.lamports(&requester.pubkey());
    let cancel =
        xix::intent_cancel_with_escrow(requester.pubkey(), intent, escrow, m.pay, m.requester_tokens);
    m.r.svm.send(&[cancel], &[&requester]).unwrap();
    assert!(m.r.svm.account(&escrow).is_none(), "the escrow is closed");
    assert!(m.r.svm.lamports(&requester.pubkey()) >= before + rent - 5_000, "its rent is back");
    assert_eq!(m.balance(&m.requester_tokens), REQUESTER_FUNDS - MAX_PRICE, "the first intent's escrow only");
}

/// Issue 28: an escrow the requester created must be a fresh token account that only the
/// intent controls; each way of keeping a hold on it is refused by name, and nothing moves.
#[test]
fn an_escrow_the_requester_created_must_be_fresh() {
    use agent_registry::lean_cpi::ix as raw;
    use anchor_spl::token::spl_token::instruction as spl;
    let mut m = Market::new();
    let requester = m.requester.insecure_clone();
    let me = requester.pubkey();
    let len = agx_sdk::token::ACCOUNT_LEN;
    let rent = m.r.svm.svm.minimum_balance_for_rent_exemption(len);
    let (program, tokens) = (m.pay.program, m.requester_tokens);
    // Each case: an escrow at a fresh address (the program does not look at the address),
    // initialized for the requester, changed while the requester holds it, then handed to the
    // intent (or not).
    type Setup = fn(
        &agx_sdk::Pubkey,
        &agx_sdk::Pubkey,
        &agx_sdk::Pubkey,
        &agx_sdk::Pubkey,
    ) -> Vec<agx_sdk::Instruction>;
    let owner_change = |program: &agx_sdk::Pubkey,
                        escrow: &agx_sdk::Pubkey,
                        me: &agx_sdk::Pubkey,
                        intent: &agx_sdk::Pubkey| {
        spl::set_authority(program, escrow, Some(intent), spl::AuthorityType::AccountOwner, me, &[]).unwrap()
    };
    let cases: [(&str, Setup); 3] = [
        ("still the requester's", |_, _, _, _| vec![]),
        ("holding a token", |program, escrow, me, tokens| {
            vec![spl::transfer(program, tokens, escrow, me, &[], 1).unwrap()]
        }),
        ("with a close authority", |program, escrow, me, _| {
            vec![spl::set_authority(program, escrow, Some(me), spl::AuthorityType::CloseAccount, me, &[])
                .unwrap()]
        }),
    ];
    for (i, (what, setup)) in cases.into_iter().enumerate() {
        let args = m.args(AuctionKind::VickreySealed);
        let intent = pda::intent(&me, args.intent_id).0;
        let escrow = agx_tests::Keypair::new();
        let at = escrow.pubkey();
        let mut ixs = vec![
            raw::create_account(&me, &at, rent, len as u64, &program),
            raw::initialize_account3(&program, &at, &m.pay.mint, &me),
        ];
        ixs.extend(setup(&program, &at, &me, &tokens));
        if i > 0 {
            ixs.push(owner_change(&program, &at, &me, &intent));
        }
        ixs.push(xix::intent_create_with_escrow(me, m.pay, tokens, args, at));
        let before = m.balance(&tokens);
        assert_error(&m.r.svm.send(&ixs, &[&requester, &escrow]), ExchangeError::EscrowAccountNotFresh);
        assert_eq!(m.balance(&tokens), before, "{what}: nothing moved");
        assert!(m.r.svm.account(&intent).is_none(), "{what}: no intent");
    }
    // A fresh account of another mint (the stake mint, of the same token program here).
    let args = m.args(AuctionKind::VickreySealed);
    let intent = pda::intent(&me, args.intent_id).0;
    let escrow = agx_tests::Keypair::new();
    let stake = m.r.stake;
    let ixs = [
        raw::create_account(&me, &escrow.pubkey(), rent, len as u64, &stake.program),
        raw::initialize_account3(&stake.program, &escrow.pubkey(), &stake.mint, &intent),
        xix::intent_create_with_escrow(me, m.pay, tokens, args, escrow.pubkey()),
    ];
    let sent = m.r.svm.send(&ixs, &[&requester, &escrow]);
    assert_error(&sent, ExchangeError::EscrowAccountNotFresh);
}
