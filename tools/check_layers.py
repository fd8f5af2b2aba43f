#!/usr/bin/env python3
"""Checks the include rules the folder tree promises (docs/architecture.md).

- plugin/core/<layer>/ includes only headers of its own layer and of the layers below
  it (CMake's staged include folders already refuse the others; this names the rule);
- plugin/wireshark/ (the glue) includes of the core only the facade, capture/capture.hpp,
  and the text/ and report/ layers;
- no include climbs out of its folder with "../", and no core file includes Wireshark
  or GLib.

    tools/check_layers.py [REPOSITORY]      exit status 1 and one line per breach
"""
import os
import re
import sys

BELOW = {
    "tcp": set(),
    "conversation": {"tcp"},
    "zeek": {"tcp"},
    "tls": {"tcp"},
    "capture": {"tcp", "conversation", "zeek", "tls"},
    "text": {"tcp", "conversation", "tls"},
    "report": {"tcp", "conversation", "zeek", "tls", "capture", "text"},
}
GLUE_MAY_INCLUDE = re.compile(r"^(capture/capture\.hpp|text/[a-z_]+\.hpp|report/[a-z_]+\.hpp|[a-z_]+\.hpp)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def includes(path):
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            match = INCLUDE.match(line)
            if match:
                yield number, match.group(1), match.group(2)


def sources(folder):
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            if name.endswith((".cpp", ".hpp")):
                yield os.path.join(root, name)


def core_breaches(core):
    for layer, lower in BELOW.items():
        for path in sources(os.path.join(core, layer)):
            for number, kind, header in includes(path):
                where = "%s:%d" % (os.path.relpath(path, core), number)
                if kind == "<" and header.split("/")[0] in ("epan", "wsutil", "glib.h", "glib", "wireshark"):
                    yield "%s: the core includes Wireshark or GLib (%s)" % (where, header)
                if kind != '"':
                    continue
                if ".." in header.split("/"):
                    yield "%s: climbs out of its folder (%s)" % (where, header)
                    continue
                top = header.split("/")[0] if "/" in header else None
                if top is None:
                    yield "%s: includes %s without its layer's folder" % (where, header)
                elif top != layer and top not in lower:
                    yield "%s: layer %s includes %s, which is not below it" % (where, layer, header)


def glue_breaches(glue):
    for path in sources(glue):
        for number, kind, header in includes(path):
            if kind != '"':
                continue
            where = "%s:%d" % (os.path.relpath(path, os.path.dirname(glue)), number)
            if not GLUE_MAY_INCLUDE.match(header):
                yield "%s: the glue includes %s; it may include the facade (capture/capture.hpp), text/ and report/" % (
                    where, header)
            elif "/" not in header and not os.path.exists(os.path.join(glue, header)):
                yield "%s: includes %s, which is not a glue header" % (where, header)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    plugin = os.path.join(root, "plugin")
    found = set(name for name in os.listdir(os.path.join(plugin, "core"))
                if os.path.isdir(os.path.join(plugin, "core", name)))
    breaches = []
    if found != set(BELOW):
        breaches.append("plugin/core/ holds the layers %s, but this check knows %s" % (sorted(found), sorted(BELOW)))
    breaches += list(core_breaches(os.path.join(plugin, "core")))
    breaches += list(glue_breaches(os.path.join(plugin, "wireshark")))
    for breach in breaches:
        print(breach)
    if not breaches:
        print("ok   %d layers, each including only itself and the layers below; the glue only the facade, "
              "text/ and report/" % len(BELOW))
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
