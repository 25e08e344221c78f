//! Service-level tests, each run against the in-memory store and sled
//! where storage matters.

mod double_voting;
mod durability;
mod lifecycle;
mod phases;
mod regional;
mod registration;
mod support;
mod throughput;
