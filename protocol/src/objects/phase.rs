//! The phases of a process and their schedule.

use super::process::ProcessId;
use crate::crypto::Signable;
use serde::{Deserialize, Serialize};

/// A phase of a PB process, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// Residents submit proposals.
    Proposals,
    /// Staff review proposals (accept or reject with a reason).
    Review,
    /// Voting is open: ballots are committed.
    Voting,
    /// Voting is closed: openings and the tally are published.
    Closed,
    /// Selected projects are carried out.
    Implementation,
}

/// When each phase starts (unix seconds). Each phase lasts until the next
/// one starts; the times must not decrease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSchedule {
    /// Start of [`Phase::Proposals`].
    pub proposals: u64,
    /// Start of [`Phase::Review`].
    pub review: u64,
    /// Start of [`Phase::Voting`].
    pub voting: u64,
    /// Start of [`Phase::Closed`]: the end of voting.
    pub closed: u64,
    /// Start of [`Phase::Implementation`].
    pub implementation: u64,
}

impl PhaseSchedule {
    /// The start times in phase order.
    pub fn starts(&self) -> [(Phase, u64); 5] {
        [
            (Phase::Proposals, self.proposals),
            (Phase::Review, self.review),
            (Phase::Voting, self.voting),
            (Phase::Closed, self.closed),
            (Phase::Implementation, self.implementation),
        ]
    }

    /// True when the start times never decrease.
    pub fn is_ordered(&self) -> bool {
        self.starts().windows(2).all(|w| w[0].1 <= w[1].1)
    }

    /// The phase in effect at `time`, or `None` before the process starts.
    pub fn phase_at(&self, time: u64) -> Option<Phase> {
        self.starts()
            .iter()
            .rev()
            .find(|(_, start)| *start <= time)
            .map(|(phase, _)| *phase)
    }

    /// True when ballots may be cast at `time`: `voting <= time < closed`.
    pub fn voting_open_at(&self, time: u64) -> bool {
        self.voting <= time && time < self.closed
    }
}

/// A log entry: the node moved the process into `phase` at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseChange {
    /// The process.
    pub process: ProcessId,
    /// The phase entered.
    pub phase: Phase,
    /// When (unix seconds).
    pub at: u64,
}

impl Signable for PhaseChange {
    const TYPE: &'static str = "phase-change";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_at_and_voting_window_follow_the_schedule() {
        let s = PhaseSchedule {
            proposals: 10,
            review: 20,
            voting: 30,
            closed: 40,
            implementation: 50,
        };
        assert_eq!(s.phase_at(9), None);
        assert_eq!(s.phase_at(10), Some(Phase::Proposals));
        assert_eq!(s.phase_at(39), Some(Phase::Voting));
        assert_eq!(s.phase_at(40), Some(Phase::Closed));
        assert_eq!(s.phase_at(1000), Some(Phase::Implementation));
        assert!(!s.voting_open_at(29) && s.voting_open_at(30) && !s.voting_open_at(40));
        assert!(s.is_ordered());
    }
}
