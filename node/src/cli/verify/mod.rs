//! `pbnode verify`: check a voter's receipt, or a whole process, from
//! outside the node, with the pure verifier of `pbnode_protocol`.
//!
//! Everything the node serves is checked against keys the user holds;
//! when the user holds none and the key is fetched from the node being
//! checked, the output says so, since a node checked against its own word
//! proves only that it is self-consistent.
//!
//! Exit codes: 0 verified, 1 verification failure (the evidence is wrong),
//! 2 bad input (arguments, unreadable or malformed files), 3 the node could
//! not be asked (network, error status, an answer of the wrong shape).

pub mod aggregate;
pub mod download;
pub mod keys;
pub mod process;
pub mod progress;
pub mod receipt;
pub mod source;

use crate::client::ClientError;
use clap::{Args, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// `pbnode verify` arguments.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// What to verify.
    #[command(subcommand)]
    pub target: VerifyTarget,
}

/// What `pbnode verify` checks.
#[derive(Debug, Subcommand)]
pub enum VerifyTarget {
    /// Check a ballot receipt offline, and with --node that the log still
    /// holds it and, after close, that it was opened as cast.
    Receipt(receipt::ReceiptArgs),
    /// Download a process log and recount it: every signature, the root,
    /// eligibility, the one-ballot rule, the openings, the signed tally.
    Process(process::ProcessArgs),
    /// Reproduce a region's signed aggregate from every member's log.
    Aggregate(aggregate::AggregateArgs),
}

/// Why a verification did not succeed; each kind has its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The evidence does not verify (exit 1).
    #[error("{0}")]
    Invalid(String),
    /// The input is unusable: arguments, files (exit 2).
    #[error("{0}")]
    BadInput(String),
    /// The node could not be asked, or answered outside the API (exit 3).
    #[error("{0}")]
    Network(#[from] ClientError),
}

impl Failure {
    /// The process exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) => 1,
            Failure::BadInput(_) => 2,
            Failure::Network(_) => 3,
        }
    }

    /// A one-word label for the start of the error line.
    fn label(&self) -> &'static str {
        match self {
            Failure::Invalid(_) => "FAILED",
            Failure::BadInput(_) => "bad input",
            Failure::Network(_) => "cannot reach the node",
        }
    }
}

/// Writes one line of the report to `out`. A closed stdout (`| head`) is
/// not a verification failure, so write errors are ignored.
pub(crate) fn say(out: &mut dyn Write, line: impl std::fmt::Display) {
    let _ = writeln!(out, "{line}");
}

/// Runs `pbnode verify`: the report on stdout, a failure on stderr with
/// its exit code.
pub fn main(args: &VerifyArgs) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match &args.target {
        VerifyTarget::Receipt(a) => receipt::run(a, &mut out),
        VerifyTarget::Process(a) => process::run(a, &mut out),
        VerifyTarget::Aggregate(a) => aggregate::run(a, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let what = match &args.target {
                VerifyTarget::Receipt(_) => "receipt",
                VerifyTarget::Process(_) => "process",
                VerifyTarget::Aggregate(_) => "aggregate",
            };
            eprintln!("pbnode verify {what}: {}: {failure}", failure.label());
            ExitCode::from(failure.exit_code())
        }
    }
}
