#!/usr/bin/env bash
# Refresh the front-end assets served by the app (never from a CDN).
# Needs node/npm; installing or running the project does not: the files are committed.
set -euo pipefail
BOOTSTRAP_VERSION=5.3.8
HTMX_VERSION=2.0.7
LEAFLET_VERSION=1.9.4
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/aiguillage/core/static/vendor"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap@$BOOTSTRAP_VERSION" "htmx.org@$HTMX_VERSION" "leaflet@$LEAFLET_VERSION" >/dev/null
mkdir -p b h l "$dest/bootstrap" "$dest/htmx" "$dest/leaflet"
tar -xzf "bootstrap-$BOOTSTRAP_VERSION.tgz" -C b
tar -xzf "htmx.org-$HTMX_VERSION.tgz" -C h
tar -xzf "leaflet-$LEAFLET_VERSION.tgz" -C l
# The source maps too: the files name them, and `collectstatic` (hashed names) refuses a
# reference to a file that is not there.
cp b/package/dist/css/bootstrap.min.css b/package/dist/css/bootstrap.min.css.map \
  b/package/dist/js/bootstrap.bundle.min.js b/package/dist/js/bootstrap.bundle.min.js.map \
  "$dest/bootstrap/"
cp b/package/LICENSE "$dest/bootstrap/LICENSE"
cp h/package/dist/htmx.min.js "$dest/htmx/"
cp h/package/LICENSE "$dest/htmx/LICENSE"
cp l/package/dist/leaflet.js l/package/dist/leaflet.js.map l/package/dist/leaflet.css \
  l/package/LICENSE "$dest/leaflet/"
cp -r l/package/dist/images "$dest/leaflet/"
printf 'bootstrap %s (MIT)\nhtmx.org %s (0BSD)\nleaflet %s (BSD-2-Clause)\n' "$BOOTSTRAP_VERSION" "$HTMX_VERSION" "$LEAFLET_VERSION" > "$dest/VERSIONS"
echo "assets written to $dest"
