//! Mints and token accounts on any [`Chain`] (demos, tests and tools set markets up with these).
use anchor_lang::prelude::Pubkey;
use solana_keypair::Keypair;
use solana_signer::Signer;

use super::Chain;
use crate::ix::registry::StakeToken;
use crate::{token, Error};

/// Token-account set-up on a chain, paid by `payer`.
pub struct TokenSetup<'a> {
    pub chain: &'a dyn Chain,
    pub payer: &'a Keypair,
}

impl TokenSetup<'_> {
    /// A new mint at `mint`'s address, of `program`, whose mint authority is the payer.
    pub fn mint(&self, mint: &Keypair, program: Pubkey, decimals: u8) -> Result<StakeToken, Error> {
        let rent = self.chain.minimum_balance(token::MINT_LEN)?;
        let ixs = token::create_mint(
            self.payer.pubkey(),
            mint.pubkey(),
            self.payer.pubkey(),
            program,
            decimals,
            rent,
        );
        self.chain.send(&ixs, self.payer, &[mint])?;
        Ok(StakeToken { mint: mint.pubkey(), program })
    }

    /// `owner`'s associated account of `token` (created when missing).
    pub fn associated(&self, token: StakeToken, owner: Pubkey) -> Result<Pubkey, Error> {
        let address = token::associated_address(&owner, &token.mint, &token.program);
        if !self.chain.exists(&address)? {
            let create =
                token::create_associated_idempotent(self.payer.pubkey(), owner, token.mint, token.program);
            self.chain.send(&[create], self.payer, &[])?;
        }
        Ok(address)
    }

    /// Mints `amount` atoms of `token` (the payer is its mint authority) into `account`.
    pub fn mint_to(&self, token: StakeToken, account: Pubkey, amount: u64) -> Result<(), Error> {
        let ix = token::mint_to(token.program, token.mint, account, self.payer.pubkey(), amount);
        self.chain.send(&[ix], self.payer, &[])?;
        Ok(())
    }
}

/// The balance in atoms of the token account at `account` (0 when it does not exist).
pub fn token_balance(chain: &dyn Chain, account: &Pubkey) -> Result<u64, Error> {
    Ok(chain.account(account)?.and_then(|a| token::account_amount(&a.data)).unwrap_or(0))
}
