//! `pbnode init --data DIR --name NAME`: creates a node.

use crate::config::{CONFIG_FILE, Config, is_valid_slug, render_toml};
use crate::secrets::{self, ADMIN_TOKEN_FILE, NODE_KEY_FILE, SecretError};
use crate::server::STORE_DIR;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `pbnode init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The data directory to create (or an empty existing one).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The node's display name (the municipality or jurisdiction).
    #[arg(long)]
    pub name: String,
    /// The short name in log origins (a-z 0-9 - . _); made from NAME if not given.
    #[arg(long)]
    pub slug: Option<String>,
}

/// Why a node could not be created.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory already holds (part of) a node.
    #[error(
        "{dir} already holds a node ({found} exists); refusing to overwrite it. \
         Use another directory, or remove this one if you really mean to start over"
    )]
    AlreadyANode {
        /// The data directory.
        dir: PathBuf,
        /// The node file found in it.
        found: &'static str,
    },
    /// Creating a directory or the config file failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Creating a secret failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The slug has characters log origins do not allow.
    #[error("slug {0:?} may hold only a-z, 0-9, '-', '.', '_' (and not be empty)")]
    BadSlug(String),
    /// The config could not be rendered.
    #[error("cannot render the config file: {0}")]
    Render(#[from] toml::ser::Error),
}

/// What `init` created.
#[derive(Debug, Clone)]
pub struct Initialised {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The config file.
    pub config_file: PathBuf,
    /// The node key file.
    pub node_key_file: PathBuf,
    /// The admin token file.
    pub admin_token_file: PathBuf,
    /// The node's public key, hex.
    pub public_key: String,
    /// The slug written to the config.
    pub slug: String,
}

/// Creates the node in `data`: the directory (0700), the node key and the
/// admin token (0600), and `pbnode.toml`. Refuses a directory that already
/// holds any of a node's files.
pub fn init(data: &Path, name: &str, slug: Option<&str>) -> Result<Initialised, InitError> {
    let mut config = Config::new(name, Path::new("."));
    if let Some(slug) = slug {
        config.slug = slug.to_owned();
    }
    if !is_valid_slug(&config.slug) {
        return Err(InitError::BadSlug(config.slug));
    }
    for found in [CONFIG_FILE, NODE_KEY_FILE, ADMIN_TOKEN_FILE, STORE_DIR] {
        if data.join(found).exists() {
            return Err(InitError::AlreadyANode {
                dir: data.to_owned(),
                found,
            });
        }
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| InitError::Io { path, source }
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(data).map_err(io(data))?;

    let key = secrets::create_node_key(data)?;
    secrets::create_admin_token(data)?;

    // data_dir "." (set above) = the directory holding the file, so the
    // directory can be moved or restored elsewhere as a whole.
    let config_file = data.join(CONFIG_FILE);
    let text = render_toml(&config)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&config_file)
        .map_err(io(&config_file))?;
    file.write_all(text.as_bytes()).map_err(io(&config_file))?;

    Ok(Initialised {
        data_dir: data.to_owned(),
        node_key_file: data.join(NODE_KEY_FILE),
        admin_token_file: data.join(ADMIN_TOKEN_FILE),
        config_file,
        public_key: hex::encode(key.public_key().as_bytes()),
        slug: config.slug,
    })
}

/// Runs `pbnode init` and reports to the terminal.
pub fn main(args: &InitArgs) -> ExitCode {
    match init(&args.data, &args.name, args.slug.as_deref()) {
        Ok(done) => {
            println!(
                "Created node {:?} in {}",
                args.name,
                done.data_dir.display()
            );
            println!("  slug:            {}", done.slug);
            println!("  node public key: {}", done.public_key);
            println!("  config:          {}", done.config_file.display());
            println!(
                "  node key:        {} (secret, 0600)",
                done.node_key_file.display()
            );
            println!(
                "  admin token:     {} (secret, 0600; send it as Authorization: Bearer <token>)",
                done.admin_token_file.display()
            );
            println!(
                "Start it with: pbnode run --data {}",
                done.data_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pbnode init: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::config::{FlagOverrides, load};
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn init_creates_private_secrets_and_a_loadable_config() {
        let parent = tempfile::tempdir().unwrap();
        let data = parent.path().join("node");
        let done = init(&data, "Villeneuve", None).unwrap();
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&done.node_key_file), 0o600);
        assert_eq!(mode(&done.admin_token_file), 0o600);
        let key = secrets::load_node_key(&data).unwrap();
        assert_eq!(hex::encode(key.public_key().as_bytes()), done.public_key);
        let loaded = load(Some(&done.config_file), &[], &FlagOverrides::default()).unwrap();
        assert_eq!(loaded.config.name, "Villeneuve");
        assert_eq!(loaded.config.slug, "villeneuve");
        assert_eq!(loaded.config.data_dir, data.join("."));
    }

    #[test]
    fn a_second_init_is_refused_and_changes_nothing() {
        let parent = tempfile::tempdir().unwrap();
        let data = parent.path().join("node");
        let first = init(&data, "A", None).unwrap();
        let key_before = std::fs::read(&first.node_key_file).unwrap();
        let err = init(&data, "B", Some("b")).unwrap_err();
        assert!(matches!(err, InitError::AlreadyANode { .. }), "{err}");
        assert!(err.to_string().contains("already holds a node"), "{err}");
        assert_eq!(std::fs::read(&first.node_key_file).unwrap(), key_before);
    }

    #[test]
    fn a_bad_slug_is_refused_before_anything_is_written() {
        let parent = tempfile::tempdir().unwrap();
        let data = parent.path().join("node");
        let err = init(&data, "X", Some("Bad Slug")).unwrap_err();
        assert!(matches!(err, InitError::BadSlug(_)), "{err}");
        assert!(!data.exists());
    }

    #[test]
    fn an_empty_existing_directory_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), "Empty", None).unwrap();
    }
}
