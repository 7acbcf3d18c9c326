#!/usr/bin/env python3
"""Helpers of bench/fleet/run.sh (see bench/README.md).

  fleet.py wait --base URL --state S --transient "a,b" --expect N [--timeout 900] [--poll 0.02]
      After every provision PUT of a phase was accepted: polls
      GET /v1/nodes?provision_state=T&fields=uuid&limit=1 for each transient
      state T until none is left, then reads every node (fields uuid,
      provision_state, target_provision_state, last_error, reservation,
      provision_updated_at; all pages) and prints one JSON object:
        {"seen_done": epoch when the poll first saw no transient node,
         "server_done": latest provision_updated_at of the nodes (epoch),
         "nodes": N read, "in_state": how many are in S, settled, unlocked,
         "states": {state: count}, "errors": nodes with last_error, "sample": one odd node}
      Exit status 1 if not every node is in S (settled, no last_error).

  fleet.py report --meta meta.json --results results.jsonl --out results.md [--readme README.md]
      Renders the Markdown report; with --readme replaces the text between
      <!-- fleet-results:begin --> and <!-- fleet-results:end -->.
"""
import argparse
import datetime
import http.client
import json
import re
import sys
import time
import urllib.parse

BEGIN = "<!-- fleet-results:begin -->"
END = "<!-- fleet-results:end -->"

# From the project's issue: OpenStack Ironic 21.4, 2-core machine, fake hardware.
IRONIC_100_TO_ACTIVE_S = (6, 10)
IRONIC_PUTS_PER_S = (10, 20)

PHASES = [
    ("manage", "enroll → manageable", "`manage`"),
    ("provide", "manageable → available (automated clean)", "`provide`"),
    ("deploy", "available → active", "`active`"),
    ("undeploy", "active → available (tear down + automated clean)", "`deleted`"),
]


class Api:
    def __init__(self, base, version):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.version = version
        self.conn = None

    def get(self, path):
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request("GET", path, headers={
                    "Connection": "keep-alive", "X-OpenStack-Ironic-API-Version": self.version})
                r = self.conn.getresponse()
                body = r.read()
                if r.status != 200:
                    raise RuntimeError(f"GET {path} answered {r.status}: {body[:300]!r}")
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return json.loads(body)
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def epoch(iso):
    return datetime.datetime.fromisoformat(iso).timestamp()


def cmd_wait(a):
    api = Api(a.base, a.version)
    transient = [s for s in a.transient.split(",") if s]
    deadline = time.time() + a.timeout
    seen_done = None
    while True:
        busy = False
        for state in transient:
            q = urllib.parse.urlencode({"provision_state": state, "fields": "uuid", "limit": 1})
            if api.get("/v1/nodes?" + q)["nodes"]:
                busy = True
                break
        if not busy:
            seen_done = time.time()
            break
        if time.time() > deadline:
            break
        time.sleep(a.poll)

    fields = "uuid,provision_state,target_provision_state,last_error,reservation,provision_updated_at"
    path = "/v1/nodes?" + urllib.parse.urlencode({"fields": fields, "limit": 1000})
    nodes = []
    while path:
        page = api.get(path)
        nodes.extend(page["nodes"])
        nxt = page.get("next")
        path = None
        if nxt:
            u = urllib.parse.urlsplit(nxt)
            path = u.path + ("?" + u.query if u.query else "")
    states, errors, ok, latest, sample = {}, 0, 0, 0.0, None
    for n in nodes:
        s = n.get("provision_state")
        states[s] = states.get(s, 0) + 1
        if n.get("last_error"):
            errors += 1
        good = (s == a.state and n.get("target_provision_state") is None and n.get("reservation") is None
                and not n.get("last_error"))
        ok += good
        if not good and sample is None:
            sample = n
        if n.get("provision_updated_at"):
            latest = max(latest, epoch(n["provision_updated_at"]))
    out = {"seen_done": seen_done, "server_done": latest, "nodes": len(nodes), "in_state": ok,
           "states": states, "errors": errors, "sample": sample}
    print(json.dumps(out))
    return 0 if (seen_done is not None and ok == a.expect and len(nodes) == a.expect) else 1


# ---------------------------------------------------------------- report

def fmt_s(s):
    if s is None:
        return "–"
    if s < 10:
        return f"{s:.2f} s"
    return f"{s:.1f} s"


def fmt_ms(us):
    ms = us / 1000.0
    if ms < 1:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:,.0f} ms"


def fmt_rate(x):
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def fmt_int(x):
    return f"{x:,}"


def mib(kb):
    return f"{kb / 1024:.1f} MiB"


def render(meta, records):
    by_kind = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r)
    sizes = [int(s) for s in meta["sizes"].split()]
    out = []
    out.append(f"Run of {meta['date']}: `{meta['command']}`")
    out.append("")
    out.append(f"- Machine: {meta['nproc']} CPUs ({meta['cpu'].split()[0] if meta['cpu'] else 'unknown'}"
               f"{' ' + meta['cpu'].split()[1] if len(meta['cpu'].split()) > 1 else ''}), "
               f"{meta['mem_kb'] / 1048576:.1f} GiB RAM, Linux {meta['kernel']}; load average at start "
               f"{meta['load_start']}, at end {meta.get('load_end', '?')} (1/5/15 min).")
    out.append(f"- Conductor: build type {meta['build_type']} (`{meta['build_flags'].strip()}`), commit "
               f"{meta['commit']}, binary built {meta['binary_mtime']}; `[conductor] max_concurrent_deploy = "
               f"{meta['max_concurrent_deploy']}`, `workers_pool_size` = {meta['workers_pool_size']} (default), "
               f"`automated_clean` = true (default), `[api] api_workers` = 2 (default), `log_level = warning`.")
    out.append(f"- Load: {meta['wrk']} with `lua/provision.lua`, {meta['threads']} threads × 1 keep-alive "
               f"connection each, every node's PUT sent back to back, 409/503 retried after 1–32 ms; "
               f"latency probe: `GET /v1/nodes/{{uuid}}` of a random node, one connection, "
               f"{meta['probe_delay_ms']} ms between requests. All on the same 2 CPUs as the conductor.")
    out.append("")
    out.append("| nodes | phase | wall time: first PUT → last node settled | nodes/s | PUT stage: time, accepted/s |"
               " 503 / 409 retried | conductor CPU: all (HTTP threads + rest) | CPU/node |"
               " read / write syscalls per node | probe `GET /v1/nodes/{uuid}` p50 / p99 / max (n) | load before |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        seed = [r for r in by_kind.get("seed", []) if r["size"] == n]
        if seed:
            s = seed[0]
            dur = s["t_last"] - s["t_first"]
            out.append(f"| {fmt_int(n)} | create (`POST /v1/nodes`) | {fmt_s(dur)} | {fmt_rate(n / dur)} | "
                       f"{fmt_s(dur)}, {fmt_rate(n / dur)} | {s['unavailable']} / {s['conflict']} | "
                       f"{s['cpu_s']:.1f} s | {s['cpu_s'] * 1000 / n:.2f} ms | – | – | – |")
        for key, label, _ in PHASES:
            ph = [r for r in by_kind.get("phase", []) if r["size"] == n and r["phase"] == key]
            if not ph:
                continue
            p = ph[0]
            wall = p["server_done"] - p["t_first"]
            put = p["t_last"] - p["t_first"]
            pr = p.get("probe") or {}
            probe = (f"{fmt_ms(pr['p50_us'])} / {fmt_ms(pr['p99_us'])} / {fmt_ms(pr['lat_max_us'])} "
                     f"({fmt_int(pr['requests'])})") if pr.get("requests") else "–"
            io = f"{p['syscr'] / n:.0f} / {p['syscw'] / n:.0f}" if "syscr" in p else "–"
            out.append(f"| {fmt_int(n)} | {label} | **{fmt_s(wall)}** | {fmt_rate(n / wall)} | "
                       f"{fmt_s(put)}, {fmt_rate(n / put)} | {fmt_int(p['unavailable'])} / {fmt_int(p['conflict'])} | "
                       f"{p['cpu_s']:.1f} s ({p.get('cpu_api_s', 0):.1f} + {p['cpu_s'] - p.get('cpu_api_s', 0):.1f}) | "
                       f"{p['cpu_s'] * 1000 / n:.2f} ms | {io} | {probe} | {p.get('load_before', '')} |")
    out.append("")
    out.append("*wall time* runs from the first provision PUT (the client's clock) to the latest "
               "`provision_updated_at` among the N nodes (the conductor's clock, same machine) once the poller saw "
               "no node left in a transient state; every node was then checked: in the expected state, no target, "
               "no reservation, no `last_error` (the script fails otherwise). *PUT stage* is first PUT → last "
               "accepted answer (202). *503 / 409 retried*: answers that made the client send that node's PUT "
               "again (503: the worker pool and its queue were full; 409: the node was locked). *CPU/node* is the "
               "conductor's user + system CPU time during the phase divided by N; the HTTP threads (`ingot-api`) run "
               "the PUT handlers, the rest is mostly the pool workers running the transitions. *load before*: "
               "the 1/5/15-minute load averages just before the phase (the machine is shared). *read / write "
               "syscalls* are the conductor's `syscr` / `syscw` from /proc/PID/io during the phase divided by N: "
               "mostly `pread64` of database pages SQLite does not have in its cache, and WAL `pwrite64`s.")
    out.append("")
    idle = [r for r in by_kind.get("probe_idle", [])]
    if idle:
        cells = ", ".join(f"{fmt_int(r['size'])} nodes: p50 {fmt_ms(r['p50_us'])}, p99 {fmt_ms(r['p99_us'])}"
                          for r in idle)
        out.append(f"Probe on the idle conductor (3 s, before the phases): {cells}.")
        out.append("")
    rss = by_kind.get("rss", [])
    if rss:
        out.append("| nodes | VmRSS / VmHWM after seeding | after manage | after provide | after deploy | after undeploy |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        for n in sizes:
            row = {r["when"]: r for r in rss if r["size"] == n}
            cells = []
            for w in ["seeded", "manage", "provide", "deploy", "undeploy"]:
                r = row.get(w)
                cells.append(f"{mib(r['rss_kb'])} / {mib(r['hwm_kb'])}" if r else "–")
            out.append(f"| {fmt_int(n)} | " + " | ".join(cells) + " |")
        out.append("")
    dbs = by_kind.get("db", [])
    if dbs:
        out.append("Database after the run: " + "; ".join(
            f"{fmt_int(d['size'])} nodes: {mib(d['db_bytes'] / 1024)} + WAL {mib(d['wal_bytes'] / 1024)}"
            f", {fmt_int(d['history_rows'])} history rows" for d in dbs) + ".")
        out.append("")
    # Against Ironic.
    out.append("### Against OpenStack Ironic 21.4 (fake hardware, 2-core machine)")
    out.append("")
    out.append("| measure | Ironic 21.4 | Ingot | goal | met? |")
    out.append("|---|---:|---:|---|---|")
    for n in sizes:
        dep = [r for r in by_kind.get("phase", []) if r["size"] == n and r["phase"] == "deploy"]
        if not dep:
            continue
        p = dep[0]
        wall = p["server_done"] - p["t_first"]
        put_rate = n / (p["t_last"] - p["t_first"])
        if n >= 10000:
            met = "**yes**" if wall < IRONIC_100_TO_ACTIVE_S[0] else "**no**"
            out.append(f"| available → active, {fmt_int(n)} nodes | 100 nodes: {IRONIC_100_TO_ACTIVE_S[0]}–"
                       f"{IRONIC_100_TO_ACTIVE_S[1]} s | {fmt_s(wall)} | < {IRONIC_100_TO_ACTIVE_S[0]} s "
                       f"(10,000 nodes faster than Ironic's 100) | {met} |")
        else:
            out.append(f"| available → active, {fmt_int(n)} nodes | 100 nodes: {IRONIC_100_TO_ACTIVE_S[0]}–"
                       f"{IRONIC_100_TO_ACTIVE_S[1]} s | {fmt_s(wall)} | – | – |")
        out.append(f"| provision PUTs accepted per second ({fmt_int(n)} nodes) | {IRONIC_PUTS_PER_S[0]}–"
                   f"{IRONIC_PUTS_PER_S[1]} | {fmt_rate(put_rate)} | – | {put_rate / IRONIC_PUTS_PER_S[1]:,.0f}–"
                   f"{put_rate / IRONIC_PUTS_PER_S[0]:,.0f}× Ironic |")
    tot = []
    for n in sizes:
        ph = {r["phase"]: r for r in by_kind.get("phase", []) if r["size"] == n}
        if all(k in ph for k in ("manage", "provide", "deploy")):
            total = sum(ph[k]["server_done"] - ph[k]["t_first"] for k in ("manage", "provide", "deploy"))
            tot.append(f"{fmt_int(n)} nodes {fmt_s(total)}")
    if tot:
        out.append("")
        out.append("enroll → active in three steps (manage, provide, deploy; sum of the three wall times): "
                   + ", ".join(tot) + ".")
    out.append("")
    return "\n".join(out)


def cmd_report(a):
    meta = json.load(open(a.meta))
    records = [json.loads(line) for line in open(a.results) if line.strip()]
    text = render(meta, records)
    with open(a.out, "w") as f:
        f.write(text + "\n")
    print(text)
    if a.readme:
        readme = open(a.readme).read()
        block = BEGIN + "\n" + text + "\n" + END
        if BEGIN in readme and END in readme:
            readme = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: block, readme, flags=re.S)
        else:
            readme = readme.rstrip("\n") + "\n\n" + block + "\n"
        with open(a.readme, "w") as f:
            f.write(readme)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait")
    w.add_argument("--base", required=True)
    w.add_argument("--version", default="1.82")
    w.add_argument("--state", required=True)
    w.add_argument("--transient", required=True)
    w.add_argument("--expect", type=int, required=True)
    w.add_argument("--timeout", type=float, default=900)
    w.add_argument("--poll", type=float, default=0.02)
    r = sub.add_parser("report")
    r.add_argument("--meta", required=True)
    r.add_argument("--results", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--readme")
    a = p.parse_args()
    return cmd_wait(a) if a.cmd == "wait" else cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
