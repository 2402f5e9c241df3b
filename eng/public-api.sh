#!/usr/bin/env bash
# Brings Matching.Core/PublicAPI.Unshipped.txt in line with the code, from the analyzer's own diagnostics, as its code
# fix would: a new public symbol (RS0016) is added; a declared symbol that is gone (RS0017) is deleted from Unshipped,
# or, when it was shipped, recorded as "*REMOVED*<symbol>" in Unshipped. Run it after making something public on
# purpose or after a merge, read the diff of the file (a symbol that should not be public is fixed in the code
# instead), then build again.
#   eng/public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet build Matching.Core/Matching.Core.csproj -c Release --no-incremental >"$log" 2>&1 || true
shipped=Matching.Core/PublicAPI.Shipped.txt
unshipped=Matching.Core/PublicAPI.Unshipped.txt
added=$(grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sort -u || true)
removed=$(grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API)" "$log" | sort -u || true)
{
  grep -v '^#nullable' "$unshipped" | grep -vxF -f <(printf '%s\n' "$removed") || true
  [ -n "$added" ] && printf '%s\n' "$added"
  [ -n "$removed" ] && printf '%s\n' "$removed" | grep -xF -f - "$shipped" | sed 's/^/*REMOVED*/'
} | grep -v '^$' | LC_ALL=C sort -u >"$log.new" || true
{ echo '#nullable enable'; cat "$log.new"; } >"$unshipped"
echo "added: $(printf '%s' "$added" | grep -c . || true), removed: $(printf '%s' "$removed" | grep -c . || true); see git diff $unshipped"
grep -E "error (CS|RS00(1[^67]|[2-9]))" "$log" | sort -u | head -20 || true
