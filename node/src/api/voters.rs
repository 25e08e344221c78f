//! Voter registration: a one-time code and a key made on the voter's device
//! buy one logged credential.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{created, resolve, with};
use super::{ApiContext, Resource};
use pbnode_protocol::crypto::PublicKey;
use serde::Deserialize;
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[RouteSpec {
    method: Method::Post,
    path: "/api/v1/processes/{process}/voters",
    summary: "Register a voter key with a one-time code; answers the node-signed credential \
              (a used code: 409 code_already_used)",
    access: Access::Citizen,
    request: Some("VoterRegistration"),
    status: 201,
    response: Body::Json("Credential"),
}];

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "VoterRegistration",
        schema: || {
            json!({
                "type": "object",
                "required": ["code", "voter_key"],
                "properties": {
                    "code": { "type": "string", "description": "as printed; case, spaces and dashes do not matter" },
                    "voter_key": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
                }
            })
        },
    },
    SchemaSpec {
        name: "Credential",
        schema: || {
            json!({
                "type": "object",
                "description": "Signed<VoterCredential>: value, signer, signature (hex)",
                "required": ["value", "signer", "signature"]
            })
        },
    },
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    code: String,
    voter_key: PublicKey,
}

async fn register(
    process: String,
    ctx: ApiContext,
    body: Registration,
) -> Result<Response, Rejection> {
    let credential = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.register_voter(&id, &body.code, body.voter_key)
        })
        .await?;
    Ok(created(&credential))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "v1" / "processes" / String / "voters")
        .and(warp::post())
        .and(with(ctx))
        .and(ctx.json::<Registration>(Access::Citizen))
        .and_then(register)
        .boxed()
}

/// Voter registration.
pub const RESOURCE: Resource = Resource {
    name: "voters",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
