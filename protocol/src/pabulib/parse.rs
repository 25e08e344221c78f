//! The `.pb` parser.

use super::error::{ParseError, ParseErrorKind};
use super::number::parse_money;
use super::records::{Row, Rows};
use crate::election::{Election, Money, Project, VoteType, Voter};
use num_traits::{Signed, ToPrimitive};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Parses a `.pb` file from its raw bytes (UTF-8, with or without a byte order mark).
pub fn parse_bytes(bytes: &[u8]) -> Result<Election, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            Err(ParseError {
                line,
                kind: ParseErrorKind::InvalidUtf8,
            })
        }
    }
}

/// Parses the text of a `.pb` file.
pub fn parse(text: &str) -> Result<Election, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser {
        rows: Rows::new(text),
        last_line: 1,
    };
    let meta = parser.meta()?;
    let (vote_type, budget) = interpret_meta(&meta)?;
    let (projects, project_columns) = parser.projects()?;
    let (voters, vote_columns) = parser.votes(vote_type, &projects)?;
    Ok(Election {
        meta: meta.entries,
        vote_type,
        budget,
        projects,
        project_columns,
        voters,
        vote_columns,
    })
}

fn err(line: usize, kind: ParseErrorKind) -> ParseError {
    ParseError { line, kind }
}

/// The META section with the line of each entry.
struct Meta {
    header_line: usize,
    entries: Vec<(String, String)>,
    lines: Vec<usize>,
}

impl Meta {
    fn get(&self, key: &'static str) -> Result<(&str, usize), ParseError> {
        self.entries
            .iter()
            .zip(&self.lines)
            .find(|((k, _), _)| k == key)
            .map(|((_, v), &line)| (v.as_str(), line))
            .ok_or_else(|| err(self.header_line, ParseErrorKind::MissingMeta { key }))
    }
}

fn interpret_meta(meta: &Meta) -> Result<(VoteType, Money), ParseError> {
    let (vote_type, line) = meta.get("vote_type")?;
    let vote_type = VoteType::parse(vote_type).ok_or_else(|| {
        err(
            line,
            ParseErrorKind::UnknownVoteType {
                value: vote_type.to_string(),
            },
        )
    })?;
    let (budget, line) = meta.get("budget")?;
    let budget = parse_amount(budget, "budget", line)?;
    Ok((vote_type, budget))
}

fn parse_amount(value: &str, field: &str, line: usize) -> Result<Money, ParseError> {
    match parse_money(value) {
        Some(v) if !v.is_negative() => Ok(v),
        _ => Err(err(
            line,
            ParseErrorKind::InvalidNumber {
                field: field.to_string(),
                value: value.to_string(),
                expected: "non-negative amount",
            },
        )),
    }
}

/// Which section a row's first field announces, if any. A section row has
/// nothing else in it (a trailing `;` is tolerated).
fn section_name(row: &Row<'_>) -> Option<&'static str> {
    if row.first_quoted {
        return None;
    }
    let name = match row.fields[0].to_ascii_lowercase().as_str() {
        "meta" => "META",
        "projects" => "PROJECTS",
        "votes" => "VOTES",
        _ => return None,
    };
    row.fields[1..].iter().all(|f| f.is_empty()).then_some(name)
}

/// A section's header: column names and where the required ones are.
struct Header {
    names: Vec<String>,
    line: usize,
}

impl Header {
    fn position(&self, section: &'static str, column: &'static str) -> Result<usize, ParseError> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| err(self.line, ParseErrorKind::MissingColumn { section, column }))
    }

    fn check_len(&self, row: &Row<'_>) -> Result<(), ParseError> {
        if row.fields.len() == self.names.len() {
            Ok(())
        } else {
            Err(err(
                row.line,
                ParseErrorKind::FieldCount {
                    expected: self.names.len(),
                    found: row.fields.len(),
                },
            ))
        }
    }
}

struct Parser<'a> {
    rows: Rows<'a>,
    last_line: usize,
}

impl<'a> Parser<'a> {
    /// The next row that is not blank, or `None` at the end of the text.
    fn next_row(&mut self) -> Result<Option<Row<'a>>, ParseError> {
        for row in self.rows.by_ref() {
            let row = row?;
            self.last_line = row.line;
            if !row.is_blank() {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    /// Reads rows up to and including the `expected` section row.
    fn expect_section(&mut self, expected: &'static str) -> Result<(), ParseError> {
        match self.next_row()? {
            None => Err(err(
                self.last_line,
                ParseErrorKind::MissingSection { section: expected },
            )),
            Some(row) => match section_name(&row) {
                Some(name) if name == expected => Ok(()),
                Some(name) => Err(err(
                    row.line,
                    ParseErrorKind::SectionOutOfOrder {
                        section: name.to_string(),
                    },
                )),
                None if expected == "META" => Err(err(row.line, ParseErrorKind::RowOutsideSection)),
                None => Err(err(
                    row.line,
                    ParseErrorKind::MissingSection { section: expected },
                )),
            },
        }
    }

    fn header(&mut self, section: &'static str) -> Result<Header, ParseError> {
        let row = self
            .next_row()?
            .filter(|row| section_name(row).is_none())
            .ok_or_else(|| err(self.last_line, ParseErrorKind::MissingHeader { section }))?;
        let names: Vec<String> = row.fields.into_iter().map(Cow::into_owned).collect();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(err(
                    row.line,
                    ParseErrorKind::DuplicateColumn {
                        column: name.clone(),
                    },
                ));
            }
        }
        Ok(Header {
            names,
            line: row.line,
        })
    }

    /// The rows of the current section, up to the next section row (which is
    /// left to be read as the section row: the iterator stops on it).
    fn section_rows(
        &mut self,
        next_section: &'static str,
    ) -> Result<(Vec<Row<'a>>, bool), ParseError> {
        let mut rows = Vec::new();
        while let Some(row) = self.next_row()? {
            match section_name(&row) {
                Some(name) if name == next_section => return Ok((rows, true)),
                Some(name) => {
                    return Err(err(
                        row.line,
                        ParseErrorKind::SectionOutOfOrder {
                            section: name.to_string(),
                        },
                    ));
                }
                None => rows.push(row),
            }
        }
        Ok((rows, false))
    }

    fn meta(&mut self) -> Result<Meta, ParseError> {
        self.expect_section("META")?;
        let header = self.header("META")?;
        let (rows, found_projects) = self.section_rows("PROJECTS")?;
        let mut meta = Meta {
            header_line: header.line,
            entries: Vec::with_capacity(rows.len()),
            lines: Vec::with_capacity(rows.len()),
        };
        for row in rows {
            if row.fields.len() != 2 {
                return Err(err(
                    row.line,
                    ParseErrorKind::FieldCount {
                        expected: 2,
                        found: row.fields.len(),
                    },
                ));
            }
            let mut fields = row.fields.into_iter().map(Cow::into_owned);
            let key = fields.next().unwrap_or_default();
            let value = fields.next().unwrap_or_default();
            meta.entries.push((key, value));
            meta.lines.push(row.line);
        }
        if !found_projects {
            return Err(err(
                self.last_line,
                ParseErrorKind::MissingSection {
                    section: "PROJECTS",
                },
            ));
        }
        Ok(meta)
    }

    fn projects(&mut self) -> Result<(Vec<Project>, Vec<String>), ParseError> {
        let header = self.header("PROJECTS")?;
        let id_col = header.position("PROJECTS", "project_id")?;
        let cost_col = header.position("PROJECTS", "cost")?;
        let extra_cols: Vec<usize> = (0..header.names.len())
            .filter(|&i| i != id_col && i != cost_col)
            .collect();
        let (rows, found_votes) = self.section_rows("VOTES")?;
        let mut projects = Vec::with_capacity(rows.len());
        let mut ids: HashSet<&str> = HashSet::with_capacity(rows.len());
        for row in &rows {
            header.check_len(row)?;
            let id = &row.fields[id_col];
            if id.is_empty() {
                return Err(err(row.line, ParseErrorKind::EmptyProjectId));
            }
            if !ids.insert(id) {
                return Err(err(
                    row.line,
                    ParseErrorKind::DuplicateProject { id: id.to_string() },
                ));
            }
            projects.push(Project {
                id: id.to_string(),
                cost: parse_amount(&row.fields[cost_col], "cost", row.line)?,
                extra: extra_cols
                    .iter()
                    .map(|&i| row.fields[i].to_string())
                    .collect(),
            });
        }
        if !found_votes {
            return Err(err(
                self.last_line,
                ParseErrorKind::MissingSection { section: "VOTES" },
            ));
        }
        let columns = extra_cols
            .iter()
            .map(|&i| header.names[i].clone())
            .collect();
        Ok((projects, columns))
    }

    fn votes(
        &mut self,
        vote_type: VoteType,
        projects: &[Project],
    ) -> Result<(Vec<Voter>, Vec<String>), ParseError> {
        let header = self.header("VOTES")?;
        let id_col = header.position("VOTES", "voter_id")?;
        let vote_col = header.position("VOTES", "vote")?;
        let points_col = if vote_type.has_points() {
            Some(header.position("VOTES", "points")?)
        } else {
            None
        };
        let extra_cols: Vec<usize> = (0..header.names.len())
            .filter(|&i| i != id_col && i != vote_col && Some(i) != points_col)
            .collect();
        let index: HashMap<&str, u32> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i as u32))
            .collect();
        // seen[p] == voter number + 1 when project p is already on this ballot:
        // a repeated choice is found in O(1) without clearing anything.
        let mut seen = vec![0usize; projects.len()];
        let mut voters = Vec::new();
        while let Some(row) = self.next_row()? {
            if let Some(name) = section_name(&row) {
                return Err(err(
                    row.line,
                    ParseErrorKind::SectionOutOfOrder {
                        section: name.to_string(),
                    },
                ));
            }
            header.check_len(&row)?;
            let stamp = voters.len() + 1;
            let mut choices = Vec::new();
            for id in row.fields[vote_col]
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                let &p = index.get(id).ok_or_else(|| {
                    err(
                        row.line,
                        ParseErrorKind::UnknownProject { id: id.to_string() },
                    )
                })?;
                if seen[p as usize] == stamp {
                    return Err(err(
                        row.line,
                        ParseErrorKind::RepeatedChoice { id: id.to_string() },
                    ));
                }
                seen[p as usize] = stamp;
                choices.push(p);
            }
            let points = match points_col {
                Some(col) => parse_points(&row.fields[col], choices.len(), row.line)?,
                None => Vec::new(),
            };
            voters.push(Voter {
                id: row.fields[id_col].to_string(),
                choices,
                points,
                extra: extra_cols
                    .iter()
                    .map(|&i| row.fields[i].to_string())
                    .collect(),
            });
        }
        let columns = extra_cols
            .iter()
            .map(|&i| header.names[i].clone())
            .collect();
        Ok((voters, columns))
    }
}

fn parse_points(field: &str, choices: usize, line: usize) -> Result<Vec<i64>, ParseError> {
    let points: Vec<&str> = field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if points.len() != choices {
        return Err(err(
            line,
            ParseErrorKind::PointsMismatch {
                choices,
                points: points.len(),
            },
        ));
    }
    points
        .into_iter()
        .map(|p| {
            parse_money(p)
                .filter(|v| v.is_integer())
                .and_then(|v| v.to_integer().to_i64())
                .ok_or_else(|| {
                    err(
                        line,
                        ParseErrorKind::InvalidNumber {
                            field: "points".to_string(),
                            value: p.to_string(),
                            expected: "integer",
                        },
                    )
                })
        })
        .collect()
}
