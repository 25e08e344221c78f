//! Answering peers: every [`SyncRequest`] over this node's own logs and
//! its replicas. Synchronous store work: the driver runs it off the async
//! runtime.

use super::{Federation, FederationError, membership};
use crate::service::lock;
use crate::store::Keyspace;
use pbnode_protocol::crypto::{PublicKey, Signable};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::MAX_ENTRIES_PER_REQUEST;
use pbnode_protocol::federation::{LogInfo, SyncRequest, SyncResponse, WireError};
use pbnode_protocol::objects::{LogEntry, ProcessId};

fn bad(why: impl Into<String>) -> FederationError {
    FederationError::Service(crate::service::ServiceError::InvalidInput(why.into()))
}

impl Federation {
    /// Answers a peer's request. Non-members are refused (the transport
    /// should not have let them in).
    pub fn handle_request(&self, from: &PublicKey, request: SyncRequest) -> SyncResponse {
        if !self.is_member(from) {
            return SyncResponse::Error(WireError::Refused("not a federation member".into()));
        }
        if let Err(e) = request.check() {
            return SyncResponse::Error(e);
        }
        let answer = match request {
            SyncRequest::Logs => self.logs().map(SyncResponse::Logs),
            SyncRequest::Checkpoint { origin } => {
                self.checkpoint_of(&origin).map(SyncResponse::Checkpoint)
            }
            SyncRequest::Entries {
                origin,
                start,
                limit,
            } => self
                .entries(&origin, start, limit)
                .map(|entries| SyncResponse::Entries { start, entries }),
            SyncRequest::Inclusion {
                origin,
                index,
                size,
            } => self
                .inclusion(&origin, index, size)
                .map(SyncResponse::Proof),
            SyncRequest::Consistency {
                origin,
                old_size,
                new_size,
            } => self
                .consistency(&origin, old_size, new_size)
                .map(SyncResponse::Proof),
            SyncRequest::Object { id } => self.object(&id).map(SyncResponse::Object),
            SyncRequest::Cosign { body } => Ok(self.cosign(&body)),
            SyncRequest::Manifest => encoding::to_bytes(&self.manifest())
                .map(SyncResponse::Manifest)
                .map_err(|e| FederationError::Manifest(e.to_string())),
        };
        answer.unwrap_or_else(|e| SyncResponse::Error(e.to_wire()))
    }

    /// Own logs with a signed checkpoint, then verified replicas.
    pub fn logs(&self) -> Result<Vec<LogInfo>, FederationError> {
        let mut logs = Vec::new();
        for process in self.node.list_processes()? {
            let Some(id) = process.id else { continue };
            if let Some(cp) = self.node.latest_checkpoint(&id)? {
                logs.push(LogInfo {
                    origin: self.node.log_origin(&id)?,
                    checkpoint: cp.to_text(),
                });
            }
        }
        for record in self.replicas()? {
            if let Some(checkpoint) = record.checkpoint {
                logs.push(LogInfo {
                    origin: record.origin,
                    checkpoint,
                });
            }
        }
        Ok(logs)
    }

    /// The latest checkpoint of a log this node serves.
    fn checkpoint_of(&self, origin: &str) -> Result<String, FederationError> {
        if let Some(process) = self.own_process(origin) {
            return self
                .node
                .latest_checkpoint(&process)?
                .map(|c| c.to_text())
                .ok_or_else(|| FederationError::UnknownLog(origin.to_owned()));
        }
        self.replica(origin)?
            .and_then(|r| r.checkpoint)
            .ok_or_else(|| FederationError::UnknownLog(origin.to_owned()))
    }

    pub(crate) fn entries(
        &self,
        origin: &str,
        start: u64,
        limit: u32,
    ) -> Result<Vec<Vec<u8>>, FederationError> {
        if limit == 0 || limit > MAX_ENTRIES_PER_REQUEST {
            return Err(bad(format!("limit must be 1 to {MAX_ENTRIES_PER_REQUEST}")));
        }
        let size = self.served_size(origin)?;
        if start >= size {
            return Err(bad(format!(
                "start {start} is past the log's {size} entries"
            )));
        }
        let limit = limit as usize;
        match self.own_process(origin) {
            Some(process) => Ok(self.node.log_entries(&process, start, limit)?),
            None => Ok(lock(&*self.replica_log(origin)?).entries(start, limit)?),
        }
    }

    fn inclusion(
        &self,
        origin: &str,
        index: u64,
        size: u64,
    ) -> Result<Vec<[u8; 32]>, FederationError> {
        self.served_size(origin)?;
        match self.own_process(origin) {
            Some(process) => Ok(self.node.inclusion_proof(&process, index, size)?),
            None => Ok(lock(&*self.replica_log(origin)?).inclusion_proof(index, size)?),
        }
    }

    fn consistency(
        &self,
        origin: &str,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<[u8; 32]>, FederationError> {
        self.served_size(origin)?;
        match self.own_process(origin) {
            Some(process) => Ok(self.node.consistency_proof(&process, old_size, new_size)?),
            None => Ok(lock(&*self.replica_log(origin)?).consistency_proof(old_size, new_size)?),
        }
    }

    /// The size of a log this node serves: an own open process's log, or a
    /// replica of a member's log.
    fn served_size(&self, origin: &str) -> Result<u64, FederationError> {
        if let Some(process) = self.own_process(origin) {
            return Ok(self.node.log_size(&process)?);
        }
        if self.replica(origin)?.is_none() {
            let manifest = self.manifest();
            membership::member_of_origin(&manifest.value, origin)?;
            return Err(FederationError::UnknownLog(origin.to_owned()));
        }
        self.replica_size(origin)
    }

    /// A signed object's log entry, by object id: own process definitions
    /// and tallies, then the index of replicated logs.
    pub fn object(&self, id: &[u8; 32]) -> Result<Vec<u8>, FederationError> {
        let not_found = || FederationError::UnknownLog(format!("object {}", hex::encode(id)));
        for process in self.node.list_processes()? {
            let Some(pid) = process.id else { continue };
            if pid.as_bytes() == id {
                return self
                    .node
                    .log_entries(&pid, 0, 1)?
                    .pop()
                    .ok_or_else(not_found);
            }
            if let Some(entry) = self.own_tally_entry(&pid, id)? {
                return Ok(entry);
            }
        }
        let Some(at) = self.node.store().get(Keyspace::Objects, id)? else {
            return Err(not_found());
        };
        self.node
            .store()
            .get(Keyspace::LogLeaves, &at)?
            .ok_or_else(not_found)
    }

    fn own_tally_entry(
        &self,
        process: &ProcessId,
        id: &[u8; 32],
    ) -> Result<Option<Vec<u8>>, FederationError> {
        let (_, record) = self.node.record_by_id(process)?;
        let Some(tally) = record.tally else {
            return Ok(None);
        };
        let tally_id = tally
            .value
            .id()
            .map_err(|e| FederationError::Task(e.to_string()))?;
        if tally_id.as_bytes() != id {
            return Ok(None);
        }
        let entry = LogEntry::Tallied(tally)
            .leaf_data()
            .map_err(|e| FederationError::Task(e.to_string()))?;
        Ok(Some(entry))
    }
}
