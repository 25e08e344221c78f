//! The HTTP API (warp, JSON): infrastructure and the assembly of resources.
//!
//! One module per resource. Each exposes a [`Resource`]: its route table
//! entries, the JSON schemas they name, and a warp filter serving them.
//! Adding a resource is one line in [`RESOURCES`]. In front of all of them
//! sits the [`routes::guard`], which admits only requests the table knows
//! and applies each route's access rule (admin token, rate limit), so a
//! resource filter never checks auth itself. Behind them, [`error::recover`]
//! turns every rejection into the one JSON error body.
//!
//! Handlers never block: store calls go through `spawn_blocking` or the
//! service layer's writer task.

pub mod ballots;
pub mod cast_body;
pub mod census;
pub mod error;
pub mod federation;
pub mod health;
pub mod hot;
pub mod implementation;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod node;
pub mod openapi;
pub mod processes;
pub mod proposals;
pub mod results;
pub mod routes;
pub mod support;
pub mod ui;
pub mod voters;

pub use error::ApiError;
pub use metrics::Metrics;
pub use routes::{Access, Body, Method, RouteSpec, RouteTable, SchemaSpec};

use crate::config::Config;
use crate::ingest::Ingest;
use crate::secrets::AdminToken;
use crate::service::{Node, ServiceError};
use crate::store::KvStore;
use limits::RateLimiter;
use pbnode_protocol::crypto::PublicKey;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// One API resource: what it serves, described and implemented.
#[derive(Clone, Copy)]
pub struct Resource {
    /// A short name (for logs).
    pub name: &'static str,
    /// Its routes (the guard admits exactly these).
    pub routes: &'static [RouteSpec],
    /// The JSON schemas its routes name.
    pub schemas: &'static [SchemaSpec],
    /// Builds its warp filter.
    pub filter: fn(&ApiContext) -> BoxedFilter<(Response,)>,
}

/// Every resource the node serves, in the order their filters are tried.
pub const RESOURCES: &[Resource] = &[
    health::RESOURCE,
    metrics::RESOURCE,
    openapi::RESOURCE,
    node::RESOURCE,
    processes::RESOURCE,
    proposals::RESOURCE,
    census::RESOURCE,
    voters::RESOURCE,
    ballots::RESOURCE,
    log::RESOURCE,
    results::RESOURCE,
    implementation::RESOURCE,
    federation::RESOURCE,
];

/// The route table of [`RESOURCES`].
pub fn route_table() -> RouteTable {
    table_of(RESOURCES)
}

/// The route table of `resources`.
pub fn table_of(resources: &[Resource]) -> RouteTable {
    RouteTable {
        routes: resources
            .iter()
            .flat_map(|r| r.routes.iter().copied())
            .collect(),
        schemas: resources
            .iter()
            .flat_map(|r| r.schemas.iter().copied())
            .collect(),
    }
}

/// What every handler may use. Cheap to clone (everything is shared).
#[derive(Clone)]
pub struct ApiContext {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// The store.
    pub store: Arc<dyn KvStore>,
    /// The node's public key.
    pub node_public_key: PublicKey,
    /// The admin token (hashed).
    pub admin_token: AdminToken,
    /// The metrics registry.
    pub metrics: Arc<Metrics>,
    /// The per-client limiter for citizen routes (`None`: limiting off).
    pub rate_limiter: Option<Arc<RateLimiter>>,
    /// Every route.
    pub table: Arc<RouteTable>,
    /// The domain service (synchronous: call it through [`ApiContext::blocking`]).
    pub node: Arc<Node>,
    /// The ballot writer (group commit).
    pub ingest: Ingest,
    /// The federation, when the node is part of one.
    pub federation: Option<federation::FederationApi>,
}

impl ApiContext {
    /// A context serving `node` (and its store), casting ballots through
    /// `ingest`, for a node configured by `config`.
    pub fn new(config: Config, node: Arc<Node>, ingest: Ingest, admin_token: AdminToken) -> Self {
        let rate_limiter =
            RateLimiter::new(config.rate_limit.per_second, config.rate_limit.burst).map(Arc::new);
        ApiContext {
            config: Arc::new(config),
            store: node.store().clone(),
            node_public_key: node.public_key(),
            admin_token,
            metrics: Arc::new(Metrics::new()),
            rate_limiter,
            table: Arc::new(route_table()),
            node,
            ingest,
            federation: None,
        }
    }

    /// Runs a service call on the blocking pool (the service reads and
    /// flushes the store), so the handler awaiting it never blocks the
    /// runtime. A panicking call answers 500, never takes the server down.
    pub async fn blocking<R: Send + 'static>(
        &self,
        call: impl FnOnce(&Node) -> Result<R, ServiceError> + Send + 'static,
    ) -> Result<R, ApiError> {
        let node = self.node.clone();
        tokio::task::spawn_blocking(move || call(&node))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::from)
    }

    /// The JSON body of a request to a route of class `access`, within that
    /// class's size limit (admin routes take larger bodies: census imports).
    pub fn json<T: DeserializeOwned + Send>(
        &self,
        access: Access,
    ) -> impl Filter<Extract = (T,), Error = Rejection> + Clone + use<T> {
        limits::json(self.body_limit(access))
    }

    /// The raw body (e.g. a CSV upload), within the size limit of `access`.
    pub fn body(
        &self,
        access: Access,
    ) -> impl Filter<Extract = (Vec<u8>,), Error = Rejection> + Clone + use<> {
        limits::body(self.body_limit(access))
    }

    /// The body size limit of routes of class `access`.
    pub fn body_limit(&self, access: Access) -> u64 {
        match access {
            Access::Admin => self.config.http.admin_body_limit_bytes,
            Access::Public | Access::Citizen => self.config.http.body_limit_bytes,
        }
    }
}

/// The whole HTTP service: the hot ballot route ([`hot`], the same route
/// as the table's, served without the generic chain's cost), the browser
/// UI's static files (`/`, `/ui/...`: not API routes, so in front of the
/// guard and outside the route table), then guard, resources, error recovery, per-request tracing span and
/// metrics.
pub fn routes(ctx: &ApiContext) -> BoxedFilter<(Response,)> {
    hot::filter(ctx)
        .or(ui::filter())
        .unify()
        .or(assemble(ctx, RESOURCES))
        .unify()
        .boxed()
}

/// [`routes()`] over any list of resources; `ctx.table` must be
/// [`table_of`] the same list (the guard admits what the table lists).
pub fn assemble(ctx: &ApiContext, resources: &[Resource]) -> BoxedFilter<(Response,)> {
    let mut served: Option<BoxedFilter<(Response,)>> = None;
    for resource in resources {
        let filter = (resource.filter)(ctx);
        served = Some(match served {
            None => filter,
            Some(prev) => prev.or(filter).unify().boxed(),
        });
    }
    let served = served.unwrap_or_else(|| {
        warp::any()
            .and_then(|| async { Err(warp::reject::not_found()) })
            .boxed()
    });
    let metrics = ctx.metrics.clone();
    let table = ctx.table.clone();
    let observe = warp::log::custom(move |info| {
        let route = table.label(info.method(), info.path());
        metrics.observe_request(
            info.method().as_str(),
            route,
            info.status().as_u16(),
            info.elapsed(),
        );
        tracing::debug!(
            status = info.status().as_u16(),
            route,
            elapsed_us = info.elapsed().as_micros() as u64,
            "answered"
        );
    });
    routes::guard(ctx.clone())
        .and(served)
        .recover(error::recover)
        .unify()
        .with(observe)
        .with(warp::trace(
            |info| tracing::info_span!("http", method = %info.method(), path = %info.path()),
        ))
        .map(Reply::into_response)
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestConfig;
    use crate::service::{CheckpointPolicy, NodeIdentity, SystemClock};
    use crate::store::MemoryStore;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A resource whose filter would answer any path: only its one table
    /// entry may reach it.
    const GREEDY: Resource = Resource {
        name: "greedy",
        routes: &[RouteSpec {
            method: Method::Get,
            path: "/api/v1/listed",
            summary: "",
            access: Access::Public,
            request: None,
            status: 200,
            response: Body::Text("text/plain"),
        }],
        schemas: &[],
        filter: |_| warp::any().map(|| "served".into_response()).boxed(),
    };

    async fn get(addr: std::net::SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    #[tokio::test]
    async fn nothing_outside_the_route_table_is_served() {
        let identity = NodeIdentity {
            slug: "t".into(),
            name: "t".into(),
            parent: None,
        };
        let node = Node::open(
            Arc::new(MemoryStore::new()),
            &[7; 32],
            identity,
            CheckpointPolicy::default(),
            Arc::new(SystemClock),
        )
        .unwrap();
        let node = Arc::new(node);
        let (ingest, _writer) = Ingest::spawn(node.clone(), IngestConfig::default());
        let mut ctx = ApiContext::new(
            Config::new("t", std::path::Path::new(".")),
            node,
            ingest,
            AdminToken::new("t"),
        );
        ctx.table = Arc::new(table_of(&[GREEDY]));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(
            warp::serve(assemble(&ctx, &[GREEDY]))
                .incoming(listener)
                .run(),
        );

        let listed = get(addr, "/api/v1/listed").await;
        assert!(
            listed.starts_with("HTTP/1.1 200") && listed.ends_with("served"),
            "{listed}"
        );
        let unlisted = get(addr, "/api/v1/unlisted").await;
        assert!(unlisted.starts_with("HTTP/1.1 404"), "{unlisted}");
        assert!(
            unlisted.contains(r#""error":"route_not_found""#),
            "{unlisted}"
        );
    }
}
