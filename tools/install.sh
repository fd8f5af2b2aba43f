#!/usr/bin/env bash
# Builds tcplife, installs it where Wireshark and tshark load it, and shows it working
# on a bundled capture. As a normal user it goes to the personal plugin folder; as root
# to the system plugin folder (Wireshark ignores personal folders when run as root).
# It also installs the "tcplife" configuration profile (columns and colouring rules, see
# tools/install-profile.sh): into your personal profiles folder and, as root, into the
# global one too, which every user sees.
#   tools/install.sh               build, install, demo
#   tools/install.sh --uninstall   remove the installed plugin and (unless edited) the profile
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-install"

if [ "$(id -u)" -eq 0 ]; then
  target_kind=system
else
  target_kind=personal
fi

# tcplife-batch (many captures, one table) goes on the PATH: /usr/local/bin as root,
# ~/.local/bin as a user. Installed once tshark is seen loading the plugin; removed with it.
batch_dir=/usr/local/bin
[ "$target_kind" = system ] || batch_dir="$HOME/.local/bin"
install_batch() {
  install -D -m 0755 "$top/tools/tcplife-batch" "$batch_dir/tcplife-batch"
  echo "tcplife: installed $batch_dir/tcplife-batch"
  case ":$PATH:" in
    *":$batch_dir:"*) ;;
    *) echo "tcplife: warning: $batch_dir is not on your PATH; add it there, or run $batch_dir/tcplife-batch" >&2 ;;
  esac
}
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$batch_dir/tcplife-batch"
  echo "tcplife: removed $batch_dir/tcplife-batch"
fi

# The folder for the plugin ABI the build is for (plugins/X.Y/epan: Wireshark loads only
# plugins built for its own major.minor from it).
plugin_dir() {
  if [ "$target_kind" = personal ]; then
    local abi
    abi=$(sed -n 's/^TCPLIFE_WIRESHARK_ABI:INTERNAL=//p' "$build/CMakeCache.txt")
    echo "$HOME/.local/lib/wireshark/plugins/$abi/epan"
  else
    cmake -L -N "$build" 2>/dev/null | sed -n 's/^TCPLIFE_PLUGIN_DIR:PATH=//p'
  fi
}

# Profiles folders, from tshark itself. Wireshark copies a global profile into the
# personal folder the first time someone uses it, and that copy wins from then on; so
# root gets its personal copy refreshed as well as the global one.
profile_dirs() {
  local folders
  folders=$(tshark -G folders 2>/dev/null)
  echo "$folders" | sed -n 's|^Personal configuration:[[:space:]]*\(.*\)|\1/profiles|p'
  if [ "$target_kind" = system ]; then
    echo "$folders" | sed -n 's|^Global configuration:[[:space:]]*\(.*\)|\1/profiles|p'
  fi
}

if [ "${1:-}" = "--uninstall" ]; then
  [ -d "$build" ] || cmake -S "$top" -B "$build" -DTCPLIFE_BUILD_TESTS=OFF >/dev/null
  dir=$(plugin_dir)
  rm -f "$dir/tcplife.so"
  echo "tcplife: removed $dir/tcplife.so"
  while IFS= read -r profiles; do "$top/tools/install-profile.sh" --uninstall "$profiles"; done < <(profile_dirs)
  exit 0
fi

"$top/tools/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTCPLIFE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
dir=$(plugin_dir)
mkdir -p "$dir"
install -m 0644 "$build/plugin/wireshark/tcplife.so" "$dir/tcplife.so"
echo "tcplife: installed $dir/tcplife.so ($target_kind plugin folder)"
while IFS= read -r profiles; do "$top/tools/install-profile.sh" "$profiles"; done < <(profile_dirs)

echo
echo "== tshark -G plugins"
listing=$(tshark -G plugins 2>/dev/null | grep -E '^tcplife' || true)
echo "$listing"
loaded=$(echo "$listing" | awk -F'\t' 'NR == 1 {print $NF}')
if [ -z "$loaded" ]; then
  echo "tcplife: tshark does not list the plugin" >&2
  exit 1
elif [ "$loaded" != "$dir/tcplife.so" ]; then
  echo "tcplife: tshark loads another copy, $loaded, instead of $dir/tcplife.so." >&2
  echo "  Remove the other copy (for a system-wide one: sudo tools/install.sh --uninstall) and run this again." >&2
  exit 1
fi
install_batch

demo="$top/sample-pcaps/merged-close.pcap"
echo
echo "== tshark -r sample-pcaps/merged-close.pcap   (tcplife's marks end each line)"
tshark -r "$demo"
echo
echo "== tshark -2 -r sample-pcaps/merged-close.pcap -Y tcplife.close.merged -O tcplife   (the tcplife tree)"
tshark -2 -r "$demo" -Y tcplife.close.merged -O tcplife | sed -n '/^TCP Lifecycle/,$p'
echo
echo "== tshark -r sample-pcaps/merged-close.pcap -q -z tcplife,conv -z tcplife,ladder   (reports)"
# tshark prints its reports in the reverse order of the -z options.
tshark -r "$demo" -q -z tcplife,ladder -z tcplife,conv
echo
echo "== tshark -2 -C tcplife -r sample-pcaps/merged-close.pcap   (the profile's columns: sender, steps, states, verdict)"
tshark -2 -C tcplife -r "$demo"
echo
echo "In Wireshark, pick the profile \"tcplife\" in the status bar (bottom right) or under Edit > Configuration Profiles."
