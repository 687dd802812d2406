#!/bin/bash
# Side by side in one run: `rnnengine bench` (threads 1 and 2) and the PyTorch peer (its default threads, and 1) on
# the 9 peer cells (configs a, b, c x lstm, gru, gru-attn); prints a markdown table of ours/peer ratios of the medians.
# Usage (from the repository root): bash Benchmarks/run_peers.sh [MIN_SECONDS] [CELLS...]   e.g. run_peers.sh 3 a-lstm c-gru
# Needs /usr/bin/python3 with torch (apt-get install python3-torch libopenblas0-pthread). Builds Release once, stops
# the build servers (they keep a core busy), then runs the built dll (never `dotnet run`).
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${1:-3}; shift || true
PEER=${PEER:-../shared/peers/torch_seq_ae.py}
[[ -f $PEER ]] || PEER=/work/shared/peers/torch_seq_ae.py
OUT=${OUT:-$(mktemp -d)}
# timed steps at least (both sides; the acceptance check uses 10): the time floor is --min-seconds
STEPS=${STEPS:-"--steps 10 --score-steps 10"}
if [[ -z ${NO_BUILD:-} ]]; then
  dotnet build Cli -c Release -v q -nologo --disable-build-servers >/dev/null
  dotnet build-server shutdown >/dev/null 2>&1 || true
  sleep 5
fi
DLL=Cli/bin/Release/net10.0/rnnengine.dll
declare -A CFG=([a]="--features 25 --window 100 --hidden 64 --batch 64 --layers 1"
                [b]="--features 1 --window 96 --hidden 32 --batch 32 --layers 1"
                [c]="--features 51 --window 60 --hidden 128 --batch 128 --layers 2")
CELLS=("$@")
[[ ${#CELLS[@]} -gt 0 ]] || CELLS=(a-lstm a-gru a-gru-attn b-lstm b-gru b-gru-attn c-lstm c-gru c-gru-attn)
mkdir -p "$OUT"; ROWS="$OUT/rows.jsonl"; : >"$ROWS"
tag() { sed -n "s/^{/{\"who\":\"$1\",\"cell\":\"$2\",/p" | head -1 >>"$ROWS"; }
for cell in "${CELLS[@]}"; do
  c=${cell%%-*}; arch=${cell#*-}
  # interleaved: ours and the peer alternate, so a load change on the machine hits both
  dotnet "$DLL" bench --arch "$arch" ${CFG[$c]} --device cpu --threads 1 --min-seconds "$MIN" $STEPS 2>/dev/null | tag ours-t1 "$cell"
  /usr/bin/python3 "$PEER" --arch "$arch" ${CFG[$c]} --min-seconds "$MIN" $STEPS 2>/dev/null | tag peer-default "$cell"
  dotnet "$DLL" bench --arch "$arch" ${CFG[$c]} --device cpu --threads 2 --min-seconds "$MIN" $STEPS 2>/dev/null | tag ours-t2 "$cell"
  /usr/bin/python3 "$PEER" --arch "$arch" ${CFG[$c]} --threads 1 --min-seconds "$MIN" $STEPS 2>/dev/null | tag peer-t1 "$cell"
  echo "# $cell done" >&2
done
/usr/bin/python3 - "$ROWS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = [("train_windows_per_s", "train"), ("score_tf_windows_per_s", "score_tf"), ("score_free_windows_per_s", "score_free")]
def get(cell, who):
    r = [x for x in rows if x["cell"] == cell and x["who"] == who]
    return r[0] if r else None
print("| cell | metric (windows/s) | ours t1 | ours t2 | peer default (t2) | peer t1 | best ours / best peer |")
print("|---|---|---|---|---|---|---|")
worst = {}
for cell in dict.fromkeys(x["cell"] for x in rows):
    o1, o2, p2, p1 = (get(cell, w) for w in ("ours-t1", "ours-t2", "peer-default", "peer-t1"))
    for k, name in keys:
        v = [(r or {}).get(k) or 0 for r in (o1, o2, p2, p1)]
        ours, peer = max(v[0], v[1]), max(v[2], v[3])
        ratio = ours / peer if peer else float("nan")
        if name not in worst or ratio < worst[name][0]: worst[name] = (ratio, cell)
        print(f"| {cell} | {name} | {v[0]:,.0f} | {v[1]:,.0f} | {v[2]:,.0f} | {v[3]:,.0f} | **{ratio:.2f}x** |")
    if o1 and p2:
        print(f"| {cell} | params, loss_first (ours / peer) | {o1['params']}, {o1['loss_first']} | | {p2['params']}, {p2['loss_first']} | | |")
print()
print("worst cell per metric: " + "; ".join(f"{n} {r:.2f}x ({c})" for n, (r, c) in worst.items()))
PY
echo "rows: $ROWS" >&2
