//! PLACEHOLDER: replaced by the real implementation before landing.
use super::{Outcome, TallyError, TieBreak};
use crate::election::Election;
/// Placeholder.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MesExplanation {}
/// Placeholder.
pub fn mes(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
/// Placeholder.
pub fn mes_add1(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
/// Placeholder.
pub fn mes_add1_greedy(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
/// Placeholder.
pub fn mes_add1_comparison(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
/// Placeholder.
pub fn mes_exh(_e: &Election, _t: TieBreak) -> Result<Outcome, TallyError> {
    Err(TallyError::InvalidElection("not implemented".into()))
}
