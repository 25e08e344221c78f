#!/usr/bin/env bash
# `protocol/` must stay free of I/O: no tokio, sled, warp or libp2p anywhere in
# its normal (non-dev) dependency tree. `cargo tree -i X` fails when X is not in
# the graph at all, which is what we want; any output means a violation.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
for crate in tokio sled warp libp2p mio hyper; do
  if out=$(cargo tree -p pbnode-protocol -e normal -i "$crate" --locked 2>/dev/null) && [ -n "$out" ]; then
    echo "protocol depends on $crate:"; echo "$out"; bad=1
  fi
done
if [ "$bad" -ne 0 ]; then echo "FAIL: protocol/ must not depend on I/O crates"; exit 1; fi
echo "ok: protocol has none of tokio, sled, warp, libp2p, mio, hyper"
