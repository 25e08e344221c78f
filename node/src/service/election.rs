//! The count and the Pabulib export of a closed process, through the same
//! bridge every verifier uses ([`pbnode_protocol::recount`]), so the signed
//! tally can be reproduced bit for bit from the log.

use super::ServiceError;
use super::records::ProposalRecord;
use pbnode_protocol::objects::{Ballot, ProcessDef};
use pbnode_protocol::recount::{
    BallotProject, DistrictElection, TallyContent, election_for, tally_process,
};

/// The bridge's view of the proposals that were on the ballot.
fn ballot_projects(projects: &[ProposalRecord]) -> Vec<BallotProject> {
    projects
        .iter()
        .map(|p| BallotProject {
            id: p.id,
            cost: p.proposal.cost,
            district: p.proposal.district.clone(),
        })
        .collect()
}

/// Counts `ballots` (the counted ones, in the log order of their
/// commitments) over the proposals that were on the ballot.
pub(crate) fn count(
    def: &ProcessDef,
    projects: &[ProposalRecord],
    ballots: &[Ballot],
) -> Result<TallyContent, ServiceError> {
    tally_process(def, &ballot_projects(projects), ballots)
        .map_err(|e| ServiceError::Tally(e.to_string()))
}

/// The elections of the count, with what a reader of a `.pb` file wants
/// beside the counted data: META description, instance, unit, counts and
/// currency, and each project's name, category and district.
pub(crate) fn export_elections(
    def: &ProcessDef,
    projects: &[ProposalRecord],
    ballots: &[Ballot],
) -> Result<Vec<DistrictElection>, ServiceError> {
    let mut elections = election_for(def, &ballot_projects(projects), ballots)
        .map_err(|e| ServiceError::Tally(e.to_string()))?;
    let title = def
        .texts
        .first()
        .map(|t| t.title.clone())
        .unwrap_or_default();
    for unit in &mut elections {
        let election = &mut unit.election;
        let mut meta = vec![
            ("description".to_string(), title.clone()),
            ("instance".to_string(), def.slug.clone()),
            (
                "unit".to_string(),
                unit.district.clone().unwrap_or_else(|| "all".into()),
            ),
            (
                "num_projects".to_string(),
                election.projects.len().to_string(),
            ),
            ("num_votes".to_string(), election.voters.len().to_string()),
            (
                "currency".to_string(),
                format!("{} (minor units)", def.budget.currency),
            ),
            ("rule".to_string(), def.rule.name.clone()),
        ];
        meta.append(&mut election.meta);
        election.meta = meta;
        election.project_columns = vec!["name".into(), "category".into(), "district".into()];
        for (project, id) in election.projects.iter_mut().zip(&unit.project_ids) {
            if let Some(p) = projects.iter().find(|p| p.id == *id) {
                project.extra = vec![
                    p.proposal.title.clone(),
                    p.proposal.category.clone(),
                    p.proposal.district.clone(),
                ];
            }
        }
    }
    Ok(elections)
}
