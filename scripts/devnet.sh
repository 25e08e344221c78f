#!/usr/bin/env bash
# A local federation: one region and N municipalities on 127.0.0.1.
#
# Builds pbnode (release), creates every node in $DEVNET_DIR (default
# target/devnet, wiped first), signs a federation manifest with the region's
# key, starts the region and then the municipalities (each bootstraps from
# the region; every port is picked by the system), and fills each
# municipality with a demonstration process through its API: the first one
# closed and tallied, the others in their voting phase. Prints one line per
# node, `<name> <http url>`, then stays in the foreground until interrupted
# (Ctrl-C) and stops every node it started.
#
# Usage: scripts/devnet.sh [N]     (N municipalities, default 3)
# Environment: DEVNET_DIR, DEVNET_VOTERS (voters per demo, default 40),
#              DEVNET_PROFILE (release or dev, default release).
set -euo pipefail
cd "$(dirname "$0")/.."

n="${1:-3}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 1 || n > 50)); then
    echo "usage: scripts/devnet.sh [N]   (1 <= N <= 50 municipalities)" >&2
    exit 2
fi
voters="${DEVNET_VOTERS:-40}"
profile="${DEVNET_PROFILE:-release}"
dir="${DEVNET_DIR:-target/devnet}"

if [[ "$profile" == release ]]; then
    cargo build --release --quiet -p pbnode --bin pbnode
    bin="${CARGO_TARGET_DIR:-target}/release/pbnode"
else
    cargo build --quiet -p pbnode --bin pbnode
    bin="${CARGO_TARGET_DIR:-target}/debug/pbnode"
fi

rm -rf "$dir"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

pids=()
stop_all() {
    trap - INT TERM EXIT
    if ((${#pids[@]})); then
        echo "stopping ${#pids[@]} nodes" >&2
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The nodes: the region first.
slugs=(region)
names=("Demo Region")
for i in $(seq 1 "$n"); do
    slugs+=("town-$i")
    names+=("Town $i")
done

{
    echo 'federation = "devnet"'
    echo 'version = 1'
} >"$dir/members.toml"
for k in "${!slugs[@]}"; do
    data="$dir/${slugs[$k]}"
    "$bin" init --data "$data" --name "${names[$k]}" --slug "${slugs[$k]}" >/dev/null
    if ((k == 0)); then
        "$bin" federation id --data "$data" --role region >>"$dir/members.toml"
    else
        "$bin" federation id --data "$data" --parent region >>"$dir/members.toml"
    fi
done
"$bin" federation manifest --data "$dir/region" --members "$dir/members.toml" \
    --out "$dir/manifest.json" >/dev/null
region_key="$(grep -A3 '^slug = "region"' "$dir/members.toml" | sed -n 's/^key = "\(.*\)"/\1/p')"

# Starts node $1 (index) with bootstrap address $2; waits for both of its
# announcement lines and sets $url and $p2p.
start_node() {
    local slug="${slugs[$1]}" out="$dir/${slugs[$1]}.out"
    : >"$out"
    PBNODE_HTTP=127.0.0.1:0 \
        PBNODE_FEDERATION=true \
        PBNODE_P2P_LISTEN=/ip4/127.0.0.1/tcp/0 \
        PBNODE_MANIFEST="$dir/manifest.json" \
        PBNODE_FEDERATION_SIGNER="$region_key" \
        PBNODE_BOOTSTRAP="$2" \
        PBNODE_WITNESSES="$3" \
        PBNODE_SYNC_INTERVAL_SECS=2 \
        "$bin" run --data "$dir/$slug" >"$out" 2>"$dir/$slug.log" &
    pids+=($!)
    for _ in $(seq 1 300); do
        url="$(sed -n 's/^pbnode listening on //p' "$out")"
        p2p="$(sed -n 's/^pbnode p2p on //p' "$out" | head -n1)"
        if [[ -n "$url" && -n "$p2p" ]]; then
            return 0
        fi
        if ! kill -0 "${pids[-1]}" 2>/dev/null; then
            echo "node $slug failed to start; its log ($dir/$slug.log):" >&2
            tail -n 20 "$dir/$slug.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "node $slug did not announce its addresses within 30 s" >&2
    exit 1
}

urls=()
# The region witnesses every municipality; each municipality is witnessed by
# the region and its neighbour.
start_node 0 "" ""
region_p2p="$p2p"
urls+=("$url")
for k in $(seq 1 "$n"); do
    neighbour=$((k % n + 1))
    witnesses="region"
    if ((n > 1)); then witnesses="region,town-$neighbour"; fi
    start_node "$k" "$region_p2p" "$witnesses"
    urls+=("$url")
done

for k in $(seq 1 "$n"); do
    close=()
    if ((k == 1)); then close=(--close); fi
    "$bin" demo --node "${urls[$k]}" --token-file "$dir/${slugs[$k]}/admin-token" \
        --voters "$voters" "${close[@]}" >"$dir/${slugs[$k]}.demo" ||
        { echo "demo process on ${slugs[$k]} failed" >&2; exit 1; }
done

# A regional process: the region defines it (proposals, review, voting),
# every municipality adopts it from the region's log and collects its own
# residents' ballots, the region closes it, the members close their logs,
# and the region publishes the signed aggregate of all member logs.
members=""
for k in $(seq 1 "$n"); do
    id="$(curl -fsS "${urls[$k]}/api/v1/node" | sed -n 's/.*"jurisdiction":"\([0-9a-f]*\)".*/\1/p')"
    members="${members:+$members,}$id"
done
regional="$("$bin" demo --node "${urls[0]}" --token-file "$dir/region/admin-token" \
    --slug regional-2027 --regional-members "$members")"
for k in $(seq 1 "$n"); do
    for _ in $(seq 1 600); do
        if curl -fsS -o /dev/null "${urls[$k]}/api/v1/processes/$regional" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    "$bin" demo --node "${urls[$k]}" --token-file "$dir/${slugs[$k]}/admin-token" \
        --voters "$voters" --vote-in "$regional" >/dev/null ||
        { echo "voting in the regional process on ${slugs[$k]} failed" >&2; exit 1; }
done
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $(cat "$dir/region/admin-token")" \
    -H 'Content-Type: application/json' -d '{"phase":"closed"}' \
    "${urls[0]}/api/v1/processes/$regional/phase"

for k in "${!slugs[@]}"; do
    echo "${slugs[$k]} ${urls[$k]}"
done
echo "regional process $regional: the aggregate appears at ${urls[0]}/api/v1/processes/$regional/aggregate" >&2
echo "devnet running in $dir (node logs: $dir/*.log); Ctrl-C stops every node" >&2
wait
