#!/usr/bin/env bash
# Detection quality on the development data: ../shared/tools/detect-bench runs `rnnengine train` and `score` at the
# CLI's defaults (extra detect-bench arguments pass through, e.g. --extra "--smooth 8") on every series, beside the
# raw z-score and Hotelling T^2 baselines of the same run. The JSON lines go to Benchmarks/results/detect-bench.jsonl,
# the markdown table that Benchmarks/README.md and README.md quote to stdout. Needs python3 with numpy and scikit-learn
# (apt-get install -y python3-numpy python3-sklearn). About 2 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3
dotnet build Cli -c Release -v q -nologo >/dev/null
dll=$(ls Cli/bin/Release/net*/rnnengine.dll | head -1)
mkdir -p Benchmarks/results
"$PY" "$SHARED/tools/detect-bench" "$dll" "$@" > Benchmarks/results/detect-bench.jsonl
"$PY" Benchmarks/detect_table.py Benchmarks/results/detect-bench.jsonl
