#!/usr/bin/env bash
# The design's scale (issue 12): 500,000 newcomers and 100,000 offers in a fresh SQLite file, imported in one
# transaction through ServiceStartup.Import (what the bulk import and the demo seed use; the HTTP bulk import was not
# on main yet), then a second process starts on the file as a restarted instance does and measures restart-to-ready,
# RSS, suggestions and reverse ranking p50/p99, the gap report and an assignment of 30,000 newcomers.
# Usage: benchmarks/scale.sh [newcomers=500000] [offers=100000] [cohort=30000]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release benchmarks/Matching.Benchmarks >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bench=benchmarks/Matching.Benchmarks/bin/Release/net10.0/Matching.Benchmarks.dll
dotnet "$bench" scale load "${1:-500000}" "${2:-100000}" "$dir/matching.db"
echo "db_MiB=$(( $(stat -c %s "$dir/matching.db") / 1048576 ))"
dotnet "$bench" scale serve "$dir/matching.db" "${3:-30000}"
