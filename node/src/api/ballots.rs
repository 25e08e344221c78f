//! Ballots: cast through the group-commit writer, answered with the voter's
//! receipt once durable; receipts looked up later by commitment id.

use super::cast_body;
use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{any_of, created, ok, parse_id, resolve, with};
use super::{ApiContext, ApiError, Resource};
use crate::service::BallotSubmission;
use pbnode_protocol::ballot::BallotCommitment;
use pbnode_protocol::objects::ProcessId;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

/// Casting a ballot: the hot route, also served by [`super::hot`].
pub(crate) const CAST_ROUTE: RouteSpec = RouteSpec {
    method: Method::Post,
    path: "/api/v1/processes/{process}/ballots",
    summary: "Cast a ballot (voting phase): the voter-signed commitment and its opening. \
              Answered once the commitment is durable in the log, with the receipt to keep; \
              a later ballot of the same key replaces it, a replay is 409 duplicate_ballot",
    access: Access::Citizen,
    request: Some("BallotCast"),
    status: 201,
    response: Body::Json("Receipt"),
};

const ROUTES: &[RouteSpec] = &[
    CAST_ROUTE,
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/receipts/{commitment}",
        summary: "A ballot's receipt with a fresh inclusion proof; the opening only after close",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("ReceiptView"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "BallotCast",
        schema: || {
            json!({
                "type": "object",
                "required": ["commitment", "opening"],
                "properties": {
                    "commitment": {
                        "type": "object",
                        "description": "Signed<BallotCommitment>, signed by the voter key it names",
                        "required": ["value", "signer", "signature"]
                    },
                    "opening": {
                        "type": "object",
                        "description": "BallotOpening: the ballot and the 32-byte nonce (hex)",
                        "required": ["ballot", "nonce"]
                    }
                }
            })
        },
    },
    SchemaSpec {
        name: "Receipt",
        schema: || {
            json!({
                "type": "object",
                "description": "protocol::receipt::Receipt; verify offline with the /log-key vkey",
                "required": ["process", "commitment", "opening", "leaf_index",
                             "inclusion_proof", "checkpoint"]
            })
        },
    },
    SchemaSpec {
        name: "ReceiptView",
        schema: || {
            json!({
                "type": "object",
                "description": "a receipt whose opening is null until the process is closed",
                "required": ["process", "signed", "opening", "leaf_index",
                             "inclusion_proof", "checkpoint"]
            })
        },
    },
];

/// Casts the ballot of a request body (`body`, unparsed) in `process` (an
/// id or a slug), answering once it is durable.
pub(crate) async fn cast(
    process: String,
    ctx: ApiContext,
    body: Vec<u8>,
) -> Result<Response, Rejection> {
    let body = cast_body::parse(&body)?;
    // An id goes straight to the writer, which refuses an unknown process
    // once per batch; only a slug needs a lookup (a blocking store read).
    let id = match process.parse::<ProcessId>() {
        Ok(id) => id,
        Err(_) => ctx.blocking(move |node| resolve(node, &process)).await?,
    };
    let submission = BallotSubmission {
        process: id,
        signed: body.commitment,
        opening: body.opening,
    };
    // The writer answers once the batch holding this ballot is flushed,
    // with the receipt built against the checkpoint it signed for the batch.
    let cast = ctx.ingest.cast(submission).await.map_err(ApiError::from)?;
    let receipt = cast
        .receipt
        .ok_or_else(|| ApiError::internal("the ballot writer answered without a receipt"))?;
    Ok(created(&receipt))
}

async fn receipt(
    process: String,
    commitment: String,
    ctx: ApiContext,
) -> Result<Response, Rejection> {
    let commitment = parse_id::<BallotCommitment>(&commitment, "commitment id")?;
    let view = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.receipt(&id, &commitment)
        })
        .await?;
    Ok(ok(&view))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "processes" / String / "ballots")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.body(Access::Citizen))
            .and_then(cast)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "receipts" / String)
            .and(warp::get())
            .and(with(ctx))
            .and_then(receipt)
            .boxed(),
    ])
}

/// Ballot casting and receipts.
pub const RESOURCE: Resource = Resource {
    name: "ballots",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
