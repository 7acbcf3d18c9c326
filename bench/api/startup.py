#!/usr/bin/env python3
"""Start-up time of ingot-conductor: from exec to the first successful `GET /`.

Starts the conductor `--runs` times with the given config, polls `GET /`
(a new connection each attempt, 1 ms apart) until it answers 200, reads its
VmRSS and CPU time at that moment, then stops it with SIGTERM (by PID) and times the exit.
With --fresh-db PATH the database file (and its -wal/-shm) is removed before
every start, so each run also creates the schema.

Prints one JSON object: {"runs_ms": [...], "median_ms": ..., "min_ms": ...,
"max_ms": ..., "rss_kb": [...], "stop_ms": [...], "cpu_ms": [...]} (cpu_ms: the
conductor's user + system CPU time when it first answered, in clock ticks of 10 ms).
"""
import argparse
import ctypes
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def die_with_parent():
    # The conductor gets SIGTERM if this helper dies (e.g. run.sh interrupted).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def root_ok(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def cpu_ms(pid):
    """User + system CPU time the process has used so far, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def one_start(binary, config, port, stderr_path, timeout):
    with open(stderr_path, "ab") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([binary, "--config-file", config], stdin=subprocess.DEVNULL,
                                stdout=err, stderr=err, preexec_fn=die_with_parent)
        try:
            while True:
                if root_ok(port):
                    ready = time.perf_counter() - t0
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"conductor exited with {proc.returncode} before answering (see {stderr_path})")
                if time.perf_counter() - t0 > timeout:
                    raise RuntimeError(f"conductor did not answer GET / within {timeout} s")
                time.sleep(0.001)
            rss = vm_rss_kb(proc.pid)
            cpu = cpu_ms(proc.pid)
            t1 = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            stopped = time.perf_counter() - t1
            if proc.returncode != 0:
                raise RuntimeError(f"conductor exited with {proc.returncode} after SIGTERM (see {stderr_path})")
            return ready * 1000.0, rss, stopped * 1000.0, cpu
        finally:
            if proc.poll() is None:
                proc.kill()  # by PID, only our own child
                proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--fresh-db", help="database file to delete before each start")
    ap.add_argument("--stderr", default=os.devnull, help="file collecting the conductor's output")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    runs, rss, stops, cpus = [], [], [], []
    for _ in range(args.runs):
        if args.fresh_db:
            for suffix in ("", "-wal", "-shm", "-journal"):
                try:
                    os.remove(args.fresh_db + suffix)
                except FileNotFoundError:
                    pass
        ms, kb, stop_ms, cpu = one_start(args.binary, args.config, args.port, args.stderr, args.timeout)
        runs.append(round(ms, 2))
        rss.append(kb)
        stops.append(round(stop_ms, 2))
        cpus.append(round(cpu, 1))
    print(json.dumps({"runs_ms": runs, "median_ms": round(statistics.median(runs), 2),
                      "min_ms": min(runs), "max_ms": max(runs), "rss_kb": rss, "stop_ms": stops,
                      "cpu_ms": cpus}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - report and fail loudly
        print(f"startup.py: {e}", file=sys.stderr)
        sys.exit(1)
