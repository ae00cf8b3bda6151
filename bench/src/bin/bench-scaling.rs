//! `bench-scaling [OUT_JSON]`: compute units of `bid_reveal` and `auction_settle` as the number
//! of revealed bids grows (1, 10, 100, 1,000), in LiteSVM on the SBF build. The goal is flat:
//! the leaderboard is bounded, so neither instruction depends on the number of bids. Settlement
//! here has `min_stake = 0`, i.e. no stake-lock CPI (the figure the target names).
//! Writes `bench/scaling.json` (default) as `{"<n>": {"bid_reveal": cu, "auction_settle": cu}}`,
//! where `bid_reveal` is the highest over all n reveals.
use std::collections::BTreeMap;

use agx_sdk::exchange::AuctionKind;
use agx_sdk::ix::exchange as xix;
use agx_sdk::ix::registry as rix;
use agx_tests::market::{opening, Market};
use agx_tests::registry::profile;
use agx_tests::{Keypair, Signer};
use anyhow::{anyhow, Result};

const SIZES: [u64; 4] = [1, 10, 100, 1_000];

fn run(n: u64) -> Result<(u64, u64)> {
    let mut m = Market::new();
    let mut args = m.args(AuctionKind::VickreySealed);
    args.min_stake = 0;
    args.required_capabilities = 0;
    args.bid_window_slots = 10_000;
    args.reveal_window_slots = 10_000;
    let intent = m.create(args).map_err(|e| anyhow!("intent_create: {:?}", e.err))?;
    let mut bidders = Vec::new();
    for i in 0..n {
        let authority = m.r.svm.funded_keypair();
        let ix = rix::agent_register(authority.pubkey(), authority.pubkey(), m.r.stake, profile(1));
        m.r.svm.send(&[ix], &[&authority]).map_err(|e| anyhow!("register: {:?}", e.err))?;
        let agent = agx_sdk::pda::agent(&authority.pubkey()).0;
        // Spread the terms so the board keeps changing as bids arrive.
        let o = opening(1 + (i * 7_919) % 999_000, ((i * 613) % 10_001) as u16, 1 + (i * 17) % 99);
        let commitment = xix::commitment(&intent, &agent, &o);
        m.r.svm
            .send(&[xix::bid_commit(authority.pubkey(), intent, agent, 0, commitment)], &[&authority])
            .map_err(|e| anyhow!("commit: {:?}", e.err))?;
        bidders.push((authority, agent, o));
    }
    m.to_reveal(intent);
    let mut reveal_cu = 0;
    for (authority, agent, o) in &bidders {
        let meta =
            m.r.svm
                .send(&[xix::bid_reveal(authority.pubkey(), intent, *agent, 0, *o)], &[authority as &Keypair])
                .map_err(|e| anyhow!("reveal: {:?}", e.err))?;
        reveal_cu = reveal_cu.max(meta.compute_units_consumed);
    }
    m.to_settle(intent);
    let head = m.intent_state(intent).leaderboard[0].agent;
    let meta = m.settle(intent, head).map_err(|e| anyhow!("settle: {:?}", e.err))?;
    Ok((reveal_cu, meta.compute_units_consumed))
}

fn main() -> Result<()> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "bench/scaling.json".into());
    let mut results = BTreeMap::new();
    for n in SIZES {
        let (reveal, settle) = run(n)?;
        println!("{n:>5} bids: bid_reveal {reveal} CU (max), auction_settle {settle} CU");
        results.insert(
            format!("{n:05}"),
            serde_json::json!({ "bids": n, "bid_reveal": reveal, "auction_settle": settle }),
        );
    }
    std::fs::write(&out, format!("{}\n", serde_json::to_string_pretty(&results)?))?;
    println!("wrote {out}");
    Ok(())
}
