#!/usr/bin/env bash
# Benchmark our tally rules against pabutools 1.2.3 on large real elections.
#
#   scripts/bench-tally.sh                 # default cap 600 s per pabutools run
#   BENCH_CAP=120 scripts/bench-tally.sh   # smaller cap (BENCH_OURS_CAP caps our side, default 3600 s)
#   BENCH_OURS_RUNS=3 scripts/bench-tally.sh   # our side's median of 3 runs
#   BENCH_RULES="mes_add1" BENCH_FILES="Poland_Wieliczka_2023_Green_Budget.pb" scripts/bench-tally.sh
#   BENCH_PABU=0 scripts/bench-tally.sh   # do not run pabutools (some runs take
#       hours): print its recorded time from scripts/bench/pabutools_recorded.tsv
#       marked "rec", and check our outcome against expected.json (pabutools'
#       outcomes) where it has one
#
# Installs pabutools 1.2.3 (+gmpy2) pinned in a venv under the build folder
# (target/bench-venv), builds `pbnode` in release (BENCH_PBNODE=1 forces a
# rebuild), runs each rule on each
# file with both, checks the selected sets are identical, and prints wall
# time and peak memory (max RSS, /usr/bin/time -v) of each side and the
# ratio, and after the outcome the CPU time (user + system) of each side
# and their ratio, which other load on a shared machine moves less. A pabutools run that exceeds the cap is stopped; the cap is printed
# as its time ("> cap") and no outcome comparison is possible. A pabutools
# run that exceeds its memory limit (BENCH_PABU_MEM_MB, default 16384) fails
# with MemoryError; the time it ran is printed as a lower bound (">").
#
# For mes_add1 and mes_exh past the cap, a second line marked "ESTIMATE"
# extrapolates pabutools' time (BENCH_ESTIMATE=0 turns it off): both rules
# are loops of complete MES runs, one per unit of per-voter budget, and our
# output says how many runs pabutools makes (exact: tests check the count
# against expected.json). pabutools times three of those single runs (the
# first, the middle and the last per-voter budget;
# scripts/bench/pabutools_run.py mes_sample) and the estimate is their mean
# times the number of runs. It is printed as "est:" and is not a
# measurement: it leaves out pabutools' stop tests between runs, and the
# outcomes are not compared.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CAP=${BENCH_CAP:-600}
# pabutools' address space is capped (BENCH_PABU_MEM_MB, default 16 GiB): on
# Budapest 2024 its mes_add1 grows past 24 GB and the kernel's OOM killer
# would otherwise pick a victim on the whole machine.
PABU_MEM_MB=${BENCH_PABU_MEM_MB:-16384}
OURS_CAP=${BENCH_OURS_CAP:-3600}
RULES=${BENCH_RULES:-"mes mes_add1 mes_exh greedy"}
FILES=${BENCH_FILES:-"Poland_Wieliczka_2023_Green_Budget.pb Poland_Warszawa_2021_Ursynow.pb Hungary_Budapest_2024.pb Poland_Warszawa_2026.pb"}
DATA=$ROOT/tests/data/pabulib
[ -d "$ROOT/../shared/pabulib" ] && DATA=$ROOT/../shared/pabulib

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak-memory figures" >&2
  sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null
fi

PABU=${BENCH_PABU:-1}
VENV=$TARGET/bench-venv
if [ "$PABU" = 1 ] && ! "$VENV/bin/python" -c 'import pabutools, importlib.metadata as m; assert m.version("pabutools") == "1.2.3"' 2>/dev/null; then
  echo "creating $VENV with pabutools==1.2.3" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pabutools==1.2.3 gmpy2
fi

# Our side: `pbnode tally` from a release build (the node crate takes
# minutes to build the first time; an existing release pbnode is reused).
echo "building the release runner" >&2
if ! { [ -x "$TARGET/release/pbnode" ] && "$TARGET/release/pbnode" tally --help >/dev/null 2>&1; } || [ "${BENCH_PBNODE:-0}" = 1 ]; then
  cargo build -q --release -p pbnode
fi
OURS=("$TARGET/release/pbnode" tally --rule)
echo "our side: ${OURS[*]}" >&2

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run_timed OUT_PREFIX CAP CMD... -> writes OUT_PREFIX.json, .time; returns 124 on timeout
run_timed() {
  local out=$1 cap=$2; shift 2
  set +e
  /usr/bin/time -v -o "$out.time" timeout "$cap" "$@" >"$out.json" 2>"$out.err"
  local rc=$?
  set -e
  return $rc
}
# run_ours OUT_PREFIX RULE FILE: our side, BENCH_OURS_RUNS times (default
# 1); keeps the run with the median wall time, since on a shared machine
# one run of a few seconds can land on a burst of someone else's load.
OURS_RUNS=${BENCH_OURS_RUNS:-1}
run_ours() {
  local out=$1 i walls=() rc
  for ((i = 1; i <= OURS_RUNS; i++)); do
    run_timed "$out.$i" "$OURS_CAP" "${OURS[@]}" "$2" "$3" || { rc=$?; for x in json time err; do mv "$out.$i.$x" "$out.$x"; done; return $rc; }
    walls+=("$(wall "$out.$i.time") $i")
  done
  i=$(printf '%s\n' "${walls[@]}" | sort -n | awk -v m=$(((OURS_RUNS + 1) / 2)) 'NR==m {print $2}')
  for x in json time err; do mv "$out.$i.$x" "$out.$x"; done
}
wall() { awk -F': ' '/Elapsed \(wall clock\)/{split($2,a,":"); s=0; for(i=1;i<=length(a);i++) s=s*60+a[i]; print s}' "$1"; }
# cpu TIME_FILE -> user + system seconds: on a shared machine the CPU-time
# ratio moves less with other load than the wall-time one.
cpu() { awk -F': ' '/User time|System time/{s+=$2} END {printf "%.2f", s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$1"; }
# recorded FILE RULE -> pabutools seconds from an earlier run, or nothing
recorded() { awk -F'\t' -v f="$1" -v r="$2" '$1==f && $2==r {print $3}' "$ROOT/scripts/bench/pabutools_recorded.tsv"; }
# expected_same OURS_JSON FILE RULE -> identical / DIFFERENT / "no reference"
expected_same() {
  python3 -c 'import json,sys
ours=sorted(json.load(open(sys.argv[1]))["selected"])
e=json.load(open(sys.argv[2]))["files"].get(sys.argv[3],{}).get("rules",{}).get(sys.argv[4],{})
if e.get("status")!="ok": print("no reference ("+str(e.get("status"))+")")
else: print("identical (expected.json)" if sorted(map(str,e["selected"]))==ours else "DIFFERENT (expected.json)")' "$1" "$DATA/expected.json" "$2" "$3"
}
# cpu_ratio PREFIX [">"] -> "CPU ours X s, pabutools Y s: Zx" (">" when
# pabutools did not finish: its CPU time is then a lower bound too)
cpu_ratio() {
  local oc pc
  oc=$(cpu "$1.ours.time"); pc=$(cpu "$1.pabu.time")
  # (below 0.05 s the 10 ms resolution of the CPU times makes a ratio meaningless)
  python3 -c "print(f'CPU ours $oc s, pabutools $2$pc s' + (f': $2{$pc/$oc:.0f}x' if $oc >= 0.05 else ''))"
}
selected() { python3 -c 'import json,sys; print(json.dumps(sorted(json.load(open(sys.argv[1]))["selected"])))' "$1"; }

# estimate PREFIX FILE RULE OURS_SECONDS: the ESTIMATE line for an iterated
# MES rule whose pabutools run hit the cap (see the header).
estimate() {
  local p=$1 f=$2 r=$3 ow=$4 runs
  case "$r" in mes_add1|mes_exh) ;; *) return 0 ;; esac
  [ "${BENCH_ESTIMATE:-1}" = 1 ] || return 0
  runs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["explanation"].get("runs") or "")' "$p.ours.json")
  [ -n "$runs" ] || return 0
  if run_timed "$p.sample" "$CAP" "$VENV/bin/python" "$ROOT/scripts/bench/pabutools_run.py" mes_sample "$DATA/$f" "$runs"; then
    python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); ow=float(sys.argv[3])
est=s["estimate_seconds"]
print("%-40s %-9s %10s %8s %10s %8s %9s %s" % (sys.argv[2][:40], sys.argv[4], "", "", "est:%.0f" % est, "-", "~%.0fx" % (est/max(ow,0.001)),
  "ESTIMATE, not measured: mean of pabutools single runs %s s x %s runs" % (s["sample_seconds"], sys.argv[5])))' "$p.sample.json" "$f" "$ow" "$r" "$runs"
  else
    printf '%-40s %-9s %10s %8s %10s %8s %9s %s\n' "${f:0:40}" "$r" "" "" "-" "-" "-" "ESTIMATE failed: sampled runs hit the cap"
  fi
}

printf '%-40s %-9s %10s %8s %10s %8s %9s %s\n' file rule ours_s ours_MB pabu_s pabu_MB speedup outcome
for f in $FILES; do
  for r in $RULES; do
    p=$TMP/${f}_$r
    if run_ours "$p.ours" "$r" "$DATA/$f"; then :; else
      rc=$?
      if [ "$rc" = 124 ]; then
        printf '%-40s %-9s %10s ours hit BENCH_OURS_CAP; pabutools not run\n' "${f:0:40}" "$r" ">$OURS_CAP"
      else
        printf '%-40s %-9s ours failed: %s\n' "${f:0:40}" "$r" "$(tail -1 "$p.ours.err")"
      fi
      continue
    fi
    ow=$(wall "$p.ours.time"); om=$(rss "$p.ours.time")
    if [ "$PABU" != 1 ]; then
      same=$(expected_same "$p.ours.json" "$f" "$r")
      rec=$(recorded "$f" "$r")
      if [ -n "$rec" ]; then
        ratio=$(python3 -c "print(f'{$rec/max($ow,0.001):.0f}x')")
        printf '%-40s %-9s %10.2f %8s %10s %8s %9s %s\n' "${f:0:40}" "$r" "$ow" "$om" "rec:$rec" "-" "$ratio" "$same"
      else
        printf '%-40s %-9s %10.2f %8s %10s %8s %9s %s\n' "${f:0:40}" "$r" "$ow" "$om" "not run" "-" "-" "$same"
      fi
      continue
    fi
    if run_timed "$p.pabu" "$CAP" bash -c 'ulimit -v "$1"; shift; exec "$@"' pabutools \
        "$((PABU_MEM_MB * 1024))" "$VENV/bin/python" "$ROOT/scripts/bench/pabutools_run.py" "$r" "$DATA/$f"; then
      pw=$(wall "$p.pabu.time"); pm=$(rss "$p.pabu.time")
      if [ "$(selected "$p.ours.json")" = "$(selected "$p.pabu.json")" ]; then same=identical; else same=DIFFERENT; fi
      ratio=$(python3 -c "print(f'{max($pw,0.001)/max($ow,0.001):.0f}x')")
      printf '%-40s %-9s %10.2f %8s %10.2f %8s %9s %s\n' "${f:0:40}" "$r" "$ow" "$om" "$pw" "$pm" "$ratio" "$same; $(cpu_ratio "$p" "")"
    else
      rc=$?
      # pabutools did not finish: the time it ran is a lower bound on its
      # time, so the speedup is printed as a lower bound (">").
      pw=$(wall "$p.pabu.time"); pm=$(rss "$p.pabu.time")
      if [ "$rc" = 124 ]; then
        why="pabutools hit the cap"; pw=$CAP
      elif grep -qE "MemoryError|Cannot allocate memory" "$p.pabu.err" || [ "$rc" = 137 ]; then
        why="pabutools ran out of memory (limit ${PABU_MEM_MB} MB) after ${pw} s"
      else
        why="pabutools failed (exit $rc): $(tail -1 "$p.pabu.err")"
      fi
      ratio=$(python3 -c "print(f'>{max($pw,0.001)/max($ow,0.001):.0f}x')")
      printf '%-40s %-9s %10.2f %8s %10s %8s %9s %s\n' "${f:0:40}" "$r" "$ow" "$om" ">$pw" "${pm:--}" "$ratio" "$why; $(cpu_ratio "$p" ">")"
      estimate "$p" "$f" "$r" "$ow"
    fi
  done
done
