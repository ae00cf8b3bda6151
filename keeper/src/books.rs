//! What a landed crank paid the keeper, read from the chain: the keeper's lamport balance change
//! in the transaction's metadata, plus the fee it paid and the rent of an account it created (the
//! tip), and the change of its stake-mint account (the failover reward). Booking what the
//! schedule predicted instead credited tips no transaction paid (a settle that drops a
//! disqualified bidder pays none).
use agx_sdk::Pubkey;
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{UiTransactionStatusMeta, UiTransactionTokenBalance};

/// What one transaction moved to the keeper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub tip_lamports: u64,
    pub reward_atoms: u64,
}

impl std::ops::Add for Moved {
    type Output = Moved;
    fn add(self, other: Moved) -> Moved {
        Moved {
            tip_lamports: self.tip_lamports.saturating_add(other.tip_lamports),
            reward_atoms: self.reward_atoms.saturating_add(other.reward_atoms),
        }
    }
}

/// The keeper (the fee payer, account 0) went from `pre` to `post` lamports, paying `fee` and
/// `rent_paid`; its stake-mint account from `tokens_pre` to `tokens_post` atoms.
pub fn moved(pre: u64, post: u64, fee: u64, rent_paid: u64, tokens_pre: u64, tokens_post: u64) -> Moved {
    let received = i128::from(post) - i128::from(pre) + i128::from(fee) + i128::from(rent_paid);
    Moved {
        tip_lamports: u64::try_from(received.max(0)).unwrap_or(u64::MAX),
        reward_atoms: tokens_post.saturating_sub(tokens_pre),
    }
}

/// The atoms `owner` holds of `mint` among a transaction's token balances (0 when absent).
pub fn token_amount(
    balances: &OptionSerializer<Vec<UiTransactionTokenBalance>>,
    owner: &Pubkey,
    mint: &Pubkey,
) -> u64 {
    let (owner, mint) = (owner.to_string(), mint.to_string());
    match balances {
        OptionSerializer::Some(list) => list
            .iter()
            .filter(|b| b.mint == mint && matches!(&b.owner, OptionSerializer::Some(o) if *o == owner))
            .filter_map(|b| b.ui_token_amount.amount.parse::<u64>().ok())
            .sum(),
        _ => 0,
    }
}

/// What the transaction with metadata `meta` paid `keeper` (its fee payer): see [`moved`].
pub fn from_meta(
    meta: &UiTransactionStatusMeta,
    keeper: &Pubkey,
    stake_mint: &Pubkey,
    rent_paid: u64,
) -> Option<Moved> {
    let (pre, post) = (*meta.pre_balances.first()?, *meta.post_balances.first()?);
    Some(moved(
        pre,
        post,
        meta.fee,
        rent_paid,
        token_amount(&meta.pre_token_balances, keeper, stake_mint),
        token_amount(&meta.post_token_balances, keeper, stake_mint),
    ))
}

#[cfg(test)]
mod tests {
    use solana_account_decoder_client_types::token::UiTokenAmount;

    use super::*;

    #[test]
    fn the_tip_is_the_balance_change_plus_what_the_keeper_paid() {
        // A settle with a 20,000-lamport tip and a 5,000 fee: +15,000 on the balance.
        assert_eq!(moved(1_000_000, 1_015_000, 5_000, 0, 0, 0).tip_lamports, 20_000);
        // A drop of a disqualified head pays no tip: only the fee left.
        assert_eq!(moved(1_000_000, 995_000, 5_000, 0, 0, 0), Moved::default());
        // A failover that created the requester's account (rent 2,039,280) and earned 5 atoms.
        let m = moved(10_000_000, 10_000_000 + 20_000 - 5_000 - 2_039_280, 5_000, 2_039_280, 100, 105);
        assert_eq!(m, Moved { tip_lamports: 20_000, reward_atoms: 5 });
    }

    #[test]
    fn the_reward_is_the_keepers_own_stake_mint_account_only() {
        let (keeper, mint) = (Pubkey::new_unique(), Pubkey::new_unique());
        let balance = |owner: &Pubkey, mint: &Pubkey, amount: &str| UiTransactionTokenBalance {
            account_index: 3,
            mint: mint.to_string(),
            ui_token_amount: UiTokenAmount {
                ui_amount: None,
                decimals: 6,
                amount: amount.into(),
                ui_amount_string: String::new(),
            },
            owner: OptionSerializer::Some(owner.to_string()),
            program_id: OptionSerializer::None,
        };
        let list = OptionSerializer::Some(vec![
            balance(&keeper, &mint, "50"),
            balance(&Pubkey::new_unique(), &mint, "450"),
            balance(&keeper, &Pubkey::new_unique(), "7"),
        ]);
        assert_eq!(token_amount(&list, &keeper, &mint), 50);
        assert_eq!(token_amount(&OptionSerializer::None, &keeper, &mint), 0);
    }
}
