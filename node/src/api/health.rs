//! `GET /healthz`: is the node up and its store readable.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::{ApiContext, ApiError, Resource};
use crate::store::migrate::read_format;
use serde::Serialize;
use serde_json::json;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always `"ok"` (an unhealthy node answers 503 with an error body).
    pub status: &'static str,
    /// The pbnode version.
    pub version: &'static str,
    /// The store format version on disk.
    pub store_format: u32,
}

const ROUTES: &[RouteSpec] = &[RouteSpec {
    method: Method::Get,
    path: "/healthz",
    summary: "Liveness and store check for load balancers and monitoring",
    access: Access::Public,
    request: None,
    status: 200,
    response: Body::Json("Health"),
}];

const SCHEMAS: &[SchemaSpec] = &[SchemaSpec {
    name: "Health",
    schema: || {
        json!({
            "type": "object",
            "required": ["status", "version", "store_format"],
            "properties": {
                "status": { "const": "ok" },
                "version": { "type": "string" },
                "store_format": { "type": "integer", "minimum": 1 }
            }
        })
    },
}];

async fn health(ctx: ApiContext) -> Result<Response, warp::Rejection> {
    // A store read, off the async runtime: proves the store answers, not
    // just that the process is alive.
    let store = ctx.store.clone();
    let format = tokio::task::spawn_blocking(move || read_format(store.as_ref()))
        .await
        .map_err(ApiError::internal)?;
    match format {
        Ok(Some(store_format)) => Ok(warp::reply::json(&Health {
            status: "ok",
            version: env!("CARGO_PKG_VERSION"),
            store_format,
        })
        .into_response()),
        Ok(None) => Err(ApiError::unavailable("the store has no format version").into()),
        Err(e) => Err(ApiError::unavailable(format!("the store cannot be read: {e}")).into()),
    }
}

fn filter(ctx: &ApiContext) -> warp::filters::BoxedFilter<(Response,)> {
    let ctx = ctx.clone();
    warp::path!("healthz")
        .and(warp::get())
        .and_then(move || health(ctx.clone()))
        .boxed()
}

/// `GET /healthz`.
pub const RESOURCE: Resource = Resource {
    name: "health",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
