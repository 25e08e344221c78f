//! Everything that can be wrong with a ballot, each named precisely.

use crate::objects::{ProcessId, ProposalId, ProposalStatus};

/// Why a ballot is not valid for its process.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// The ballot names another process.
    #[error("ballot is for process {found}, expected {expected}")]
    WrongProcess {
        /// The process being validated against.
        expected: ProcessId,
        /// The process the ballot names.
        found: ProcessId,
    },
    /// The ballot's district is not a district of the process.
    #[error("district `{district}` is not a district of the process")]
    UnknownDistrict {
        /// The ballot's district.
        district: String,
    },
    /// The ballot's district differs from the voter's credential district.
    #[error("ballot district `{ballot}` differs from the credential's `{credential}`")]
    WrongDistrict {
        /// The ballot's district.
        ballot: String,
        /// The district on the voter's credential.
        credential: String,
    },
    /// The ballot was cast outside the voting phase.
    #[error("voting is not open at {now} (open from {opens} until {closes})")]
    VotingNotOpen {
        /// The time checked.
        now: u64,
        /// Voting start.
        opens: u64,
        /// Voting end (exclusive).
        closes: u64,
    },
    /// A project appears twice.
    #[error("project {project} is chosen twice")]
    DuplicateChoice {
        /// The repeated project.
        project: ProposalId,
    },
    /// Choices are not in ascending project-id order (the canonical order).
    #[error("choices are not sorted by project id")]
    ChoicesNotSorted,
    /// A project that is not a proposal of this process.
    #[error("project {project} is not a proposal of this process")]
    UnknownProject {
        /// The project.
        project: ProposalId,
    },
    /// A proposal that did not pass review.
    #[error("project {project} is not on the ballot (status {status:?})")]
    ProjectNotOnBallot {
        /// The project.
        project: ProposalId,
        /// Its status.
        status: ProposalStatus,
    },
    /// A project of another district.
    #[error(
        "project {project} is in district `{project_district}`, ballot is for `{ballot_district}`"
    )]
    ProjectInOtherDistrict {
        /// The project.
        project: ProposalId,
        /// The project's district.
        project_district: String,
        /// The ballot's district.
        ballot_district: String,
    },
    /// Fewer choices than the format requires.
    #[error("{found} choices, at least {min} required")]
    TooFewChoices {
        /// The minimum.
        min: u32,
        /// The number given.
        found: usize,
    },
    /// More choices than the format allows.
    #[error("{found} choices, at most {max} allowed")]
    TooManyChoices {
        /// The maximum.
        max: u32,
        /// The number given.
        found: usize,
    },
    /// An approval choice whose points are not 1.
    #[error("approval of {project} must have 1 point, has {points}")]
    ApprovalPointsNotOne {
        /// The project.
        project: ProposalId,
        /// The points given.
        points: u32,
    },
    /// Approved projects cost more than the budget cap.
    #[error("approved projects cost {cost}, over the budget of {cap}")]
    OverBudget {
        /// Sum of the approved projects' costs (minor units).
        cost: u128,
        /// The budget that caps the ballot (minor units).
        cap: u64,
    },
    /// A cumulative choice with zero points (leave the project out instead).
    #[error("project {project} has 0 points")]
    ZeroPoints {
        /// The project.
        project: ProposalId,
    },
    /// Cumulative points over the total a voter may spend.
    #[error("{given} points given, at most {total} allowed")]
    PointsOverTotal {
        /// Sum of the points given.
        given: u64,
        /// The allowed total.
        total: u32,
    },
    /// Cumulative points on one project over the per-project maximum.
    #[error("{points} points on {project}, at most {max} per project")]
    PointsOverPerProject {
        /// The project.
        project: ProposalId,
        /// Points given to it.
        points: u32,
        /// The per-project maximum.
        max: u32,
    },
    /// A score outside the allowed range.
    #[error("score {score} for {project} outside {min}..={max}")]
    ScoreOutOfRange {
        /// The project.
        project: ProposalId,
        /// The score given.
        score: u32,
        /// Lowest allowed score.
        min: u32,
        /// Highest allowed score.
        max: u32,
    },
    /// Two projects share a rank.
    #[error("rank {rank} is given twice")]
    DuplicateRank {
        /// The repeated rank.
        rank: u32,
    },
    /// Ranks are not exactly `1..=n`: this one is missing.
    #[error("rank {missing} is missing: ranks must be 1..=n")]
    RankGap {
        /// The smallest missing rank.
        missing: u32,
    },
}
