//! Starting a node's federation beside its HTTP server: reads the signed
//! manifest, opens the federation logic, starts the libp2p network and the
//! driver that connects them.
//!
//! Bootstrap addresses (`federation.bootstrap`, `/…/p2p/<peer id>`) name a
//! member by its peer id; they are added to that member's manifest addresses
//! whenever the member list is handed to the network, so a federation whose
//! manifest lists no addresses (every port picked at start, as in
//! `scripts/devnet.sh` and the tests) still finds itself.

use crate::config::Config;
use crate::federation::{
    self, Federation, FederationConfig, PeerAddress, ReplicationPolicy, Transport, TransportError,
};
use crate::net::{self, NetConfig, NetHandle, public_key_of};
use crate::service::Node;
use libp2p::Multiaddr;
use libp2p::multiaddr::Protocol;
use pbnode_protocol::crypto::{PublicKey, Signed};
use pbnode_protocol::federation::{
    FederationManifest, GossipMessage, SyncRequest, SyncResponse, manifest,
};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Why the federation could not start.
#[derive(Debug, thiserror::Error)]
pub enum FederationStartError {
    /// A setting is missing or malformed.
    #[error("federation config: {0}")]
    Config(String),
    /// The manifest file cannot be read or is not a valid signed manifest.
    #[error("federation manifest {path}: {message}")]
    Manifest {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The federation logic refused to open (for instance: this node is
    /// not in the manifest).
    #[error(transparent)]
    Federation(#[from] federation::FederationError),
    /// The network could not start.
    #[error(transparent)]
    Net(#[from] net::NetError),
    /// The network stopped before reporting its addresses.
    #[error("the network stopped while starting: {0}")]
    Stopped(TransportError),
}

/// The transport the driver uses: the libp2p network, with the bootstrap
/// addresses merged into the member list it is given.
pub struct BootstrappedNet {
    net: NetHandle,
    bootstrap: HashMap<PublicKey, Vec<String>>,
}

impl BootstrappedNet {
    /// The network handle.
    pub fn handle(&self) -> &NetHandle {
        &self.net
    }
}

impl Transport for BootstrappedNet {
    fn request(
        &self,
        peer: PublicKey,
        request: SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, TransportError>> + Send {
        self.net.request(peer, request)
    }

    fn publish(&self, message: GossipMessage) -> Result<(), TransportError> {
        self.net.publish(message)
    }

    fn set_members(&self, mut members: Vec<PeerAddress>) -> Result<(), TransportError> {
        for member in &mut members {
            if let Some(extra) = self.bootstrap.get(&member.key) {
                for address in extra {
                    if !member.addresses.contains(address) {
                        member.addresses.push(address.clone());
                    }
                }
            }
        }
        self.net.set_members(members)
    }

    fn connected(&self) -> Vec<PublicKey> {
        self.net.connected()
    }
}

/// A running federation: the logic, the network, the driver task.
pub struct RunningFederation {
    /// The federation logic (replicas, witness state, equivocations).
    pub federation: Arc<Federation>,
    /// The network the driver sends through.
    pub transport: Arc<BootstrappedNet>,
    /// The addresses peers can dial, each ending in `/p2p/<peer id>`.
    pub addresses: Vec<String>,
    stop: oneshot::Sender<()>,
    driver: JoinHandle<()>,
}

impl std::fmt::Debug for RunningFederation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningFederation")
            .field("addresses", &self.addresses)
            .finish_non_exhaustive()
    }
}

impl RunningFederation {
    /// Stops the driver, then the network.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        if tokio::time::timeout(Duration::from_secs(10), self.driver)
            .await
            .is_err()
        {
            tracing::warn!("the federation driver did not stop in time");
        }
        self.transport.net.shutdown().await;
    }
}

/// Reads and checks the signed manifest file against the pinned signer.
pub fn read_manifest(
    path: &std::path::Path,
    signer: &PublicKey,
) -> Result<Signed<FederationManifest>, FederationStartError> {
    let error = |message: String| FederationStartError::Manifest {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    let signed: Signed<FederationManifest> =
        serde_json::from_str(&text).map_err(|e| error(e.to_string()))?;
    manifest::verify_signed(&signed, signer).map_err(|e| error(e.to_string()))?;
    Ok(signed)
}

/// The federation settings of `config`, with witness slugs resolved
/// through the manifest.
fn federation_config(
    config: &Config,
    signer: PublicKey,
    manifest: &FederationManifest,
) -> Result<FederationConfig, FederationStartError> {
    let settings = &config.federation;
    let mut fed = FederationConfig::new(signer);
    fed.replicate = match settings.replicate.as_str() {
        "all" => ReplicationPolicy::All,
        "region" => ReplicationPolicy::Region,
        other => {
            return Err(FederationStartError::Config(format!(
                "replicate = {other:?}: expected \"all\" or \"region\""
            )));
        }
    };
    fed.witnesses = settings
        .witnesses
        .iter()
        .map(|slug| {
            manifest.member_by_slug(slug).map(|m| m.key).ok_or_else(|| {
                FederationStartError::Config(format!(
                    "witness {slug:?} is not a member of the federation"
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let interval = Duration::from_secs(settings.sync_interval_secs.max(1));
    fed.announce_interval = interval;
    fed.retry_base = interval;
    fed.allow_equivocation = config.testing.allow_equivocation;
    Ok(fed)
}

/// Bootstrap addresses grouped by the member key their `/p2p/` part names.
fn bootstrap_by_key(
    addresses: &[String],
) -> Result<HashMap<PublicKey, Vec<String>>, FederationStartError> {
    let mut by_key: HashMap<PublicKey, Vec<String>> = HashMap::new();
    for text in addresses {
        let address: Multiaddr = text.parse().map_err(|e| {
            FederationStartError::Config(format!("bootstrap address {text:?}: {e}"))
        })?;
        let peer = address
            .iter()
            .find_map(|p| match p {
                Protocol::P2p(peer) => Some(peer),
                _ => None,
            })
            .ok_or_else(|| {
                FederationStartError::Config(format!(
                    "bootstrap address {text:?} must end in /p2p/<peer id>"
                ))
            })?;
        let key = public_key_of(&peer).ok_or_else(|| {
            FederationStartError::Config(format!(
                "bootstrap address {text:?}: the peer id is not an Ed25519 key"
            ))
        })?;
        by_key.entry(key).or_default().push(text.clone());
    }
    Ok(by_key)
}

/// Starts the federation of `node` as `config` says. Must run inside the
/// tokio runtime.
pub async fn start(
    config: &Config,
    node: Arc<Node>,
    seed: [u8; 32],
) -> Result<RunningFederation, FederationStartError> {
    let settings = &config.federation;
    let signer: PublicKey = settings.trusted_signer.parse().map_err(|e| {
        FederationStartError::Config(format!("trusted_signer must be the region's hex key ({e})"))
    })?;
    let manifest_path = if settings.manifest.is_relative() {
        config.data_dir.join(&settings.manifest)
    } else {
        settings.manifest.clone()
    };
    let signed = read_manifest(&manifest_path, &signer)?;
    let fed_config = federation_config(config, signer, &signed.value)?;
    let bootstrap = bootstrap_by_key(&settings.bootstrap)?;
    let mut net_config = NetConfig::new(signed.value.federation.clone());
    net_config.listen = settings.listen.clone();
    net_config.idle_connection_timeout = Duration::from_secs(settings.idle_timeout_secs.max(1));
    net_config.mdns = settings.mdns;
    let federation = {
        let node = node.clone();
        tokio::task::spawn_blocking(move || Federation::open(node, fed_config, Some(signed)))
            .await
            .map_err(|e| FederationStartError::Config(format!("start-up task failed: {e}")))??
    };
    let federation = Arc::new(federation);
    let (net, inbound) = net::start(net_config, seed)?;
    let peer = net.local_peer_id();
    let addresses = net
        .listen_addrs()
        .await
        .map_err(FederationStartError::Stopped)?
        .into_iter()
        .map(|a| format!("{a}/p2p/{peer}"))
        .collect();
    let transport = Arc::new(BootstrappedNet { net, bootstrap });
    let (stop, stopped) = oneshot::channel::<()>();
    let driver = tokio::spawn(federation::run(
        federation.clone(),
        transport.clone(),
        inbound,
        async {
            let _ = stopped.await;
        },
    ));
    Ok(RunningFederation {
        federation,
        transport,
        addresses,
        stop,
        driver,
    })
}
