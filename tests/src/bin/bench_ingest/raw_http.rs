//! A minimal HTTP/1.1 keep-alive client for the load generator.
//!
//! ureq costs about 130 us of CPU per request on the benchmark machine,
//! and the client shares the node's cores: a heavy client would measure
//! itself. This one writes a request built beforehand (head and body) and
//! reads the answer's status line, headers and `Content-Length` body,
//! nothing more: about what a browser's connection pool costs per request.

use std::io::{Read, Write};
use std::net::TcpStream;

/// The `host:port` of an `http://host:port` URL.
pub fn authority(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// A whole `POST` request: head and body.
pub fn post(authority: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// One keep-alive connection, one request in flight at a time.
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    /// Connects to `authority` (`host:port`).
    pub fn open(authority: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(authority)?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buffer: Vec::with_capacity(8192),
        })
    }

    /// Sends `request` and answers the response status and body.
    pub fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), String> {
        self.stream
            .write_all(request)
            .map_err(|e| format!("sending: {e}"))?;
        self.buffer.clear();
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            self.fill()?;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end])
            .map_err(|e| format!("response head is not UTF-8: {e}"))?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("no status in {head:?}"))?;
        let length: usize = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or_else(|| format!("no content-length in {head:?}"))?;
        while self.buffer.len() < head_end + length {
            self.fill()?;
        }
        Ok((status, self.buffer[head_end..head_end + length].to_vec()))
    }

    fn fill(&mut self) -> Result<(), String> {
        let mut chunk = [0u8; 8192];
        let n = self
            .stream
            .read(&mut chunk)
            .map_err(|e| format!("reading: {e}"))?;
        if n == 0 {
            return Err("the node closed the connection".into());
        }
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_drops_scheme_and_path() {
        assert_eq!(authority("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(authority("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
    }

    #[test]
    fn post_request_carries_its_body_length() {
        let request = post("h:1", "/p", b"{}");
        assert_eq!(
            request,
            b"POST /p HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
    }
}
