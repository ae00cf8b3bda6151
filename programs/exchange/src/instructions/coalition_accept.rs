//! `coalition_accept`: a member signs the coalition's exact terms (their hash). A member that
//! signed is engaged in the registry (it cannot close its agent) until it leaves, the terms
//! change or the coalition dissolves. Once every member has signed, the coalition may bid.
//!
//! Rules: the exchange is not paused (`ExchangePaused`); the agent is a registry agent
//! (`CoalitionNotMember` otherwise) of the signer (`CoalitionSignerNotAuthority`) and a member
//! (`CoalitionNotMember`); the hash signed is the current terms' (`CoalitionTermsChanged`), not
//! signed already (`CoalitionAlreadyAccepted`). One `CoalitionAccepted` event.
use anchor_lang::prelude::*;

use crate::events::CoalitionAccepted;
use crate::instructions::CoalitionMemberAct;

impl CoalitionMemberAct<'_> {
    pub fn accept(ctx: Context<Self>, terms_hash: [u8; 32]) -> Result<()> {
        let config = ctx.accounts.config.load()?;
        config.require_not_paused()?;
        let index = ctx.accounts.member_index()?;
        let accounts = &ctx.accounts;
        let mut coalition = accounts.coalition.load_mut()?;
        coalition.accept(index, &terms_hash, accounts.authority.key())?;
        coalition.invariant()?;
        accounts.registry.engage(&config, accounts.agent.to_account_info())?;
        emit!(CoalitionAccepted {
            coalition: accounts.coalition.key(),
            agent: accounts.agent.key(),
            terms_hash,
            accepted: coalition.accepted,
            ready: coalition.is_ready(),
        });
        Ok(())
    }
}
