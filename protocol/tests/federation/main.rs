//! Tests of federation and regional aggregation: manifest rules and
//! updates, wire message encoding and request checks, the regional
//! aggregate over member logs built here, the regional dataset, and the
//! golden vectors in `protocol/tests/vectors/federation/`.

mod aggregate;
mod dataset;
mod manifest;
mod region;
mod vectors;
mod wire;
