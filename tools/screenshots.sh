#!/usr/bin/env bash
# Regenerates the screenshots in docs/screenshots/: the real Wireshark GUI on a virtual X
# server (Xvfb), with a freshly built tcplife.so and the "tcplife" profile, on a capture
# stitched together from five sample captures (a merged close, a reset, a refused SYN, a
# SYN answered by ICMP and a TIME-WAIT assassination), so one packet list shows every colour.
#   tools/screenshots.sh              into docs/screenshots/
#   tools/screenshots.sh --out DIR    elsewhere (CI: every window must open, nothing changes here)
# Installs what it needs with apt-get (through sudo when not root). Wireshark runs as an
# unprivileged user (nobody when run as root: Wireshark ignores WIRESHARK_PLUGIN_DIR for
# root) with a private HOME, so neither your Wireshark settings nor an installed tcplife
# are used. Each shot starts its own Wireshark; windows are awaited by title and by their
# picture settling, not by fixed sleeps. For the Statistics shots see shot_statistics.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/docs/screenshots"
if [ "${1:-}" = "--out" ] && [ $# -eq 2 ]; then
  out=$(realpath "$2")
elif [ $# -ne 0 ]; then
  echo "usage: $0 [--out DIR]" >&2
  exit 2
fi
build="$top/build-screenshots"
width=1600
# Wider than the main window, so that the Conversations dialog shows all its columns.
screen_width=2400
screen_height=1360

fail() {
  echo "tcplife screenshots: $*" >&2
  exit 1
}

"$top/tools/install-deps.sh" wireshark xvfb xdotool xclip imagemagick fonts-dejavu-core
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTCPLIFE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target tcplife >/dev/null

as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi

# A private Wireshark world: plugin folder, HOME with the installed profile, captures.
sandbox=$(mktemp -d /tmp/tcplife-screenshots.XXXXXX)
xvfb_pid=""
ws_pid=""
cleanup() {
  set +e
  for pid in $ws_pid $xvfb_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$sandbox"
}
trap cleanup EXIT
home="$sandbox/home"
profile="$home/.config/wireshark/profiles/tcplife"
abi=$(sed -n 's/^TCPLIFE_WIRESHARK_ABI:INTERNAL=//p' "$build/CMakeCache.txt")
mkdir -p "$sandbox/plugins/$abi/epan" "$home" "$sandbox/run" "$sandbox/parts"
chmod 0700 "$sandbox/run"
cp "$build/plugin/wireshark/tcplife.so" "$sandbox/plugins/$abi/epan/"
"$top/tools/install-profile.sh" "$home/.config/wireshark/profiles" >/dev/null

# Each scenario starts 10 s after the previous one, so the Time column stays readable
# (the crafted captures are from 2024, the loopback ones from the day they were made).
start=1704067200
index=0
for name in merged-close rst-abort-client syn-closed-port icmp-unreachable time-wait-assassination; do
  capture="$top/sample-pcaps/$name.pcap"
  first=$(tshark -r "$capture" -c 1 -T fields -e frame.time_epoch 2>/dev/null)
  shift_by=$(awk -v to="$((start + 10 * index))" -v from="$first" 'BEGIN { printf "%.6f", to - from }')
  editcap -t "$shift_by" "$capture" "$sandbox/parts/$index.pcap"
  index=$((index + 1))
done
mergecap -F pcap -w "$sandbox/tour.pcap" "$sandbox"/parts/*.pcap
[ ${#as_user[@]} -eq 0 ] || chown -R 65534:65534 "$sandbox"

# The unprivileged user's environment; a simple command, so that $! of "... &" is the
# program's own pid (setpriv and env exec it).
user_env() {
  user_env=("${as_user[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LC_ALL=C.UTF-8
            WIRESHARK_PLUGIN_DIR="$sandbox/plugins" XDG_RUNTIME_DIR="$sandbox/run" DISPLAY="${DISPLAY:-}")
}
run_as_user() {
  user_env
  "${user_env[@]}" "$@"
}
run_as_user tshark -G plugins 2>/dev/null | grep -q '^tcplife.so' || fail "tshark does not load $build/plugin/wireshark/tcplife.so"
merged_frame=$(run_as_user tshark -r "$sandbox/tour.pcap" -Y tcplife.close.merged -T fields -e frame.number 2>/dev/null | head -n1)
[ -n "$merged_frame" ] || fail "no merged FIN+ACK in the stitched capture"

# Xvfb picks a free display and writes its number to fd 3.
"${as_user[@]}" Xvfb -displayfd 3 -screen 0 "${screen_width}x${screen_height}x24" -nolisten tcp \
  3>"$sandbox/display" 2>"$sandbox/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -s "$sandbox/display" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat "$sandbox/xvfb.log")"
  sleep 0.1
done
[ -s "$sandbox/display" ] || fail "Xvfb did not report a display within 10 s"
DISPLAY=":$(head -n1 "$sandbox/display")"
export DISPLAY

# The window's size and the packet list's height (in pixels) go into the profile's recent
# files, which Wireshark reads at start: every shot has the same layout on every run.
write_layout() {
  local height=$1 list_height=$2
  cat >"$home/.config/wireshark/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $width
gui.geometry_main_height: $height
gui.geometry_main_maximized: FALSE
EOF
  cat >"$profile/recent" <<EOF
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: $list_height
column.width:
	%m, 50,
	%t, 90,
	%s, 80,
	%d, 80,
	%p, 60,
	"%Cus:tcplife.sender", 60,
	"%Cus:tcplife.handshake.step", 35,
	"%Cus:tcplife.close.step", 45,
	"%Cus:tcplife.client.state", 105,
	"%Cus:tcplife.server.state", 110,
	"%Cus:tcplife.conv.handshake || tcplife.conv.close", 150,
	%i, 700
EOF
  [ ${#as_user[@]} -eq 0 ] || chown -R 65534:65534 "$home"
}

# Prints the id of the first visible window of our Wireshark whose title matches, once it
# appears.
wait_for_window() {
  local pattern=$1 seconds=$2 id
  for _ in $(seq "$seconds"); do
    id=$(timeout 1 xdotool search --sync --all --onlyvisible --pid "$ws_pid" --name "$pattern" 2>/dev/null |
      head -n1 || true)
    if [ -n "$id" ]; then
      echo "$id"
      return
    fi
    kill -0 "$ws_pid" 2>/dev/null || fail "Wireshark exited; its output: $(tail -n 20 "$sandbox/wireshark.log")"
  done
  fail "no window titled /$pattern/ after $seconds s; Wireshark's output: $(tail -n 20 "$sandbox/wireshark.log")"
}

# Returns once the window has its size and two captures of it 0.25 s apart are the same
# picture, with more than a few colours (a window mapped but not painted yet is plain).
wait_until_drawn() {
  local window=$1 size=$2 previous="" current
  for _ in $(seq 60); do
    if [ "$(xdotool getwindowgeometry "$window" | sed -n 's/^ *Geometry: //p')" = "$size" ] &&
       [ "$(import -window "$window" -format %k info:- 2>/dev/null)" -gt 16 ]; then
      current=$(import -window "$window" rgb:- 2>/dev/null | md5sum)
      [ "$current" = "$previous" ] && return
      previous=$current
    fi
    sleep 0.25
  done
  fail "window $window not drawn at $size within 15 s"
}

# shoot WINDOW WIDTHxHEIGHT FILE
shoot() {
  wait_until_drawn "$1" "$2"
  # No date chunks, so an unchanged picture gives an unchanged file.
  import -window "$1" -define png:exclude-chunk=date,time "$out/$3"
  echo "tcplife screenshots: wrote $out/$3"
}

# start_wireshark HEIGHT LIST_HEIGHT [wireshark options]: starts Wireshark on the stitched
# capture and returns once it has loaded the file (the title becomes the file's name) and
# drawn its window; main_window and main_size describe that window.
start_wireshark() {
  local height=$1 list_height=$2
  shift 2
  write_layout "$height" "$list_height"
  user_env
  "${user_env[@]}" wireshark -C tcplife -r "$sandbox/tour.pcap" "$@" >"$sandbox/wireshark.log" 2>&1 &
  ws_pid=$!
  main_window=$(wait_for_window '^tour\.pcap$' 60)
  main_size="${width}x${height}"
  # Without a window manager nothing places windows: put it where the layout says.
  xdotool windowmove "$main_window" 0 0 windowsize "$main_window" "$width" "$height"
  wait_until_drawn "$main_window" "$main_size"
}

stop_wireshark() {
  kill "$ws_pid" 2>/dev/null || true
  wait "$ws_pid" 2>/dev/null || true
  ws_pid=""
}

# A dialog Wireshark opened (matched by title), moved to the corner and given a size.
dialog_window() {
  local pattern=$1 size=$2 dialog
  dialog=$(wait_for_window "$pattern" 30)
  xdotool windowmove "$dialog" 0 0 windowsize "$dialog" "${size%x*}" "${size#*x}"
  echo "$dialog"
}

# (a) The packet list: the profile's columns and colours on every scenario (a data
# segment selected, so that no coloured row is hidden under the selection).
shot_packet_list() {
  start_wireshark 1000 680 -g 4
  shoot "$main_window" "$main_size" packet-list.png
  stop_wireshark
}

# (b) The merged FIN+ACK with the TCP Lifecycle tree expanded. A click on the empty part
# of the details pane gives it the focus; Down walks to the last top-level item (TCP
# Lifecycle: a post-dissector's tree comes last) and Shift+Right expands its subtrees.
shot_packet_details() {
  start_wireshark "$screen_height" 210 -g "$merged_frame"
  xdotool windowfocus --sync "$main_window"
  xdotool mousemove --sync $((width / 2)) $((screen_height - 60)) click 1
  xdotool key --delay 50 Down Down Down Down Down Down Down Down shift+Right
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$main_window" "$main_size" packet-details.png
  stop_wireshark
}

# (c) Analyze > Expert Information, which -z expert opens once the file is loaded. Not
# grouped by summary, so that the items show tcplife's full messages; tcplife's warnings
# and notes expanded. Positions are from the dialog's top-left (its bottom row for the
# check box); the keys expand rows 4, 3 and 1 from the bottom up, so that no expanded
# row's children are in the way.
shot_expert_info() {
  local dialog size=1400x520
  start_wireshark 1000 300 -z expert
  dialog=$(dialog_window '^Wireshark · Expert Information' "$size")
  wait_until_drawn "$dialog" "$size"
  xdotool windowfocus --sync "$dialog"
  xdotool mousemove --sync --window "$dialog" 208 $((${size#*x} - 55)) click 1   # Group by summary: off
  wait_until_drawn "$dialog" "$size"
  xdotool mousemove --sync --window "$dialog" 300 41 click 1
  xdotool key --delay 50 Down Down Down Right Up Right Up Up Right
  # Widen the Summary column: drag its right edge (at 541 by default) to the right.
  xdotool mousemove --sync --window "$dialog" 541 22 mousedown 1 mousemove --sync --window "$dialog" 1010 22 mouseup 1
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$dialog" "$size" expert-info.png
  stop_wireshark
}

# (d) Statistics > TCP Lifecycle > ...: the menu and the statistics window, once the
# plugin registers its stats_tree (tshark -z help then lists a tcplife ",tree"). Wireshark
# 4.0 opens statistics trees only from the menu (its -z knows none), and a menu cannot be
# searched by name from outside, so this walks the Statistics menu by position: set
# stats_menu_position to the number of Down presses from "Capture File Properties" (the
# item the open menu starts on) to "TCP Lifecycle", once, by looking at the menu. The first
# entry of that submenu is opened. TCPLIFE_STATS_MENU_POSITION overrides it (19 is HTTP,
# to try the mechanics without the plugin's tree: TCPLIFE_STATS_MENU_POSITION=19
# TCPLIFE_STATS_TREE=http,tree tools/screenshots.sh).
# The same count to the report windows and to Flow Graph. Each release has its own menu
# (4.4 adds DTN, 4.6 Plots and ILNP too; 4.4 and 4.6 name the stats tree "TCP
# Lifecycle/Conversation summary" without a submenu, as 4.0 does the report windows), and
# the Flow Graph of 4.4 and 4.6 starts with "Limit to display filter" on when a filter is
# applied. Per release: the positions (stats tree, States over time, Summary, Flow Graph),
# whether the stats tree is in a submenu, whether Flow Graph needs the click. 4.2's are
# not known here (no Debian release has it).
wireshark_release=$(tshark --version 2>/dev/null | sed -n '1s/^[^0-9]*\([0-9]*\.[0-9]*\)\..*/\1/p')
case "$wireshark_release" in
  4.0) menu_positions=(30 12 13 19 1 1) ;;
  4.4) menu_positions=(31 12 13 19 0 0) ;;
  4.6) menu_positions=(33 13 14 20 0 0) ;;
  *) fail "the Statistics menu positions of Wireshark $wireshark_release are not known: count them as" \
       "shot_statistics says and add them beside 4.0's" ;;
esac
stats_menu_position=${TCPLIFE_STATS_MENU_POSITION:-${menu_positions[0]}}
states_menu_position=${menu_positions[1]}
summary_menu_position=${menu_positions[2]}
flow_menu_position=${menu_positions[3]}
stats_tree_submenu=${menu_positions[4]}
flow_limit_click=${menu_positions[5]}
shot_statistics() {
  local tree=${TCPLIFE_STATS_TREE:-}
  if [ -z "$tree" ]; then
    tree=$(run_as_user tshark -z help 2>&1 | grep -ioE '^[[:space:]]*[^[:space:]]*(tcplife|lifecycle)[^[:space:]]*,tree' |
      head -n1 | tr -d '[:space:]' || true)
  fi
  if [ -z "$tree" ]; then
    echo "tcplife screenshots: skipped the Statistics shots (the plugin registers no statistics tree yet)"
    return
  fi
  if [ -z "$stats_menu_position" ]; then
    echo "tcplife screenshots: skipped the Statistics shots: the plugin has a statistics tree ($tree);" \
      "set stats_menu_position in tools/screenshots.sh to take them" >&2
    return
  fi
  start_wireshark 1000 300
  xdotool windowfocus --sync "$main_window"
  xdotool key alt+s
  for _ in $(seq "$stats_menu_position"); do xdotool key Down; done
  [ "$stats_tree_submenu" -eq 0 ] || xdotool key Right
  # The open menus are windows of their own: take the screen's corner the main window fills.
  wait_until_drawn "$main_window" "$main_size"
  import -window root -crop "${main_size}+0+0" -define png:exclude-chunk=date,time "$out/statistics-menu.png"
  echo "tcplife screenshots: wrote $out/statistics-menu.png"
  xdotool key Return
  shoot "$(dialog_window '^Wireshark · .* · tour\.pcap$' 1000x600)" 1000x600 statistics.png
  stop_wireshark
}

# (e) Statistics > TCP Lifecycle > Conversations, which -z tcplife,conversations opens once
# the file is loaded (the dialog fills itself from a pass over the capture).
shot_conversations() {
  local dialog size=2260x300
  start_wireshark 1000 300 -z tcplife,conversations
  dialog=$(dialog_window 'Conversations' "$size")
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$dialog" "$size" conversations.png
  stop_wireshark
}

# The clipboard's text, once some program has put text there.
clipboard() {
  local copied=""
  for _ in $(seq 20); do
    copied=$(timeout 2 xclip -selection clipboard -o 2>/dev/null || true)
    [ -n "$copied" ] && break
    sleep 0.25
  done
  echo "$copied"
}

# open_report POSITION DIALOG_TITLE [INTERVAL]: opens the report window at POSITION in the
# Statistics menu and answers its dialog: the defaults, and INTERVAL typed into the first
# field when given. A click into that field (at the right of its label) gives the dialog
# the keyboard.
open_report() {
  local position=$1 title=$2 interval=${3:-} dialog size
  xdotool windowfocus --sync "$main_window"
  xdotool key alt+s
  for _ in $(seq "$position"); do xdotool key Down; done
  xdotool key Return
  dialog=$(wait_for_window "$title" 30)
  size=$(xdotool getwindowgeometry "$dialog" | sed -n 's/^ *Geometry: //p')
  wait_until_drawn "$dialog" "$size"
  xdotool mousemove --sync --window "$dialog" $((${size%x*} - 60)) 22 click 1
  [ -z "$interval" ] || xdotool key ctrl+a type "$interval"
  xdotool key Return
}

# (f) Statistics > TCP Lifecycle Summary: what -z tcplife,summary prints, in the order of
# a connection's life. Its text, selected and copied, must be what tshark prints with the
# same profile (which follows TLS).
shot_summary() {
  local dialog size=900x680 expected copied
  start_wireshark 1000 300
  open_report "$summary_menu_position" 'summary: filter'
  dialog=$(dialog_window 'summary$' "$size")
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$dialog" "$size" summary.png
  xdotool mousemove --sync --window "$dialog" 300 100 click 1 key ctrl+a ctrl+c
  expected=$(run_as_user tshark -C tcplife -r "$sandbox/tour.pcap" -q -z tcplife,summary 2>/dev/null)
  copied=$(clipboard)
  [ "$copied" = "$expected" ] ||
    fail "the Summary window is not what tshark -z tcplife,summary prints:
$(diff <(echo "$expected") <(echo "$copied") | head -n 20)"
  echo "tcplife screenshots: the Summary window's text equals tshark's"
  stop_wireshark
}

# (g) Statistics > TCP Lifecycle States over time: its dialog asks for the interval (10 s,
# the scenarios' spacing) and a filter (none); the window shows what -z tcplife,states
# prints. Its "Copy as CSV" button must give what -z tcplife,states_csv,10 prints.
shot_states() {
  local dialog size=900x420 expected copied
  start_wireshark 1000 300
  open_report "$states_menu_position" 'interval and filter' 10
  dialog=$(dialog_window 'states over time$' "$size")
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$dialog" "$size" states-over-time.png
  xdotool mousemove --sync --window "$dialog" $((${size%x*} - 153)) $((${size#*x} - 24)) click 1
  expected=$(run_as_user tshark -C tcplife -r "$sandbox/tour.pcap" -q -z tcplife,states_csv,10 2>/dev/null)
  copied=$(clipboard)
  [ "$copied" = "$expected" ] ||
    fail "the States over time window's CSV is not what tshark -z tcplife,states_csv,10 prints:
$(diff <(echo "$expected") <(echo "$copied") | head -n 20)"
  echo "tcplife screenshots: the window's CSV equals tshark's"
  stop_wireshark
}

# (h) Statistics > Flow Graph with the flow type "TCP Lifecycle": the ladder, on the
# scenarios between two addresses (the loopback ones draw their arrows in one column).
# Positions are from the dialog's bottom-left: the "Limit to display filter" box and the
# "Flow type" box, picked by typing the flow's name into its open list.
shot_flow_graph() {
  local dialog size=1400x620
  start_wireshark 1000 300 -Y 'ip.addr == 10.0.0.0/8 && tcp'
  xdotool windowfocus --sync "$main_window"
  xdotool key alt+s
  for _ in $(seq "$flow_menu_position"); do xdotool key Down; done
  xdotool key Return
  dialog=$(dialog_window '· Flow' "$size")
  wait_until_drawn "$dialog" "$size"
  if [ "$flow_limit_click" -eq 1 ]; then
    xdotool mousemove --sync --window "$dialog" 17 $((${size#*x} - 55)) click 1
    wait_until_drawn "$dialog" "$size"
  fi
  xdotool mousemove --sync --window "$dialog" 737 $((${size#*x} - 55)) click 1
  xdotool type --delay 50 "TCP Lifecycle"
  xdotool key Return
  xdotool mousemove --sync $((width - 1)) $((screen_height - 1))
  shoot "$dialog" "$size" flow-graph.png
  stop_wireshark
}

mkdir -p "$out"
# TCPLIFE_SHOTS="states conversations" takes only those.
for shot in ${TCPLIFE_SHOTS:-packet_list packet_details expert_info statistics conversations summary states flow_graph}; do
  "shot_$shot"
done
