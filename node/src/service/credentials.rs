//! Voter registration: a one-time code buys one logged credential.

use super::codes::{code_key, parse_code};
use super::records::{self, CodeRecord, CredentialRecord};
use super::{Node, ServiceError, lock};
use crate::store::{Keyspace, WriteBatch};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed};
use pbnode_protocol::objects::{LogEntry, Phase, ProcessId, VoterCredential};

pub(crate) fn credential_key(process: &ProcessId, voter: &PublicKey) -> Vec<u8> {
    records::key(process, voter.as_bytes())
}

impl Node {
    /// Registers `voter` (a key the voter made on their own device) with a
    /// one-time `code`. In one atomic write the code is marked used, the
    /// credential stored and `VoterRegistered` logged: the log holds the key
    /// and district, never the voter reference. The returned credential is
    /// signed by the node: the voter's proof that the node took the key,
    /// which the log must then show. A used code fails with
    /// `code_already_used`; a key registers once per process. Allowed before close.
    pub fn register_voter(
        &self,
        process: &ProcessId,
        code: &str,
        voter: PublicKey,
    ) -> Result<Signed<VoterCredential>, ServiceError> {
        let code = parse_code(code)?;
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        self.record_in_phase(process, &[Phase::Proposals, Phase::Review, Phase::Voting])?;
        let ckey = code_key(process, &code);
        let mut code_record: CodeRecord =
            records::get(&*self.store, Keyspace::Codes, &ckey)?.ok_or(ServiceError::UnknownCode)?;
        if code_record.used {
            return Err(ServiceError::CodeAlreadyUsed);
        }
        let key = credential_key(process, &voter);
        if self.store.get(Keyspace::Credentials, &key)?.is_some() {
            return Err(ServiceError::KeyAlreadyRegistered);
        }
        let credential = VoterCredential::V1 {
            process: *process,
            district: code_record.district.clone(),
            voter,
            issued_at: self.now(),
        }
        .sign(&self.key)?;
        code_record.used = true;
        let record = CredentialRecord {
            district: code_record.district.clone(),
            credential: credential.clone(),
            leaf: pl.log.size(),
        };
        let mut batch = WriteBatch::default();
        records::put(&mut batch, Keyspace::Codes, &ckey, &code_record)?;
        records::put(&mut batch, Keyspace::Credentials, &key, &record)?;
        self.append(
            &mut pl,
            &[LogEntry::VoterRegistered(credential.value.clone())],
            batch,
        )?;
        // What the ballot path would read first (see `super::ballot_caches`):
        // the key's district, and that it has cast nothing yet.
        pl.latest.insert(*voter.as_bytes(), None);
        lock(&self.districts).insert(process, voter.as_bytes(), &code_record.district);
        Ok(credential)
    }

    /// The credential of `voter` in the process, if registered.
    pub fn credential(
        &self,
        process: &ProcessId,
        voter: &PublicKey,
    ) -> Result<Option<CredentialRecord>, ServiceError> {
        records::get(
            &*self.store,
            Keyspace::Credentials,
            &credential_key(process, voter),
        )
    }
}
