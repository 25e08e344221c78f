//! Federations of real `pbnode run` processes on 127.0.0.1 (issue 5):
//! checkpoints and logs propagate, witnesses cosign, an equivocating node
//! is caught by every honest peer, outsiders are refused, a partition and a
//! crash mid-sync converge, and a peer sending garbage is dropped.
//!
//! Each test makes its own federation (`FedSetup`) and its nodes stop when
//! the test ends (dropped `RealNode`s are killed).

mod equivocation;
mod membership;
mod propagation;
mod resilience;
mod rogue;
