//! A whole process at the service level, on both store engines.

use super::support::*;
use crate::service::{BallotSubmission, CheckpointPolicy, Node, ReceiptView};
use crate::store::KvStore;
use pbnode_protocol::encoding;
use pbnode_protocol::merkle::{Blake3Hasher, verify_consistency};
use pbnode_protocol::note::SignedCheckpoint;
use pbnode_protocol::objects::{LogEntry, Phase, ProcessId, ProposalId, ProposalStatus};
use pbnode_protocol::pabulib;
use pbnode_protocol::recount::{LogKeys, verify_log};
use std::collections::BTreeMap;
use std::sync::Arc;

fn entries(node: &Node, id: &ProcessId) -> Vec<LogEntry> {
    node.log_entries(id, 0, usize::MAX)
        .unwrap()
        .iter()
        .map(|bytes| encoding::from_bytes(bytes).unwrap())
        .collect()
}

/// Checks a receipt the way a voter's verifier does (protocol's offline
/// receipt check: node-signed checkpoint, voter signature, opening,
/// inclusion), completing a view with the opening the voter kept.
fn verify_receipt(node: &Node, view: ReceiptView, kept: &BallotSubmission) -> SignedCheckpoint {
    let receipt = view.complete(Some(kept.opening.clone())).unwrap();
    assert_eq!(receipt.opening, kept.opening);
    let key = node.log_verifier_key(&receipt.process).unwrap();
    let verified = receipt.verify(&key, None).unwrap();
    assert_eq!(verified.leaf_index, receipt.leaf_index);
    receipt.checkpoint
}

fn by_cost(node: &Node, id: &ProcessId, ids: &[ProposalId]) -> BTreeMap<u64, ProposalId> {
    ids.iter()
        .map(|p| (node.proposal(id, p).unwrap().proposal.cost, *p))
        .collect()
}

fn lifecycle(store: Arc<dyn KvStore>) {
    let (node, _clock) = node_on(store, CheckpointPolicy::default());
    let v = to_voting(&node, "budget-2027", 6);
    let north = by_cost(&node, &v.id, &v.north);
    let (trees, bike, benches) = (north[&30_000], north[&50_000], north[&10_000]);
    let library = v.south[0];
    let keys: Vec<_> = (0..6).map(|i| register(&node, &v, i)).collect();

    let first_ballot = ballot(v.id, &keys[0], "north", &[bike, trees]);
    let first = node.cast_ballot(first_ballot.clone()).unwrap();
    // The receipt handed out right after the cast holds the opening.
    let key = node.log_verifier_key(&v.id).unwrap();
    let fresh = node.cast_receipt(&first_ballot, &first).unwrap();
    fresh.verify(&key, None).unwrap();
    node.cast_ballot(ballot(v.id, &keys[2], "north", &[bike]))
        .unwrap();
    node.cast_ballot(ballot(v.id, &keys[4], "north", &[trees, benches]))
        .unwrap();
    node.cast_ballot(ballot(v.id, &keys[1], "south", &[library]))
        .unwrap();
    node.cast_ballot(ballot(v.id, &keys[3], "south", &[library]))
        .unwrap();
    // v0 changes their mind: only the last ballot counts.
    let last_ballot = ballot(v.id, &keys[0], "north", &[benches]);
    let last = node.cast_ballot(last_ballot.clone()).unwrap();
    assert_eq!(last.supersedes, Some(first.commitment));

    // Receipts before close verify, and do not hand out the opening.
    let early = node.receipt(&v.id, &first.commitment).unwrap();
    assert!(early.opening.is_none());
    let early_checkpoint = verify_receipt(&node, early, &first_ballot);
    // No totals and no openings anywhere before close.
    assert_eq!(node.results(&v.id).unwrap_err().code(), "not_closed");
    assert_eq!(node.export_pabulib(&v.id).unwrap_err().code(), "not_closed");
    assert!(entries(&node, &v.id).iter().all(|e| !matches!(
        e,
        LogEntry::BallotOpened(_) | LogEntry::Tallied(_) | LogEntry::Closed(_)
    )));

    node.advance_phase(&v.id, Phase::Closed).unwrap();
    let tally = node.results(&v.id).unwrap();
    tally.verify(&node.public_key()).unwrap();
    assert_eq!(tally.value.ballots_counted, 5);
    let totals: BTreeMap<ProposalId, u64> = tally
        .value
        .totals
        .iter()
        .map(|t| (t.project, t.total))
        .collect();
    let expected: BTreeMap<ProposalId, u64> = [(trees, 1), (bike, 1), (benches, 2), (library, 2)]
        .into_iter()
        .collect();
    assert_eq!(
        totals, expected,
        "the rejected project is not on the ballot"
    );
    assert!(!tally.value.selected.is_empty());
    for p in &tally.value.selected {
        assert_eq!(
            node.proposal(&v.id, p).unwrap().status,
            ProposalStatus::Selected
        );
    }

    // The log: openings of exactly the counted ballots, then the tally.
    let log = entries(&node, &v.id);
    let committed: Vec<_> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::BallotCommitted(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(committed.len(), 6, "superseded ballots stay in the log");
    let opened: Vec<_> = log
        .iter()
        .filter_map(|e| match e {
            LogEntry::BallotOpened(o) => Some(o.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(opened.len(), 5);
    assert!(opened.iter().all(|o| o.commitment != first.commitment));
    // Openings follow the log order of their commitments (the recount's order).
    let position = |c| committed.iter().position(|s| s.id().unwrap() == c).unwrap();
    let order: Vec<usize> = opened.iter().map(|o| position(o.commitment)).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for o in &opened {
        let signed = committed
            .iter()
            .find(|s| s.id().unwrap() == o.commitment)
            .unwrap();
        o.opening.opens(&signed.value).unwrap();
    }
    assert!(log.iter().any(|e| *e == LogEntry::Tallied(tally.clone())));
    let counted_at = node
        .checkpoint_at(&v.id, tally.value.checkpoint.size)
        .unwrap()
        .unwrap();
    assert_eq!(counted_at.checkpoint().root, tally.value.checkpoint.root.0);

    // After close: the receipt carries the opening, and the pre-close
    // checkpoint is consistent with the final one.
    let receipt = node.receipt(&v.id, &last.commitment).unwrap();
    assert_eq!(receipt.opening.as_ref(), Some(&last_ballot.opening));
    verify_receipt(&node, receipt, &last_ballot);
    let latest = node.latest_checkpoint(&v.id).unwrap().unwrap();
    assert_eq!(latest.checkpoint().size, node.log_size(&v.id).unwrap());
    let (old, new) = (early_checkpoint.checkpoint(), latest.checkpoint());
    let proof = node.consistency_proof(&v.id, old.size, new.size).unwrap();
    verify_consistency(
        &Blake3Hasher,
        old.size,
        new.size,
        &old.root,
        &new.root,
        &proof,
    )
    .unwrap();

    // The independent verifier checks the whole log and recounts it.
    let raw = node.log_entries(&v.id, 0, usize::MAX).unwrap();
    let keys = LogKeys::municipal(node.public_key(), key.clone());
    let report = verify_log(&raw, &keys, &latest).unwrap();
    assert_eq!(
        (report.counted, report.superseded, report.commitments),
        (5, 1, 6)
    );
    assert_eq!(report.totals, tally.value.totals);
    assert_eq!(report.selected, tally.value.selected);

    // Pabulib export reads back with the counted ballots.
    let files = node.export_pabulib(&v.id).unwrap();
    assert_eq!(files.len(), 1);
    let election = pabulib::parse(&files[0].text).unwrap();
    assert_eq!(election.voters.len(), 5);
    assert_eq!(election.projects.len(), 4);

    // Implementation: selected -> in progress -> done, never backwards.
    node.advance_phase(&v.id, Phase::Implementation).unwrap();
    let chosen = tally.value.selected[0];
    node.set_implementation_status(&v.id, &chosen, ProposalStatus::InProgress, "started")
        .unwrap();
    let p = node
        .record_progress(&v.id, &chosen, 40, "foundations")
        .unwrap();
    assert_eq!(p.progress.unwrap().percent, 40);
    node.set_implementation_status(&v.id, &chosen, ProposalStatus::Done, "")
        .unwrap();
    let err = node
        .set_implementation_status(&v.id, &chosen, ProposalStatus::InProgress, "")
        .unwrap_err();
    assert_eq!(err.code(), "invalid_status_change");
    assert!(node.record_progress(&v.id, &v.rejected, 10, "").is_err());
    assert!(matches!(
        entries(&node, &v.id).last(),
        Some(LogEntry::ProposalStatusChanged(c)) if c.change.status == ProposalStatus::Done
    ));
}

#[test]
fn whole_lifecycle_on_memory() {
    lifecycle(memory());
}

#[test]
fn whole_lifecycle_on_sled() {
    let dir = tempfile::tempdir().unwrap();
    lifecycle(sled(&dir));
}
