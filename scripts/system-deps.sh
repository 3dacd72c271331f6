#!/bin/sh
# Installs the Debian/Ubuntu packages Custos needs, only when they are missing.
#   gui:  the X11/xcb libraries Qt needs to open a window (and the bundle carries)
#   test: what offscreen Qt and the PDF checks in the tests need; gdb images a locked window;
#         a PostgreSQL 15+ server with contrib and pg_amcheck (scripts/pgcluster.py runs it)
#   bench: the PostgreSQL server for the bench's server section
# An entry "a|b" is one need with two names (Debian 12 vs. 13 / Ubuntu 24.04 "t64" names).
# Contrib is inside the versioned server package since PostgreSQL 10: a server of 15 or later
# installed without the metapackages (e.g. from apt.postgresql.org) is enough.
versioned="postgresql-18|postgresql-17|postgresql-16|postgresql-15"
postgres="postgresql|$versioned postgresql-contrib|$versioned"
needs="libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0|libglib2.0-0t64"
for want in "$@"; do
  [ "$want" = "gui" ] && needs="$needs libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xfixes0"
  [ "$want" = "test" ] && needs="$needs poppler-utils gdb $postgres"
  [ "$want" = "bench" ] && needs="$needs $postgres"
done

command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian/Ubuntu: nothing to do here
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=""
for need in $needs; do
  found=""
  for name in $(echo "$need" | tr '|' ' '); do installed "$name" && found=1 && break; done
  [ -n "$found" ] || missing="$missing $need"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "Custos needs these system packages; please install them as root:$missing" >&2; exit 0; fi
$SUDO apt-get update -qq >/dev/null 2>&1 || true
pick=""
for need in $missing; do
  for name in $(echo "$need" | tr '|' ' '); do
    if apt-cache policy "$name" 2>/dev/null | grep -q 'Candidate: [0-9]'; then pick="$pick $name"; break; fi
  done
done
[ -z "$pick" ] && exit 0
echo "Installing system packages:$pick"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $pick >/dev/null \
  || echo "warning: could not install:$pick" >&2
exit 0
