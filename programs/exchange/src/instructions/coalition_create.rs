//! `coalition_create`: a lead agent forms a coalition with up to 7 other registry agents, each
//! with a profit share, a stake contribution, a role hash and a position in the execution
//! sequence. Creating it is the lead's signature of the terms: the lead is engaged in the
//! registry (it cannot close its agent) until it leaves or the coalition dissolves. The other
//! members sign with `coalition_accept`; until all have, the coalition cannot bid.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); the lead is a registry agent of the
//! signer (`CoalitionLeadInvalid`) and the first member (`CoalitionLeadNotFirst`); the terms pass
//! `agx_core::coalition::check_terms` (`CoalitionMemberCount`, `CoalitionSharesNot10000`,
//! `CoalitionMemberRepeated`, `CoalitionPositionsInvalid`). The members' agents are checked
//! when they sign. The address includes the lead and its `coalition_id`, so it cannot be created
//! twice. One `CoalitionCreated` event.
use agent_registry::state::AgentView;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::events::CoalitionCreated;
// Glob: `#[derive(Accounts)]` needs the composite's generated client modules in scope.
use crate::registry_cpi::*;
use crate::seeds;
use crate::state::{Coalition, CoalitionMember, ExchangeConfig};

/// One member's terms, as the lead proposes them.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoalitionMemberArgs {
    /// Registry agent address.
    pub agent: Pubkey,
    /// Profit share, bps (the members' sum to 10,000).
    pub share_bps: u16,
    /// Stake atoms locked for the coalition's job on award.
    pub contribution: u64,
    /// sha256 of the member's part of the plan.
    pub role_hash: [u8; 32],
    /// Place in the execution sequence, `0..n`.
    pub position: u8,
}

impl CoalitionMemberArgs {
    pub fn member(&self) -> CoalitionMember {
        CoalitionMember {
            agent: self.agent,
            role_hash: self.role_hash,
            contribution: self.contribution,
            share_bps: self.share_bps,
            position: self.position,
            padding: [0; 5],
            signer: Pubkey::default(),
        }
    }
}

/// The members' terms as stored, refusing more than fit (`CoalitionMemberCount`).
pub fn members_of(args: &[CoalitionMemberArgs]) -> Result<Vec<CoalitionMember>> {
    require!(args.len() <= agx_core::coalition::MAX_MEMBERS, ExchangeError::CoalitionMemberCount);
    Ok(args.iter().map(CoalitionMemberArgs::member).collect())
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CoalitionCreateArgs {
    /// Chosen by the lead; part of the coalition's address.
    pub coalition_id: u64,
    /// The terms, the lead first.
    pub members: Vec<CoalitionMemberArgs>,
}

#[derive(Accounts)]
#[instruction(args: CoalitionCreateArgs)]
pub struct CoalitionCreate<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,

    #[account(address = seeds::CONFIG_ADDRESS @ ExchangeError::ConfigAccountInvalid)]
    pub config: AccountLoader<'info, ExchangeConfig>,

    /// CHECK: the lead, a registry `Agent` of `authority` (`AgentView::of`, `validate`); the
    /// registry writes it in the CPI that engages it.
    #[account(mut)]
    pub lead: UncheckedAccount<'info>,

    #[account(
        init,
        payer = authority,
        space = Coalition::SPACE,
        seeds = [seeds::COALITION, lead.key().as_ref(), &args.coalition_id.to_le_bytes()],
        bump,
    )]
    pub coalition: AccountLoader<'info, Coalition>,

    pub registry: RegistryAccounts<'info>,

    pub system_program: Program<'info, System>,
}

impl CoalitionCreate<'_> {
    pub fn validate(&self) -> Result<()> {
        self.config.load()?.require_not_paused()?;
        let lead = AgentView::of(&self.lead).ok_or_else(|| error!(ExchangeError::CoalitionLeadInvalid))?;
        require_keys_eq!(lead.authority, self.authority.key(), ExchangeError::CoalitionLeadInvalid);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: CoalitionCreateArgs) -> Result<()> {
        let members = members_of(&args.members)?;
        let accounts = &ctx.accounts;
        let key = accounts.coalition.key();
        let mut coalition = accounts.coalition.load_init()?;
        coalition.version = Coalition::VERSION;
        coalition.bump = ctx.bumps.coalition;
        coalition.lead = accounts.lead.key();
        coalition.authority = accounts.authority.key();
        coalition.coalition_id = args.coalition_id;
        coalition.set_terms(&key, &members)?;
        let hash = coalition.terms_hash;
        coalition.accept(0, &hash, accounts.authority.key())?;
        coalition.invariant()?;
        accounts.registry.engage(&*accounts.config.load()?, accounts.lead.to_account_info())?;
        emit!(CoalitionCreated {
            coalition: key,
            lead: coalition.lead,
            authority: coalition.authority,
            coalition_id: coalition.coalition_id,
            members: coalition.member_count,
            terms_hash: hash,
        });
        Ok(())
    }
}
