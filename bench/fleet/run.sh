#!/usr/bin/env bash
# bench/fleet/run.sh: a fleet of fake-hardware nodes through the provision
# state machine (see bench/README.md, section bench/fleet).
#
# For each size N (default 1,000 and 10,000) it starts its own conductor on a
# free loopback port with a fresh SQLite file in a temporary directory
# (log_level = warning, [conductor] max_concurrent_deploy = 100000, everything
# else default: 100 pool workers, automated_clean = true), creates N
# fake-hardware nodes with POST /v1/nodes, then times four phases:
#   manage    enroll     -> manageable   (PUT .../states/provision {"target": "manage"})
#   provide   manageable -> available    ("provide": automated cleaning)
#   deploy    available  -> active       ("active")
#   undeploy  active     -> available    ("deleted": tear down + automated cleaning)
# In each phase every node's PUT is sent at once, back to back, by wrk
# (lua/provision.lua: T threads x 1 keep-alive connection; 409 and 503
# answers are counted and that node's PUT is retried after 1-32 ms); then
# fleet.py polls until no node is left in the phase's transient states and
# checks every node. Beside each phase a wrk probe (lua/probe.lua) GETs a
# random node every 10 ms for the API latency. It records the wall time
# (first PUT -> latest provision_updated_at), the accepted PUTs/s, the 503
# and 409 counts, the conductor's CPU time and VmRSS/VmHWM, prints a Markdown
# report and writes it into bench/README.md between the fleet-results markers
# (--no-readme: don't).
#
# usage: bench/fleet/run.sh [--sizes "1000 10000"] [--threads 4] [--probe-delay-ms 10]
#                           [--phase-timeout 900] [--binary PATH] [--out DIR] [--no-readme]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

SIZES="1000 10000"
THREADS=4
PROBE_DELAY_MS=10
PHASE_TIMEOUT=900
BINARY="$REPO/build/bin/ingot-conductor"
OUT="$HERE/out"
UPDATE_README=1
MAX_CONCURRENT_DEPLOY=100000
COMMAND_LINE="bench/fleet/run.sh${*:+ $*}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --probe-delay-ms) PROBE_DELAY_MS="$2"; shift 2 ;;
        --phase-timeout) PHASE_TIMEOUT="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --no-readme) UPDATE_README=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

VERSION=1.82

die() { echo "run.sh: ERROR: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }

for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install $tool)"
done
if [[ -x /usr/bin/python3 ]]; then PY=/usr/bin/python3; else PY=python3; fi

if [[ ! -x "$BINARY" ]]; then
    [[ "$BINARY" == "$REPO/build/bin/ingot-conductor" ]] || die "no executable $BINARY"
    note "building ingot-conductor (cmake --build build -j2 --target ingot-conductor)"
    [[ -f "$REPO/build/CMakeCache.txt" ]] || cmake -S "$REPO" -B "$REPO/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build "$REPO/build" -j2 --target ingot-conductor
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ingot-fleet.XXXXXX")
CONDUCTOR_PID=""
PROBE_PID=""

stop_probe() {
    [[ -n "$PROBE_PID" ]] || return 0
    local pid=$PROBE_PID
    PROBE_PID=""
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || true
}

stop_conductor() {
    [[ -n "$CONDUCTOR_PID" ]] || return 0
    local pid=$CONDUCTOR_PID rc=0
    CONDUCTOR_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
    [[ $rc -eq 0 ]] || note "conductor $pid exited with status $rc"
    return $rc
}

cleanup() {
    local rc=$?
    trap - EXIT
    stop_probe
    stop_conductor || true
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: a concurrent rebuild of build/bin cannot swap it mid-run.
cp "$BINARY" "$TMP/ingot-conductor"
BIN="$TMP/ingot-conductor"

mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
# probe.lua loads bench/api's report.lua (the @@BENCH summary line).
export BENCH_LUA_DIR="$REPO/bench/api/lua"
export PROBE_DELAY_MS

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

record() { jq -cn "$@" >> "$RESULTS"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# start_conductor DBFILE: sets CONDUCTOR_PID, CONDUCTOR_LOG; waits for GET / = 200
start_conductor() {
    local db=$1 conf="$TMP/ingot.conf" i
    cat > "$conf" <<EOF
[DEFAULT]
host = bench
log_level = warning
[api]
host_ip = 127.0.0.1
port = $PORT
[database]
connection = sqlite:///$db
[conductor]
max_concurrent_deploy = $MAX_CONCURRENT_DEPLOY
EOF
    CONDUCTOR_LOG="$TMP/conductor.log"
    "$BIN" --config-file "$conf" </dev/null >>"$CONDUCTOR_LOG" 2>&1 &
    CONDUCTOR_PID=$!
    for ((i = 0; i < 600; i++)); do
        if curl -sf -o /dev/null "$BASE/"; then return 0; fi
        if ! kill -0 "$CONDUCTOR_PID" 2>/dev/null; then
            tail -n 20 "$CONDUCTOR_LOG" >&2
            CONDUCTOR_PID=""
            die "conductor exited during start-up"
        fi
        sleep 0.05
    done
    die "conductor did not answer GET / within 30 s"
}

# proc_cpu PID -> user + system CPU seconds of the process (all threads)
proc_cpu() {
    sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($12 + $13) / hz}'
}

# proc_cpu_split PID -> {"api": s, "other": s}: CPU seconds of the live HTTP
# threads (named ingot-api) and of the other live threads (the report uses the
# process total minus the HTTP threads for "the rest": threads that exited
# are only in the total)
proc_cpu_split() {
    cat /proc/"$1"/task/*/stat 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '
        { l = index($0, "("); r = length($0) - index(reverse($0), ")") + 1
          comm = substr($0, l + 1, r - l - 1); split(substr($0, r + 2), f, " ")
          if (comm ~ /^ingot-api/) api += f[12] + f[13]; else other += f[12] + f[13] }
        function reverse(s,  i, o) { o = ""; for (i = length(s); i > 0; i--) o = o substr(s, i, 1); return o }
        END { printf "{\"api\": %.2f, \"other\": %.2f}\n", api / hz, other / hz }'
}

# proc_io PID -> {"syscr": n, "syscw": n}: read- and write-type system calls
# so far (pread64 of database pages that are not in SQLite's cache, WAL writes)
proc_io() {
    awk '/^syscr:/ {r = $2} /^syscw:/ {w = $2} END {printf "{\"syscr\": %d, \"syscw\": %d}\n", r, w}' "/proc/$1/io"
}

record_rss() { # WHEN SIZE
    local when=$1 size=$2 rss hwm
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$CONDUCTOR_PID/status")
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$CONDUCTOR_PID/status")
    record --arg when "$when" --argjson size "$size" --argjson rss "$rss" --argjson hwm "$hwm" \
        '{kind: "rss", when: $when, size: $size, rss_kb: $rss, hwm_kb: $hwm}'
    note "[$size nodes] after $when: VmRSS $((rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB"
}

# collect_uuids FILE: every node's UUID, following the next links
collect_uuids() {
    local file=$1 url="$BASE/v1/nodes?fields=uuid&limit=1000" page
    : > "$file"
    while [[ -n "$url" ]]; do
        page=$(curl -sSf -H "X-OpenStack-Ironic-API-Version: $VERSION" "$url")
        jq -r '.nodes[].uuid' <<<"$page" >> "$file"
        url=$(jq -r '.next // empty' <<<"$page")
    done
}

# run_load MODE LIST OUTFILE [TARGET] -> the @@FLEET JSON on stdout. Every
# item of LIST gets exactly one accepted request; fails on socket errors or
# answers other than 2xx/409/503.
run_load() {
    local mode=$1 list=$2 out=$3 target=${4:-} stop json
    stop=$(mktemp -d "$TMP/stop.XXXXXX")
    if ! wrk -t"$THREADS" -c"$THREADS" -d3600s --timeout 30s -H 'Connection: keep-alive' \
            -H "X-OpenStack-Ironic-API-Version: $VERSION" -s "$HERE/lua/provision.lua" "$BASE" \
            -- "$mode" "$list" "$stop" "$THREADS" ${target:+"$target"} >"$out" 2>&1; then
        cat "$out" >&2
        die "wrk failed ($mode $target)"
    fi
    rm -rf "$stop"
    json=$(sed -n 's/^@@FLEET //p' "$out")
    [[ -n "$json" ]] || { cat "$out" >&2; die "no summary from wrk ($mode $target)"; }
    if [[ $(jq '.err_connect + .err_read + .err_write + .err_timeout + .bad' <<<"$json") -ne 0 ]] ||
       [[ $(jq .accepted <<<"$json") -ne $(wc -l < "$list") ]]; then
        cat "$out" >&2
        die "$mode $target: socket errors, unexpected answers or missing nodes (wrk output above, kept in $out)"
    fi
    echo "$json"
}

start_probe() { # OUTFILE UUIDS [DURATION]
    local out=$1 uuids=$2 duration=${3:-3600s}
    wrk -t1 -c1 -d"$duration" --latency --timeout 30s -H 'Connection: keep-alive' \
        -H "X-OpenStack-Ironic-API-Version: $VERSION" -s "$HERE/lua/probe.lua" "$BASE" -- "$uuids" >"$out" 2>&1 &
    PROBE_PID=$!
}

probe_summary() { # OUTFILE -> @@BENCH JSON (or {} when the probe got nothing)
    local out=$1 json
    json=$(sed -n 's/^@@BENCH //p' "$out")
    [[ -n "$json" ]] || json='{}'
    if grep -q 'Non-2xx' "$out"; then cat "$out" >&2; die "the latency probe got non-2xx answers ($out)"; fi
    echo "$json"
}

# phase SIZE NAME TARGET FINAL_STATE TRANSIENT_STATES
phase() {
    local n=$1 name=$2 target=$3 final=$4 transient=$5 cpu0 cpu1 split0 split1 io0 io1 load probe_out load_json wait_json probe_json
    note "[$n nodes] $name: PUT {\"target\": \"$target\"} to every node (load average $(loadavg))"
    load=$(loadavg)
    probe_out="$OUT/probe-$n-$name.txt"
    start_probe "$probe_out" "$DIR/uuids"
    cpu0=$(proc_cpu "$CONDUCTOR_PID")
    split0=$(proc_cpu_split "$CONDUCTOR_PID")
    io0=$(proc_io "$CONDUCTOR_PID")
    load_json=$(run_load provision "$DIR/uuids" "$OUT/wrk-$n-$name.txt" "$target")
    if ! wait_json=$("$PY" "$HERE/fleet.py" wait --base "$BASE" --version "$VERSION" --state "$final" \
            --transient "$transient" --expect "$n" --timeout "$PHASE_TIMEOUT"); then
        stop_probe
        echo "$wait_json" >&2
        die "$name: not every node reached \"$final\" (see above; conductor log $CONDUCTOR_LOG)"
    fi
    cpu1=$(proc_cpu "$CONDUCTOR_PID")
    split1=$(proc_cpu_split "$CONDUCTOR_PID")
    io1=$(proc_io "$CONDUCTOR_PID")
    stop_probe
    probe_json=$(probe_summary "$probe_out")
    record --argjson l "$load_json" --argjson w "$wait_json" --argjson p "$probe_json" --argjson size "$n" \
        --arg phase "$name" --arg target "$target" --argjson c0 "$cpu0" --argjson c1 "$cpu1" --arg load "$load" \
        --argjson s0 "$split0" --argjson s1 "$split1" --argjson i0 "$io0" --argjson i1 "$io1" \
        '$l + {kind: "phase", size: $size, phase: $phase, target: $target, seen_done: $w.seen_done,
               server_done: $w.server_done, states: $w.states, probe: $p, cpu_s: ($c1 - $c0), load_before: $load,
               cpu_api_s: ($s1.api - $s0.api), syscr: ($i1.syscr - $i0.syscr), syscw: ($i1.syscw - $i0.syscw)}'
    tail -n1 "$RESULTS" | jq -r '"run.sh:   \(.phase): \((.server_done - .t_first) * 100 | round / 100) s wall (\(.size / (.server_done - .t_first) | floor) nodes/s), PUTs \((.t_last - .t_first) * 100 | round / 100) s (\(.accepted / (.t_last - .t_first) | floor)/s), 503: \(.unavailable), 409: \(.conflict), CPU \(.cpu_s) s, probe p50 \((.probe.p50_us // 0) / 1000) ms p99 \((.probe.p99_us // 0) / 1000) ms"' >&2
    record_rss "$name" "$n"
}

# ---------------------------------------------------------------- metadata
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$REPO/build/CMakeCache.txt" 2>/dev/null || true)
build_flags=""
if [[ -n "$build_type" ]]; then
    build_flags=$(sed -n "s/^CMAKE_CXX_FLAGS_$(tr '[:lower:]' '[:upper:]' <<<"$build_type"):STRING=//p" "$REPO/build/CMakeCache.txt")
fi
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$REPO" status --porcelain -- conductor db common interfaces deploy power boot 2>/dev/null | head -c1 || true)
jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg nproc "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    --arg mem_kb "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" --arg kernel "$(uname -r)" \
    --arg build_type "${build_type:-unknown}" --arg build_flags "$build_flags" \
    --arg commit "$commit${dirty:+ (+ uncommitted changes)}" \
    --arg binary_mtime "$(date -u -r "$BINARY" '+%Y-%m-%d %H:%M UTC')" \
    --arg wrk "$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)" --arg command "$COMMAND_LINE" \
    --arg threads "$THREADS" --arg probe_delay_ms "$PROBE_DELAY_MS" --arg load_start "$(loadavg)" \
    --arg sizes "$SIZES" --arg mcd "$MAX_CONCURRENT_DEPLOY" \
    '{date: $date, nproc: $nproc, cpu: $cpu, mem_kb: ($mem_kb | tonumber), kernel: $kernel,
      build_type: $build_type, build_flags: $build_flags, commit: $commit, binary_mtime: $binary_mtime,
      wrk: $wrk, command: $command, threads: $threads, probe_delay_ms: $probe_delay_ms,
      load_start: $load_start, sizes: $sizes, max_concurrent_deploy: $mcd, workers_pool_size: "100"}' > "$OUT/meta.json"

note "conductor $BINARY (copied to $BIN), port $PORT, output in $OUT"

# ---------------------------------------------------------------- per size
for N in $SIZES; do
    DIR="$TMP/n$N"
    mkdir -p "$DIR"
    DB="$DIR/ingot.sqlite"
    note "=== $N nodes (load average $(loadavg)) ==="
    start_conductor "$DB"

    # Create the N nodes (exactly N: one accepted POST per name).
    seq -f "fleet-%06g" 1 "$N" > "$DIR/names"
    cpu0=$(proc_cpu "$CONDUCTOR_PID")
    seed_json=$(run_load create "$DIR/names" "$OUT/wrk-$N-create.txt")
    cpu1=$(proc_cpu "$CONDUCTOR_PID")
    record --argjson l "$seed_json" --argjson size "$N" --argjson c0 "$cpu0" --argjson c1 "$cpu1" \
        '$l + {kind: "seed", size: $size, cpu_s: ($c1 - $c0)}'
    tail -n1 "$RESULTS" | jq -r '"run.sh:   created \(.accepted) nodes in \((.t_last - .t_first) * 100 | round / 100) s"' >&2
    collect_uuids "$DIR/uuids"
    [[ $(wc -l < "$DIR/uuids") -eq $N ]] || die "expected $N nodes, the API lists $(wc -l < "$DIR/uuids")"
    record_rss seeded "$N"

    # The probe on the idle conductor, for comparison.
    start_probe "$OUT/probe-$N-idle.txt" "$DIR/uuids" 3s
    wait "$PROBE_PID" || die "the idle latency probe failed"
    PROBE_PID=""
    record --argjson p "$(probe_summary "$OUT/probe-$N-idle.txt")" --argjson size "$N" \
        '$p + {kind: "probe_idle", size: $size}'

    phase "$N" manage   manage   manageable verifying
    phase "$N" provide  provide  available  "cleaning,clean wait"
    phase "$N" deploy   active   active     "deploying,wait call-back"
    phase "$N" undeploy deleted  available  "deleting,cleaning,clean wait"

    history_rows=0
    if command -v sqlite3 >/dev/null; then history_rows=$(sqlite3 "$DB" 'SELECT count(*) FROM node_history'); fi
    record --argjson size "$N" --argjson db "$(stat -c %s "$DB")" \
        --argjson wal "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" --argjson h "$history_rows" \
        '{kind: "db", size: $size, db_bytes: $db, wal_bytes: $wal, history_rows: $h}'
    warnings=$(grep -c . "$CONDUCTOR_LOG" || true)
    note "[$N nodes] conductor log: $warnings lines at warning level or above"
    cp "$CONDUCTOR_LOG" "$OUT/conductor-$N.log"
    : > "$CONDUCTOR_LOG"
    stop_conductor
    rm -rf "$DIR"
done

jq --arg load_end "$(loadavg)" '. + {load_end: $load_end}' "$OUT/meta.json" > "$OUT/meta.json.new"
mv "$OUT/meta.json.new" "$OUT/meta.json"

readme_args=()
[[ $UPDATE_README -eq 1 ]] && readme_args=(--readme "$REPO/bench/README.md")
"$PY" "$HERE/fleet.py" report --meta "$OUT/meta.json" --results "$RESULTS" --out "$OUT/results.md" "${readme_args[@]}"
