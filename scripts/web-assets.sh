#!/usr/bin/env bash
# The dashboard's front-end packages (package.json, pinned by package-lock.json) from npm,
# copied into src/eventwatch/web/static/vendor/, which is not kept in git. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/eventwatch/web/static/vendor
if ! command -v npm >/dev/null 2>&1; then
  echo "web-assets: npm is missing; install Node.js (Debian: apt-get install npm) for the dashboard's map" >&2
  exit 1
fi
if [ ! -d node_modules/leaflet ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
rm -rf "$VENDOR"
mkdir -p "$VENDOR"/leaflet "$VENDOR"/leaflet.markercluster "$VENDOR"/topojson-client "$VENDOR"/world-atlas
cp -r node_modules/leaflet/dist/. "$VENDOR"/leaflet/
cp node_modules/leaflet.markercluster/dist/*.js node_modules/leaflet.markercluster/dist/*.css "$VENDOR"/leaflet.markercluster/
cp node_modules/topojson-client/dist/topojson-client.min.js "$VENDOR"/topojson-client/
cp node_modules/world-atlas/countries-110m.json node_modules/world-atlas/LICENSE "$VENDOR"/world-atlas/ 2>/dev/null \
  || cp node_modules/world-atlas/countries-110m.json "$VENDOR"/world-atlas/
for pkg in leaflet leaflet.markercluster topojson-client; do
  cp node_modules/$pkg/LICENSE* "$VENDOR"/$pkg/ 2>/dev/null || true
done
echo "web-assets: $(du -sh "$VENDOR" | cut -f1) in $VENDOR"
