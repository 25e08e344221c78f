//! PLACEHOLDER: replaced by the real implementation before landing.
use super::{Outcome, TallyError, TieBreak};
use crate::election::Election;
/// Placeholder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PhragmenExplanation {}
/// Placeholder.
pub fn sequential_phragmen(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
