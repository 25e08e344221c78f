//! Prometheus metrics: the registry, the HTTP request metrics and `GET /metrics`.
//!
//! Built on `prometheus-client`, the Prometheus project's own Rust client:
//! it gets the exposition format (escaping, `_total` suffixes, histogram
//! buckets) right, and libp2p's metrics register into the same `Registry`
//! type, so federation metrics can join this endpoint later.

use super::routes::{Access, Body, RouteSpec};
use super::{ApiContext, Resource};
use crate::ingest::Ingest;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Metric, Registry};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use warp::reply::Response;
use warp::{Filter, Reply};

/// The media type of the exposition format `prometheus-client` writes.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Labels of the per-request counter.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// Labels of the request duration histogram.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

fn duration_histogram() -> Histogram {
    // 0.5 ms .. ~16 s, doubling: ballots are acknowledged after a group
    // commit flush, typically milliseconds; anything in the seconds is news.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// The node's metrics registry. Other modules add their own metrics with
/// [`Metrics::register`]; everything registered appears at `GET /metrics`.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    /// Whether a ballot writer's counters are registered (once only: a
    /// second copy would repeat every family in the text).
    ingest_registered: AtomicBool,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry holding the HTTP metrics.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("pbnode");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            duration_histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by route template",
            durations.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            ingest_registered: AtomicBool::new(false),
            requests,
            durations,
        }
    }

    /// Adds a metric (its name gets the `pbnode_` prefix). Keep the handle:
    /// updating it updates what `/metrics` shows.
    pub fn register(&self, name: &str, help: &str, metric: impl Metric) {
        self.lock().register(name, help, metric);
    }

    /// Adds the ballot writer's counters (batches, batch sizes, commit and
    /// flush times), once.
    pub fn register_ingest(&self, ingest: &Ingest) {
        if !self.ingest_registered.swap(true, Ordering::SeqCst) {
            ingest.register_metrics(self);
        }
    }

    /// Records one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// The exposition text of every registered metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.lock())?;
        Ok(text)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A panic while registering cannot leave the registry half-written
        // in a way that matters for reading it: carry on.
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }
}

const ROUTES: &[RouteSpec] = &[RouteSpec {
    method: super::routes::Method::Get,
    path: "/metrics",
    summary: "Prometheus metrics (OpenMetrics text format)",
    access: Access::Public,
    request: None,
    status: 200,
    response: Body::Text(CONTENT_TYPE),
}];

fn filter(ctx: &ApiContext) -> warp::filters::BoxedFilter<(Response,)> {
    ctx.metrics.register_ingest(&ctx.ingest);
    let metrics = ctx.metrics.clone();
    warp::path!("metrics")
        .and(warp::get())
        .and_then(move || {
            let metrics = metrics.clone();
            async move {
                let text = metrics
                    .encode()
                    .map_err(|e| warp::reject::custom(super::ApiError::internal(e)))?;
                Ok::<_, warp::Rejection>(
                    warp::reply::with_header(text, "content-type", CONTENT_TYPE).into_response(),
                )
            }
        })
        .boxed()
}

/// `GET /metrics`.
pub const RESOURCE: Resource = Resource {
    name: "metrics",
    routes: ROUTES,
    schemas: &[],
    filter,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_added_metrics_appear_in_the_text() {
        let metrics = Metrics::new();
        let ballots = Counter::<u64>::default();
        metrics.register("ballots_accepted", "Ballots made durable", ballots.clone());
        ballots.inc_by(3);
        metrics.observe_request("GET", "/healthz", 200, Duration::from_millis(2));
        let text = metrics.encode().unwrap();
        assert!(text.contains("pbnode_ballots_accepted_total 3"), "{text}");
        assert!(
            text.contains(
                "pbnode_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "pbnode_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 1"
            ),
            "{text}"
        );
    }
}
