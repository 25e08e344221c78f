//! The in-memory model of a participatory-budgeting election: what the tally
//! rules read and what the Pabulib format reads and writes.
//!
//! Money is exact: every cost and the budget are [`Money`] (arbitrary
//! precision rationals), so `75000.0` and `75000` are the same amount and no
//! rule ever rounds. Ballots refer to projects by index into
//! [`Election::projects`], which keeps memory proportional to the ballots
//! (no voters × projects matrix).

use num_rational::BigRational;

/// An exact amount of money (or any exact quantity): an arbitrary-precision rational.
pub type Money = BigRational;

/// How voters express their preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VoteType {
    /// Each voter approves a set of projects.
    Approval,
    /// Approval with exactly one project (Pabulib `choose-1`); counted as approval.
    ChooseOne,
    /// Each voter spreads a fixed number of points over projects.
    Cumulative,
    /// Each voter gives each chosen project a score.
    Scoring,
    /// Each voter ranks projects, most preferred first.
    Ordinal,
}

impl VoteType {
    /// The Pabulib `vote_type` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::ChooseOne => "choose-1",
            VoteType::Cumulative => "cumulative",
            VoteType::Scoring => "scoring",
            VoteType::Ordinal => "ordinal",
        }
    }

    /// Parses the Pabulib `vote_type` spelling.
    pub fn parse(s: &str) -> Option<VoteType> {
        Some(match s {
            "approval" => VoteType::Approval,
            "choose-1" => VoteType::ChooseOne,
            "cumulative" => VoteType::Cumulative,
            "scoring" => VoteType::Scoring,
            "ordinal" => VoteType::Ordinal,
            _ => return None,
        })
    }

    /// True for ballots that carry points per project (cumulative, scoring).
    pub fn has_points(self) -> bool {
        matches!(self, VoteType::Cumulative | VoteType::Scoring)
    }

    /// True for ballots that are plain approval sets (approval, choose-1).
    pub fn is_approval(self) -> bool {
        matches!(self, VoteType::Approval | VoteType::ChooseOne)
    }
}

/// One project on the ballot.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The project id as written in the source (compared byte-wise for ties).
    pub id: String,
    /// The exact cost.
    pub cost: Money,
    /// Every other column of the PROJECTS section, in [`Election::project_columns`] order
    /// (excluding `project_id` and `cost`); kept so a written file loses nothing.
    pub extra: Vec<String>,
}

/// One voter's ballot.
#[derive(Debug, Clone, PartialEq)]
pub struct Voter {
    /// The voter id as written in the source.
    pub id: String,
    /// Chosen projects as indices into [`Election::projects`], in ballot order
    /// (for ordinal ballots: most preferred first).
    pub choices: Vec<u32>,
    /// Points per choice, parallel to `choices`, for cumulative and scoring
    /// ballots; empty otherwise.
    pub points: Vec<i64>,
    /// Every other column of the VOTES section, in [`Election::vote_columns`] order
    /// (excluding `voter_id`, `vote` and `points`).
    pub extra: Vec<String>,
}

/// A whole election: metadata, projects and ballots.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    /// META key/value pairs in source order (including `budget` and `vote_type`).
    pub meta: Vec<(String, String)>,
    /// The vote type.
    pub vote_type: VoteType,
    /// The total budget.
    pub budget: Money,
    /// Projects in source order.
    pub projects: Vec<Project>,
    /// Names of the extra PROJECTS columns, parallel to [`Project::extra`].
    pub project_columns: Vec<String>,
    /// Ballots in source order.
    pub voters: Vec<Voter>,
    /// Names of the extra VOTES columns, parallel to [`Voter::extra`].
    pub vote_columns: Vec<String>,
}

impl Election {
    /// The value of a META key, if present.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The index of the project with this id, if any.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }
}
