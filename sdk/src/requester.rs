//! [`Requester`]: posts intents with sensible defaults, follows them, accepts (with a rating)
//! or disputes the results, cancels what nobody bid on.
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use exchange::state::AuctionKind;
use exchange::IntentCreateArgs;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::accounts::Intent;
use crate::chain::Chain;
use crate::ix::exchange as xix;
use crate::ix::registry::StakeToken;
use crate::{discover, pda, token, Error};

/// Weights of price, quality, latency and reputation: price matters most, reputation least.
pub const DEFAULT_WEIGHTS: [u16; 4] = [4_000, 3_000, 2_000, 1_000];
/// How long bids, and then reveals, are taken by default.
pub const DEFAULT_BID_WINDOW: Duration = Duration::from_secs(8);
pub const DEFAULT_REVEAL_WINDOW: Duration = Duration::from_secs(8);
/// Lamports each crank of the intent pays its keeper: a fee and a priority fee's worth.
pub const DEFAULT_TIP_PER_CRANK: u64 = 20_000;
pub const DEFAULT_MAX_FAILOVERS: u8 = 2;

/// What the requester wants; everything else takes a default.
#[derive(Clone, Debug)]
pub struct Want {
    pub capabilities: u64,
    /// The most it pays, in atoms of its mint (escrowed at posting).
    pub max_price: u64,
    /// The most slots from award to result it accepts.
    pub max_latency: u64,
    pub kind: AuctionKind,
    /// Free stake (atoms of the registry's stake mint) a bidder must have; the winner's is
    /// locked for the job and is what a failure can cost it.
    pub min_stake: u64,
    /// Where the job's context is, and its hash.
    pub context_uri: String,
    pub context_hash: [u8; 32],
}

/// `duration` in slots of `chain` (at least one).
pub fn slots_for(chain: &dyn Chain, duration: Duration) -> u64 {
    let slot_ms = chain.slot_time().as_millis().max(1);
    u64::try_from(duration.as_millis().div_ceil(slot_ms)).unwrap_or(u64::MAX).max(1)
}

/// Intent terms for `want`, numbered `intent_id`, with [`Requester::args`]' defaults.
pub fn args_for(chain: &dyn Chain, want: &Want, intent_id: u64) -> Result<IntentCreateArgs, Error> {
    let config = discover::exchange_config(chain)?;
    Ok(IntentCreateArgs {
        intent_id,
        required_capabilities: want.capabilities,
        min_stake: want.min_stake,
        min_reputation: 0,
        weights: DEFAULT_WEIGHTS,
        max_price: want.max_price,
        max_latency: want.max_latency,
        context_hash: want.context_hash,
        context_uri: want.context_uri.clone(),
        success_criteria_hash: [0; 32],
        auction_kind: want.kind,
        bid_window_slots: slots_for(chain, DEFAULT_BID_WINDOW),
        reveal_window_slots: if want.kind.is_sealed() { slots_for(chain, DEFAULT_REVEAL_WINDOW) } else { 0 },
        bid_bond: config.min_bid_bond,
        score_threshold: 0,
        max_failovers: DEFAULT_MAX_FAILOVERS,
        tip_per_crank: DEFAULT_TIP_PER_CRANK,
        vickrey_premium_cap_bps: exchange::state::DEFAULT_VICKREY_PREMIUM_CAP_BPS,
        hire_agent: Default::default(),
        deadline_slot: 0,
        evaluator: Pubkey::default(),
        evaluator_fee: 0,
    })
}

pub struct Requester {
    keypair: Keypair,
    pay: StakeToken,
    tokens: Pubkey,
    next_intent_id: u64,
    /// Size and rent of an escrow of the payment mint: the requester creates each intent's
    /// escrow in the posting transaction (`xix::escrow_create`), which saves the program ~3,600
    /// CU.
    escrow_len: usize,
    escrow_rent: u64,
    /// Whether its record at the exchange exists; until it does, the requester creates it in
    /// its first post's transaction (`xix::requester_record_create`), with this rent.
    has_record: std::cell::Cell<bool>,
    record_rent: u64,
}

impl Requester {
    /// A requester paying in `pay` from its associated account; intent ids continue from the
    /// requester's record on the chain (the exchange refuses an id used before: `agx_core::ids`).
    pub fn new(chain: &dyn Chain, keypair: Keypair, pay: StakeToken) -> Result<Self, Error> {
        let tokens = token::associated_address(&keypair.pubkey(), &pay.mint, &pay.program);
        let next_intent_id = discover::next_intent_id(chain, &keypair.pubkey())?;
        let mint = chain.account(&pay.mint)?.ok_or(Error::AccountMissing(pay.mint))?;
        let escrow_len = agent_registry::mint_policy::token_account_len_of(&mint.data).map_err(|v| {
            Error::Decode(pay.mint, crate::accounts::DecodeError::Invalid(format!("mint: {v:?}")))
        })?;
        let escrow_rent = chain.minimum_balance(escrow_len)?;
        let has_record = std::cell::Cell::new(chain.exists(&pda::requester_state(&keypair.pubkey()))?);
        let record_rent = chain.minimum_balance(exchange::state::RequesterState::SPACE)?;
        Ok(Self { keypair, pay, tokens, next_intent_id, escrow_len, escrow_rent, has_record, record_rent })
    }

    pub fn pubkey(&self) -> Pubkey {
        self.keypair.pubkey()
    }

    /// Its token account of the payment mint (escrow comes from it, refunds go to it).
    pub fn tokens(&self) -> Pubkey {
        self.tokens
    }

    /// Arguments for `want` with the defaults: weights 4000/3000/2000/1000, windows of
    /// [`DEFAULT_BID_WINDOW`] and [`DEFAULT_REVEAL_WINDOW`] in the chain's slots, the
    /// exchange's minimum bond, two failovers, a tip per crank.
    pub fn args(&mut self, chain: &dyn Chain, want: &Want) -> Result<IntentCreateArgs, Error> {
        let intent_id = self.next_intent_id;
        self.next_intent_id += 1;
        args_for(chain, want, intent_id)
    }

    /// Posts an intent (escrowing `args.max_price`); returns its address.
    pub fn post(&self, chain: &dyn Chain, args: IntentCreateArgs) -> Result<Pubkey, Error> {
        let intent = pda::intent(&self.keypair.pubkey(), args.intent_id).0;
        self.send_post(chain, &[], args, &[])?;
        Ok(intent)
    }

    /// The instructions of a post of `args`: the requester's record created if it has none yet
    /// (`xix::requester_record_create`), its escrow created (`xix::escrow_create`), then
    /// `intent_create` into it.
    pub fn post_instructions(&self, args: IntentCreateArgs) -> Vec<Instruction> {
        let me = self.keypair.pubkey();
        let intent = pda::intent(&me, args.intent_id).0;
        let escrow = pda::escrow_with_seed(&me, &intent, &self.pay.program);
        let mut ixs = Vec::with_capacity(4);
        if !self.has_record.get() {
            ixs.push(xix::requester_record_create(me, self.record_rent));
        }
        ixs.extend(xix::escrow_create(me, intent, self.pay, self.escrow_len, self.escrow_rent));
        ixs.push(xix::intent_create_with_escrow(me, self.pay, self.tokens, args, escrow));
        ixs
    }

    /// Sends `before`, the post of `args` ([`Requester::post_instructions`]) and `after` in one
    /// transaction. Should the system or token program refuse it (or should it not fit in a
    /// packet), sends them again with the
    /// record and the escrow left to the exchange (`xix::intent_create`): someone may have funded
    /// one of their addresses, which the system program then refuses to create (the exchange's
    /// own creation cannot be blocked that way), or a size or rent read at start may be stale. An
    /// error of the exchange's comes back at once.
    fn send_post(
        &self,
        chain: &dyn Chain,
        before: &[Instruction],
        args: IntentCreateArgs,
        after: &[Instruction],
    ) -> Result<(), Error> {
        let with = |post: Vec<Instruction>| [before, &post, after].concat();
        let me = self.keypair.pubkey();
        let lean = with(self.post_instructions(args.clone()));
        // A transaction too large with the creations (an acceptance with many accounts before
        // the post) goes without them.
        if crate::lookup::wire_size(&lean, &me, &[]) <= crate::lookup::PACKET_DATA_SIZE {
            let sent = chain.send(&lean, &self.keypair, &[]);
            if sent.is_ok() || sent.as_ref().is_err_and(|e| e.program_error().is_some()) {
                // Landed, or refused by the exchange: no failure of the record's or the escrow's.
                self.has_record.set(self.has_record.get() || sent.is_ok());
                return sent.map(|_| ());
            }
        }
        chain.send(&with(vec![xix::intent_create(me, self.pay, self.tokens, args)]), &self.keypair, &[])?;
        self.has_record.set(true);
        Ok(())
    }

    /// Hires `agent` on its standing offer `offer_index` (`agx_sdk::discover::offers`): a direct
    /// hire on the offer's terms (price, mint, capabilities, latency) posted and awarded in one
    /// transaction; `min_stake` of the agent's stake is locked for it. The intent's address.
    pub fn hire_on_offer(
        &mut self,
        chain: &dyn Chain,
        agent: &Pubkey,
        offer_index: u8,
        min_stake: u64,
        context_uri: String,
    ) -> Result<Pubkey, Error> {
        let offers = discover::offers(chain, agent)?.ok_or(Error::AccountMissing(pda::offers(agent).0))?;
        let offer = *offers.get(offer_index).ok_or(Error::AccountMissing(pda::offers(agent).0))?;
        let context_hash = agx_core::commitment::sha256(context_uri.as_bytes());
        let want = Want {
            capabilities: offer.capabilities,
            max_price: offer.price,
            max_latency: offer.latency,
            kind: AuctionKind::Direct,
            min_stake,
            context_uri,
            context_hash,
        };
        let mut args = self.args(chain, &want)?;
        (args.reveal_window_slots, args.hire_agent) = (0, *agent);
        let intent = pda::intent(&self.keypair.pubkey(), args.intent_id).0;
        let me = self.keypair.pubkey();
        self.send_post(chain, &[], args, &[xix::hire_from_offer(me, intent, *agent, offer_index)])?;
        Ok(intent)
    }

    /// Its intents still on the chain.
    pub fn intents(&self, chain: &dyn Chain) -> Result<Vec<(Pubkey, Intent)>, Error> {
        discover::intents(chain, &[discover::intent_requester_filter(&self.keypair.pubkey())])
    }

    /// Accepts the submitted result of `intent`, rating it `rating_bps`: the agent is paid pro
    /// rata to what it fulfilled, the rest comes back.
    pub fn accept(&self, chain: &dyn Chain, intent: &Pubkey, rating_bps: u16) -> Result<(), Error> {
        let state = self.held(chain, intent)?;
        chain.send(&[accept_instruction(chain, intent, &state, rating_bps)?], &self.keypair, &[])?;
        Ok(())
    }

    /// Accepts the partly fulfilled result of `intent` (rated `rating_bps`) and, in the same
    /// transaction, posts what was not done as a new intent funded by the refund: the same
    /// requirements, weights and auction kind, the default windows, the refund as its max
    /// price, and a context bound to the first intent ([`rest_context`]). Atomic: the refund
    /// cannot be spent elsewhere in between, and if the post fails the acceptance does not
    /// land either. The new intent's address. Refused before sending
    /// (`Error::NothingToRepost`) for a result fulfilled in full or a refund that goes to a
    /// budget rather than this requester's account.
    pub fn accept_and_repost(
        &mut self,
        chain: &dyn Chain,
        intent: &Pubkey,
        rating_bps: u16,
    ) -> Result<Pubkey, Error> {
        let state = self.held(chain, intent)?;
        let refused = |why| Error::NothingToRepost { intent: *intent, why };
        if state.fulfilled_bps >= agx_core::BPS_DENOMINATOR {
            return Err(refused("the result was fulfilled in full"));
        }
        if state.funding_budget().is_some() || state.refund_tokens != self.tokens {
            return Err(refused("its refund goes to a budget or another account, not this requester's"));
        }
        let fulfilled =
            agx_core::Bps::new(state.fulfilled_bps).map_err(|_| refused("its fulfilment is out of range"))?;
        let split = agx_core::payment::split(
            agx_core::TokenAtoms(state.escrowed),
            agx_core::TokenAtoms(state.payment),
            fulfilled,
        )
        .map_err(|_| refused("its escrow does not cover its payment"))?;
        let rest = split.to_requester.0;
        if rest == 0 {
            return Err(refused("nothing comes back to fund the rest"));
        }
        let kind = state.kind().map_err(|_| refused("its auction kind is unknown"))?;
        // A direct hire's rest goes to auction: the hired agent delivered only part of it.
        let kind = if kind == AuctionKind::Direct { AuctionKind::Continuous } else { kind };
        let uri_len = usize::from(state.context_uri_len).min(state.context_uri.len());
        let uri = String::from_utf8_lossy(&state.context_uri[..uri_len]).into_owned();
        let (context_uri, context_hash) = rest_context(intent, &state.context_hash, &uri);
        let want = Want {
            capabilities: state.required_capabilities,
            max_price: rest,
            max_latency: state.max_latency,
            kind,
            min_stake: state.min_stake,
            context_uri,
            context_hash,
        };
        let mut args = self.args(chain, &want)?;
        (args.min_reputation, args.weights) = (state.min_reputation, state.weights);
        let accept = accept_instruction(chain, intent, &state, rating_bps)?;
        let next = pda::intent(&self.keypair.pubkey(), args.intent_id).0;
        self.send_post(chain, &[accept], args, &[])?;
        Ok(next)
    }

    /// Disputes the submitted result of `intent` for the reasons hashed in `reason_hash`: the
    /// exchange's arbitrator decides.
    pub fn dispute(&self, chain: &dyn Chain, intent: &Pubkey, reason_hash: [u8; 32]) -> Result<(), Error> {
        chain.send(&[xix::dispute_open(self.keypair.pubkey(), *intent, reason_hash)], &self.keypair, &[])?;
        Ok(())
    }

    /// Cancels `intent` (before any bid): the escrow comes back (to this requester's account, or
    /// to the budget's vault when a budget paid it).
    pub fn cancel(&self, chain: &dyn Chain, intent: &Pubkey) -> Result<(), Error> {
        let state = self.held(chain, intent)?;
        let refund = state.funding_budget().map_or(self.tokens, |_| state.refund_tokens);
        let mut ix =
            xix::intent_cancel_with_escrow(self.keypair.pubkey(), *intent, state.escrow, self.pay, refund);
        ix.accounts.extend(xix::links(&state));
        chain.send(&[ix], &self.keypair, &[])?;
        Ok(())
    }

    fn held(&self, chain: &dyn Chain, intent: &Pubkey) -> Result<Intent, Error> {
        discover::intent(chain, intent)?.ok_or(Error::AccountMissing(*intent))
    }
}

/// The acceptance of `intent`'s submitted result (its account `state`), rated `rating_bps`: the
/// winner paid into the account it named, the refund to the refund owner, and for a coalition's
/// job each member's account after them (`coalition::with_payout_members`).
pub fn accept_instruction(
    chain: &dyn Chain,
    intent: &Pubkey,
    state: &Intent,
    rating_bps: u16,
) -> Result<crate::Instruction, Error> {
    let token = StakeToken::of_intent(state);
    let ix = xix::result_accept(*intent, state, token, state.winner_tokens, state.refund_tokens, rating_bps);
    crate::coalition::with_payout_members(chain, state, ix)
}

/// The context of the unfinished rest of `intent` (whose context is `uri`, hashed
/// `context_hash`): the same URI with `#rest-of=<intent>` appended (cut to the program's
/// length), and `sha256("agx-rest" || intent || context_hash)` as its hash, so anyone can check
/// which intent a re-post continues.
pub fn rest_context(intent: &Pubkey, context_hash: &[u8; 32], uri: &str) -> (String, [u8; 32]) {
    let suffix = format!("#rest-of={intent}");
    let keep = exchange::state::MAX_CONTEXT_URI_LEN.saturating_sub(suffix.len());
    let mut base: String = uri.chars().take_while(|c| *c != '#').collect();
    while base.len() > keep {
        base.pop();
    }
    let preimage = [b"agx-rest".as_slice(), intent.as_ref(), context_hash].concat();
    (format!("{base}{suffix}"), agx_core::commitment::sha256(&preimage))
}
