#!/usr/bin/env bash
# Profiles the dense scenario of issue 12 (run-dense.sh's server and load): dotnet-counters over the whole wrk run
# (GC counts, % time in GC, allocation rate, thread-pool queue, lock contention) and, in a second run of the same
# load, a dotnet-trace CPU sample. Writes counters.csv, trace.nettrace and wrk.txt into OUT.
# Usage: benchmarks/http/profile-dense.sh OUT [seconds=20] [connections=64] [offers=5000] [newcomers=200]
# Needs the dotnet tools dotnet-counters and dotnet-trace (dotnet tool install -g dotnet-counters dotnet-trace).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "$1"); mkdir -p "$out"
seconds=${2:-20}
connections=${3:-64}
offers=${4:-5000}
newcomers=${5:-200}
port=5097
export PATH="$PATH:$HOME/.dotnet/tools"
source benchmarks/http/serve.sh
serve_dense "$port" "$connections" "$offers" "$newcomers"

dotnet-counters collect -p "$server" --refresh-interval 1 --duration "$(printf "00:%02d:%02d:%02d" $(((seconds + 2) / 3600)) $(((seconds + 2) / 60 % 60)) $(((seconds + 2) % 60)))" --format csv -o "$out/counters.csv" \
  --counters System.Runtime,Microsoft.AspNetCore.Hosting,System.Net.Sockets >/dev/null 2>&1 &
counters=$!
sleep 2
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/dense.lua "http://127.0.0.1:$port" | tee "$out/wrk.txt"
wait $counters || true

dotnet-trace collect -p "$server" --profile dotnet-sampled-thread-time,gc-collect --duration 00:00:00:10 -o "$out/trace.nettrace" >/dev/null 2>&1 &
tracer=$!
sleep 1
wrk -t1 -c"$connections" -d12s -s benchmarks/http/dense.lua "http://127.0.0.1:$port" >/dev/null
wait $tracer || true
echo "offers=$offers newcomers=$newcomers connections=$connections server RSS: $(ps -o rss= -p $server) KiB"
