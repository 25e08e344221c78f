//! Proposals: submission and listing (citizens), review (admin), comments.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{any_of, created, ok, parse_id, resolve, with};
use super::{ApiContext, ApiError, Resource};
use crate::service::{ProposalFilter, ProposalSubmission, Review};
use pbnode_protocol::objects::ProposalStatus;
use serde::Deserialize;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/proposals",
        summary: "Proposals in submission order; filters: district, category, status \
                  (submitted, accepted, rejected, selected, in_progress, done), q (text)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ProposalList"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/proposals",
        summary: "Submit a proposal (proposals phase); it is logged",
        access: Access::Citizen,
        request: Some("ProposalSubmission"),
        status: 201,
        response: Body::Json("Proposal"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/proposals/{proposal}/review",
        summary: "Accept (at a cost) or reject (with a reason) a submitted proposal (review phase)",
        access: Access::Admin,
        request: Some("ReviewDecision"),
        status: 200,
        response: Body::Json("Proposal"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/proposals/{proposal}/comments",
        summary: "Comments on a proposal, oldest first",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("CommentList"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/proposals/{proposal}/comments",
        summary: "Comment on a proposal (stored, not logged)",
        access: Access::Citizen,
        request: Some("NewComment"),
        status: 201,
        response: Body::Json("Comment"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "ProposalSubmission",
        schema: || {
            json!({
                "type": "object",
                "required": ["title", "description", "cost", "district", "category", "authors"],
                "properties": {
                    "title": { "type": "string", "minLength": 1 },
                    "description": { "type": "string" },
                    "cost": { "type": "integer", "minimum": 1 },
                    "district": { "type": "string" },
                    "category": { "type": "string" },
                    "authors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "jurisdiction"],
                            "properties": {
                                "name": { "type": "string" },
                                "jurisdiction": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
                            }
                        }
                    }
                }
            })
        },
    },
    SchemaSpec {
        name: "Proposal",
        schema: || {
            json!({
                "type": "object",
                "description": "the node's proposal record: id, the proposal as logged, \
                                status and its history, leaf index, revision, progress",
                "required": ["id", "proposal", "status", "history", "submitted_at", "leaf"]
            })
        },
    },
    SchemaSpec {
        name: "ProposalList",
        schema: || json!({ "type": "array", "items": { "$ref": "#/components/schemas/Proposal" } }),
    },
    SchemaSpec {
        name: "ReviewDecision",
        schema: || {
            json!({
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["decision", "cost"],
                        "properties": {
                            "decision": { "const": "accept" },
                            "cost": { "type": "integer", "minimum": 1 }
                        }
                    },
                    {
                        "type": "object",
                        "required": ["decision", "reason"],
                        "properties": {
                            "decision": { "const": "reject" },
                            "reason": { "type": "string", "minLength": 1 }
                        }
                    }
                ]
            })
        },
    },
    SchemaSpec {
        name: "NewComment",
        schema: || {
            json!({
                "type": "object",
                "required": ["author", "text"],
                "properties": {
                    "author": { "type": "string" },
                    "text": { "type": "string", "minLength": 1 }
                }
            })
        },
    },
    SchemaSpec {
        name: "Comment",
        schema: || {
            json!({
                "type": "object",
                "required": ["proposal", "author", "text", "at"],
                "properties": {
                    "proposal": { "type": "string" },
                    "author": { "type": "string" },
                    "text": { "type": "string" },
                    "at": { "type": "integer" }
                }
            })
        },
    },
    SchemaSpec {
        name: "CommentList",
        schema: || json!({ "type": "array", "items": { "$ref": "#/components/schemas/Comment" } }),
    },
];

/// The query of the proposal list.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    district: Option<String>,
    category: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

fn status_named(name: &str) -> Result<ProposalStatus, ApiError> {
    match name {
        "submitted" => Ok(ProposalStatus::Submitted),
        "accepted" => Ok(ProposalStatus::Accepted),
        "rejected" => Ok(ProposalStatus::Rejected),
        "selected" => Ok(ProposalStatus::Selected),
        "in_progress" => Ok(ProposalStatus::InProgress),
        "done" => Ok(ProposalStatus::Done),
        other => Err(ApiError::bad_request(
            "invalid_status",
            format!(
                "`{other}` is not a proposal status: submitted, accepted, rejected, selected, \
                 in_progress or done"
            ),
        )),
    }
}

/// `{"decision":"accept","cost":N}` or `{"decision":"reject","reason":"..."}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
enum ReviewBody {
    Accept { cost: u64 },
    Reject { reason: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    #[serde(default)]
    author: String,
    text: String,
}

async fn list(process: String, query: ListQuery, ctx: ApiContext) -> Result<Response, Rejection> {
    let filter = ProposalFilter {
        district: query.district.filter(|d| !d.is_empty()),
        category: query.category.filter(|c| !c.is_empty()),
        status: query
            .status
            .filter(|s| !s.is_empty())
            .map(|s| status_named(&s))
            .transpose()?,
        text: query.q.filter(|q| !q.trim().is_empty()),
    };
    let found = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.list_proposals(&id, &filter)
        })
        .await?;
    Ok(ok(&found))
}

async fn submit(
    process: String,
    ctx: ApiContext,
    submission: ProposalSubmission,
) -> Result<Response, Rejection> {
    let record = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.submit_proposal(&id, submission)
        })
        .await?;
    Ok(created(&record))
}

async fn review(
    process: String,
    proposal: String,
    ctx: ApiContext,
    body: ReviewBody,
) -> Result<Response, Rejection> {
    let proposal = parse_id(&proposal, "proposal id")?;
    let decision = match body {
        ReviewBody::Accept { cost } => Review::Accept { cost },
        ReviewBody::Reject { reason } => Review::Reject { reason },
    };
    let record = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.review_proposal(&id, &proposal, decision)
        })
        .await?;
    Ok(ok(&record))
}

async fn comments(
    process: String,
    proposal: String,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let proposal = parse_id(&proposal, "proposal id")?;
    let found = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.comments(&id, &proposal)
        })
        .await?;
    Ok(ok(&found))
}

async fn comment(
    process: String,
    proposal: String,
    ctx: ApiContext,
    body: CommentBody,
) -> Result<Response, Rejection> {
    let proposal = parse_id(&proposal, "proposal id")?;
    let saved = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.comment(&id, &proposal, &body.author, &body.text)
        })
        .await?;
    Ok(created(&saved))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "processes" / String / "proposals")
            .and(warp::get())
            .and(warp::query::<ListQuery>())
            .and(with(ctx))
            .and_then(list)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proposals")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.json::<ProposalSubmission>(Access::Citizen))
            .and_then(submit)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proposals" / String / "review")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.json::<ReviewBody>(Access::Admin))
            .and_then(review)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proposals" / String / "comments")
            .and(warp::get())
            .and(with(ctx))
            .and_then(comments)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "proposals" / String / "comments")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.json::<CommentBody>(Access::Citizen))
            .and_then(comment)
            .boxed(),
    ])
}

/// Proposal submission, listing, review and comments.
pub const RESOURCE: Resource = Resource {
    name: "proposals",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
