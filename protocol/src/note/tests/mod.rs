//! Tests of the note module.
