#!/usr/bin/env bash
# Fault campaign: real processes on loopback (embedded Kafka + S3Proxy + PostgreSQL, two backup workers, two
# schedulers, a TCP proxy in front of S3), one scenario after another, each checked for what is lost, duplicated or
# left behind. One line per scenario: PASS|FAIL|SKIP <name> <recovery time> <what was checked>. Exits 1 if any FAILs.
#
#   bench/faults/run.sh [--only NAME[,NAME]] [--quick] [--keep] [--no-build] [--list]
#
# Environment: FAULTS_CLASSPATH  run every process from this Java classpath instead of building (the JUnit test
#              passes its own); FAULTS_MAVEN_ARGS  extra Maven arguments for the build (e.g. -o);
#              FAULTS_CARDS  cards in the large demo database (default 400000, ~350 MB);
#              FAULTS_SWEEP_ARGS  extra worker arguments for the stale-upload sweep (see README.md).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/faults"
cd "$root"

ALL="duplicate-requests poison-records leader-kill worker-kill9 worker-sigterm scheduler-retry-kill9 s3-outage concurrent-200 full-temp-disk infra-kill9"
QUICK="duplicate-requests poison-records worker-sigterm"
only=""; quick=0; keep=0; build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only="${2//,/ }"; shift ;;
    --quick) quick=1 ;;
    --keep) keep=1 ;;
    --no-build) build=0 ;;
    --list) echo "$ALL"; echo "quick: $QUICK"; exit 0 ;;
    *) echo "usage: bench/faults/run.sh [--only NAME[,NAME]] [--quick] [--keep] [--no-build] [--list]" >&2; exit 2 ;;
  esac
  shift
done
selected="$ALL"
[ "$quick" = 1 ] && selected="$QUICK"
if [ -n "$only" ]; then
  for n in $only; do
    case " $ALL " in *" $n "*) ;; *) echo "unknown scenario '$n'; known: $ALL" >&2; exit 2 ;; esac
  done
  selected="$only"
fi
wants() { case " $selected " in *" $1 "*) return 0 ;; esac; return 1; }

for tool in java javac python3 curl; do
  command -v "$tool" >/dev/null || { echo "faults: '$tool' is needed on the PATH" >&2; exit 2; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/offsite-faults.XXXXXX")"
mkdir -p "$WORK/pids" "$WORK/logs" "$WORK/app"
RESULTS="$WORK/results.txt"; : > "$RESULTS"
suite_start=$(date +%s)
log() { echo "[faults $(date +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- processes: started, tracked and stopped by PID
# Every process the suite starts has a pid file in $WORK/pids; processes it must not lose track of (the embedded
# PostgreSQL of a killed infra process) are added to $WORK/pids/extra. Nothing else is ever signalled.
# a process that has exited but not been reaped yet (a zombie, state Z) is not running: its parent may be a PID 1
# that does not reap, as in some containers
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }
pid_of() { cat "$WORK/pids/$1" 2>/dev/null || true; }
descendants() { # pid -> every descendant pid, deepest last
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}
postgres_pid() { # -> pid of the embedded PostgreSQL of the suite's infra folder (it detaches from infra), if running
  local p; p="$(head -1 "$WORK/infra/postgres/postmaster.pid" 2>/dev/null)"
  alive "$p" && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "-D $WORK/infra/postgres" && echo "$p"
  return 0
}
track_descendants() { # remember the children of a process before it is killed, so its orphans are stopped too
  local p; for p in $(descendants "$1"); do echo "$p" >> "$WORK/pids/extra"; done
}
kill_tree() { # signal pid [and its descendants]
  local sig="$1" pid="$2" d
  alive "$pid" || return 0
  d="$(descendants "$pid")"
  kill "-$sig" "$pid" 2>/dev/null || true
  [ "$sig" = 9 ] && for p in $d; do kill -9 "$p" 2>/dev/null || true; done
  return 0
}
wait_gone() { # pid seconds -> 0 when the process ended in time
  local i; for i in $(seq 1 $(( $2 * 5 ))); do alive "$1" || return 0; sleep 0.2; done; return 1
}
stop() { # name [signal]: stops a started process; TERM waits 45 s then kills
  local pid; pid="$(pid_of "$1")"
  alive "$pid" || { rm -f "$WORK/pids/$1"; return 0; }
  if [ "${2:-TERM}" = 9 ]; then
    track_descendants "$pid"; [ "$1" = infra ] && postgres_pid >> "$WORK/pids/extra"; kill -9 "$pid" 2>/dev/null
  else
    kill -TERM "$pid" 2>/dev/null; wait_gone "$pid" 45 || { track_descendants "$pid"; kill -9 "$pid"; }
  fi
  wait_gone "$pid" 10 || true
  rm -f "$WORK/pids/$1"
}
cleanup() {
  local f pid extra
  trap - EXIT INT TERM
  postgres_pid >> "$WORK/pids/extra"
  for f in "$WORK"/pids/*; do
    [ -f "$f" ] || continue
    for pid in $(cat "$f"); do
      alive "$pid" || continue
      extra="$(descendants "$pid")"
      kill -9 "$pid" 2>/dev/null || true
      for p in $extra; do kill -9 "$p" 2>/dev/null || true; done
    done
  done
  local mnt; mnt="$(cat "$WORK/tmpfs.path" 2>/dev/null || true)"
  if [ -n "$mnt" ] && mountpoint -q "$mnt" 2>/dev/null; then umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true; fi
  if [ "$keep" = 1 ]; then echo "faults: data kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- build and classpath
if [ -n "${FAULTS_CLASSPATH:-}" ]; then
  CP="$FAULTS_CLASSPATH"
else
  if [ "$build" = 1 ]; then
    log "building (./mvnw -B -q -DskipTests package -pl launcher -am ${FAULTS_MAVEN_ARGS:-})"
    # shellcheck disable=SC2086
    ./mvnw -B -q -DskipTests package -pl launcher -am ${FAULTS_MAVEN_ARGS:-} >&2 || { echo "faults: build failed" >&2; exit 2; }
  fi
  jar="$(ls "$root"/launcher/target/launcher-*-exec.jar 2>/dev/null | head -n 1)"
  [ -n "$jar" ] || { echo "faults: no launcher/target/launcher-*-exec.jar; run without --no-build" >&2; exit 2; }
  # the exec jar's nested layout, unpacked once: every service's main class runs from this one classpath
  mkdir -p "$WORK/cp" && (cd "$WORK/cp" && jar xf "$jar")
  CP="$WORK/cp/BOOT-INF/classes:$WORK/cp/BOOT-INF/lib/*"
fi
mkdir -p "$WORK/probe"
javac -nowarn -cp "$CP" -d "$WORK/probe" "$here/src/FaultProbe.java" || { echo "faults: cannot compile FaultProbe" >&2; exit 2; }
JAVA="java -XX:+UseSerialGC -XX:TieredStopAtLevel=1"

# The stale-upload sweep's settings, read from the classes at run time: any offsite.* setting whose name speaks of
# stale/orphaned uploads or a sweep gets a short value, so that the sweep runs within the scenario. Unknown settings
# are ignored by Spring Boot, so without such settings the check simply finds the uploads still open and FAILs.
SWEEP_SETTINGS="$(java -cp "$CP:$WORK/probe" FaultProbe settings 2>/dev/null | grep -E '(stale|sweep|orphan|abandon)' || true)"
SWEEP_ARGS="${FAULTS_SWEEP_ARGS:-}"
for name in $SWEEP_SETTINGS; do
  case "$name" in
    *.enabled) SWEEP_ARGS="$SWEEP_ARGS --$name=true" ;;
    *interval|*period|*every|*delay) SWEEP_ARGS="$SWEEP_ARGS --$name=5s" ;;
    *margin|*grace) SWEEP_ARGS="$SWEEP_ARGS --$name=20s" ;;
    *age|*after|*older-than|*threshold) SWEEP_ARGS="$SWEEP_ARGS --$name=60s" ;;
  esac
done
KPORT=$(free_port); S3PORT=$(free_port); PGPORT=$(free_port); PROXYPORT=$(free_port)
WPORT_A=$(free_port); WPORT_B=$(free_port); WPORT_A2=$(free_port); SPORT_1=$(free_port); SPORT_2=$(free_port)
declare -A WPORT=([a]=$WPORT_A [b]=$WPORT_B) SPORT=([1]=$SPORT_1 [2]=$SPORT_2)

probe() { KAFKA="127.0.0.1:$KPORT" S3_ENDPOINT="http://127.0.0.1:$S3PORT" java -XX:TieredStopAtLevel=1 -cp "$CP:$WORK/probe" FaultProbe "$@"; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }

# ---------------------------------------------------------------- demo databases
cards="${FAULTS_CARDS:-400000}"
[ "$quick" = 1 ] && cards="${FAULTS_CARDS:-250000}"
cache="$root/bench/work/faults"; mkdir -p "$cache"
demo() { # name cards -> path of a cached demo database
  local f="$cache/demo-$2.db"
  if [ ! -f "$f" ]; then
    $JAVA -cp "$CP" io.offsite.launcher.OffsiteCli generate-demo "$f.part" --cards "$2" --sets 150 >&2 && mv "$f.part" "$f"
  fi
  cp "$f" "$WORK/app/$1.db"
}
demo big "$cards"
demo small 2000
demo many 200
cp "$WORK/app/small.db" "$WORK/app/good-flaky.db"
log "databases ready: big $(du -m "$WORK/app/big.db" | cut -f1) MB ($cards cards)"

# ---------------------------------------------------------------- the stack
start_infra() {
  grep -c "are running" "$WORK/logs/infra.log" 2>/dev/null > "$WORK/infra.starts" || echo 0 > "$WORK/infra.starts"
  local pg="--postgres-port $PGPORT"
  [ "${NEED_POSTGRES:-1}" = 1 ] || pg="--no-postgres"
  # --open: the suite's workers, schedulers and probe are plain Kafka clients (authentication is tested elsewhere)
  # shellcheck disable=SC2086
  setsid $JAVA -Xmx768m -cp "$CP" io.offsite.launcher.OffsiteCli infra --open --data "$WORK/infra" --kafka-port "$KPORT" --s3-port "$S3PORT" $pg \
    >> "$WORK/logs/infra.log" 2>&1 &
  disown $! 2>/dev/null || true
  echo $! > "$WORK/pids/infra"
}
await_infra() { # seconds -> 0 when infra says it runs; 1 when it exited or timed out
  local i pid; pid="$(pid_of infra)"
  for i in $(seq 1 $(( $1 * 2 ))); do
    [ "$(grep -c 'are running' "$WORK/logs/infra.log" 2>/dev/null)" -gt "$(cat "$WORK/infra.starts")" ] && return 0
    alive "$pid" || return 1
    sleep 0.5
  done
  return 1
}
start_proxy() {
  setsid python3 "$here/tcp_proxy.py" "$PROXYPORT" "$S3PORT" >> "$WORK/logs/proxy.log" 2>&1 &
  disown $! 2>/dev/null || true
  echo $! > "$WORK/pids/proxy"
}
s3_down() { kill -USR1 "$(pid_of proxy)"; }
s3_up() { kill -USR2 "$(pid_of proxy)"; }

worker_args() { # name -> the backup worker's arguments
  local n="$1"
  echo "--server.port=${WPORT[$n]} --spring.kafka.bootstrap-servers=127.0.0.1:$KPORT"
  echo "--offsite.s3.endpoint=http://127.0.0.1:$PROXYPORT --offsite.backup.temp-dir=${TEMP_DIR:-$WORK/tmp-$n}"
  echo "--offsite.worker.max-run-time=${WORKER_MAX_RUN_TIME:-60s} --offsite.worker.shutdown-grace=20s"
  echo "--spring.main.banner-mode=off --logging.level.org.apache.kafka=WARN --logging.level.org.springframework.kafka.listener=INFO"
  local s
  for s in big small many flaky; do
    echo "--offsite.backup.sources.$s.type=sqlite --offsite.backup.sources.$s.path=$WORK/app/$s.db"
    echo "--offsite.backup.sources.$s.series=$s --offsite.backup.sources.$s.file-prefix=$s"
  done
  echo "--offsite.backup.sources.big.compression=gzip --offsite.backup.sources.big.level=1"
  echo "$SWEEP_ARGS"
}
start_worker() { # name [extra args...]
  local n="$1"; shift
  mkdir -p "$WORK/tmp-$n"
  grep -c "partitions assigned" "$WORK/logs/worker-$n.log" 2>/dev/null > "$WORK/assigned-$n" || echo 0 > "$WORK/assigned-$n"
  # shellcheck disable=SC2046
  setsid $JAVA -Xmx512m -cp "$CP" io.offsite.backup.BackupWorkerApplication $(worker_args "$n") "$@" \
    >> "$WORK/logs/worker-$n.log" 2>&1 &
  disown $! 2>/dev/null || true
  echo $! > "$WORK/pids/worker-$n"
}
API_TOKEN="fault-suite-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" # the schedulers' API token, this run only
start_scheduler() { # number; faults-tick (every 10 s) is configured only while TICK=1
  local n="$1" j=--offsite.scheduler.jobs
  local args=(--server.port="${SPORT[$n]}" --server.address=127.0.0.1 --spring.kafka.bootstrap-servers="127.0.0.1:$KPORT" --spring.main.banner-mode=off
    --logging.level.org.apache.kafka=WARN --offsite.scheduler.instance-id="scheduler-$n"
    $j.faults-retry.type=BACKUP $j.faults-retry.timeout=2m $j.faults-retry.retries=1 $j.faults-retry.retry-delay=20s
    $j.faults-retry.parameters.source=flaky
    $j.faults-s3.type=BACKUP $j.faults-s3.timeout=2m $j.faults-s3.retries=2 $j.faults-s3.retry-delay=5s
    $j.faults-s3.parameters.source=big)
  if [ "${TICK:-0}" = 1 ]; then
    args+=("$j.faults-tick.type=BACKUP" "$j.faults-tick.cron=*/10 * * * * *" "$j.faults-tick.zone=UTC" "$j.faults-tick.timeout=1m"
      "$j.faults-tick.parameters.source=small")
  fi
  OFFSITE_SCHEDULER_API_TOKEN="$API_TOKEN" setsid $JAVA -Xmx384m -cp "$CP" io.offsite.scheduler.SchedulerApplication "${args[@]}" >> "$WORK/logs/scheduler-$n.log" 2>&1 &
  disown $! 2>/dev/null || true
  echo $! > "$WORK/pids/scheduler-$n"
}
await_http() { # port seconds path -> 0 when the service answers
  local i; for i in $(seq 1 $(( $2 * 2 ))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1${3:-/actuator/health}")" != 000 ] && return 0
    sleep 0.5
  done; return 1
}
await_log() { # file pattern seconds [count] -> 0 when the pattern appears (at least count times)
  local i; for i in $(seq 1 $(( $3 * 2 ))); do
    [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "${4:-1}" ] && return 0; sleep 0.5
  done; return 1
}
# a worker is ready when its request consumer got partitions (Spring Kafka logs the assignment)
worker_ready() { await_http "${WPORT[$1]}" "${2:-90}" && await_log "$WORK/logs/worker-$1.log" "partitions assigned" 30 "$(( $(cat "$WORK/assigned-$1") + 1 ))"; }
schedulers_need_tick() { [ "$(cat "$WORK/tick" 2>/dev/null)" = "${TICK:-0}" ]; }
leader() { # -> number of the scheduler that leads (waits up to 20 s for one), or nothing
  local n i; for i in $(seq 1 20); do
    for n in 1 2; do
      curl -s -m 5 "http://127.0.0.1:${SPORT[$n]}/actuator/prometheus" 2>/dev/null | grep -q '^offsite_scheduler_leader.* 1\.0' && { echo "$n"; return; }
    done
    sleep 1
  done
}
ensure_stack() { # starts whatever is missing; schedulers are restarted when the tick job must change
  local n started=""
  if ! alive "$(pid_of infra)"; then start_infra
    await_infra 120 || { log "infra does not start: $(tail -3 "$WORK/logs/infra.log")"; return 1; }
  fi
  alive "$(pid_of proxy)" || { start_proxy; sleep 0.5; }
  for n in a b; do alive "$(pid_of "worker-$n")" || { start_worker "$n"; started="$started w$n"; }; done
  if [ "${NEED_SCHEDULERS:-1}" = 1 ]; then
    if ! schedulers_need_tick; then stop scheduler-1; stop scheduler-2; fi
    echo "${TICK:-0}" > "$WORK/tick"
    for n in 1 2; do alive "$(pid_of "scheduler-$n")" || { start_scheduler "$n"; started="$started s$n"; }; done
  fi
  for n in a b; do case "$started" in *w$n*) worker_ready "$n" 120 || true ;; esac; done
  for n in 1 2; do case "$started" in *s$n*) await_http "${SPORT[$n]}" 120 /actuator/health/liveness || true ;; esac; done
  if [ "${NEED_SCHEDULERS:-1}" = 1 ]; then
    local i; for i in 1 2 3; do [ -n "$(leader)" ] && break; done
  fi
  sleep 2
}

# ---------------------------------------------------------------- checks shared by scenarios
result() { # status name recovery checked...
  local line; line="$(printf '%s %s %s %s' "$1" "$2" "$3" "${*:4}")"
  echo "$line" | tee -a "$RESULTS"
}
events_of() { probe events | awk -F'\t' -v r="$1" '$2 == r'; }
open_uploads() { probe uploads _incoming/ 2>/dev/null; }
new_open_uploads() { # open uploads that were not open when the scenario began
  open_uploads | grep -v -x -F -f "$WORK/uploads.before" || true
}
key_part() { # runId or instant -> the part of a backup key naming its scheduledFor
  local at="${1#*@}"; echo "${at//:/-}"
}
backups_in() { probe objects "$1/" 2>/dev/null | awk -F'\t' '$1 !~ /\.(sha256|verified)$/' ; }
temp_leftovers() { # dir -> snapshot files left in a worker's temp folder (over 64 KB, or named like a database)
  find "$1" -type f \( -size +64k -o -name '*.db*' -o -name '*sqlite*' \) 2>/dev/null
}
worker_of_pid() { # "backup-worker@host:pid" -> a|b
  local p="${1##*:}"; p="${p%%#*}"
  [ "$p" = "$(pid_of worker-a)" ] && echo a && return
  [ "$p" = "$(pid_of worker-b)" ] && echo b && return
  echo "?"
}
await_started() { # runId seconds -> the worker string of its first STARTED
  local i w; for i in $(seq 1 "$2"); do
    w="$(events_of "$1" | awk -F'\t' '$1 == "STARTED" { print $8; exit }')"
    [ -n "$w" ] && { echo "$w"; return 0; }; sleep 1
  done; return 1
}
await_snapshot_uploading() { # worker -> waits until its temp folder holds a snapshot, then a little more (upload under way)
  local i; for i in $(seq 1 60); do
    [ -n "$(temp_leftovers "$WORK/tmp-$1")" ] && { sleep "${2:-3}"; return 0; }; sleep 0.5
  done; return 1
}

# ================================================================ scenarios
# Each runs in its own subshell with its own timeout; it prints its result line(s) with `result`.

s_duplicate_requests() {
  local at run2 ev n ok=1 why=""
  at="$(date -u -d '-10 seconds' +%Y-%m-%dT%H:%M:%S.000Z)"
  COPIES=2 probe publish backup faults-dup "faults-dup@$at" "$at" source=small >/dev/null
  probe await 60 "faults-dup@$at" >/dev/null || { why="no completion of the duplicated request"; ok=0; }
  sleep 3
  ev="$(events_of "faults-dup@$at")"
  n="$(echo "$ev" | awk -F'\t' '$1 == "COMPLETED" && $5 == "SUCCEEDED"' | grep -c . )"
  [ "$n" -ge 1 ] || { ok=0; why="$why; the request did not succeed ($(echo "$ev" | awk -F'\t' '$1=="COMPLETED"{print $5, $6}' | head -2))"; }
  echo "$ev" | awk -F'\t' '$1 == "COMPLETED" && $5 != "SUCCEEDED"' | grep -q . && { ok=0; why="$why; a copy completed $(echo "$ev" | awk -F'\t' '$1=="COMPLETED" && $5!="SUCCEEDED"{print $5, $6; exit}')"; }
  local key; key="$(backups_in small | grep -c "small-${at//:/-}" || true)"
  [ "$key" = 1 ] || { ok=0; why="$why; $key backup objects for the run (expected 1)"; }
  # the same runId for another scheduledFor
  local at2; at2="$(date -u -d '-5 seconds' +%Y-%m-%dT%H:%M:%S.000Z)"
  probe publish backup faults-dup "faults-dup@$at" "$at2" source=small >/dev/null
  sleep 1
  local i rej=""
  for i in $(seq 1 30); do
    rej="$(events_of "faults-dup@$at" | awk -F'\t' '$1 == "COMPLETED" && $5 == "REJECTED" { print $6 }' | head -1)"
    [ -n "$rej" ] && break; sleep 1
  done
  [ "$rej" = DUPLICATE_RUN_ID ] || { ok=0; why="$why; the same runId with another scheduledFor was answered '${rej:-nothing}' (expected REJECTED DUPLICATE_RUN_ID)"; }
  n="$(backups_in small | grep -c "small-${at2//:/-}" || true)"
  [ "$n" = 0 ] || { ok=0; why="$why; the conflicting request stored a backup"; }
  [ -z "$(new_open_uploads)" ] || { ok=0; why="$why; open uploads: $(new_open_uploads | head -3 | tr '\n' ' ')"; }
  if [ $ok = 1 ]; then result PASS duplicate-requests - "request published twice: one backup object, every copy SUCCEEDED; same runId with another scheduledFor: REJECTED DUPLICATE_RUN_ID, nothing stored; no open upload"
  else result FAIL duplicate-requests - "${why#; }"; fi
}

s_poison_records() {
  local t topic ok=1 why="" before_tick
  local topics="offsite.requests.backup offsite.requests.rotation offsite.requests.replication offsite.requests.verify offsite.job-events offsite.scheduler.leadership"
  before_tick="$(probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick"' | grep -c .)"
  # shellcheck disable=SC2086
  probe poison $topics >/dev/null || { ok=0; why="$why; cannot publish the poison records"; }
  t=$(now_ms)
  # workers keep completing: a request published after the poison succeeds
  local run; run="$(probe publish backup faults-after-poison auto now source=small)"
  probe await 90 "$run" >/dev/null || { ok=0; why="$why; no completion of a request after the poison"; }
  local st; st="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" { print $5; exit }')"
  [ "$st" = SUCCEEDED ] || { ok=0; why="$why; request after the poison: ${st:-none}"; }
  local rec=$(( $(now_ms) - t ))
  # schedulers keep firing: faults-tick (every 10 s) requested and completed after the poison
  # a fire is a request, or a SKIPPED completion when the exclusive job's previous run is still going (a loaded
  # machine): both are the scheduler deciding; wait up to 30 s for two of them
  local after_tick skipped fires i
  for i in $(seq 1 30); do
    after_tick="$(probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick"' | grep -c .)"
    skipped="$(probe events | awk -F'\t' -v t="$t" '$1 == "COMPLETED" && $3 == "faults-tick" && $5 == "SKIPPED" && $9 > t' | grep -c .)"
    fires=$(( after_tick - before_tick + skipped ))
    [ "$fires" -ge 2 ] && break
    sleep 1
  done
  [ "$fires" -ge 2 ] || { ok=0; why="$why; the scheduler stopped firing (faults-tick requests $before_tick -> $after_tick, $skipped skipped)"; }
  local ticks_ok; ticks_ok="$(probe events | awk -F'\t' -v t="$t" '$1 == "COMPLETED" && $3 == "faults-tick" && $5 == "SUCCEEDED" && $9 > t' | grep -c .)"
  [ "$ticks_ok" -ge 1 ] || { ok=0; why="$why; no faults-tick run completed after the poison"; }
  local n; for n in worker-a worker-b scheduler-1 scheduler-2; do alive "$(pid_of $n)" || { ok=0; why="$why; $n died"; }; done
  for n in 1 2; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${SPORT[$n]}/actuator/health/liveness")" = 200 ] || { ok=0; why="$why; scheduler-$n liveness not UP"; }
  done
  local dlt; dlt="$(probe count offsite.requests.backup.dlt 2>/dev/null || echo '?')"
  if [ $ok = 1 ]; then result PASS poison-records "$(secs $rec)" "3 poison records (15-byte bomb, random, 900 KB) on each of 6 topics: workers and schedulers alive, a backup completed, faults-tick fired $fires time(s) and completed, $dlt records on the backup dead-letter topic"
  else result FAIL poison-records "$(secs $rec)" "${why#; }"; fi
}

s_leader_kill() {
  local ok=1 why="" l t_kill i
  # wait for a fire, then kill the leader 2 s after it
  local start; start=$(now_ms)
  for i in $(seq 1 30); do [ -n "$(leader)" ] && break; sleep 1; done
  l="$(leader)"; [ -n "$l" ] || { result FAIL leader-kill - "no scheduler leads"; return; }
  local first; first="$(probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick"' | wc -l)"
  for i in $(seq 1 25); do
    [ "$(probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick"' | wc -l)" -gt "$first" ] && break; sleep 0.5
  done
  sleep 2
  local last_sf; last_sf="$(probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick" { print $4 }' | sort | tail -1)"
  [ -n "$last_sf" ] || { result FAIL leader-kill - "faults-tick never fired before the kill"; return; }
  t_kill=$(now_ms)
  stop "scheduler-$l" 9
  log "killed scheduler-$l (leader) at $t_kill"
  sleep 45
  local other=$(( 3 - l )) newl; newl="$(leader)"
  [ "$newl" = "$other" ] || { ok=0; why="$why; scheduler-$other does not lead after the kill (leader: ${newl:-none})"; }
  # every 10-second slot from 20 s before the kill to 10 s ago: requested exactly once (attempt 1)
  local from; from=$(date -u -d "$last_sf" +%s); local to=$(( ($(now_ms) / 1000 / 10 - 1) * 10 ))
  probe requests offsite.requests.backup | awk -F'\t' '$2 == "faults-tick" && $3 == 1 { print $4 "\t" $6 "\t" $5 }' > "$WORK/tick.req"
  local s missing="" dup="" late=0 slot cnt ts
  for s in $(seq "$from" 10 "$to"); do
    slot="$(date -u -d "@$s" +%Y-%m-%dT%H:%M:%SZ)"
    cnt="$(awk -F'\t' -v s="$slot" '$1 == s' "$WORK/tick.req" | wc -l)"
    [ "$cnt" = 0 ] && missing="$missing $slot"
    [ "$cnt" -gt 1 ] && dup="$dup $slot(x$cnt)"
    ts="$(awk -F'\t' -v s="$slot" '$1 == s { print $2; exit }' "$WORK/tick.req")"
    [ -n "$ts" ] && [ $(( ts - s * 1000 )) -gt "$late" ] && late=$(( ts - s * 1000 ))
  done
  [ -z "$missing" ] || { ok=0; why="$why; fire times never requested:$missing"; }
  [ -z "$dup" ] || { ok=0; why="$why; fire times requested more than once:$dup"; }
  [ "$late" -le 15000 ] || { ok=0; why="$why; a fire was requested $(secs $late) late (goal <= 15 s)"; }
  start_scheduler "$l"; await_http "${SPORT[$l]}" 90 /actuator/health/liveness || true
  local nslots=$(( (to - from) / 10 + 1 ))
  if [ $ok = 1 ]; then result PASS leader-kill "$(secs $late)" "kill -9 of the leading scheduler: scheduler-$other took over, each of $nslots fire times (*/10 s) requested exactly once, latest $(secs $late) after its slot"
  else result FAIL leader-kill "$(secs $late)" "${why#; }"; fi
}

# worker kill -9 or SIGTERM during the upload of the large database
worker_stop_mid_backup() { # signal name
  local sig="$1" name="$2" ok=1 why="" run w victim other t_kill
  local earlier; earlier="$(temp_leftovers "$WORK/tmp-a"; temp_leftovers "$WORK/tmp-b")"
  run="$(probe publish backup "faults-$name" auto now source=big)"
  w="$(await_started "$run" 60)" || { result FAIL "$name" - "the backup never started"; return; }
  victim="$(worker_of_pid "$w")"; other=$([ "$victim" = a ] && echo b || echo a)
  [ "$victim" = "?" ] && { result FAIL "$name" - "cannot tell which worker runs $run ($w)"; return; }
  await_snapshot_uploading "$victim" 1.5 || { ok=0; why="$why; no snapshot appeared in worker-$victim's temp folder"; }
  local vpid; vpid="$(pid_of "worker-$victim")"
  t_kill=$(now_ms)
  if [ "$sig" = 9 ]; then stop "worker-$victim" 9; else kill -TERM "$vpid"; fi
  log "$name: signal $sig to worker-$victim (pid $vpid) running $run"
  local exited=""
  if [ "$sig" != 9 ]; then
    wait_gone "$vpid" 60 && exited=$(( $(now_ms) - t_kill )) || { ok=0; why="$why; worker-$victim still running 60 s after SIGTERM"; track_descendants "$vpid"; kill -9 "$vpid"; }
    rm -f "$WORK/pids/worker-$victim"
  fi
  probe await 180 "$run" >/dev/null || { ok=0; why="$why; $run never completed"; }
  local ev; ev="$(events_of "$run")"
  local done_before; done_before="$(echo "$ev" | awk -F'\t' -v t="$t_kill" '$1 == "COMPLETED" && $9 < t' | head -1)"
  [ -z "$done_before" ] || { ok=0; why="$why; the run completed before the signal, nothing was tested (raise FAULTS_CARDS)"; }
  local final; final="$(echo "$ev" | awk -F'\t' '$1 == "COMPLETED" { s = $5; w = $8 } END { print s "\t" w }')"
  [ "${final%%$'\t'*}" = SUCCEEDED ] || { ok=0; why="$why; run ended ${final%%$'\t'*} ($(echo "$ev" | awk -F'\t' '$1=="COMPLETED"{print $6": "$10; exit}'))"; }
  # takeover: the other worker's STARTED after the signal
  local t_other; t_other="$(echo "$ev" | awk -F'\t' -v t="$t_kill" '$1 == "STARTED" && $9 >= t { print $9; exit }')"
  local takeover="-"
  if [ -n "$t_other" ]; then takeover=$(( t_other - t_kill )); fi
  if [ "$sig" = 9 ]; then
    [ "$takeover" != "-" ] || { ok=0; why="$why; no other worker started the run"; }
    [ "$takeover" = "-" ] || [ "$takeover" -le 15000 ] || { ok=0; why="$why; takeover took $(secs "$takeover") (goal <= 15 s)"; }
  fi
  sleep 2
  local nb; nb="$(backups_in big | grep -c "faults-$name\|${run#*@}" || true)"
  nb="$(backups_in big | grep -c "big-$(echo "${run#*@}" | tr ':' '-')" || true)"
  [ "$nb" = 1 ] || { ok=0; why="$why; $nb backup objects for the run (expected 1)"; }
  local ou; ou="$(open_uploads | grep -F "$(key_part "$run")" || true)"
  [ -z "$ou" ] || { ok=0; why="$why; open uploads left: $(echo "$ou" | head -2 | tr '\n' ' ')"; }
  # the stopped worker comes back; then nothing of its run may remain in its temp folder
  start_worker "$victim"; worker_ready "$victim" 120 || true
  sleep 3
  local left; left="$(temp_leftovers "$WORK/tmp-$victim")"
  # SIGTERM: what the run left; kill -9: whatever is there, since the restart must sweep it
  if [ "$sig" != 9 ] && [ -n "$earlier" ]; then left="$(echo "$left" | grep -v -x -F "$earlier" || true)"; fi
  [ -z "$left" ] || { ok=0; why="$why; after its restart worker-$victim's temp folder still holds $(du -sh "$WORK/tmp-$victim" | cut -f1): $(echo "$left" | head -2 | sed "s|$WORK/||" | tr '\n' ' ')"; }
  local rec; rec=$(( $(echo "$ev" | awk -F'\t' '$1 == "COMPLETED" { t = $9 } END { print t }') - t_kill ))
  local what
  if [ "$sig" = 9 ]; then
    what="kill -9 of worker-$victim during the upload: takeover by worker-$other in $( [ "$takeover" = - ] && echo - || secs "$takeover") (goal <= 15 s), run SUCCEEDED once, 1 backup object, no open upload, no snapshot left after restart"
    [ $ok = 1 ] && result PASS "$name" "$(secs "$takeover")" "$what" || result FAIL "$name" "$( [ "$takeover" = - ] && echo - || secs "$takeover")" "${why#; }"
  else
    what="SIGTERM of worker-$victim during the upload: exited in $( [ -n "$exited" ] && secs "$exited" || echo '?'), run SUCCEEDED ($( [ "${final##*$'\t'}" = "$w" ] && echo 'finished by the stopping worker' || echo "handed to worker-$other")), 1 backup object, no open upload, empty temp folder"
    [ $ok = 1 ] && result PASS "$name" "$(secs "$rec")" "$what" || result FAIL "$name" "$(secs "$rec")" "${why#; }"
  fi
}
s_worker_kill9() { worker_stop_mid_backup 9 worker-kill9; }
s_worker_sigterm() { worker_stop_mid_backup TERM worker-sigterm; }

await_uploading() { # runId -> waits until the worker running it has its snapshot and uploads
  local w; w="$(await_started "$1" 60)" || return 1
  await_snapshot_uploading "$(worker_of_pid "$w")" 1
}
api_trigger() { # scheduler-number job -> runId
  curl -s -X POST -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:${SPORT[$1]}/api/v1/jobs/$2/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])'
}

s_scheduler_retry_kill9() {
  local ok=1 why="" l run i
  printf 'this is not a database %.0s' $(seq 1 300) > "$WORK/app/flaky.db"
  l="$(leader)"; [ -n "$l" ] || { result FAIL scheduler-retry-kill9 - "no scheduler leads"; return; }
  run="$(api_trigger "$l" faults-retry)" || { result FAIL scheduler-retry-kill9 - "cannot trigger faults-retry"; return; }
  local first=""
  for i in $(seq 1 60); do
    first="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" && $4 == 1 { print $5 "\t" $6 "\t" $7 "\t" $9; exit }')"
    [ -n "$first" ] && break; sleep 1
  done
  IFS=$'\t' read -r st err retryable t_fail <<< "$first"
  if [ "$st" != FAILED ] || [ "$retryable" != true ]; then
    result FAIL scheduler-retry-kill9 - "attempt 1 of $run should fail retryably on a file that is no database, got '${st:-nothing} $err retryable=$retryable'"; return
  fi
  cp "$WORK/app/good-flaky.db" "$WORK/app/flaky.db"
  l="$(leader)"; stop "scheduler-$l" 9
  local t_kill; t_kill=$(now_ms)
  log "killed scheduler-$l (leader) with the retry of $run due at $(( t_fail + 20000 ))"
  for i in $(seq 1 60); do
    [ "$(probe requests offsite.requests.backup | awk -F'\t' -v r="$run" '$1 == r && $3 == 2' | wc -l)" -ge 1 ] && break; sleep 1
  done
  sleep 12 # a second retry request, if any, would show by now
  local reqs; reqs="$(probe requests offsite.requests.backup | awk -F'\t' -v r="$run" '$1 == r && $3 == 2 { print $6 }')"
  local n; n="$(echo "$reqs" | grep -c .)"
  [ "$n" = 1 ] || { ok=0; why="$why; the retry was requested $n times (expected once)"; }
  local t_retry; t_retry="$(echo "$reqs" | head -1)"
  local late="-"
  if [ -n "$t_retry" ]; then late=$(( t_retry - t_fail - 20000 )); fi
  [ "$late" = - ] || { [ "$late" -ge -1000 ] && [ "$late" -le 5000 ]; } || { ok=0; why="$why; the retry came $(secs "$late") after it was due (expected within 5 s)"; }
  local st2; st2="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" && $4 == 2 { print $5; exit }')"
  for i in $(seq 1 30); do [ -n "$st2" ] && break; sleep 1; st2="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" && $4 == 2 { print $5; exit }')"; done
  [ "$st2" = SUCCEEDED ] || { ok=0; why="$why; attempt 2 ended ${st2:-never}"; }
  start_scheduler "$l"; await_http "${SPORT[$l]}" 90 /actuator/health/liveness || true
  if [ $ok = 1 ]; then result PASS scheduler-retry-kill9 "$(secs "$late")" "kill -9 of the leader while attempt 2 waited out its 20 s retry-delay: the other scheduler requested it once, $(secs "$late") after due, and it SUCCEEDED"
  else result FAIL scheduler-retry-kill9 "$( [ "$late" = - ] && echo - || secs "$late")" "${why#; }"; fi
}

s_s3_outage() {
  local ok=1 why="" l run i st
  l="$(leader)"; [ -n "$l" ] || { result FAIL s3-outage - "no scheduler leads"; return; }
  # short: 4 s without S3 during the upload; the run (3 attempts, 5 s apart) must succeed
  run="$(api_trigger "$l" faults-s3)"
  await_uploading "$run" || { result FAIL s3-outage - "$run never started its upload"; return; }
  s3_down; local t_down; t_down=$(now_ms); sleep 4; s3_up
  for i in $(seq 1 150); do
    st="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" { s = $5; a = $4; r = $7 } END { print s " " a " " r }')"
    case "$st" in SUCCEEDED*|*" 3 "*|*false) break ;; esac; sleep 1
  done
  local short_rec=$(( $(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" { t = $9 } END { printf "%.0f", t }') - t_down ))
  [ "${st%% *}" = SUCCEEDED ] || { ok=0; why="$why; short outage: run ended '$st' (expected SUCCEEDED)"; }
  [ "$(backups_in big | grep -c "big-$(echo "${run#*@}" | tr ':' '-')")" = 1 ] || { ok=0; why="$why; short outage: not exactly 1 backup object"; }
  [ -z "$(open_uploads | grep -F "$(key_part "$run")")" ] || { ok=0; why="$why; short outage: its upload is still open"; }
  # long: S3 away for longer than every attempt; the run fails retryably, then no open upload once the sweep ran
  run="$(api_trigger "$(leader)" faults-s3)"
  await_uploading "$run" || { result FAIL s3-outage - "$run never started its upload"; return; }
  s3_down; t_down=$(now_ms)
  for i in $(seq 1 120); do
    st="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" && $4 == 3 { print $5 " " $6 " " $7; exit }')"
    [ -n "$st" ] && break; sleep 1
  done
  sleep 2; s3_up; local t_up; t_up=$(now_ms)
  case "$st" in FAILED*true|TIMED_OUT*true) ;; *) ok=0; why="$why; long outage: last attempt ended '${st:-never}' (expected FAILED, retryable)";; esac
  # the sweep: at worker start and periodically; restart worker-a once max-run-time (60 s) plus a margin has passed
  local left restarted=0
  for i in $(seq 1 200); do
    left="$(open_uploads | grep -F "$(key_part "$run")")"; [ -z "$left" ] && break
    if [ $restarted = 0 ] && [ $(( $(now_ms) - t_down )) -gt 110000 ]; then
      stop worker-a; start_worker a; worker_ready a 120 || true; restarted=1
    fi
    [ $restarted = 1 ] && [ $(( $(now_ms) - t_down )) -gt 180000 ] && break
    sleep 2
  done
  local long_rec=$(( $(now_ms) - t_up ))
  [ -z "$left" ] || { ok=0; why="$why; long outage: $(echo "$left" | wc -l) open upload(s) under _incoming/ $(secs $long_rec) after S3 returned and after a worker restart ($(echo "$left" | head -1)); no stale-upload sweep aborted them (sweep settings found in the classes: $(echo $SWEEP_SETTINGS | tr ' ' ',' | sed 's/^$/none/'); set: ${SWEEP_ARGS:-none})"; }
  if [ $ok = 1 ]; then result PASS s3-outage "$(secs $short_rec)" "4 s S3 outage mid-upload: run SUCCEEDED, 1 object; outage past all 3 attempts: FAILED retryable, open uploads swept $(secs $long_rec) after S3 returned"
  else result FAIL s3-outage "$(secs $short_rec)" "${why#; }"; fi
}

s_concurrent_200() {
  local ok=1 why="" t; t=$(now_ms)
  probe publish-many backup faults-many 200 source=many > "$WORK/many.runs"
  probe await 400 $(cat "$WORK/many.runs") >/dev/null || { ok=0; why="$why; not every run completed in 400 s"; }
  local rec=$(( $(now_ms) - t ))
  probe events | awk -F'\t' '$3 ~ /^faults-many-/' > "$WORK/many.ev"
  local succ started twice completed_twice
  succ="$(awk -F'\t' '$1 == "COMPLETED" && $5 == "SUCCEEDED" { print $2 }' "$WORK/many.ev" | sort -u | wc -l)"
  started="$(awk -F'\t' '$1 == "STARTED"' "$WORK/many.ev" | wc -l)"
  twice="$(awk -F'\t' '$1 == "STARTED" { print $2 }' "$WORK/many.ev" | sort | uniq -d | wc -l)"
  completed_twice="$(awk -F'\t' '$1 == "COMPLETED" { print $2 }' "$WORK/many.ev" | sort | uniq -d | wc -l)"
  [ "$succ" = 200 ] || { ok=0; why="$why; $succ of 200 SUCCEEDED ($(awk -F'\t' '$1 == "COMPLETED" && $5 != "SUCCEEDED" { print $5, $6 }' "$WORK/many.ev" | sort | uniq -c | head -3 | tr '\n' ' '))"; }
  [ "$twice" = 0 ] && [ "$completed_twice" = 0 ] || { ok=0; why="$why; $twice runs started twice, $completed_twice completed twice"; }
  local objs; objs="$(backups_in many | wc -l)"
  [ "$objs" = 200 ] || { ok=0; why="$why; $objs backup objects (expected 200)"; }
  local by_worker; by_worker="$(awk -F'\t' '$1 == "COMPLETED" { print $8 }' "$WORK/many.ev" | sort | uniq -c | awk '{ print $1 }' | tr '\n' '/')"
  [ -z "$(new_open_uploads)" ] || { ok=0; why="$why; open uploads left: $(new_open_uploads | head -2 | tr '\n' ' ')"; }
  local left; left="$(find "$WORK/tmp-a" "$WORK/tmp-b" -newer "$WORK/scenario.start" -type f \( -size +64k -o -name '*.db*' \) 2>/dev/null)"
  [ -z "$left" ] || { ok=0; why="$why; temp files left: $(echo "$left" | head -2 | tr '\n' ' ')"; }
  if [ $ok = 1 ]; then result PASS concurrent-200 "$(secs $rec)" "200 backups requested at once on 2 workers (${by_worker%/} per worker): 200 SUCCEEDED, none started or completed twice, 200 objects, no open upload, no temp file"
  else result FAIL concurrent-200 "$(secs $rec)" "${why#; }"; fi
}

s_full_temp_disk() {
  if [ "$(id -u)" != 0 ]; then result SKIP full-temp-disk - "needs root to mount a small tmpfs for the temp folder"; return; fi
  TMPFS="$WORK/tmpfs"; mkdir -p "$TMPFS"
  local size; size=$(( $(stat -c %s "$WORK/app/big.db") * 3 / 2 / 1048576 + 64 ))
  if ! mount -t tmpfs -o "size=${size}m" tmpfs "$TMPFS" 2>"$WORK/mount.err"; then
    result SKIP full-temp-disk - "cannot mount a tmpfs: $(head -1 "$WORK/mount.err")"; return
  fi
  echo "$TMPFS" > "$WORK/tmpfs.path"
  local ok=1 why=""
  # worker-a alone, its temp folder on the small disk, two jobs at a time
  stop worker-b; stop worker-a
  TEMP_DIR="$TMPFS" start_worker a --offsite.worker.concurrency=2
  worker_ready a 120 || true; sleep 3
  # 1. the disk is full before the snapshot: INSUFFICIENT_DISK_SPACE naming the folder
  local free_mb; free_mb=$(( $(df -Pm "$TMPFS" | awk 'NR == 2 { print $4 }') - 8 ))
  dd if=/dev/zero of="$TMPFS/filler" bs=1M count="$free_mb" status=none 2>/dev/null || true
  local run; run="$(probe publish backup faults-disk-full auto now source=big)"
  probe await 90 "$run" >/dev/null
  local c; c="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" { print $5 "\t" $6 "\t" $10; exit }')"
  case "$c" in FAILED$'\t'INSUFFICIENT_DISK_SPACE$'\t'*"$TMPFS"*) ;; *) ok=0; why="$why; full disk: '$(echo "$c" | tr '\t' ' ' | cut -c1-200)' (expected FAILED INSUFFICIENT_DISK_SPACE naming $TMPFS)";; esac
  rm -f "$TMPFS/filler"
  # 2. two snapshots that fit one at a time, not together: each failure says INSUFFICIENT_DISK_SPACE, one succeeds
  local at1 at2; at1="$(date -u -d '-20 seconds' +%Y-%m-%dT%H:%M:%S.000Z)"; at2="$(date -u -d '-19 seconds' +%Y-%m-%dT%H:%M:%S.000Z)"
  PARTITION=0 probe publish backup faults-disk-1 "faults-disk-1@$at1" "$at1" source=big >/dev/null &
  PARTITION=5 probe publish backup faults-disk-2 "faults-disk-2@$at2" "$at2" source=big >/dev/null &
  wait
  probe await 180 "faults-disk-1@$at1" "faults-disk-2@$at2" >/dev/null
  local r1 r2; r1="$(events_of "faults-disk-1@$at1" | awk -F'\t' '$1 == "COMPLETED" { print $5 "\t" $6 "\t" $10; exit }')"
  r2="$(events_of "faults-disk-2@$at2" | awk -F'\t' '$1 == "COMPLETED" { print $5 "\t" $6 "\t" $10; exit }')"
  local nsucc=0 r
  for r in "$r1" "$r2"; do
    case "$r" in
      SUCCEEDED*) nsucc=$((nsucc + 1)) ;;
      FAILED$'\t'INSUFFICIENT_DISK_SPACE$'\t'*"$TMPFS"*) ;;
      *) ok=0; why="$why; concurrent snapshots: '$(echo "$r" | tr '\t' ' ' | cut -c1-220)' (expected SUCCEEDED or INSUFFICIENT_DISK_SPACE naming the folder)" ;;
    esac
  done
  [ "$nsucc" -ge 1 ] || { ok=0; why="$why; neither of two concurrent snapshots succeeded"; }
  sleep 2
  local left; left="$(temp_leftovers "$TMPFS")"
  [ -z "$left" ] || { ok=0; why="$why; files left on the temp disk: $(echo "$left" | head -2 | tr '\n' ' ')"; }
  [ -z "$(new_open_uploads)" ] || { ok=0; why="$why; open uploads left: $(new_open_uploads | head -2 | tr '\n' ' ')"; }
  stop worker-a; umount "$TMPFS" 2>/dev/null || umount -l "$TMPFS"; TMPFS=""
  start_worker a; start_worker b
  worker_ready a 120 || true
  if [ $ok = 1 ]; then result PASS full-temp-disk - "temp folder on a ${size} MB tmpfs: full disk -> FAILED INSUFFICIENT_DISK_SPACE naming the folder; two concurrent snapshots that fit only one at a time -> $nsucc SUCCEEDED, the other INSUFFICIENT_DISK_SPACE; nothing left on the disk"
  else result FAIL full-temp-disk - "${why#; }"; fi
}

s_infra_kill9() {
  local ok=1 why="" pid children t
  pid="$(pid_of infra)"; children="$(descendants "$pid") $(postgres_pid)"
  t=$(now_ms)
  stop infra 9
  sleep 1
  local orphans=""; for c in $children; do alive "$c" && orphans="$orphans $c"; done
  start_infra
  if await_infra 120; then
    local still=""; for c in $orphans; do alive "$c" && still="$still $c"; done
    [ -z "$still" ] || { ok=0; why="$why; processes of the killed infra still run:$still ($(for c in $still; do ps -o pid=,stat=,cmd= -p "$c" 2>/dev/null | cut -c1-160; done))"; }
    # the workers and schedulers reconnect; a backup succeeds
    local run; run="$(probe publish backup faults-after-infra auto now source=small)"
    probe await 120 "$run" >/dev/null || { ok=0; why="$why; no completion of a backup after the restart"; }
    local st; st="$(events_of "$run" | awk -F'\t' '$1 == "COMPLETED" { print $5 " " $6; exit }')"
    [ "${st%% *}" = SUCCEEDED ] || { ok=0; why="$why; backup after the restart: ${st:-none}"; }
  else
    ok=0; why="$why; infra did not start again after kill -9: $(grep -a 'cannot start' "$WORK/logs/infra.log" | tail -1 | cut -c1-200)${orphans:+ (orphaned children of the killed infra still running:$orphans)}"
    # the suite stops the orphans itself (they are its own) so that later scenarios have a stack
    for c in $orphans; do kill -9 "$c" 2>/dev/null || true; done
    sleep 1; stop infra 9; start_infra; await_infra 120 || log "infra does not start even without the orphans"
  fi
  local rec=$(( $(now_ms) - t ))
  if [ $ok = 1 ]; then result PASS infra-kill9 "$(secs $rec)" "kill -9 of infra (Kafka, S3, PostgreSQL): restarted on the same data folder and ports, no orphan left, a backup SUCCEEDED"
  else result FAIL infra-kill9 "$(secs $rec)" "${why#; }"; fi
}

# ---------------------------------------------------------------- run
declare -A TIMEOUT=([duplicate-requests]=120 [poison-records]=180 [leader-kill]=150 [worker-kill9]=300 [worker-sigterm]=240
  [scheduler-retry-kill9]=200 [s3-outage]=420 [concurrent-200]=480 [full-temp-disk]=400 [infra-kill9]=300)
NEED_POSTGRES=0; wants infra-kill9 && NEED_POSTGRES=1
log "stale-upload sweep settings: ${SWEEP_ARGS:-none found}"
log "work folder $WORK; ports kafka $KPORT s3 $S3PORT (proxy $PROXYPORT) postgres $PGPORT workers $WPORT_A $WPORT_B schedulers $SPORT_1 $SPORT_2"
status=0
for name in $ALL; do
  wants "$name" || continue
  case "$name" in leader-kill|poison-records) TICK=1 ;; *) TICK=0 ;; esac
  export TICK
  log "scenario $name: preparing the stack"
  if ! ensure_stack; then result FAIL "$name" - "the stack did not start (see logs in $WORK/logs with --keep)"; status=1; continue; fi
  log "scenario $name (timeout ${TIMEOUT[$name]} s)"
  before=$(wc -l < "$RESULTS")
  open_uploads > "$WORK/uploads.before"; touch "$WORK/scenario.start"
  ( "s_${name//-/_}" ) &
  spid=$!
  deadline=$(( $(date +%s) + ${TIMEOUT[$name]} ))
  while alive "$spid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  if alive "$spid"; then
    for p in $(descendants "$spid"); do
      # processes of the stack started inside the scenario keep running (they have pid files); the rest stops
      grep -qx "$p" "$WORK"/pids/* 2>/dev/null || kill -9 "$p" 2>/dev/null || true
    done
    kill -9 "$spid" 2>/dev/null || true
    result FAIL "$name" - "timed out after ${TIMEOUT[$name]} s"
  fi
  wait "$spid" 2>/dev/null || true
  [ "$(wc -l < "$RESULTS")" -gt "$before" ] || result FAIL "$name" - "the scenario printed no result"
  s3_up 2>/dev/null || true
done

# nothing of the suite may outlive it except what cleanup stops: report processes still running
total=$(( $(date +%s) - suite_start ))
echo "----"
pass=$(grep -c '^PASS' "$RESULTS"); fail=$(grep -c '^FAIL' "$RESULTS"); skip=$(grep -c '^SKIP' "$RESULTS")
echo "faults: $pass passed, $fail failed, $skip skipped in ${total} s"
[ "$fail" -gt 0 ] && status=1
exit $status
