//! What the node is: its name and public key for everyone, its effective
//! configuration for the operator.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::{ApiContext, Resource};
use serde::Serialize;
use serde_json::json;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The node's public description.
#[derive(Debug, Clone, Serialize)]
pub struct NodeInfo {
    /// Its display name.
    pub name: String,
    /// Its short name in log origins.
    pub slug: String,
    /// Its Ed25519 public key (hex), which signs its checkpoints.
    pub public_key: String,
    /// The id of its jurisdiction (hex): what a regional process lists in
    /// `members` and what its objects name as owner.
    pub jurisdiction: String,
    /// The pbnode version.
    pub version: &'static str,
}

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/node",
        summary: "The node's name and the public key that signs its checkpoints",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("NodeInfo"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/admin/config",
        summary: "The effective configuration (after file, environment and flags)",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Json("Config"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[
    SchemaSpec {
        name: "NodeInfo",
        schema: || {
            json!({
                "type": "object",
                "required": ["name", "slug", "public_key", "jurisdiction", "version"],
                "properties": {
                    "name": { "type": "string" },
                    "slug": { "type": "string", "pattern": "^[a-z0-9._-]+$" },
                    "public_key": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                    "jurisdiction": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                    "version": { "type": "string" }
                }
            })
        },
    },
    SchemaSpec {
        name: "Config",
        schema: || {
            json!({
                "type": "object",
                "description": "The TOML configuration as JSON; see node/config.example.toml",
                "required": ["name", "slug", "data_dir", "http", "rate_limit", "checkpoint", "log"],
            })
        },
    },
];

fn filter(ctx: &ApiContext) -> warp::filters::BoxedFilter<(Response,)> {
    let info = NodeInfo {
        name: ctx.config.name.clone(),
        slug: ctx.config.slug.clone(),
        public_key: hex::encode(ctx.node_public_key.as_bytes()),
        jurisdiction: ctx.node.jurisdiction_id().to_string(),
        version: env!("CARGO_PKG_VERSION"),
    };
    let node = warp::path!("api" / "v1" / "node")
        .and(warp::get())
        .map(move || warp::reply::json(&info).into_response());
    let config = ctx.config.clone();
    let admin_config = warp::path!("api" / "v1" / "admin" / "config")
        .and(warp::get())
        .map(move || warp::reply::json(config.as_ref()).into_response());
    node.or(admin_config).unify().boxed()
}

/// `GET /api/v1/node` and `GET /api/v1/admin/config`.
pub const RESOURCE: Resource = Resource {
    name: "node",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
