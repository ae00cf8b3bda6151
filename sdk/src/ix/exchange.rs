//! `exchange` instructions.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use exchange::{accounts, instruction, BidOpening, ConfigInitArgs, IntentCreateArgs};

use crate::ix::registry::StakeToken;
use crate::pda;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: exchange::ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

/// `config_init`, signed by the exchange's upgrade `authority`.
pub fn exchange_config_init(authority: Pubkey, admin: Pubkey) -> Instruction {
    build(
        accounts::ConfigInit {
            authority,
            config: pda::exchange_config().0,
            exchange_authority: pda::exchange_authority().0,
            program: exchange::ID,
            program_data: pda::program_data(&exchange::ID),
            system_program: system_program::ID,
        },
        instruction::ConfigInit { args: ConfigInitArgs { admin } },
    )
}

/// `intent_create`: `requester` escrows `args.max_price` of `token.mint` from `requester_tokens`.
pub fn intent_create(
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
    args: IntentCreateArgs,
) -> Instruction {
    let intent = pda::intent(&requester, args.intent_id).0;
    build(
        accounts::IntentCreate {
            requester,
            config: pda::exchange_config().0,
            intent,
            escrow: pda::escrow(&intent).0,
            mint: token.mint,
            requester_tokens,
            token_program: token.program,
            system_program: system_program::ID,
        },
        instruction::IntentCreate { args },
    )
}

pub fn intent_cancel(
    requester: Pubkey,
    intent: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    build(
        accounts::IntentCancel {
            requester,
            intent,
            escrow: pda::escrow(&intent).0,
            mint: token.mint,
            requester_tokens,
            token_program: token.program,
        },
        instruction::IntentCancel {},
    )
}

/// `bid_commit` by the agent's authority `bidder`; `agent` is the registry agent account.
pub fn bid_commit(bidder: Pubkey, intent: Pubkey, agent: Pubkey, commitment: [u8; 32]) -> Instruction {
    build(
        accounts::BidCommit {
            bidder,
            intent,
            agent,
            bid: pda::bid(&intent, &agent).0,
            system_program: system_program::ID,
        },
        instruction::BidCommit { args: exchange::BidCommitArgs { commitment } },
    )
}

pub fn bid_reveal(bidder: Pubkey, intent: Pubkey, agent: Pubkey, opening: BidOpening) -> Instruction {
    build(
        accounts::BidReveal { bidder, intent, bid: pda::bid(&intent, &agent).0, agent },
        instruction::BidReveal { opening },
    )
}

pub fn bid_place(bidder: Pubkey, intent: Pubkey, agent: Pubkey, opening: BidOpening) -> Instruction {
    build(
        accounts::BidPlace {
            bidder,
            config: pda::exchange_config().0,
            intent,
            agent,
            bid: pda::bid(&intent, &agent).0,
            exchange_authority: pda::exchange_authority().0,
            registry_config: pda::registry_config().0,
            registry_program: agent_registry::ID,
            system_program: system_program::ID,
        },
        instruction::BidPlace { opening },
    )
}

/// `auction_settle` awarding the leaderboard head, whose registry agent account is `agent`.
pub fn auction_settle_award(caller: Pubkey, intent: Pubkey, agent: Pubkey) -> Instruction {
    build(
        accounts::AuctionSettle {
            caller,
            config: pda::exchange_config().0,
            intent,
            agent: Some(agent),
            exchange_authority: pda::exchange_authority().0,
            registry_config: pda::registry_config().0,
            registry_program: agent_registry::ID,
            escrow: None,
            mint: None,
            requester_tokens: None,
            requester: None,
            token_program: None,
        },
        instruction::AuctionSettle {},
    )
}

/// `auction_settle` of an auction without valid bids: refunds `requester_tokens`.
pub fn auction_settle_expire(
    caller: Pubkey,
    intent: Pubkey,
    requester: Pubkey,
    token: StakeToken,
    requester_tokens: Pubkey,
) -> Instruction {
    build(
        accounts::AuctionSettle {
            caller,
            config: pda::exchange_config().0,
            intent,
            agent: None,
            exchange_authority: pda::exchange_authority().0,
            registry_config: pda::registry_config().0,
            registry_program: agent_registry::ID,
            escrow: Some(pda::escrow(&intent).0),
            mint: Some(token.mint),
            requester_tokens: Some(requester_tokens),
            requester: Some(requester),
            token_program: Some(token.program),
        },
        instruction::AuctionSettle {},
    )
}

/// `bid_close` of `agent`'s bid on `intent`; `bidder` and `requester` receive the lamports.
pub fn bid_close(
    caller: Pubkey,
    intent: Pubkey,
    agent: Pubkey,
    bidder: Pubkey,
    requester: Pubkey,
) -> Instruction {
    build(
        accounts::BidClose { caller, intent, bid: pda::bid(&intent, &agent).0, bidder, requester },
        instruction::BidClose {},
    )
}

/// The commitment of `opening` by `agent` on `intent` (software sha256, same bytes as on-chain).
pub fn commitment(intent: &Pubkey, agent: &Pubkey, opening: &BidOpening) -> [u8; 32] {
    opening.core(intent, agent).commitment::<agx_core::commitment::SoftwareSha256>()
}
