//! What the ballot path would otherwise read from the store per ballot:
//! a credential's district (in the checks before the writer) and a
//! credential's latest ballot (in the writer). Each was a store read and a
//! JSON decode per ballot.
//!
//! Coherence: a credential is stored once at registration and never changed
//! or removed, so a district, once read, stays true (an unregistered key is
//! not remembered: it may register later). A credential's latest ballot is
//! written only by the ballot writer under the process log's lock, the lock
//! that guards [`LatestBallots`] too, and the writer records a new latest
//! ballot here only after its batch is durable; so the cache holds exactly
//! what the store holds.
//!
//! Memory: each cache starts over once it holds [`CACHE_MAX`] entries (about
//! a hundred bytes each), so a process with millions of voters costs at most
//! a few tens of MB and falls back to store reads for the rest.

use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::ProcessId;
use std::collections::HashMap;
use std::sync::Arc;

/// Entries a cache holds before it is cleared.
pub(crate) const CACHE_MAX: usize = 1 << 18;

/// Registered credentials' districts, by process and voter key.
#[derive(Debug, Default)]
pub(crate) struct Districts {
    by_key: HashMap<([u8; 32], [u8; 32]), Arc<str>>,
    /// Each district name once (processes have few), shared by the entries.
    names: Vec<Arc<str>>,
}

impl Districts {
    /// The district of a registered key, if cached.
    pub(crate) fn get(&self, process: &ProcessId, voter: &[u8; 32]) -> Option<Arc<str>> {
        self.by_key.get(&(*process.as_bytes(), *voter)).cloned()
    }

    /// Remembers the district of a registered key.
    pub(crate) fn insert(&mut self, process: &ProcessId, voter: &[u8; 32], district: &str) {
        if self.by_key.len() >= CACHE_MAX {
            self.by_key.clear();
            self.names.clear();
        }
        let name = match self.names.iter().find(|n| ***n == *district) {
            Some(name) => name.clone(),
            None => {
                let name: Arc<str> = district.into();
                self.names.push(name.clone());
                name
            }
        };
        self.by_key.insert((*process.as_bytes(), *voter), name);
    }
}

/// One process's latest ballot per voter key, as the store holds it
/// (`None`: the key has cast no ballot). Lives in the process's
/// `ProcessLog`, under its lock.
#[derive(Debug, Default)]
pub(crate) struct LatestBallots {
    by_voter: HashMap<[u8; 32], Option<Id<BallotCommitment>>>,
}

impl LatestBallots {
    /// The cached latest ballot of `voter`: `None` when not cached,
    /// `Some(None)` when the voter has cast none.
    pub(crate) fn get(&self, voter: &[u8; 32]) -> Option<Option<Id<BallotCommitment>>> {
        self.by_voter.get(voter).copied()
    }

    /// Records what the store holds (or, once durable, now holds) as the
    /// latest ballot of `voter`.
    pub(crate) fn insert(&mut self, voter: [u8; 32], latest: Option<Id<BallotCommitment>>) {
        if self.by_voter.len() >= CACHE_MAX {
            self.by_voter.clear();
        }
        self.by_voter.insert(voter, latest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_are_kept_per_process_and_key_and_shared_by_name() {
        let (p, q) = (Id::from_bytes([1; 32]), Id::from_bytes([2; 32]));
        let mut d = Districts::default();
        assert_eq!(d.get(&p, &[7; 32]), None);
        d.insert(&p, &[7; 32], "north");
        d.insert(&p, &[8; 32], "north");
        assert_eq!(d.get(&p, &[7; 32]).as_deref(), Some("north"));
        assert_eq!(d.get(&q, &[7; 32]), None);
        assert_eq!(d.names.len(), 1);
    }

    #[test]
    fn full_caches_start_over() {
        let mut latest = LatestBallots::default();
        for i in 0..CACHE_MAX as u32 {
            let mut voter = [0; 32];
            voter[..4].copy_from_slice(&i.to_be_bytes());
            latest.insert(voter, None);
        }
        assert_eq!(latest.get(&[0; 32]), Some(None));
        latest.insert([0xff; 32], Some(Id::from_bytes([1; 32])));
        assert_eq!(latest.get(&[0; 32]), None);
        assert_eq!(latest.get(&[0xff; 32]), Some(Some(Id::from_bytes([1; 32]))));
    }
}
