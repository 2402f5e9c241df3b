#!/usr/bin/env bash
# Bulk sync throughput: generates newcomers and offers with the demo generator as JSON Lines, POSTs each file to
# /api/v1/{newcomers,offers}:import of a published host on a fresh SQLite file, and prints records per second. Each
# file is posted twice: the first creates every row, the second finds every row unchanged (compare only).
# Usage: benchmarks/http/import.sh [newcomers=50000] [offers=50000]
set -euo pipefail
cd "$(dirname "$0")/../.."
newcomers=${1:-50000}
offers=${2:-50000}
port=5098
key=demo-case-management-key-0001

dir=$(mktemp -d)
dotnet run --project benchmarks/Matching.DataTool -c Release -- generate --seed 7 --newcomers "$newcomers" --offers "$offers" --history 1 --out "$dir/data" >/dev/null
dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null
ASPNETCORE_ENVIRONMENT=Development Demo__Seed=false \
ConnectionStrings__Matching="Data Source=$dir/matching.db" \
RateLimiting__PermitLimit=1000000 RateLimiting__PermitsPerSecond=1000000 \
Logging__LogLevel__Default=Warning \
  dotnet "$dir/app/Matching.Api.dll" --contentRoot "$dir/app" --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$dir/server.log"; exit 1; }

post() { # resource file label
  local lines bytes start end answer
  lines=$(grep -c . "$2")
  bytes=$(stat -c %s "$2")
  start=$(date +%s.%N)
  answer=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/$1:import" -H "X-Api-Key: $key" \
    -H "Content-Type: application/x-ndjson" --data-binary "@$2")
  end=$(date +%s.%N)
  awk -v n="$lines" -v b="$bytes" -v s="$start" -v e="$end" -v r="$1" -v l="$3" -v a="$answer" \
    'BEGIN { printf "%-9s %-9s %7d records %6.1f MiB %6.2f s %8.0f records/s  %s\n", r, l, n, b/1048576, e-s, n/(e-s), a }'
}
post newcomers "$dir/data/newcomers.jsonl" create
post newcomers "$dir/data/newcomers.jsonl" unchanged
post offers "$dir/data/offers.jsonl" create
post offers "$dir/data/offers.jsonl" unchanged
