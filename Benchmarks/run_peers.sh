#!/bin/bash
# Side by side in one run: `rnnengine bench` (threads 1 and 2), the PyTorch peer (its default threads, and 1) and, when
# built, the TorchSharp peer (2 and 1 threads; lstm and gru only) on the 9 peer cells (configs a, b, c x lstm, gru,
# gru-attn); prints a markdown table of ours / best peer ratios of the medians and each process's peak RSS.
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
TS=${TS:-../shared/peers/torchsharp/bin/Release/net10.0/TorchSharpPeer}
[[ -x $TS ]] || TS=/work/shared/peers/torchsharp/bin/Release/net10.0/TorchSharpPeer
[[ -x $TS ]] || echo "# TorchSharp peer not built (bash ../shared/peers/torchsharp/build.sh): its columns stay empty" >&2
# run WHO CELL CMD...: appends the command's JSON line tagged with who and cell, plus process_rss_mb, the process's
# peak resident set as /usr/bin/time sees it (the same measure for all three; ours also reports peak_rss_mb itself)
run() {
  local who=$1 cell=$2 line; shift 2
  line=$(/usr/bin/time -f %M -o "$OUT/rss" "$@" 2>/dev/null | grep '^{' | head -n 1) || true
  [[ -n $line ]] || { echo "# $who $cell: no JSON line" >&2; return 0; }
  echo "{\"who\":\"$who\",\"cell\":\"$cell\",\"process_rss_mb\":$(( $(tail -n 1 "$OUT/rss") / 1024 )),${line#\{}" >>"$ROWS"
}
for cell in "${CELLS[@]}"; do
  c=${cell%%-*}; arch=${cell#*-}
  # interleaved: ours and the peers alternate, so a load change on the machine hits all of them
  run ours-t1 "$cell" dotnet "$DLL" bench --arch "$arch" ${CFG[$c]} --device cpu --threads 1 --min-seconds "$MIN" $STEPS
  run peer-default "$cell" /usr/bin/python3 "$PEER" --arch "$arch" ${CFG[$c]} --min-seconds "$MIN" $STEPS
  # the TorchSharp peer has no gru-attn model (as in the acceptance check)
  [[ -x $TS && $arch != gru-attn ]] && run ts-t2 "$cell" "$TS" --arch "$arch" ${CFG[$c]} --threads 2 --min-seconds "$MIN" $STEPS
  run ours-t2 "$cell" dotnet "$DLL" bench --arch "$arch" ${CFG[$c]} --device cpu --threads 2 --min-seconds "$MIN" $STEPS
  run peer-t1 "$cell" /usr/bin/python3 "$PEER" --arch "$arch" ${CFG[$c]} --threads 1 --min-seconds "$MIN" $STEPS
  [[ -x $TS && $arch != gru-attn ]] && run ts-t1 "$cell" "$TS" --arch "$arch" ${CFG[$c]} --threads 1 --min-seconds "$MIN" $STEPS
  # no --threads: the probe picks (what the acceptance check runs)
  run ours-auto "$cell" dotnet "$DLL" bench --arch "$arch" ${CFG[$c]} --device cpu --min-seconds "$MIN" $STEPS
  echo "# $cell done" >&2
done
/usr/bin/python3 - "$ROWS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = [("train_windows_per_s", "train"), ("score_tf_windows_per_s", "score_tf"), ("score_free_windows_per_s", "score_free")]
# the probed run's threads for each metric's phase
phase_threads = {"train": "threads", "score_tf": "threads_score_tf", "score_free": "threads_score_free"}
whos = ("ours-t1", "ours-t2", "peer-default", "peer-t1", "ts-t2", "ts-t1", "ours-auto")
def get(cell, who):
    r = [x for x in rows if x["cell"] == cell and x["who"] == who]
    return r[0] if r else None
def ratio(a, b): return f"{a / b:.2f}x" if a and b else "-"
def num(x): return f"{x:,.0f}" if x else "-"
print("| cell | metric | ours t1 | ours t2 | PyTorch t2 | PyTorch t1 | TorchSharp t2 | TorchSharp t1 | ours / best peer | ours / PyTorch | ours / TorchSharp | ours probed (threads) | probed / best peer |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
worst = {}
for cell in dict.fromkeys(x["cell"] for x in rows):
    r = [get(cell, w) for w in whos]
    for k, name in keys:
        v = [(x or {}).get(k) or 0 for x in r[:6]]
        auto = (r[6] or {}).get(k) or 0
        ours, pt, ts = max(v[0:2]), max(v[2:4]), max(v[4:6])
        best = max(pt, ts)
        if name not in worst or (best and ours / best < worst[name][0]): worst[name] = (ours / best if best else 0, cell)
        print(f"| {cell} | {name} (windows/s) | " + " | ".join(num(x) for x in v)
              + f" | **{ratio(ours, best)}** | {ratio(ours, pt)} | {ratio(ours, ts)} | {num(auto)} ({(r[6] or {}).get(phase_threads[name], '-')}) | {ratio(auto, best)} |")
    rss = [(x or {}).get("process_rss_mb") for x in r]
    print(f"| {cell} | peak RSS of the process (MiB) | " + " | ".join(str(x) if x else "-" for x in rss[:6]) + f" | | | | {rss[6] or '-'} | |")
    if r[0] and r[2]:
        print(f"| {cell} | params, loss_first (ours, PyTorch) | {r[0]['params']}, {r[0]['loss_first']} | | {r[2]['params']}, {r[2]['loss_first']} | | | | | | | | |")
print()
print("worst cell per metric, ours / best peer: " + "; ".join(f"{n} {r:.2f}x ({c})" for n, (r, c) in worst.items()))
PY
echo "rows: $ROWS" >&2
