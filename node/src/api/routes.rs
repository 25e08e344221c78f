//! The route table: every served route declared once, with its method,
//! path template, access class and schema names.
//!
//! The table is the single source of truth: the OpenAPI document is built
//! from it, metrics are labelled by its path templates, and the [`guard`]
//! in front of every resource filter only lets through requests that match
//! an entry (applying the entry's access rule: admin token or per-client
//! rate limit). So a route cannot be served without being documented; the
//! integration tests check the converse, that every entry is served.

use super::ApiContext;
use super::error::ApiError;
use super::limits::{RateLimiter, client_key};
use std::net::SocketAddr;
use warp::Filter;
use warp::http::{HeaderMap, Method as HttpMethod};

/// An HTTP method a route answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The lower-case name OpenAPI uses as the operation key.
    pub fn openapi_name(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
        }
    }

    /// The `http` crate's method.
    pub fn http(self) -> HttpMethod {
        match self {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
            Method::Patch => HttpMethod::PATCH,
            Method::Delete => HttpMethod::DELETE,
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without limit (health checks, metrics, the API description).
    Public,
    /// Anyone, rate limited per client address.
    Citizen,
    /// The operator: `Authorization: Bearer <admin token>`.
    Admin,
}

/// What a route returns on success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// JSON described by the named schema (`components/schemas`).
    Json(&'static str),
    /// Text of the given media type.
    Text(&'static str),
}

/// One served route.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    /// Its method.
    pub method: Method,
    /// Its path, with `{name}` for each path parameter (OpenAPI syntax).
    pub path: &'static str,
    /// A one-line summary for the API description.
    pub summary: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The schema name of the JSON request body, if it takes one.
    pub request: Option<&'static str>,
    /// The success status code.
    pub status: u16,
    /// The success body.
    pub response: Body,
}

impl RouteSpec {
    /// True when `path` (a request path) fits this route's template.
    pub fn matches_path(&self, path: &str) -> bool {
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) => {
                    let is_param = w.starts_with('{') && w.ends_with('}');
                    let fits = if is_param { !g.is_empty() } else { w == g };
                    if !fits {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }
}

/// A named JSON Schema (draft 2020-12, as OpenAPI 3.1 uses).
#[derive(Debug, Clone, Copy)]
pub struct SchemaSpec {
    /// The name routes refer to.
    pub name: &'static str,
    /// Builds the schema.
    pub schema: fn() -> serde_json::Value,
}

/// Every route of the node, in the order they are tried.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    /// The routes.
    pub routes: Vec<RouteSpec>,
    /// The schemas they refer to.
    pub schemas: Vec<SchemaSpec>,
}

/// What the table says about a request.
#[derive(Debug, Clone, Copy)]
pub enum Lookup {
    /// A route matches method and path.
    Route(RouteSpec),
    /// Some route has this path, none this method.
    WrongMethod,
    /// No route has this path.
    NoRoute,
}

impl RouteTable {
    /// Finds the route for a request.
    pub fn lookup(&self, method: &HttpMethod, path: &str) -> Lookup {
        let mut path_known = false;
        for spec in &self.routes {
            if spec.matches_path(path) {
                if spec.method.http() == *method {
                    return Lookup::Route(*spec);
                }
                path_known = true;
            }
        }
        if path_known {
            Lookup::WrongMethod
        } else {
            Lookup::NoRoute
        }
    }

    /// The metrics label for a request: its route's template, so that
    /// `/api/v1/processes/abc` and `/…/def` count together and a scanner
    /// probing random paths cannot create unbounded label values.
    pub fn label(&self, method: &HttpMethod, path: &str) -> &'static str {
        match self.lookup(method, path) {
            Lookup::Route(spec) => spec.path,
            Lookup::WrongMethod | Lookup::NoRoute => "unmatched",
        }
    }
}

/// Lets a request through only if the table has a route for it, and applies
/// that route's access rule. Consumes nothing, so resource filters match
/// their paths as usual behind it.
pub fn guard(ctx: ApiContext) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::method()
        .and(warp::path::full())
        .and(warp::addr::remote())
        .and(warp::header::headers_cloned())
        .and_then(
            move |method: HttpMethod,
                  path: warp::path::FullPath,
                  remote: Option<SocketAddr>,
                  headers: HeaderMap| {
                let ctx = ctx.clone();
                async move { admit(&ctx, &method, path.as_str(), remote, &headers) }
            },
        )
        .untuple_one()
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn admit(
    ctx: &ApiContext,
    method: &HttpMethod,
    path: &str,
    remote: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Result<(), warp::Rejection> {
    let spec = match ctx.table.lookup(method, path) {
        Lookup::Route(spec) => spec,
        Lookup::WrongMethod => return Err(ApiError::method_not_allowed().into()),
        Lookup::NoRoute => return Err(warp::reject::not_found()),
    };
    admit_to(ctx, &spec, remote, headers)
}

/// The access rule and declared body size of `spec` (the route a request
/// was found to match), as [`guard`] applies them: the hot ballot route
/// ([`super::hot`]), which skips the table scan, applies them the same way.
pub(crate) fn admit_to(
    ctx: &ApiContext,
    spec: &RouteSpec,
    remote: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Result<(), warp::Rejection> {
    match spec.access {
        Access::Public => {}
        Access::Admin => check_admin(ctx, header(headers, "authorization"))?,
        Access::Citizen => check_rate(
            ctx.rate_limiter.as_deref(),
            remote,
            header(headers, "x-forwarded-for"),
            &ctx.config.http.trusted_proxies,
        )?,
    }
    // A declared oversized body is refused here, before any handler and
    // without reading it; a chunked one is cut off by the body filter.
    let limit = ctx.body_limit(spec.access);
    if let Some(length) = header(headers, "content-length") {
        match length.trim().parse::<u64>() {
            Ok(n) if n > limit => return Err(ApiError::payload_too_large(limit).into()),
            Ok(_) => {}
            Err(_) => {
                return Err(
                    ApiError::bad_request("bad_header", "Content-Length is not a number").into(),
                );
            }
        }
    }
    Ok(())
}

fn check_admin(ctx: &ApiContext, header: Option<&str>) -> Result<(), warp::Rejection> {
    let header = header.ok_or_else(|| {
        ApiError::unauthorized("this endpoint needs the admin token: Authorization: Bearer <token>")
    })?;
    // The scheme name is case-insensitive (RFC 9110 section 11.1).
    let token = match header.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(ApiError::unauthorized("expected Authorization: Bearer <token>").into());
        }
    };
    if ctx.admin_token.matches(token) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("the admin token is wrong").into())
    }
}

fn check_rate(
    limiter: Option<&RateLimiter>,
    remote: Option<SocketAddr>,
    forwarded: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> Result<(), warp::Rejection> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    let client = client_key(remote, forwarded, trusted);
    limiter
        .check(client, std::time::Instant::now())
        .map_err(|wait| ApiError::rate_limited(wait).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: RouteSpec = RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process_id}",
        summary: "",
        access: Access::Public,
        request: None,
        status: 200,
        response: Body::Json("X"),
    };

    #[test]
    fn templates_match_whole_segments_only() {
        assert!(ITEM.matches_path("/api/v1/processes/abc"));
        assert!(!ITEM.matches_path("/api/v1/processes/"));
        assert!(!ITEM.matches_path("/api/v1/processes"));
        assert!(!ITEM.matches_path("/api/v1/processes/abc/x"));
        assert!(!ITEM.matches_path("/api/v2/processes/abc"));
        assert_eq!(ITEM.path_params().collect::<Vec<_>>(), ["process_id"]);
    }

    #[test]
    fn lookup_tells_wrong_method_from_unknown_path() {
        let table = RouteTable {
            routes: vec![ITEM],
            schemas: vec![],
        };
        assert!(matches!(
            table.lookup(&HttpMethod::GET, "/api/v1/processes/a"),
            Lookup::Route(_)
        ));
        assert!(matches!(
            table.lookup(&HttpMethod::POST, "/api/v1/processes/a"),
            Lookup::WrongMethod
        ));
        assert!(matches!(
            table.lookup(&HttpMethod::GET, "/nope"),
            Lookup::NoRoute
        ));
        assert_eq!(
            table.label(&HttpMethod::GET, "/api/v1/processes/a"),
            ITEM.path
        );
        assert_eq!(table.label(&HttpMethod::GET, "/x"), "unmatched");
    }
}
