//! A real node in-process: `pbnode init` into a temp dir, then
//! `server::start` (sled store, HTTP on 127.0.0.1:0) on its own runtime,
//! so the test thread can use the blocking [`Client`].

use crate::client::Client;
use pbnode::cli::init::init;
use pbnode::config::{CONFIG_FILE, Config, FlagOverrides, load};
use pbnode::server::{self, RunningNode};
use std::path::{Path, PathBuf};

/// A serving node and what a test needs to talk to it.
pub struct TestNode {
    runtime: tokio::runtime::Runtime,
    node: Option<RunningNode>,
    data: PathBuf,
    /// The admin token `init` wrote.
    pub token: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for TestNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestNode")
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
}

/// The configuration of the node in `data` with an HTTP port picked by the
/// system, after `tweak`.
fn config_of(data: &Path, tweak: impl FnOnce(&mut Config)) -> Config {
    let flags = FlagOverrides {
        http_listen: Some(([127, 0, 0, 1], 0).into()),
        ..FlagOverrides::default()
    };
    let mut config = load(Some(&data.join(CONFIG_FILE)), &[], &flags)
        .unwrap_or_else(|e| panic!("config of {}: {e}", data.display()))
        .config;
    tweak(&mut config);
    config
}

impl TestNode {
    /// A new node called "Test Town" in a fresh temp dir, with rate
    /// limiting off, configured further by `tweak`.
    pub fn start(tweak: impl FnOnce(&mut Config)) -> TestNode {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let data = dir.path().join("node");
        init(&data, "Test Town", None).unwrap_or_else(|e| panic!("init: {e}"));
        let mut node = TestNode::start_in(&data, |c| {
            c.rate_limit.per_second = 0;
            tweak(c);
        });
        node._dir = Some(dir);
        node
    }

    /// Starts the node already initialised in `data` (kept on drop).
    pub fn start_in(data: &Path, tweak: impl FnOnce(&mut Config)) -> TestNode {
        let token = std::fs::read_to_string(data.join("admin-token"))
            .unwrap_or_else(|e| panic!("admin token: {e}"))
            .trim()
            .to_owned();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("runtime: {e}"));
        let config = config_of(data, tweak);
        let node = runtime
            .block_on(server::start(config))
            .unwrap_or_else(|e| panic!("start: {e}"));
        TestNode {
            runtime,
            node: Some(node),
            data: data.to_owned(),
            token,
            _dir: None,
        }
    }

    /// The running node.
    pub fn running(&self) -> &RunningNode {
        self.node
            .as_ref()
            .unwrap_or_else(|| panic!("the node is stopped"))
    }

    /// Its data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// A client without token.
    pub fn client(&self) -> Client {
        Client::new(&self.running().url())
    }

    /// A client with the admin token.
    pub fn admin(&self) -> Client {
        self.client().with_token(&self.token)
    }

    /// Stops the node gracefully (drain, stop the ballot writer, flush).
    pub fn stop(&mut self) {
        if let Some(node) = self.node.take() {
            self.runtime
                .block_on(node.shutdown())
                .unwrap_or_else(|e| panic!("shutdown: {e}"));
        }
    }

    /// Starts the stopped node again on its data (on a new port).
    pub fn restart(&mut self, tweak: impl FnOnce(&mut Config)) {
        self.stop();
        let config = config_of(&self.data, |c| {
            c.rate_limit.per_second = 0;
            tweak(c);
        });
        let node = self
            .runtime
            .block_on(server::start(config))
            .unwrap_or_else(|e| panic!("restart: {e}"));
        self.node = Some(node);
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(node) = self.node.take() {
            // Best effort: a failing test must still release its node.
            let _ = self.runtime.block_on(node.shutdown());
        }
    }
}
