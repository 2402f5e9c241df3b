#!/usr/bin/env bash
# Drives GET /api/v1/newcomers/{id}/suggestions with wrk on loopback for a bounded time and prints throughput and
# latency percentiles. The service runs on the demo data (2,000 newcomers, 600 offers) in a fresh SQLite file.
# Usage: benchmarks/http/run-suggestions.sh [seconds=30] [connections=64] [wrk threads=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
connections=${2:-64}
threads=${3:-1}
port=5099
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

dir=$(mktemp -d)
dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null
ASPNETCORE_ENVIRONMENT=Development \
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

# Warm up the JIT, then measure.
wrk -t"$threads" -c"$connections" -d5s -s benchmarks/http/suggestions.lua "http://127.0.0.1:$port" >/dev/null
rss_before=$(ps -o rss= -p $server)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/suggestions.lua "http://127.0.0.1:$port"
rss_after=$(ps -o rss= -p $server)
echo "server RSS: ${rss_before} KiB before, ${rss_after} KiB after"
