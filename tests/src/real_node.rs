//! The real `pbnode` binary as an operator runs it, for tests that must
//! kill it: `pbnode init`, then `pbnode run --http 127.0.0.1:0` (rate limits
//! off), the URL read from its stdout, SIGKILL and restarts on the same data.
//!
//! Its stdout and stderr go to files beside the data directory (one pair per
//! start): a pipe nobody reads would block a chatty node, and the files are
//! there to read when a test fails.

use crate::client::Client;
use crate::pbnode_binary;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a start may take before the test gives up.
const START_LIMIT: Duration = Duration::from_secs(60);

/// One `pbnode run` process over a data directory that outlives it.
#[derive(Debug)]
pub struct RealNode {
    data: PathBuf,
    child: Option<Child>,
    url: String,
    starts: u32,
    /// Extra environment of every start (federation settings).
    env: Vec<(String, String)>,
    /// The libp2p addresses the current run announced (`pbnode p2p on`).
    p2p: Vec<String>,
    /// The admin token `pbnode init` wrote.
    pub token: String,
}

/// Runs `pbnode init --data DATA --name NAME`, panicking with its stderr if
/// it fails.
pub fn init_data(data: &Path, name: &str) {
    let out = Command::new(pbnode_binary())
        .args(["init", "--data"])
        .arg(data)
        .args(["--name", name])
        .env_remove("RUST_LOG")
        .output()
        .unwrap_or_else(|e| panic!("running pbnode init: {e}"));
    assert!(
        out.status.success(),
        "pbnode init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl RealNode {
    /// Starts `pbnode run` on the data directory made by [`init_data`].
    pub fn start(data: &Path) -> RealNode {
        RealNode::start_with_env(data, Vec::new())
    }

    /// Starts `pbnode run` with extra `PBNODE_*` variables (kept for
    /// restarts). With federation on, waits for its libp2p addresses too.
    pub fn start_with_env(data: &Path, env: Vec<(String, String)>) -> RealNode {
        let token = std::fs::read_to_string(data.join("admin-token"))
            .unwrap_or_else(|e| panic!("admin token: {e}"))
            .trim()
            .to_owned();
        let mut node = RealNode {
            data: data.to_owned(),
            child: None,
            url: String::new(),
            starts: 0,
            env,
            p2p: Vec::new(),
            token,
        };
        node.spawn();
        node
    }

    fn log_path(&self, stream: &str) -> PathBuf {
        let name = format!("run-{}.{stream}", self.starts);
        self.data.parent().unwrap_or(&self.data).join(name)
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let (out_path, err_path) = (self.log_path("out"), self.log_path("err"));
        let create = |p: &Path| File::create(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let child = Command::new(pbnode_binary())
            .args(["run", "--data"])
            .arg(&self.data)
            .args(["--http", "127.0.0.1:0"])
            .env_remove("RUST_LOG")
            .env("PBNODE_RATE_LIMIT_PER_SECOND", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(create(&out_path))
            .stderr(create(&err_path))
            .spawn()
            .unwrap_or_else(|e| panic!("starting pbnode run: {e}"));
        self.child = Some(child);
        let started = Instant::now();
        let federated = self
            .env
            .iter()
            .any(|(k, v)| k == "PBNODE_FEDERATION" && v == "true");
        loop {
            let out = std::fs::read_to_string(&out_path).unwrap_or_default();
            let complete: Vec<&str> = match out.rfind('\n') {
                Some(end) => out[..end].lines().collect(),
                None => Vec::new(),
            };
            if let Some(line) = complete.first() {
                let url = line
                    .strip_prefix("pbnode listening on ")
                    .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
                self.url = url.to_owned();
                self.p2p = complete
                    .iter()
                    .filter_map(|l| l.strip_prefix("pbnode p2p on "))
                    .map(str::to_owned)
                    .collect();
                if !federated || !self.p2p.is_empty() {
                    return;
                }
            }
            if let Some(status) = self.child_mut().try_wait().ok().flatten() {
                panic!("pbnode run exited ({status}): {}", self.stderr());
            }
            assert!(
                started.elapsed() < START_LIMIT,
                "pbnode run printed no URL within {START_LIMIT:?}: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .unwrap_or_else(|| panic!("the node is not running"))
    }

    /// What the current (or last) run wrote to stderr.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.log_path("err")).unwrap_or_default()
    }

    /// `http://127.0.0.1:PORT` of the current run (a new port each start).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The libp2p addresses of the current run (`/ip4/.../p2p/<peer id>`).
    pub fn p2p_addrs(&self) -> &[String] {
        &self.p2p
    }

    /// The data directory.
    pub fn data(&self) -> &Path {
        &self.data
    }

    /// The operating system's id of the current run.
    pub fn pid(&self) -> u32 {
        self.child
            .as_ref()
            .map(Child::id)
            .unwrap_or_else(|| panic!("the node is not running"))
    }

    /// How many times the node was started.
    pub fn starts(&self) -> u32 {
        self.starts
    }

    /// A client without token.
    pub fn client(&self) -> Client {
        Client::new(&self.url)
    }

    /// A client with the admin token.
    pub fn admin(&self) -> Client {
        self.client().with_token(&self.token)
    }

    /// SIGKILL: the process dies at once, mid-write or not, and is reaped.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // On Unix, Child::kill is SIGKILL.
            child
                .kill()
                .unwrap_or_else(|e| panic!("killing pbnode: {e}"));
            child
                .wait()
                .unwrap_or_else(|e| panic!("reaping pbnode: {e}"));
        }
    }

    /// Starts the node again on the same data directory.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// SIGTERM and a clean exit (status 0) within 30 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap_or_else(|e| panic!("kill -TERM: {e}"));
        assert!(sent.success());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().ok().flatten() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("pbnode did not stop on SIGTERM: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(status.success(), "exit {status}: {}", self.stderr());
    }
}

impl Drop for RealNode {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
