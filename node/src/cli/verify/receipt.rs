//! `pbnode verify receipt FILE`: the receipt offline, then (with `--node`)
//! that the node's log still holds it and, after close, that it published
//! exactly this ballot's opening.
//!
//! `--node` may be the log's owner or any node holding a replica of it (a
//! federation peer, the region): the log is found by the receipt's
//! checkpoint origin (see [`LogSource::for_origin`]).

use super::download::{decode_entry, each_page, latest_checkpoint, prove_entry};
use super::keys::{self, KeySource};
use super::source::LogSource;
use super::{Failure, say};
use crate::client::{Client, ClientError};
use clap::Args;
use pbnode_protocol::ballot::{BallotCommitment, BallotOpening};
use pbnode_protocol::crypto::Signed;
use pbnode_protocol::note::{
    SignatureType, SignedCheckpoint, VerifierKey, WitnessPolicy, parse_process_log_origin,
};
use pbnode_protocol::objects::{BallotOpened, LogEntry};
use pbnode_protocol::receipt::{CountedEvidence, CountedVerdict, Receipt, VerifiedReceipt};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `pbnode verify receipt` arguments.
#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The receipt JSON file, as `POST /processes/{p}/ballots` returned it.
    pub file: PathBuf,
    /// The node to check it against now (base URL, e.g. http://host:8080):
    /// the log still holds the ballot and, after close, opened it as cast.
    /// The log's owner or any node holding a replica of it.
    #[arg(long, value_name = "URL")]
    pub node: Option<String>,
    /// The log's checkpoint verifier key (C2SP vkey text, or a file holding
    /// it). Without it, the key is fetched from --node, which proves less.
    #[arg(long, value_name = "VKEY")]
    pub vkey: Option<String>,
    /// A witness's cosignature verifier key (text or file); repeatable.
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// How many of the --witness keys must have cosigned (default: all).
    #[arg(long, value_name = "K")]
    pub threshold: Option<usize>,
    /// Seconds each request to the node may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

/// Reads and parses a receipt file.
pub fn read_receipt(path: &Path) -> Result<Receipt, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::BadInput(format!(
            "{} is not a receipt (the JSON `POST /ballots` returns): {e}",
            path.display()
        ))
    })
}

/// Runs the command, writing the report to `out`.
pub fn run(args: &ReceiptArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let receipt = read_receipt(&args.file)?;
    let policy = keys::witness_policy(&args.witnesses, args.threshold)?;
    let client = args
        .node
        .as_deref()
        .map(|url| Client::new(url, Duration::from_secs(args.timeout)))
        .transpose()
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    // The log the receipt is in, at the node given: its owner, or any
    // replica of it. Found before the offline checks only when the key
    // must come from the node; otherwise after them, so that they are
    // reported even when the node cannot be reached.
    let origin = receipt.checkpoint.checkpoint().origin.clone();
    let mut source = None;
    let (key, key_source) = match (&args.vkey, &client) {
        (Some(vkey), _) => (keys::load_vkey(vkey, "--vkey")?, KeySource::Pinned),
        (None, Some(client)) => {
            let found = LogSource::for_origin(client, &origin)?;
            eprintln!(
                "warning: no --vkey given: checking the node against the key it serves itself"
            );
            let fetched = fetched_key(&found, &receipt.process.to_string(), &origin)?;
            source = Some(found);
            fetched
        }
        (None, None) => {
            return Err(Failure::BadInput(
                "no key to check the receipt with: give the log key with --vkey, \
                 or --node URL to fetch it"
                    .into(),
            ));
        }
    };
    let verified = check_offline(&receipt, &key, policy.as_ref(), &key_source, out)?;
    if let Some(client) = &client {
        let source = match source {
            Some(found) => found,
            None => LogSource::for_origin(client, &origin)?,
        };
        if source.is_replica() {
            say(
                out,
                format_args!(
                    "receipt: checking against the node's replica of `{origin}` ({})",
                    source.url("")
                ),
            );
        }
        check_online(&source, &receipt, &verified, &key, out)?;
    }
    Ok(())
}

/// The log key as the node states it: the owner's `/log-key`, or at a
/// replica the owner's key from the federation's member list.
fn fetched_key(
    source: &LogSource<'_>,
    process: &str,
    origin: &str,
) -> Result<(VerifierKey, KeySource), Failure> {
    let client = source.client();
    if !source.is_replica() {
        let (key, _) = keys::fetch_keys(client, process)?;
        let url = client.url(&format!("/processes/{process}/log-key"));
        return Ok((key, KeySource::Fetched(url)));
    }
    let url = client.url("/federation");
    let malformed = |reason: String| {
        Failure::Network(ClientError::Malformed {
            url: url.clone(),
            reason,
        })
    };
    let (slug, _) = parse_process_log_origin(origin).map_err(|e| malformed(e.to_string()))?;
    let federation: FederationMembers = client.get_json("/federation")?;
    let member = federation
        .members
        .iter()
        .find(|m| m.slug == slug)
        .ok_or_else(|| malformed(format!("no member `{slug}` in the federation")))?;
    let key = keys::public_key_hex(&member.key, "the member key")
        .map_err(|e| malformed(e.to_string()))?;
    let vkey = VerifierKey::new(origin, SignatureType::Ed25519, *key.as_dalek())
        .map_err(|e| malformed(e.to_string()))?;
    Ok((vkey, KeySource::Fetched(url)))
}

/// The members of `GET /federation`, as far as the key lookup needs them.
#[derive(Deserialize)]
struct FederationMembers {
    members: Vec<FederationMember>,
}

#[derive(Deserialize)]
struct FederationMember {
    slug: String,
    key: String,
}

/// The offline checks ([`Receipt::verify`]), reported line by line.
pub fn check_offline(
    receipt: &Receipt,
    key: &VerifierKey,
    policy: Option<&WitnessPolicy>,
    source: &KeySource,
    out: &mut dyn Write,
) -> Result<VerifiedReceipt, Failure> {
    let verified = receipt
        .verify(key, policy)
        .map_err(|e| Failure::Invalid(format!("the receipt does not verify: {e}")))?;
    let checkpoint = receipt.checkpoint.checkpoint();
    say(
        out,
        format_args!(
            "receipt OK: checkpoint `{}` of size {} is signed by {} ({source})",
            checkpoint.origin,
            checkpoint.size,
            keys::describe(key)
        ),
    );
    if let Some(policy) = policy {
        say(
            out,
            format_args!(
                "receipt OK: cosigned by {} of the {} witnesses given ({} required)",
                verified.cosignatures,
                policy.witnesses().len(),
                policy.threshold()
            ),
        );
    }
    say(
        out,
        format_args!(
            "receipt OK: voter key {} signed commitment {} for process {}",
            verified.voter, verified.commitment, verified.process
        ),
    );
    say(
        out,
        format_args!(
            "receipt OK: the opening opens the commitment: {}",
            describe_ballot(&receipt.opening)
        ),
    );
    say(
        out,
        format_args!(
            "receipt OK: the commitment is leaf {} of that checkpoint (inclusion proof of {} hashes)",
            verified.leaf_index,
            receipt.inclusion_proof.len()
        ),
    );
    Ok(verified)
}

/// The district and choices of a ballot, for reports.
pub fn describe_ballot(opening: &BallotOpening) -> String {
    let choices: Vec<String> = opening
        .ballot
        .choices
        .iter()
        .map(|c| format!("{}={}", c.project, c.points))
        .collect();
    format!(
        "district `{}`, choices [{}]",
        opening.ballot.district,
        choices.join(", ")
    )
}

/// What the log holds after the receipt's leaf that concerns it.
#[derive(Debug, Default)]
struct Later {
    /// The last later commitment of the same voter key.
    recast: Option<(u64, Signed<BallotCommitment>)>,
    /// The close entry.
    closed: Option<u64>,
    /// The opening of the receipt's commitment.
    opened: Option<(u64, BallotOpened)>,
}

/// Reads the log after the receipt's leaf up to `size`, stopping at the
/// receipt's opening.
fn scan_later(
    source: &LogSource<'_>,
    verified: &VerifiedReceipt,
    size: u64,
) -> Result<Later, Failure> {
    let mut later = Later::default();
    let start = verified.leaf_index.saturating_add(1);
    each_page(source, start, size, None, |first, page| {
        for (index, bytes) in (first..).zip(page) {
            match decode_entry(index, &bytes)? {
                LogEntry::BallotCommitted(c) if c.value.voter == verified.voter => {
                    later.recast = Some((index, c));
                }
                LogEntry::Closed(_) => later.closed = Some(index),
                LogEntry::BallotOpened(o) if o.commitment == verified.commitment => {
                    later.opened = Some((index, o));
                    return Ok(false);
                }
                _ => {}
            }
        }
        Ok(true)
    })?;
    Ok(later)
}

/// Checks a later commitment of the same voter key: in the checkpoint and
/// signed by that key (so the voter, not the node, cast it).
fn check_recast(
    source: &LogSource<'_>,
    verified: &VerifiedReceipt,
    (index, commitment): &(u64, Signed<BallotCommitment>),
    checkpoint: &SignedCheckpoint,
) -> Result<(), Failure> {
    commitment.verify(&verified.voter).map_err(|e| {
        Failure::Invalid(format!(
            "entry {index}, a later commitment of this voter key, is not signed by it: {e}"
        ))
    })?;
    let entry = LogEntry::BallotCommitted(commitment.clone());
    prove_entry(source, *index, &entry, checkpoint)
}

/// The checks against the node now: consistency with its latest
/// checkpoint, and after close the opening.
pub fn check_online(
    source: &LogSource<'_>,
    receipt: &Receipt,
    verified: &VerifiedReceipt,
    key: &VerifierKey,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let latest = latest_checkpoint(source)?;
    let (old, new) = (verified.checkpoint_size, latest.checkpoint().size);
    let proof = if new > old {
        source.consistency_proof(old, new)?
    } else {
        Vec::new()
    };
    let hashes: Vec<[u8; 32]> = proof.iter().map(|d| d.0).collect();
    receipt
        .verify_consistent_with(&latest, &hashes, key)
        .map_err(|e| {
            Failure::Invalid(format!(
                "the node's latest checkpoint (size {new}) does not extend the receipt's \
                 (size {old}): {e}; the two signed checkpoints prove the log was rewritten"
            ))
        })?;
    say(
        out,
        format_args!(
            "receipt OK: the node's latest checkpoint (size {new}) extends the receipt's \
             (size {old}) by a consistency proof: the ballot is still in the log"
        ),
    );
    let later = scan_later(source, verified, new)?;
    if let Some(recast) = &later.recast {
        check_recast(source, verified, recast, &latest)?;
    }
    let recast_note = later.recast.as_ref().map(|(j, _)| {
        format!("this voter key cast a later ballot at entry {j} (signed by it, in the log): the last ballot counts")
    });
    match (later.closed, later.opened) {
        (_, Some((index, opened))) => {
            let opened_proof = source.inclusion_proof(index, new)?;
            let evidence = CountedEvidence {
                final_checkpoint: latest,
                consistency_proof: proof,
                opened,
                opened_index: index,
                opened_proof,
            };
            let verdict = receipt.check_counted(&evidence, key).map_err(|e| {
                Failure::Invalid(format!("the opening entry {index} does not verify: {e}"))
            })?;
            match verdict {
                CountedVerdict::OpenedAsCast => match recast_note {
                    None => say(
                        out,
                        format_args!(
                            "receipt OK: opened as cast: entry {index} publishes exactly this \
                             ballot's opening (inclusion proof in the checkpoint of size {new}); \
                             it is counted (recount everything: pbnode verify process)"
                        ),
                    ),
                    Some(note) => say(
                        out,
                        format_args!(
                            "receipt OK: entry {index} publishes this ballot's opening as cast, \
                             but {note}"
                        ),
                    ),
                },
                CountedVerdict::Altered { published, .. } => {
                    return Err(Failure::Invalid(format!(
                        "the node ALTERED this ballot: entry {index} publishes {} for commitment \
                         {}, the receipt {}; the voter-signed commitment and opening in this \
                         receipt, with entry {index}, prove it",
                        describe_ballot(&published),
                        verified.commitment,
                        describe_ballot(&receipt.opening)
                    )));
                }
            }
        }
        (None, None) => {
            say(
                out,
                format_args!(
                    "receipt OK: voting is not closed in the latest checkpoint (size {new}): \
                     ballots are opened at close; check again then"
                ),
            );
            if let Some(note) = recast_note {
                say(out, format_args!("receipt note: {note}"));
            }
        }
        (Some(close), None) => match recast_note {
            Some(note) => say(
                out,
                format_args!(
                    "receipt OK: superseded: {note}, so this one is rightly not opened \
                     (voting closed at entry {close})"
                ),
            ),
            None => {
                return Err(Failure::Invalid(format!(
                    "voting closed at entry {close}, but the {new} entries the node serves \
                     publish no opening for commitment {}: the node withheld this ballot; this \
                     receipt (the voter-signed commitment and its opening) proves what the log \
                     should hold (pbnode verify process checks the whole log)",
                    verified.commitment
                )));
            }
        },
    }
    Ok(())
}
