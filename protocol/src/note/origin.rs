//! pbnode's origin line convention: `pbnode/<jurisdiction>/<process>`.
//!
//! One log per PB process, so the origin names the jurisdiction that runs the
//! process and the process id. Components are restricted to `a-z 0-9 - . _`
//! so that the origin is also a valid note key name (no space, no `+`): the
//! log's key name is the origin, as tlog-checkpoint recommends. The
//! jurisdiction component is the slug registered in the federation manifest;
//! a node without one uses the first 16 hex digits of its Ed25519 public key.

use super::error::OriginError;

/// First component of every pbnode origin.
pub const ORIGIN_PREFIX: &str = "pbnode";

/// Longest component, in bytes.
pub const MAX_COMPONENT_LEN: usize = 64;

fn check_component(component: &str) -> Result<(), OriginError> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b);
    if component.is_empty()
        || component.len() > MAX_COMPONENT_LEN
        || !component.bytes().all(allowed)
    {
        return Err(OriginError::InvalidComponent(component.to_owned()));
    }
    Ok(())
}

/// The origin line of a process log: `pbnode/<jurisdiction>/<process_id>`.
pub fn process_log_origin(jurisdiction: &str, process_id: &str) -> Result<String, OriginError> {
    check_component(jurisdiction)?;
    check_component(process_id)?;
    Ok(format!("{ORIGIN_PREFIX}/{jurisdiction}/{process_id}"))
}

/// Splits a pbnode origin into (jurisdiction, process id).
pub fn parse_process_log_origin(origin: &str) -> Result<(&str, &str), OriginError> {
    let not_pbnode = || OriginError::NotPbnode(origin.to_owned());
    let mut parts = origin.split('/');
    let (Some(ORIGIN_PREFIX), Some(jurisdiction), Some(process), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(not_pbnode());
    };
    check_component(jurisdiction)?;
    check_component(process)?;
    Ok((jurisdiction, process))
}
