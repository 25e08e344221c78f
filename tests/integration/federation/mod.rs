//! Federations of real `pbnode run` processes on 127.0.0.1 (issue 5):
//! checkpoints and logs propagate, witnesses cosign, an equivocating node
//! is caught by every honest peer, outsiders are refused, a partition and a
//! crash mid-sync converge, a peer sending garbage is dropped, and a
//! regional process is aggregated and independently recounted.
//!
//! Each test makes its own federation (`FedSetup`) and its nodes stop when
//! the test ends (dropped `RealNode`s are killed).

mod dataset;
mod equivocation;
mod membership;
mod propagation;
mod regional;
mod resilience;
mod rogue;
