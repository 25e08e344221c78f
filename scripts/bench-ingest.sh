#!/usr/bin/env bash
# Ballot ingest benchmark against a real node, over HTTP.
#
# Builds in release, inits a node in a temp dir, runs it on 127.0.0.1:0
# (rate limits off), then tests/src/bin/bench_ingest.rs:
#   - registers VOTERS voters over HTTP (not timed);
#   - signs MEASURE ballots client-side BEFORE timing;
#   - measures the single-core strict Ed25519 verification rate here;
#   - sends the MEASURE ballots from CLIENTS keep-alive connections (a lean
#     raw HTTP/1.1 client) and prints durable ballots/s (201 = flushed to
#     disk), the raw rate, the ratio (target >= 50%) and the CPU that node
#     and client used;
#   - keeps casting (re-casts) until the node holds BALLOTS ballots,
#     printing the node's RSS every RSS_EVERY ballots and the slope;
#   - prints the node's peak RSS (VmHWM).
#
# Usage: scripts/bench-ingest.sh
#        BALLOTS=1000000 VOTERS=20000 CLIENTS=64 scripts/bench-ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export VOTERS="${VOTERS:-20000}"
export MEASURE="${MEASURE:-$((2 * VOTERS))}"
export BALLOTS="${BALLOTS:-200000}"
export CLIENTS="${CLIENTS:-64}"
export RSS_EVERY="${RSS_EVERY:-100000}"

cargo build --release --quiet -p pbnode --bin pbnode -p pbnode-tests --bin bench_ingest
bin="${CARGO_TARGET_DIR:-target}/release"

work="$(mktemp -d)"
node_pid=""
cleanup() {
    if [[ -n "$node_pid" ]]; then
        kill "$node_pid" 2>/dev/null || true
        wait "$node_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/pbnode" init --data "$work/node" --name "Bench Town" >/dev/null
PBNODE_RATE_LIMIT_PER_SECOND=0 "$bin/pbnode" run --data "$work/node" --http 127.0.0.1:0 \
    >"$work/node.out" 2>"$work/node.err" &
node_pid=$!

url=""
for _ in $(seq 1 600); do
    if line="$(head -n 1 "$work/node.out" 2>/dev/null)" && [[ "$line" == "pbnode listening on "* ]]; then
        url="${line#pbnode listening on }"
        break
    fi
    if ! kill -0 "$node_pid" 2>/dev/null; then
        cat "$work/node.err" >&2
        exit 1
    fi
    sleep 0.1
done
[[ -n "$url" ]] || { echo "node did not start" >&2; cat "$work/node.err" >&2; exit 1; }

echo "node $url (pid $node_pid); VOTERS=$VOTERS MEASURE=$MEASURE BALLOTS=$BALLOTS CLIENTS=$CLIENTS"
BENCH_URL="$url" BENCH_PID="$node_pid" BENCH_TOKEN_FILE="$work/node/admin-token" \
    "$bin/bench_ingest"
echo "node peak RSS (VmHWM): $(awk '/^VmHWM/ {print $2, $3}' "/proc/$node_pid/status")"
echo "store on disk: $(du -sh "$work/node/store" | cut -f1)"
