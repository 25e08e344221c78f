//! `pbnode run`: serves a node until SIGINT or SIGTERM.

use crate::config::{CONFIG_FILE, Config, FlagOverrides, load};
use crate::server;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pbnode run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// The data directory made by `pbnode init` (its pbnode.toml is read).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// A config file elsewhere than DIR/pbnode.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// HTTP listen address, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Log filter (EnvFilter syntax); RUST_LOG, when set, wins.
    #[arg(long, value_name = "FILTER")]
    pub log: Option<String>,
}

/// Why `pbnode run` could not even start serving.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Neither a data directory nor a config file was given.
    #[error("give the node's data directory (--data DIR or PBNODE_DATA) or --config FILE")]
    NoConfig,
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The log filter does not parse.
    #[error("log filter {filter:?}: {message}")]
    LogFilter {
        /// The filter.
        filter: String,
        /// The parser's message.
        message: String,
    },
    /// The node did not start.
    #[error(transparent)]
    Start(#[from] server::StartError),
    /// The runtime or the signal handlers could not be set up.
    #[error("{0}")]
    Runtime(std::io::Error),
    /// The store could not be flushed at shutdown.
    #[error("flushing the store at shutdown: {0}")]
    Shutdown(crate::store::StoreError),
}

/// The configuration `pbnode run` would use: the config file (`--config`,
/// `PBNODE_CONFIG`, or DIR/pbnode.toml with DIR from `--data` or
/// `PBNODE_DATA`), the `PBNODE_*` environment, then the flags.
pub fn resolve_config(
    args: &RunArgs,
    env: &[(String, String)],
) -> Result<(Config, Vec<String>), RunError> {
    let var = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| PathBuf::from(v))
    };
    let file = args
        .config
        .clone()
        .or_else(|| var("PBNODE_CONFIG"))
        .or_else(|| {
            args.data
                .clone()
                .or_else(|| var("PBNODE_DATA"))
                .map(|d| d.join(CONFIG_FILE))
        })
        .ok_or(RunError::NoConfig)?;
    let flags = FlagOverrides {
        data_dir: args.data.clone(),
        http_listen: args.http,
        log_filter: args.log.clone(),
    };
    let loaded = load(Some(&file), env, &flags)?;
    Ok((loaded.config, loaded.unknown_env))
}

fn init_tracing(config: &Config) -> Result<(), RunError> {
    use tracing_subscriber::EnvFilter;
    let filter = match EnvFilter::try_from_default_env() {
        Ok(filter) => filter,
        Err(_) => EnvFilter::try_new(&config.log.filter).map_err(|e| RunError::LogFilter {
            filter: config.log.filter.clone(),
            message: e.to_string(),
        })?,
    };
    // Logs go to stderr; stdout carries only the line announcing the URL,
    // which scripts and tests read.
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}

/// SIGINT (Ctrl-C) and SIGTERM (systemd's stop), caught from the moment
/// this is made: it is made before the URL is announced, so a signal sent
/// right after seeing the URL is never the default "die at once".
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> Result<Self, std::io::Error> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the first stop signal and names it.
    async fn wait(&mut self) -> Result<&'static str, std::io::Error> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok("SIGINT"),
                _ = self.terminate.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
        }
    }
}

/// Serves until a stop signal; flushes the store before returning.
pub fn run(args: &RunArgs) -> Result<(), RunError> {
    let env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("PBNODE_"))
        .collect();
    let (config, unknown_env) = resolve_config(args, &env)?;
    init_tracing(&config)?;
    for var in unknown_env {
        tracing::warn!(%var, "environment variable names no pbnode setting; ignored");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    runtime.block_on(async {
        let mut signals = StopSignals::install().map_err(RunError::Runtime)?;
        let node = server::start(config).await?;
        println!("pbnode listening on {}", node.url());
        for address in node.p2p_addresses() {
            println!("pbnode p2p on {address}");
        }
        let _ = std::io::stdout().flush();
        let signal = signals.wait().await.map_err(RunError::Runtime)?;
        tracing::info!(signal, "stopping");
        node.shutdown().await.map_err(RunError::Shutdown)?;
        tracing::info!("stopped cleanly");
        Ok(())
    })
}

/// Runs `pbnode run` and reports failures to the terminal.
pub fn main(args: &RunArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pbnode run: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::init::init;

    fn args() -> RunArgs {
        RunArgs {
            data: None,
            config: None,
            http: None,
            log: None,
        }
    }

    fn vars(pairs: &[(&str, &std::path::Path)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.display().to_string()))
            .collect()
    }

    #[test]
    fn the_config_file_is_found_from_flags_or_environment() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        let b = root.path().join("b");
        init(&a, "Alpha", None).unwrap();
        init(&b, "Beta", None).unwrap();

        assert!(matches!(
            resolve_config(&args(), &[]),
            Err(RunError::NoConfig)
        ));

        let from_env = resolve_config(&args(), &vars(&[("PBNODE_DATA", &a)]))
            .unwrap()
            .0;
        assert_eq!(from_env.name, "Alpha");
        assert_eq!(from_env.data_dir, a);

        let flag = RunArgs {
            data: Some(b.clone()),
            ..args()
        };
        let from_flag = resolve_config(&flag, &vars(&[("PBNODE_DATA", &a)]))
            .unwrap()
            .0;
        assert_eq!(from_flag.name, "Beta", "--data beats PBNODE_DATA");
        assert_eq!(from_flag.data_dir, b);

        // A config file elsewhere: its relative data_dir is its own directory.
        let explicit = RunArgs {
            config: Some(a.join(CONFIG_FILE)),
            ..args()
        };
        let from_file = resolve_config(&explicit, &[]).unwrap().0;
        assert_eq!(from_file.name, "Alpha");
        assert_eq!(from_file.data_dir, a.join("."));
    }
}
