//! The `pbnode` command line: argument definitions and dispatch. `main.rs`
//! only calls [`main`]; each subcommand lives in its own module and is a
//! plain function the tests can call.

pub mod demo;
pub mod federation;
pub mod init;
pub mod run;
pub mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// A federated participatory-budgeting node.
#[derive(Debug, Parser)]
#[command(name = "pbnode", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a node: data directory, node key, admin token, config file.
    Init(init::InitArgs),
    /// Serve a node created by `pbnode init`.
    Run(run::RunArgs),
    /// Count a Pabulib `.pb` election with a tally rule and explain the outcome.
    Tally(crate::tally_cmd::TallyArgs),
    /// Check a ballot receipt or a whole process log from outside the node.
    Verify(verify::VerifyArgs),
    /// Fill a running node with a demonstration process through its API.
    Demo(demo::DemoArgs),
    /// Make, sign and read the federation manifest.
    Federation(federation::FederationArgs),
}

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => init::main(&args),
        Command::Run(args) => run::main(&args),
        Command::Tally(args) => tally(&args),
        Command::Verify(args) => verify::main(&args),
        Command::Federation(args) => federation::main(&args),
        Command::Demo(args) => demo::main(&args),
    }
}

/// `pbnode tally`: prints the outcome, or the error with exit code 2 for bad
/// input (malformed file, unknown or inapplicable rule) and 1 otherwise.
fn tally(args: &crate::tally_cmd::TallyArgs) -> ExitCode {
    match crate::tally_cmd::run(args) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pbnode tally: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
