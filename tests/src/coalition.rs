//! Coalitions in the LiteSVM market: terms for a set of agents, and the calls each party makes.
use agx_sdk::accounts::decode_zero_copy;
use agx_sdk::exchange::state::Coalition;
use agx_sdk::exchange::CoalitionMemberArgs;
use agx_sdk::ix::exchange::coalition as cix;
use agx_sdk::{pda, Pubkey};
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::market::Market;
use crate::registry::TestAgent;
use crate::svm::TxResult;

/// Terms for `agents` (the lead first): equal shares (the remainder to the lead), `contribution`
/// each, positions in the order given, member `i`'s role hash `[i + 1; 32]`.
pub fn terms(agents: &[&TestAgent], contribution: u64) -> Vec<CoalitionMemberArgs> {
    let n = u16::try_from(agents.len().max(1)).unwrap();
    let share = 10_000 / n;
    agents
        .iter()
        .enumerate()
        .map(|(i, a)| CoalitionMemberArgs {
            agent: a.agent,
            share_bps: if i == 0 { 10_000 - share * (n - 1) } else { share },
            contribution,
            role_hash: [u8::try_from(i + 1).unwrap(); 32],
            position: u8::try_from(i).unwrap(),
        })
        .collect()
}

impl Market {
    /// `n` agents, each with a capability of its own (bit `i`) and 1,000 atoms staked: together
    /// they cover what none does alone.
    pub fn specialists(&mut self, n: usize) -> Vec<TestAgent> {
        (0..n)
            .map(|i| {
                let a = self.r.register_agent(1 << i);
                self.r.deposit(&a, 1_000).expect("stake_deposit");
                a
            })
            .collect()
    }

    /// `coalition_create` by the lead (the first of `members`' agents, `lead`) as coalition `id`.
    pub fn coalition_create(
        &mut self,
        lead: &TestAgent,
        id: u64,
        members: Vec<CoalitionMemberArgs>,
    ) -> TxResult {
        let ix = cix::create(lead.authority.pubkey(), lead.agent, id, members);
        self.r.svm.send(&[ix], &[&lead.authority])
    }

    pub fn coalition_state(&self, coalition: Pubkey) -> Coalition {
        let account = self.r.svm.account(&coalition).expect("coalition account");
        decode_zero_copy::<Coalition>(&account.data).expect("decode coalition")
    }

    /// `coalition_accept` by member `a` of the coalition's current terms.
    pub fn coalition_accept(&mut self, a: &TestAgent, coalition: Pubkey) -> TxResult {
        let hash = self.coalition_state(coalition).terms_hash;
        let ix = cix::accept(a.authority.pubkey(), coalition, a.agent, hash);
        self.r.svm.send(&[ix], &[&a.authority])
    }

    /// A coalition of `agents` (the lead first) as [`terms`] make it, every member signed.
    pub fn coalition(&mut self, agents: &[&TestAgent], contribution: u64) -> Pubkey {
        let lead = agents[0];
        let id = 1;
        self.coalition_create(lead, id, terms(agents, contribution)).unwrap();
        let coalition = pda::coalition(&lead.agent, id).0;
        for a in &agents[1..] {
            self.coalition_accept(a, coalition).unwrap();
        }
        coalition
    }

    /// `coalition_dissolve` by `authority`, releasing the signed members.
    pub fn coalition_dissolve(&mut self, authority: &Keypair, coalition: Pubkey) -> TxResult {
        let state = self.coalition_state(coalition);
        let ix = cix::dissolve(authority.pubkey(), coalition, &state);
        self.r.svm.send(&[ix], &[authority])
    }

    /// `bid_close` of the coalition's bid on `intent` (its authority gets the rent back), by the
    /// keeper.
    pub fn close_bid_of(&mut self, coalition: Pubkey, authority: &Keypair, intent: Pubkey) -> TxResult {
        let keeper = self.keeper.insecure_clone();
        let state = self.intent_state(intent);
        let ix = agx_sdk::ix::exchange::bid_close(
            keeper.pubkey(),
            intent,
            coalition,
            state.round,
            authority.pubkey(),
            state.requester,
        );
        self.r.svm.send(&[ix], &[&keeper])
    }

    /// Writes `open_bids` into the coalition account: until coalitions bid, this stands for a bid
    /// or a job the coalition holds.
    pub fn coalition_set_open_bids(&mut self, coalition: Pubkey, open_bids: u32) {
        let mut account = self.r.svm.account(&coalition).expect("coalition account");
        let at = 8 + core::mem::offset_of!(Coalition, open_bids);
        account.data[at..at + 4].copy_from_slice(&open_bids.to_le_bytes());
        self.r.svm.svm.set_account(coalition, account).unwrap();
    }
}
