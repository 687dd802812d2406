#!/usr/bin/env bash
# The README's quick start, run for real: a CSV made from the bundled PowerDemand data (one column, a year of
# 15-minute electricity demand), the tool packed and installed into a temporary tool path, then train on the first
# 8,000 rows (normal operation), score the whole year with a plot, and evaluate against the labelled holidays.
# Prints each command and what it printed; `--readme` also writes that into README.md between the quickstart markers
# (Engine.Tests/Cli/ReadmeQuickStartTests.cs checks that the block still matches what the commands print).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# the user's data: a header row, then one row per time step
{ echo demand; cat "$root/data/powerdemand/power_data.txt"; } >power.csv
head -8001 power.csv >normal.csv
# labels, index,label: the holidays of the seed-001 label file (whole days of 96 rows; data/powerdemand/PROVENANCE.md)
awk 'BEGIN { print "index,label"; n = split("8256 11424 11904 12192 13248 26496 34368 34464", s, " ")
             for (i = 0; i < 35040; i++) { a = 0; for (k = 1; k <= n; k++) if (i >= s[k] && i < s[k] + 96) a = 1; print i "," a } }' >labels.csv

dotnet pack "$root/Cli" -c Release -o nupkg -v q -nologo >/dev/null
NUGET_PACKAGES=$work/nuget dotnet tool install --tool-path tools --add-source nupkg RnnEngine.Cli >/dev/null
export PATH=$work/tools:$PATH DOTNET_ROOT=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}

out=$work/transcript.txt
run() { echo "\$ $*" >>"$out"; "$@" >>"$out" 2>&1; }
run rnnengine train --data normal.csv --out power.model --quiet
run rnnengine score --model power.model --data power.csv --out scores.csv --plot scores.png
run rnnengine eval --scores scores.csv --labels labels.csv --data power.csv --train-rows 8000 --out metrics.json
cat "$out"
cp scores.png "$root/docs/quickstart-plot.png"

if [[ ${1:-} == --readme ]]; then
  python3 - "$root/README.md" "$out" <<'PY'
import sys
readme, transcript = sys.argv[1], open(sys.argv[2]).read()
s = open(readme).read()
a, b = "<!-- quickstart output: docs/quickstart.sh --readme -->\n```\n", "```\n<!-- end quickstart output -->"
i, j = s.index(a) + len(a), s.index(b)
open(readme, "w").write(s[:i] + transcript + s[j:])
PY
fi
