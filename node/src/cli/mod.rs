//! The `pbnode` command line: argument definitions and dispatch. `main.rs`
//! only calls [`main`]; each subcommand lives in its own module and is a
//! plain function the tests can call.

pub mod init;
pub mod run;

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
}

/// Parses the command line and runs the subcommand.
pub fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Init(args) => init::main(&args),
        Command::Run(args) => run::main(&args),
    }
}
