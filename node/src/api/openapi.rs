//! The OpenAPI 3.1 description of the API, built from the route table and
//! served at `GET /api/v1/openapi.json`.

use super::routes::{Access, Body, Method, RouteSpec, RouteTable, SchemaSpec};
use super::{ApiContext, Resource};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The schema every error body follows.
pub const ERROR_SCHEMA: &str = "Error";

/// Builds the document for `table`.
pub fn document(table: &RouteTable) -> Value {
    let mut paths = Map::new();
    for route in &table.routes {
        let item = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(route.method.openapi_name().to_owned(), operation(route));
        }
    }
    let mut schemas = Map::new();
    schemas.insert(
        ERROR_SCHEMA.to_owned(),
        json!({
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "stable machine-readable code" },
                "message": { "type": "string", "description": "what went wrong, for a person" }
            }
        }),
    );
    for SchemaSpec { name, schema } in &table.schemas {
        schemas.insert((*name).to_owned(), schema());
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "pbnode",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A federated participatory-budgeting node. Every error is a 4xx or 5xx \
                            with a JSON body {error, message}. Admin endpoints need \
                            Authorization: Bearer <admin token>; citizen endpoints are rate \
                            limited per client (429 with Retry-After)."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "adminToken": { "type": "http", "scheme": "bearer" }
            }
        }
    })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": schema_ref(ERROR_SCHEMA) } }
    })
}

fn operation(route: &RouteSpec) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), route.summary.into());
    op.insert("operationId".into(), operation_id(route).into());
    let params: Vec<Value> = route
        .path_params()
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect();
    if !params.is_empty() {
        op.insert("parameters".into(), params.into());
    }
    if let Some(request) = route.request {
        op.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": schema_ref(request) } }
            }),
        );
    }
    let success = match route.response {
        Body::Json(name) => json!({
            "description": "success",
            "content": { "application/json": { "schema": schema_ref(name) } }
        }),
        Body::Text(media) => json!({
            "description": "success",
            "content": { media: { "schema": { "type": "string" } } }
        }),
    };
    let mut responses = Map::new();
    responses.insert(route.status.to_string(), success);
    if route.request.is_some() {
        responses.insert("400".into(), error_response("malformed body"));
        responses.insert("413".into(), error_response("body too large"));
    }
    match route.access {
        Access::Admin => {
            responses.insert("401".into(), error_response("missing or wrong admin token"));
            op.insert("security".into(), json!([{ "adminToken": [] }]));
        }
        Access::Citizen => {
            responses.insert(
                "429".into(),
                error_response("rate limited; see Retry-After"),
            );
        }
        Access::Public => {}
    }
    responses.insert("default".into(), error_response("any other error"));
    op.insert("responses".into(), responses.into());
    Value::Object(op)
}

/// `get_api_v1_processes_by_process_id`-style ids: unique per method and path.
fn operation_id(route: &RouteSpec) -> String {
    let mut id = route.method.openapi_name().to_owned();
    for segment in route.path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("by_");
                id.push_str(param);
            }
            None => id.push_str(&segment.replace(['-', '.'], "_")),
        }
    }
    id
}

const ROUTES: &[RouteSpec] = &[RouteSpec {
    method: Method::Get,
    path: "/api/v1/openapi.json",
    summary: "This API description (OpenAPI 3.1)",
    access: Access::Public,
    request: None,
    status: 200,
    response: Body::Json("OpenApi"),
}];

const SCHEMAS: &[SchemaSpec] = &[SchemaSpec {
    name: "OpenApi",
    schema: || json!({ "type": "object", "description": "an OpenAPI 3.1 document" }),
}];

fn filter(ctx: &ApiContext) -> warp::filters::BoxedFilter<(Response,)> {
    let doc = Arc::new(document(&ctx.table));
    warp::path!("api" / "v1" / "openapi.json")
        .and(warp::get())
        .map(move || warp::reply::json(doc.as_ref()).into_response())
        .boxed()
}

/// `GET /api/v1/openapi.json`.
pub const RESOURCE: Resource = Resource {
    name: "openapi",
    routes: ROUTES,
    schemas: SCHEMAS,
    filter,
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn refs(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.insert(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_operation_ids_are_unique() {
        let table = super::super::route_table();
        let doc = document(&table);
        let mut found = BTreeSet::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{r} is undefined"
            );
        }
        let ids: Vec<_> = table.routes.iter().map(operation_id).collect();
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len());
    }

    #[test]
    fn admin_routes_declare_the_bearer_scheme() {
        let table = super::super::route_table();
        let doc = document(&table);
        for route in table.routes.iter().filter(|r| r.access == Access::Admin) {
            let op = &doc["paths"][route.path][route.method.openapi_name()];
            assert_eq!(op["security"][0]["adminToken"], json!([]), "{}", route.path);
            assert!(op["responses"].get("401").is_some());
        }
    }
}
