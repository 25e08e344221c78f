//! The HTTP shell of a real node (sled store in a temp dir, server on
//! 127.0.0.1:0): health, metrics, the API description, and the error
//! contract every endpoint shares (404, 401, 413, 429 as JSON).

use pbnode::api::{Access, Method, route_table};
use pbnode::cli::init::init;
use pbnode::config::{CONFIG_FILE, Config, FlagOverrides, load};
use pbnode::server::{self, RunningNode};
use serde_json::Value;
use std::collections::BTreeSet;

/// A node created by `init` and started by `server::start`, on its own runtime
/// so the test thread can use a blocking HTTP client.
struct TestNode {
    runtime: tokio::runtime::Runtime,
    node: Option<RunningNode>,
    token: String,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Asserts the shared error contract: status, JSON `{error, message}`.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        let body = self.json();
        assert_eq!(body["error"], code, "{}", self.body);
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
    }
}

impl TestNode {
    fn start(tweak: impl FnOnce(&mut Config)) -> TestNode {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("node");
        init(&data, "Test Town", None).unwrap();
        let flags = FlagOverrides {
            http_listen: Some("127.0.0.1:0".parse().unwrap()),
            ..FlagOverrides::default()
        };
        let mut config = load(Some(&data.join(CONFIG_FILE)), &[], &flags)
            .unwrap()
            .config;
        tweak(&mut config);
        let token = std::fs::read_to_string(data.join("admin-token"))
            .unwrap()
            .trim()
            .to_owned();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let node = runtime.block_on(server::start(config)).unwrap();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        TestNode {
            runtime,
            node: Some(node),
            token,
            agent,
            _dir: dir,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.node.as_ref().unwrap().url())
    }

    fn send(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> Reply {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        self.exchange(request.body(body.to_vec()).unwrap())
    }

    fn send_with(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.exchange(request.body(Vec::new()).unwrap())
    }

    fn exchange(&self, request: ureq::http::Request<Vec<u8>>) -> Reply {
        let mut response = self.agent.run(request).unwrap();
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.body_mut().read_to_string().unwrap(),
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[])
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(node) = self.node.take() {
            self.runtime.block_on(node.shutdown()).unwrap();
        }
    }
}

#[test]
fn healthz_reports_the_store_format() {
    let node = TestNode::start(|_| {});
    let reply = node.get("/healthz");
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store_format"], pbnode::store::migrate::CURRENT_FORMAT);
}

#[test]
fn node_info_gives_the_key_init_made() {
    let node = TestNode::start(|_| {});
    let body = node.get("/api/v1/node").json();
    assert_eq!(body["name"], "Test Town");
    assert_eq!(body["slug"], "test-town");
    let key = hex::encode(node.node.as_ref().unwrap().node_key.public_key().as_bytes());
    assert_eq!(body["public_key"], key);
}

#[test]
fn metrics_count_requests_by_route_template_and_status() {
    let node = TestNode::start(|_| {});
    node.get("/healthz");
    node.get("/healthz");
    node.get("/no/such/thing");
    let reply = node.get("/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = &reply.body;
    assert!(
        text.contains(
            r#"pbnode_http_requests_total{method="GET",route="/healthz",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"pbnode_http_requests_total{method="GET",route="unmatched",status="404"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"pbnode_http_request_duration_seconds_count{method="GET",route="/healthz"} 2"#
        ),
        "{text}"
    );
}

#[test]
fn unknown_route_and_wrong_method_get_json_errors() {
    let node = TestNode::start(|_| {});
    node.get("/api/v1/nope")
        .assert_error(404, "route_not_found");
    // `/` is the web UI's page; any other path outside the table is not found.
    node.get("/nope").assert_error(404, "route_not_found");
    node.send("DELETE", "/healthz", None, &[])
        .assert_error(405, "method_not_allowed");
}

#[test]
fn admin_routes_need_the_right_token() {
    let node = TestNode::start(|_| {});
    let path = "/api/v1/admin/config";
    let missing = node.get(path);
    missing.assert_error(401, "unauthorized");
    assert_eq!(missing.headers["www-authenticate"], "Bearer");
    node.send("GET", path, Some("0000"), &[])
        .assert_error(401, "unauthorized");
    let last = if node.token.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &node.token[..node.token.len() - 1]);
    node.send("GET", path, Some(&wrong), &[])
        .assert_error(401, "unauthorized");
    let ok = node.send("GET", path, Some(&node.token), &[]);
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["name"], "Test Town");
}

#[test]
fn oversized_body_is_413_json() {
    let node = TestNode::start(|c| c.http.body_limit_bytes = 1024);
    let big = vec![b' '; 4096];
    node.send("GET", "/api/v1/node", None, &big)
        .assert_error(413, "payload_too_large");
    let small = vec![b' '; 512];
    assert_eq!(node.send("GET", "/api/v1/node", None, &small).status, 200);
}

#[test]
fn citizen_routes_are_rate_limited_per_client_with_retry_after() {
    let node = TestNode::start(|c| {
        c.rate_limit.per_second = 1;
        c.rate_limit.burst = 3;
    });
    for i in 0..3 {
        assert_eq!(node.get("/api/v1/node").status, 200, "request {i}");
    }
    let limited = node.get("/api/v1/node");
    limited.assert_error(429, "rate_limited");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 1, "a 1/s limit asks to wait one second");
    // Public routes are not limited.
    assert_eq!(node.get("/healthz").status, 200);
    // Without trusted proxies, a forged X-Forwarded-For does not buy a new bucket.
    let forged = node.send_with(
        "GET",
        "/api/v1/node",
        &[("x-forwarded-for", "198.51.100.1")],
    );
    forged.assert_error(429, "rate_limited");
}

#[test]
fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let node = TestNode::start(|c| {
        c.rate_limit.per_second = 1;
        c.rate_limit.burst = 2;
        c.http.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    });
    let alice = [("x-forwarded-for", "198.51.100.1")];
    let bob = [("x-forwarded-for", "spoofed, 198.51.100.2")];
    for _ in 0..2 {
        assert_eq!(node.send_with("GET", "/api/v1/node", &alice).status, 200);
    }
    node.send_with("GET", "/api/v1/node", &alice)
        .assert_error(429, "rate_limited");
    assert_eq!(node.send_with("GET", "/api/v1/node", &bob).status, 200);
}

/// Every route in the table is served (its request reaches a handler, not
/// the "no such route" answer) and appears in the OpenAPI document, and the
/// document lists nothing else. Together with the guard, which only admits
/// table routes, this makes the document exactly the served API.
#[test]
fn openapi_document_is_exactly_the_served_routes() {
    let node = TestNode::start(|c| c.rate_limit.per_second = 0);
    let reply = node.get("/api/v1/openapi.json");
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    assert_eq!(doc["openapi"], "3.1.0");

    let table = route_table();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let in_table: BTreeSet<_> = table
        .routes
        .iter()
        .map(|r| (r.method.openapi_name().to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(documented, in_table);

    for route in &table.routes {
        let mut path = route.path.to_owned();
        for param in route.path_params() {
            path = path.replace(&format!("{{{param}}}"), "0");
        }
        let method = route.method.http().to_string();
        let token = (route.access == Access::Admin).then_some(node.token.as_str());
        let body: &[u8] = if route.request.is_some() { b"{}" } else { b"" };
        let reply = node.send(&method, &path, token, body);
        let code = serde_json::from_str::<Value>(&reply.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned));
        assert!(
            !matches!(
                code.as_deref(),
                Some("route_not_found" | "method_not_allowed" | "unauthorized")
            ),
            "{} {} is in the table but not served: {} {}",
            method,
            route.path,
            reply.status,
            reply.body
        );
        // A made-up path parameter names nothing (404 is right there).
        if route.method == Method::Get
            && route.request.is_none()
            && route.path_params().next().is_none()
        {
            assert_eq!(reply.status, route.status, "{} {}", method, route.path);
        }
    }
}
