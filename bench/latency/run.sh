#!/usr/bin/env bash
# Dependency latency benchmark: starts `offsite local --open` (the launcher's exec jar, every part in-process on free
# loopback ports, a temp data folder), publishes CHAINS completions of the external job sync-missing-cards as its
# system would, and times each until the scheduler's request of the dependent replicate-to-primary is published
# (Kafka CreateTime of both records, and the probe's own send → receive clock). Reference in the same run: a plain
# produce → consume round trip and a plain consume → produce relay on the same broker.
#
#   bench/latency/run.sh [CHAINS] [WARMUP]      default 200 chains after 5 warm-up chains
#
# Maven options (offline, another local repository) go in MAVEN_ARGS, which Maven reads itself. BENCH_NO_BUILD=1
# uses launcher/target/launcher-*-exec.jar as it is. The table goes to bench/latency/results.md; the work folder
# (logs, data) is removed at the end unless BENCH_KEEP=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/latency"
cd "$root"
CHAINS="${1:-200}"
WARMUP="${2:-5}"
for tool in java javac jar python3 curl timeout; do
  command -v "$tool" >/dev/null || { echo "latency: '$tool' is needed on the PATH" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/offsite-latency.XXXXXX")"
LOCAL_PID=""
postgres_pid() { # the embedded PostgreSQL of our data folder, which outlives a killed launcher
  local p; p="$(head -1 "$WORK/data/postgres/postmaster.pid" 2>/dev/null || true)"
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "$WORK/data/postgres" && echo "$p"
  return 0
}
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$LOCAL_PID" ] && kill -0 "$LOCAL_PID" 2>/dev/null; then
    kill -TERM "$LOCAL_PID" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$LOCAL_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$LOCAL_PID" 2>/dev/null || true
  fi
  local pg; pg="$(postgres_pid)"
  [ -n "$pg" ] && kill -TERM "$pg" 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "latency: work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "== building (./mvnw -B -q -DskipTests package -pl launcher -am)" >&2
  ./mvnw -B -q -DskipTests package -pl launcher -am >&2
fi
jar="$(ls "$root"/launcher/target/launcher-*-exec.jar 2>/dev/null | head -n 1)"
[ -n "$jar" ] || { echo "latency: no launcher/target/launcher-*-exec.jar" >&2; exit 2; }
mkdir -p "$WORK/cp" "$WORK/probe"
cp "$jar" "$WORK/launcher.jar" # a build during the run does not pull the jar from under the running system
jar="$WORK/launcher.jar"
(cd "$WORK/cp" && jar xf "$jar")
CP="$WORK/cp/BOOT-INF/classes:$WORK/cp/BOOT-INF/lib/*"
javac -nowarn -cp "$CP" -d "$WORK/probe" "$here/src/LatencyProbe.java"

# free loopback ports: Kafka, S3, PostgreSQL, and four in a row for the scheduler and the three workers
read -r KPORT S3PORT PGPORT HTTP <<<"$(python3 - <<'PY'
import socket
def free(n=1):
    while True:
        s = socket.socket(); s.bind(("127.0.0.1", 0)); base = s.getsockname()[1]; s.close()
        if base + n > 65535: continue
        try:
            held = []
            for p in range(base, base + n):
                t = socket.socket(); t.bind(("127.0.0.1", p)); held.append(t)
            for t in held: t.close()
            return base
        except OSError:
            for t in held: t.close()
print(free(), free(), free(), free(4))
PY
)"
BOOT="127.0.0.1:$KPORT"
echo "== offsite local --open (Kafka $BOOT, scheduler http://127.0.0.1:$HTTP, data $WORK/data)" >&2
java ${OFFSITE_JAVA_OPTS:-} -jar "$jar" local --open --data "$WORK/data" --kafka-port "$KPORT" --s3-port "$S3PORT" \
  --postgres-port "$PGPORT" --http-port "$HTTP" > "$WORK/local.log" 2>&1 &
LOCAL_PID=$!
for _ in $(seq 300); do
  grep -q 'Offsite is running' "$WORK/local.log" && break
  kill -0 "$LOCAL_PID" 2>/dev/null || { tail -40 "$WORK/local.log" >&2; echo "latency: offsite local stopped" >&2; exit 1; }
  sleep 1
done
grep -q 'Offsite is running' "$WORK/local.log" || { tail -40 "$WORK/local.log" >&2; echo "latency: offsite local did not start in 300 s" >&2; exit 1; }

echo "== $CHAINS chains after $WARMUP warm-up chains" >&2
# bounded: a chain waits at most 2 minutes for its request and 5 for the replication; the whole probe at most this
timeout $(( 600 + CHAINS * 10 )) java -cp "$CP:$WORK/probe" LatencyProbe "$BOOT" "$CHAINS" "$WARMUP" | tee "$WORK/probe.log" >&2
RES="$(grep '^RESULT' "$WORK/probe.log")"
field() { grep "^RESULT $1 " <<<"$RES" | sed -n "s/.*\b$2=\([^ ]*\).*/\1/p"; }
ratio() { python3 -c "print(f'{$1 / $2:.1f}')"; }
row() { echo "| $1 | $(field "$2" p50_ms) | $(field "$2" p90_ms) | $(field "$2" p99_ms) | $(field "$2" max_ms) |"; }
ticks="$(grep -c 'Scheduler tick failed' "$WORK/local.log" || true)"
cat > "$here/results.md" <<MD
# Dependency latency ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))

$(field chain_create n) chains (after $WARMUP warm-up chains): completion of \`sync-missing-cards\` published → request of
\`replicate-to-primary\` published, on \`offsite local --open\`.

| what | p50 ms | p90 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|
$(row "scheduler: completion → dependent request, by the records' CreateTime" chain_create)
$(row "scheduler: the same, probe's clock (send → request received)" chain_probe)
$(row "reference: relay (read_committed consumer → idempotent acks=all producer), by CreateTime" relay_create)
$(row "reference: relay, probe's clock (send → relayed record received)" relay_probe)
$(row "reference: plain round trip (send → received)" roundtrip)

Ratios, scheduler / relay (probe's clock): p50 $(ratio "$(field chain_probe p50_ms)" "$(field relay_probe p50_ms)"), p99 $(ratio "$(field chain_probe p99_ms)" "$(field relay_probe p99_ms)");
scheduler / plain round trip (probe's clock): p50 $(ratio "$(field chain_probe p50_ms)" "$(field roundtrip p50_ms)"), p99 $(ratio "$(field chain_probe p99_ms)" "$(field roundtrip p99_ms)").
Replications that did not succeed: $(grep '^RESULT chains' <<<"$RES" | sed 's/.*replications_not_succeeded=//'); failed ticks in the log: $ticks.
MD
cat "$here/results.md"
