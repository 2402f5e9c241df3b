#!/usr/bin/env bash
# The design's scale (issue 12): 500,000 newcomers and 100,000 offers (the demo generator, seed 2026) loaded into a fresh
# SQLite file in one transaction through ServiceStartup.Import (what the demo seed uses; `benchmarks/http/import.sh`
# measures the HTTP bulk import), then the published host started on that file as a restarted instance, and timed over
# HTTP on loopback: restart to ready (both indexes loaded), RSS, suggestions and reverse ranking p50/p99, the gap report,
# and an assignment proposal for a cohort of random waiting newcomers (issue 12's 30,000; the assignment body may hold up
# to 100,000 ids, 8 MiB). The same allocation without HTTP is measured in process by
# `Matching.Benchmarks scale serve FILE 30000` (or by `allocate.sh`).
# Usage: benchmarks/http/scale.sh [newcomers=500000] [offers=100000] [cohort=30000] [requests=200] [gap-timeout-s=600]
# For a profile of the same work in one process: dotnet benchmarks/Matching.Benchmarks/bin/Release/net10.0/Matching.Benchmarks.dll scale serve FILE COHORT
set -euo pipefail
cd "$(dirname "$0")/../.."
source benchmarks/http/serve.sh
newcomers=${1:-500000}
offers=${2:-100000}
cohort=${3:-30000}
requests=${4:-200}
gap_timeout=${5:-600}
port=5097
key=demo-admin-key-0004
api=http://127.0.0.1:$port/api/v1

dir=$(mktemp -d)
dotnet build -c Release benchmarks/Matching.Benchmarks >/dev/null
dotnet benchmarks/Matching.Benchmarks/bin/Release/net10.0/Matching.Benchmarks.dll scale load "$newcomers" "$offers" "$dir/matching.db"
echo "db_MiB=$(( $(stat -c %s "$dir/matching.db") / 1048576 ))"
dotnet publish Matching.Api -c Release -o "$dir/app" >/dev/null # so that serve's own publish is a no-op and ready_s the host's
serve "$port" 1200 Demo__Seed=false
echo "restart_to_ready_s=$ready_s"
echo "rss_after_ready_MiB=$(( $(awk '/^VmRSS:/ { print $2 }' "/proc/$server/status") / 1024 ))"

# Times each URL of stdin (GET) and prints NAME_p50_ms and NAME_p99_ms.
percentiles() { # name
  while read -r url; do curl -fsS -o /dev/null -w '%{time_total}\n' -H "X-Api-Key: $key" "$url"; done \
    | sort -n | awk -v n="$1" '{ t[NR] = $1 * 1000 } END { printf "%s_p50_ms=%.1f\n%s_p99_ms=%.1f\n", n, t[int(NR * 0.5) + 1], n, t[int(NR * 0.99) + 1] }'
}
ids() { # prefix count howmany seed: random ids of the demo generator's form
  awk -v p="$1" -v c="$2" -v k="$3" -v s="$4" 'BEGIN { srand(s); for (i = 0; i < k; i++) printf "%s-%06d\n", p, 1 + int(rand() * c) }'
}
for url in "$api/newcomers/nc-000001/suggestions?limit=10" "$api/offers/offer-000001/candidates?limit=10"; do # warm up
  for _ in 1 2 3 4 5; do curl -fsS -o /dev/null -H "X-Api-Key: $key" "$url"; done
done
ids nc "$newcomers" "$requests" 1 | sed "s|.*|$api/newcomers/&/suggestions?limit=10|" | percentiles suggestions
ids offer "$offers" "$(( requests / 2 ))" 2 | sed "s|.*|$api/offers/&/candidates?limit=10|" | percentiles candidates
curl -fsS -o /dev/null -w 'gap_report_s=%{time_total}\n' --max-time "$gap_timeout" -H "X-Api-Key: $key" "$api/reports/gaps" \
  || echo "gap_report_s=timeout (over ${gap_timeout} s)"
ids nc "$newcomers" "$cohort" 3 | sort -u | jq -R . | jq -s '{ newcomerIds: . }' >"$dir/cohort.json"
curl -fsS -o "$dir/plan.json" -w 'assignment_s=%{time_total}\n' -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
  --data-binary "@$dir/cohort.json" "$api/assignments"
echo "assignment_newcomers=$(jq '.newcomerIds | length' "$dir/cohort.json") assignment_placed=$(jq .placed "$dir/plan.json")"
echo "peak_rss_MiB=$(( $(awk '/^VmHWM:/ { print $2 }' "/proc/$server/status") / 1024 ))"
