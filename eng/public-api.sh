#!/usr/bin/env bash
# Adds Core's new public symbols to Matching.Core/PublicAPI.Unshipped.txt from the analyzer's own diagnostics, and lists
# the declared symbols that are gone. Run it after making something public on purpose (or after a merge), read the diff
# of the file, then build again. A symbol that should not be public is fixed in the code instead.
#   eng/public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet build Matching.Core/Matching.Core.csproj -c Release --no-incremental >"$log" 2>&1 || true
file=Matching.Core/PublicAPI.Unshipped.txt
added=$(grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sort -u || true)
if [ -n "$added" ]; then
  { grep -v '^#nullable' "$file" || true; printf '%s\n' "$added"; } | LC_ALL=C sort -u >"$log.new"
  { echo '#nullable enable'; cat "$log.new"; } >"$file"
  echo "added to $file: $(printf '%s\n' "$added" | wc -l) symbol(s)"
fi
removed=$(grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API)" "$log" | sort -u || true)
if [ -n "$removed" ]; then
  echo "declared but no longer public (delete from Unshipped, or mark *REMOVED* in Unshipped if shipped):"
  printf '%s\n' "$removed" | sed 's/^/  /'
fi
grep -E "error (CS|RS00(1[^67]|[2-9]))" "$log" | sort -u | head -20 || true
