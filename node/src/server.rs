//! Starting and stopping a node: secrets, store, domain service, ballot
//! writer, checkpoint timer, HTTP server.
//!
//! [`start`] is what `pbnode run` calls and what tests call with port 0:
//! it returns once the server is listening, with the bound address.

use crate::api::{self, ApiContext};
use crate::config::Config;
use crate::ingest::{Ingest, IngestConfig};
use crate::secrets::{self, SecretError};
use crate::service::{CheckpointPolicy, Node, NodeIdentity, ServiceError, SystemClock};
use crate::store::{KvStore, SledStore, StoreError, migrate};
use pbnode_protocol::crypto::SigningKey;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The store directory inside the data directory.
pub const STORE_DIR: &str = "store";

/// How long a stopping node waits for requests in flight.
pub const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A secret file is missing, malformed or too open.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The store could not be opened or migrated.
    #[error("store {path}: {source}")]
    Store {
        /// The store directory.
        path: PathBuf,
        /// The store's error.
        source: StoreError,
    },
    /// The HTTP address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The domain service could not open over the store (or could not
    /// finish a close interrupted by a crash).
    #[error("opening the node's processes: {0}")]
    Service(#[from] ServiceError),
    /// A blocking start-up task panicked or was cancelled.
    #[error("start-up task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The federation (manifest, network) could not start.
    #[error(transparent)]
    Federation(#[from] crate::federated::FederationStartError),
}

/// A node that is serving.
pub struct RunningNode {
    /// The address the HTTP server is bound to (the real port when 0 was asked).
    pub addr: SocketAddr,
    /// The API context (store, metrics, config) the server uses.
    pub context: ApiContext,
    /// The node's signing key.
    pub node_key: SigningKey,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<()>,
    ingest: JoinHandle<()>,
    ticker_stop: oneshot::Sender<()>,
    ticker: JoinHandle<()>,
    federation: Option<crate::federated::RunningFederation>,
}

impl std::fmt::Debug for RunningNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningNode")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningNode {
    /// `http://ADDR`, the base of every API URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The domain service.
    pub fn node(&self) -> &Arc<Node> {
        &self.context.node
    }

    /// The libp2p addresses peers can dial (empty without federation).
    pub fn p2p_addresses(&self) -> &[String] {
        self.federation.as_ref().map_or(&[], |f| &f.addresses)
    }

    /// The running federation, if the node is part of one.
    pub fn federation(&self) -> Option<&crate::federated::RunningFederation> {
        self.federation.as_ref()
    }

    /// Stops accepting connections, lets requests in flight finish (for at
    /// most [`DRAIN_TIMEOUT`]), stops the checkpoint timer and the ballot
    /// writer (which answers every ballot it holds), then flushes the store.
    pub async fn shutdown(self) -> Result<(), StoreError> {
        let RunningNode {
            context,
            shutdown,
            server,
            ingest,
            ticker_stop,
            ticker,
            federation,
            ..
        } = self;
        if let Some(federation) = federation {
            federation.shutdown().await;
        }
        // The receiver is gone only if the server already stopped.
        let _ = shutdown.send(());
        let mut server = server;
        match tokio::time::timeout(DRAIN_TIMEOUT, &mut server).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "HTTP server task failed"),
            Err(_) => {
                // A client holding a request open must not keep the node
                // (and its unflushed store) from stopping.
                tracing::warn!(?DRAIN_TIMEOUT, "requests still in flight; closing them");
                server.abort();
            }
        }
        let _ = ticker_stop.send(());
        if let Err(e) = ticker.await {
            tracing::error!(error = %e, "checkpoint timer failed");
        }
        // The writer stops once every handle to it is gone: the server's
        // were dropped with it, this is the last one (unless a caller kept
        // a clone of the context; then the timeout lets the node stop).
        let store = context.store.clone();
        drop(context);
        match tokio::time::timeout(DRAIN_TIMEOUT, ingest).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "ballot writer failed"),
            Err(_) => tracing::warn!("the ballot writer did not stop; flushing anyway"),
        }
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .map_err(|e| StoreError::Engine(format!("flush task failed: {e}")))?
    }
}

/// Loads the secrets of `config.data_dir` (refusing open permissions),
/// opens and migrates its sled store, and serves the API on
/// `config.http.listen`. Must be called inside a tokio runtime.
pub async fn start(config: Config) -> Result<RunningNode, StartError> {
    let data = config.data_dir.clone();
    let (node_key, admin_token) = tokio::task::spawn_blocking({
        let data = data.clone();
        move || -> Result<_, SecretError> {
            Ok((
                secrets::load_node_key(&data)?,
                secrets::load_admin_token(&data)?,
            ))
        }
    })
    .await??;
    let store_path = data.join(STORE_DIR);
    let store: Arc<dyn KvStore> = tokio::task::spawn_blocking({
        let path = store_path.clone();
        move || -> Result<Arc<dyn KvStore>, StoreError> {
            let store = SledStore::open(&path)?;
            let found = migrate::open_format(&store)?;
            match found {
                None => tracing::info!(format = migrate::CURRENT_FORMAT, "new store created"),
                Some(v) if v < migrate::CURRENT_FORMAT => {
                    tracing::info!(from = v, to = migrate::CURRENT_FORMAT, "store migrated")
                }
                Some(_) => {}
            }
            Ok(Arc::new(store))
        }
    })
    .await?
    .map_err(|source| StartError::Store {
        path: store_path,
        source,
    })?;
    start_with_store(config, store, node_key, admin_token).await
}

/// The checkpoint policy of `config`: a growing log is checkpointed every
/// `checkpoint.interval_secs` seconds, or sooner after many entries.
pub fn checkpoint_policy(config: &Config) -> CheckpointPolicy {
    CheckpointPolicy {
        every_seconds: config.checkpoint.interval_secs,
        ..CheckpointPolicy::default()
    }
}

/// How often the timer asks the service whether a log needs a checkpoint
/// (the policy decides; asking is a lock and a comparison per open log).
const CHECKPOINT_TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Signs checkpoints of growing logs per the node's policy until `stop`.
async fn checkpoint_timer(node: Arc<Node>, mut stop: oneshot::Receiver<()>) {
    let mut tick = tokio::time::interval(CHECKPOINT_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = tick.tick() => {}
        }
        let node = node.clone();
        let signed = tokio::task::spawn_blocking(move || node.maybe_checkpoint(node.now())).await;
        match signed {
            Ok(Ok(signed)) => {
                for (process, size) in signed {
                    tracing::debug!(%process, size, "checkpoint signed");
                }
            }
            Ok(Err(e)) => tracing::error!(error = %e, "checkpoint signing failed"),
            Err(e) => tracing::error!(error = %e, "checkpoint task failed"),
        }
    }
}

/// Serves the API over an already open store (tests use a
/// [`MemoryStore`](crate::store::MemoryStore) this way): opens the domain
/// service as the jurisdiction of `config` (its slug and name), starts the
/// ballot writer and the checkpoint timer.
pub async fn start_with_store(
    config: Config,
    store: Arc<dyn KvStore>,
    node_key: SigningKey,
    admin_token: secrets::AdminToken,
) -> Result<RunningNode, StartError> {
    let identity = NodeIdentity {
        slug: config.slug.clone(),
        name: config.name.clone(),
        parent: None,
    };
    let policy = checkpoint_policy(&config);
    let seed = node_key.seed();
    let node = tokio::task::spawn_blocking(move || {
        Node::open(store, &seed, identity, policy, Arc::new(SystemClock))
    })
    .await??;
    let node = Arc::new(node);
    let listen = config.http.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    let (ingest_handle, ingest) = Ingest::spawn(node.clone(), IngestConfig::default());
    let (ticker_stop, stop) = oneshot::channel();
    let ticker = tokio::spawn(checkpoint_timer(node.clone(), stop));
    let federation = if config.federation.enabled {
        let running = crate::federated::start(&config, node.clone(), seed).await?;
        for address in &running.addresses {
            tracing::info!(%address, "federation listening");
        }
        Some(running)
    } else {
        None
    };
    let mut context = ApiContext::new(config, node, ingest_handle, admin_token);
    context.federation = federation
        .as_ref()
        .map(|f| crate::api::federation::FederationApi {
            federation: f.federation.clone(),
            transport: f.transport.clone(),
            addresses: f.addresses.clone(),
        });
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = warp::serve(api::routes(&context))
        .incoming(listener)
        .graceful(async {
            // A dropped sender also stops the server.
            let _ = stop.await;
        })
        .run();
    let server = tokio::spawn(server);
    tracing::info!(%addr, "HTTP API listening");
    Ok(RunningNode {
        addr,
        context,
        node_key,
        shutdown,
        server,
        ingest,
        ticker_stop,
        ticker,
        federation,
    })
}
