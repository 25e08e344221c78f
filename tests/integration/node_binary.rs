//! The real `pbnode` binary as an operator runs it: `init`, then `run` on a
//! free port (the bound URL read from stdout), a health check, SIGTERM and a
//! clean exit; and the refusals (second init, secret readable by others).

use pbnode_tests::pbnode_binary;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn pbnode(args: &[&str]) -> Output {
    Command::new(pbnode_binary())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn init(data: &Path) -> Output {
    let out = pbnode(&[
        "init",
        "--data",
        data.to_str().unwrap(),
        "--name",
        "Binary Town",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Kills the child if a test fails before it exits by itself.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < limit,
            "pbnode did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `pbnode run` on a free port; returns the process and its URL.
fn start_run(data: &Path) -> (Running, String) {
    let child = Command::new(pbnode_binary())
        .args([
            "run",
            "--data",
            data.to_str().unwrap(),
            "--http",
            "127.0.0.1:0",
        ])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut node = Running(child);
    let mut lines = BufReader::new(node.0.stdout.take().unwrap()).lines();
    let first = lines.next().expect("pbnode printed nothing").unwrap();
    let url = first
        .strip_prefix("pbnode listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(!url.ends_with(":0"), "the real port is printed: {url}");
    (node, url)
}

fn healthz(url: &str) -> serde_json::Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut reply = agent.get(format!("{url}/healthz")).call().unwrap();
    assert_eq!(reply.status(), 200);
    serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap()
}

/// Sends `name` and checks the node exits 0 after a clean shutdown.
fn stop(mut node: Running, name: &str) {
    signal(&node.0, name);
    let status = wait_with_timeout(&mut node.0, Duration::from_secs(20));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut node.0.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "exit {status:?}; stderr:\n{stderr}");
    assert!(stderr.contains("stopped cleanly"), "{stderr}");
}

#[test]
fn init_then_run_serves_and_stops_cleanly_on_sigterm_and_sigint() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let out = init(&data);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("node public key: "), "{stdout}");
    assert!(stdout.contains("admin-token"), "{stdout}");

    let (node, url) = start_run(&data);
    assert_eq!(healthz(&url)["status"], "ok");
    stop(node, "TERM");

    // A restart opens the existing store (sled's lock was released).
    let (node, url) = start_run(&data);
    assert_eq!(
        healthz(&url)["store_format"],
        pbnode::store::migrate::CURRENT_FORMAT
    );
    stop(node, "INT");
}

#[test]
fn second_init_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    init(&data);
    let out = pbnode(&["init", "--data", data.to_str().unwrap(), "--name", "Twice"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already holds a node"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn run_refuses_a_secret_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    init(&data);
    let token = data.join("admin-token");
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = pbnode(&[
        "run",
        "--data",
        data.to_str().unwrap(),
        "--http",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&token.display().to_string()), "{stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing served");
}

#[test]
fn unknown_config_key_stops_run_and_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    init(&data);
    let config = data.join("pbnode.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("colour = \"blue\"\n{text}")).unwrap();
    let out = pbnode(&[
        "run",
        "--data",
        data.to_str().unwrap(),
        "--http",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("colour"), "{stderr}");
}
