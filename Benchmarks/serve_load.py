#!/usr/bin/env python3
"""Load and fault benchmark of `rnnengine serve` on Redis Streams (a benchmark, not a test).

S sensors x R rows of a sine family (every tenth sensor with a level shift) go to one input stream, W worker processes
of one consumer group score them on this machine, and with --kill one worker is killed with SIGKILL once half the rows
are answered and a fresh one is started. Two ways to load it:
  backlog (--rate 0): every row is published first, then the workers start; throughput = rows / time to drain.
  paced (--rate N): the workers run first and rows arrive at N rows/s (row i of every sensor, then row i + 1);
                    latency = output entry time - input entry time (both Redis stream ids, the server's clock).
Prints one JSON line and a markdown table row; checks that every (sensor, index) was answered exactly once.
Needs redis-server and redis-cli (>= 7) on PATH, and the CLI built (dotnet build Cli -c Release).
"""
import argparse, glob, json, math, os, random, signal, socket, subprocess, sys, tempfile, time

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--sensors", type=int, default=1000)
p.add_argument("--rows", type=int, default=200)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--rate", type=float, default=0, help="rows/s for the paced mode (0: backlog)")
p.add_argument("--kill", action="store_true", help="SIGKILL worker 1 at half way and start another")
p.add_argument("--claim-idle", type=int, default=5000, help="serve --claim-idle (ms)")
p.add_argument("--batch", type=int, default=2000, help="serve --batch")
p.add_argument("--label", default="")
a = p.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dll = sorted(glob.glob(os.path.join(root, "Cli/bin/Release/net*/rnnengine.dll")))
if not dll: sys.exit("build the CLI first: dotnet build Cli -c Release")
CLI = ["dotnet", dll[-1]]
tmp = tempfile.mkdtemp(prefix="serve-load-")

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                          "--dir", tmp, "--logfile", os.path.join(tmp, "redis.log")])
procs = []

def R(*args, json_out=False):
    cmd = ["redis-cli", "-h", "127.0.0.1", "-p", str(port)] + (["--json"] if json_out else []) + list(map(str, args))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out) if json_out else out.strip()

def cleanup():
    for pr in procs:
        if pr.poll() is None: pr.kill()
    redis.terminate(); redis.wait()

try:
    for _ in range(100):
        try:
            if R("ping") == "PONG": break
        except subprocess.CalledProcessError: pass
        time.sleep(0.1)

    # --- model and rows (as the acceptance check generates them) ---
    random.seed(3)
    with open(f"{tmp}/train.csv", "w") as f:
        f.write("temp,flow\n")
        for i in range(3000):
            f.write(f"{math.sin(i/9)+0.05*random.gauss(0,1):.5f},{math.cos(i/13)+0.05*random.gauss(0,1):.5f}\n")
    subprocess.run(CLI + ["train", "--data", f"{tmp}/train.csv", "--columns", "temp,flow", "--model", "lstm-ae", "--window", "16",
                          "--hidden", "8", "--epochs", "2", "--device", "cpu", "--out", f"{tmp}/m.model", "--quiet"],
                   check=True, capture_output=True)
    names = [f"s{k:04d}" for k in range(a.sensors)]
    def resp(*args):
        return "*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(x.encode()), x) for x in args)
    def row_block(i):   # row i of every sensor, as RESP XADD commands
        out = []
        for k, name in enumerate(names):
            rnd = random.Random(1000 * a.rows + k * 7919 + i)
            shift = 2.5 if k % 10 == 0 and 150 <= i < 165 else 0.0
            t = math.sin(i / 9 + k) + shift + 0.05 * rnd.gauss(0, 1)
            fl = math.cos(i / 13 + k) + 0.05 * rnd.gauss(0, 1)
            out.append(resp("XADD", "in", "*", "sensor", name, "index", str(i), "temp", f"{t:.5f}", "flow", f"{fl:.5f}"))
        return "".join(out).encode()

    total = a.sensors * a.rows
    R("XGROUP", "CREATE", "in", "scorers", "0", "MKSTREAM")
    def start_worker(name):
        pr = subprocess.Popen(CLI + ["serve", "--redis", f"127.0.0.1:{port}", "--input", "in", "--group", "scorers", "--consumer", name,
                                     "--model", f"{tmp}/m.model", "--output", "out", "--claim-idle", str(a.claim_idle),
                                     "--batch", str(a.batch), "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/{name}.log", "w"))
        procs.append(pr)
        return pr

    pipe = subprocess.Popen(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    if a.rate <= 0:
        for i in range(a.rows): pipe.stdin.write(row_block(i))
        pipe.stdin.close(); pipe.wait()
        t0 = time.time()
        workers = [start_worker(f"w{k + 1}") for k in range(a.workers)]
    else:
        workers = [start_worker(f"w{k + 1}") for k in range(a.workers)]
        time.sleep(3)   # the workers' start-up is not part of the latency
        t0 = time.time()
    # publish (paced) while watching the output, kill at half way
    killed_at = None
    next_row = 0 if a.rate > 0 else a.rows
    deadline = time.time() + 3600
    while time.time() < deadline:
        if next_row < a.rows and (next_row * a.sensors) / a.rate <= time.time() - t0:
            pipe.stdin.write(row_block(next_row)); pipe.stdin.flush(); next_row += 1
            continue
        if next_row == a.rows and a.rate > 0 and not pipe.stdin.closed:
            pipe.stdin.close(); pipe.wait()
        n = int(R("XLEN", "out"))
        if a.kill and killed_at is None and n >= total // 2:
            workers[0].send_signal(signal.SIGKILL); workers[0].wait()
            killed_at = n
            workers.append(start_worker(f"w{len(workers) + 1}"))
        if n >= total: break
        time.sleep(0.05)
    t_done = time.time()

    # --- every entry of both streams: exactly once, latency from the stream ids ---
    def read(key):
        start, out = "-", []
        while True:
            page = R("XRANGE", key, start, "+", "COUNT", "20000", json_out=True)
            for eid, f in page:
                f = f if isinstance(f, dict) else dict(zip(f[::2], f[1::2]))
                out.append((int(eid.split("-")[0]), f["sensor"], f["index"]))
            if len(page) < 20000: return out
            start = "(" + page[-1][0]
    # the server's own cost per answered row, by command (before reading the streams back, which costs it too)
    stats = {}
    for line in R("INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_"):
            name, rest = line[8:].split(":", 1)
            f = dict(kv.split("=") for kv in rest.split(","))
            stats[name] = int(f["usec"])
    redis_cpu = {k: round(v / total, 2) for k, v in sorted(stats.items(), key=lambda kv: -kv[1]) if v / total >= 0.05}
    sent = {(s_, i_): ms for ms, s_, i_ in read("in")}
    answered = read("out")
    seen, lat = {}, []
    for ms, s_, i_ in answered:
        seen[(s_, i_)] = seen.get((s_, i_), 0) + 1
        lat.append(ms - sent[(s_, i_)])
    lat.sort()
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] if lat else float("nan")
    drain_s = (max(ms for ms, _, _ in answered) - min(sent.values())) / 1000 if a.rate > 0 else t_done - t0
    res = {
        "label": a.label, "sensors": a.sensors, "rows": a.rows, "workers": a.workers, "mode": "paced" if a.rate > 0 else "backlog",
        "rate": a.rate, "killed_at": killed_at, "entries": len(answered), "missing": len(set(sent) - set(seen)),
        "repeated": sum(c - 1 for c in seen.values()), "rows_per_s": round(len(seen) / drain_s),
        # in the backlog mode every row waits for the workers to start: no latency to speak of
        "latency_ms_p50": q(0.5) if a.rate > 0 else None, "latency_ms_p99": q(0.99) if a.rate > 0 else None,
        "latency_ms_max": lat[-1] if lat and a.rate > 0 else None,
        "pending": R("XPENDING", "in", "scorers").splitlines()[0],
        # includes loading the input (xadd) and, in the paced mode, everything the publisher does
        "redis_us_per_row": redis_cpu,
    }
    print(json.dumps(res))
    latency = f"{res['latency_ms_p50']:,} / {res['latency_ms_p99']:,}" if a.rate > 0 else "-"
    print(f"| {a.label or res['mode']} | {a.sensors} x {a.rows} | {a.workers}{' (1 killed)' if killed_at else ''} | "
          f"{res['rows_per_s']:,} | {latency} | "
          f"{res['entries']:,} ({res['missing']} missing, {res['repeated']} repeated) |")
finally:
    cleanup()
