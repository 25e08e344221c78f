//! The ballot route, served ahead of the generic filter chain.
//!
//! Why: casting is the one route that carries load, and the generic chain
//! costs every request the UI filter, the guard (a copy of the headers, a
//! scan of the route table by path segments), the filters of each resource
//! listed before ballots, and a second table scan to label the metrics.
//! Here a request is told by one comparison of its path whether it is a
//! cast; a cast then gets what the generic chain gives it (the route's
//! access rule and body limit, the handler, the JSON error body, the
//! metrics and the tracing span), and anything else goes on to the generic
//! chain untouched.

use super::ballots::{CAST_ROUTE, cast};
use super::routes::admit_to;
use super::{ApiContext, error, limits};
use std::net::SocketAddr;
use std::time::Instant;
use tracing::Instrument;
use warp::filters::BoxedFilter;
use warp::http::{HeaderMap, Method};
use warp::reply::Response;
use warp::{Buf, Filter, Stream};

/// The process segment of a cast's path (`/api/v1/processes/{process}/ballots`),
/// matched as the route table matches the ballot route (`CAST_ROUTE` in
/// `ballots.rs`): whole segments, the parameter not empty.
pub fn cast_process(path: &str) -> Option<&str> {
    let process = path
        .strip_prefix("/api/v1/processes/")?
        .strip_suffix("/ballots")?;
    (!process.is_empty() && !process.contains('/')).then_some(process)
}

/// Serves casts; rejects anything else as not found (consuming nothing),
/// so that it is tried first, in front of the generic chain.
pub fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    let ctx = ctx.clone();
    warp::method()
        .and(warp::path::full())
        .and_then(|method: Method, path: warp::path::FullPath| async move {
            match cast_process(path.as_str()) {
                Some(process) if method == Method::POST => Ok((Instant::now(), process.to_owned())),
                _ => Err(warp::reject::not_found()),
            }
        })
        .untuple_one()
        // Reached only by a cast: nothing below runs for other requests.
        .and(warp::addr::remote())
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(move |started, process, remote, headers, body| {
            let ctx = ctx.clone();
            let span = tracing::info_span!(
                "http",
                method = %Method::POST,
                path = %format_args!("/api/v1/processes/{process}/ballots"),
            );
            serve(ctx, started, process, remote, headers, body).instrument(span)
        })
        .boxed()
}

/// One cast, answered and counted as the generic chain would.
async fn serve<S, B>(
    ctx: ApiContext,
    started: Instant,
    process: String,
    remote: Option<SocketAddr>,
    headers: HeaderMap,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let limit = ctx.body_limit(CAST_ROUTE.access);
    let metrics = ctx.metrics.clone();
    let answer = async {
        admit_to(&ctx, &CAST_ROUTE, remote, &headers)?;
        let body = limits::read_capped(body, limit).await?;
        cast(process, ctx, body).await
    };
    let response = match answer.await {
        Ok(response) => response,
        Err(rejection) => error::answer(&rejection),
    };
    let status = response.status().as_u16();
    metrics.observe_request("POST", CAST_ROUTE.path, status, started.elapsed());
    tracing::debug!(
        status,
        route = CAST_ROUTE.path,
        elapsed_us = started.elapsed().as_micros() as u64,
        "answered"
    );
    response
}

/// What the hot route must agree on with the route table.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::routes::Lookup;

    #[test]
    fn the_table_gives_every_hot_path_to_the_cast_route_and_no_other() {
        let table = crate::api::route_table();
        let hot = [
            "/api/v1/processes/abc/ballots",
            "/api/v1/processes/0123456789abcdef/ballots",
        ];
        for path in hot {
            assert!(cast_process(path).is_some(), "{path}");
            match table.lookup(&Method::POST, path) {
                Lookup::Route(spec) => assert_eq!(spec.path, CAST_ROUTE.path, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        let cold = [
            "/api/v1/processes//ballots",
            "/api/v1/processes/a/b/ballots",
            "/api/v1/processes/a/ballots/",
            "/api/v1/processes/a/ballotsx",
            "/api/v1/processes/ballots",
            "/api/v2/processes/a/ballots",
        ];
        for path in cold {
            assert_eq!(cast_process(path), None, "{path}");
            if let Lookup::Route(spec) = table.lookup(&Method::POST, path) {
                assert_ne!(spec.path, CAST_ROUTE.path, "{path}");
            }
        }
    }
}
