//! Where a log is read: at its owner (`/processes/{p}/...`) or at any
//! replica (`/logs/{slug}/{p}/...`, served by every federation member that
//! holds it, and by the owner too). Both serve the same shapes (a page of
//! hex entries with the served size, proofs as hex hashes, the checkpoint
//! as note text), so the verifier reads either through one code path and
//! trusts neither: every answer is checked against keys it holds.

use crate::client::{Client, ClientError, LogPage};
use pbnode_protocol::ids::Digest;
use pbnode_protocol::note::parse_process_log_origin;
use serde::Deserialize;

/// One log at one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The node's own process endpoints.
    Owner,
    /// The origin-addressed endpoints every replica serves.
    Replica,
}

/// A log as one node serves it.
#[derive(Debug)]
pub struct LogSource<'a> {
    client: &'a Client,
    /// `/processes/{p}` or `/logs/{slug}/{p}`.
    prefix: String,
    kind: Kind,
}

#[derive(Deserialize)]
struct ProofAnswer {
    proof: Vec<Digest>,
}

impl<'a> LogSource<'a> {
    /// The node's own log of `process`.
    pub fn owner(client: &'a Client, process: &str) -> LogSource<'a> {
        LogSource {
            client,
            prefix: format!("/processes/{process}"),
            kind: Kind::Owner,
        }
    }

    /// The log of `process` kept by the jurisdiction `slug`, as a replica
    /// (or its owner) serves it.
    pub fn replica(client: &'a Client, slug: &str, process: &str) -> LogSource<'a> {
        LogSource {
            client,
            prefix: format!("/logs/{slug}/{process}"),
            kind: Kind::Replica,
        }
    }

    /// The log whose checkpoints carry `origin`, at the node of `client`:
    /// its own endpoints when it owns that log (its `/log-key` names the
    /// same origin), otherwise the replica endpoints. A regional process
    /// has one log per member under one process id, so the process id alone
    /// does not say which log a node serves under `/processes/{p}`.
    pub fn for_origin(client: &'a Client, origin: &str) -> Result<LogSource<'a>, ClientError> {
        let (slug, process) =
            parse_process_log_origin(origin).map_err(|e| ClientError::Malformed {
                url: client.url("/"),
                reason: format!("`{origin}` is not a process log origin: {e}"),
            })?;
        match client.log_key(process) {
            Ok(info) if info.origin == origin => Ok(LogSource::owner(client, process)),
            // Another log of this process (a regional process's), or none.
            Ok(_) | Err(ClientError::Status { status: 404, .. }) => {
                Ok(LogSource::replica(client, slug, process))
            }
            Err(e) => Err(e),
        }
    }

    /// Whether this reads a replica's endpoints.
    pub fn is_replica(&self) -> bool {
        self.kind == Kind::Replica
    }

    /// The client.
    pub fn client(&self) -> &Client {
        self.client
    }

    /// The full URL of `rest` under this log (`/checkpoint`, ...).
    pub fn url(&self, rest: &str) -> String {
        self.client.url(&format!("{}{rest}", self.prefix))
    }

    fn entries_path(&self) -> &'static str {
        match self.kind {
            Kind::Owner => "/log",
            Kind::Replica => "/entries",
        }
    }

    /// The latest signed checkpoint, as note text.
    pub fn checkpoint(&self) -> Result<String, ClientError> {
        self.client.get_text(&format!("{}/checkpoint", self.prefix))
    }

    /// One page of entries from `start` (at most `limit`), checked for the
    /// start asked and decoded from hex, with the size the node served.
    pub fn log_page(&self, start: u64, limit: u64) -> Result<(u64, Vec<Vec<u8>>), ClientError> {
        let path = format!(
            "{}{}?start={start}&limit={limit}",
            self.prefix,
            self.entries_path()
        );
        let page: LogPage = self.client.get_json(&path)?;
        let malformed = |reason: String| ClientError::Malformed {
            url: self.client.url(&path),
            reason,
        };
        if page.start != start {
            return Err(malformed(format!("page starts at {}", page.start)));
        }
        if u64::try_from(page.entries.len()).unwrap_or(u64::MAX) > limit {
            return Err(malformed(format!(
                "{} entries, {limit} asked",
                page.entries.len()
            )));
        }
        let entries = page
            .entries
            .iter()
            .zip(start..)
            .map(|(h, i)| hex::decode(h).map_err(|e| malformed(format!("entry {i}: {e}"))))
            .collect::<Result<_, _>>()?;
        Ok((page.size, entries))
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>, ClientError> {
        let path = format!("{}/proofs/inclusion?index={index}&size={size}", self.prefix);
        Ok(self.client.get_json::<ProofAnswer>(&path)?.proof)
    }

    /// The consistency proof from `old` to `new` leaves.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Digest>, ClientError> {
        let path = format!("{}/proofs/consistency?old={old}&new={new}", self.prefix);
        Ok(self.client.get_json::<ProofAnswer>(&path)?.proof)
    }
}
