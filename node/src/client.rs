//! A small blocking client for a node's public HTTP API (`/api/v1`), for
//! the verifier and the tests: one base URL, timeouts, capped response
//! sizes, and the API's JSON error bodies turned into readable errors.
//!
//! It decodes what the node serves but trusts none of it: the callers check
//! every checkpoint, proof and entry against keys they hold.

use pbnode_protocol::ids::Digest;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// The API's base path under the node's URL.
pub const API_PREFIX: &str = "/api/v1";
/// How long one request may take, connection to last byte, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest JSON answer read (a page of 1000 log entries with large
/// process definitions stays well below it).
pub const MAX_JSON_BYTES: u64 = 64 << 20;
/// The largest text answer read (a signed checkpoint is a few hundred bytes,
/// plus at most a few hundred cosignature lines).
pub const MAX_TEXT_BYTES: u64 = 256 << 10;
/// The largest page the node serves (`/log?limit=`).
pub const LOG_PAGE: u64 = 1000;

/// Why a request to the node gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The base URL is not an `http://` or `https://` URL.
    #[error("`{0}` is not a node URL (expected http://host:port or https://host)")]
    InvalidUrl(String),
    /// The request failed in transport: connection, TLS, timeout.
    #[error("GET {url}: {error}")]
    Transport {
        /// The URL requested.
        url: String,
        /// The transport's reason.
        error: ureq::Error,
    },
    /// The node answered with an error status.
    #[error("GET {url}: the node answered {status}{}: {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Status {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The API error code, when the body was the API's JSON error.
        code: Option<String>,
        /// The API's message, or the start of the body.
        message: String,
    },
    /// The answer is larger than the cap for its kind.
    #[error("GET {url}: the answer exceeds {limit} bytes")]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// The answer does not have the shape the API contract gives it.
    #[error("GET {url}: unexpected answer: {reason}")]
    Malformed {
        /// The URL requested.
        url: String,
        /// What was wrong.
        reason: String,
    },
}

impl ClientError {
    /// The API error code of an error status (`not_found`, `not_closed`, ...).
    pub fn api_code(&self) -> Option<&str> {
        match self {
            ClientError::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `GET /node`: who the node says it is.
#[derive(Debug, Clone, Deserialize)]
pub struct NodeInfo {
    /// Display name.
    pub name: String,
    /// Jurisdiction slug (the origin component of its logs).
    pub slug: String,
    /// The node's Ed25519 public key, hex.
    pub public_key: String,
}

/// `GET /processes/{p}/log-key`: the keys of one process log, as the node
/// states them (a verifier that pins its own keys does not need this).
#[derive(Debug, Clone, Deserialize)]
pub struct LogKeyInfo {
    /// The C2SP verifier key of the log's checkpoints.
    pub vkey: String,
    /// The node key (credentials, tally), hex.
    pub node_key: String,
    /// The log's origin line.
    pub origin: String,
}

/// `GET /processes/{p}/log`: one page of entries.
#[derive(Debug, Clone, Deserialize)]
pub struct LogPage {
    /// The log's size when the page was read.
    pub size: u64,
    /// The index of the first entry of the page.
    pub start: u64,
    /// Canonical leaf bytes, hex.
    pub entries: Vec<String>,
}

#[derive(Deserialize)]
struct ProofAnswer {
    proof: Vec<Digest>,
}

#[derive(Deserialize)]
struct ApiErrorBody {
    error: String,
    message: String,
}

/// A blocking client of one node.
#[derive(Debug, Clone)]
pub struct Client {
    /// `<node URL>/api/v1`, without a trailing slash.
    api: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the node at `base_url` (`http://host:port`; a trailing
    /// `/api/v1` is accepted), each request limited to `timeout`.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Client, ClientError> {
        let trimmed = base_url.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("http://")
            .or_else(|| trimmed.strip_prefix("https://"));
        if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
            return Err(ClientError::InvalidUrl(base_url.to_owned()));
        }
        let root = trimmed.strip_suffix(API_PREFIX).unwrap_or(trimmed);
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Ok(Client {
            api: format!("{root}{API_PREFIX}"),
            agent,
        })
    }

    /// The full URL of an API path (`/processes/...`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }

    /// GETs `path` and returns the body, at most `limit` bytes, or the
    /// node's error.
    pub fn get_bytes(&self, path: &str, limit: u64) -> Result<Vec<u8>, ClientError> {
        let url = self.url(path);
        let transport = |error| ClientError::Transport {
            url: url.clone(),
            error,
        };
        let mut response = self.agent.get(&url).call().map_err(transport)?;
        let status = response.status().as_u16();
        let body = match response.body_mut().with_config().limit(limit).read_to_vec() {
            Ok(body) => body,
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return Err(ClientError::TooLarge { url, limit });
            }
            Err(error) => return Err(transport(error)),
        };
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let (code, message) = match serde_json::from_slice::<ApiErrorBody>(&body) {
            Ok(e) => (Some(e.error), e.message),
            Err(_) => (None, excerpt(&body)),
        };
        Err(ClientError::Status {
            url,
            status,
            code,
            message,
        })
    }

    /// GETs `path` as JSON of type `T`.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let body = self.get_bytes(path, MAX_JSON_BYTES)?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Malformed {
            url: self.url(path),
            reason: e.to_string(),
        })
    }

    /// GETs `path` as UTF-8 text.
    pub fn get_text(&self, path: &str) -> Result<String, ClientError> {
        let body = self.get_bytes(path, MAX_TEXT_BYTES)?;
        String::from_utf8(body).map_err(|_| ClientError::Malformed {
            url: self.url(path),
            reason: "the text is not UTF-8".into(),
        })
    }

    /// `GET /node`.
    pub fn node_info(&self) -> Result<NodeInfo, ClientError> {
        self.get_json("/node")
    }

    /// `GET /processes/{p}/log-key`.
    pub fn log_key(&self, process: &str) -> Result<LogKeyInfo, ClientError> {
        self.get_json(&format!("/processes/{process}/log-key"))
    }

    /// `GET /processes/{p}/checkpoint`: the latest signed checkpoint, as text.
    pub fn checkpoint(&self, process: &str) -> Result<String, ClientError> {
        self.get_text(&format!("/processes/{process}/checkpoint"))
    }

    /// `GET /processes/{p}/proofs/inclusion?index=&size=`.
    pub fn inclusion_proof(
        &self,
        process: &str,
        index: u64,
        size: u64,
    ) -> Result<Vec<Digest>, ClientError> {
        let path = format!("/processes/{process}/proofs/inclusion?index={index}&size={size}");
        Ok(self.get_json::<ProofAnswer>(&path)?.proof)
    }

    /// `GET /processes/{p}/proofs/consistency?old=&new=`.
    pub fn consistency_proof(
        &self,
        process: &str,
        old: u64,
        new: u64,
    ) -> Result<Vec<Digest>, ClientError> {
        let path = format!("/processes/{process}/proofs/consistency?old={old}&new={new}");
        Ok(self.get_json::<ProofAnswer>(&path)?.proof)
    }
}

/// The start of a non-JSON error body, printable.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        "(empty body)".into()
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_and_normalised() {
        let t = DEFAULT_TIMEOUT;
        let c = Client::new("http://127.0.0.1:8080/", t).unwrap();
        assert_eq!(
            c.url("/node"),
            "http://127.0.0.1:8080/api/v1/node",
            "trailing slash dropped"
        );
        let c = Client::new("https://pb.example.org/api/v1", t).unwrap();
        assert_eq!(c.url("/node"), "https://pb.example.org/api/v1/node");
        for bad in ["127.0.0.1:8080", "ftp://x", "http://", "http://a b"] {
            assert!(
                matches!(Client::new(bad, t), Err(ClientError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_refused_connection_is_a_transport_error_naming_the_url() {
        // A port that was just free: bind it, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let c = Client::new(&base, Duration::from_secs(5)).unwrap();
        let e = c.node_info().unwrap_err();
        assert!(matches!(e, ClientError::Transport { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("GET {base}/api/v1/node: "))
        );
    }
}
