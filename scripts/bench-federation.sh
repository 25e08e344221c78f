#!/usr/bin/env bash
# Federation benchmark, all measured in one run of one process
# (tests/src/bin/bench_federation): real pbnode nodes over memory stores.
#
#   1. checkpoint propagation to all of NODES (20) local nodes, each with
#      its own libp2p network on 127.0.0.1 and its federation driver:
#      p50/p99 over ROUNDS (50) rounds (target: p99 < 1 s);
#   2. sync of a SYNC_ENTRIES (1,000,000) entry log to a fresh peer over
#      libp2p against local replay of the same entries (target: >= 50%);
#   3. regional recount of RECOUNT_BALLOTS (1,000,000) ballots over MEMBERS
#      (20) member logs against raw cofactored batch verification on one
#      core (target: >= 60%).
#
# Usage: scripts/bench-federation.sh
#        SYNC_ENTRIES=200000 RECOUNT_BALLOTS=200000 scripts/bench-federation.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export NODES="${NODES:-20}"
export ROUNDS="${ROUNDS:-50}"
export SYNC_ENTRIES="${SYNC_ENTRIES:-1000000}"
export MEMBERS="${MEMBERS:-20}"
export RECOUNT_BALLOTS="${RECOUNT_BALLOTS:-1000000}"
# The nodes' own logging would compete for the CPU being measured.
export RUST_LOG="${RUST_LOG:-error}"

cargo build --release --quiet -p pbnode-tests --bin bench_federation
"${CARGO_TARGET_DIR:-target}/release/bench_federation"
