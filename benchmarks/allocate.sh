#!/usr/bin/env bash
# Allocation at scale: each mode in its own process (so its peak memory is its own) on the same demo cohort.
# Usage: benchmarks/allocate.sh [newcomers=30000] [offers=10000] [candidates=50]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release benchmarks/Matching.Benchmarks >/dev/null
printf 'mode\tnewcomers\toffers\tk\tpairs\tplaces\tcandidates_s\tsolve_s\tplaced\ttotal_score\tpeak_rss_MiB\trss_before_solve_MiB\tmanaged_alloc_MiB\tcandidates_cpu_s\tsolve_cpu_s\tend_to_end_s\n'
for mode in optimal stable greedy; do
  dotnet benchmarks/Matching.Benchmarks/bin/Release/net10.0/Matching.Benchmarks.dll allocate "$mode" "${1:-30000}" "${2:-10000}" "${3:-50}"
done
