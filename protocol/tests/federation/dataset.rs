//! The regional dataset over members' own processes.

use crate::region::*;
use pbnode_protocol::objects::{JurisdictionId, Proposal};
use pbnode_protocol::recount::aggregate::{
    Funds, MemberProcess, Participation, VerificationStatus, regional_dataset,
};
use pbnode_protocol::recount::{LogKeys, RecountReport, verify_log};

/// A member's process, recounted from its log (the member logs of the test
/// region stand in for municipal processes: the dataset only reads the
/// definition, the proposals and the recount).
fn member_process(node: &MemberNode) -> MemberProcess {
    let log = node.member_log();
    let keys = LogKeys {
        owner_id: None,
        ..log.keys.clone()
    };
    let proposals: Vec<Proposal> = (0..PROPOSALS.len()).map(|i| proposal(node.id, i)).collect();
    MemberProcess {
        jurisdiction: node.spec.id(),
        name: node.spec.name.into(),
        process: node.process.clone(),
        proposals,
        verification: verify_log(&log.entries, &keys, &log.checkpoint).map_err(|e| e.to_string()),
    }
}

#[test]
fn participation_and_funds_per_member_and_per_currency() {
    let region = two_members();
    let members: Vec<MemberProcess> = region.members.iter().map(member_process).collect();
    let dataset = regional_dataset(&members).unwrap();
    assert_eq!(dataset.members.len(), 2);
    let ids: Vec<JurisdictionId> = dataset.members.iter().map(|m| m.jurisdiction).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    for row in &dataset.members {
        assert_eq!(row.status, VerificationStatus::Ok);
        assert_eq!(
            row.participation,
            Some(Participation {
                ballots_counted: 3,
                credentials: 3,
                per_mille: Some(1000)
            })
        );
        let spent: u64 = row.by_category.iter().map(|f| f.amount).sum();
        let by_district: u64 = row.by_district.iter().map(|f| f.amount).sum();
        assert_eq!(spent, by_district);
        assert!(spent <= row.budget);
    }
    // Gdańsk alone: bike route 2 approvals, tram 1, lifeguards 1: bike
    // (600k, leisure, coast), then the tram or the lifeguards by id; both fit.
    let gdansk = dataset
        .members
        .iter()
        .find(|m| m.jurisdiction == GDANSK.id())
        .unwrap();
    assert_eq!(gdansk.by_district[0].key, "coast");
    assert!(
        gdansk
            .by_category
            .iter()
            .any(|f| f.key == "leisure" && f.amount >= 600_000)
    );
    assert_eq!(dataset.totals.len(), 1);
    let pln = &dataset.totals[0];
    assert_eq!(pln.currency, "PLN");
    assert_eq!(pln.processes, 2);
    assert_eq!(pln.budget, 2_000_000);
    assert_eq!(pln.participation.ballots_counted, 6);
    let region_sum: u64 = pln.by_category.iter().map(|f| f.amount).sum();
    let member_sum: u64 = dataset
        .members
        .iter()
        .flat_map(|m| &m.by_category)
        .map(|f| f.amount)
        .sum();
    assert_eq!(region_sum, member_sum);
}

#[test]
fn a_member_that_does_not_verify_is_listed_with_its_error_and_no_figures() {
    let region = two_members();
    let mut members: Vec<MemberProcess> = region.members.iter().map(member_process).collect();
    members[0].verification = Err("the entries hash to another root".into());
    // A recount whose selection is not among the proposals given.
    let mut report: RecountReport = members[1].verification.clone().unwrap();
    report
        .selected
        .push(pbnode_protocol::ids::Id::from_bytes([0xee; 32]));
    members[1].verification = Ok(report);
    let dataset = regional_dataset(&members).unwrap();
    for row in &dataset.members {
        assert!(matches!(row.status, VerificationStatus::Failed(_)));
        assert_eq!(row.participation, None);
        assert_eq!(row.by_category, Vec::<Funds>::new());
    }
    let first = dataset
        .members
        .iter()
        .find(|m| m.jurisdiction == region.members[0].spec.id())
        .unwrap();
    assert_eq!(
        first.status,
        VerificationStatus::Failed("the entries hash to another root".into())
    );
    assert!(dataset.totals.is_empty());
    // The dataset is plain JSON for the dashboard.
    let json = serde_json::to_value(&dataset).unwrap();
    assert!(json["members"][0]["status"]["Failed"].is_string());
}

#[test]
fn participation_is_exact_integer_per_mille() {
    let region = build(&[GDANSK], |node| {
        node.vote(30, "coast", &[0]);
        node.vote(31, "coast", &[0]);
    });
    let mut member = member_process(&region.members[0]);
    let mut report = member.verification.clone().unwrap();
    report.credentials = 3;
    member.verification = Ok(report);
    let dataset = regional_dataset(&[member]).unwrap();
    assert_eq!(
        dataset.members[0].participation.unwrap().per_mille,
        Some(666)
    );
}
