#!/usr/bin/env bash
# The dense scenario of issue 12: the demo generator's offers clustered around the Flemish cities (5,000 by default:
# about 700 within 15 km of a city newcomer), 200 stored newcomers, and wrk rotating over those newcomers' suggestions
# on loopback for a bounded time. Prints throughput, latency percentiles and the server's RSS.
# Usage: benchmarks/http/run-dense.sh [seconds=30] [connections=64] [offers=5000] [newcomers=200]
#   e.g. benchmarks/http/run-dense.sh 30 64 100000   for the 100,000-offer target.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
connections=${2:-64}
offers=${3:-5000}
newcomers=${4:-200}
port=5098
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

dir=$(mktemp -d)
dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null
ASPNETCORE_ENVIRONMENT=Development \
ConnectionStrings__Matching="Data Source=$dir/matching.db" \
Demo__Seed=true Demo__RandomSeed=42 Demo__Offers="$offers" Demo__Newcomers="$newcomers" \
RateLimiting__PermitLimit=1000000 RateLimiting__PermitsPerSecond=1000000 \
Logging__LogLevel__Default=Warning \
  dotnet "$dir/app/Matching.Api.dll" --contentRoot "$dir/app" --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$dir/server.log"; exit 1; }
# The demo seed runs in the background: wait until the last newcomer is there.
last=$(printf "nc-%06d" "$newcomers")
for _ in $(seq 1 600); do
  curl -fs -H "X-Api-Key: demo-case-worker-key-0002" "http://127.0.0.1:$port/api/v1/newcomers/$last/suggestions" >/dev/null 2>&1 && break
  sleep 0.5
done

export NEWCOMERS=$newcomers
# Warm up the JIT, then measure.
wrk -t1 -c"$connections" -d5s -s benchmarks/http/dense.lua "http://127.0.0.1:$port" >/dev/null
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/dense.lua "http://127.0.0.1:$port"
echo "offers=$offers newcomers=$newcomers connections=$connections server RSS: $(ps -o rss= -p $server) KiB"
