//! What the server may sign for an autonomous caller: limits set by whoever starts it, checked
//! before anything is sent. A refusal names the flag that set the limit, so that the model (and
//! the person reading its transcript) knows which rule stopped it and who can change it.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The window `--max-spend-per-hour` counts over.
pub const SPEND_WINDOW: Duration = Duration::from_secs(3_600);

/// The limits; `None` is no limit.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// `--read-only`: nothing is signed.
    pub read_only: bool,
    /// `--max-price`: the most an intent it posts may escrow (max price plus evaluator fee).
    pub max_price: Option<u64>,
    /// `--max-stake`: the most its agent may hold staked, after a deposit.
    pub max_stake: Option<u64>,
    /// `--max-spend-per-hour`: the most it may escrow for intents in any hour.
    pub max_spend_per_hour: Option<u64>,
    /// `--capabilities`: the only capabilities it may register, post or bid for (a bit mask).
    pub capabilities: Option<u64>,
}

/// A limit's refusal: the flag, and what exceeded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub limit: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused by the server's limit {}: {}", self.limit, self.detail)
    }
}

impl Refusal {
    /// A server started `--read-only` (or with no key to sign with).
    pub fn read_only() -> Self {
        Refusal {
            limit: "--read-only",
            detail: "this server signs nothing; restart it without --read-only to act".into(),
        }
    }
}

impl Limits {
    pub fn may_sign(&self) -> Result<(), Refusal> {
        match self.read_only {
            true => Err(Refusal::read_only()),
            false => Ok(()),
        }
    }

    /// `wanted` (required by an intent, or registered) within the allowed capabilities.
    pub fn capabilities_allowed(&self, wanted: u64) -> Result<(), Refusal> {
        match self.capabilities {
            Some(allowed) if wanted & !allowed != 0 => Err(Refusal {
                limit: "--capabilities",
                detail: format!(
                    "capabilities {wanted:#x} include {:#x}, outside the allowed {allowed:#x}",
                    wanted & !allowed
                ),
            }),
            _ => Ok(()),
        }
    }

    /// An intent escrowing `escrow` atoms.
    pub fn price_allowed(&self, escrow: u64) -> Result<(), Refusal> {
        match self.max_price {
            Some(max) if escrow > max => Err(Refusal {
                limit: "--max-price",
                detail: format!(
                    "the intent would escrow {escrow} atoms (max price plus evaluator fee), over {max}"
                ),
            }),
            _ => Ok(()),
        }
    }

    /// A deposit of `amount` onto `staked` atoms of stake.
    pub fn stake_allowed(&self, staked: u64, amount: u64) -> Result<(), Refusal> {
        let after = staked.saturating_add(amount);
        match self.max_stake {
            Some(max) if after > max => Err(Refusal {
                limit: "--max-stake",
                detail: format!(
                    "depositing {amount} would bring the agent's stake to {after} atoms, over {max}"
                ),
            }),
            _ => Ok(()),
        }
    }
}

/// What was escrowed, when: the record `--max-spend-per-hour` is checked against.
#[derive(Debug, Default)]
pub struct SpendLedger {
    spent: VecDeque<(Instant, u64)>,
}

impl SpendLedger {
    /// Atoms spent in the window before `now`.
    pub fn in_window(&mut self, now: Instant) -> u64 {
        while self.spent.front().is_some_and(|(at, _)| now.saturating_duration_since(*at) >= SPEND_WINDOW) {
            self.spent.pop_front();
        }
        self.spent.iter().fold(0u64, |sum, (_, atoms)| sum.saturating_add(*atoms))
    }

    /// Whether `amount` more may be spent at `now` under `limits`.
    pub fn allowed(&mut self, limits: &Limits, amount: u64, now: Instant) -> Result<(), Refusal> {
        let spent = self.in_window(now);
        match limits.max_spend_per_hour {
            Some(max) if spent.saturating_add(amount) > max => Err(Refusal {
                limit: "--max-spend-per-hour",
                detail: format!(
                    "escrowing {amount} atoms after {spent} in the last hour would exceed {max}; {} more may be spent now",
                    max.saturating_sub(spent)
                ),
            }),
            _ => Ok(()),
        }
    }

    pub fn record(&mut self, amount: u64, now: Instant) {
        self.spent.push_back((now, amount));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_refuses_nothing() {
        let limits = Limits::default();
        assert!(limits.may_sign().is_ok());
        assert!(limits.capabilities_allowed(u64::MAX).is_ok());
        assert!(limits.price_allowed(u64::MAX).is_ok());
        assert!(limits.stake_allowed(u64::MAX, u64::MAX).is_ok());
        assert!(SpendLedger::default().allowed(&limits, u64::MAX, Instant::now()).is_ok());
    }

    #[test]
    fn each_limit_refuses_past_its_bound_and_names_its_flag() {
        let limits = Limits {
            read_only: true,
            max_price: Some(100),
            max_stake: Some(1_000),
            max_spend_per_hour: Some(150),
            capabilities: Some(0b011),
        };
        assert_eq!(limits.may_sign().unwrap_err().limit, "--read-only");
        assert!(limits.capabilities_allowed(0b010).is_ok());
        let caps = limits.capabilities_allowed(0b110).unwrap_err();
        assert_eq!(caps.limit, "--capabilities");
        assert!(caps.detail.contains("0x4"), "{caps}");
        assert!(limits.price_allowed(100).is_ok());
        assert_eq!(limits.price_allowed(101).unwrap_err().limit, "--max-price");
        assert!(limits.stake_allowed(600, 400).is_ok());
        assert_eq!(limits.stake_allowed(600, 401).unwrap_err().limit, "--max-stake");
        assert!(limits
            .stake_allowed(600, 401)
            .unwrap_err()
            .to_string()
            .starts_with("refused by the server's limit --max-stake: "));
    }

    #[test]
    fn spending_counts_over_a_sliding_hour() {
        let limits = Limits { max_spend_per_hour: Some(150), ..Limits::default() };
        let mut ledger = SpendLedger::default();
        let start = Instant::now();
        ledger.allowed(&limits, 100, start).unwrap();
        ledger.record(100, start);
        assert!(ledger.allowed(&limits, 50, start).is_ok());
        let over = ledger.allowed(&limits, 51, start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(over.limit, "--max-spend-per-hour");
        assert!(over.detail.contains("50 more may be spent now"), "{over}");
        // An hour after the first spend, it no longer counts.
        assert!(ledger.allowed(&limits, 150, start + SPEND_WINDOW).is_ok());
        assert_eq!(ledger.in_window(start + SPEND_WINDOW), 0);
    }
}
