#!/usr/bin/env bash
# The load and fault benchmark of serve (Benchmarks/README.md, "serve on Redis Streams"): stream on the same rows in one
# file for scale, then serve_load.py in backlog mode with 1 and 2 workers, 2 with one killed, and in paced mode (rows
# arriving at 4,000/s) with 2 workers, one killed. JSON lines to Benchmarks/results/serve-load.jsonl, table rows to
# stdout. Needs redis-server and redis-cli >= 7 (apt-get install -y redis-server). About 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3; [[ -x $PY ]] || PY=python3
dotnet build Cli -c Release -v q -nologo >/dev/null
mkdir -p Benchmarks/results
out=Benchmarks/results/serve-load.jsonl; : >"$out"
run() { local r; r=$("$PY" Benchmarks/serve_load.py "$@"); grep '^{' <<<"$r" >>"$out"; grep '^|' <<<"$r"; }
echo "| load | sensors x rows | workers | rows/s | latency p50 / p99 ms | entries |"
echo "| --- | --- | --- | ---: | ---: | --- |"
run --workers 1 --label "backlog"
run --workers 2 --label "backlog"
run --workers 2 --kill --label "backlog"
run --workers 2 --rate 4000 --rows 60 --label "paced 4,000 rows/s"
run --workers 2 --rate 4000 --rows 60 --kill --label "paced 4,000 rows/s"
