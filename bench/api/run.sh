#!/usr/bin/env bash
# bench/api/run.sh: API benchmark of ingot-conductor (see bench/README.md).
#
# For each size N (default 1,000 and 10,000 nodes) it starts its own conductor
# on a free loopback port with a fresh SQLite file in a temporary directory,
# seeds N nodes through POST /v1/nodes with wrk (this is the POST figure at
# scale), then measures with wrk (keep-alive):
#   GET /                                   (no database; HTTP + JSON floor)
#   GET /v1/nodes                           (1.82 and 1.78, the baremetal CLI's)
#   GET /v1/nodes/detail?limit=100          (1.82 and 1.78)
#   GET /v1/nodes/{uuid}                    (random UUID of the seeded set; 1.82 and 1.78)
#   GET / and GET /v1/nodes/{uuid} again with log_level = info (per-request log cost)
#   POST /v1/nodes for the run duration     (on top of the N nodes)
# plus VmRSS/VmHWM after seeding, after the GET load and after the POST load,
# and start-up time (exec to first successful GET /, median of --starts runs)
# against a new database, an empty database and the N-node database.
# Every wrk run must have no socket errors and no non-2xx answers; otherwise
# the script stops with an error. It prints a Markdown report and writes it
# into bench/README.md between the api-results markers (--no-readme: don't).
#
# usage: bench/api/run.sh [--sizes "1000 10000"] [--duration 10s] [--threads 2]
#                         [--connections 16] [--starts 5] [--binary PATH]
#                         [--out DIR] [--no-readme]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

SIZES="1000 10000"
DURATION=10s
THREADS=2
CONNECTIONS=16
STARTS=5
BINARY="$REPO/build/bin/ingot-conductor"
OUT="$HERE/out"
UPDATE_README=1
COMMAND_LINE="bench/api/run.sh${*:+ $*}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --starts) STARTS="$2"; shift 2 ;;
        --binary) BINARY="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --no-readme) UPDATE_README=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

VERSION=1.82        # the newest microversion (the ingot CLI sends it)
CLI_VERSION=1.78    # what python-ironicclient's baremetal CLI sends

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

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench.XXXXXX")
CONDUCTOR_PID=""

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
export BENCH_LUA_DIR="$HERE/lua"

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

record() { jq -cn "$@" >> "$RESULTS"; }

# write_config LEVEL DBFILE -> path of the config file
write_config() {
    local level=$1 db=$2 conf="$TMP/ingot-$1.conf"
    cat > "$conf" <<EOF
[DEFAULT]
host = bench
log_level = $level
[api]
host_ip = 127.0.0.1
port = $PORT
[database]
connection = sqlite:///$db
EOF
    echo "$conf"
}

# start_conductor LEVEL DBFILE: sets CONDUCTOR_PID, CONDUCTOR_LOG; waits for GET / = 200
start_conductor() {
    local level=$1 db=$2 conf i
    conf=$(write_config "$level" "$db")
    CONDUCTOR_LOG="$TMP/conductor-$level.log"
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

# preflight METHOD PATH VERSION EXPECTED_STATUS [BODY]: two requests on one
# curl connection; both must get EXPECTED_STATUS and the connection must be
# reused (the server honours Connection: keep-alive).
preflight() {
    local method=$1 path=$2 ver=$3 want=$4 body=${5:-} codes err
    local args=(-sS -v --http1.1 -o /dev/null -o /dev/null -w '%{http_code}\n'
                -H 'Connection: keep-alive' -H "X-OpenStack-Ironic-API-Version: $ver")
    [[ -z "$body" ]] || args+=(-X "$method" -H 'Content-Type: application/json' -d "$body")
    err="$TMP/preflight.err"
    codes=$(curl "${args[@]}" "$BASE$path" "$BASE$path" 2>"$err" | tr '\n' ' ')
    [[ "$codes" == "$want $want " ]] || die "$method $path answered '$codes' (expected $want twice)"
    grep -q 'Re-using existing connection' "$err" ||
        die "$method $path: the server closed the keep-alive connection (see curl -v output: $(tr '\n' ' ' < "$err" | head -c 600))"
}

# run_wrk ID SIZE LEVEL VERSION PATH SCRIPT [SCRIPT ARGS...]
# (WRK_DURATION overrides --duration). Appends a "wrk" record to results.jsonl.
run_wrk() {
    local id=$1 size=$2 level=$3 ver=$4 path=$5 script=$6
    shift 6
    local out="$OUT/wrk-$size-$id.txt" json log_before=0 log_after=0 extra=() url=$BASE$path
    [[ "$script" != get_node.lua ]] || url=$BASE/   # the script builds the paths
    [[ $# -eq 0 ]] || extra=(-- "$@")
    [[ -f "$CONDUCTOR_LOG" ]] && log_before=$(stat -c %s "$CONDUCTOR_LOG")
    local cpu_before cpu_after load
    load=$(loadavg)
    cpu_before=$(proc_cpu "$CONDUCTOR_PID")
    if ! wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WRK_DURATION:-$DURATION}" --latency --timeout 10s \
            -H 'Connection: keep-alive' -H "X-OpenStack-Ironic-API-Version: $ver" \
            -s "$HERE/lua/$script" "$url" "${extra[@]}" >"$out" 2>&1; then
        cat "$out" >&2
        die "wrk failed for $id ($path)"
    fi
    cpu_after=$(proc_cpu "$CONDUCTOR_PID")
    log_after=$(stat -c %s "$CONDUCTOR_LOG")
    json=$(sed -n 's/^@@BENCH //p' "$out")
    [[ -n "$json" ]] || { cat "$out" >&2; die "no summary from wrk for $id"; }
    if grep -q 'Non-2xx' "$out" ||
       [[ $(jq '.err_connect + .err_read + .err_write + .err_status + .err_timeout + .bad' <<<"$json") -ne 0 ]] ||
       [[ $(jq '.requests' <<<"$json") -eq 0 ]]; then
        cat "$out" >&2
        die "$id ($path, $size nodes): socket errors, timeouts or non-2xx answers (wrk output above, kept in $out)"
    fi
    record --argjson w "$json" --arg id "$id" --argjson size "$size" --arg level "$level" \
        --arg version "$ver" --arg path "$path" --argjson log_bytes $((log_after - log_before)) \
        --argjson c0 "$cpu_before" --argjson c1 "$cpu_after" --arg load "$load" --argjson hz "$(getconf CLK_TCK)" \
        '$w + {kind: "wrk", id: $id, size: $size, level: $level, version: $version, path: $path, log_bytes: $log_bytes,
               load_before: $load,
               server_user_s: (($c1[0] - $c0[0]) / $hz), server_sys_s: (($c1[1] - $c0[1]) / $hz),
               server_minflt: ($c1[2] - $c0[2])}'
    jq -r --arg id "$id" --arg size "$size" --arg level "$level" \
        '"run.sh: [\($size) nodes, \($level)] \($id): \(if .seed_seconds > 0 then (.created / .seed_seconds | floor) else .rps end) req/s, p50 \(.p50_us / 1000) ms, p99 \(.p99_us / 1000) ms"' \
        <<<"$json" >&2
    tail -n1 "$RESULTS" | jq -r '"run.sh:   server CPU \((.server_user_s + .server_sys_s) * 1000 / .requests * 1000 | round / 1000) ms/request (user \(.server_user_s) s, sys \(.server_sys_s) s), \(.server_minflt / .requests | round) minor faults/request, load before \(.load_before)"' >&2
}

# proc_cpu PID -> [utime ticks, stime ticks, minor faults] of the process (all threads)
proc_cpu() {
    # Fields after the "(comm)" part, which may contain spaces.
    sed 's/^.*) //' "/proc/$1/stat" | awk '{printf "[%d,%d,%d]", $12, $13, $8}'
}

record_rss() { # WHEN SIZE
    local when=$1 size=$2 rss hwm anon
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$CONDUCTOR_PID/status")
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$CONDUCTOR_PID/status")
    anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$CONDUCTOR_PID/status")
    record --arg when "$when" --argjson size "$size" --argjson rss "$rss" --argjson hwm "$hwm" --argjson anon "$anon" \
        '{kind: "rss", when: $when, size: $size, rss_kb: $rss, hwm_kb: $hwm, anon_kb: $anon}'
    note "[$size nodes] RSS $when: VmRSS $((rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB"
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

startup() { # LABEL SIZE [extra startup.py args...]
    local label=$1 size=$2 json
    shift 2
    json=$("$PY" "$HERE/startup.py" --binary "$BIN" --config "$TMP/ingot-warning.conf" --port "$PORT" \
        --runs "$STARTS" --stderr "$TMP/startup.log" "$@") || { tail -n 20 "$TMP/startup.log" >&2; die "start-up measurement failed"; }
    record --argjson s "$json" --arg lbl "$label" --argjson size "$size" '$s + {kind: "startup", label: $lbl, size: $size}'
    note "start-up ($label): median $(jq .median_ms <<<"$json") ms of $(jq -c .runs_ms <<<"$json")"
}

# Sample node body for the curl pre-flight checks (no name: names are unique).
SAMPLE_NODE='{"driver":"fake-hardware","driver_info":{"ipmi_address":"10.255.0.1","ipmi_username":"admin","ipmi_password":"x"},"properties":{"cpus":8,"memory_mb":65536}}'

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------- metadata
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$REPO/build/CMakeCache.txt" 2>/dev/null || true)
build_flags=""
if [[ -n "$build_type" ]]; then
    build_flags=$(sed -n "s/^CMAKE_CXX_FLAGS_$(tr '[:lower:]' '[:upper:]' <<<"$build_type"):STRING=//p" "$REPO/build/CMakeCache.txt")
fi
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$REPO" status --porcelain -- conductor db common interfaces 2>/dev/null | head -c1 || true)
jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --arg nproc "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    --arg mem_kb "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" --arg kernel "$(uname -r)" \
    --arg build_type "${build_type:-unknown}" --arg build_flags "$build_flags" \
    --arg commit "$commit${dirty:+ (+ uncommitted changes)}" \
    --arg binary_mtime "$(date -u -r "$BINARY" '+%Y-%m-%d %H:%M UTC')" \
    --arg wrk "$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)" --arg command "$COMMAND_LINE" \
    --arg threads "$THREADS" --arg connections "$CONNECTIONS" --arg duration "$DURATION" \
    --arg starts "$STARTS" --arg load_start "$(loadavg)" --arg sizes "$SIZES" \
    '{date: $date, nproc: $nproc, cpu: $cpu, mem_kb: ($mem_kb | tonumber), kernel: $kernel,
      build_type: $build_type, build_flags: $build_flags, commit: $commit, binary_mtime: $binary_mtime,
      wrk: $wrk, command: $command, threads: $threads, connections: $connections, duration: $duration,
      starts: $starts, load_start: $load_start, sizes: $sizes}' > "$OUT/meta.json"

note "conductor $BINARY (copied to $BIN), port $PORT, output in $OUT"

# ---------------------------------------------------------------- start-up, empty database
mkdir -p "$TMP/empty"
write_config warning "$TMP/empty/ingot.sqlite" >/dev/null
startup "new database file (schema created)" 0 --fresh-db "$TMP/empty/ingot.sqlite"
startup "empty database" 0

# ---------------------------------------------------------------- per size
for N in $SIZES; do
    (( N % THREADS == 0 )) || die "size $N is not a multiple of --threads $THREADS"
    DIR="$TMP/n$N"
    mkdir -p "$DIR/stop"
    DB="$DIR/ingot.sqlite"
    note "=== $N nodes (load average $(loadavg)) ==="

    start_conductor warning "$DB"
    record_rss "at start (empty database)" "$N"
    preflight POST /v1/nodes "$VERSION" 201 "$SAMPLE_NODE"

    # Seeding: each wrk thread stops after N/THREADS created nodes.
    WRK_DURATION=900s run_wrk seed "$N" warning "$VERSION" /v1/nodes post_node.lua \
        "seed" $((N / THREADS)) "$DIR/stop" "$THREADS"
    collect_uuids "$DIR/uuids"
    have=$(wc -l < "$DIR/uuids")
    (( have >= N )) || die "seeding left $have nodes, expected at least $N"
    if (( have > N )); then   # in-flight extras and the pre-flight nodes
        tail -n +$((N + 1)) "$DIR/uuids" | while read -r uuid; do
            code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE \
                -H "X-OpenStack-Ironic-API-Version: $VERSION" "$BASE/v1/nodes/$uuid")
            [[ "$code" == 204 ]] || die "DELETE /v1/nodes/$uuid answered $code"
        done
        collect_uuids "$DIR/uuids"
    fi
    [[ $(wc -l < "$DIR/uuids") -eq $N ]] || die "expected exactly $N nodes after trimming"
    record_rss "after seeding" "$N"
    record --argjson size "$N" --argjson db "$(stat -c %s "$DB")" --argjson wal "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" \
        '{kind: "db", size: $size, db_bytes: $db, wal_bytes: $wal}'

    # GET /v1/nodes returns at most max_limit (1000) nodes, with a next link
    # when there may be more.
    page=$(curl -sSf -H "X-OpenStack-Ironic-API-Version: $VERSION" "$BASE/v1/nodes")
    items=$(jq '.nodes | length' <<<"$page")
    next=$(jq -r '.next // ""' <<<"$page")
    record --argjson size "$N" --argjson items "$items" --arg next "$next" --argjson bytes "${#page}" \
        '{kind: "list_check", size: $size, items: $items, next: $next, bytes: $bytes}'
    if (( N > 1000 )); then
        [[ $items -eq 1000 && -n "$next" ]] || die "GET /v1/nodes at $N nodes: $items items, next='$next' (expected 1000 and a next link)"
    fi
    note "GET /v1/nodes at $N nodes: $items items, ${#page} bytes, next link: ${next:-none}"

    first=$(head -n1 "$DIR/uuids")
    preflight GET / "$VERSION" 200
    preflight GET /v1/nodes "$VERSION" 200
    preflight GET "/v1/nodes/detail?limit=100" "$VERSION" 200
    preflight GET "/v1/nodes/$first" "$VERSION" 200
    preflight GET "/v1/nodes/$first" "$CLI_VERSION" 200

    run_wrk root     "$N" warning "$VERSION"     /                          get.lua
    run_wrk list     "$N" warning "$VERSION"     /v1/nodes                  get.lua
    run_wrk list78   "$N" warning "$CLI_VERSION" /v1/nodes                  get.lua
    run_wrk detail   "$N" warning "$VERSION"     "/v1/nodes/detail?limit=100" get.lua
    run_wrk detail78 "$N" warning "$CLI_VERSION" "/v1/nodes/detail?limit=100" get.lua
    run_wrk node     "$N" warning "$VERSION"     "/v1/nodes/{uuid}"         get_node.lua "$DIR/uuids"
    run_wrk node78   "$N" warning "$CLI_VERSION" "/v1/nodes/{uuid}"         get_node.lua "$DIR/uuids"
    record_rss "after GET load" "$N"
    stop_conductor

    write_config warning "$DB" >/dev/null
    startup "$N nodes" "$N"

    # The same cheap requests with the default log_level = info (one log line
    # per request, to a file here, as with stderr captured by journald).
    start_conductor info "$DB"
    run_wrk root-info "$N" info "$VERSION" /                  get.lua
    run_wrk node-info "$N" info "$VERSION" "/v1/nodes/{uuid}" get_node.lua "$DIR/uuids"
    stop_conductor

    # Sustained creation on top of the N nodes.
    start_conductor warning "$DB"
    preflight POST /v1/nodes "$VERSION" 201 "$SAMPLE_NODE"
    run_wrk post "$N" warning "$VERSION" /v1/nodes post_node.lua "post"
    record_rss "after POST load" "$N"
    stop_conductor
    rm -rf "$DIR"
done

jq --arg load_end "$(loadavg)" '. + {load_end: $load_end}' "$OUT/meta.json" > "$OUT/meta.json.new"
mv "$OUT/meta.json.new" "$OUT/meta.json"

readme_args=()
[[ $UPDATE_README -eq 1 ]] && readme_args=(--readme "$REPO/bench/README.md")
"$PY" "$HERE/report.py" --meta "$OUT/meta.json" --results "$RESULTS" --out "$OUT/results.md" "${readme_args[@]}"
