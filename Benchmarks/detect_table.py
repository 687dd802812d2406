"""Markdown tables from detect-bench's JSON lines: per family, then per series (used by run_detect_bench.sh)."""
import json
import sys

rows, summary = [], None
for line in open(sys.argv[1]):
    if line.startswith("SUMMARY "):
        summary = json.loads(line[8:])
    elif line.strip():
        rows.append(json.loads(line))

def cell(d, key):
    v = (d or {}).get(key)
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

print(f"flags: {summary.get('extra') or '(CLI defaults)'}; beats both baselines on "
      f"{sum(bool(r.get('model_beats_baselines')) for r in rows)}/{len(rows)} series\n")
print("| family | series | model AUC-PR | raw z | T^2 | model event F1 | raw z event F1 | T^2 event F1 | model beats both |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for kind in ("smap_msl", "smd", "ucr", "nab"):
    s = summary.get(kind)
    if not s:
        continue
    print(f"| {kind} | {s['n']} | {cell(s.get('model'), 'auc_pr')} | {cell(s.get('raw'), 'auc_pr')} | {cell(s.get('t2'), 'auc_pr')} | "
          f"{cell(s.get('model'), 'event_f1')} | {cell(s.get('raw'), 'event_f1')} | {cell(s.get('t2'), 'event_f1')} | {s.get('model_beats_baselines', '-')} |")
print()
print("| series | rows train / test | model AUC-PR | raw z | T^2 | model ROC AUC | model F1 (own threshold) | flagged / anomalous rows | seconds |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    m = r.get("model", {})
    name = f"{r['set']}/{r['series']}"
    if "error" in m:
        print(f"| {name} | {r['train_rows']} / {r['test_rows']} | error: {m['error'][:80]} | {cell(r.get('raw'), 'auc_pr')} | {cell(r.get('t2'), 'auc_pr')} | | | | |")
        continue
    mark = " **" if r.get("model_beats_baselines") else ""
    print(f"| {name} | {r['train_rows']} / {r['test_rows']} | {mark.strip()}{cell(m, 'auc_pr')}{mark.strip()} | {cell(r.get('raw'), 'auc_pr')} | "
          f"{cell(r.get('t2'), 'auc_pr')} | {cell(m, 'roc_auc')} | {cell(m, 'f1')} | {m.get('flagged', '-')} / {r['anomalous_rows']} | {m.get('seconds', '-')} |")
