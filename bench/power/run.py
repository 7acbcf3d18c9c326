#!/usr/bin/python3
"""bench/power: power-status throughput of the conductor's power sync against
real BMCs, 100 nodes with one BMC each (see bench/README.md, bench/power).

For each BMC kind it starts N BMC processes on loopback (ipmi_sim for
`ipmi` nodes; ingot-vbmc over HTTPS with a test CA, one in-memory system
each, for `redfish` nodes), a conductor with a fresh SQLite file, enrolls N
nodes through the REST API and makes them manageable, then lets the power
sync run with [conductor] sync_power_state_workers = 1 (sequential) and
then more workers (concurrent), one conductor per setting. Each sync round
logs `power_sync.round nodes= read= workers= duration_ms=`; the figure is
the median round (rounds 2..R: the first Redfish round also logs in).
Before that it times single calls from the command line (ipmitool power
status; curl GET of a Redfish system) as the per-call floor.

usage: bench/power/run.py [--nodes 100] [--workers 1,8,32] [--rounds 5]
                          [--kinds ipmi,redfish] [--bin-dir build/bin]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "compat"))

import conductor as conductor_mod  # noqa: E402
import ipmi_sim as ipmi_sim_mod  # noqa: E402
import vbmc as vbmc_mod  # noqa: E402

ROUND_RE = re.compile(r"power_sync\.round nodes=(\d+) read=(\d+) workers=(\d+) duration_ms=(\d+)")


def api(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={
        "Content-Type": "application/json", "X-OpenStack-Ironic-API-Version": "latest"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def median_ms(samples):
    return round(statistics.median(samples) * 1000, 1)


def single_call_floor(kind, bmc):
    """Median wall time of one status read from the command line."""
    samples = []
    for _ in range(20):
        started = time.monotonic()
        if kind == "ipmi":
            argv = ["ipmitool", "-I", "lanplus", "-C", "3", "-H", bmc.address, "-p", str(bmc.port),
                    "-U", bmc.username, "-E", "power", "status"]
            env = dict(os.environ, IPMI_PASSWORD=bmc.password)
        else:
            argv = ["curl", "-sf", "--cacert", bmc.ca_file, "-u", "%s:%s" % (bmc.username, bmc.password),
                    bmc.url + "/redfish/v1/Systems/node-0"]
            env = None
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=30)
        samples.append(time.monotonic() - started)
    return median_ms(samples)


def driver_info(kind, bmc):
    if kind == "ipmi":
        return {"ipmi_address": bmc.address, "ipmi_port": bmc.port,
                "ipmi_username": bmc.username, "ipmi_password": bmc.password}
    return {"redfish_address": bmc.url, "redfish_system_id": "/redfish/v1/Systems/node-0",
            "redfish_username": "admin", "redfish_password": "password",
            "redfish_verify_ca": bmc.ca_file}


def measure(kind, bmcs, workers, rounds, bin_dir):
    options = {
        "DEFAULT": {"enabled_hardware_types": "ipmi,redfish", "log_level": "info"},
        "conductor": {"sync_power_state_interval": 1, "sync_power_state_workers": workers,
                      "power_failure_recovery_interval": 0},
        "ipmi": {"min_command_interval": 0},
    }
    cond = conductor_mod.Conductor(bin_dir=bin_dir, options=options).start()
    try:
        for i, bmc in enumerate(bmcs):
            api(cond.url, "POST", "/v1/nodes", {"name": "n%d" % i, "driver": kind,
                                               "driver_info": driver_info(kind, bmc)})
        for i in range(len(bmcs)):
            api(cond.url, "PUT", "/v1/nodes/n%d/states/provision" % i, {"target": "manage"})
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            found = ROUND_RE.findall(cond.log())
            full = [r for r in found if int(r[0]) == len(bmcs)]
            if len(full) >= rounds:
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("not enough sync rounds:\n" + cond.log()[-3000:])
        full = full[:rounds]
        failed = sum(int(r[0]) - int(r[1]) for r in full)
        durations = [int(r[3]) / 1000.0 for r in full[1:]]  # round 1 logs in / warms up
        rss = 0
        with open("/proc/%d/status" % cond.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1]) // 1024
        return {"workers": workers, "first_round_s": int(full[0][3]) / 1000.0,
                "median_round_s": statistics.median(durations), "failed_reads": failed,
                "hwm_mib": rss}
    finally:
        cond.stop()


def start_bmcs(kind, count, bin_dir):
    bmcs = []
    for _ in range(count):
        if kind == "ipmi":
            bmcs.append(ipmi_sim_mod.IpmiSim().start())
        else:
            bmcs.append(vbmc_mod.Vbmc(bin_dir=bin_dir, memory_systems=1).start())
    return bmcs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--workers", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kinds", default="ipmi,redfish")
    parser.add_argument("--bin-dir", default=os.path.join(REPO, "build", "bin"))
    args = parser.parse_args()
    results = {}
    for kind in args.kinds.split(","):
        bmcs = start_bmcs(kind, args.nodes, args.bin_dir)
        try:
            floor = single_call_floor(kind, bmcs[0])
            rows = [measure(kind, bmcs, int(w), args.rounds, args.bin_dir) for w in args.workers.split(",")]
        finally:
            for b in bmcs:
                b.stop()
        results[kind] = {"single_call_ms": floor, "rows": rows}

    print("| BMC | sync workers | median round, %d nodes | reads/s | first round | failed reads | "
          "conductor VmHWM |" % args.nodes)
    print("|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        for row in r["rows"]:
            print("| %s | %d | %.2f s | %.0f | %.2f s | %d | %d MiB |" % (
                kind, row["workers"], row["median_round_s"], args.nodes / row["median_round_s"],
                row["first_round_s"], row["failed_reads"], row["hwm_mib"]))
    for kind, r in results.items():
        print("\nsingle %s status call from the shell (median of 20): %.1f ms" % (kind, r["single_call_ms"]))


if __name__ == "__main__":
    main()
