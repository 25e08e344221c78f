//! The `.pb` writer.

use super::error::WriteError;
use super::number::format_decimal;
use crate::election::Election;
use std::fmt::Write as _;

/// Writes an election as `.pb` text (LF line ends, no byte order mark).
///
/// META entries are written in their order, verbatim; project costs as exact
/// decimals (or `p/q` when an amount has no finite decimal form); extra columns
/// after the required ones. Fields are quoted only when they must be.
pub fn write(election: &Election) -> Result<String, WriteError> {
    check(election)?;
    let mut out =
        String::with_capacity(64 * (election.voters.len() + election.projects.len() + 16));
    out.push_str("META\nkey;value\n");
    for (key, value) in &election.meta {
        row(&mut out, [key.as_str(), value.as_str()]);
    }
    out.push_str("PROJECTS\n");
    row(
        &mut out,
        ["project_id", "cost"]
            .into_iter()
            .chain(election.project_columns.iter().map(String::as_str)),
    );
    for project in &election.projects {
        let cost = format_decimal(&project.cost);
        row(
            &mut out,
            [project.id.as_str(), cost.as_str()]
                .into_iter()
                .chain(project.extra.iter().map(String::as_str)),
        );
    }
    out.push_str("VOTES\n");
    let has_points = election.vote_type.has_points();
    let fixed: &[&str] = if has_points {
        &["voter_id", "vote", "points"]
    } else {
        &["voter_id", "vote"]
    };
    row(
        &mut out,
        fixed
            .iter()
            .copied()
            .chain(election.vote_columns.iter().map(String::as_str)),
    );
    let mut vote = String::new();
    let mut points = String::new();
    for voter in &election.voters {
        vote.clear();
        points.clear();
        for (n, &p) in voter.choices.iter().enumerate() {
            if n > 0 {
                vote.push(',');
            }
            vote.push_str(&election.projects[p as usize].id);
        }
        for (n, p) in voter.points.iter().enumerate() {
            if n > 0 {
                points.push(',');
            }
            let _ = write!(points, "{p}");
        }
        let fixed = [voter.id.as_str(), vote.as_str(), points.as_str()];
        let fixed = if has_points { &fixed[..] } else { &fixed[..2] };
        row(
            &mut out,
            fixed
                .iter()
                .copied()
                .chain(voter.extra.iter().map(String::as_str)),
        );
    }
    Ok(out)
}

/// Refuses elections the format cannot represent, before writing anything.
fn check(election: &Election) -> Result<(), WriteError> {
    for project in &election.projects {
        if project.id.contains(',') {
            return Err(WriteError::CommaInProjectId {
                id: project.id.clone(),
            });
        }
        if project.extra.len() != election.project_columns.len() {
            return Err(WriteError::ExtraMismatch {
                row: format!("project {}", project.id),
                expected: election.project_columns.len(),
                found: project.extra.len(),
            });
        }
    }
    for voter in &election.voters {
        if let Some(&index) = voter
            .choices
            .iter()
            .find(|&&p| p as usize >= election.projects.len())
        {
            return Err(WriteError::BadProjectIndex {
                voter: voter.id.clone(),
                index,
                projects: election.projects.len(),
            });
        }
        if voter.extra.len() != election.vote_columns.len() {
            return Err(WriteError::ExtraMismatch {
                row: format!("voter {}", voter.id),
                expected: election.vote_columns.len(),
                found: voter.extra.len(),
            });
        }
    }
    Ok(())
}

/// Appends one `;`-separated row and a line end.
fn row<'s>(out: &mut String, fields: impl IntoIterator<Item = &'s str>) {
    for (n, field) in fields.into_iter().enumerate() {
        if n > 0 {
            out.push(';');
        }
        push_field(out, field);
    }
    out.push('\n');
}

/// Quotes a field when reading it back unquoted would change it: it holds a
/// separator, a quote or a line break, or has surrounding spaces (unquoted
/// fields are trimmed), or would read as a section name.
fn push_field(out: &mut String, field: &str) {
    let needs_quotes = field.contains([';', '"', '\n', '\r'])
        || field.trim() != field
        || ["meta", "projects", "votes"].contains(&field.to_ascii_lowercase().as_str());
    if needs_quotes {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}
