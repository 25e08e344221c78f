//! Reading from a node: log ranges page by page, the latest checkpoint,
//! and entries proven to be in a checkpoint.

use super::Failure;
use super::progress::Progress;
use super::source::LogSource;
use crate::client::{ClientError, LOG_PAGE};
use pbnode_protocol::encoding;
use pbnode_protocol::merkle::{Blake3Hasher, MerkleHasher, verify_inclusion};
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::LogEntry;

/// Fetches entries `start..end` in pages and hands each page to `visit`
/// with the index of its first entry; stops early when `visit` returns
/// `false`. A node that serves fewer entries than its own signed
/// checkpoint counts is refused (that would otherwise loop or truncate).
pub fn each_page(
    source: &LogSource<'_>,
    start: u64,
    end: u64,
    mut progress: Option<&mut Progress>,
    mut visit: impl FnMut(u64, Vec<Vec<u8>>) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let mut next = start;
    while next < end {
        let limit = LOG_PAGE.min(end - next);
        let (size, page) = source.log_page(next, limit)?;
        if page.is_empty() {
            return Err(Failure::Network(ClientError::Malformed {
                url: source.url(&format!("?start={next}")),
                reason: format!(
                    "no entries from {next} (log size {size}), though the checkpoint has {end}"
                ),
            }));
        }
        let got = u64::try_from(page.len()).unwrap_or(u64::MAX);
        let first = next;
        next += got;
        if let Some(p) = progress.as_deref_mut() {
            p.update(next - start);
        }
        if !visit(first, page)? {
            break;
        }
    }
    Ok(())
}

/// All entries `0..size`, with a progress line on stderr.
pub fn whole_log(source: &LogSource<'_>, size: u64) -> Result<Vec<Vec<u8>>, Failure> {
    let mut progress = Progress::new("entries", size);
    let mut entries = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 24));
    each_page(source, 0, size, Some(&mut progress), |_, page| {
        entries.extend(page);
        Ok(true)
    })?;
    progress.finish(u64::try_from(entries.len()).unwrap_or(u64::MAX));
    Ok(entries)
}

/// The node's latest signed checkpoint of `process`, parsed (not yet
/// verified: the caller checks it against the key it trusts).
pub fn latest_checkpoint(source: &LogSource<'_>) -> Result<SignedCheckpoint, Failure> {
    let text = source.checkpoint()?;
    SignedCheckpoint::parse(&text).map_err(|e| {
        Failure::Network(ClientError::Malformed {
            url: source.url("/checkpoint"),
            reason: format!("not a signed checkpoint: {e}"),
        })
    })
}

/// Checks that `entry`, served by the node as entry `index`, is in
/// `checkpoint` by an inclusion proof the node serves.
pub fn prove_entry(
    source: &LogSource<'_>,
    index: u64,
    entry: &LogEntry,
    checkpoint: &SignedCheckpoint,
) -> Result<(), Failure> {
    let size = checkpoint.checkpoint().size;
    let leaf = entry
        .leaf_data()
        .map_err(|e| Failure::Invalid(format!("entry {index} does not encode: {e}")))?;
    let proof: Vec<[u8; 32]> = source
        .inclusion_proof(index, size)?
        .iter()
        .map(|d| d.0)
        .collect();
    verify_inclusion(
        &Blake3Hasher,
        &Blake3Hasher.hash_leaf(&leaf),
        index,
        size,
        &proof,
        &checkpoint.checkpoint().root,
    )
    .map_err(|e| {
        Failure::Invalid(format!(
            "entry {index} as the node served it is not in its checkpoint of size {size}: {e}"
        ))
    })
}

/// Decodes entry `index` as served; an entry that does not decode is
/// evidence against the node.
pub fn decode_entry(index: u64, bytes: &[u8]) -> Result<LogEntry, Failure> {
    encoding::from_bytes(bytes)
        .map_err(|e| Failure::Invalid(format!("entry {index} as served does not decode: {e}")))
}
