//! What the resource modules share: finding a process from its path
//! segment, parsing ids, building replies, joining filters.

use super::{ApiContext, ApiError};
use crate::service::{Node, ServiceError};
use pbnode_protocol::ids::Id;
use pbnode_protocol::objects::ProcessId;
use serde::Serialize;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The id of the open process a path names: its id (64 hex digits) or its
/// slug. Drafts are not published, so a draft's slug is not found here
/// (the admin routes that edit and open drafts take the slug directly).
///
/// Checked against the stored records first: the service opens a process
/// log on first use, and an unchecked id from a request would make it cache
/// a log for any id a client invents.
pub fn resolve(node: &Node, segment: &str) -> Result<ProcessId, ServiceError> {
    match segment.parse::<ProcessId>() {
        Ok(id) => node.record_by_id(&id).map(|_| id),
        Err(_) => node
            .record_by_slug(segment)?
            .id()
            .ok_or_else(|| ServiceError::ProcessNotFound(segment.to_owned())),
    }
}

/// An id from a path segment or query (`what` names it in the error).
pub fn parse_id<T>(text: &str, what: &str) -> Result<Id<T>, ApiError> {
    text.parse::<Id<T>>().map_err(|_| {
        ApiError::bad_request(
            "invalid_id",
            format!("the {what} must be 64 hexadecimal digits, not `{text}`"),
        )
    })
}

/// Bytes reserved for a JSON answer: a ballot's receipt (about 3 KB, one
/// per cast) fits without the buffer growing and being copied on the way.
const JSON_RESERVE: usize = 4096;

/// A JSON reply with `status`: what `warp::reply::json` answers (the body,
/// `content-type: application/json`, a 500 if the value cannot be
/// encoded), written into a buffer reserved up front.
pub fn json(status: StatusCode, value: &impl Serialize) -> Response {
    let mut body = Vec::with_capacity(JSON_RESERVE);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => {
            let mut response = Response::new(body.into());
            *response.status_mut() = status;
            response.headers_mut().insert(
                warp::http::header::CONTENT_TYPE,
                warp::http::HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => {
            tracing::error!("reply::json error: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A 200 JSON reply.
pub fn ok(value: &impl Serialize) -> Response {
    json(StatusCode::OK, value)
}

/// A 201 JSON reply.
pub fn created(value: &impl Serialize) -> Response {
    json(StatusCode::CREATED, value)
}

/// A text reply of `media` type (UTF-8).
pub fn text(media: &'static str, body: String) -> Response {
    warp::reply::with_header(body, "content-type", format!("{media}; charset=utf-8"))
        .into_response()
}

/// Lower-case hex of each hash.
pub fn hex_all(hashes: &[[u8; 32]]) -> Vec<String> {
    hashes.iter().map(hex::encode).collect()
}

/// Hands each request a clone of the context.
pub fn with(
    ctx: &ApiContext,
) -> impl Filter<Extract = (ApiContext,), Error = std::convert::Infallible> + Clone + use<> {
    let ctx = ctx.clone();
    warp::any().map(move || ctx.clone())
}

/// One filter trying `filters` in order.
pub fn any_of(filters: Vec<BoxedFilter<(Response,)>>) -> BoxedFilter<(Response,)> {
    let mut all = filters.into_iter();
    let Some(first) = all.next() else {
        return warp::any()
            .and_then(|| async { Err::<Response, _>(warp::reject::not_found()) })
            .boxed();
    };
    all.fold(first, |acc, next| acc.or(next).unify().boxed())
}

/// A body that must be UTF-8 text (`what` names it in the error).
pub fn utf8(body: Vec<u8>, what: &str) -> Result<String, ApiError> {
    String::from_utf8(body)
        .map_err(|e| ApiError::bad_request("bad_body", format!("the {what} is not UTF-8: {e}")))
}

/// The query string as name → value (a repeated name keeps its last value).
pub type Query = std::collections::HashMap<String, String>;

/// A query filter that accepts any names, so each handler can say which
/// parameter is wrong and why.
pub fn query() -> impl Filter<Extract = (Query,), Error = warp::Rejection> + Copy {
    warp::query::<Query>()
}

/// An optional whole-number query parameter.
pub fn number(query: &Query, name: &str) -> Result<Option<u64>, ApiError> {
    query
        .get(name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                ApiError::bad_request(
                    "bad_query",
                    format!("query parameter `{name}` must be a whole number, not `{v}`"),
                )
            })
        })
        .transpose()
}

/// A required whole-number query parameter.
pub fn required_number(query: &Query, name: &str) -> Result<u64, ApiError> {
    number(query, name)?.ok_or_else(|| {
        ApiError::bad_request("bad_query", format!("query parameter `{name}` is required"))
    })
}
