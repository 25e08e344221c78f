//! Tests of the note module: external vectors (Go `sumdb/note`,
//! transparency-dev/formats, the C2SP spec examples), our golden vectors,
//! and property tests.

mod support;

mod checkpoint;
mod cosignature;
mod equivocation;
mod external_vectors;
mod golden;
mod keys;
mod origin;
mod properties;
mod serde;
mod signed_note;
mod witness;
