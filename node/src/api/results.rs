//! Results of a closed process: the signed tally and the Pabulib export.
//! Neither exists before close (409 `not_closed`): no running totals.

use super::routes::{Access, Body, Method, RouteSpec, SchemaSpec};
use super::support::{Query, any_of, ok, query, resolve, text, with};
use super::{ApiContext, ApiError, Resource};
use serde_json::json;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/results",
        summary: "The node-signed tally, its totals and the selected projects (after close; \
                  before: 409 not_closed)",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Json("Results"),
    },
    RouteSpec {
        method: Method::Get,
        path: "/api/v1/processes/{process}/export.pb",
        summary: "The closed process as a Pabulib .pb file; `unit=<district>` picks one when \
                  districts are counted separately",
        access: Access::Citizen,
        request: None,
        status: 200,
        response: Body::Text("text/plain"),
    },
];

const SCHEMAS: &[SchemaSpec] = &[SchemaSpec {
    name: "Results",
    schema: || {
        json!({
            "type": "object",
            "required": ["tally", "ballots_counted", "totals", "selected"],
            "properties": {
                "tally": {
                    "type": "object",
                    "description": "Signed<Tally>: value, signer, signature; verify with the node key",
                    "required": ["value", "signer", "signature"]
                },
                "ballots_counted": { "type": "integer" },
                "totals": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["project", "total"],
                        "properties": {
                            "project": { "type": "string" },
                            "total": { "type": "integer" }
                        }
                    }
                },
                "selected": { "type": "array", "items": { "type": "string" } }
            }
        })
    },
}];

async fn results(process: String, ctx: ApiContext) -> Result<Response, Rejection> {
    let tally = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.results(&id)
        })
        .await?;
    Ok(ok(&json!({
        "ballots_counted": tally.value.ballots_counted,
        "totals": tally.value.totals,
        "selected": tally.value.selected,
        "tally": tally,
    })))
}

async fn export(process: String, query: Query, ctx: ApiContext) -> Result<Response, Rejection> {
    let files = ctx
        .blocking(move |node| {
            let id = resolve(node, &process)?;
            node.export_pabulib(&id)
        })
        .await?;
    let units = || {
        files
            .iter()
            .filter_map(|f| f.district.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match query.get("unit").filter(|u| !u.is_empty()) {
        Some(unit) => files
            .iter()
            .find(|f| f.district.as_deref() == Some(unit.as_str()))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no counting unit `{unit}`; the units are: {}",
                    units()
                ))
            })?,
        None if files.len() == 1 => &files[0],
        None => {
            return Err(ApiError::bad_request(
                "unit_required",
                format!(
                    "this process is counted per district: add ?unit= one of {}",
                    units()
                ),
            )
            .into());
        }
    };
    let mut reply = text("text/plain", chosen.text.clone());
    if let Ok(disposition) = format!("inline; filename=\"{}\"", chosen.name).parse() {
        reply
            .headers_mut()
            .insert("content-disposition", disposition);
    }
    Ok(reply)
}

fn filter(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    any_of(vec![
        warp::path!("api" / "v1" / "processes" / String / "results")
            .and(warp::get())
            .and(with(ctx))
            .and_then(results)
            .boxed(),
        warp::path!("api" / "v1" / "processes" / String / "export.pb")
            .and(warp::get())
            .and(query())
            .and(with(ctx))
            .and_then(export)
            .boxed(),
    ])
}

/// Results and the Pabulib export.
pub const RESOURCE: Resource = Resource {
    name: "results",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};
