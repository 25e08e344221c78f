//! Request limits: a capped body reader and a per-client rate limiter.

use super::error::ApiError;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use warp::{Buf, Filter, Rejection};

/// The request body as bytes, refused with 413 past `limit` bytes: at once
/// when `Content-Length` says so, otherwise as soon as the stream passes the
/// limit (a chunked body has no length to check up front).
pub fn body(limit: u64) -> impl Filter<Extract = (Vec<u8>,), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and(warp::body::stream())
        .and_then(move |declared: Option<u64>, stream| async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(Rejection::from(ApiError::payload_too_large(limit)));
            }
            read_capped(stream, limit).await
        })
}

/// Collects `stream`, failing with 413 as soon as it passes `limit` bytes.
pub(crate) async fn read_capped<S, B>(stream: S, limit: u64) -> Result<Vec<u8>, Rejection>
where
    S: futures_util::Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut stream = std::pin::pin!(stream);
    let mut data = Vec::new();
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk
            .map_err(|e| ApiError::bad_request("bad_body", format!("cannot read the body: {e}")))?;
        if data.len() as u64 + chunk.remaining() as u64 > limit {
            return Err(ApiError::payload_too_large(limit).into());
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            data.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(data)
}

/// The request body parsed as JSON, at most `limit` bytes. A body that does
/// not parse gets 400 `bad_json` with serde's message (it names the field
/// and position).
pub fn json<T: DeserializeOwned + Send>(
    limit: u64,
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    body(limit).and_then(|bytes: Vec<u8>| async move {
        serde_json::from_slice::<T>(&bytes)
            .map_err(|e| Rejection::from(ApiError::bad_request("bad_json", e.to_string())))
    })
}

/// Who a request comes from, for rate limiting.
///
/// The peer address, unless the peer is a trusted reverse proxy: then the
/// right-most `X-Forwarded-For` address that is not itself a trusted proxy
/// (the left part of the header is whatever the client chose to send).
/// IPv6 clients are keyed by their /64, since one host usually holds a whole
/// /64 and could otherwise take a fresh bucket per request.
pub fn client_key(
    remote: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> IpAddr {
    let peer = remote.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let mut client = peer;
    if trusted.contains(&peer)
        && let Some(header) = forwarded_for
    {
        for hop in header.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if trusted.contains(&ip) => continue,
                Ok(ip) => {
                    client = ip;
                    break;
                }
                // A malformed hop: stop trusting the header there.
                Err(_) => break,
            }
        }
    }
    match client {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// A per-client token bucket, kept as the generic cell rate algorithm:
/// one instant per client (its "theoretical arrival time"), integer
/// durations only, no background refill task.
#[derive(Debug)]
pub struct RateLimiter {
    /// Time one request costs: 1 / rate.
    interval: Duration,
    /// How far ahead of now a client's arrival time may run: (burst - 1)
    /// intervals, so a fresh client can send `burst` requests at once.
    tolerance: Duration,
    clients: Mutex<HashMap<IpAddr, Instant>>,
    max_clients: usize,
}

impl RateLimiter {
    /// A limiter allowing `per_second` sustained and `burst` at once;
    /// `None` when `per_second` is 0 (limiting off).
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        if per_second == 0 {
            return None;
        }
        let interval = Duration::from_nanos(1_000_000_000 / u64::from(per_second));
        Some(RateLimiter {
            interval,
            tolerance: interval * burst.saturating_sub(1),
            clients: Mutex::new(HashMap::new()),
            max_clients: 100_000,
        })
    }

    /// Admits one request from `client` at `now`, or says how long to wait.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if clients.len() >= self.max_clients {
            // Forget clients whose bucket is full again: they are
            // indistinguishable from new ones. Bounds memory under a flood
            // of distinct addresses.
            clients.retain(|_, tat| *tat > now);
        }
        let tat = clients.get(&client).copied().unwrap_or(now).max(now);
        let ahead = tat - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        clients.insert(client, tat + self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_fresh_client_gets_its_burst_then_waits_one_interval() {
        let limiter = RateLimiter::new(10, 3).unwrap();
        let t0 = Instant::now();
        let a = ip("192.0.2.1");
        for _ in 0..3 {
            assert!(limiter.check(a, t0).is_ok());
        }
        let wait = limiter.check(a, t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(100));
        // Another client is not affected.
        assert!(limiter.check(ip("192.0.2.2"), t0).is_ok());
        // After the wait, exactly one more request.
        let t1 = t0 + wait;
        assert!(limiter.check(a, t1).is_ok());
        assert!(limiter.check(a, t1).is_err());
    }

    #[test]
    fn sustained_rate_is_admitted_forever() {
        let limiter = RateLimiter::new(5, 1).unwrap();
        let t0 = Instant::now();
        for i in 0..100u32 {
            let t = t0 + Duration::from_millis(200) * i;
            assert!(limiter.check(ip("198.51.100.7"), t).is_ok(), "request {i}");
        }
        assert!(RateLimiter::new(0, 10).is_none());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let other: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let trusted = [ip("127.0.0.1")];
        let header = Some("6.6.6.6, 198.51.100.4");
        assert_eq!(client_key(Some(other), header, &trusted), ip("203.0.113.9"));
        assert_eq!(client_key(Some(proxy), header, &[]), ip("127.0.0.1"));
        assert_eq!(
            client_key(Some(proxy), header, &trusted),
            ip("198.51.100.4")
        );
        assert_eq!(
            client_key(Some(proxy), Some("198.51.100.4, 127.0.0.1"), &trusted),
            ip("198.51.100.4")
        );
        assert_eq!(client_key(Some(proxy), None, &trusted), ip("127.0.0.1"));
    }

    #[test]
    fn ipv6_clients_share_their_slash_64() {
        let a: SocketAddr = "[2001:db8:1:2::1]:1".parse().unwrap();
        let b: SocketAddr = "[2001:db8:1:2:ffff::9]:1".parse().unwrap();
        let c: SocketAddr = "[2001:db8:1:3::1]:1".parse().unwrap();
        assert_eq!(
            client_key(Some(a), None, &[]),
            client_key(Some(b), None, &[])
        );
        assert_ne!(
            client_key(Some(a), None, &[]),
            client_key(Some(c), None, &[])
        );
    }
}

/// The body filters behind a real warp server, spoken to over raw TCP so a
/// test can send a chunked body with no Content-Length.
#[cfg(test)]
mod body_tests {
    use super::*;
    use crate::api::error::recover;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use warp::Reply;

    #[derive(serde::Deserialize)]
    struct Vote {
        choice: u32,
    }

    async fn serve() -> SocketAddr {
        let route = warp::post()
            .and(json::<Vote>(16))
            .map(|v: Vote| v.choice.to_string().into_response())
            .recover(recover)
            .unify();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(warp::serve(route).incoming(listener).run());
        addr
    }

    async fn exchange(addr: SocketAddr, request: String) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    fn plain(body: &str) -> String {
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    fn chunked(chunks: &[&str]) -> String {
        let mut req =
            "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_owned();
        for c in chunks {
            req.push_str(&format!("{:x}\r\n{c}\r\n", c.len()));
        }
        req.push_str("0\r\n\r\n");
        req
    }

    #[tokio::test]
    async fn good_json_within_the_limit_is_parsed() {
        let addr = serve().await;
        let r = exchange(addr, plain(r#"{"choice":7}"#)).await;
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.ends_with("\r\n7"), "{r}");
        let r = exchange(addr, chunked(&[r#"{"choi"#, r#"ce":8}"#])).await;
        assert!(r.ends_with("\r\n8"), "{r}");
    }

    #[tokio::test]
    async fn bad_json_is_400_with_the_parser_message() {
        let addr = serve().await;
        let r = exchange(addr, plain(r#"{"choice":"x"}"#)).await;
        assert!(r.starts_with("HTTP/1.1 400"), "{r}");
        assert!(r.contains(r#""error":"bad_json""#), "{r}");
        assert!(r.contains("invalid type: string"), "{r}");
    }

    #[tokio::test]
    async fn oversized_bodies_are_413_declared_or_chunked() {
        let addr = serve().await;
        let r = exchange(addr, plain(r#"{"choice":1,"pad":"xxxxxxxx"}"#)).await;
        assert!(r.starts_with("HTTP/1.1 413"), "{r}");
        assert!(r.contains(r#""error":"payload_too_large""#), "{r}");
        let r = exchange(addr, chunked(&[r#"{"choice":1,"#, r#""pad":"xxxxxxxx"}"#])).await;
        assert!(r.starts_with("HTTP/1.1 413"), "{r}");
    }
}
