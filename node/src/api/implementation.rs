//! Implementation tracking of selected projects (admin, after close).

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{ok, parse_id, resolve, with};
use super::{ApiContext, ApiError, Resource};
use crate::service::ServiceError;
use pbnode_protocol::objects::ProposalStatus;
use serde::Deserialize;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[RouteSpec {
    method: Method::Post,
    path: "/api/v1/processes/{process}/proposals/{proposal}/implementation",
    summary: "Record a selected project's implementation: a status step (logged: selected -> \
              in_progress -> done) and/or progress in percent (stored)",
    access: Access::Admin,
    request: Some("ImplementationUpdate"),
    status: 200,
    response: Body::Json("Proposal"),
}];

const SCHEMAS: &[SchemaSpec] = &[SchemaSpec {
    name: "ImplementationUpdate",
    schema: || {
        json!({
            "type": "object",
            "description": "at least one of status and progress",
            "properties": {
                "status": { "enum": ["in_progress", "done"] },
                "progress": { "type": "integer", "minimum": 0, "maximum": 100 },
                "note": { "type": "string" }
            }
        })
    },
}];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Step {
    InProgress,
    Done,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    status: Option<Step>,
    progress: Option<u8>,
    #[serde(default)]
    note: String,
}

async fn update(
    process: String,
    proposal: String,
    ctx: ApiContext,
    body: Update,
) -> Result<Response, Rejection> {
    let proposal = parse_id(&proposal, "proposal id")?;
    if body.status.is_none() && body.progress.is_none() {
        return Err(ApiError::bad_request(
            "invalid_input",
            "give a `status` (in_progress, done), a `progress` (0 to 100), or both",
        )
        .into());
    }
    let record = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            let mut record = None;
            if let Some(step) = body.status {
                let status = match step {
                    Step::InProgress => ProposalStatus::InProgress,
                    Step::Done => ProposalStatus::Done,
                };
                record = Some(node.set_implementation_status(&id, &proposal, status, &body.note)?);
            }
            if let Some(percent) = body.progress {
                record = Some(node.record_progress(&id, &proposal, percent, &body.note)?);
            }
            record.ok_or_else(|| ServiceError::InvalidInput("nothing to record".into()))
        })
        .await?;
    Ok(ok(&record))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "processes" / String / "proposals" / String / "implementation")
        .and(warp::post())
        .and(with(ctx))
        .and(ctx.json::<Update>(Access::Admin))
        .and_then(update)
        .boxed()
}

/// Implementation tracking.
pub const RESOURCE: Resource = Resource {
    name: "implementation",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
