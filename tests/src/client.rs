//! A blocking HTTP client for a node's API, as a browser or `pbnode verify`
//! would speak to it. Statuses are answers, not errors: every call returns
//! a [`Reply`] whatever its status, and the test asserts on it.

use serde_json::Value;

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: ureq::http::HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The body parsed as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// Asserts the status and returns the JSON body.
    pub fn expect_json(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        self.json()
    }

    /// Asserts the status and returns the text body.
    pub fn expect_text(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "{}", self.body);
        &self.body
    }

    /// Asserts the shared error contract: this status and the JSON body
    /// `{"error": code, "message": <non-empty>}`.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        let body = self.json();
        assert_eq!(body["error"], code, "{}", self.body);
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
    }

    /// The `Content-Type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
    }
}

/// A client of one node, optionally holding the admin token (sent with
/// every request it makes).
#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("admin", &self.token.is_some())
            .finish()
    }
}

impl Client {
    /// A client of the node at `base` (`http://127.0.0.1:PORT`), without token.
    pub fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            token: None,
            agent,
        }
    }

    /// The same node, sending `token` as `Authorization: Bearer`.
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// The same node, without token.
    pub fn anonymous(&self) -> Client {
        Client {
            token: None,
            ..self.clone()
        }
    }

    /// The node's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends any request; `path` starts with `/`.
    pub fn send(&self, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let request = request
            .body(body.to_vec())
            .unwrap_or_else(|e| panic!("bad request {method} {path}: {e}"));
        let mut response = self
            .agent
            .run(request)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response
                .body_mut()
                .with_config()
                .limit(256 * 1024 * 1024)
                .read_to_string()
                .unwrap_or_else(|e| panic!("{method} {path}: reading the body: {e}")),
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[])
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    /// `PUT path` with a JSON body.
    pub fn put_json(&self, path: &str, body: &Value) -> Reply {
        self.send(
            "PUT",
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    }

    /// `POST path` with raw bytes (`content_type`, e.g. `text/csv`).
    pub fn post_raw(&self, path: &str, content_type: &str, body: &[u8]) -> Reply {
        self.send("POST", path, Some(content_type), body)
    }

    /// `POST path` with no body.
    pub fn post_empty(&self, path: &str) -> Reply {
        self.send("POST", path, None, &[])
    }
}
