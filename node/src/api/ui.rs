//! The browser UI: the static files of `web/`, embedded in the binary so
//! that a node serves its UI offline, with nothing to install beside it.
//!
//! `GET /` answers `web/index.html`; `GET /ui/<name>` answers the asset
//! `web/<name>` listed in [`ASSETS`], and nothing else (an unknown name is
//! the API's JSON 404). These are not API routes: they are mounted in front
//! of the route table's guard (see [`super::routes()`]), so the OpenAPI
//! document stays exactly the JSON API. The UI itself only calls that API.
//!
//! The file names carry no version, so every answer says `no-cache` with an
//! `ETag` (the content's BLAKE3): a browser revalidates and gets a 304 while
//! the binary is the same, and the new files right after an upgrade.

use std::sync::OnceLock;
use warp::filters::BoxedFilter;
use warp::http::{HeaderValue, StatusCode, header};
use warp::reply::Response;
use warp::{Filter, Reply};

/// One embedded file of `web/`.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// Its path under `web/` (and under `/ui/` in URLs).
    pub name: &'static str,
    /// Its `Content-Type`.
    pub media: &'static str,
    /// Its bytes.
    pub body: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
// Browsers run ES modules only when served with a JavaScript media type.
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

macro_rules! asset {
    ($name:literal, $media:expr) => {
        Asset {
            name: $name,
            media: $media,
            body: include_bytes!(concat!("../../../web/", $name)),
        }
    };
}

/// `web/index.html`, served at `/`.
pub const INDEX: Asset = asset!("index.html", HTML);

/// Every file served under `/ui/` (a test checks this list is exactly the
/// files of `web/` besides `index.html`).
pub const ASSETS: &[Asset] = &[
    asset!("app.css", CSS),
    asset!("icon.svg", SVG),
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("dom.js", JS),
    asset!("format.js", JS),
    asset!("banner.js", JS),
    asset!("views/overview.js", JS),
    asset!("views/process.js", JS),
    asset!("views/proposal.js", JS),
    asset!("views/results.js", JS),
    asset!("views/log.js", JS),
    asset!("views/federation.js", JS),
    asset!("views/receipt.js", JS),
    asset!("views/admin.js", JS),
    asset!("verify/bytes.js", JS),
    asset!("verify/blake3.js", JS),
    asset!("verify/canonical.js", JS),
    asset!("verify/ed25519.js", JS),
    asset!("verify/merkle.js", JS),
    asset!("verify/note.js", JS),
    asset!("verify/receipt.js", JS),
];

/// Only the node's own scripts, styles and API; no inline script, no
/// framing (the admin page holds a token).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; \
                   frame-ancestors 'none'";

/// The asset served at `/ui/<name>`.
pub fn asset(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// The quoted strong `ETag` of an asset (its content hash), computed once.
fn etag(asset: &Asset) -> &'static str {
    static TAGS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        std::iter::once(&INDEX)
            .chain(ASSETS)
            .map(|a| {
                let hash = blake3::hash(a.body).to_hex();
                (a.name, format!("\"{}\"", &hash[..32]))
            })
            .collect()
    });
    tags.iter()
        .find(|(name, _)| *name == asset.name)
        .map_or("\"\"", |(_, tag)| tag.as_str())
}

fn reply(asset: &'static Asset, if_none_match: Option<String>) -> Response {
    let tag = etag(asset);
    let fresh = if_none_match.is_some_and(|seen| seen.split(',').any(|t| t.trim() == tag));
    let mut response = if fresh {
        let mut r = Response::new(Vec::new().into());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = asset.body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.media));
        r
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(tag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if asset.media == HTML {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// `GET /` and `GET /ui/<asset>`; anything else is rejected as not found,
/// for the API behind it to answer.
pub fn filter() -> BoxedFilter<(Response,)> {
    let if_none_match = warp::header::optional::<String>("if-none-match");
    let index = warp::path::end()
        .and(warp::get())
        .and(if_none_match)
        .map(|seen| reply(&INDEX, seen));
    let assets = warp::path("ui")
        .and(warp::path::tail())
        .and(warp::get())
        .and(if_none_match)
        .and_then(|tail: warp::path::Tail, seen| async move {
            asset(tail.as_str())
                .map(|a| reply(a, seen))
                .ok_or_else(warp::reject::not_found)
        });
    index.or(assets).unify().boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn web_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../web")
    }

    fn files_under(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                files_under(&entry.path(), &format!("{name}/"), out);
            } else {
                out.insert(name);
            }
        }
    }

    /// A file added to `web/` but not to [`ASSETS`] would be missing from
    /// the binary, and the UI would break only in a browser.
    #[test]
    fn every_file_of_web_is_embedded_once() {
        let mut on_disk = BTreeSet::new();
        files_under(&web_dir(), "", &mut on_disk);
        let mut listed: BTreeSet<String> = BTreeSet::new();
        for a in std::iter::once(&INDEX).chain(ASSETS) {
            assert!(listed.insert(a.name.to_owned()), "{} twice", a.name);
        }
        assert_eq!(on_disk, listed);
    }

    /// Every module a script imports, and every `/ui/` path the page
    /// names, is an embedded asset.
    #[test]
    fn every_referenced_file_is_served() {
        for a in std::iter::once(&INDEX).chain(ASSETS) {
            let text = std::str::from_utf8(a.body).unwrap();
            let dir = a.name.rsplit_once('/').map_or("", |(d, _)| d);
            for (i, _) in text.match_indices(" from '") {
                let rest = &text[i + 7..];
                let target = &rest[..rest.find('\'').unwrap()];
                let resolved = resolve(dir, target);
                assert!(
                    asset(&resolved).is_some(),
                    "{} imports {target} ({resolved}), which is not embedded",
                    a.name
                );
            }
            for (i, _) in text.match_indices("\"/ui/") {
                let rest = &text[i + 5..];
                let target = &rest[..rest.find('"').unwrap()];
                assert!(asset(target).is_some(), "{} names /ui/{target}", a.name);
            }
        }
    }

    /// `./x.js` and `../x.js` relative to `dir`.
    fn resolve(dir: &str, target: &str) -> String {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for segment in target.split('/') {
            match segment {
                "." => {}
                ".." => {
                    parts.pop();
                }
                name => parts.push(name),
            }
        }
        parts.join("/")
    }

    #[test]
    fn a_matching_etag_gets_304_and_others_the_file() {
        let tag = etag(&INDEX).to_owned();
        assert_eq!(tag.len(), 34);
        let fresh = reply(&INDEX, Some(format!("\"x\", {tag}")));
        assert_eq!(fresh.status(), StatusCode::NOT_MODIFIED);
        let stale = reply(&INDEX, Some("\"other\"".into()));
        assert_eq!(stale.status(), StatusCode::OK);
        assert_eq!(stale.headers()[header::CONTENT_TYPE], HTML);
        assert_eq!(stale.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(
            stale
                .headers()
                .contains_key(header::CONTENT_SECURITY_POLICY)
        );
    }
}
