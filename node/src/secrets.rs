//! The node's secret files: the node key and the admin token.
//!
//! Both are created with mode 0600 and refused at start if group or others
//! can read or write them (as garage does): a node key readable by another
//! local user lets that user sign checkpoints in the node's name.

use pbnode_protocol::crypto::SigningKey;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The node key file inside the data directory: the 32-byte Ed25519 seed.
pub const NODE_KEY_FILE: &str = "node.key";
/// The admin token file inside the data directory (hex text and a newline).
pub const ADMIN_TOKEN_FILE: &str = "admin-token";

/// Why a secret file could not be created or used.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file already exists (init never overwrites a secret).
    #[error("{path} already exists; refusing to overwrite a secret")]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Group or others may access the file.
    #[error(
        "{path} is accessible by group or others (mode {mode:04o}); \
         a secret must be private to the node's user: run `chmod 600 {path}`"
    )]
    TooOpen {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold what it should.
    #[error("{path}: {detail}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The operating system's random number generator failed.
    #[error("cannot draw random bytes from the operating system: {0}")]
    Randomness(getrandom::Error),
}

/// The admin token as the node keeps it: only its BLAKE3 hash, compared in
/// constant time (`blake3::Hash` equality is constant-time), so neither the
/// token's bytes nor its length leak through response timing.
#[derive(Clone)]
pub struct AdminToken {
    hash: blake3::Hash,
}

impl AdminToken {
    /// Wraps a token.
    pub fn new(token: &str) -> Self {
        AdminToken {
            hash: blake3::hash(token.as_bytes()),
        }
    }

    /// True when `presented` is the token.
    pub fn matches(&self, presented: &str) -> bool {
        blake3::hash(presented.as_bytes()) == self.hash
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(..)")
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(SecretError::Randomness)?;
    Ok(bytes)
}

/// Creates `path` with mode 0600 (never replacing a file) and writes `data`.
fn create_private(path: &Path, data: &[u8]) -> Result<(), SecretError> {
    let io = |source| SecretError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            SecretError::Exists {
                path: path.to_owned(),
            }
        } else {
            io(source)
        }
    })?;
    file.write_all(data).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Reads a secret file after checking nobody but its owner can access it.
fn read_private(path: &Path) -> Result<Vec<u8>, SecretError> {
    let io = |source| SecretError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata().map_err(io)?.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(SecretError::TooOpen {
                path: path.to_owned(),
                mode,
            });
        }
    }
    let mut data = Vec::new();
    file.read_to_end(&mut data).map_err(io)?;
    Ok(data)
}

/// Draws a new node key and writes its seed to `dir/node.key` (0600).
pub fn create_node_key(dir: &Path) -> Result<SigningKey, SecretError> {
    let seed = random_bytes::<32>()?;
    create_private(&dir.join(NODE_KEY_FILE), &seed)?;
    Ok(SigningKey::from_seed(&seed))
}

/// Reads the node key from `dir/node.key`, refusing a file others can read.
pub fn load_node_key(dir: &Path) -> Result<SigningKey, SecretError> {
    let path = dir.join(NODE_KEY_FILE);
    let data = read_private(&path)?;
    let seed: [u8; 32] = data
        .as_slice()
        .try_into()
        .map_err(|_| SecretError::Malformed {
            path: path.clone(),
            detail: format!("expected 32 bytes, found {}", data.len()),
        })?;
    Ok(SigningKey::from_seed(&seed))
}

/// Draws a new admin token (32 random bytes as hex) and writes it to
/// `dir/admin-token` (0600). Returns the token text.
pub fn create_admin_token(dir: &Path) -> Result<String, SecretError> {
    let token = hex::encode(random_bytes::<32>()?);
    create_private(&dir.join(ADMIN_TOKEN_FILE), format!("{token}\n").as_bytes())?;
    Ok(token)
}

/// Reads the admin token from `dir/admin-token`, refusing a file others can read.
pub fn load_admin_token(dir: &Path) -> Result<AdminToken, SecretError> {
    let path = dir.join(ADMIN_TOKEN_FILE);
    let data = read_private(&path)?;
    let malformed = |detail: &str| SecretError::Malformed {
        path: path.clone(),
        detail: detail.to_owned(),
    };
    let text = std::str::from_utf8(&data).map_err(|_| malformed("not UTF-8 text"))?;
    let token = text.trim();
    // A short token would be guessable; ours are 64 hex characters.
    if token.len() < 32 {
        return Err(malformed("the token is shorter than 32 characters"));
    }
    Ok(AdminToken::new(token))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_secrets_are_0600_and_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let key = create_node_key(dir.path()).unwrap();
        let token = create_admin_token(dir.path()).unwrap();
        assert_eq!(mode(&dir.path().join(NODE_KEY_FILE)), 0o600);
        assert_eq!(mode(&dir.path().join(ADMIN_TOKEN_FILE)), 0o600);
        assert_eq!(
            load_node_key(dir.path()).unwrap().public_key().as_bytes(),
            key.public_key().as_bytes()
        );
        let loaded = load_admin_token(dir.path()).unwrap();
        assert!(loaded.matches(&token));
        assert!(!loaded.matches(&token[1..]));
        assert!(!loaded.matches(""));
    }

    #[test]
    fn two_keys_differ_and_secrets_are_never_overwritten() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let ka = create_node_key(a.path()).unwrap();
        let kb = create_node_key(b.path()).unwrap();
        assert_ne!(ka.public_key().as_bytes(), kb.public_key().as_bytes());
        assert!(matches!(
            create_node_key(a.path()),
            Err(SecretError::Exists { .. })
        ));
        assert_eq!(
            load_node_key(a.path()).unwrap().public_key().as_bytes(),
            ka.public_key().as_bytes()
        );
    }

    #[test]
    fn a_secret_readable_by_others_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        create_node_key(dir.path()).unwrap();
        let path = dir.path().join(NODE_KEY_FILE);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_node_key(dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, SecretError::TooOpen { mode: 0o644, .. }));
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("chmod 600"), "{text}");
    }

    #[test]
    fn a_truncated_key_is_malformed() {
        let dir = tempfile::tempdir().unwrap();
        create_private(&dir.path().join(NODE_KEY_FILE), &[1, 2, 3]).unwrap();
        let err = load_node_key(dir.path()).unwrap_err();
        assert!(err.to_string().contains("expected 32 bytes"), "{err}");
    }
}
