#!/usr/bin/env bash
# Scheduler start-up benchmark: publishes EVENTS events of 1,000 jobs to an embedded broker, then times a scheduler's
# start until it leads and until its first decision that depends on the whole history, against plain consumers
# reading the same records in the same run.
#
#   bench/startup/run.sh [EVENTS...]          default: 1000000 5000000
#
# Each size gets a fresh broker and an S3 server with an empty bucket (the scheduler's inventory lists it) under
# bench/work/startup/EVENTS; results go to bench/startup/results-EVENTS.md.
# SCHEDULER_HEAP sets the scheduler's -Xmx (default 1g); BENCH_CPUS pins every JVM to that many cores with taskset
# (default 2, the goal's machine) when taskset exists.
set -euo pipefail

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/bench/work/startup
HEAP=${SCHEDULER_HEAP:-1g}
CPUS=${BENCH_CPUS:-2}
mkdir -p "$WORK"
for tool in java python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

echo "== building"
MVN=(./mvnw -B -q)
[ -n "${MAVEN_REPO:-}" ] && MVN+=(-o "-Dmaven.repo.local=$MAVEN_REPO" -Dmaven.repo.local.tail=/root/.m2/repository)
(cd "$ROOT" && "${MVN[@]}" install -DskipTests -pl schemas,local-stack,scheduler-core -am \
  && "${MVN[@]}" -f scheduler-service/pom.xml test-compile \
  && "${MVN[@]}" -f scheduler-service/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt")
CP=$ROOT/scheduler-service/target/classes:$ROOT/scheduler-service/target/test-classes:$(cat "$WORK/classpath.txt")
PIN=()
PINNED="not pinned"
if command -v taskset >/dev/null && [ "$(nproc)" -ge "$CPUS" ]; then PIN=(taskset -c "0-$((CPUS - 1))"); PINNED="pinned to $CPUS cores"; fi
step() { local opts=$1; shift; "${PIN[@]}" java $opts -cp "$CP" io.offsite.scheduler.bench.StartupBench "$@"; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | tail -1; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

BROKER_PID=
stop_broker() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=; fi
}
trap stop_broker EXIT

for EVENTS in "${SIZES[@]}"; do
  DIR=$WORK/$EVENTS
  rm -rf "$DIR"; mkdir -p "$DIR"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  BOOT=127.0.0.1:$PORT
  echo "== $EVENTS events: broker on $BOOT"
  "${PIN[@]}" java -Xmx2g -cp "$CP" io.offsite.scheduler.bench.StartupBench broker "$DIR/broker" "$PORT" > "$DIR/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 120); do grep -q '^READY' "$DIR/broker.log" && break; sleep 1; done
  grep -q '^READY' "$DIR/broker.log" || { echo "broker did not start, see $DIR/broker.log" >&2; exit 1; }
  S3=$(sed -n 's/^READY [^ ]* \(.*\)$/\1/p' "$DIR/broker.log")

  echo "== publishing"
  PUB=$(step "-Xmx1g" publish "$BOOT" "$EVENTS" "$DIR" 2>"$DIR/publish.log" | tee -a "$DIR/publish.log" | grep '^RESULT')
  echo "$PUB"
  sync; sleep 5   # the broker's flush of what was just written is not timed
  echo "== reference consumers"
  REF=$(step "-Xmx1g" reference "$BOOT" 2>"$DIR/reference.log" | tee -a "$DIR/reference.log" | grep '^RESULT')
  echo "$REF"
  echo "== scheduler (-Xmx$HEAP)"
  SCH=$(step "-Xmx$HEAP" scheduler "$BOOT" "$DIR" "$S3" 2>"$DIR/scheduler.log" | tee -a "$DIR/scheduler.log" | grep '^RESULT')
  echo "$SCH"
  stop_broker

  PLAIN=$(field plain_s "$REF"); TUNED=$(field tuned_s "$REF"); DECODE=$(field decode_s "$REF")
  LEAD=$(field leading_s "$SCH"); DECIDE=$(field decision_s "$SCH")
  cat > "$ROOT/bench/startup/results-$EVENTS.md" <<MD
# Scheduler start-up, $EVENTS events ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) vCPUs, JVMs $PINNED)

| what | value |
|---|---|
| events published | $(field events "$PUB") ($(field history_days "$PUB") days of history, 1,000 jobs, ~$(field avg_bytes "$PUB") bytes per request/completion) |
| publish (batching producer, EventSerializer) | $(field publish_s "$PUB") s ($(field rate "$PUB") events/s) |
| reference: plain KafkaConsumer, default settings, read and discard | $PLAIN s |
| reference: KafkaConsumer with the reader's fetch settings, read and discard | $TUNED s |
| reference: same, read and decode (EventCodec) | $DECODE s (CPU $(field decode_cpu_s "$REF") s) |
| scheduler: Spring context up | $(field context_s "$SCH") s |
| scheduler: start → leading (read up to the end offsets) | $LEAD s ($(ratio "$LEAD" "$PLAIN") × plain, $(ratio "$LEAD" "$DECODE") × read+decode); CPU $(field leading_cpu_s "$SCH") s, of which $(field context_cpu_s "$SCH") s until the context was up |
| scheduler: start → first correct decision (retry of the newest failed run) | $DECIDE s ($(ratio "$DECIDE" "$PLAIN") × plain) |
| heap used after GC (scheduler JVM, -Xmx$HEAP) | $(field heap_mb "$SCH") MB |
| decisions published in the first 3 s (1 expected) | $(field decisions "$SCH") (unexpected: $(field unexpected "$SCH")) |
| API: last success wrong / jobs checked | $(field last_success_wrong "$SCH") |
| API: newest run wrong (11 jobs checked) | $(field newest_run_wrong "$SCH") |
| API: historyFrom, truncated | $(field history_from "$SCH"), $(field truncated "$SCH") |
MD
  echo "== wrote bench/startup/results-$EVENTS.md"
done
