#!/usr/bin/env python3
"""Render bench/api results (meta.json + results.jsonl written by run.sh) as
Markdown; optionally replace the generated section of bench/README.md (between
the `<!-- api-results:begin -->` and `<!-- api-results:end -->` markers)."""
import argparse
import json
import re
import sys

BEGIN = "<!-- api-results:begin -->"
END = "<!-- api-results:end -->"

# OpenStack Ironic 21.4 on a 2-core machine (figures from the project's issue).
IRONIC = {
    "list": ("list 1,000 nodes (`GET /v1/nodes`)", 5, 11),
    "detail": ("`GET /v1/nodes/detail?limit=100`", 22, 50),
    "node": ("get one node (`GET /v1/nodes/{uuid}`)", 160, 340),
    "post": ("create nodes (`POST /v1/nodes`)", 65, 120),
}
IRONIC_RSS_MIB = (140, 590)
TARGET_FACTOR = 50

ROWS = [
    ("root", "`GET /` (version document, no database)"),
    ("list", "`GET /v1/nodes`"),
    ("list78", "`GET /v1/nodes`"),
    ("detail", "`GET /v1/nodes/detail?limit=100`"),
    ("detail78", "`GET /v1/nodes/detail?limit=100`"),
    ("node", "`GET /v1/nodes/{uuid}` (random of the N)"),
    ("node78", "`GET /v1/nodes/{uuid}` (random of the N)"),
    ("seed", "`POST /v1/nodes`: seeding 0 → N"),
    ("post", "`POST /v1/nodes`: sustained, on top of N"),
]


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_rate(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def fmt_ms(us):
    if us < 100:
        return f"{us:.0f} µs"
    ms = us / 1000.0
    if ms < 1:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms"


def fmt_mib(kb):
    return f"{kb / 1024:.1f} MiB"


def cpu_us(w):
    """Server CPU time per request in µs (0 when unknown)."""
    if "server_user_s" not in w or not w["requests"]:
        return 0
    return (w["server_user_s"] + w["server_sys_s"]) * 1e6 / w["requests"]


def cpu_per_req(w):
    return fmt_ms(cpu_us(w)) if cpu_us(w) else "–"


def db_cell(db):
    if not db:
        return "–"
    if "db_bytes" in db:
        return f"{db['db_bytes'] / 1048576:.1f} MiB + {db['wal_bytes'] / 1048576:.1f} MiB"
    return f"{db['bytes'] / 1048576:.1f} MiB (with the WAL)"


def rate(w):
    """req/s: for seeding, created nodes over the measured seeding time."""
    if w.get("seed_seconds", 0) > 0:
        return w["created"] / w["seed_seconds"]
    return w["rps"]


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def render(meta, recs):
    sizes = [int(s) for s in meta["sizes"].split()]
    wrk = {(r["size"], r["id"]): r for r in recs if r["kind"] == "wrk"}
    rss = {(r["size"], r["when"]): r for r in recs if r["kind"] == "rss"}
    starts = [r for r in recs if r["kind"] == "startup"]
    dbs = {r["size"]: r for r in recs if r["kind"] == "db"}
    lists = {r["size"]: r for r in recs if r["kind"] == "list_check"}
    out = []
    w = out.append

    w(f"Run of {meta['date']}: `{meta['command']}`")
    w("")
    w(f"- Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['mem_kb'] / 1048576:.1f} GiB RAM, Linux {meta['kernel']}; "
      f"load average at start {meta['load_start']}, at end {meta.get('load_end', '?')} (1/5/15 min).")
    w(f"- Conductor: build type {meta['build_type']} (`{meta['build_flags']}`), commit {meta['commit']}, "
      f"binary built {meta['binary_mtime']}; `api_workers` = 2 (default), SQLite WAL, `log_level = warning` unless noted.")
    w(f"- Load: {meta['wrk']}, `-t{meta['threads']} -c{meta['connections']} -d{meta['duration']} --latency --timeout 10s "
      f"-H 'Connection: keep-alive' -H 'X-OpenStack-Ironic-API-Version: …'`, on the same machine (it shares the CPUs with the server). "
      f"Each figure is a single run.")
    w("")

    # Throughput and latency.
    w("### Throughput and latency")
    w("")
    head = "| request | version |" + "".join(f" {fmt_int(n)} nodes: req/s | p50 | p99 | CPU/req |" for n in sizes) + " response |"
    w(head)
    w("|---|---|" + "---:|---:|---:|---:|" * len(sizes) + "---:|")
    for rid, label in ROWS:
        cells, body = [], ""
        version = None
        for n in sizes:
            r = wrk.get((n, rid))
            if r is None:
                cells.append(" – | – | – | – |")
                continue
            version = r["version"]
            cells.append(f" {fmt_rate(rate(r))} | {fmt_ms(r['p50_us'])} | {fmt_ms(r['p99_us'])} | {cpu_per_req(r)} |")
            if r["requests"]:
                body = f"{r['bytes'] / r['requests'] / 1024:,.1f} KiB"
        if version is None:
            continue
        w(f"| {label} | {version} |" + "".join(cells) + f" {body} |")
    w("")
    w("*CPU/req* is the conductor's user + system CPU time (from /proc/PID/stat, all threads) during the run divided by the "
      "requests: what one request costs the server, independent of how much CPU the load generator and other processes took; "
      "2,000 ms divided by it is what the 2 cores could serve if the server had them alone. "
      "*response* is the average answer size including headers. Seeding req/s is nodes created divided by the time from the "
      "first request to the last `201` (measured in the wrk script); the sustained POST runs for the whole duration on top "
      "of the N seeded nodes. Every run had 0 socket errors, 0 timeouts and only 2xx answers (the script fails otherwise), "
      "and a curl pre-flight checked that the server keeps the connection open.")
    for n in sizes:
        lc = lists.get(n)
        if lc:
            nxt = "with a `next` link" if lc["next"] else "without a `next` link"
            w(f"`GET /v1/nodes` at {fmt_int(n)} nodes returns {fmt_int(lc['items'])} nodes ({lc['bytes'] / 1024:,.0f} KiB) {nxt}"
              + (" (max_limit = 1000: the first page only)." if n > 1000 else "."))
    w("")

    # Logging cost.
    w("### Per-request logging (`log_level = info`, the default)")
    w("")
    w("| request | nodes | warning: req/s, p50, CPU/req | info: req/s, p50, CPU/req | req/s change | CPU/req change | log bytes/request |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        for base, info, label in (("root", "root-info", "`GET /`"), ("node", "node-info", "`GET /v1/nodes/{uuid}`")):
            a, b = wrk.get((n, base)), wrk.get((n, info))
            if not a or not b:
                continue
            change = (b["rps"] / a["rps"] - 1) * 100
            cpu_change = (cpu_us(b) / cpu_us(a) - 1) * 100 if cpu_us(a) else 0
            w(f"| {label} | {fmt_int(n)} | {fmt_rate(a['rps'])}, {fmt_ms(a['p50_us'])}, {cpu_per_req(a)} "
              f"| {fmt_rate(b['rps'])}, {fmt_ms(b['p50_us'])}, {cpu_per_req(b)} "
              f"| {change:+.0f} % | {cpu_change:+.0f} % | {b['log_bytes'] / b['requests']:.0f} |")
    w("")
    w("The info runs are separate runs a minute after the warning ones (the log goes to a file); req/s differences of "
      "±15 % are within this machine's noise, the CPU per request is the steadier measure.")
    w("")

    # Memory.
    w("### Memory (conductor VmRSS / VmHWM from /proc/PID/status)")
    w("")
    w("| nodes | at start | after seeding | after the GET runs (RSS / peak) | after the POST run, new process (RSS / peak) | database file + WAL after seeding |")
    w("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        def cell(when, peak=False):
            r = rss.get((n, when))
            if not r:
                return "–"
            return f"{fmt_mib(r['rss_kb'])} / {fmt_mib(r['hwm_kb'])}" if peak else fmt_mib(r["rss_kb"])
        db = dbs.get(n)
        w(f"| {fmt_int(n)} | {cell('at start (empty database)')} | {cell('after seeding')} | {cell('after GET load', True)} "
          f"| {cell('after POST load', True)} | {db_cell(db)} |")
    w("")

    # Start-up.
    w(f"### Start-up (exec → first `200` on `GET /`, {meta['starts']} starts each)")
    w("")
    w("| database | median | min – max | conductor CPU time when ready, median | RSS when ready | stop (SIGTERM → exit), median |")
    w("|---|---:|---:|---:|---:|---:|")
    for s in starts:
        stops = sorted(s["stop_ms"])
        cpus = sorted(s.get("cpu_ms", [])) or [float("nan")]
        label = re.sub(r"^(\d+) nodes$", lambda m: f"{int(m.group(1)):,} nodes", s["label"])
        w(f"| {label} | {s['median_ms']:.1f} ms | {s['min_ms']:.1f} – {s['max_ms']:.1f} ms | {cpus[len(cpus) // 2]:.0f} ms "
          f"| {fmt_mib(sorted(s['rss_kb'])[len(s['rss_kb']) // 2])} | {stops[len(stops) // 2]:.1f} ms |")
    w("")
    w("CPU time is counted in 10 ms clock ticks. Wall time above the CPU time is waiting for the CPUs (other processes) "
      "and the 1 ms polling of the helper.")
    w("")

    # Ironic comparison.
    n0 = 1000 if 1000 in sizes else sizes[0]
    w(f"### Against OpenStack Ironic 21.4 (2-core machine; Ingot at {fmt_int(n0)} nodes, 1.82)")
    w("")
    w(f"| measure | Ironic 21.4 | Ingot | Ingot ÷ Ironic | target ({TARGET_FACTOR}× Ironic's best) | met? | CPU ceiling: 2,000 ms ÷ CPU/req |")
    w("|---|---:|---:|---:|---:|---|---:|")
    for rid, (label, lo, hi) in IRONIC.items():
        r = wrk.get((n0, rid))
        if not r:
            continue
        v = rate(r)
        target = TARGET_FACTOR * hi
        verdict = "yes" if v >= target else f"**no** ({v / target:.0%} of target)"
        ceiling = f"{fmt_int(2e6 / cpu_us(r))}" if cpu_us(r) else "–"
        w(f"| {label}, req/s | {lo}–{hi} | {fmt_rate(v)} | {v / hi:,.0f}–{v / lo:,.0f}× | ≥ {fmt_int(target)} | {verdict} | {ceiling} |")
    peak = max((r["hwm_kb"] for r in rss.values()), default=0)
    peak_n0 = max((r["hwm_kb"] for (n, _), r in rss.items() if n == n0), default=0)
    lo, hi = IRONIC_RSS_MIB
    for label, kb in ((f"RSS, peak at {fmt_int(n0)} nodes", peak_n0), ("RSS, peak of the whole run", peak)):
        mib = kb / 1024
        if mib <= lo / 10:
            verdict = "yes"
        elif mib <= hi / 10:
            verdict = f"**no** against {lo / 10:.0f} MiB; yes against {hi / 10:.0f} MiB (a tenth of {hi})"
        else:
            verdict = "**no**"
        w(f"| {label} | {lo}–{hi} MiB | {mib:.1f} MiB | {lo / mib:.0f}–{hi / mib:.0f}× less | ≤ {lo / 10:.0f} MiB (a tenth of {lo}) | {verdict} | |")
    w("")
    w("*CPU ceiling* is the rate the two cores would give if the conductor had them entirely (no wrk, no other work): "
      "an upper bound, not a measurement.")
    w("")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meta", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--readme")
    args = ap.parse_args()
    with open(args.meta) as f:
        meta = json.load(f)
    md = render(meta, load(args.results))
    with open(args.out, "w") as f:
        f.write(md)
    sys.stdout.write(md)
    if args.readme:
        try:
            with open(args.readme) as f:
                text = f.read()
        except FileNotFoundError:
            text = "# Benchmarks\n\n"
        block = f"{BEGIN}\n{md}{END}"
        if BEGIN in text and END in text:
            text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
        with open(args.readme, "w") as f:
            f.write(text)
        print(f"report.py: results written into {args.readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
