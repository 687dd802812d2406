#!/bin/bash
# One GPU session (about 4 minutes on an H200): cuda gradchecks, GEMM (checked against float64) next to torch.mm,
# and the end-to-end bench next to the cuDNN peer. The GPU machine has no .NET, so it runs a bundle:
#   bash ../shared/tools/device-bundle.sh Cli/Cli.csproj .bundle; mkdir -p .gpu; cp ../shared/peers/torch_seq_ae.py .gpu/
#   then, there (with .bundle and .gpu carried): bash Benchmarks/run_cuda.sh   (results also under $OUT)
cd "$(dirname "$0")/.."
R="bash .bundle/run.sh"; O=${OUT:-/tmp/out}; PEER=${PEER:-.gpu/torch_seq_ae.py}; mkdir -p $O
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader
$R devices 2>&1 | tee $O/devices.txt
echo "== gradcheck cuda"
timeout 150 $R gradcheck --device cuda --json > $O/gc-cuda.jsonl 2> $O/gc-cuda.err; echo "rc=$? t=${SECONDS}s"; tail -3 $O/gc-cuda.err
python3 - $O/gc-cuda.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bad = [r for r in rows if not r["pass"]]
print(f"cuda gradcheck: {len(rows)-len(bad)}/{len(rows)} pass")
for r in bad: print("FAIL", r["name"], r["detail"])
PY
echo "== gemm t=${SECONDS}s"
for s in "33 65 17" "64 256 64" "128 512 128" "64 1024 256" "1000 999 1001" "1024 1024 1024" "4096 4096 4096"; do
  set -- $s; timeout 60 $R bench gemm --m $1 --n $2 --k $3 --device cuda --check
done 2>&1 | tee $O/gemm.jsonl
python3 - <<'PY' | tee $O/torch-mm.txt
import torch
torch.backends.cuda.matmul.allow_tf32 = False
for m, n, k in [(64,256,64),(128,512,128),(64,1024,256),(1000,999,1001),(1024,1024,1024),(4096,4096,4096)]:
    a = torch.rand(m, k, device="cuda") - 0.5; b = torch.rand(k, n, device="cuda") - 0.5; c = torch.empty(m, n, device="cuda")
    for _ in range(5): torch.mm(a, b, out=c)
    ts = []
    for _ in range(50):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record(); torch.mm(a, b, out=c); e.record(); torch.cuda.synchronize(); ts.append(s.elapsed_time(e))
    ts.sort(); ms = ts[len(ts)//2]
    print(f'{{"op":"torch.mm fp32 (cuBLAS, tf32 off)","m":{m},"n":{n},"k":{k},"ms":{ms:.4f},"gflops":{2*m*n*k/ms/1e6:.1f}}}')
PY
echo "== end to end t=${SECONDS}s"
declare -A CFG=([a]="--features 25 --window 100 --hidden 64 --batch 64 --layers 1"
                [b]="--features 1 --window 96 --hidden 32 --batch 32 --layers 1"
                [c]="--features 51 --window 60 --hidden 128 --batch 128 --layers 2")
for c in a b c; do for arch in lstm gru gru-attn; do
  [[ $SECONDS -gt 420 ]] && { echo "skip $c-$arch (time)"; continue; }
  timeout 45 $R bench --arch $arch ${CFG[$c]} --device cuda --min-seconds 1 --check 2>>$O/bench.err | grep '^{' | sed "s/^{/{\"who\":\"ours\",\"cell\":\"$c-$arch\",/"
  timeout 45 python3 "$PEER" --arch $arch ${CFG[$c]} --device cuda --min-seconds 1 2>>$O/peer.err | grep '^{' | sed "s/^{/{\"who\":\"cudnn-peer\",\"cell\":\"$c-$arch\",/"
done; done | tee $O/e2e.jsonl
tail -5 $O/bench.err
echo "done t=${SECONDS}s"
