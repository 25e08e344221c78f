//! Service-level tests, each run against the in-memory store and sled
//! where storage matters.

mod lifecycle;
mod support;
