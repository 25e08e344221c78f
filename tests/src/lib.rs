//! Integration-test support crate (the tests live in `integration/`):
//! an HTTP [`client`], an in-process [`node`], [`voter`] keys and ballots,
//! the request bodies of a sample process ([`fixtures`]) and that process
//! brought to the voting phase ([`scenario`]).

pub mod browser;
pub mod client;
pub mod fixtures;
pub mod node;
pub mod scenario;
pub mod voter;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `pbnode` binary of the profile these tests were built with. Cargo
/// builds another package's binary only when asked, so build it (a no-op
/// when up to date) into the same target directory first.
pub fn pbnode_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // <target>/<profile>/deps/integration-<hash>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary in <target>/<profile>/deps");
        let target_dir = profile_dir.parent().expect("target directory");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("profile name");
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let mut build = Command::new(cargo);
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "pbnode",
                "--bin",
                "pbnode",
                "--target-dir",
            ])
            .arg(target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            // The test process inherits cargo's per-package variables; some
            // build scripts (ring's) watch them, so passing them on would
            // rebuild the TLS stack on every run.
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PKG_NAME");
        if profile != "debug" {
            build.args(["--profile", profile]);
        }
        let status = build.status().expect("running cargo build");
        assert!(status.success(), "building pbnode failed");
        profile_dir.join(format!("pbnode{}", std::env::consts::EXE_SUFFIX))
    })
}

// Support for tests that kill the real binary and load it (crash, double
// voting, the ingest benchmark).
pub mod crash_support;
pub mod federation_net;
pub mod real_node;
pub mod voting_setup;
