//! The one place that calls the registry. Every call is signed by the exchange authority PDA
//! (`[seeds::AUTHORITY]`), the registry's operator; the registry refuses any other signer, so a
//! substituted authority or registry config fails inside the CPI, and `registry_program` is
//! checked to be the registry (no arbitrary CPI target).
use agent_registry::program::AgentRegistry;
use agent_registry::state::OutcomeKind;
use anchor_lang::prelude::*;

use crate::error::ExchangeError;
use crate::seeds;
use crate::state::ExchangeConfig;

/// How a job ended, for `outcome_settle`.
pub struct Outcome<'info> {
    /// Stake the job held on the winner and on the standby.
    pub unlock: u64,
    pub kind: OutcomeKind,
    /// Reputation value, atoms.
    pub value: u64,
    pub rating_bps: Option<u16>,
    pub slash: Option<SlashTo<'info>>,
    /// An agent that takes the job over: the same hold is locked on it.
    pub successor: Option<AccountInfo<'info>>,
    /// The intent's requester: repeat work for the same requester counts less for reputation
    /// (`agx_core::reputation::Patrons`).
    pub requester: Pubkey,
    /// The job was a direct hire (`Intent::is_hired`): its engagement of the winner ends with it.
    pub release_engagement: bool,
    /// The capabilities the intent asked for: the outcome also enters the winner's history of
    /// each (`agx_core::skills`).
    pub capabilities: u64,
    /// A completion whose result came after the promised latency (reliability).
    pub late: bool,
}

/// Whose job a coalition's outcome is: its requester (repeat work counts less) and the
/// capabilities it asked for (each member's part of them enters its per-capability history).
#[derive(Clone, Copy, Debug)]
pub struct JobOf {
    pub requester: Pubkey,
    pub capabilities: u64,
    /// A completion whose result came after the promised latency.
    pub late: bool,
}

/// Where a coalition's slashes go: the stake mint, its token program, and the compensation and
/// reward destinations (token accounts of the stake mint).
pub struct MembersSlashTo<'info> {
    pub stake_mint: AccountInfo<'info>,
    pub token_program: AccountInfo<'info>,
    pub compensation: AccountInfo<'info>,
    pub reward: AccountInfo<'info>,
}

/// A slash of the winner's held stake: the registry accounts it needs and where each amount goes.
pub struct SlashTo<'info> {
    pub vault: AccountInfo<'info>,
    pub stake_mint: AccountInfo<'info>,
    pub token_program: AccountInfo<'info>,
    pub destinations: Vec<AccountInfo<'info>>,
    pub amounts: Vec<u64>,
}

impl SlashTo<'_> {
    pub fn total(&self) -> Result<u64> {
        self.amounts
            .iter()
            .try_fold(0u64, |sum, a| sum.checked_add(*a))
            .ok_or_else(|| error!(crate::error::ExchangeError::ArithmeticOverflow))
    }
}

/// The accounts every registry call needs, shared by the instructions that make one.
#[derive(Accounts)]
pub struct RegistryAccounts<'info> {
    /// CHECK: the exchange's signing PDA (the registry's operator), used only as the CPI
    /// signer; checked against its constant address (not re-derived: ~1,500 CU).
    #[account(address = seeds::AUTHORITY_ADDRESS @ ExchangeError::ExchangeAuthorityInvalid)]
    pub exchange_authority: UncheckedAccount<'info>,

    /// CHECK: the registry's config, at its constant address; the registry reads it in the CPI.
    #[account(address = agent_registry::seeds::CONFIG_ADDRESS @ ExchangeError::RegistryConfigInvalid)]
    pub registry_config: UncheckedAccount<'info>,

    pub registry_program: Program<'info, AgentRegistry>,
}

impl<'info> RegistryAccounts<'info> {
    /// Calls the registry's instruction `data` with `accounts` and then `remaining`, signed by
    /// the exchange authority: built here and invoked through `lean_cpi::invoke` rather than by
    /// Anchor's generated `cpi` functions, whose `invoke_signed` matches every account meta
    /// against every account info by key (~400 CU and more a call, `docs/compute.md`).
    fn call<T: ToAccountMetas + ToAccountInfos<'info>>(
        &self,
        config: &ExchangeConfig,
        accounts: T,
        remaining: Vec<AccountInfo<'info>>,
        data: impl anchor_lang::InstructionData,
    ) -> Result<()> {
        let mut metas = accounts.to_account_metas(None);
        metas.extend(remaining.iter().map(|info| AccountMeta {
            pubkey: *info.key,
            is_signer: info.is_signer,
            is_writable: info.is_writable,
        }));
        let mut infos = accounts.to_account_infos();
        infos.extend(remaining);
        let bump = [config.authority_bump];
        let signer: &[&[u8]] = &[seeds::AUTHORITY, &bump];
        agent_registry::lean_cpi::invoke(agent_registry::ID, metas, data.data(), &infos, &[signer])
    }

    fn operator(&self) -> AccountInfo<'info> {
        self.exchange_authority.to_account_info()
    }

    fn config(&self) -> AccountInfo<'info> {
        self.registry_config.to_account_info()
    }

    /// A bid account of `agent` was opened: the agent cannot close until it is released.
    pub fn engage(&self, config: &ExchangeConfig, agent: AccountInfo<'info>) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentEngagement {
            operator: self.operator(),
            config: self.config(),
            agent,
        };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::AgentEngage {})
    }

    /// A direct hire of `agent` was taken: it is engaged until the job's outcome, and `amount`
    /// of its stake is locked for the job, in one call.
    pub fn hire(&self, config: &ExchangeConfig, agent: AccountInfo<'info>, amount: u64) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentEngagement {
            operator: self.operator(),
            config: self.config(),
            agent,
        };
        let args = agent_registry::StakeAmountArgs { amount };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::AgentHire { args })
    }

    /// A bid account of `agent` was closed.
    pub fn release(&self, config: &ExchangeConfig, agent: AccountInfo<'info>) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentEngagement {
            operator: self.operator(),
            config: self.config(),
            agent,
        };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::AgentRelease {})
    }

    /// Locks `amount` of the winner's stake, and as much of the standby's, in one call.
    pub fn lock(
        &self,
        config: &ExchangeConfig,
        agent: AccountInfo<'info>,
        standby: Option<AccountInfo<'info>>,
        amount: u64,
    ) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentJob {
            operator: self.operator(),
            config: self.config(),
            agent,
            standby,
        };
        let args = agent_registry::StakeAmountArgs { amount };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::StakeLock { args })
    }

    /// A coalition's job was awarded: locks each member's contribution (`amounts`, in the order
    /// of `members`) in one call.
    pub fn lock_members(
        &self,
        config: &ExchangeConfig,
        members: &[AccountInfo<'info>],
        amounts: Vec<u64>,
    ) -> Result<()> {
        let accounts =
            agent_registry::cpi::accounts::AgentMembers { operator: self.operator(), config: self.config() };
        let members = members.to_vec();
        let args = agent_registry::StakeLockMembersArgs { amounts };
        self.call(config, accounts, members, agent_registry::instruction::StakeLockMembers { args })
    }

    /// A coalition's job ended: per member (`members`: its agent and its stake vault, in the
    /// order of `outcomes`), its slash (to `slash_to`'s compensation and reward destinations),
    /// release and outcome, in one call.
    pub fn settle_members(
        &self,
        config: &ExchangeConfig,
        members: Vec<(AccountInfo<'info>, AccountInfo<'info>)>,
        outcomes: Vec<agent_registry::MemberOutcome>,
        rating_bps: Option<u16>,
        job: JobOf,
        slash_to: Option<MembersSlashTo<'info>>,
    ) -> Result<()> {
        let accounts =
            agent_registry::cpi::accounts::AgentMembers { operator: self.operator(), config: self.config() };
        let mut remaining = Vec::new();
        if let Some(to) = slash_to {
            remaining.extend([to.stake_mint, to.token_program, to.compensation, to.reward]);
        }
        for (agent, vault) in members {
            remaining.extend([agent, vault]);
        }
        let args = agent_registry::OutcomeSettleMembersArgs {
            members: outcomes,
            rating_bps,
            requester: job.requester,
            capabilities: job.capabilities,
            late: job.late,
        };
        self.call(config, accounts, remaining, agent_registry::instruction::OutcomeSettleMembers { args })
    }

    /// A job ended: slashes the winner (optional), releases what the job held on the winner
    /// and on the standby, locks it on a successor (optional), and records the outcome in the
    /// winner's reputation, in one call. Returns the value the outcome counted for reputation.
    pub fn settle_outcome(
        &self,
        config: &ExchangeConfig,
        agent: AccountInfo<'info>,
        standby: Option<AccountInfo<'info>>,
        outcome: Outcome<'info>,
    ) -> Result<u64> {
        let Outcome {
            unlock,
            kind,
            value,
            rating_bps,
            slash,
            successor,
            requester,
            release_engagement,
            capabilities,
            late,
        } = outcome;
        // A slash's accounts lead the remaining accounts: vault, stake mint, token program, then
        // the destinations.
        let (remaining, amounts) = match slash {
            Some(s) => {
                let mut remaining = vec![s.vault, s.stake_mint, s.token_program];
                remaining.extend(s.destinations);
                (remaining, s.amounts)
            }
            None => (Vec::new(), Vec::new()),
        };
        let accounts = agent_registry::cpi::accounts::AgentOutcome {
            operator: self.operator(),
            config: self.config(),
            agent,
            standby,
            successor,
        };
        let args = agent_registry::OutcomeSettleArgs {
            unlock,
            kind,
            value,
            rating_bps,
            slash: amounts,
            requester,
            release_engagement,
            capabilities,
            late,
        };
        self.call(config, accounts, remaining, agent_registry::instruction::OutcomeSettle { args })?;
        // The value the outcome counted, which `outcome_settle` returns.
        let counted = anchor_lang::solana_program::program::get_return_data()
            .filter(|(program, _)| *program == agent_registry::ID)
            .and_then(|(_, data)| <[u8; 8]>::try_from(data.as_slice()).ok())
            .ok_or_else(|| error!(ExchangeError::RegistryReturnMissing))?;
        Ok(u64::from_le_bytes(counted))
    }

    /// Replaces the rating `from_bps` recorded for a job that counted `value` with `to_bps`, in
    /// the agent's overall and per-capability histories (a reply decided in its favour).
    pub fn correct_rating(
        &self,
        config: &ExchangeConfig,
        agent: AccountInfo<'info>,
        args: agent_registry::ReputationCorrectArgs,
    ) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentEngagement {
            operator: self.operator(),
            config: self.config(),
            agent,
        };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::ReputationCorrect { args })
    }

    /// Records a failure worth `value` atoms of a job asking for `capabilities` in the agent's
    /// reputation.
    pub fn record_failure(
        &self,
        config: &ExchangeConfig,
        agent: AccountInfo<'info>,
        value: u64,
        capabilities: u64,
    ) -> Result<()> {
        let accounts = agent_registry::cpi::accounts::AgentEngagement {
            operator: self.operator(),
            config: self.config(),
            agent,
        };
        let args = agent_registry::ReputationRecordArgs {
            kind: OutcomeKind::Failed,
            value,
            rating_bps: None,
            capabilities,
        };
        self.call(config, accounts, Vec::new(), agent_registry::instruction::ReputationRecord { args })
    }
}
