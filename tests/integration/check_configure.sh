#!/usr/bin/env bash
# Configure must stop with a message saying what to install when wireshark-dev is
# missing or of a major.minor that is not one of the supported plugin ABIs.
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

# Stand-in WiresharkConfigs for ABIs outside the list: an older one, and a newer one
# whose headers nobody has read yet (a list, not "any newer").
stand_in() { # folder, major, minor
  mkdir -p "$work/$1"
  printf 'set(Wireshark_MAJOR_VERSION %s)\nset(Wireshark_MINOR_VERSION %s)\nset(Wireshark_VERSION "%s.%s.1")\nset(Wireshark_PLUGINS_ENABLED 1)\n' \
    "$2" "$3" "$2" "$3" >"$work/$1/WiresharkConfig.cmake"
  printf 'set(PACKAGE_VERSION "%s.%s.1")\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n' "$2" "$3" >"$work/$1/WiresharkConfigVersion.cmake"
}
stand_in ws36 3 6
expect_failure older_wireshark_abi "is 3.6" -DWireshark_DIR="$work/ws36"
stand_in ws48 4 8
expect_failure newer_wireshark_abi "supports the Wireshark plugin ABIs 4.0, 4.2, 4.4, 4.6" -DWireshark_DIR="$work/ws48"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
