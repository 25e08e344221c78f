//! The census (admin): import voter references, issue one-time codes.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{any_of, ok, resolve, text, utf8, with};
use super::{ApiContext, Resource};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/census",
        summary: "Import census rows (text/csv body `voter_ref,district`, optional header); \
                  answers how many were imported and why each refused row was refused",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Json("CensusImport"),
    },
    RouteSpec {
        method: Method::Post,
        path: "/api/v1/processes/{process}/codes",
        summary: "Issue a one-time code to every census row without one; answers \
                  `voter_ref,district,code` CSV (shown once: the node keeps only hashes)",
        access: Access::Admin,
        request: None,
        status: 200,
        response: Body::Text("text/csv"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[SchemaSpec {
    name: "CensusImport",
    schema: || {
        json!({
            "type": "object",
            "required": ["imported", "errors"],
            "properties": {
                "imported": { "type": "integer", "minimum": 0 },
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["row", "problem"],
                        "properties": {
                            "row": { "type": "integer", "minimum": 1 },
                            "problem": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {
                                    "reason": { "enum": ["wrong_field_count", "empty_ref",
                                        "bad_character", "unknown_district", "duplicate"] },
                                    "detail": {}
                                }
                            }
                        }
                    }
                }
            }
        })
    },
}];

async fn import(process: String, ctx: ApiContext, body: Vec<u8>) -> Result<Response, Rejection> {
    let csv = utf8(body, "census CSV")?;
    let report = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.import_census(&id, &csv)
        })
        .await?;
    Ok(ok(&report))
}

async fn codes(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let csv = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.issue_codes(&id)
        })
        .await?;
    Ok(text("text/csv", csv))
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "processes" / String / "census")
            .and(warp::post())
            .and(with(ctx))
            .and(ctx.body(Access::Admin))
            .and_then(import)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "codes")
            .and(warp::post())
            .and(with(ctx))
            .and_then(codes)
            .boxed(),
    ])
}

/// Census import and code issuance.
pub const RESOURCE: Resource = Resource {
    name: "census",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
