//! A real headless Chromium driven over WebDriver (chromedriver), for the
//! browser end-to-end tests of the web UI: open a page, wait until it shows
//! something, type into fields and click, read what a person would read.
//!
//! The browser is found by `PBNODE_CHROMIUM` (else `/usr/bin/chromium`) and
//! its driver by `PBNODE_CHROMEDRIVER` (else `/usr/bin/chromedriver`). A
//! missing one fails the test with the command that installs it: a UI test
//! that silently skips would prove nothing.

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(30);

/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A program from `var`, else `default`, failing with how to install it.
fn program(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.is_file(),
        "{} not found: the web UI tests need headless Chromium and its driver. Install them \
         with `apt-get install chromium chromium-driver`, or set {var} to the program \
         (PBNODE_CHROMIUM for the browser, PBNODE_CHROMEDRIVER for the driver)",
        path.display()
    );
    path
}

/// A port that was free a moment ago (chromedriver takes a port number).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// One chromedriver process with one headless browser session.
pub struct Browser {
    driver: Child,
    endpoint: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh
    /// profile and a desktop-sized window.
    pub fn start() -> Browser {
        let chromium = program("PBNODE_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = program("PBNODE_CHROMEDRIVER", "/usr/bin/chromedriver");
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut browser = Browser {
            driver,
            endpoint,
            session: String::new(),
            agent,
            _profile: profile,
        };
        browser.wait_ready();
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--no-first-run".to_owned(),
            "--window-size=1200,900".to_owned(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let created = browser.call(
            "POST",
            "/session",
            Some(json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": chromium.display().to_string(), "args": args }
                } }
            })),
        );
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"))
            .to_owned();
        browser
    }

    fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            let ready = self
                .agent
                .get(format!("{}/status", self.endpoint))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver did not get ready"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One WebDriver command; returns its `value`, panics on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.endpoint);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("content-type", "application/json")
            .body(body.map(|b| b.to_string()).unwrap_or_default())
            .unwrap_or_else(|e| panic!("request {url}: {e}"));
        let mut response = self
            .agent
            .run(request)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .unwrap_or_else(|e| panic!("WebDriver answer: {e}"));
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("WebDriver answer is not JSON ({e}): {text}"));
        assert!(
            status < 300,
            "WebDriver {method} {path}: {status} {}",
            value["value"]
        );
        value["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Loads `url`.
    pub fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The text a reader sees in the page body (visible text only).
    pub fn page_text(&self) -> String {
        self.script(
            "return document.body ? document.body.innerText : '';",
            json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Waits until the page is not loading and its text satisfies `ready`;
    /// returns that text. Panics naming `what` with the text it last saw.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let busy = self.script(
                "const m = document.getElementById('main'); return !m || m.hasAttribute('aria-busy');",
                json!([]),
            );
            let text = self.page_text();
            if busy == false && ready(&text) {
                return text;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "the page never showed {what}; it shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page text contains every one of `needles`.
    pub fn wait_for_all(&self, needles: &[&str]) -> String {
        self.wait_for(&format!("{needles:?}"), |text| {
            needles.iter().all(|n| text.contains(n))
        })
    }

    fn find(&self, using: &str, value: &str) -> String {
        let found = self.session_call(
            "POST",
            "/element",
            Some(json!({ "using": using, "value": value })),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {value}: {found}"))
            .to_owned()
    }

    fn element(&self, css: &str) -> String {
        self.find("css selector", css)
    }

    /// Types `text` into the field `css` (cleared first), as a person would.
    pub fn fill(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session_call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.session_call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Chooses the option with value `value` of the select `css`.
    pub fn choose(&self, css: &str, value: &str) {
        let option = format!("{css} option[value=\"{value}\"]");
        let id = self.element(&option);
        self.session_call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Clicks the element `css`.
    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.session_call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Clicks the element found by `xpath` (to name a button by its label:
    /// `//button[normalize-space()='Accept']`).
    pub fn click_xpath(&self, xpath: &str) {
        let id = self.find("xpath", xpath);
        self.session_call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Resizes the window (e.g. to a phone's width).
    pub fn resize(&self, width: u32, height: u32) {
        self.session_call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Best effort: ends the browser; the driver is killed anyway.
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.endpoint, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
