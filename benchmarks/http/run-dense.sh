#!/usr/bin/env bash
# The dense scenario of issue 12: the demo generator's offers clustered around the Flemish cities (5,000 by default:
# about 700 within 15 km of a city newcomer), 200 stored newcomers, and wrk rotating over those newcomers' suggestions
# on loopback for a bounded time. Prints throughput, latency percentiles and the server's RSS.
# Usage: benchmarks/http/run-dense.sh [seconds=30] [connections=64] [offers=5000] [newcomers=200]
#   e.g. benchmarks/http/run-dense.sh 30 64 100000   for the 100,000-offer target.
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/http/serve.sh
seconds=${1:-30}
connections=${2:-64}
offers=${3:-5000}
newcomers=${4:-200}
port=5098
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

serve_dense "$port" "$connections" "$offers" "$newcomers"
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/dense.lua "http://127.0.0.1:$port"
echo "offers=$offers newcomers=$newcomers connections=$connections server RSS: $(ps -o rss= -p $server) KiB"
