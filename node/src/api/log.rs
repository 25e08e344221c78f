//! The public log of a process: its key, entries, signed checkpoints and
//! Merkle proofs, everything a verifier needs to check it from outside.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{
    Query, any_of, hex_all, number, ok, query, required_number, resolve, text, with,
};
use super::{ApiContext, ApiError, Resource};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

/// The most entries one `/log` request returns.
pub const MAX_ENTRIES_PER_PAGE: u64 = 1000;

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/log-key",
        summary: "The note verifier key of the process's checkpoints, the node key, the log origin",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("LogKey"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/log",
        summary: "Log entries (hex of their canonical leaf bytes) from `start` (default 0), \
                  at most `limit` (default and cap 1000)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("LogPage"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/checkpoint",
        summary: "The latest signed checkpoint (C2SP tlog-checkpoint signed note)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Text("text/plain"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/checkpoints/{size}",
        summary: "The signed checkpoint of one log size (404 if the node signed none)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Text("text/plain"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/proofs/inclusion",
        summary: "RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("InclusionProof"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/proofs/consistency",
        summary: "RFC 9162 consistency proof from the tree of `old` leaves to that of `new`",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ConsistencyProof"),
    },
];

fn hashes() -> serde_json::Value {
    json!({ "type": "array", "items": { "type": "string", "pattern": "^[0-9a-f]{64}$" } })
}

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "LogKey",
        schema: || {
            json!({
                "type": "object",
                "required": ["vkey", "node_key", "origin"],
                "properties": {
                    "vkey": { "type": "string", "description": "signed-note verifier key" },
                    "node_key": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                    "origin": { "type": "string" }
                }
            })
        },
    },
    SchemaSpec {
        name: "LogPage",
        schema: || {
            json!({
                "type": "object",
                "required": ["size", "start", "entries"],
                "properties": {
                    "size": { "type": "integer" },
                    "start": { "type": "integer" },
                    "entries": { "type": "array", "items": { "type": "string", "pattern": "^([0-9a-f]{2})*$" } }
                }
            })
        },
    },
    SchemaSpec {
        name: "InclusionProof",
        schema: || {
            json!({
                "type": "object",
                "required": ["index", "size", "proof"],
                "properties": {
                    "index": { "type": "integer" },
                    "size": { "type": "integer" },
                    "proof": hashes()
                }
            })
        },
    },
    SchemaSpec {
        name: "ConsistencyProof",
        schema: || {
            json!({
                "type": "object",
                "required": ["old", "new", "proof"],
                "properties": {
                    "old": { "type": "integer" },
                    "new": { "type": "integer" },
                    "proof": hashes()
                }
            })
        },
    },
];

async fn log_key(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let (vkey, origin, node_key) = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            Ok((
                node.log_verifier_key(&id)?.to_string(),
                node.log_origin(&id)?,
                hex::encode(node.public_key().as_bytes()),
            ))
        })
        .await?;
    Ok(ok(
        &json!({ "vkey": vkey, "node_key": node_key, "origin": origin }),
    ))
}

async fn entries(process: String, query: Query, ctx: ApiContext) -> Result<Response, Rejection> {
    let start = number(&query, "start")?.unwrap_or(0);
    let limit = number(&query, "limit")?
        .unwrap_or(MAX_ENTRIES_PER_PAGE)
        .min(MAX_ENTRIES_PER_PAGE);
    let (size, entries) = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            let size = node.log_size(&id)?;
            // Past the end is an empty page, not an error: a follower
            // polling for new entries asks exactly there.
            let entries = if start >= size {
                Vec::new()
            } else {
                node.log_entries(&id, start, limit as usize)?
            };
            Ok((size, entries))
        })
        .await?;
    let entries: Vec<String> = entries.iter().map(hex::encode).collect();
    Ok(ok(
        &json!({ "size": size, "start": start, "entries": entries }),
    ))
}

async fn latest_checkpoint(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let note = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.latest_checkpoint(&id)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("this process has no signed checkpoint yet"))?;
    Ok(text("text/plain", note.to_text()))
}

async fn checkpoint_at(
    process: String,
    size: String,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let size: u64 = size.parse().map_err(|_| {
        ApiError::bad_request(
            "bad_path",
            format!("the checkpoint size must be a whole number, not `{size}`"),
        )
    })?;
    let note = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.checkpoint_at(&id, size)
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no checkpoint of size {size} was signed")))?;
    Ok(text("text/plain", note.to_text()))
}

async fn inclusion(process: String, query: Query, ctx: ApiContext) -> Result<Response, Rejection> {
    let index = required_number(&query, "index")?;
    let size = required_number(&query, "size")?;
    let proof = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.inclusion_proof(&id, index, size)
        })
        .await?;
    Ok(ok(
        &json!({ "index": index, "size": size, "proof": hex_all(&proof) }),
    ))
}

async fn consistency(
    process: String,
    query: Query,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let old = required_number(&query, "old")?;
    let new = required_number(&query, "new")?;
    let proof = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.consistency_proof(&id, old, new)
        })
        .await?;
    Ok(ok(
        &json!({ "old": old, "new": new, "proof": hex_all(&proof) }),
    ))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "processes" / String / "log-key")
            .and(warp::get())
            .and(with(ctx))
            .and_then(log_key)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "log")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(entries)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "checkpoint")
            .and(warp::get())
            .and(with(ctx))
            .and_then(latest_checkpoint)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "checkpoints" / String)
            .and(warp::get())
            .and(with(ctx))
            .and_then(checkpoint_at)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proofs" / "inclusion")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(inclusion)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proofs" / "consistency")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(consistency)
            .boxed(),
    ])
}

/// The public log: key, entries, checkpoints, proofs.
pub const RESOURCE: Resource = Resource {
    name: "log",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
