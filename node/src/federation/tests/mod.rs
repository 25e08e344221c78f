//! Federation tests: real `Federation` instances, each over its own real
//! `Node` and store, connected by an in-process network ([`net`]).

mod equivocation;
mod gossip;
mod net;
mod support;
mod sync;
mod witness;
