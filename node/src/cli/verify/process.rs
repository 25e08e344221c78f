//! `pbnode verify process --node URL PROCESS`: download a process log and
//! its latest checkpoint, and run the full independent verifier on it.

use super::download::{decode_entry, latest_checkpoint, whole_log};
use super::keys::{self, KeySource};
use super::{Failure, say};
use crate::client::Client;
use clap::Args;
use pbnode_protocol::crypto::PublicKey;
use pbnode_protocol::merkle::{Blake3Hasher, verify_consistency};
use pbnode_protocol::note::{SignedCheckpoint, VerifierKey};
use pbnode_protocol::objects::{LogEntry, ProcessId, ProposalId};
use pbnode_protocol::recount::{LogKeys, RecountReport, VerifyError, verify_log};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `pbnode verify process` arguments.
#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// The node serving the log (base URL, e.g. http://host:8080).
    #[arg(long, value_name = "URL")]
    pub node: String,
    /// The process: its id (64 hex), or its slug on that node.
    #[arg(value_name = "PROCESS_ID")]
    pub process: String,
    /// The log's checkpoint verifier key (C2SP vkey text, or a file). It
    /// also pins the node key (pbnode signs with one key). Without it, the
    /// keys are fetched from the node, which proves less.
    #[arg(long, value_name = "VKEY")]
    pub vkey: Option<String>,
    /// The node's object-signing key (hex), if it differs from the log key's.
    #[arg(long, value_name = "HEX")]
    pub node_key: Option<String>,
    /// The key that signs the process definition (hex); default: the node
    /// key (a municipal process). A regional process is signed by its region.
    #[arg(long, value_name = "HEX")]
    pub owner_key: Option<String>,
    /// An earlier signed checkpoint of this log (a file): the latest one
    /// must extend it.
    #[arg(long, value_name = "FILE")]
    pub since_checkpoint: Option<PathBuf>,
    /// Seconds each request to the node may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// Process ids and slugs are URL path segments; refuse anything else
/// before it reaches a URL.
fn check_process_arg(process: &str) -> Result<(), Failure> {
    let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b);
    if process.is_empty() || process.len() > 64 || !process.bytes().all(ok) {
        return Err(Failure::BadInput(format!(
            "`{process}` is not a process id (64 hex) or slug (a-z 0-9 - . _)"
        )));
    }
    Ok(())
}

/// Reads the `--since-checkpoint` file.
pub fn read_checkpoint(path: &Path) -> Result<SignedCheckpoint, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
    SignedCheckpoint::parse(&text).map_err(|e| {
        Failure::BadInput(format!(
            "{} is not a signed checkpoint: {e}",
            path.display()
        ))
    })
}

/// The keys to verify with, and where the log key came from.
fn log_keys(args: &ProcessArgs, client: &Client) -> Result<(LogKeys, KeySource), Failure> {
    let (log, node, source) = match &args.vkey {
        Some(vkey) => {
            let log = keys::load_vkey(vkey, "--vkey")?;
            let node = keys::node_key_of(&log)?;
            (log, node, KeySource::Pinned)
        }
        None => {
            let (log, node) = keys::fetch_keys(client, &args.process)?;
            eprintln!(
                "warning: no --vkey given: checking the node against the keys it serves itself"
            );
            let url = client.url(&format!("/processes/{}/log-key", args.process));
            (log, node, KeySource::Fetched(url))
        }
    };
    let node = match &args.node_key {
        Some(hex) => keys::public_key_hex(hex, "--node-key")?,
        None => node,
    };
    let owner: PublicKey = match &args.owner_key {
        Some(hex) => keys::public_key_hex(hex, "--owner-key")?,
        None => node,
    };
    let keys = LogKeys {
        owner,
        node,
        log,
        owner_id: None,
    };
    Ok((keys, source))
}

/// Checks that `latest` extends the user's earlier checkpoint `since`.
pub fn check_since(
    client: &Client,
    process: &str,
    since: &SignedCheckpoint,
    latest: &SignedCheckpoint,
    key: &VerifierKey,
) -> Result<(), Failure> {
    since
        .verify_log_signature(std::slice::from_ref(key))
        .map_err(|e| {
            Failure::Invalid(format!(
                "the earlier checkpoint is not signed by the log key: {e}"
            ))
        })?;
    let (old, new) = (since.checkpoint(), latest.checkpoint());
    if old.origin != new.origin {
        return Err(Failure::Invalid(format!(
            "the earlier checkpoint is of log `{}`, the node's of `{}`",
            old.origin, new.origin
        )));
    }
    if new.size < old.size {
        return Err(Failure::Invalid(format!(
            "the node's latest checkpoint has {} entries, fewer than the earlier one's {}: \
             the two signed checkpoints prove the log shrank",
            new.size, old.size
        )));
    }
    let proof: Vec<[u8; 32]> = if new.size > old.size {
        client
            .consistency_proof(process, old.size, new.size)?
            .iter()
            .map(|d| d.0)
            .collect()
    } else {
        Vec::new()
    };
    verify_consistency(
        &Blake3Hasher,
        old.size,
        new.size,
        &old.root,
        &new.root,
        &proof,
    )
    .map_err(|e| {
        Failure::Invalid(format!(
            "the node's latest checkpoint (size {}) does not extend the earlier one (size {}): \
             {e}; the two signed checkpoints are proof of equivocation",
            new.size, old.size
        ))
    })
}

/// What the log says about itself, for the report (read after it verified).
#[derive(Debug, Default)]
pub struct Overview {
    /// The process title (first language).
    pub title: String,
    /// The rule and its version.
    pub rule: String,
    /// Proposal titles.
    pub titles: BTreeMap<ProposalId, String>,
    /// Entries of each kind.
    pub credentials: u64,
    /// Ballot commitments.
    pub commitments: u64,
}

/// Reads titles, rule and counts from entries that already verified.
pub fn overview(entries: &[Vec<u8>]) -> Result<Overview, Failure> {
    let mut view = Overview::default();
    for (index, bytes) in (0u64..).zip(entries) {
        match decode_entry(index, bytes)? {
            LogEntry::ProcessDefined(def) => {
                let def = def.value;
                view.title = def
                    .texts
                    .first()
                    .map(|t| t.title.clone())
                    .unwrap_or_default();
                view.rule = format!("{} v{}", def.rule.name, def.rule.version);
            }
            LogEntry::ProposalSubmitted(p) => {
                let id = pbnode_protocol::crypto::Signable::id(&p)
                    .map_err(|e| Failure::Invalid(format!("entry {index}: {e}")))?;
                view.titles.insert(id, p.title);
            }
            LogEntry::CredentialIssued(_) | LogEntry::VoterRegistered(_) => view.credentials += 1,
            LogEntry::BallotCommitted(_) => view.commitments += 1,
            _ => {}
        }
    }
    Ok(view)
}

/// The verdict on a downloaded log.
#[derive(Debug)]
pub enum Outcome {
    /// Closed, and the recount equals the signed tally.
    Recounted(RecountReport),
    /// Not closed yet: every entry so far verified; nothing to recount.
    StillOpen,
}

/// Runs the full verifier on `entries` and its `checkpoint`. A log that is
/// not closed yet is a success with nothing to recount (the verifier walks
/// every entry before it looks for the close).
pub fn recount(
    entries: &[Vec<u8>],
    keys: &LogKeys,
    checkpoint: &SignedCheckpoint,
    expected: Option<&ProcessId>,
) -> Result<Outcome, Failure> {
    let outcome = match verify_log(entries, keys, checkpoint) {
        Ok(report) => Outcome::Recounted(report),
        Err(VerifyError::NotClosed) => Outcome::StillOpen,
        Err(e) => {
            return Err(Failure::Invalid(format!(
                "the process log does not verify: {e}"
            )));
        }
    };
    if let Some(expected) = expected {
        let origin = &checkpoint.checkpoint().origin;
        if !origin.ends_with(&format!("/{expected}")) {
            return Err(Failure::Invalid(format!(
                "the node served the log `{origin}`, not the log of process {expected}"
            )));
        }
    }
    Ok(outcome)
}

/// Writes the report of a verified log.
pub fn report(
    out: &mut dyn Write,
    outcome: &Outcome,
    view: &Overview,
    checkpoint: &SignedCheckpoint,
) {
    let c = checkpoint.checkpoint();
    say(
        out,
        format_args!("process OK: `{}`, log `{}`", view.title, c.origin),
    );
    let report = match outcome {
        Outcome::StillOpen => {
            say(
                out,
                format_args!(
                    "process OK: all {} entries verify (signatures, root, eligibility, order): \
                     {} proposals, {} credentials, {} ballot commitments",
                    c.size,
                    view.titles.len(),
                    view.credentials,
                    view.commitments
                ),
            );
            say(
                out,
                "process OK: voting is not closed yet: no openings and no tally to recount",
            );
            return;
        }
        Outcome::Recounted(report) => report,
    };
    say(
        out,
        format_args!(
            "process OK: {} entries: {} proposals, {} credentials, {} ballot commitments \
             ({} superseded), {} openings",
            report.entries,
            report.proposals,
            report.credentials,
            report.commitments,
            report.superseded,
            report.openings
        ),
    );
    say(
        out,
        "process OK: every signature, the root, eligibility, the one-ballot rule and every opening hold",
    );
    say(
        out,
        format_args!(
            "process OK: the recount ({}) equals the signed tally at entry {}: {} ballots counted",
            view.rule, report.tally_index, report.counted
        ),
    );
    let name = |p: &ProposalId| view.titles.get(p).map(String::as_str).unwrap_or("?");
    say(
        out,
        format_args!("selected ({} projects):", report.selected.len()),
    );
    for p in &report.selected {
        say(out, format_args!("  {p}  {}", name(p)));
    }
    say(out, "totals:");
    for t in &report.totals {
        let mark = if report.selected.contains(&t.project) {
            '*'
        } else {
            ' '
        };
        say(
            out,
            format_args!("{mark} {}  {}: {}", t.project, name(&t.project), t.total),
        );
    }
}

/// Runs the command, writing the report to `out`.
pub fn run(args: &ProcessArgs, out: &mut dyn Write) -> Result<(), Failure> {
    check_process_arg(&args.process)?;
    let client = Client::new(&args.node, Duration::from_secs(args.timeout))
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    let since = args
        .since_checkpoint
        .as_deref()
        .map(read_checkpoint)
        .transpose()?;
    let expected: Option<ProcessId> = args.process.parse().ok();
    let (keys, source) = log_keys(args, &client)?;
    let log = super::source::LogSource::owner(&client, &args.process);
    let latest = latest_checkpoint(&log)?;
    latest
        .verify_log_signature(std::slice::from_ref(&keys.log))
        .map_err(|e| {
            Failure::Invalid(format!(
                "the node's latest checkpoint is not signed by the log key: {e}"
            ))
        })?;
    let size = latest.checkpoint().size;
    if let Some(since) = &since {
        check_since(&client, &args.process, since, &latest, &keys.log)?;
    }
    let entries = whole_log(&log, size)?;
    let outcome = recount(&entries, &keys, &latest, expected.as_ref())?;
    let view = overview(&entries)?;
    report(out, &outcome, &view, &latest);
    say(
        out,
        format_args!(
            "process OK: checkpoint of size {size}, root {}, signed by {} ({source})",
            hex::encode(latest.checkpoint().root),
            keys::describe(&keys.log)
        ),
    );
    if let (Some(since), Some(path)) = (&since, &args.since_checkpoint) {
        say(
            out,
            format_args!(
                "process OK: it extends the earlier checkpoint of size {} ({})",
                since.checkpoint().size,
                path.display()
            ),
        );
    }
    Ok(())
}
