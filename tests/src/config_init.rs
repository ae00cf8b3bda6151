//! The `config_init` rules are the same in both programs (upgrade-authority gate, single init,
//! non-default admin); this suite checks them against either program, given its specifics.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;

use crate::svm::{assert_error, Svm};
use crate::EditAccounts as _;

/// A decoded `…ConfigInitialized` event: (config, admin, version, slot).
pub type ConfigEvent = (Pubkey, Pubkey, u8, u64);

/// What the suite needs to know about one program.
pub struct ConfigInitCase {
    pub program: &'static str,
    pub program_id: Pubkey,
    pub config: Pubkey,
    pub config_bump: u8,
    /// `config_init(authority, admin)`, creating whatever else it needs in the SVM first.
    pub build: fn(&mut Svm, Pubkey, Pubkey) -> Instruction,
    /// Decodes the config account into (version, bump, admin).
    pub read: fn(&Svm, &Pubkey) -> (u8, u8, Pubkey),
    /// Decodes the program's `…ConfigInitialized` event from logs into (config, admin, version, slot).
    pub event: fn(&[String]) -> Vec<ConfigEvent>,
    pub version: u8,
    pub err_already_initialized: u32,
    pub err_not_upgrade_authority: u32,
    pub err_wrong_program_data: u32,
    pub err_admin_default: u32,
}

pub use crate::anchor_codes;

impl ConfigInitCase {
    /// Success: the config holds what was asked, one event is emitted, CU are recorded.
    pub fn creates_config(&self) {
        let mut svm = Svm::new();
        let admin = Pubkey::new_unique();
        let authority = svm.upgrade_authority.insecure_clone();
        let ix = (self.build)(&mut svm, authority.pubkey(), admin);
        let meta = svm
            .send_measured(self.program, "config_init", &[ix], &[&authority])
            .unwrap_or_else(|e| panic!("config_init failed: {:?}\n{}", e.err, e.meta.logs.join("\n")));
        let (version, bump, stored_admin) = (self.read)(&svm, &self.config);
        assert_eq!(version, self.version);
        assert_eq!(bump, self.config_bump);
        assert_eq!(stored_admin, admin);
        let events = (self.event)(&meta.logs);
        assert_eq!(events.len(), 1, "exactly one config-initialized event");
        let (config, event_admin, event_version, slot) = events[0];
        assert_eq!((config, event_admin, event_version), (self.config, admin, self.version));
        assert_eq!(slot, svm.svm.get_sysvar::<solana_clock::Clock>().slot);
        // Rent for the config came from the authority, not from the fee payer.
        assert!(svm.lamports(&authority.pubkey()) < crate::svm::AIRDROP);
    }

    /// A second call fails with the program's specific error, and the config is unchanged.
    pub fn rejects_second_init(&self) {
        let mut svm = Svm::new();
        let authority = svm.upgrade_authority.insecure_clone();
        let first_admin = Pubkey::new_unique();
        let ix = (self.build)(&mut svm, authority.pubkey(), first_admin);
        svm.send(&[ix], &[&authority]).expect("first init");
        let ix = (self.build)(&mut svm, authority.pubkey(), Pubkey::new_unique());
        let res = svm.send(&[ix], &[&authority]);
        assert_error(&res, self.err_already_initialized);
        assert_eq!((self.read)(&svm, &self.config).2, first_admin);
    }

    /// Only the upgrade authority may initialise (no front-running of the deployer).
    pub fn rejects_other_signer(&self) {
        let mut svm = Svm::new();
        let intruder = svm.funded_keypair();
        let ix = (self.build)(&mut svm, intruder.pubkey(), intruder.pubkey());
        let res = svm.send(&[ix], &[&intruder]);
        assert_error(&res, self.err_not_upgrade_authority);
        assert!(svm.account(&self.config).is_none());
    }

    /// The authority must sign: an unsigned authority meta is rejected by Anchor.
    pub fn rejects_missing_signer(&self) {
        let mut svm = Svm::new();
        let authority = svm.upgrade_authority.pubkey();
        let mut ix = (self.build)(&mut svm, authority, authority);
        ix.unsign(authority);
        let res = svm.send(&[ix], &[]);
        assert_error(&res, anchor_codes::ACCOUNT_NOT_SIGNER);
        assert!(svm.account(&self.config).is_none());
    }

    /// A ProgramData account of another program (whose authority is the same key) is refused.
    pub fn rejects_foreign_program_data(&self, other_program: &Pubkey) {
        let mut svm = Svm::new();
        let authority = svm.upgrade_authority.insecure_clone();
        let mut ix = (self.build)(&mut svm, authority.pubkey(), authority.pubkey());
        let program_data = agx_sdk::pda::program_data(other_program);
        let slot = ix.accounts.iter().position(|m| m.pubkey == agx_sdk::pda::program_data(&self.program_id));
        ix.accounts[slot.expect("program_data meta")].pubkey = program_data;
        let res = svm.send(&[ix], &[&authority]);
        assert_error(&res, self.err_wrong_program_data);
    }

    /// A config address that is not the canonical PDA is refused.
    pub fn rejects_fake_config(&self) {
        let mut svm = Svm::new();
        let authority = svm.upgrade_authority.insecure_clone();
        let fake = Keypair::new();
        let mut ix = (self.build)(&mut svm, authority.pubkey(), authority.pubkey());
        ix.retarget(self.config, fake.pubkey());
        ix.account_mut(fake.pubkey()).is_signer = true;
        let res = svm.send(&[ix], &[&authority, &fake]);
        assert_error(&res, anchor_codes::CONSTRAINT_SEEDS);
    }

    /// The admin may not be the all-zero key.
    pub fn rejects_default_admin(&self) {
        let mut svm = Svm::new();
        let authority = svm.upgrade_authority.insecure_clone();
        let ix = (self.build)(&mut svm, authority.pubkey(), Pubkey::default());
        let res = svm.send(&[ix], &[&authority]);
        assert_error(&res, self.err_admin_default);
        assert!(svm.account(&self.config).is_none());
    }
}
