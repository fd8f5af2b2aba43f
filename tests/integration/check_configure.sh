#!/usr/bin/env bash
# Configure must stop with a message saying what to install when wireshark-dev is
# missing or of another major.minor than the 4.0 plugin ABI.
set -u
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

expect_failure() { # name, text the message must contain, cmake arguments...
  local name=$1 text=$2; shift 2
  if cmake -S "$source_dir" -B "$work/$name" -DTCPLIFE_BUILD_TESTS=OFF "$@" >"$work/$name.log" 2>&1; then
    echo "FAIL $name: configure succeeded"; failed=$((failed + 1))
  elif ! grep -q -- "$text" "$work/$name.log"; then
    echo "FAIL $name: message lacks '$text'"; sed 's/^/     /' "$work/$name.log" | tail -8; failed=$((failed + 1))
  else
    echo "ok   $name"; passed=$((passed + 1))
  fi
}

expect_failure missing_wireshark_dev "apt-get install wireshark-dev" -DCMAKE_DISABLE_FIND_PACKAGE_Wireshark=ON

# A stand-in WiresharkConfig for another ABI, to show the version pin.
mkdir -p "$work/ws42"
cat >"$work/ws42/WiresharkConfig.cmake" <<'CFG'
set(Wireshark_MAJOR_VERSION 4)
set(Wireshark_MINOR_VERSION 2)
set(Wireshark_VERSION "4.2.5")
set(Wireshark_PLUGINS_ENABLED 1)
CFG
printf 'set(PACKAGE_VERSION "4.2.5")\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n' >"$work/ws42/WiresharkConfigVersion.cmake"
expect_failure other_wireshark_abi "is 4.2" -DWireshark_DIR="$work/ws42"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
