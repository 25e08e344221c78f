//! Per-peer misbehaviour counts. A peer that collects `strike_limit` strikes
//! (rejected gossip, malformed requests) is disconnected and blocked for a
//! while; its counts stay queryable through `NetHandle::peer_scores`.

use libp2p::PeerId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What the network holds against one peer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeerScore {
    /// Gossip messages from this peer (as forwarder) judged
    /// [`crate::federation::Verdict::Reject`], or over the size cap.
    pub rejected_messages: u64,
    /// Request/response frames from this peer that could not be decoded or
    /// were over `MAX_SYNC_BYTES`.
    pub malformed_frames: u64,
    /// Strikes since the peer was last unblocked.
    pub strikes: u32,
    /// How many times the peer has been blocked.
    pub blocks: u32,
    /// Whether the peer is blocked now.
    pub blocked: bool,
}

/// Kinds of strike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offence {
    /// A gossip message got a Reject verdict.
    RejectedMessage,
    /// A request or response frame was undecodable or oversize.
    MalformedFrame,
}

/// The ledger kept by the network task.
#[derive(Debug)]
pub(crate) struct Scoreboard {
    strike_limit: u32,
    block_duration: Duration,
    scores: HashMap<PeerId, PeerScore>,
    blocked_until: HashMap<PeerId, Instant>,
}

impl Scoreboard {
    pub(crate) fn new(strike_limit: u32, block_duration: Duration) -> Self {
        Scoreboard {
            strike_limit: strike_limit.max(1),
            block_duration,
            scores: HashMap::new(),
            blocked_until: HashMap::new(),
        }
    }

    /// Records an offence; `true` when it is the strike that blocks the peer
    /// (the caller then blocks and disconnects it).
    pub(crate) fn strike(&mut self, peer: PeerId, offence: Offence, now: Instant) -> bool {
        let score = self.scores.entry(peer).or_default();
        match offence {
            Offence::RejectedMessage => score.rejected_messages += 1,
            Offence::MalformedFrame => score.malformed_frames += 1,
        }
        if score.blocked {
            return false;
        }
        score.strikes += 1;
        if score.strikes < self.strike_limit {
            return false;
        }
        score.blocked = true;
        score.blocks += 1;
        self.blocked_until.insert(peer, now + self.block_duration);
        true
    }

    /// Peers whose block has run out by `now`: they are unblocked here with a
    /// clean strike count, and the caller lifts the connection block.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<PeerId> {
        let expired: Vec<PeerId> = self
            .blocked_until
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(peer, _)| *peer)
            .collect();
        for peer in &expired {
            self.blocked_until.remove(peer);
            if let Some(score) = self.scores.get_mut(peer) {
                score.blocked = false;
                score.strikes = 0;
            }
        }
        expired
    }

    /// Whether the peer is blocked now.
    pub(crate) fn is_blocked(&self, peer: &PeerId) -> bool {
        self.blocked_until.contains_key(peer)
    }

    /// A copy of every score, for `NetHandle::peer_scores`.
    pub(crate) fn snapshot(&self) -> HashMap<PeerId, PeerScore> {
        self.scores.clone()
    }
}
