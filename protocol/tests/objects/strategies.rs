//! proptest strategies for every object type. Values are structurally
//! arbitrary (any bytes for ids, any text, any numbers): encoding must work
//! for all of them, valid or not.

use pbnode_protocol::ballot::{
    BallotCommitment, BallotOpening, Commitment, Nonce, WithheldOpeningProof,
};
use pbnode_protocol::crypto::{PublicKey, Signable, Signed, SigningKey};
use pbnode_protocol::ids::{Digest, Id};
use pbnode_protocol::objects::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

pub fn signing_key() -> impl Strategy<Value = SigningKey> {
    any::<[u8; 32]>().prop_map(|seed| SigningKey::from_seed(&seed))
}

pub fn public_key() -> impl Strategy<Value = PublicKey> {
    signing_key().prop_map(|k| k.public_key())
}

pub fn id<T: 'static>() -> impl Strategy<Value = Id<T>> {
    any::<[u8; 32]>().prop_map(Id::from_bytes)
}

pub fn text() -> impl Strategy<Value = String> {
    // Any Unicode, short: multi-byte characters exercise the byte lengths.
    ".{0,12}"
}

fn signed<T: Signable + std::fmt::Debug>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Signed<T>> {
    (value, signing_key()).prop_map(|(v, k)| v.sign(&k).unwrap())
}

pub fn jurisdiction() -> impl Strategy<Value = Jurisdiction> {
    (text(), public_key(), option::of(id())).prop_map(|(name, key, parent)| Jurisdiction {
        name,
        key,
        parent,
    })
}

fn ballot_format() -> impl Strategy<Value = BallotFormat> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), any::<bool>()).prop_map(|(min, max, budget_cap)| {
            BallotFormat::Approval {
                min,
                max,
                budget_cap,
            }
        }),
        (any::<u32>(), any::<u32>()).prop_map(|(total_points, max_per_project)| {
            BallotFormat::Cumulative {
                total_points,
                max_per_project,
            }
        }),
        (any::<u32>(), any::<u32>(), any::<u32>()).prop_map(
            |(min_score, max_score, max_projects)| {
                BallotFormat::Scoring {
                    min_score,
                    max_score,
                    max_projects,
                }
            }
        ),
        (any::<u32>(), any::<u32>()).prop_map(|(min, max)| BallotFormat::Ranking { min, max }),
    ]
}

fn schedule() -> impl Strategy<Value = PhaseSchedule> {
    any::<[u64; 5]>().prop_map(|t| PhaseSchedule {
        proposals: t[0],
        review: t[1],
        voting: t[2],
        closed: t[3],
        implementation: t[4],
    })
}

fn phase() -> impl Strategy<Value = Phase> {
    prop_oneof![
        Just(Phase::Proposals),
        Just(Phase::Review),
        Just(Phase::Voting),
        Just(Phase::Closed),
        Just(Phase::Implementation),
    ]
}

pub fn process_def() -> impl Strategy<Value = ProcessDef> {
    let texts = vec(
        (text(), text(), text()).prop_map(|(lang, title, description)| LocalizedText {
            lang,
            title,
            description,
        }),
        0..3,
    );
    let districts = vec(
        (text(), text(), option::of(any::<u64>())).prop_map(|(id, name, budget)| District {
            id,
            name,
            budget,
        }),
        0..3,
    );
    let witness = (text(), public_key()).prop_map(|(name, key)| Witness { name, key });
    let witnesses =
        (vec(witness, 0..3), any::<u32>()).prop_map(|(witnesses, threshold)| WitnessPolicy {
            witnesses,
            threshold,
        });
    (
        (text(), id(), texts, any::<u64>(), text(), districts),
        (schedule(), ballot_format(), text(), text(), text()),
        (witnesses, vec(id(), 0..3)),
    )
        .prop_map(
            |(
                (slug, owner, texts, minor_units, currency, districts),
                (schedule, ballot_format, rule_name, rule_version, census),
                (witnesses, members),
            )| ProcessDef {
                slug,
                owner,
                texts,
                budget: Money {
                    minor_units,
                    currency,
                },
                districts,
                schedule,
                ballot_format,
                rule: RuleRef {
                    name: rule_name,
                    version: rule_version,
                },
                eligibility: Eligibility { census },
                witnesses,
                members,
            },
        )
}

pub fn phase_change() -> impl Strategy<Value = PhaseChange> {
    (id(), phase(), any::<u64>()).prop_map(|(process, phase, at)| PhaseChange {
        process,
        phase,
        at,
    })
}

pub fn proposal() -> impl Strategy<Value = Proposal> {
    let authors = vec(
        (text(), id()).prop_map(|(name, jurisdiction)| Author { name, jurisdiction }),
        0..3,
    );
    (id(), text(), text(), any::<u64>(), text(), text(), authors).prop_map(
        |(process, title, description, cost, district, category, authors)| Proposal {
            process,
            title,
            description,
            cost,
            district,
            category,
            authors,
        },
    )
}

fn status() -> impl Strategy<Value = ProposalStatus> {
    prop_oneof![
        Just(ProposalStatus::Submitted),
        Just(ProposalStatus::Accepted),
        Just(ProposalStatus::Rejected),
        Just(ProposalStatus::Selected),
        Just(ProposalStatus::InProgress),
        Just(ProposalStatus::Done),
    ]
}

pub fn status_change() -> impl Strategy<Value = ProposalStatusChange> {
    (id(), status(), any::<u64>(), text()).prop_map(|(proposal, status, at, reason)| {
        ProposalStatusChange {
            proposal,
            change: StatusChange { status, at, reason },
        }
    })
}

pub fn credential() -> impl Strategy<Value = VoterCredential> {
    (id(), text(), public_key(), any::<u64>()).prop_map(|(process, district, voter, issued_at)| {
        VoterCredential::V1 {
            process,
            district,
            voter,
            issued_at,
        }
    })
}

pub fn ballot() -> impl Strategy<Value = Ballot> {
    let choices = vec(
        (id(), any::<u32>()).prop_map(|(project, points)| Choice { project, points }),
        0..4,
    );
    (id(), text(), public_key(), choices).prop_map(|(process, district, voter, choices)| Ballot {
        process,
        district,
        voter,
        choices,
    })
}

pub fn commitment() -> impl Strategy<Value = BallotCommitment> {
    (id(), public_key(), any::<[u8; 32]>()).prop_map(|(process, voter, c)| BallotCommitment {
        process,
        voter,
        commitment: Commitment(c),
    })
}

pub fn opening() -> impl Strategy<Value = BallotOpening> {
    (ballot(), any::<[u8; 32]>()).prop_map(|(ballot, n)| BallotOpening {
        ballot,
        nonce: Nonce(n),
    })
}

pub fn ballot_opened() -> impl Strategy<Value = BallotOpened> {
    (id(), opening()).prop_map(|(commitment, opening)| BallotOpened {
        commitment,
        opening,
    })
}

pub fn withheld_proof() -> impl Strategy<Value = WithheldOpeningProof> {
    (signed(commitment()), opening()).prop_map(|(commitment, opening)| WithheldOpeningProof {
        commitment,
        opening,
    })
}

pub fn close() -> impl Strategy<Value = Close> {
    (id(), any::<u64>()).prop_map(|(process, at)| Close { process, at })
}

fn totals() -> impl Strategy<Value = Vec<ProjectTotal>> {
    vec(
        (id(), any::<u64>()).prop_map(|(project, total)| ProjectTotal { project, total }),
        0..4,
    )
}

pub fn tally() -> impl Strategy<Value = Tally> {
    (
        id(),
        any::<u64>(),
        any::<[u8; 32]>(),
        (text(), text()),
        any::<u64>(),
        totals(),
        vec(id(), 0..3),
    )
        .prop_map(
            |(process, size, root, (name, version), ballots_counted, totals, selected)| Tally {
                process,
                checkpoint: CheckpointRef {
                    size,
                    root: Digest(root),
                },
                rule: RuleRef { name, version },
                ballots_counted,
                totals,
                selected,
            },
        )
}

pub fn aggregate() -> impl Strategy<Value = Aggregate> {
    let members = vec(
        (id(), signed(tally()), text()).prop_map(|(jurisdiction, tally, checkpoint_note)| {
            MemberTally {
                jurisdiction,
                tally,
                checkpoint_note,
            }
        }),
        0..2,
    );
    (id(), members, (text(), text()), totals(), vec(id(), 0..3)).prop_map(
        |(process, members, (name, version), totals, selected)| Aggregate {
            process,
            members,
            rule: RuleRef { name, version },
            totals,
            selected,
        },
    )
}

pub fn log_entry() -> impl Strategy<Value = LogEntry> {
    prop_oneof![
        signed(process_def()).prop_map(LogEntry::ProcessDefined),
        phase_change().prop_map(LogEntry::PhaseChanged),
        proposal().prop_map(LogEntry::ProposalSubmitted),
        status_change().prop_map(LogEntry::ProposalStatusChanged),
        signed(credential()).prop_map(LogEntry::CredentialIssued),
        signed(commitment()).prop_map(LogEntry::BallotCommitted),
        ballot_opened().prop_map(LogEntry::BallotOpened),
        close().prop_map(LogEntry::Closed),
        signed(tally()).prop_map(LogEntry::Tallied),
        signed(aggregate()).prop_map(LogEntry::Aggregated),
        credential().prop_map(LogEntry::VoterRegistered),
    ]
}
