#!/usr/bin/env bash
# Command-line benchmark: how long bin/offsite takes for `run rotate-backups`, `run backup-database`, `backups` and
# `plan-retention` over generated lines, beyond the job's own duration, against a bare JVM start in the same run.
#
#   bench/cli/run.sh [repetitions=5] [lines=100000]
#
# Starts one local system (bin/offsite local) in the background on free loopback ports with its data in a temporary
# folder, waits until it is up (at most 5 minutes), measures, then stops it and removes the folder. The local system
# is stopped after 30 minutes whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
reps="${1:-5}"
lines="${2:-100000}"
offsite="$root/bin/offsite"

work="$(mktemp -d "${TMPDIR:-/tmp}/offsite-bench-cli.XXXXXX")"
local_pid=""
cleanup() {
  if [ -n "$local_pid" ] && kill -0 "$local_pid" 2>/dev/null; then
    kill "$local_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$local_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$local_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# build (bin/offsite builds the launcher when it is missing or stale, unpacks it and records its class-data archive)
# before anything is timed
"$offsite" --version >/dev/null
OFFSITE_FAST_START=0 "$offsite" --version >/dev/null

kafka_port="$(free_port)"; s3_port="$(free_port)"; pg_port="$(free_port)"
http_port="$(free_port)"
while [ "$http_port" -gt 65000 ]; do http_port="$(free_port)"; done
data="$work/data"
echo "local system: data in $data, Kafka 127.0.0.1:$kafka_port, S3 127.0.0.1:$s3_port, scheduler 127.0.0.1:$http_port" >&2
timeout --signal=TERM 1800 "$offsite" local --data "$data" --kafka-port "$kafka_port" --s3-port "$s3_port" \
  --postgres-port "$pg_port" --http-port "$http_port" >"$work/local.log" 2>&1 &
local_pid=$!
started="$(now_ms)"
until grep -q "Offsite is running" "$work/local.log"; do
  if ! kill -0 "$local_pid" 2>/dev/null || [ $(( $(now_ms) - started )) -gt 300000 ]; then
    tail -n 30 "$work/local.log" >&2
    echo "bench/cli: the local system did not start (log above)" >&2
    exit 1
  fi
  sleep 0.5
done
echo "local system up in $(( ($(now_ms) - started) / 1000 )) s" >&2

export OFFSITE_DATA_DIR="$data" OFFSITE_API="http://127.0.0.1:$http_port" S3_ENDPOINT="http://127.0.0.1:$s3_port"
unset KAFKA_SECURITY_PROTOCOL KAFKA_BOOTSTRAP_SERVERS OFFSITE_KAFKA_CREDENTIALS OFFSITE_SCHEDULER_API_TOKEN

# hourly backup keys going back from now, newest last, as a bucket listing gives them
python3 - "$lines" >"$work/keys.txt" <<'EOF'
import sys, datetime
n = int(sys.argv[1])
end = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
for i in range(n - 1, -1, -1):
    t = end - datetime.timedelta(hours=i)
    print("backup-database/pokemon-data-" + t.strftime("%Y-%m-%dT%H-%M-%S") + ".000Z.sqlite3.db.gz")
EOF

declare -A samples cpu
# one measurement: wall time of the command minus the job's duration it reports ("... SUCCEEDED in 0.4 s"), and the
# CPU time (user + system) of the command's processes, which a loaded machine inflates far less than wall time
measure() {
  local name="$1"; shift
  local begin end out took cpu_ms
  begin="$(now_ms)"
  if ! out="$(/usr/bin/time -f 'cpu %U %S' -o "$work/time.txt" "$@" 2>&1)"; then
    echo "$out" | tail -n 20 >&2
    echo "bench/cli: '$name' failed" >&2
    exit 1
  fi
  end="$(now_ms)"
  cpu_ms="$(awk '/^cpu/ {printf "%d", ($2 + $3) * 1000}' "$work/time.txt")"
  took="$(echo "$out" | sed -n 's/.*: SUCCEEDED in \([0-9.]*\) s.*/\1/p' | tail -n 1)"
  local job_ms=0
  [ -n "$took" ] && job_ms="$(python3 -c "print(round($took * 1000))")"
  samples[$name]="${samples[$name]:-} $(( end - begin - job_ms ))"
  cpu[$name]="${cpu[$name]:-} $cpu_ms"
  printf '%-34s wall %6d ms  job %6d ms  cpu %6d ms\n' "$name" $(( end - begin )) "$job_ms" "$cpu_ms" >&2
}

# warm-up: the first command after a build also writes the class-data archive; the first run creates the series
"$offsite" run backup-database >/dev/null
"$offsite" backups >/dev/null

for rep in $(seq 1 "$reps"); do
  measure "java -version (reference)" java -version
  measure "--version" "$offsite" --version
  measure "--version, no class-data archive" env OFFSITE_CDS=0 "$offsite" --version
  measure "--version, from the nested jar" env OFFSITE_FAST_START=0 "$offsite" --version
  measure "run rotate-backups" "$offsite" run rotate-backups
  measure "run backup-database" "$offsite" run backup-database
  measure "backups" "$offsite" backups
  measure "plan-retention $lines" bash -c "'$offsite' plan-retention --keep-daily 7 --keep-weekly 4 --keep-monthly 12 <'$work/keys.txt' >/dev/null"
done

stats() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%d %d", m, a[NR]}'; }
read -r ref_median _ <<<"$(echo "${samples["java -version (reference)"]}" | stats)"
echo
echo "Java $(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $reps repetitions"
echo
echo "| command | goal | median | max | median / bare JVM start | CPU median |"
echo "|---|---:|---:|---:|---:|---:|"
for name in "java -version (reference)" "--version" "--version, no class-data archive" "--version, from the nested jar" \
    "run rotate-backups" "run backup-database" "backups" "plan-retention $lines"; do
  read -r median max <<<"$(echo "${samples[$name]}" | stats)"
  read -r cpu_median _ <<<"$(echo "${cpu[$name]}" | stats)"
  case "$name" in
    run*|backups) goal="1.5 s" ;;
    plan-retention*) goal="2 s" ;;
    *) goal="" ;;
  esac
  printf '| %s | %s | %.2f s | %.2f s | %.1f | %.2f s |\n' "$name" "$goal" "$(echo "$median / 1000" | bc -l)" "$(echo "$max / 1000" | bc -l)" \
    "$(echo "$median / $ref_median" | bc -l)" "$(echo "$cpu_median / 1000" | bc -l)"
done
