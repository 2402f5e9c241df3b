#!/usr/bin/env bash
# Drives GET /api/v1/newcomers/{id}/suggestions with wrk on loopback for a bounded time and prints throughput and
# latency percentiles. The service runs on the demo data (2,000 newcomers, 600 offers) in a fresh SQLite file.
# Usage: benchmarks/http/run-suggestions.sh [seconds=30] [connections=64] [wrk threads=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/http/serve.sh
seconds=${1:-30}
connections=${2:-64}
threads=${3:-1}
port=5099
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

serve "$port" 120

# Warm up the JIT, then measure.
wrk -t"$threads" -c"$connections" -d5s -s benchmarks/http/suggestions.lua "http://127.0.0.1:$port" >/dev/null
rss_before=$(ps -o rss= -p $server)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/suggestions.lua "http://127.0.0.1:$port"
rss_after=$(ps -o rss= -p $server)
echo "server RSS: ${rss_before} KiB before, ${rss_after} KiB after"
