#!/usr/bin/env bash
# The README's quick start, run for real: the bundled NAB CSV (timestamp,value: CPU utilisation of an AWS auto-scaling
# group, 5-minute steps; data/nab_cpu_asg) stands for the user's file. The tool is packed and installed into a
# temporary tool path; then train on the first 2,707 rows (normal operation), score the whole file with a plot, and
# evaluate against NAB's labelled window. Prints each command and what it printed (training's epoch lines left out);
# `--readme` also writes that into README.md between the quickstart markers, and the plot to docs/quickstart-plot.png
# (Engine.Tests/Cli/ReadmeQuickStartTests.cs checks that the block still matches what the commands print).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cp "$root/data/nab_cpu_asg/cpu.csv" "$root/data/nab_cpu_asg/labels.csv" .

dotnet pack "$root/Cli" -c Release -o nupkg -v q -nologo >/dev/null
NUGET_PACKAGES=$work/nuget dotnet tool install --tool-path tools --add-source nupkg RnnEngine.Cli >/dev/null
export PATH=$work/tools:$PATH DOTNET_ROOT=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}

out=$work/transcript.txt
run() { echo "\$ $*" >>"$out"; "$@" 2>&1 | grep -v '^epoch ' >>"$out"; }
echo "\$ head -2708 cpu.csv > normal.csv" >>"$out"; head -2708 cpu.csv >normal.csv
run rnnengine train --data normal.csv --out cpu.model
run rnnengine score --model cpu.model --data cpu.csv --out scores.csv --plot scores.png --labels labels.csv
run rnnengine eval --scores scores.csv --labels labels.csv --data cpu.csv --train-rows 2707
# eval's JSON line is long: the README shows its start
awk '{ if (length($0) > 240) print substr($0, 1, 240) " ..."; else print }' "$out" >"$out.short"
cat "$out.short"

if [[ ${1:-} == --readme ]]; then
  cp scores.png "$root/docs/quickstart-plot.png"
  python3 - "$root/README.md" "$out.short" <<'PY'
import sys
readme, transcript = sys.argv[1], open(sys.argv[2]).read()
s = open(readme).read()
a, b = "<!-- quickstart output: docs/quickstart.sh --readme -->\n```\n", "```\n<!-- end quickstart output -->"
i, j = s.index(a) + len(a), s.index(b)
open(readme, "w").write(s[:i] + transcript + s[j:])
PY
fi
