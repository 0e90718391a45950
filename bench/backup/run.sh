#!/usr/bin/env bash
# Backup benchmark: the backup worker's full job (snapshot + compress + hash + upload to a local S3 + verify),
# run as its own process at -Xmx256m, against shell pipelines doing the same on the same database, in one run.
#
#   bench/backup/run.sh [cards]        # default 1000000 cards (~1.4 GB); 200000 for a quicker run
#
# Needs: sqlite3, gzip, pigz, zstd, sha256sum, age-keygen (apt-get install sqlite3 pigz zstd age). Work files go to bench/work/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cards="${1:-1000000}"
work="$root/bench/work/backup"
mkdir -p "$work"
for tool in sqlite3 gzip pigz zstd sha256sum age-keygen; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y sqlite3 pigz zstd age" >&2; exit 1; }
done

./mvnw -B -q -DskipTests install -pl launcher,backup-worker -am >&2
launcher="$(ls launcher/target/launcher-*-exec.jar)"
worker="$(ls backup-worker/target/backup-worker-*-exec.jar)"

db="$work/cards-$cards.db"
if [ ! -f "$db" ]; then
  java -jar "$launcher" generate-demo "$db" --cards "$cards" --sets 500 >&2
fi
size=$(stat -c %s "$db")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
echo "database: $db ($(mb "$size") MB, $cards cards)"

# the encrypted jobs encrypt to this identity's recipient (the worker gets the public key only)
[ -f "$work/age-identity.txt" ] || age-keygen -o "$work/age-identity.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/age-identity.txt")

kafka_port=19092; s3_port=19000; http_port=18081
rm -rf "$work/stack" "$work/tmp"
java -jar "$launcher" infra --open --data "$work/stack" --kafka-port $kafka_port --s3-port $s3_port --no-postgres > "$work/infra.log" 2>&1 &
infra=$!
java -Xmx256m ${BENCH_WORKER_OPTS:-} -jar "$worker" --server.port=$http_port \
  --spring.kafka.bootstrap-servers=127.0.0.1:$kafka_port --offsite.s3.endpoint=http://127.0.0.1:$s3_port \
  --offsite.backup.temp-dir="$work/tmp" \
  --offsite.backup.sources.bench-gzip.type=sqlite --offsite.backup.sources.bench-gzip.path="$db" \
  --offsite.backup.sources.bench-gzip.series=bench-gzip --offsite.backup.sources.bench-gzip.file-prefix=cards \
  --offsite.backup.sources.bench-zstd.type=sqlite --offsite.backup.sources.bench-zstd.path="$db" \
  --offsite.backup.sources.bench-zstd.series=bench-zstd --offsite.backup.sources.bench-zstd.file-prefix=cards \
  --offsite.backup.sources.bench-zstd.compression=zstd \
  --offsite.backup.sources.bench-gzip-age.type=sqlite --offsite.backup.sources.bench-gzip-age.path="$db" \
  --offsite.backup.sources.bench-gzip-age.series=bench-gzip-age --offsite.backup.sources.bench-gzip-age.file-prefix=cards \
  --offsite.backup.sources.bench-gzip-age.encryption.recipients="$recipient" \
  --offsite.backup.sources.bench-zstd-age.type=sqlite --offsite.backup.sources.bench-zstd-age.path="$db" \
  --offsite.backup.sources.bench-zstd-age.series=bench-zstd-age --offsite.backup.sources.bench-zstd-age.file-prefix=cards \
  --offsite.backup.sources.bench-zstd-age.compression=zstd \
  --offsite.backup.sources.bench-zstd-age.encryption.recipients="$recipient" > "$work/worker.log" 2>&1 &
worker_pid=$!
cleanup() { kill "$worker_pid" "$infra" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http_port/actuator/health" >/dev/null 2>&1 && break
  sleep 1
done

cpu_of() { # pid -> user+system CPU seconds so far (process and all its threads)
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
job() { # source -> "wall cpu": seconds of the job as the worker reports it, and the worker's CPU seconds meanwhile
  local before after wall
  before=$(cpu_of "$worker_pid")
  wall=$(java -jar "$launcher" request backup "bench-$1" --param "source=bench-$1" --kafka 127.0.0.1:$kafka_port --timeout 30m \
    | sed -n "s/.*SUCCEEDED in \([0-9.]*\) s.*/\1/p")
  after=$(cpu_of "$worker_pid")
  echo "$wall $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')"
}
timed() { # command -> "wall cpu" seconds (cpu: user + system of the whole pipeline)
  /usr/bin/time -f "%e %U %S" -o "$work/time.out" bash -c "$1" >/dev/null 2>&1
  awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$work/time.out"
}

# one small job first, so the measured jobs run on a warm JVM, as in a long-running worker
java -jar "$launcher" request backup bench-warmup --param source=bench-gzip --kafka 127.0.0.1:$kafka_port --timeout 30m >/dev/null 2>&1 || true

# Every measured step starts from the same state: the previous step's files deleted and everything written so far
# flushed to disk, so no step pays for another's write-back. Each step runs once per round; the fastest run counts.
settle() {
  rm -f "$work/copy.db" "$work/out.gz" "$work/orig.gz" "$work/out.zst"
  sync
  sleep 2
}
fastest() { sort -n | head -1; }
rounds="${BENCH_ROUNDS:-4}"
: > "$work/runs.txt"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$rounds"); do
  settle; echo "ref_pigz $(timed "sqlite3 '$db' \".backup '$work/copy.db'\" && pigz -6 -p2 < '$work/copy.db' | tee >(sha256sum > '$work/pigz.sha') > '$work/out.gz'")" >> "$work/runs.txt"
  gz_size=$(stat -c %s "$work/out.gz")
  settle; echo "ref_orig $(timed "sqlite3 '$db' \".backup '$work/copy.db'\" && gzip -6 < '$work/copy.db' > '$work/orig.gz' && sha256sum '$work/orig.gz' > '$work/orig.sha'")" >> "$work/runs.txt"
  settle; echo "ref_zstd $(timed "sqlite3 '$db' \".backup '$work/copy.db'\" && zstd -q -3 -T2 < '$work/copy.db' | tee >(sha256sum > '$work/zstd.sha') > '$work/out.zst'")" >> "$work/runs.txt"
  zst_size=$(stat -c %s "$work/out.zst")
  # each job right beside its encrypted twin, which goes first in every other round (ABBA), so neither gains from
  # its place in the round
  if [ $((round % 2)) -eq 1 ]; then order="gzip gzip-age zstd zstd-age"; else order="gzip-age gzip zstd-age zstd"; fi
  for source in $order; do
    settle; echo "ours_${source//-/_} $(job "$source")" >> "$work/runs.txt"
  done
  echo "round $round of $rounds done" >&2
done
settle
for step in ref_pigz ref_orig ref_zstd ours_gzip ours_zstd ours_gzip_age ours_zstd_age; do
  printf -v "$step" '%s' "$(awk -v s="$step" '$1 == s { print $2, $3 }' "$work/runs.txt" | fastest)"
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$worker_pid/status")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
echo
echo "load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg); fastest of $rounds rounds (every run: $work/runs.txt)"
echo
echo "| pipeline | wall s | wall ratio | CPU s | CPU ratio |"
echo "|---|---|---|---|---|"
row() { echo "| $1 | $(wall "$2") | $(ratio "$(wall "$2")" "$(wall "$ref_pigz")") | $(cpu "$2") | $(ratio "$(cpu "$2")" "$(cpu "$ref_pigz")") |"; }
row "sqlite3 .backup + pigz -6 -p2 + sha256sum (reference)" "$ref_pigz"
row "Offsite backup job, gzip level 6 on 2 threads (incl. upload, publish, check)" "$ours_gzip"
row "sqlite3 .backup + gzip -6 + sha256sum (the original way)" "$ref_orig"
row "sqlite3 .backup + zstd -3 -T2 + sha256sum" "$ref_zstd"
row "Offsite backup job, zstd level 3 (incl. upload, publish, check)" "$ours_zstd"
row "Offsite backup job, gzip level 6, encrypted with age" "$ours_gzip_age"
row "Offsite backup job, zstd level 3, encrypted with age" "$ours_zstd_age"
echo
echo "Offsite gzip vs the original way: $(ratio "$(wall "$ref_orig")" "$(wall "$ours_gzip")")x faster (target >= 1.7)"
echo "Offsite gzip vs pigz pipeline: $(ratio "$(wall "$ours_gzip")" "$(wall "$ref_pigz")")x its time (target <= 1.15)"
echo "Offsite zstd vs zstd pipeline: $(ratio "$(wall "$ours_zstd")" "$(wall "$ref_zstd")")x its time (target <= 1.2)"
# each round runs a clear job and then its encrypted twin: their ratio per round, the median over the rounds, is less
# exposed to load that comes and goes than a ratio of two fastest runs
paired() { # clear-step encrypted-step field(2 wall, 3 cpu) -> median over rounds of encrypted / clear
  paste <(awk -v s="$1" -v f="$3" '$1 == s { print $f }' "$work/runs.txt") \
        <(awk -v s="$2" -v f="$3" '$1 == s { print $f }' "$work/runs.txt") \
    | awk '{ print $2 / $1 }' | sort -n \
    | awk '{ r[NR] = $1 } END { printf "%.2f", NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }'
}
echo "Offsite gzip encrypted vs not: $(ratio "$(wall "$ours_gzip_age")" "$(wall "$ours_gzip")")x its time, fastest runs;" \
  "$(paired ours_gzip ours_gzip_age 2)x wall, $(paired ours_gzip ours_gzip_age 3)x CPU, median of the rounds (target <= 1.05)"
echo "Offsite zstd encrypted vs not: $(ratio "$(wall "$ours_zstd_age")" "$(wall "$ours_zstd")")x its time, fastest runs;" \
  "$(paired ours_zstd ours_zstd_age 2)x wall, $(paired ours_zstd ours_zstd_age 3)x CPU, median of the rounds (target <= 1.10)"
echo "Backup worker peak RSS at -Xmx256m: $((rss_kb / 1024)) MB; compressed sizes: pigz $(mb "$gz_size") MB, zstd $(mb "$zst_size") MB"
