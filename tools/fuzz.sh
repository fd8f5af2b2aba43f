#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan+UBSan, the fuzzer's coverage)
# and runs each for DURATION seconds from the seed corpus (tests/fuzz/seeds, the sample
# captures' segments) plus what earlier runs found (build-fuzz/corpus/TARGET). Fails on
# the first crash or broken invariant; the input that did it is kept in build-fuzz/findings
# with the command that replays it. Prints each target's executions and coverage.
#
#   tools/fuzz.sh [DURATION]     (default 60; CI runs 30)
#
# Installs clang when missing (apt-get, with sudo when not root).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-60}
build="$top/build-fuzz"

if ! command -v clang++ >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "tcplife: installing clang (libFuzzer)"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang >/dev/null
fi
"$top/tools/install-deps.sh"

cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLIFE_FUZZ=ON -DTCPLIFE_BUILD_TESTS=OFF \
  -DTCPLIFE_BUILD_BENCH=OFF -DTCPLIFE_WERROR=ON >/dev/null
cmake --build "$build" --target fuzz_core fuzz_reports -j "$(nproc)"

status=0
mkdir -p "$build/findings"
for target in fuzz_core fuzz_reports; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  log="$build/$target.log"
  if "$build/tests/fuzz/$target" -max_total_time="$duration" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$target-" "$corpus" "$top/tests/fuzz/seeds" \
      >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "$target: passed, $runs executions in ${duration} s, $coverage edges, corpus $(ls "$corpus" | wc -l) inputs"
  else
    status=1
    echo "$target: FAILED; the last lines of $log:"
    tail -30 "$log"
    for finding in "$build/findings/$target-"*; do
      [ -e "$finding" ] && echo "  replay: $build/tests/fuzz/$target $finding"
    done
  fi
done
exit $status
