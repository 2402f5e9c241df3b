#!/usr/bin/env bash
# The mixed workload (about 80% suggestions, 15% upserts, 5% match transitions) against the published service on the
# demo data, bounded in time, loopback only. Reports throughput, p50/p99, errors and the server's memory before and
# after. Usage: benchmarks/http/run-mixed.sh [sqlite|postgres] [seconds=300] [connections=32]
#   postgres needs MATCHING_TEST_POSTGRES (an admin connection string); a fresh database is created and dropped.
set -euo pipefail
cd "$(dirname "$0")/../.."
provider=${1:-sqlite}
seconds=${2:-300}
connections=${3:-32}
port=5097
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

dir=$(mktemp -d)
dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null
if [ "$provider" = postgres ]; then
  : "${MATCHING_TEST_POSTGRES:?set MATCHING_TEST_POSTGRES to an admin connection string}"
  db="matching_load_$$"
  psql_args=$(echo "$MATCHING_TEST_POSTGRES" | tr ';' '\n')
  host=$(echo "$psql_args" | sed -n 's/^Host=//p'); user=$(echo "$psql_args" | sed -n 's/^Username=//p'); pass=$(echo "$psql_args" | sed -n 's/^Password=//p')
  PGPASSWORD=$pass psql -q -h "$host" -U "$user" -d postgres -c "CREATE DATABASE $db"
  export Storage__Provider=postgres ConnectionStrings__Matching="Host=$host;Username=$user;Password=$pass;Database=$db"
else
  export ConnectionStrings__Matching="Data Source=$dir/matching.db"
fi
ASPNETCORE_ENVIRONMENT=Development RateLimiting__PermitLimit=1000000 RateLimiting__PermitsPerSecond=1000000 \
Logging__LogLevel__Default=Warning \
  dotnet "$dir/app/Matching.Api.dll" --contentRoot "$dir/app" --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
cleanup() {
  kill $server 2>/dev/null; wait $server 2>/dev/null || true
  if [ "$provider" = postgres ]; then PGPASSWORD=$pass psql -q -h "$host" -U "$user" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; fi
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$dir/server.log"; exit 1; }

wrk -t2 -c"$connections" -d10s -s benchmarks/http/mixed.lua "http://127.0.0.1:$port" >/dev/null # warm-up
rss_before=$(ps -o rss= -p $server)
if [ -n "${COUNTERS:-}" ]; then
  PATH="$PATH:$HOME/.dotnet/tools" dotnet-counters collect -p "$server" --refresh-interval 1 --duration "$(printf "00:%02d:%02d:%02d" $((seconds / 3600)) $((seconds / 60 % 60)) $((seconds % 60)))" --format csv \
    -o "$COUNTERS" --counters Matching,Microsoft.AspNetCore.Hosting,System.Runtime >/dev/null 2>&1 &
fi
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s benchmarks/http/mixed.lua "http://127.0.0.1:$port"
rss_after=$(ps -o rss= -p $server)
echo "provider $provider; server RSS ${rss_before} KiB before, ${rss_after} KiB after"
