//! The federation as citizens and operators see it: the members and who is
//! connected, the logs this node serves (its own and its replicas of peer
//! logs), equivocation proofs, and replica logs read exactly like own ones,
//! so a receipt can be checked at any replica.
//!
//! Replica logs are addressed by their origin's parts,
//! `/api/v1/logs/{jurisdiction slug}/{process id}/...`; the same paths also
//! serve this node's own logs.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{Query, any_of, hex_all, number, ok, query, required_number, text, with};
use super::{ApiContext, ApiError, Resource};
use crate::federated::BootstrappedNet;
use crate::federation::{Federation, Transport};
use pbnode_protocol::encoding;
use pbnode_protocol::federation::wire::MAX_ENTRIES_PER_REQUEST;
use pbnode_protocol::federation::{
    GossipMessage, MemberRole, SyncRequest, SyncResponse, WireError,
};
use pbnode_protocol::note::{SignatureType, VerifierKey, process_log_origin};
use pbnode_protocol::objects::LogEntry;
use pbnode_protocol::recount::aggregate::RegionalDataset;
use serde_json::json;
use std::sync::Arc;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

/// What the API needs of a running federation.
#[derive(Clone)]
pub struct FederationApi {
    /// The federation logic.
    pub federation: Arc<Federation>,
    /// The network (to publish what the test switch signs).
    pub transport: Arc<BootstrappedNet>,
    /// This node's libp2p addresses.
    pub addresses: Vec<String>,
}

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/federation",
        summary: "The federation: manifest version, members (role, key, connected, marked \
                  as equivocating), this node's libp2p addresses, the logs it serves",
        access: Access::Public,
        request: None,
        status: 200,
        response: Body::Json("Federation"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/federation/equivocations",
        summary: "Every verified equivocation proof this node holds: two checkpoints of one \
                  log, signed by its owner, that cannot both hold",
        access: Access::Public,
        request: None,
        status: 200,
        response: Body::Json("Equivocations"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/federation/dataset",
        summary: "A region's dataset of its members' closed processes, from the replicas it \
                  holds, each log verified in full: participation, selected funds by category \
                  and district, verification status (a failed or equivocating member is listed \
                  with the reason, without figures); sums per currency. Empty when the node is \
                  not federated; 404 on a member that is not a region",
        access: Access::Public,
        request: None,
        status: 200,
        response: Body::Json("RegionalDataset"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/logs/{jurisdiction}/{process}/checkpoint",
        summary: "The latest verified checkpoint of a log this node serves (own or replica), \
                  with the cosignatures it holds",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Text("text/plain"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/logs/{jurisdiction}/{process}/log-key",
        summary: "The note verifier key of a log this node serves (own or replica), derived \
                  from its owner's key in the region-signed manifest, and the witness policy of \
                  its process definition (its first entry) when this node holds it",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ServedLogKey"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/logs/{jurisdiction}/{process}/entries",
        summary: "Entries of a log this node serves (hex of canonical leaf bytes) from \
                  `start`, at most `limit` (cap 1024)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("LogEntries"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/logs/{jurisdiction}/{process}/proofs/inclusion",
        summary: "Inclusion proof of leaf `index` in the tree of `size` leaves of a log this \
                  node serves",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("InclusionProof"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/logs/{jurisdiction}/{process}/proofs/consistency",
        summary: "Consistency proof from `old` to `new` leaves of a log this node serves",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ConsistencyProof"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/aggregate",
        summary: "The signed regional aggregate of a closed regional process (404 until the \
                  region has verified every member log and published it)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("SignedAggregate"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/testing/equivocate/{process}",
        summary: "TEST ONLY (testing.allow_equivocation): sign a second checkpoint of the \
                  process log's size with another root and gossip it",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Text("text/plain"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "ServedLogKey",
        schema: || {
            json!({
                "type": "object",
                "required": ["vkey", "node_key", "origin", "witnesses"],
                "properties": {
                    "vkey": { "type": "string", "description": "signed-note verifier key" },
                    "node_key": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                    "origin": { "type": "string" },
                    "witnesses": {
                        "description": "the process definition's witness policy; null while \
                                        this node holds no entry of the log",
                        "oneOf": [{ "type": "null" }, { "type": "object" }]
                    }
                }
            })
        },
    },
    SchemaSpec {
        name: "Federation",
        schema: || {
            json!({
                "type": "object",
                "description": "only `enabled` (false) when the node is not federated",
                "required": ["enabled"],
                "properties": {
                    "enabled": { "type": "boolean" },
                    "federation": { "type": "string" },
                    "version": { "type": "integer" },
                    "self": { "type": "string" },
                    "addresses": { "type": "array", "items": { "type": "string" } },
                    "members": { "type": "array", "items": {
                        "type": "object",
                        "required": ["slug", "name", "role", "key", "jurisdiction", "connected", "equivocated"],
                        "properties": {
                            "slug": { "type": "string" },
                            "name": { "type": "string" },
                            "role": { "type": "string", "enum": ["municipality", "region"] },
                            "key": { "type": "string" },
                            "jurisdiction": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                            "parent": { "type": ["string", "null"] },
                            "connected": { "type": "boolean" },
                            "equivocated": { "type": "boolean" },
                            "misbehaviour": {
                                "description": "what this node's network holds against the member since it started (null: nothing); a member that reaches the strike limit is disconnected and blocked for a while",
                                "type": ["object", "null"],
                                "required": ["rejected_messages", "malformed_frames", "strikes", "blocks", "blocked"],
                                "properties": {
                                    "rejected_messages": { "type": "integer", "description": "gossip messages it sent that were rejected: undecodable, oversize, or failing verification" },
                                    "malformed_frames": { "type": "integer", "description": "sync request or response frames that could not be decoded or were oversize" },
                                    "strikes": { "type": "integer", "description": "strikes since it was last unblocked" },
                                    "blocks": { "type": "integer", "description": "how many times it has been blocked" },
                                    "blocked": { "type": "boolean" }
                                }
                            }
                        }
                    } },
                    "logs": { "type": "array", "items": {
                        "type": "object",
                        "required": ["origin", "size", "checkpoint", "replica"],
                        "properties": {
                            "origin": { "type": "string" },
                            "size": { "type": "integer" },
                            "checkpoint": { "type": "string" },
                            "replica": { "type": "boolean" }
                        }
                    } }
                }
            })
        },
    },
    SchemaSpec {
        name: "Equivocations",
        schema: || {
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["offender", "origin", "first", "second", "at"],
                    "properties": {
                        "offender": { "type": "string" },
                        "origin": { "type": "string" },
                        "first": { "type": "string" },
                        "second": { "type": "string" },
                        "at": { "type": "integer" }
                    }
                }
            })
        },
    },
    SchemaSpec {
        name: "RegionalDataset",
        schema: || {
            let funds = json!({ "type": "array", "items": {
                "type": "object",
                "required": ["key", "projects", "amount"],
                "properties": {
                    "key": { "type": "string" },
                    "projects": { "type": "integer" },
                    "amount": { "type": "integer", "description": "minor units" }
                }
            } });
            let participation = json!({
                "type": "object",
                "required": ["ballots_counted", "credentials", "per_mille"],
                "properties": {
                    "ballots_counted": { "type": "integer" },
                    "credentials": { "type": "integer" },
                    "per_mille": { "type": ["integer", "null"] }
                }
            });
            json!({
                "type": "object",
                "description": "protocol::recount::RegionalDataset",
                "required": ["members", "totals"],
                "properties": {
                    "members": { "type": "array", "items": {
                        "type": "object",
                        "required": ["jurisdiction", "name", "process", "slug", "currency",
                                     "budget", "status", "participation", "by_category",
                                     "by_district"],
                        "properties": {
                            "jurisdiction": { "type": "string" },
                            "name": { "type": "string" },
                            "process": { "type": "string" },
                            "slug": { "type": "string" },
                            "currency": { "type": "string" },
                            "budget": { "type": "integer" },
                            "status": { "description": "\"Ok\" or {\"Failed\": reason}" },
                            "participation": participation,
                            "by_category": funds,
                            "by_district": funds
                        }
                    } },
                    "totals": { "type": "array", "items": {
                        "type": "object",
                        "required": ["currency", "processes", "budget", "participation",
                                     "by_category"],
                        "properties": {
                            "currency": { "type": "string" },
                            "processes": { "type": "integer" },
                            "budget": { "type": "integer" },
                            "participation": participation,
                            "by_category": funds
                        }
                    } }
                }
            })
        },
    },
    SchemaSpec {
        name: "SignedAggregate",
        schema: || {
            json!({
                "type": "object",
                "description": "Signed<Aggregate>: the value (process, member tallies with \
                                their checkpoints, rule, totals, selected), signer, signature",
                "required": ["value", "signer", "signature"]
            })
        },
    },
    SchemaSpec {
        name: "LogEntries",
        schema: || {
            json!({
                "type": "object",
                "required": ["size", "start", "entries"],
                "properties": {
                    "size": { "type": "integer" },
                    "start": { "type": "integer" },
                    "entries": { "type": "array", "items": { "type": "string" } }
                }
            })
        },
    },
];

fn federation_of(ctx: &ApiContext) -> Result<FederationApi, ApiError> {
    ctx.federation
        .clone()
        .ok_or_else(|| ApiError::not_found("this node is not part of a federation"))
}

/// Runs `call` on the blocking pool with the federation.
async fn blocking<R: Send + 'static>(
    ctx: &ApiContext,
    call: impl FnOnce(&FederationApi) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let fed = federation_of(ctx)?;
    tokio::task::spawn_blocking(move || call(&fed))
        .await
        .map_err(ApiError::internal)?
}

/// Answers a sync request locally, as a peer would be answered.
fn ask(fed: &FederationApi, request: SyncRequest) -> Result<SyncResponse, ApiError> {
    let own = fed.federation.node().public_key();
    match fed.federation.handle_request(&own, request) {
        SyncResponse::Error(WireError::NotFound(what)) => Err(ApiError::not_found(what)),
        SyncResponse::Error(WireError::BadRequest(why)) => {
            Err(ApiError::bad_request("invalid_input", why))
        }
        SyncResponse::Error(other) => Err(ApiError::internal(other)),
        answer => Ok(answer),
    }
}

fn origin(slug: &str, process: &str) -> Result<String, ApiError> {
    process_log_origin(slug, process)
        .map_err(|e| ApiError::bad_request("bad_path", format!("not a log origin: {e}")))
}

/// The entries this node serves of `origin` (own log or replica); an
/// unknown log is left to the request itself to report.
fn served_size(fed: &Federation, origin: &str) -> Result<u64, ApiError> {
    let size = match fed.own_process(origin) {
        Some(process) => fed.node().log_size(&process).map_err(ApiError::internal)?,
        // Only a log this node replicates: opening another would make one.
        None => match fed.replica(origin).map_err(ApiError::internal)? {
            Some(_) => fed.replica_size(origin).map_err(ApiError::internal)?,
            None => 0,
        },
    };
    Ok(size)
}

/// A member's misbehaviour counts as the summary shows them.
fn misbehaviour_json(score: &crate::net::PeerScore) -> serde_json::Value {
    json!({
        "rejected_messages": score.rejected_messages,
        "malformed_frames": score.malformed_frames,
        "strikes": score.strikes,
        "blocks": score.blocks,
        "blocked": score.blocked,
    })
}

fn unexpected(answer: SyncResponse) -> ApiError {
    ApiError::internal(format!("unexpected answer {answer:?}"))
}

async fn summary(ctx: ApiContext) -> Result<Response, Rejection> {
    if ctx.federation.is_none() {
        return Ok(ok(&json!({ "enabled": false })));
    }
    let body = blocking(&ctx, |api| {
        let fed = &api.federation;
        let manifest = fed.manifest().value;
        let connected = api.transport.connected();
        let scores = api.transport.handle().peer_scores();
        let own = fed.own_member();
        let mut members = Vec::new();
        for m in &manifest.members {
            members.push(json!({
                "slug": m.slug,
                "name": m.name,
                "role": match m.role { MemberRole::Municipality => "municipality", MemberRole::Region => "region" },
                "key": m.key.to_string(),
                // What regional processes and aggregates name members by.
                "jurisdiction": crate::federation::jurisdiction_id_of(m)
                    .map_err(ApiError::internal)?
                    .to_string(),
                "parent": m.parent,
                "connected": m.key == own.key || connected.contains(&m.key),
                "equivocated": fed.is_marked(&m.key).map_err(ApiError::internal)?,
                "misbehaviour": scores.get(&m.key).map(misbehaviour_json),
            }));
        }
        let own_slug = &own.slug;
        let logs: Vec<_> = fed
            .logs()
            .map_err(ApiError::internal)?
            .into_iter()
            .map(|info| {
                let size = pbnode_protocol::note::SignedCheckpoint::parse(&info.checkpoint)
                    .map_or(0, |c| c.checkpoint().size);
                let replica = pbnode_protocol::note::parse_process_log_origin(&info.origin)
                    .map_or(true, |(slug, _)| slug != own_slug);
                json!({ "origin": info.origin, "size": size, "checkpoint": info.checkpoint, "replica": replica })
            })
            .collect();
        Ok(json!({
            "enabled": true,
            "federation": manifest.federation,
            "version": manifest.version,
            "self": own.slug,
            "addresses": api.addresses,
            "members": members,
            "logs": logs,
        }))
    })
    .await?;
    Ok(ok(&body))
}

async fn equivocations(ctx: ApiContext) -> Result<Response, Rejection> {
    if ctx.federation.is_none() {
        // Not federated: this node holds no proofs.
        return Ok(ok(&json!([])));
    }
    let records = blocking(&ctx, |api| {
        api.federation.equivocations().map_err(ApiError::internal)
    })
    .await?;
    let body: Vec<_> = records
        .iter()
        .map(|r| {
            json!({
                "offender": r.offender.to_string(),
                "origin": r.origin,
                "first": r.first,
                "second": r.second,
                "at": r.at,
            })
        })
        .collect();
    Ok(ok(&body))
}

async fn dataset(ctx: ApiContext) -> Result<Response, Rejection> {
    if ctx.federation.is_none() {
        // Not federated: no members, so an empty dataset (as `/federation`
        // answers `enabled: false`, not an error).
        return Ok(ok(&RegionalDataset {
            members: Vec::new(),
            totals: Vec::new(),
        }));
    }
    let dataset = blocking(&ctx, |api| {
        let fed = &api.federation;
        if fed.own_member().role != MemberRole::Region {
            return Err(ApiError::not_found(
                "this node is not a region: the regional dataset is served by regions",
            ));
        }
        fed.regional_dataset().map_err(ApiError::internal)
    })
    .await?;
    Ok(ok(&dataset))
}

async fn checkpoint(slug: String, process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let origin = origin(&slug, &process)?;
    let answer = blocking(&ctx, move |api| {
        ask(api, SyncRequest::Checkpoint { origin })
    })
    .await?;
    match answer {
        SyncResponse::Checkpoint(note) => Ok(text("text/plain", note)),
        other => Err(unexpected(other).into()),
    }
}

/// The key a receipt's checkpoint is checked with at a replica: the owner's
/// node key as the region-signed manifest lists it (not this node's word for
/// a key), under the log's origin name, as `/processes/{p}/log-key` answers
/// at the owner; plus the witness policy from the replicated first entry,
/// so a citizen can verify a receipt at any replica without pasting keys.
async fn log_key(slug: String, process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let origin = origin(&slug, &process)?;
    let body = blocking(&ctx, move |api| {
        let manifest = api.federation.manifest().value;
        let owner = manifest
            .members
            .iter()
            .find(|m| m.slug == slug)
            .ok_or_else(|| {
                ApiError::not_found(format!("no member {slug} in the federation manifest"))
            })?;
        let vkey = VerifierKey::new(&origin, SignatureType::Ed25519, *owner.key.as_dalek())
            .map_err(ApiError::internal)?;
        let first = ask(
            api,
            SyncRequest::Entries {
                origin: origin.clone(),
                start: 0,
                limit: 1,
            },
        )?;
        let witnesses = match first {
            SyncResponse::Entries { entries, .. } => match entries.first() {
                Some(bytes) => match encoding::from_bytes::<LogEntry>(bytes) {
                    Ok(LogEntry::ProcessDefined(def)) => {
                        serde_json::to_value(&def.value.witnesses).map_err(ApiError::internal)?
                    }
                    _ => {
                        return Err(ApiError::internal(format!(
                            "the first entry of {origin} is not a process definition"
                        )));
                    }
                },
                None => serde_json::Value::Null,
            },
            other => return Err(unexpected(other)),
        };
        Ok(json!({
            "vkey": vkey.to_string(),
            "node_key": hex::encode(owner.key.as_bytes()),
            "origin": origin,
            "witnesses": witnesses,
        }))
    })
    .await?;
    Ok(ok(&body))
}

async fn entries(
    slug: String,
    process: String,
    query: Query,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let origin = origin(&slug, &process)?;
    let start = number(&query, "start")?.unwrap_or(0);
    let limit = number(&query, "limit")?
        .unwrap_or(u64::from(MAX_ENTRIES_PER_REQUEST))
        .clamp(1, u64::from(MAX_ENTRIES_PER_REQUEST)) as u32;
    let (size, answer) = blocking(&ctx, move |api| {
        let size = served_size(&api.federation, &origin)?;
        let request = SyncRequest::Entries {
            origin,
            start,
            limit,
        };
        Ok((size, ask(api, request)?))
    })
    .await?;
    match answer {
        // `size` as `/processes/{p}/log` has it: one client reads both.
        SyncResponse::Entries { start, entries } => {
            let entries: Vec<String> = entries.iter().map(hex::encode).collect();
            Ok(ok(
                &json!({ "size": size, "start": start, "entries": entries }),
            ))
        }
        other => Err(unexpected(other).into()),
    }
}

async fn inclusion(
    slug: String,
    process: String,
    query: Query,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let origin = origin(&slug, &process)?;
    let index = required_number(&query, "index")?;
    let size = required_number(&query, "size")?;
    let answer = blocking(&ctx, move |api| {
        ask(
            api,
            SyncRequest::Inclusion {
                origin,
                index,
                size,
            },
        )
    })
    .await?;
    match answer {
        SyncResponse::Proof(proof) => Ok(ok(
            &json!({ "index": index, "size": size, "proof": hex_all(&proof) }),
        )),
        other => Err(unexpected(other).into()),
    }
}

async fn consistency(
    slug: String,
    process: String,
    query: Query,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let origin = origin(&slug, &process)?;
    let old = required_number(&query, "old")?;
    let new = required_number(&query, "new")?;
    let answer = blocking(&ctx, move |api| {
        ask(
            api,
            SyncRequest::Consistency {
                origin,
                old_size: old,
                new_size: new,
            },
        )
    })
    .await?;
    match answer {
        SyncResponse::Proof(proof) => Ok(ok(
            &json!({ "old": old, "new": new, "proof": hex_all(&proof) }),
        )),
        other => Err(unexpected(other).into()),
    }
}

async fn aggregate(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let signed = ctx
        .blocking(move |node| {
            let id = super::support::resolve(node, &process)?;
            node.aggregate_of(&id)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("no aggregate is published for this process"))?;
    Ok(ok(&signed))
}

async fn equivocate(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let id = super::support::parse_id(&process, "process id")?;
    let note = blocking(&ctx, move |api| {
        let forked = api
            .federation
            .sign_forked_checkpoint_for_test(&id)
            .map_err(|e| {
                ApiError::new(
                    warp::http::StatusCode::FORBIDDEN,
                    "forbidden",
                    e.to_string(),
                )
            })?;
        let note = forked.to_text();
        api.transport
            .publish(GossipMessage::Checkpoint { note: note.clone() })
            .map_err(ApiError::internal)?;
        Ok(note)
    })
    .await?;
    Ok(text("text/plain", note))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "federation")
            .and(warp::get())
            .and(with(ctx))
            .and_then(summary)
            .boxed(),
        warp::path!("api" / "v1" / "federation" / "equivocations")
            .and(warp::get())
            .and(with(ctx))
            .and_then(equivocations)
            .boxed(),
        warp::path!("api" / "v1" / "federation" / "dataset")
            .and(warp::get())
            .and(with(ctx))
            .and_then(dataset)
            .boxed(),
        warp::path!("api" / "v1" / "logs" / String / String / "checkpoint")
            .and(warp::get())
            .and(with(ctx))
            .and_then(checkpoint)
            .boxed(),
        warp::path!("api" / "v1" / "logs" / String / String / "log-key")
            .and(warp::get())
            .and(with(ctx))
            .and_then(log_key)
            .boxed(),
        warp::path!("api" / "v1" / "logs" / String / String / "entries")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(entries)
            .boxed(),
        warp::path!("api" / "v1" / "logs" / String / String / "proofs" / "inclusion")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(inclusion)
            .boxed(),
        warp::path!("api" / "v1" / "logs" / String / String / "proofs" / "consistency")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(consistency)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "aggregate")
            .and(warp::get())
            .and(with(ctx))
            .and_then(aggregate)
            .boxed(),
        warp::path!("api" / "v1" / "testing" / "equivocate" / String)
            .and(warp::post())
            .and(with(ctx))
            .and_then(equivocate)
            .boxed(),
    ])
}

/// The federation: members, served logs, equivocations, replica reads.
pub const RESOURCE: Resource = Resource {
    name: "federation",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
