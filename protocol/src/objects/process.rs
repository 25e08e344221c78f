//! A process definition: everything fixed before a PB process starts.

use super::jurisdiction::JurisdictionId;
use super::phase::PhaseSchedule;
use super::process_format::BallotFormat;
use super::strictly_sorted_by;
use crate::crypto::{PublicKey, Signable};
use crate::ids::Id;
use serde::{Deserialize, Serialize};

/// The id of a [`ProcessDef`].
pub type ProcessId = Id<ProcessDef>;

/// An amount of money: a count of the currency's smallest unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units (cents for EUR, grosz for PLN).
    pub minor_units: u64,
    /// ISO 4217 code ("EUR", "PLN").
    pub currency: String,
}

/// Title and description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    /// BCP 47 language tag ("pl", "en").
    pub lang: String,
    /// Title in that language.
    pub title: String,
    /// Description in that language.
    pub description: String,
}

/// A district of the process, with its own budget if the money is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// Short stable identifier ("north").
    pub id: String,
    /// Display name.
    pub name: String,
    /// This district's budget in minor units of the process currency, if
    /// the budget is split by district.
    pub budget: Option<u64>,
}

/// The tally rule and its version, as named by the tally module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Rule name ("greedy", "mes_add1").
    pub name: String,
    /// Version of the rule's definition (including tie-breaking).
    pub version: String,
}

/// Who may vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Reference to the census the municipality imported (name and date,
    /// or a hash of the census file); never the census itself.
    pub census: String,
}

/// A witness: a peer node that cosigns this process's checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    /// The witness's C2SP note key name (its verifier-key name, e.g.
    /// `witness.gdynia.example`), needed to check its cosignature lines.
    pub name: String,
    /// Its Ed25519 cosigning key.
    pub key: PublicKey,
}

/// The witnesses that must cosign checkpoints: `threshold` of `witnesses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessPolicy {
    /// The witnesses, sorted by key, no key twice.
    pub witnesses: Vec<Witness>,
    /// How many distinct witnesses must cosign (k of n).
    pub threshold: u32,
}

/// A participatory-budgeting process, signed by its owner jurisdiction.
/// Its id ([`ProcessId`]) is the hash of this definition, so it is logged
/// once and never changed; phase changes are separate log entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessDef {
    /// Human-readable identifier, unique within the owner ("budget-2027").
    pub slug: String,
    /// The jurisdiction that runs (or, for a regional process, defines) it.
    pub owner: JurisdictionId,
    /// Title and description per language, sorted by language tag.
    pub texts: Vec<LocalizedText>,
    /// Total budget.
    pub budget: Money,
    /// Districts, sorted by id; at least one.
    pub districts: Vec<District>,
    /// When each phase starts.
    pub schedule: PhaseSchedule,
    /// How ballots are filled in.
    pub ballot_format: BallotFormat,
    /// The tally rule.
    pub rule: RuleRef,
    /// Who may vote.
    pub eligibility: Eligibility,
    /// Who cosigns the log's checkpoints.
    pub witnesses: WitnessPolicy,
    /// For a regional process: the member jurisdictions that collect
    /// ballots, sorted; empty for a municipal process.
    pub members: Vec<JurisdictionId>,
}

impl Signable for ProcessDef {
    const TYPE: &'static str = "process-def";
}

/// What is wrong with a process definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessDefError {
    /// Texts are not sorted by language or a language repeats.
    #[error("texts must be sorted by language, one per language")]
    TextsNotSorted,
    /// There are no districts.
    #[error("a process needs at least one district")]
    NoDistricts,
    /// Districts are not sorted by id or an id repeats.
    #[error("districts must be sorted by id, ids unique")]
    DistrictsNotSorted,
    /// The schedule's start times decrease.
    #[error("phase start times must not decrease")]
    ScheduleNotOrdered,
    /// The ballot format's bounds are contradictory.
    #[error("ballot format bounds are inconsistent")]
    InconsistentFormat,
    /// Witnesses are not sorted by key or a key repeats.
    #[error("witnesses must be sorted by key, keys distinct")]
    WitnessesNotSorted,
    /// The witness threshold exceeds the number of witnesses.
    #[error("witness threshold {threshold} exceeds the {count} witnesses")]
    ThresholdTooHigh {
        /// The threshold.
        threshold: u32,
        /// The number of witness keys.
        count: usize,
    },
    /// Member jurisdictions are not sorted or repeat.
    #[error("member jurisdictions must be sorted and distinct")]
    MembersNotSorted,
}

impl ProcessDef {
    /// Checks the rules a valid definition follows beyond its types.
    pub fn check(&self) -> Result<(), ProcessDefError> {
        if !strictly_sorted_by(&self.texts, |t| t.lang.clone()) {
            return Err(ProcessDefError::TextsNotSorted);
        }
        if self.districts.is_empty() {
            return Err(ProcessDefError::NoDistricts);
        }
        if !strictly_sorted_by(&self.districts, |d| d.id.clone()) {
            return Err(ProcessDefError::DistrictsNotSorted);
        }
        if !self.schedule.is_ordered() {
            return Err(ProcessDefError::ScheduleNotOrdered);
        }
        if !self.ballot_format.is_consistent() {
            return Err(ProcessDefError::InconsistentFormat);
        }
        if !strictly_sorted_by(&self.witnesses.witnesses, |w| w.key) {
            return Err(ProcessDefError::WitnessesNotSorted);
        }
        let count = self.witnesses.witnesses.len();
        if usize::try_from(self.witnesses.threshold).map_or(true, |t| t > count) {
            return Err(ProcessDefError::ThresholdTooHigh {
                threshold: self.witnesses.threshold,
                count,
            });
        }
        if !strictly_sorted_by(&self.members, |m| *m) {
            return Err(ProcessDefError::MembersNotSorted);
        }
        Ok(())
    }

    /// The district with this id.
    pub fn district(&self, id: &str) -> Option<&District> {
        self.districts.iter().find(|d| d.id == id)
    }

    /// The budget that caps a ballot in `district`: the district's own
    /// budget if it has one, else the process budget.
    pub fn budget_for(&self, district: &str) -> u64 {
        self.district(district)
            .and_then(|d| d.budget)
            .unwrap_or(self.budget.minor_units)
    }
}
