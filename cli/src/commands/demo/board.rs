//! The demo's live view on a terminal: the market's events scroll, and beneath them a small table
//! of where every intent stands, redrawn in place each slot. Off a terminal (a pipe, a log file,
//! `--output json`) the events are printed as plain lines and no table is drawn.
use std::io::{IsTerminal, Write};
use std::time::Instant;

use agx_sdk::exchange::state::IntentStatus;

use super::observe::Tracked;
use crate::{Format, Output};

/// Where each status stands in the table, in the order of an intent's life.
const COLUMNS: &[(IntentStatus, &str)] = &[
    (IntentStatus::Open, "open"),
    (IntentStatus::Awarded, "awarded"),
    (IntentStatus::Submitted, "submitted"),
    (IntentStatus::Disputed, "disputed"),
    (IntentStatus::Completed, "completed"),
    (IntentStatus::Expired, "expired"),
    (IntentStatus::Failed, "failed"),
];
const BAR_WIDTH: usize = 30;

pub struct Board {
    out: Output,
    /// Lines of the table now on screen (0: none drawn, or not a terminal).
    drawn: usize,
    live: bool,
    started: Instant,
}

impl Board {
    pub fn new(out: Output) -> Self {
        let live = out.format == Format::Text && std::io::stdout().is_terminal();
        Self { out, drawn: 0, live, started: Instant::now() }
    }

    /// An event: printed above the table.
    pub fn line(&mut self, text: &str) {
        self.erase();
        self.out.progress(text);
    }

    /// Redraws the table for `slot` (nothing off a terminal).
    pub fn draw(&mut self, slot: u64, intents: usize, tracked: &[Tracked]) {
        if !self.live {
            return;
        }
        self.erase();
        let lines = table(slot, self.started.elapsed().as_secs_f64(), intents, tracked);
        let mut stdout = std::io::stdout().lock();
        for line in &lines {
            // A failed write to the terminal only loses the view, never the run.
            let _ = writeln!(stdout, "{line}");
        }
        let _ = stdout.flush();
        self.drawn = lines.len();
    }

    /// Leaves the last table on screen and prints what follows below it.
    pub fn finish(&mut self) {
        self.drawn = 0;
    }

    fn erase(&mut self) {
        if self.drawn > 0 {
            // Up to the table's first line, then clear to the end of the screen.
            print!("\x1b[{}F\x1b[J", self.drawn);
            self.drawn = 0;
        }
    }
}

/// The table's lines: a rule with the slot and time, the count of intents in each status (the
/// last one seen, closed or not, so that the counts add up to the intents posted), and a bar of
/// the finished ones (closed, whatever their outcome).
pub fn table(slot: u64, seconds: f64, intents: usize, tracked: &[Tracked]) -> Vec<String> {
    let status_of = |t: &Tracked| t.statuses.last().copied();
    let counts: Vec<String> = COLUMNS
        .iter()
        .map(|(status, name)| {
            let n = tracked.iter().filter(|t| status_of(t) == Some(*status)).count();
            format!("{name} {n}")
        })
        .collect();
    let closed = tracked.iter().filter(|t| t.closed).count();
    let failovers: u32 = tracked.iter().filter_map(|t| t.last.map(|i| u32::from(i.failovers))).sum();
    let filled = (closed * BAR_WIDTH).checked_div(intents).unwrap_or(0).min(BAR_WIDTH);
    vec![
        format!("── slot {slot} · {seconds:.1} s · {} of {intents} intents posted ──", tracked.len()),
        format!("   {}", counts.join(" │ ")),
        format!(
            "   [{}{}] {closed}/{intents} closed · {failovers} failover{}",
            "█".repeat(filled),
            "░".repeat(BAR_WIDTH - filled),
            if failovers == 1 { "" } else { "s" }
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use agx_sdk::exchange::state::AuctionKind;
    use agx_sdk::Pubkey;

    fn tracked(status: IntentStatus, closed: bool) -> Tracked {
        let mut t = Tracked::new(0, Pubkey::new_unique(), AuctionKind::Continuous, "any");
        t.statuses.push(status);
        t.closed = closed;
        t
    }

    #[test]
    fn counts_live_intents_by_status_and_fills_the_bar_with_closed_ones() {
        let tracked = [
            tracked(IntentStatus::Open, false),
            tracked(IntentStatus::Awarded, false),
            tracked(IntentStatus::Awarded, false),
            tracked(IntentStatus::Completed, true),
        ];
        let lines = table(42, 1.5, 6, &tracked);
        assert_eq!(lines[0], "── slot 42 · 1.5 s · 4 of 6 intents posted ──");
        assert_eq!(
            lines[1], "   open 1 │ awarded 2 │ submitted 0 │ disputed 0 │ completed 1 │ expired 0 │ failed 0",
            "a closed intent counts under its outcome, so the counts add up"
        );
        assert_eq!(lines[2], format!("   [{}{}] 1/6 closed · 0 failovers", "█".repeat(5), "░".repeat(25)));
    }
}
