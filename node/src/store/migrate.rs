//! The store format version and the migration hook.
//!
//! The version lives in the `meta` keyspace. Opening a store runs every
//! migration from the version found up to [`CURRENT_FORMAT`] in order, each as
//! one atomic batch followed by a flush, so a crash mid-migration leaves the
//! store at a well-defined version and the next start resumes from there.

use super::{Keyspace, KvStore, StoreError, WriteBatch};

/// The format this build writes.
pub const CURRENT_FORMAT: u32 = 1;

/// The key in [`Keyspace::Meta`] that holds the format version (u32 BE).
pub const FORMAT_KEY: &[u8] = b"format_version";

/// One migration step: turns a store at version `from` into one at `from + 1`.
/// Returns the writes to apply (the version bump is added by [`open_format`]).
type Migration = fn(&dyn KvStore) -> Result<WriteBatch, StoreError>;

/// Migrations indexed by their source version (`MIGRATIONS[0]` upgrades 1 to 2).
/// Empty while there is only format 1.
const MIGRATIONS: &[Migration] = &[];

/// Reads the format version; `None` for a store never initialised.
pub fn read_format(store: &dyn KvStore) -> Result<Option<u32>, StoreError> {
    match store.get(Keyspace::Meta, FORMAT_KEY)? {
        None => Ok(None),
        Some(bytes) => {
            let arr: [u8; 4] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| StoreError::Corrupt {
                    space: Keyspace::Meta.name(),
                    detail: format!("format version has {} bytes, expected 4", bytes.len()),
                })?;
            Ok(Some(u32::from_be_bytes(arr)))
        }
    }
}

/// Initialises a new store or migrates an old one to [`CURRENT_FORMAT`];
/// refuses a store written by a newer pbnode. Returns the version found
/// (`None` for a new store).
pub fn open_format(store: &dyn KvStore) -> Result<Option<u32>, StoreError> {
    open_format_with(store, MIGRATIONS, CURRENT_FORMAT)
}

fn open_format_with(
    store: &dyn KvStore,
    migrations: &[Migration],
    current: u32,
) -> Result<Option<u32>, StoreError> {
    let found = read_format(store)?;
    let mut version = match found {
        None => {
            store.put(Keyspace::Meta, FORMAT_KEY, &current.to_be_bytes())?;
            store.flush()?;
            return Ok(None);
        }
        Some(v) if v > current => {
            return Err(StoreError::FormatTooNew {
                found: v,
                supported: current,
            });
        }
        Some(v) => v,
    };
    while version < current {
        let step = migrations
            .get(version as usize - 1)
            .ok_or_else(|| StoreError::Corrupt {
                space: Keyspace::Meta.name(),
                detail: format!("no migration from format {version}"),
            })?;
        let mut batch = step(store)?;
        version += 1;
        batch.put(Keyspace::Meta, FORMAT_KEY, &version.to_be_bytes());
        store.apply(batch)?;
        store.flush()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    fn add_marker(_: &dyn KvStore) -> Result<WriteBatch, StoreError> {
        let mut b = WriteBatch::default();
        b.put(Keyspace::Meta, b"migrated", b"yes");
        Ok(b)
    }

    #[test]
    fn new_store_gets_current_format() {
        let s = MemoryStore::new();
        assert_eq!(open_format(&s).unwrap(), None);
        assert_eq!(read_format(&s).unwrap(), Some(CURRENT_FORMAT));
        assert_eq!(open_format(&s).unwrap(), Some(CURRENT_FORMAT));
    }

    #[test]
    fn old_store_is_migrated_step_by_step() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, &1u32.to_be_bytes())
            .unwrap();
        open_format_with(&s, &[add_marker], 2).unwrap();
        assert_eq!(read_format(&s).unwrap(), Some(2));
        assert_eq!(
            s.get(Keyspace::Meta, b"migrated").unwrap(),
            Some(b"yes".to_vec())
        );
    }

    #[test]
    fn newer_store_is_refused_and_left_alone() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, &9u32.to_be_bytes())
            .unwrap();
        let err = open_format(&s).unwrap_err();
        assert!(
            matches!(err, StoreError::FormatTooNew { found: 9, .. }),
            "{err}"
        );
        assert_eq!(read_format(&s).unwrap(), Some(9));
    }

    #[test]
    fn damaged_version_is_reported() {
        let s = MemoryStore::new();
        s.put(Keyspace::Meta, FORMAT_KEY, b"xx").unwrap();
        assert!(matches!(open_format(&s), Err(StoreError::Corrupt { .. })));
    }
}
