//! `pbnode verify aggregate --node REGION_URL PROCESS`: reproduce a
//! region's signed aggregate from the member logs.
//!
//! Downloads the region's log of the regional process (checked against its
//! signed checkpoint: root and log signature), takes the region-signed
//! definition (entry 0) and the signed aggregate from it, then downloads
//! every member's log of the process from the region's replicas
//! (`/api/v1/logs/{member}/{process}/...`, any replica would do) with its
//! checkpoint, and runs `pbnode_protocol::recount::verify_aggregate`: every
//! member log verified in full (signatures, root, eligibility, one ballot
//! per credential, openings, the member's own tally), the combined ballots
//! recounted with the process rule, and the result compared field by field
//! with what the region signed.

use super::download::{latest_checkpoint, whole_log};
use super::keys::public_key_hex;
use super::source::LogSource;
use super::{Failure, say};
use crate::client::Client;
use pbnode_protocol::crypto::{PublicKey, Signable};
use pbnode_protocol::encoding;
use pbnode_protocol::merkle::{Blake3Hasher, MemoryLog};
use pbnode_protocol::note::{SignatureType, SignedCheckpoint, VerifierKey, process_log_origin};
use pbnode_protocol::objects::{Jurisdiction, LogEntry, ProcessId};
use pbnode_protocol::recount::{LogKeys, MemberLog, verify_aggregate};
use serde::Deserialize;
use std::io::Write;
use std::time::Duration;

/// Arguments of `pbnode verify aggregate`.
#[derive(Debug, Clone, clap::Args)]
pub struct AggregateArgs {
    /// The region's node URL.
    #[arg(long, value_name = "URL")]
    pub node: String,
    /// The regional process id (64 hex digits).
    pub process: String,
    /// The region's key (hex) to check against; without it the key the node
    /// states is used, and the report says so.
    #[arg(long, value_name = "HEX")]
    pub region_key: Option<String>,
    /// Seconds allowed per request.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Deserialize)]
struct FederationView {
    members: Vec<MemberView>,
}

#[derive(Deserialize)]
struct MemberView {
    slug: String,
    name: String,
    key: String,
}

#[derive(Deserialize)]
struct EntriesPage {
    entries: Vec<String>,
}

fn checkpoint_log_key(origin: &str, key: &PublicKey) -> Result<VerifierKey, Failure> {
    VerifierKey::new(origin, SignatureType::Ed25519, *key.as_dalek())
        .map_err(|e| Failure::Invalid(format!("{origin}: {e}")))
}

/// Checks that `entries` are exactly what `checkpoint` commits to.
fn check_root(
    entries: &[Vec<u8>],
    checkpoint: &SignedCheckpoint,
    what: &str,
) -> Result<(), Failure> {
    let mut tree = MemoryLog::new(Blake3Hasher);
    for e in entries {
        tree.append(e);
    }
    let size = entries.len() as u64;
    let root = tree
        .root(size)
        .map_err(|e| Failure::Invalid(format!("{what}: {e}")))?;
    if size != checkpoint.checkpoint().size || root != checkpoint.checkpoint().root {
        return Err(Failure::Invalid(format!(
            "{what}: the {size} entries served do not match the signed checkpoint"
        )));
    }
    Ok(())
}

/// A member's log of the process up to the checkpoint the aggregate names
/// (`note`), read from the region's replica.
fn member_log(
    client: &Client,
    slug: &str,
    process: &str,
    note: &str,
) -> Result<(Vec<Vec<u8>>, SignedCheckpoint), Failure> {
    let base = format!("/logs/{slug}/{process}");
    let checkpoint = SignedCheckpoint::parse(note)
        .map_err(|e| Failure::Invalid(format!("{slug}'s checkpoint in the aggregate: {e}")))?;
    let size = checkpoint.checkpoint().size;
    let mut entries = Vec::with_capacity(size as usize);
    while (entries.len() as u64) < size {
        let page: EntriesPage = client.get_json(&format!(
            "{base}/entries?start={}&limit=1024",
            entries.len()
        ))?;
        if page.entries.is_empty() {
            return Err(Failure::Invalid(format!(
                "{slug}'s log ends at {} of {size} entries",
                entries.len()
            )));
        }
        for hex_entry in page.entries {
            entries.push(
                hex::decode(&hex_entry)
                    .map_err(|e| Failure::Invalid(format!("{slug}'s log: {e}")))?,
            );
        }
    }
    entries.truncate(size as usize);
    Ok((entries, checkpoint))
}

/// Runs `pbnode verify aggregate`.
pub fn run(args: &AggregateArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let _: ProcessId = args.process.parse().map_err(|_| {
        Failure::BadInput(format!("{:?} is not a 64-digit process id", args.process))
    })?;
    let client = Client::new(&args.node, Duration::from_secs(args.timeout))
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    let (region_key, source) = match &args.region_key {
        Some(hex_key) => (
            public_key_hex(hex_key, "--region-key")?,
            "pinned with --region-key",
        ),
        None => (
            public_key_hex(&client.node_info()?.public_key, "the node's key")?,
            "FETCHED from the node, not pinned: pin it with --region-key",
        ),
    };
    let region_log = LogSource::owner(&client, &args.process);
    let latest = latest_checkpoint(&region_log)?;
    let origin = latest.checkpoint().origin.clone();
    latest
        .verify_log_signature(&[checkpoint_log_key(&origin, &region_key)?])
        .map_err(|e| Failure::Invalid(format!("the region's checkpoint: {e}")))?;
    let entries = whole_log(&region_log, latest.checkpoint().size)?;
    check_root(&entries, &latest, "the region's log")?;
    let decoded = entries
        .iter()
        .map(|e| encoding::from_bytes::<LogEntry>(e))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Invalid(format!("the region's log: {e}")))?;
    let Some(LogEntry::ProcessDefined(def)) = decoded.first().cloned() else {
        return Err(Failure::Invalid(
            "the region's log does not start with the process".into(),
        ));
    };
    let Some(signed) = decoded.iter().rev().find_map(|e| match e {
        LogEntry::Aggregated(a) => Some(a.clone()),
        _ => None,
    }) else {
        return Err(Failure::Invalid(
            "the region's log holds no aggregate (yet)".into(),
        ));
    };
    let region_id = def.value.owner;
    let federation: FederationView = client.get_json("/federation")?;
    let mut members = Vec::new();
    for tally in &signed.value.members {
        let member = federation
            .members
            .iter()
            .find_map(|m| {
                let key: PublicKey = m.key.parse().ok()?;
                let jurisdiction = Jurisdiction {
                    name: m.name.clone(),
                    key,
                    parent: None,
                };
                (jurisdiction.id().ok()? == tally.jurisdiction).then_some((m, jurisdiction))
            })
            .ok_or_else(|| {
                Failure::Invalid(format!(
                    "member {} of the aggregate is not in the federation",
                    tally.jurisdiction
                ))
            })?;
        let (view, jurisdiction) = member;
        let (member_entries, checkpoint) =
            member_log(&client, &view.slug, &args.process, &tally.checkpoint_note)?;
        let member_origin = process_log_origin(&view.slug, &args.process)
            .map_err(|e| Failure::Invalid(e.to_string()))?;
        members.push(MemberLog {
            keys: LogKeys {
                owner: region_key,
                node: jurisdiction.key,
                log: checkpoint_log_key(&member_origin, &jurisdiction.key)?,
                owner_id: Some(region_id),
            },
            jurisdiction,
            entries: member_entries,
            checkpoint,
        });
        say(
            out,
            format_args!(
                "member {:<20} log of {} entries downloaded",
                view.slug,
                members.last().map_or(0, |m| m.entries.len())
            ),
        );
    }
    let report = verify_aggregate(&signed, &region_key, &def, &members)
        .map_err(|e| Failure::Invalid(format!("the aggregate does not reproduce: {e}")))?;
    for total in &report.totals {
        let selected = if report.selected.contains(&total.project) {
            "*"
        } else {
            " "
        };
        say(
            out,
            format_args!("{selected} {}  {}", total.project, total.total),
        );
    }
    say(
        out,
        format_args!(
            "aggregate OK: {} members, {} ballots, {} projects selected (*), reproduced from \
             the member logs; region key {} ({source})",
            report.members.len(),
            report.ballots_counted,
            report.selected.len(),
            region_key
        ),
    );
    Ok(())
}
