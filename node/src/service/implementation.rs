//! Implementation tracking of selected projects after close.

use super::records::{Progress, ProposalRecord};
use super::{Node, ServiceError, lock};
use pbnode_protocol::objects::{Phase, ProcessId, ProposalId, ProposalStatus};

/// Allowed implementation steps: forwards only, from selected.
fn allowed(from: ProposalStatus, to: ProposalStatus) -> bool {
    use ProposalStatus::*;
    matches!(
        (from, to),
        (Selected, InProgress) | (Selected, Done) | (InProgress, Done)
    )
}

impl Node {
    /// Records that a selected project is in progress or done (closed or
    /// implementation phase); logged as a `ProposalStatusChanged`.
    pub fn set_implementation_status(
        &self,
        process: &ProcessId,
        proposal: &ProposalId,
        status: ProposalStatus,
        note: &str,
    ) -> Result<ProposalRecord, ServiceError> {
        let log = self.process_log(process)?;
        let mut pl = lock(&log);
        self.record_in_phase(process, &[Phase::Implementation, Phase::Closed])?;
        let record = self.proposal(process, proposal)?;
        if !allowed(record.status, status) {
            return Err(ServiceError::InvalidStatusChange(format!(
                "{:?} cannot become {status:?} (selected -> in progress -> done)",
                record.status
            )));
        }
        self.change_status_locked(process, &mut pl, record, status, note.to_string())
    }

    /// Records implementation progress (percent and a note) of a selected
    /// project. Stored, not logged: only status changes are logged.
    pub fn record_progress(
        &self,
        process: &ProcessId,
        proposal: &ProposalId,
        percent: u8,
        note: &str,
    ) -> Result<ProposalRecord, ServiceError> {
        let log = self.process_log(process)?;
        let _pl = lock(&log);
        self.record_in_phase(process, &[Phase::Implementation, Phase::Closed])?;
        if percent > 100 {
            return Err(ServiceError::InvalidInput(
                "progress is 0 to 100 percent".into(),
            ));
        }
        let mut record = self.proposal(process, proposal)?;
        if !matches!(
            record.status,
            ProposalStatus::Selected | ProposalStatus::InProgress | ProposalStatus::Done
        ) {
            return Err(ServiceError::InvalidStatusChange(
                "only selected projects have implementation progress".into(),
            ));
        }
        record.progress = Some(Progress {
            percent,
            note: note.to_string(),
            at: self.now(),
        });
        self.put_proposal(process, &record)?;
        Ok(record)
    }
}
