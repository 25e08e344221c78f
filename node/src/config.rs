//! The node's configuration: one struct, read in layers.
//!
//! A TOML file (`DATA/pbnode.toml`, written by `pbnode init`), overridden by
//! `PBNODE_*` environment variables, overridden by command-line flags. The
//! layers are merged as TOML values *before* deserialising, so every layer
//! goes through the same parser and the same checks (unknown keys are errors
//! that name the key, whichever layer brought them).
//!
//! [`FIELDS`] documents every key once; the commented file `pbnode init`
//! writes and the committed `node/config.example.toml` are rendered from it
//! and the struct's defaults ([`render_toml`]), and a test checks that the
//! table and the struct name exactly the same keys.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// The name of the config file inside a data directory.
pub const CONFIG_FILE: &str = "pbnode.toml";

/// The node's whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The node's display name (the municipality or jurisdiction it serves).
    pub name: String,
    /// The jurisdiction's short name in log origins (`pbnode/<slug>/<process>`):
    /// `a-z`, `0-9`, `-`, `.`, `_` only. Fixed for the node's life: the
    /// logs it has published carry it.
    pub slug: String,
    /// Where the store and the secret files live. A relative path is taken
    /// relative to the directory holding the config file.
    pub data_dir: PathBuf,
    /// The HTTP API.
    #[serde(default)]
    pub http: HttpConfig,
    /// Per-client rate limits of the citizen endpoints.
    #[serde(default)]
    pub rate_limit: RateLimitConfig,
    /// Checkpoint signing.
    #[serde(default)]
    pub checkpoint: CheckpointConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
    /// Federation with peer nodes over libp2p.
    #[serde(default)]
    pub federation: FederationConfig,
    /// Switches that exist only so tests can make a node misbehave.
    #[serde(default)]
    pub testing: TestingConfig,
}

/// The HTTP API settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// The address the HTTP server listens on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The largest request body accepted on citizen and public endpoints.
    pub body_limit_bytes: u64,
    /// The largest request body accepted on admin endpoints (census imports).
    pub admin_body_limit_bytes: u64,
    /// Reverse proxies whose `X-Forwarded-For` header is believed when
    /// telling clients apart for rate limiting. Empty: the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 64 * 1024,
            admin_body_limit_bytes: 16 * 1024 * 1024,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Token-bucket limits per client address on citizen endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Sustained requests per second allowed per client; 0 turns limiting off.
    pub per_second: u32,
    /// Requests a client may send at once before the sustained rate applies.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            per_second: 20,
            burst: 60,
        }
    }
}

/// When the node signs checkpoints of a growing log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckpointConfig {
    /// Seconds between checkpoints while a log grows (phase changes always
    /// sign one immediately).
    pub interval_secs: u64,
}

impl Default for CheckpointConfig {
    fn default() -> Self {
        CheckpointConfig { interval_secs: 60 }
    }
}

/// Logging settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A `tracing` EnvFilter directive; `RUST_LOG`, when set, replaces it.
    pub filter: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            // warp's own per-request lines would double ours and flood the
            // log under a scan; keep its errors only.
            filter: "info,warp::filters::trace=error".to_owned(),
        }
    }
}

/// Federation settings: the libp2p listener, the signed manifest that says
/// who belongs, and what this node replicates and witnesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FederationConfig {
    /// Whether the node joins a federation at all.
    pub enabled: bool,
    /// libp2p listen multiaddresses (`/ip4/0.0.0.0/tcp/4001`; port 0 picks one).
    pub listen: Vec<String>,
    /// The signed federation manifest (JSON); relative paths are taken
    /// relative to the data directory.
    pub manifest: PathBuf,
    /// The hex Ed25519 key that must have signed the manifest (the region's):
    /// the trust anchor, pinned here so a forged manifest is refused.
    pub trusted_signer: String,
    /// Multiaddresses (with `/p2p/<peer id>`) dialled at start to find the
    /// federation.
    pub bootstrap: Vec<String>,
    /// Which peer logs to replicate: `all` members, only this node's
    /// `region`, or `none`.
    pub replicate: String,
    /// Slugs of the members asked to cosign this node's checkpoints when a
    /// process names no witnesses of its own.
    pub witnesses: Vec<String>,
    /// Seconds between announcements of new checkpoints and sync retries.
    pub sync_interval_secs: u64,
    /// Seconds an idle peer connection is kept open.
    pub idle_timeout_secs: u64,
    /// Discover peers on the local network with mDNS (LAN deployments only).
    pub mdns: bool,
}

impl Default for FederationConfig {
    fn default() -> Self {
        FederationConfig {
            enabled: false,
            listen: vec!["/ip4/0.0.0.0/tcp/4001".to_owned()],
            manifest: PathBuf::from("manifest.json"),
            trusted_signer: String::new(),
            bootstrap: Vec::new(),
            replicate: "all".to_owned(),
            witnesses: Vec::new(),
            sync_interval_secs: 5,
            idle_timeout_secs: 60,
            mdns: false,
        }
    }
}

/// Test-only switches. Never set them on a real node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TestingConfig {
    /// Let the test API make this node sign two inconsistent checkpoints
    /// (an equivocation), so federation tests can check that peers catch it.
    pub allow_equivocation: bool,
}

/// A slug made from a display name: lower-case ASCII letters and digits,
/// every other run of characters one `-` ("City of Example" → "city-of-example").
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "node".to_owned()
    } else {
        slug.to_owned()
    }
}

/// True for a valid slug: non-empty, `a-z 0-9 - . _` only.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
}

impl Config {
    /// The defaults for a node called `name` whose data is in `data_dir`.
    pub fn new(name: &str, data_dir: &Path) -> Self {
        Config {
            name: name.to_owned(),
            slug: slug_from_name(name),
            data_dir: data_dir.to_owned(),
            http: HttpConfig::default(),
            rate_limit: RateLimitConfig::default(),
            checkpoint: CheckpointConfig::default(),
            log: LogConfig::default(),
            federation: FederationConfig::default(),
            testing: TestingConfig::default(),
        }
    }
}

/// One documented key of the config file.
#[derive(Debug, Clone, Copy)]
pub struct FieldDoc {
    /// The TOML table holding the key (`None`: the top level).
    pub section: Option<&'static str>,
    /// The key.
    pub key: &'static str,
    /// The environment variable that overrides it.
    pub env: &'static str,
    /// What it means (one or more lines).
    pub doc: &'static str,
}

/// Every key of [`Config`], in the order the rendered file lists them.
pub const FIELDS: &[FieldDoc] = &[
    FieldDoc {
        section: None,
        key: "name",
        env: "PBNODE_NAME",
        doc: "The node's display name (the municipality or jurisdiction it serves).",
    },
    FieldDoc {
        section: None,
        key: "slug",
        env: "PBNODE_SLUG",
        doc: "The jurisdiction's short name in its log origins (pbnode/<slug>/<process>):\n\
              a-z, 0-9, '-', '.', '_'. Never change it once logs are published.",
    },
    FieldDoc {
        section: None,
        key: "data_dir",
        env: "PBNODE_DATA",
        doc: "Where the store (store/) and the secrets (node.key, admin-token) live.\n\
              A relative path is relative to the directory of this file.",
    },
    FieldDoc {
        section: Some("http"),
        key: "listen",
        env: "PBNODE_HTTP",
        doc: "Address of the HTTP API. Keep it on loopback behind a TLS reverse proxy.",
    },
    FieldDoc {
        section: Some("http"),
        key: "body_limit_bytes",
        env: "PBNODE_BODY_LIMIT_BYTES",
        doc: "Largest request body on citizen and public endpoints (larger: 413).",
    },
    FieldDoc {
        section: Some("http"),
        key: "admin_body_limit_bytes",
        env: "PBNODE_ADMIN_BODY_LIMIT_BYTES",
        doc: "Largest request body on admin endpoints (census CSV imports).",
    },
    FieldDoc {
        section: Some("http"),
        key: "trusted_proxies",
        env: "PBNODE_TRUSTED_PROXIES",
        doc: "Reverse proxies whose X-Forwarded-For header names the client for rate\n\
              limiting, e.g. [\"127.0.0.1\"]. Empty: the header is ignored.\n\
              (Environment: comma-separated addresses.)",
    },
    FieldDoc {
        section: Some("rate_limit"),
        key: "per_second",
        env: "PBNODE_RATE_LIMIT_PER_SECOND",
        doc: "Sustained requests per second per client on citizen endpoints; 0 turns\n\
              rate limiting off.",
    },
    FieldDoc {
        section: Some("rate_limit"),
        key: "burst",
        env: "PBNODE_RATE_LIMIT_BURST",
        doc: "Requests a client may send at once before the sustained rate applies.",
    },
    FieldDoc {
        section: Some("checkpoint"),
        key: "interval_secs",
        env: "PBNODE_CHECKPOINT_INTERVAL_SECS",
        doc: "Seconds between signed checkpoints while a log grows (a phase change\n\
              always signs one at once).",
    },
    FieldDoc {
        section: Some("log"),
        key: "filter",
        env: "PBNODE_LOG",
        doc: "Log filter (tracing EnvFilter syntax, e.g. \"info,pbnode=debug\").\n\
              RUST_LOG, when set, replaces it.",
    },
    FieldDoc {
        section: Some("federation"),
        key: "enabled",
        env: "PBNODE_FEDERATION",
        doc: "Join a federation of pbnode nodes over libp2p.",
    },
    FieldDoc {
        section: Some("federation"),
        key: "listen",
        env: "PBNODE_P2P_LISTEN",
        doc: "libp2p listen multiaddresses, e.g. [\"/ip4/0.0.0.0/tcp/4001\"] (port 0: any\n\
              free port). (Environment: comma-separated.)",
    },
    FieldDoc {
        section: Some("federation"),
        key: "manifest",
        env: "PBNODE_MANIFEST",
        doc: "The signed federation manifest (JSON, from `pbnode federation manifest`);\n\
              relative to the data directory. A newer signed version arriving by gossip\n\
              replaces it.",
    },
    FieldDoc {
        section: Some("federation"),
        key: "trusted_signer",
        env: "PBNODE_FEDERATION_SIGNER",
        doc: "Hex Ed25519 key of the region that signs the manifest (the trust anchor).",
    },
    FieldDoc {
        section: Some("federation"),
        key: "bootstrap",
        env: "PBNODE_BOOTSTRAP",
        doc: "Peers dialled at start, as multiaddresses ending in /p2p/<peer id>.\n\
              (Environment: comma-separated.)",
    },
    FieldDoc {
        section: Some("federation"),
        key: "replicate",
        env: "PBNODE_REPLICATE",
        doc: "Which peer logs to keep a replica of: \"all\" members, this node's\n\
              \"region\" only, or \"none\".",
    },
    FieldDoc {
        section: Some("federation"),
        key: "witnesses",
        env: "PBNODE_WITNESSES",
        doc: "Slugs of the members asked to cosign this node's checkpoints when a process\n\
              names no witnesses itself. (Environment: comma-separated.)",
    },
    FieldDoc {
        section: Some("federation"),
        key: "sync_interval_secs",
        env: "PBNODE_SYNC_INTERVAL_SECS",
        doc: "Seconds between announcements of new checkpoints and retries of failed syncs.",
    },
    FieldDoc {
        section: Some("federation"),
        key: "idle_timeout_secs",
        env: "PBNODE_IDLE_TIMEOUT_SECS",
        doc: "Seconds an idle peer connection stays open.",
    },
    FieldDoc {
        section: Some("federation"),
        key: "mdns",
        env: "PBNODE_MDNS",
        doc: "Find peers on the local network with mDNS (LAN deployments only).",
    },
    FieldDoc {
        section: Some("testing"),
        key: "allow_equivocation",
        env: "PBNODE_TESTING_ALLOW_EQUIVOCATION",
        doc: "TEST ONLY: lets tests make this node equivocate. Never set it in production.",
    },
];

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// An environment variable holds a value of the wrong kind.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// The config file has a key no setting has (a typo, or a setting from
    /// another version).
    #[error("{path}: unknown key `{key}`; the keys here are: {known}")]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key, with its table (`http.listen_adress`).
        key: String,
        /// The keys allowed in that table.
        known: String,
    },
    /// The merged layers do not form a valid configuration (an unknown key,
    /// a missing one, a value of the wrong type).
    #[error("invalid configuration ({origin}): {message}")]
    Invalid {
        /// Where the layers came from (the file path).
        origin: String,
        /// The deserialiser's message, naming the key.
        message: String,
    },
}

/// Overrides given as command-line flags (the last layer).
#[derive(Debug, Clone, Default)]
pub struct FlagOverrides {
    /// `--data`.
    pub data_dir: Option<PathBuf>,
    /// `--http`.
    pub http_listen: Option<SocketAddr>,
    /// `--log`.
    pub log_filter: Option<String>,
}

/// The result of loading: the configuration and anything worth a warning.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged configuration (with `data_dir` made absolute or
    /// relative to the working directory, never to the config file).
    pub config: Config,
    /// `PBNODE_*` variables that name no setting (probably typos).
    pub unknown_env: Vec<String>,
}

/// Environment variables read by pbnode that are not config keys.
const NON_CONFIG_ENV: &[&str] = &["PBNODE_CONFIG", "PBNODE_REGEN_CONFIG"];

/// Loads `file` (if given), then the `PBNODE_*` variables of `env`, then
/// `flags`. `env` is passed in (not read here) so tests need not mutate the
/// process environment.
pub fn load(
    file: Option<&Path>,
    env: &[(String, String)],
    flags: &FlagOverrides,
) -> Result<Loaded, ConfigError> {
    let mut table = match file {
        Some(path) => read_table(path)?,
        None => toml::Table::new(),
    };
    // A relative data_dir from the file is relative to the file; one from the
    // environment or a flag is relative to the working directory.
    let mut data_dir_from_file = true;
    let mut unknown_env = Vec::new();
    for (var, value) in env {
        if !var.starts_with("PBNODE_") || NON_CONFIG_ENV.contains(&var.as_str()) {
            continue;
        }
        match FIELDS.iter().find(|f| f.env == var) {
            Some(field) => {
                data_dir_from_file &= field.key != "data_dir";
                set(&mut table, field, env_value(field, var, value)?);
            }
            None => unknown_env.push(var.clone()),
        }
    }
    if let Some(dir) = &flags.data_dir {
        data_dir_from_file = false;
        set_key(&mut table, None, "data_dir", path_value(dir));
    }
    if let Some(addr) = flags.http_listen {
        set_key(
            &mut table,
            Some("http"),
            "listen",
            toml::Value::String(addr.to_string()),
        );
    }
    if let Some(filter) = &flags.log_filter {
        set_key(
            &mut table,
            Some("log"),
            "filter",
            toml::Value::String(filter.clone()),
        );
    }
    let origin = file.map_or_else(|| "no config file".to_owned(), |p| p.display().to_string());
    let mut config: Config =
        table
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid {
                origin,
                message: e.message().to_owned(),
            })?;
    if !is_valid_slug(&config.slug) {
        return Err(ConfigError::Invalid {
            origin: file.map_or_else(|| "no config file".to_owned(), |p| p.display().to_string()),
            message: format!(
                "slug {:?} may hold only a-z, 0-9, '-', '.', '_' (and not be empty)",
                config.slug
            ),
        });
    }
    if data_dir_from_file
        && config.data_dir.is_relative()
        && let Some(base) = file.and_then(Path::parent)
    {
        config.data_dir = base.join(&config.data_dir);
    }
    Ok(Loaded {
        config,
        unknown_env,
    })
}

fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let table = text
        .parse::<toml::Table>()
        .map_err(|e| ConfigError::Syntax {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
    check_known_keys(&table, path)?;
    Ok(table)
}

/// Refuses keys [`FIELDS`] does not list, naming the key with its table and
/// the keys that table allows. (serde's `deny_unknown_fields` would catch
/// them too, but after merging, without saying which table.)
fn check_known_keys(table: &toml::Table, path: &Path) -> Result<(), ConfigError> {
    let keys_of = |section: Option<&str>| -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = FIELDS
            .iter()
            .filter(|f| f.section == section)
            .map(|f| f.key)
            .collect();
        if section.is_none() {
            let mut sections: Vec<&'static str> = FIELDS.iter().filter_map(|f| f.section).collect();
            sections.dedup();
            keys.extend(sections);
        }
        keys
    };
    let unknown = |key: String, section: Option<&str>| ConfigError::UnknownKey {
        path: path.to_owned(),
        key,
        known: keys_of(section).join(", "),
    };
    for (key, value) in table {
        let section = FIELDS.iter().find_map(|f| f.section.filter(|s| s == key));
        match (section, value.as_table()) {
            (Some(section), Some(inner)) => {
                for inner_key in inner.keys() {
                    if !keys_of(Some(section)).contains(&inner_key.as_str()) {
                        return Err(unknown(format!("{section}.{inner_key}"), Some(section)));
                    }
                }
            }
            // A section given as a scalar: serde reports the type error.
            (Some(_), None) => {}
            (None, _) => {
                if !keys_of(None).contains(&key.as_str()) {
                    return Err(unknown(key.clone(), None));
                }
            }
        }
    }
    Ok(())
}

fn path_value(path: &Path) -> toml::Value {
    toml::Value::String(path.to_string_lossy().into_owned())
}

/// Turns an environment string into the TOML value the field expects: its
/// kind is taken from the default configuration, so `PBNODE_BURST=10` is an
/// integer and `PBNODE_NAME=10` a string.
fn env_value(field: &FieldDoc, var: &str, raw: &str) -> Result<toml::Value, ConfigError> {
    let bad = |message: String| ConfigError::Env {
        var: var.to_owned(),
        message,
    };
    let default = default_value(field).ok_or_else(|| bad("no such setting".to_owned()))?;
    Ok(match default {
        toml::Value::Integer(_) => toml::Value::Integer(
            raw.trim()
                .parse::<i64>()
                .map_err(|e| bad(format!("expected a whole number, got {raw:?} ({e})")))?,
        ),
        toml::Value::Boolean(_) => toml::Value::Boolean(
            raw.trim()
                .parse::<bool>()
                .map_err(|_| bad(format!("expected true or false, got {raw:?}")))?,
        ),
        toml::Value::Array(_) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_owned()))
                .collect(),
        ),
        _ => toml::Value::String(raw.to_owned()),
    })
}

fn default_value(field: &FieldDoc) -> Option<toml::Value> {
    let table = toml::Table::try_from(Config::new("", Path::new(""))).ok()?;
    lookup(&table, field.section, field.key).cloned()
}

fn lookup<'a>(table: &'a toml::Table, section: Option<&str>, key: &str) -> Option<&'a toml::Value> {
    match section {
        None => table.get(key),
        Some(s) => table.get(s)?.as_table()?.get(key),
    }
}

fn set(table: &mut toml::Table, field: &FieldDoc, value: toml::Value) {
    set_key(table, field.section, field.key, value);
}

fn set_key(table: &mut toml::Table, section: Option<&str>, key: &str, value: toml::Value) {
    let target = match section {
        None => table,
        Some(s) => {
            let entry = table
                .entry(s.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                // A scalar where a table belongs: replace it; the file's
                // mistake is overridden by the higher layer anyway.
                *entry = toml::Value::Table(toml::Table::new());
            }
            match entry.as_table_mut() {
                Some(t) => t,
                None => return,
            }
        }
    };
    target.insert(key.to_owned(), value);
}

/// Renders `config` as a commented TOML file: every key preceded by what it
/// means and the environment variable that overrides it.
pub fn render_toml(config: &Config) -> Result<String, toml::ser::Error> {
    let table = toml::Table::try_from(config)?;
    let mut out = String::from(
        "# pbnode configuration.\n\
         #\n\
         # Layers: this file, then PBNODE_* environment variables, then command-line\n\
         # flags (pbnode run --help). Unknown keys are errors.\n",
    );
    let mut section: Option<&str> = None;
    for field in FIELDS {
        if field.section != section {
            section = field.section;
            if let Some(s) = section {
                out.push_str(&format!("\n[{s}]\n"));
            }
        }
        out.push('\n');
        for line in field.doc.lines() {
            out.push_str(&format!("# {}\n", line.trim()));
        }
        out.push_str(&format!("# Environment: {}\n", field.env));
        match lookup(&table, field.section, field.key) {
            Some(value) => out.push_str(&format!("{} = {}\n", field.key, value)),
            None => out.push_str(&format!("# {} =\n", field.key)),
        }
    }
    Ok(out)
}

/// The example committed as `node/config.example.toml`.
pub fn example_toml() -> Result<String, toml::ser::Error> {
    render_toml(&Config::new("Example City", Path::new(".")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn leaf_keys(table: &toml::Table) -> BTreeSet<(Option<String>, String)> {
        let mut keys = BTreeSet::new();
        for (k, v) in table {
            match v.as_table() {
                Some(inner) => {
                    for ik in inner.keys() {
                        keys.insert((Some(k.clone()), ik.clone()));
                    }
                }
                None => {
                    keys.insert((None, k.clone()));
                }
            }
        }
        keys
    }

    #[test]
    fn every_config_key_is_documented_once_and_no_doc_is_stale() {
        let table = toml::Table::try_from(Config::new("x", Path::new("."))).unwrap();
        let from_struct = leaf_keys(&table);
        let documented: Vec<_> = FIELDS
            .iter()
            .map(|f| (f.section.map(str::to_owned), f.key.to_owned()))
            .collect();
        let documented_set: BTreeSet<_> = documented.iter().cloned().collect();
        assert_eq!(
            documented.len(),
            documented_set.len(),
            "a key is documented twice"
        );
        assert_eq!(from_struct, documented_set);
        let envs: BTreeSet<_> = FIELDS.iter().map(|f| f.env).collect();
        assert_eq!(
            envs.len(),
            FIELDS.len(),
            "two keys share an environment variable"
        );
    }

    #[test]
    fn rendered_file_parses_back_to_the_same_config() {
        let config = Config::new("Town of Tests", Path::new("/var/lib/pbnode"));
        let text = render_toml(&config).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, &text).unwrap();
        let loaded = load(Some(&path), &[], &FlagOverrides::default()).unwrap();
        assert_eq!(loaded.config, config);
    }

    /// The committed example equals the generated one; regenerate with
    /// `PBNODE_REGEN_CONFIG=1 cargo test -p pbnode --lib config`.
    #[test]
    fn committed_example_config_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let generated = example_toml().unwrap();
        if std::env::var_os("PBNODE_REGEN_CONFIG").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "node/config.example.toml is stale: run PBNODE_REGEN_CONFIG=1 cargo test -p pbnode --lib config"
        );
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join(CONFIG_FILE);
        std::fs::write(&path, text).unwrap();
        path
    }

    const BASE: &str = "name = \"File Town\"\nslug = \"file-town\"\ndata_dir = \".\"\n[http]\nlisten = \"127.0.0.1:1111\"\n";

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), BASE);
        let none = FlagOverrides::default();

        let file_only = load(Some(&path), &[], &none).unwrap().config;
        assert_eq!(file_only.http.listen.port(), 1111);
        assert_eq!(file_only.name, "File Town");
        assert_eq!(file_only.data_dir, dir.path().join("."));

        let vars = env(&[
            ("PBNODE_HTTP", "127.0.0.1:2222"),
            ("PBNODE_NAME", "Env Town"),
            ("PBNODE_CHECKPOINT_INTERVAL_SECS", "5"),
            ("PBNODE_TRUSTED_PROXIES", "127.0.0.1, ::1"),
            ("HOME", "/root"),
        ]);
        let with_env = load(Some(&path), &vars, &none).unwrap();
        assert_eq!(with_env.config.http.listen.port(), 2222);
        assert_eq!(with_env.config.name, "Env Town");
        assert_eq!(with_env.config.checkpoint.interval_secs, 5);
        assert_eq!(with_env.config.http.trusted_proxies.len(), 2);
        assert!(with_env.unknown_env.is_empty());

        let flags = FlagOverrides {
            http_listen: Some("127.0.0.1:3333".parse().unwrap()),
            data_dir: Some(PathBuf::from("/srv/pb")),
            log_filter: Some("debug".into()),
        };
        let all = load(Some(&path), &vars, &flags).unwrap().config;
        assert_eq!(all.http.listen.port(), 3333);
        assert_eq!(all.data_dir, PathBuf::from("/srv/pb"));
        assert_eq!(all.log.filter, "debug");
        assert_eq!(all.name, "Env Town", "flags leave other env values alone");
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &format!("{BASE}lisen_typo = 1\n"));
        let err = load(Some(&path), &[], &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("lisen_typo"), "{err}");

        let path = write(
            dir.path(),
            "name = \"x\"\ndata_dir = \".\"\n[rate_limit]\nbrust = 3\n",
        );
        let err = load(Some(&path), &[], &FlagOverrides::default()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`rate_limit.brust`"), "{text}");
        assert!(text.contains("per_second, burst"), "{text}");
    }

    #[test]
    fn bad_env_value_names_the_variable_and_unknown_ones_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), BASE);
        let err = load(
            Some(&path),
            &env(&[("PBNODE_RATE_LIMIT_BURST", "lots")]),
            &FlagOverrides::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("PBNODE_RATE_LIMIT_BURST"), "{err}");

        let loaded = load(
            Some(&path),
            &env(&[("PBNODE_HTPP", "x"), ("PBNODE_REGEN_CONFIG", "1")]),
            &FlagOverrides::default(),
        )
        .unwrap();
        assert_eq!(loaded.unknown_env, vec!["PBNODE_HTPP".to_owned()]);
    }

    #[test]
    fn slugs_are_derived_from_names_and_checked() {
        assert_eq!(slug_from_name("City of Example"), "city-of-example");
        assert_eq!(slug_from_name("  Saint-Étienne (42) "), "saint-tienne-42");
        assert_eq!(slug_from_name("Über"), "ber");
        assert_eq!(slug_from_name("???"), "node");
        assert!(is_valid_slug("a.b_c-1"));
        assert!(!is_valid_slug("A"));
        assert!(!is_valid_slug(""));
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &BASE.replace("file-town", "File Town"));
        let err = load(Some(&path), &[], &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("slug"), "{err}");
    }

    #[test]
    fn missing_name_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "data_dir = \".\"\n");
        let err = load(Some(&path), &[], &FlagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
    }
}
