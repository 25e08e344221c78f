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
//! what the store holds. Registration (under the same lock) records a new
//! key as having cast nothing, which is true: a key registers once, and no
//! ballot of an unregistered key passes the checks.
//!
//! Memory: each cache starts over once it holds [`CACHE_MAX`] entries (about
//! a hundred bytes each, and 8 bytes per earlier ballot, at most
//! [`EARLIER_MAX`], of a voter who re-cast), so a process with millions of
//! voters costs at most a few tens of MB and falls back to store reads for
//! the rest.

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

/// Earlier ballots remembered per voter; a voter who re-casts more often
/// falls back to a store read per re-cast (see [`LatestBallots::surely_new`]).
pub(crate) const EARLIER_MAX: usize = 16;

/// What the cache knows of one voter's ballots.
#[derive(Debug, Default)]
struct VoterBallots {
    /// The latest ballot, as the store holds it.
    latest: Option<Id<BallotCommitment>>,
    /// A fingerprint (the first 8 bytes) of each earlier ballot, when the
    /// cache saw every ballot of the voter; `None` when it did not.
    earlier: Option<Box<[u64]>>,
}

/// The fingerprint of a commitment id kept for earlier ballots.
fn fingerprint(commitment: &Id<BallotCommitment>) -> u64 {
    let mut head = [0; 8];
    head.copy_from_slice(&commitment.as_bytes()[..8]);
    u64::from_le_bytes(head)
}

/// One process's latest ballot per voter key, as the store holds it
/// (`None`: the key has cast no ballot), and, for a voter whose every
/// ballot it saw, fingerprints of the earlier ones. Lives in the process's
/// `ProcessLog`, under its lock.
///
/// The fingerprints spare a re-cast the store read of its duplicate check
/// (was this commitment accepted before?): a voter known to have cast
/// nothing (none stored, or a key just registered) starts a complete
/// history, and each ballot made durable extends it; a voter first met
/// with a stored latest ballot has an unknown history (a restart forgot
/// it), and so has one whose history outgrew [`EARLIER_MAX`].
#[derive(Debug, Default)]
pub(crate) struct LatestBallots {
    by_voter: HashMap<[u8; 32], VoterBallots>,
}

impl LatestBallots {
    /// The cached latest ballot of `voter`: `None` when not cached,
    /// `Some(None)` when the voter has cast none.
    pub(crate) fn get(&self, voter: &[u8; 32]) -> Option<Option<Id<BallotCommitment>>> {
        self.by_voter.get(voter).map(|v| v.latest)
    }

    /// Records what the store holds as the latest ballot of `voter` (read
    /// from it, or known: a key just registered has none).
    pub(crate) fn insert(&mut self, voter: [u8; 32], latest: Option<Id<BallotCommitment>>) {
        if self.by_voter.len() >= CACHE_MAX {
            self.by_voter.clear();
        }
        // No ballot stored: no ballot cast, so the history is complete.
        let earlier = latest.is_none().then(Box::default);
        self.by_voter
            .insert(voter, VoterBallots { latest, earlier });
    }

    /// Records a ballot of `voter` made durable, which is now its latest.
    /// Call in the order the ballots were accepted.
    pub(crate) fn cast(&mut self, voter: [u8; 32], commitment: Id<BallotCommitment>) {
        if self.by_voter.len() >= CACHE_MAX && !self.by_voter.contains_key(&voter) {
            self.by_voter.clear();
        }
        let entry = self.by_voter.entry(voter).or_default();
        entry.earlier = match (entry.earlier.take(), entry.latest) {
            (Some(earlier), Some(previous)) if earlier.len() < EARLIER_MAX => {
                let mut grown = earlier.into_vec();
                grown.push(fingerprint(&previous));
                Some(grown.into_boxed_slice())
            }
            // Cached as having cast nothing: the history stays complete.
            (Some(earlier), None) => Some(earlier),
            _ => None,
        };
        entry.latest = Some(commitment);
    }

    /// True when `commitment` is surely no ballot of `voter` made durable
    /// so far: the cache saw every ballot of the voter, and it is neither
    /// the latest nor has an earlier one's fingerprint. False when only the
    /// store can tell. (The latest must be compared here too: within a
    /// batch, the writer's own latest is the batch's, and a replay of the
    /// stored latest comes after it.)
    pub(crate) fn surely_new(&self, voter: &[u8; 32], commitment: &Id<BallotCommitment>) -> bool {
        let Some(known) = self.by_voter.get(voter) else {
            return false;
        };
        let Some(earlier) = known.earlier.as_ref() else {
            return false;
        };
        known.latest != Some(*commitment) && !earlier.contains(&fingerprint(commitment))
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

    fn id(byte: u8) -> Id<BallotCommitment> {
        Id::from_bytes([byte; 32])
    }

    #[test]
    fn a_history_seen_from_its_start_answers_the_duplicate_check() {
        let mut latest = LatestBallots::default();
        latest.insert([1; 32], None);
        assert!(latest.surely_new(&[1; 32], &id(7)));
        latest.cast([1; 32], id(7));
        latest.cast([1; 32], id(8));
        assert_eq!(latest.get(&[1; 32]), Some(Some(id(8))));
        assert!(!latest.surely_new(&[1; 32], &id(7)), "an earlier ballot");
        assert!(!latest.surely_new(&[1; 32], &id(8)), "the latest ballot");
        assert!(latest.surely_new(&[1; 32], &id(9)));
        // A commitment sharing an earlier one's first 8 bytes is left to
        // the store.
        let mut twin = [7; 32];
        twin[31] = 0;
        assert!(!latest.surely_new(&[1; 32], &Id::from_bytes(twin)));
    }

    #[test]
    fn a_history_not_seen_whole_is_left_to_the_store() {
        let mut latest = LatestBallots::default();
        // Read from the store after a restart: earlier ballots unknown.
        latest.insert([2; 32], Some(id(1)));
        assert!(!latest.surely_new(&[2; 32], &id(9)));
        latest.cast([2; 32], id(3));
        assert!(!latest.surely_new(&[2; 32], &id(9)));
        // Never looked up: unknown too.
        latest.cast([3; 32], id(4));
        assert_eq!(latest.get(&[3; 32]), Some(Some(id(4))));
        assert!(!latest.surely_new(&[3; 32], &id(9)));
        // A history longer than the cap is dropped.
        latest.insert([4; 32], None);
        let casts = EARLIER_MAX as u8 + 2;
        for i in 0..casts {
            latest.cast([4; 32], id(100 + i));
        }
        assert!(!latest.surely_new(&[4; 32], &id(9)));
        assert_eq!(latest.get(&[4; 32]), Some(Some(id(100 + casts - 1))));
    }
}
