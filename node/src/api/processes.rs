//! Processes: drafts (admin, by slug), opening, phases, and the public list.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{any_of, created, ok, resolve, with};
use super::{ApiContext, ApiError, Resource};
use crate::service::ProcessInfo;
use pbnode_protocol::objects::{Phase, ProcessDef};
use serde::Deserialize;
use serde_json::{Value, json};
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes",
        summary: "Create a draft process (the owner is set to this node's jurisdiction)",
        access: Access::Admin,
        request: Some("ProcessDraft"),
        status: 201,
        response: Body::Json("Process"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes",
        summary: "The open processes (drafts are not published)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ProcessList"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/admin/processes",
        summary: "Every process, drafts included, sorted by slug",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Json("ProcessList"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}",
        summary: "One open process by id or slug: definition, phase, log size",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("Process"),
    },
    RouteSpec {
        method: Method::Put,
        path: "/api/v1/processes/{process}",
        summary: "Replace a draft's definition (by slug; the slug cannot change)",
        access: Access::Admin,
        request: Some("ProcessDraft"),
        status: 200,
        response: Body::Json("Process"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/open",
        summary: "Open a draft (by slug): sign and log its definition, fixing its id",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Json("Process"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/phase",
        summary: "Advance to the next phase; entering `closed` publishes openings and the tally",
        access: Access::Admin,
        request: Some("PhaseChange"),
        status: 200,
        response: Body::Json("Process"),
    },
];

fn process_schema() -> Value {
    json!({
        "type": "object",
        "required": ["slug", "id", "phase", "def", "log_size"],
        "properties": {
            "slug": { "type": "string" },
            "id": { "type": ["string", "null"], "pattern": "^[0-9a-f]{64}$" },
            "phase": {
                "type": ["string", "null"],
                "enum": ["Proposals", "Review", "Voting", "Closed", "Implementation", null]
            },
            "def": { "$ref": "#/components/schemas/ProcessDraft" },
            "log_size": { "type": "integer", "minimum": 0 }
        }
    })
}

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "ProcessDraft",
        schema: || {
            json!({
                "type": "object",
                "description": "protocol::objects::ProcessDef as JSON; `owner` may be left out \
                                (the node sets it)",
                "required": ["slug", "texts", "budget", "districts", "schedule", "ballot_format",
                             "rule", "eligibility", "witnesses", "members"]
            })
        },
    },
    SchemaSpec {
        name: "Process",
        schema: process_schema,
    },
    SchemaSpec {
        name: "ProcessList",
        schema: || json!({ "type": "array", "items": { "$ref": "#/components/schemas/Process" } }),
    },
    SchemaSpec {
        name: "PhaseChange",
        schema: || {
            json!({
                "type": "object",
                "required": ["phase"],
                "properties": {
                    "phase": { "enum": ["review", "voting", "closed", "implementation"] }
                }
            })
        },
    },
];

/// A draft as sent: a [`ProcessDef`] whose `owner` may be missing, since
/// the node owns what it creates.
fn draft(mut body: Value) -> Result<ProcessDef, ApiError> {
    if let Value::Object(fields) = &mut body {
        fields
            .entry("owner")
            .or_insert_with(|| Value::String("00".repeat(32)));
    }
    serde_json::from_value(body).map_err(|e| ApiError::bad_request("bad_json", e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseBody {
    phase: String,
}

fn phase_named(name: &str) -> Result<Phase, ApiError> {
    match name {
        "proposals" => Ok(Phase::Proposals),
        "review" => Ok(Phase::Review),
        "voting" => Ok(Phase::Voting),
        "closed" => Ok(Phase::Closed),
        "implementation" => Ok(Phase::Implementation),
        other => Err(ApiError::bad_request(
            "invalid_phase",
            format!("`{other}` is not a phase: review, voting, closed or implementation"),
        )),
    }
}

async fn create(ctx: ApiContext, body: Value) -> Result<Response, Rejection> {
    let def = draft(body)?;
    let info = ctx.blocking(move |node| node.create_process(def)).await?;
    Ok(created(&info))
}

async fn list(ctx: ApiContext) -> Result<Response, Rejection> {
    let all = ctx.blocking(|node| node.list_processes()).await?;
    let open: Vec<ProcessInfo> = all.into_iter().filter(|p| p.id.is_some()).collect();
    Ok(ok(&open))
}

async fn list_all(ctx: ApiContext) -> Result<Response, Rejection> {
    let all = ctx.blocking(|node| node.list_processes()).await?;
    Ok(ok(&all))
}

async fn get(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let info = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.get_process(&id.to_string())
        })
        .await?;
    Ok(ok(&info))
}

async fn edit(slug: String, ctx: ApiContext, body: Value) -> Result<Response, Rejection> {
    let def = draft(body)?;
    let info = ctx
        .blocking(move |node| node.edit_process(&slug, def))
        .await?;
    Ok(ok(&info))
}

async fn open(slug: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let info = ctx.blocking(move |node| node.open_process(&slug)).await?;
    Ok(ok(&info))
}

async fn phase(process: String, ctx: ApiContext, body: PhaseBody) -> Result<Response, Rejection> {
    let to = phase_named(&body.phase)?;
    let info = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.advance_phase(&id, to)
        })
        .await?;
    Ok(ok(&info))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    let admin_json = ctx.json::<Value>(Access::Admin);
    any_of(vec![
        warp::path!("api" / "v1" / "processes")
            .and(warp::post())
            .and(with(ctx))
            .and(admin_json.clone())
            .and_then(create)
            .boxed(),
        warp::path!("api" / "v1" / "processes")
            .and(warp::get())
            .and(with(ctx))
            .and_then(list)
            .boxed(),
        warp::path!("api" / "v1" / "admin" / "processes")
            .and(warp::get())
            .and(with(ctx))
            .and_then(list_all)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String)
            .and(warp::get())
            .and(with(ctx))
            .and_then(get)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String)
            .and(warp::put())
            .and(with(ctx))
            .and(admin_json)
            .and_then(edit)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "open")
            .and(warp::post())
            .and(with(ctx))
            .and_then(open)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "phase")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.json::<PhaseBody>(Access::Admin))
            .and_then(phase)
            .boxed(),
    ])
}

/// Process creation, listing, opening and phases.
pub const RESOURCE: Resource = Resource {
    name: "processes",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
