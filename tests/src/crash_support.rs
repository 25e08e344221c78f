//! What crash and load tests need beyond the plain [`Client`](crate::client::Client):
//! a seeded random source (a failing run can be replayed from its seed) and
//! a ballot cast that treats a dropped connection as an outcome, not a bug.

use crate::voter::SealedBallot;
use pbnode_protocol::objects::ProcessId;
use pbnode_protocol::receipt::Receipt;
use std::time::Duration;

/// SplitMix64: small, seedable, good enough to pick moments and voters.
#[derive(Debug, Clone)]
pub struct SeededRng(u64);

impl SeededRng {
    /// A generator that repeats its sequence for the same seed.
    pub fn new(seed: u64) -> Self {
        SeededRng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `range` (inclusive).
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True with probability one half.
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }
}

/// The seed of a test run: `PBNODE_TEST_SEED` when set (to replay a
/// failure), otherwise `default`.
pub fn test_seed(default: u64) -> u64 {
    std::env::var("PBNODE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A keep-alive HTTP agent whose statuses are answers, with a bound on
/// every request so a test cannot hang on a node that stopped answering.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// How a ballot sent to a node fared.
#[derive(Debug)]
pub enum CastOutcome {
    /// 201: durable, with the voter's receipt.
    Acknowledged(Box<Receipt>),
    /// 409 `duplicate_ballot`: this very commitment is already logged.
    Duplicate,
    /// Any other answer (status and body).
    Refused(u16, String),
    /// No answer: the connection failed or broke (the node died).
    Lost(String),
}

/// `POST {url}/api/v1/processes/{process}/ballots` with a request body
/// serialised beforehand; answers the status and the body unparsed (a
/// load generator should spend its CPU on sending, not on JSON).
pub fn post_ballot_body(
    agent: &ureq::Agent,
    url: &str,
    process: &ProcessId,
    body: &[u8],
) -> Result<(u16, String), String> {
    let mut response = agent
        .post(format!("{url}/api/v1/processes/{process}/ballots"))
        .header("content-type", "application/json")
        .send(body)
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("reading the answer: {e}"))?;
    Ok((status, text))
}

/// `POST {url}/api/v1/processes/{process}/ballots` with `ballot`.
pub fn try_cast(
    agent: &ureq::Agent,
    url: &str,
    process: &ProcessId,
    ballot: &SealedBallot,
) -> CastOutcome {
    let body = ballot.body().to_string();
    let (status, text) = match post_ballot_body(agent, url, process, body.as_bytes()) {
        Ok(answer) => answer,
        Err(e) => return CastOutcome::Lost(e),
    };
    match status {
        201 => match serde_json::from_str(&text) {
            Ok(receipt) => CastOutcome::Acknowledged(Box::new(receipt)),
            Err(e) => CastOutcome::Refused(status, format!("receipt does not parse ({e}): {text}")),
        },
        409 if text.contains("\"duplicate_ballot\"") => CastOutcome::Duplicate,
        _ => CastOutcome::Refused(status, text),
    }
}
