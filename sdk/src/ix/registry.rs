//! `agent_registry` instructions.
use agent_registry::state::{AgentProfile, ConfigSettings, OutcomeKind};
use agent_registry::{accounts, instruction};
use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};

use crate::pda;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: agent_registry::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// The stake mint and the token program that owns it (SPL Token or Token-2022).
#[derive(Clone, Copy, Debug)]
pub struct StakeToken {
    pub mint: Pubkey,
    pub program: Pubkey,
}

impl StakeToken {
    /// The stake token the registry's config names.
    pub fn of(config: &agent_registry::state::RegistryConfig) -> Self {
        Self { mint: config.stake_mint, program: config.stake_token_program }
    }

    /// The intent's payment token (its mint and that mint's token program).
    pub fn of_intent(intent: &exchange::state::Intent) -> Self {
        Self { mint: intent.mint, program: intent.token_program }
    }

    /// `owner`'s associated token account of this mint.
    pub fn associated(&self, owner: &Pubkey) -> Pubkey {
        crate::token::associated_address(owner, &self.mint, &self.program)
    }
}

/// `config_init`, signed by the registry's upgrade `authority`.
pub fn registry_config_init(authority: Pubkey, settings: ConfigSettings, stake: StakeToken) -> Instruction {
    build(
        accounts::ConfigInit {
            authority,
            config: pda::registry_config().0,
            stake_mint: stake.mint,
            stake_token_program: stake.program,
            program: agent_registry::ID,
            program_data: pda::program_data(&agent_registry::ID),
            system_program: system_program::ID,
        },
        instruction::ConfigInit { args: settings },
    )
}

/// `config_update` by the registry's `admin`: replaces every changeable setting.
pub fn registry_config_update(admin: Pubkey, settings: agent_registry::RegistrySettings) -> Instruction {
    build(
        accounts::ConfigAdmin { admin, config: pda::registry_config().0 },
        instruction::ConfigUpdate { args: settings },
    )
}

/// `admin_propose` by the registry's `admin`.
pub fn registry_admin_propose(admin: Pubkey, candidate: Pubkey) -> Instruction {
    build(
        accounts::ConfigAdmin { admin, config: pda::registry_config().0 },
        instruction::AdminPropose { args: agent_registry::AdminProposeArgs { candidate } },
    )
}

/// `admin_accept` by the registry's pending admin `candidate`.
pub fn registry_admin_accept(candidate: Pubkey) -> Instruction {
    build(accounts::AdminAccept { candidate, config: pda::registry_config().0 }, instruction::AdminAccept {})
}

/// `agent_register`: `authority` becomes an agent; `payer` funds the accounts.
pub fn agent_register(
    authority: Pubkey,
    payer: Pubkey,
    stake: StakeToken,
    profile: AgentProfile,
) -> Instruction {
    let agent = pda::agent(&authority).0;
    build(
        accounts::AgentRegister {
            authority,
            payer,
            config: pda::registry_config().0,
            agent,
            vault: pda::stake_vault(&agent).0,
            stake_mint: stake.mint,
            stake_token_program: stake.program,
            system_program: system_program::ID,
        },
        instruction::AgentRegister { args: profile },
    )
}

pub fn agent_update(authority: Pubkey, profile: AgentProfile) -> Instruction {
    build(
        accounts::AgentUpdate { authority, agent: pda::agent(&authority).0 },
        instruction::AgentUpdate { args: profile },
    )
}

/// `agent_offers_set` by the agent's `authority`: its standing offers become `offers`.
pub fn agent_offers_set(authority: Pubkey, offers: Vec<agent_registry::Offer>) -> Instruction {
    let agent = pda::agent(&authority).0;
    build(
        accounts::AgentOffersSet {
            authority,
            agent,
            offers: pda::offers(&agent).0,
            system_program: anchor_lang::system_program::ID,
        },
        instruction::AgentOffersSet { offers },
    )
}

/// `agent_offers_close` by the agent's `authority`: offers withdrawn, rent back.
pub fn agent_offers_close(authority: Pubkey) -> Instruction {
    let agent = pda::agent(&authority).0;
    build(
        accounts::AgentOffersClose { authority, agent, offers: pda::offers(&agent).0 },
        instruction::AgentOffersClose {},
    )
}

pub fn agent_deactivate(authority: Pubkey) -> Instruction {
    build(
        accounts::AgentDeactivate { authority, agent: pda::agent(&authority).0 },
        instruction::AgentDeactivate {},
    )
}

/// `agent_heartbeat` by the agent's `authority`, reporting its current job's progress in bps.
pub fn agent_heartbeat(authority: Pubkey, progress_bps: u16) -> Instruction {
    build(
        accounts::AgentHeartbeat {
            authority,
            agent: pda::agent(&authority).0,
            config: pda::registry_config().0,
        },
        instruction::AgentHeartbeat { args: agent_registry::AgentHeartbeatArgs { progress_bps } },
    )
}

/// `agent_close`: rent goes to `rent_payer` (the payer at registration); tokens in the vault
/// beyond the stake (unsolicited transfers) go to `surplus_destination`.
pub fn agent_close(
    authority: Pubkey,
    rent_payer: Pubkey,
    stake: StakeToken,
    surplus_destination: Option<Pubkey>,
) -> Instruction {
    let agent = pda::agent(&authority).0;
    build(
        accounts::AgentClose {
            authority,
            config: pda::registry_config().0,
            agent,
            vault: pda::stake_vault(&agent).0,
            rent_payer,
            stake_mint: stake.mint,
            surplus_destination,
            stake_token_program: stake.program,
        },
        instruction::AgentClose {},
    )
}

/// `stake_deposit` of `amount` atoms from `source` (owned by `depositor`) to the agent of
/// `agent_authority`.
pub fn stake_deposit(
    depositor: Pubkey,
    agent_authority: Pubkey,
    source: Pubkey,
    stake: StakeToken,
    amount: u64,
) -> Instruction {
    let agent = pda::agent(&agent_authority).0;
    build(
        accounts::StakeDeposit {
            depositor,
            config: pda::registry_config().0,
            agent,
            vault: pda::stake_vault(&agent).0,
            source,
            stake_mint: stake.mint,
            stake_token_program: stake.program,
        },
        instruction::StakeDeposit { args: agent_registry::StakeDepositArgs { amount } },
    )
}

pub fn stake_unstake_request(authority: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::StakeUnstakeRequest {
            authority,
            config: pda::registry_config().0,
            agent: pda::agent(&authority).0,
        },
        instruction::StakeUnstakeRequest { args: agent_registry::StakeUnstakeRequestArgs { amount } },
    )
}

pub fn stake_withdraw(authority: Pubkey, destination: Pubkey, stake: StakeToken) -> Instruction {
    let agent = pda::agent(&authority).0;
    build(
        accounts::StakeWithdraw {
            authority,
            config: pda::registry_config().0,
            agent,
            vault: pda::stake_vault(&agent).0,
            destination,
            stake_mint: stake.mint,
            stake_token_program: stake.program,
        },
        instruction::StakeWithdraw {},
    )
}

/// `stake_lock` of `amount` on `agent`, and on `standby` too when given.
pub fn stake_lock(operator: Pubkey, agent: Pubkey, standby: Option<Pubkey>, amount: u64) -> Instruction {
    build(
        accounts::AgentJob { operator, config: pda::registry_config().0, agent, standby },
        instruction::StakeLock { args: agent_registry::StakeAmountArgs { amount } },
    )
}

/// `agent_engage`: the operator records one more open bid of `agent`.
pub fn agent_engage(operator: Pubkey, agent: Pubkey) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::AgentEngage {},
    )
}

/// `agent_hire`: the operator records a direct hire of `agent` (engaged until the job's outcome)
/// and locks `amount` of its stake for it.
pub fn agent_hire(operator: Pubkey, agent: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::AgentHire { args: agent_registry::StakeAmountArgs { amount } },
    )
}

/// `agent_release`: the operator records one open bid of `agent` fewer.
pub fn agent_release(operator: Pubkey, agent: Pubkey) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::AgentRelease {},
    )
}

pub fn stake_unlock(operator: Pubkey, agent: Pubkey, amount: u64) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::StakeUnlock { args: agent_registry::StakeAmountArgs { amount } },
    )
}

/// `stake_slash`: pays `(destination, amount)` pairs out of `agent`'s locked stake.
pub fn stake_slash(
    operator: Pubkey,
    agent: Pubkey,
    stake: StakeToken,
    payouts: &[(Pubkey, u64)],
) -> Instruction {
    let mut ix = build(
        accounts::StakeSlash {
            operator,
            config: pda::registry_config().0,
            agent,
            vault: pda::stake_vault(&agent).0,
            stake_mint: stake.mint,
            stake_token_program: stake.program,
        },
        instruction::StakeSlash {
            args: agent_registry::StakeSlashArgs { amounts: payouts.iter().map(|(_, a)| *a).collect() },
        },
    );
    ix.accounts.extend(payouts.iter().map(|(d, _)| AccountMeta::new(*d, false)));
    ix
}

/// `outcome_settle`: slashes `args.slash` (each amount to the matching destination of
/// `slash_to`, with the stake token), releases the rest of `unlock` on `agent` and all of it on
/// `standby`, locks `unlock` on `successor`, and records the outcome.
pub fn outcome_settle(
    operator: Pubkey,
    agent: Pubkey,
    standby: Option<Pubkey>,
    successor: Option<Pubkey>,
    args: agent_registry::OutcomeSettleArgs,
    slash_to: Option<(StakeToken, &[Pubkey])>,
) -> Instruction {
    let mut ix = build(
        accounts::AgentOutcome { operator, config: pda::registry_config().0, agent, standby, successor },
        instruction::OutcomeSettle { args },
    );
    // A slash's accounts lead the remaining accounts: vault, stake mint, token program, then
    // the destinations.
    if let Some((stake, destinations)) = slash_to {
        ix.accounts.extend([
            AccountMeta::new(pda::stake_vault(&agent).0, false),
            AccountMeta::new_readonly(stake.mint, false),
            AccountMeta::new_readonly(stake.program, false),
        ]);
        ix.accounts.extend(destinations.iter().map(|d| AccountMeta::new(*d, false)));
    }
    ix
}

/// `stake_lock_members`: the operator locks `amounts[i]` on `agents[i]` (a coalition's members).
pub fn stake_lock_members(operator: Pubkey, agents: &[Pubkey], amounts: Vec<u64>) -> Instruction {
    let mut ix = build(
        accounts::AgentMembers { operator, config: pda::registry_config().0 },
        instruction::StakeLockMembers { args: agent_registry::StakeLockMembersArgs { amounts } },
    );
    ix.accounts.extend(agents.iter().map(|a| AccountMeta::new(*a, false)));
    ix
}

/// Where a coalition outcome's slashes go: the stake mint, and the compensation and reward
/// destinations (token accounts of it).
#[derive(Clone, Copy, Debug)]
pub struct MembersSlashTo {
    pub stake: StakeToken,
    pub compensation: Pubkey,
    pub reward: Pubkey,
}

/// `outcome_settle_members`: the operator settles a coalition's job on `agents` (one outcome
/// each, in `args.members`); `slash_to` when any member is slashed.
pub fn outcome_settle_members(
    operator: Pubkey,
    agents: &[Pubkey],
    args: agent_registry::OutcomeSettleMembersArgs,
    slash_to: Option<MembersSlashTo>,
) -> Instruction {
    let mut ix = build(
        accounts::AgentMembers { operator, config: pda::registry_config().0 },
        instruction::OutcomeSettleMembers { args },
    );
    if let Some(to) = slash_to {
        ix.accounts.extend([
            AccountMeta::new_readonly(to.stake.mint, false),
            AccountMeta::new_readonly(to.stake.program, false),
            AccountMeta::new(to.compensation, false),
            AccountMeta::new(to.reward, false),
        ]);
    }
    for agent in agents {
        ix.accounts
            .extend([AccountMeta::new(*agent, false), AccountMeta::new(pda::stake_vault(agent).0, false)]);
    }
    ix
}

pub fn reputation_record(
    operator: Pubkey,
    agent: Pubkey,
    kind: OutcomeKind,
    value: u64,
    rating_bps: Option<u16>,
    capabilities: u64,
) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::ReputationRecord {
            args: agent_registry::ReputationRecordArgs { kind, value, rating_bps, capabilities },
        },
    )
}

/// `reputation_correct` (operator only): replaces the rating `from_bps` recorded for a job that
/// counted `value` with `to_bps`, overall and in its `capabilities`.
pub fn reputation_correct(
    operator: Pubkey,
    agent: Pubkey,
    value: u64,
    capabilities: u64,
    from_bps: u16,
    to_bps: u16,
) -> Instruction {
    build(
        accounts::AgentEngagement { operator, config: pda::registry_config().0, agent },
        instruction::ReputationCorrect {
            args: agent_registry::ReputationCorrectArgs { value, capabilities, from_bps, to_bps },
        },
    )
}
