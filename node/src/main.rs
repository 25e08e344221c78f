//! `pbnode`: thin entry point; all logic lives in the `pbnode` library.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// A federated participatory-budgeting node.
#[derive(Parser)]
#[command(name = "pbnode", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Count a Pabulib `.pb` election with a tally rule and explain the outcome.
    Tally(pbnode::tally_cmd::TallyArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Tally(args) => match pbnode::tally_cmd::run(&args) {
            Ok(output) => {
                print!("{output}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("pbnode tally: {e}");
                ExitCode::from(e.exit_code())
            }
        },
    }
}
