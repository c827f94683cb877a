#!/usr/bin/env bash
# Runs each cargo fuzz target (fuzz/fuzz_targets/) for SECONDS (default 30),
# seeded with the codemod fixtures' inputs and the fixture projects'
# package.json files. CI runs it briefly; for a long run: scripts/fuzz.sh 3600.
# A crash or a broken promise fails the run and leaves its input in
# fuzz/artifacts/<target>/ (replay: cargo +nightly fuzz run -s none <target> <file>).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz passes unstable compiler flags: nightly where there is one, else
# the stable compiler told to accept them.
if rustup run nightly rustc --version >/dev/null 2>&1; then
  fuzz=(cargo +nightly fuzz)
else
  fuzz=(cargo fuzz)
  export RUSTC_BOOTSTRAP=1
fi
# No sanitizer: harden's code is safe Rust; what is looked for is panics,
# stack overflows, hangs and broken promises.
if ! (cd fuzz && "${fuzz[@]}" build -s none); then
  echo "fuzz: skipped: cargo fuzz cannot build with this toolchain" >&2
  exit 0
fi

# Seeds: each fixture input, its first byte choosing the path it is read as.
mkdir -p fuzz/corpus/harden_file fuzz/corpus/package_json
i=0
for f in codemods/tests/fixtures/*/*/input.*; do
  { printf "\\$(printf %03o $((i % 8)))"; cat "$f"; } >"fuzz/corpus/harden_file/seed-$i"
  i=$((i + 1))
done
i=0
while IFS= read -r f; do
  cp "$f" "fuzz/corpus/package_json/seed-$i"
  i=$((i + 1))
done < <(find fixtures tests -name package.json -not -path '*/node_modules/*')

for target in harden_file package_json; do
  echo "fuzz: $target for ${seconds}s" >&2
  (cd fuzz && "${fuzz[@]}" run -s none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1)
done
