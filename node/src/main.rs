//! `pbnode`: thin entry point; all logic lives in the `pbnode` library.

fn main() -> std::process::ExitCode {
    pbnode::cli::main()
}
