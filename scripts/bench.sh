#!/usr/bin/env bash
# Times harden against a parse-only baseline built from the same swc, and
# against ast-grep and jscodeshift doing one equivalent rewrite, on a folder
# (a real repository cloned for the purpose). Rounds alternate the tools, so
# a noisy machine slows them alike; medians are printed with the ratios.
#
#   scripts/bench.sh ~/src/trigger.dev [rounds]
set -euo pipefail
dir=${1:?usage: scripts/bench.sh DIR [ROUNDS]}
rounds=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
harden="$here/target/release/harden"
peers="$here/target/peers"
if [ ! -x "$peers/node_modules/.bin/ast-grep" ] || [ ! -x "$peers/node_modules/.bin/jscodeshift" ]; then
  mkdir -p "$peers"
  [ -f "$peers/package.json" ] || echo '{"private": true}' > "$peers/package.json"
  npm install --prefix "$peers" --no-audit --no-fund --silent @ast-grep/cli jscodeshift
fi
sg="$peers/node_modules/.bin/ast-grep"
jsc="$peers/node_modules/.bin/jscodeshift"

declare -A times
run() { # name command...
  local name=$1; shift
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  times[$name]+="$(( (end - start) / 1000000 )) "
}
for _ in $(seq "$rounds"); do
  run parse-only "$harden" parse-only "$dir"
  run apply "$harden" apply --dry-run --allow-dirty "$dir"
  run scan "$harden" scan "$dir"
  run ast-grep sh -c "'$sg' run --pattern '\$C.findMany()' --rewrite '\$C.findMany({ take: 100 })' --lang ts '$dir'; '$sg' run --pattern '\$C.findMany()' --rewrite '\$C.findMany({ take: 100 })' --lang tsx '$dir'"
  run jscodeshift "$jsc" --dry --silent --cpus 2 --parser tsx --extensions ts,tsx --ignore-pattern '**/node_modules/**' -t "$here/scripts/bench/find-many.js" "$dir"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${times[parse-only]}" | median)
peak=$( { /usr/bin/time -f %M "$harden" apply --dry-run --allow-dirty "$dir" >/dev/null 2>/dev/null; } 2>&1 || true)
[ -n "$peak" ] || peak=$( /usr/bin/time -f %M "$harden" apply --dry-run --allow-dirty "$dir" 2>&1 >/dev/null | tail -1 )
printf '%-12s %8s %8s\n' tool "ms" "× parse"
for name in parse-only apply scan ast-grep jscodeshift; do
  m=$(echo "${times[$name]}" | median)
  printf '%-12s %8s %8s\n' "$name" "$m" "$(awk -v m="$m" -v b="$base" 'BEGIN {printf "%.2f", m / b}')"
done
echo "files: $("$harden" parse-only "$dir")"
echo "peak memory of apply --dry-run: ${peak} KB"
