//! How voters fill in a ballot.

use serde::{Deserialize, Serialize};

/// The ballot format of a process. Each [`crate::objects::Choice`] carries
/// one `u32` whose meaning depends on the format (see each variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BallotFormat {
    /// Approve between `min` and `max` projects; each choice's points are 1.
    /// With `budget_cap`, the approved projects' costs may not exceed the
    /// budget (of the ballot's district if it has one, else of the process):
    /// the knapsack ballot.
    Approval {
        /// Fewest projects a ballot approves.
        min: u32,
        /// Most projects a ballot approves.
        max: u32,
        /// Whether the approved costs must fit the budget.
        budget_cap: bool,
    },
    /// Spread at most `total_points` points, at most `max_per_project` on
    /// any one project; every choice has at least one point.
    Cumulative {
        /// Points a voter may spend in all.
        total_points: u32,
        /// Most points on one project.
        max_per_project: u32,
    },
    /// Give up to `max_projects` projects a score in `min_score..=max_score`.
    Scoring {
        /// Lowest allowed score.
        min_score: u32,
        /// Highest allowed score.
        max_score: u32,
        /// Most projects a ballot scores.
        max_projects: u32,
    },
    /// Rank between `min` and `max` projects; the points are the ranks,
    /// exactly `1..=n` for `n` choices (1 = most preferred).
    Ranking {
        /// Fewest projects ranked.
        min: u32,
        /// Most projects ranked.
        max: u32,
    },
}

impl BallotFormat {
    /// True when the bounds make sense (`min <= max`, a positive maximum).
    pub fn is_consistent(&self) -> bool {
        match *self {
            BallotFormat::Approval { min, max, .. } | BallotFormat::Ranking { min, max } => {
                min <= max && max > 0
            }
            BallotFormat::Cumulative {
                total_points,
                max_per_project,
            } => total_points > 0 && max_per_project > 0,
            BallotFormat::Scoring {
                min_score,
                max_score,
                max_projects,
            } => min_score <= max_score && max_projects > 0,
        }
    }
}
