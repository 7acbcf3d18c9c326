#!/usr/bin/env bash
# Streams a 1 GiB raw image over loopback HTTP to a loop device with sha256
# verification (ingot-agent-image-bench -> write_image) and compares it with
# the ceiling measured in the same run on the same files:
#   curl URL | dd of=DEV bs=4M oflag=direct     (transfer + write, no hashing)
#   sha256sum FILE                              (hashing alone)
# The image, the loop device's backing file and the server live in
# /dev/shm (or $BENCH_DIR) so that the host disk does not set the pace.
#   bench/agent/run.sh [BUILD_DIR]     (root: needs losetup)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-image}
bench_bin=$build/bin/ingot-agent-image-bench
[[ -x $bench_bin ]] || { echo "build ingot-agent-image-bench first ($bench_bin)" >&2; exit 1; }
size_mib=${BENCH_SIZE_MIB:-1024}
runs=${BENCH_RUNS:-3}

work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/ingot-agent-bench.XXXXXX")
server_pid=""
device=""
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n $device ]] && losetup -d "$device" || true
  rm -rf "$work"
}
trap cleanup EXIT

head -c $((size_mib << 20)) /dev/urandom > "$work/image.raw"
bytes=$(stat -c %s "$work/image.raw")
truncate -s $(((size_mib + 16) << 20)) "$work/disk"
device=$(losetup --find --show "$work/disk")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work" "$port" >/dev/null 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port/image.raw"
for _ in $(seq 50); do curl -sf -o /dev/null -r 0-0 "$url" && break; sleep 0.1; done

now() { date +%s.%N; }
mbps() { python3 -c "print(f'{$bytes / ($2 - $1) / 1e6:.0f}')"; }
best() { sort -n | tail -1; }

declare -a curl_dd sha ours ours_buffered
for _ in $(seq "$runs"); do
  t0=$(now); curl -sf "$url" | dd of="$device" bs=4M oflag=direct status=none; t1=$(now)
  curl_dd+=("$(mbps "$t0" "$t1")")
  t0=$(now); digest=$(sha256sum "$work/image.raw" | cut -d' ' -f1); t1=$(now)
  sha+=("$(mbps "$t0" "$t1")")
  blkdiscard "$device" 2>/dev/null || true
  t0=$(now); "$bench_bin" "$url" "$device" "$digest" 2>"$work/ours.log" >"$work/ours.json"; t1=$(now)
  ours+=("$(mbps "$t0" "$t1")")
  t0=$(now); "$bench_bin" "$url" "$device" "$digest" --buffered 2>"$work/ours.log" >"$work/ours.json"; t1=$(now)
  ours_buffered+=("$(mbps "$t0" "$t1")")
done
cmp -n "$bytes" "$work/image.raw" "$device" >/dev/null || { echo "device differs from the image" >&2; exit 1; }

c=$(printf '%s\n' "${curl_dd[@]}" | best)
s=$(printf '%s\n' "${sha[@]}" | best)
o=$(printf '%s\n' "${ours[@]}" | best)
ob=$(printf '%s\n' "${ours_buffered[@]}" | best)
ceiling=$((c < s ? c : s))
echo "image: ${size_mib} MiB raw, loop device over $(dirname "$work"), best of $runs runs (MB/s, wall clock incl. process start)"
echo "curl | dd oflag=direct : $c  (runs: ${curl_dd[*]})"
echo "sha256sum             : $s  (runs: ${sha[*]})"
echo "write_image O_DIRECT  : $o  (runs: ${ours[*]})"
echo "write_image buffered  : $ob  (runs: ${ours_buffered[*]})"
python3 -c "print(f'ratio O_DIRECT / min(curl|dd, sha256sum) = {$o/$ceiling:.2f}; / curl|dd = {$o/$c:.2f}')"
