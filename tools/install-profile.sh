#!/usr/bin/env bash
# Installs the "tcplife" Wireshark configuration profile (profile/tcplife) into a
# profiles folder, or removes it. tools/install.sh picks the folder; the tests and
# tools/screenshots.sh use this script on a private HOME.
#   tools/install-profile.sh PROFILES_DIR               install or update PROFILES_DIR/tcplife
#   tools/install-profile.sh --uninstall PROFILES_DIR   remove it, unless you edited it
#
# The profile's colorfilters is ours followed by the installed Wireshark's default rules
# (a profile's colorfilters replaces the defaults, and we want other traffic coloured as
# usual). The checksums of what was installed are kept in .tcplife-installed, so a later
# run can tell our old file (replaced quietly) from one you edited: an edited file is
# kept as <file>.bak-<time> before ours replaces it, and --uninstall leaves an edited
# profile, or any file it did not install, in place.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
source_dir="$top/profile/tcplife"
shipped=(preferences colorfilters dfilter_buttons)

mode=install
if [ "${1:-}" = "--uninstall" ]; then
  mode=uninstall
  shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--uninstall] PROFILES_DIR" >&2; exit 2; }
profile="$1/tcplife"
sums="$profile/.tcplife-installed"

# Whether FILE (a name in the profile) is as this script last installed it.
unedited() {
  [ -f "$sums" ] && grep -qxF "$(cd "$profile" && sha256sum "$1")" "$sums"
}

if [ "$mode" = uninstall ]; then
  [ -d "$profile" ] || exit 0
  for name in "${shipped[@]}"; do
    if [ -f "$profile/$name" ] && ! unedited "$name"; then
      echo "tcplife: kept the profile $profile: its $name was edited (delete the folder to remove it)"
      exit 0
    fi
  done
  # Wireshark's own window state (recent) goes too; anything else, such as a backup
  # of your edits, keeps the folder.
  (cd "$profile" && rm -f "${shipped[@]}" .tcplife-installed recent)
  if rmdir "$profile" 2>/dev/null; then
    echo "tcplife: removed the profile $profile"
  else
    echo "tcplife: removed the profile's files; kept $profile, which holds other files"
  fi
  exit 0
fi

# Wireshark's global configuration folder holds the default colorfilters.
global_conf=$(tshark -G folders 2>/dev/null | sed -n 's/^Global configuration:[[:space:]]*//p')
defaults="${global_conf:-/usr/share/wireshark}/colorfilters"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp "$source_dir/preferences" "$source_dir/dfilter_buttons" "$staging/"
{
  cat "$source_dir/colorfilters"
  if [ -f "$defaults" ]; then
    echo "# Wireshark's default rules, from $defaults when tcplife was installed:"
    grep -v '^#' "$defaults"
  fi
} >"$staging/colorfilters"

mkdir -p "$profile"
stamp=$(date +%Y%m%d-%H%M%S)
for name in "${shipped[@]}"; do
  target="$profile/$name"
  if [ -f "$target" ] && ! cmp -s "$target" "$staging/$name" && ! unedited "$name"; then
    mv "$target" "$target.bak-$stamp"
    echo "tcplife: your edited $target is now $name.bak-$stamp; installing ours"
  fi
  install -m 0644 "$staging/$name" "$target"
done
(cd "$profile" && sha256sum "${shipped[@]}") >"$sums"
echo "tcplife: installed the configuration profile $profile"
