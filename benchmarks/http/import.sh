#!/usr/bin/env bash
# Bulk sync throughput: generates newcomers and offers with the demo generator as JSON Lines, POSTs each file to
# /api/v1/{newcomers,offers}:import of a published host on a fresh SQLite file, and prints records per second. Each
# file is posted twice: the first creates every row, the second finds every row unchanged (compare only). Besides the
# wall clock it prints the CPU seconds the server spent on each request (from /proc), which a busy machine inflates less.
# Usage: benchmarks/http/import.sh [newcomers=50000] [offers=50000]
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/http/serve.sh
newcomers=${1:-50000}
offers=${2:-50000}
port=5098
key=demo-case-management-key-0001

dir=$(mktemp -d)
dotnet run --project benchmarks/Matching.DataTool -c Release -- generate --seed 7 --newcomers "$newcomers" --offers "$offers" --history 1 --out "$dir/data" >/dev/null
serve "$port" 120 Demo__Seed=false

post() { # resource file label
  local lines bytes start end answer cpu0 cpu1
  lines=$(grep -c . "$2")
  bytes=$(stat -c %s "$2")
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
  start=$(date +%s.%N)
  answer=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/$1:import" -H "X-Api-Key: $key" \
    -H "Content-Type: application/x-ndjson" --data-binary "@$2")
  end=$(date +%s.%N)
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$server/stat")
  awk -v n="$lines" -v b="$bytes" -v s="$start" -v e="$end" -v r="$1" -v l="$3" -v a="$answer" -v cpu="$(( cpu1 - cpu0 ))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%-9s %-9s %7d records %6.1f MiB %6.2f s %8.0f records/s  cpu %5.2f s  %s\n", r, l, n, b/1048576, e-s, n/(e-s), cpu/hz, a }'
}
post newcomers "$dir/data/newcomers.jsonl" create
post newcomers "$dir/data/newcomers.jsonl" unchanged
post offers "$dir/data/offers.jsonl" create
post offers "$dir/data/offers.jsonl" unchanged
