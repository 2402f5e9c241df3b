# Sourced by the load scripts. `serve PORT POLLS [NAME=VALUE ...]` publishes the API into $dir/app ($dir is made when
# not set yet), starts it on 127.0.0.1:PORT on a fresh SQLite file in $dir with the rate limits off, warnings-only logs
# and the given settings, and waits up to POLLS half-seconds until it is ready. $server is its process id and
# $ready_s the seconds from its start to ready (to the next half-second poll); on exit it is stopped and $dir removed.
serve() {
  local port=$1 polls=$2
  shift 2
  dir=${dir:-$(mktemp -d)}
  dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null
  local started
  started=$(date +%s.%N)
  env ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__Matching="Data Source=$dir/matching.db" \
    RateLimiting__PermitLimit=1000000 RateLimiting__PermitsPerSecond=1000000 Logging__LogLevel__Default=Warning "$@" \
    dotnet "$dir/app/Matching.Api.dll" --contentRoot "$dir/app" --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 "$polls"); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$dir/server.log"; exit 1; }
  ready_s=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
}

# `serve_dense PORT CONNECTIONS OFFERS NEWCOMERS`: the dense scenario's server (the demo generator's offers clustered
# around the cities, seeded), waits until the background seed has stored the last newcomer, exports NEWCOMERS for
# dense.lua and warms the JIT with 5 s of the load.
serve_dense() {
  local port=$1 connections=$2 offers=$3 newcomers=$4
  serve "$port" 600 Demo__Seed=true Demo__RandomSeed=42 Demo__Offers="$offers" Demo__Newcomers="$newcomers"
  local last
  last=$(printf "nc-%06d" "$newcomers")
  for _ in $(seq 1 600); do
    curl -fs -H "X-Api-Key: demo-case-worker-key-0002" "http://127.0.0.1:$port/api/v1/newcomers/$last/suggestions" >/dev/null 2>&1 && break
    sleep 0.5
  done
  export NEWCOMERS=$newcomers
  wrk -t1 -c"$connections" -d5s -s benchmarks/http/dense.lua "http://127.0.0.1:$port" >/dev/null
}
