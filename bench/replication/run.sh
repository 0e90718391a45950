#!/usr/bin/env bash
# Replication benchmark: the worker's engine against psql \copy (raw load limit), pgloader and the original's way
# (multi-row INSERT ... ON CONFLICT per 100 rows), on one demo database of CARDS cards, into one PostgreSQL server.
#
#   bench/replication/run.sh [CARDS]          default 1000000; the original's size is 15000
#
# PostgreSQL: BENCH_PGHOST (127.0.0.1), BENCH_PGPORT (5432), BENCH_PGUSER (bench), BENCH_PGPASSWORD (bench); the
# user must be allowed to create databases, VACUUM and CHECKPOINT (a superuser on a throw-away server).
# Work files (generated SQLite, CSV exports, logs) go to bench/work/replication; results to
# bench/replication/results-CARDS.md.
set -euo pipefail

CARDS=${1:-1000000}
# small databases are measured several times (median): single runs of a fraction of a second vary too much
ROUNDS=${ROUNDS:-$([ "$CARDS" -le 100000 ] && echo 5 || echo 1)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/bench/work/replication
RESULTS=$ROOT/bench/replication/results-$CARDS.md
export PGHOST=${BENCH_PGHOST:-127.0.0.1} PGPORT=${BENCH_PGPORT:-5432} PGUSER=${BENCH_PGUSER:-bench} PGPASSWORD=${BENCH_PGPASSWORD:-bench}
# psql reads no ~/.psqlrc (like -X), so a user's settings cannot change what the reference does
export PSQLRC=/dev/null
JDBC=jdbc:postgresql://$PGHOST:$PGPORT
mkdir -p "$WORK"

for tool in java psql sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

echo "== building"
(cd "$ROOT" && ./mvnw -B -q install -DskipTests -pl schemas,local-stack,worker-core -am \
  && ./mvnw -B -q -f replication-worker/pom.xml test-compile \
  && ./mvnw -B -q -f replication-worker/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt")
CP=$ROOT/replication-worker/target/classes:$ROOT/replication-worker/target/test-classes:$(cat "$WORK/classpath.txt")
step() { java -Xmx2g -cp "$CP" io.offsite.replication.bench.ReplicationBench "$@"; }
now() { date +%s.%N; }
seconds() { python3 -c "print(f'{$2 - $1:.3f}')"; }
fresh() {
  psql -d postgres -q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  sync  # exports just written must not be flushed while the next method is timed
  psql -d postgres -q -c "CHECKPOINT"
}

SOURCE=$WORK/cards-$CARDS.db
if [ ! -f "$SOURCE" ]; then
  echo "== generating $SOURCE"
  java -cp "$CP" io.offsite.localstack.demo.DemoDatabase "$SOURCE" "$CARDS" 150
fi
DB=$WORK/run-$CARDS.db
cp "$SOURCE" "$DB"
rm -f "$DB-wal" "$DB-shm"
SIZE=$(du -h "$DB" | cut -f1)

echo "== psql \\copy of a CSV export into empty tables (the export is not timed; median of $ROUNDS rounds)"
SET_COLS=$(step columns "$DB" sets)
CARD_COLS=$(step columns "$DB" pokemon_cards)
sqlite3 -csv "$DB" "SELECT $SET_COLS FROM sets" > "$WORK/sets.csv"
sqlite3 -csv "$DB" "SELECT $CARD_COLS FROM pokemon_cards" > "$WORK/cards.csv"
COPIES=()
for round in $(seq "$ROUNDS"); do
  fresh bench_copy
  step ddl "$DB" | psql -d bench_copy -q
  t0=$(now)
  psql -d bench_copy -q -c "\\copy sets ($SET_COLS) FROM '$WORK/sets.csv' CSV" -c "\\copy pokemon_cards ($CARD_COLS) FROM '$WORK/cards.csv' CSV"
  COPIES+=("$(seconds "$t0" "$(now)")")
done
COPY=$(printf '%s\n' "${COPIES[@]}" | sort -n | python3 -c "import sys; v=[float(x) for x in sys.stdin]; n=len(v); print(f'{(v[n//2] if n%2 else (v[n//2-1]+v[n//2])/2):.3f}')")
echo "copy: $COPY s (rounds: ${COPIES[*]})"

PGLOADER=n/a
if command -v pgloader >/dev/null; then
  echo "== pgloader"
  fresh bench_pgloader
  # pgloader's default batches exhaust its 1 GB Lisp heap on the 1M-card file ("Heap exhausted, game over"):
  # smaller batches make it finish
  cat > "$WORK/pgloader.load" <<LOAD
LOAD DATABASE
  FROM sqlite://$DB
  INTO pgsql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench_pgloader
  WITH prefetch rows = 10000, batch rows = 10000, batch size = 32MB;
LOAD
  t0=$(now)
  pgloader "$WORK/pgloader.load" > "$WORK/pgloader-$CARDS.log" 2>&1
  PGLOADER=$(seconds "$t0" "$(now)")
  echo "pgloader: $PGLOADER s"
else
  echo "pgloader is not installed (apt-get install pgloader); its row stays n/a"
fi

echo "== the original's way"
fresh bench_original
step original "$DB" "$JDBC/bench_original" "$PGUSER" "$PGPASSWORD" | tee "$WORK/original-$CARDS.log"
ORIGINAL=$(awk -F'\t' '$1 == "RESULT" && $2 == "original" {print $3}' "$WORK/original-$CARDS.log")

echo "== the worker's engine ($ROUNDS rounds)"
fresh bench_worker
step sequence "$DB" "$JDBC/bench_worker" "$PGUSER" "$PGPASSWORD" "$ROUNDS" > "$WORK/worker-$CARDS.log"
grep RESULT "$WORK/worker-$CARDS.log"

python3 - "$WORK/worker-$CARDS.log" "$RESULTS" "$CARDS" "$SIZE" "$COPY" "$PGLOADER" "$ORIGINAL" "${COPIES[*]}" "$ROUNDS" <<'PY'
import sys
log, out, cards, size, copy, pgloader, original, copies, rounds = sys.argv[1:]
copy = float(copy)
rows = [("psql \\copy of a CSV export into empty tables", copy, "rounds: " + copies if int(rounds) > 1 else ""),
        ("pgloader (SQLite file to PostgreSQL)", None if pgloader == "n/a" else float(pgloader), "not installed" if pgloader == "n/a" else ""),
        ("original: multi-row INSERT ... ON CONFLICT per 100 rows", float(original), "")]
worker = {}
for line in open(log):
    f = line.rstrip("\n").split("\t")
    if f[0] == "RESULT" and f[1].startswith("worker-"):
        worker[f[1]] = (float(f[2]), f[3] + "; " + f[4])
names = {"worker-first-load": "worker: first full load",
         "worker-full-rerun-unchanged": "worker: full re-run, nothing changed",
         "worker-incremental-unchanged": "worker: incremental re-run, nothing changed",
         "worker-incremental-1pct": "worker: incremental run, 1% of cards changed",
         "worker-full-rerun-after-1pct": "worker: full re-run after that (nothing left to change)",
         "worker-incremental-unchanged-new-connection": "worker: incremental re-run, nothing changed, on a new connection"}
for key, name in names.items():
    if key in worker:
        rows.append((name, worker[key][0], worker[key][1]))
first = worker["worker-first-load"][0]
with open(out, "w") as f:
    f.write(f"# Replication benchmark: {int(cards):,} cards (SQLite file {size})\n\n")
    if int(rounds) > 1:
        f.write(f"Seconds are the median of {rounds} rounds (`\\copy` and every worker step; pgloader and the original once).\n\n")
    f.write("| method | seconds | × \\copy | first load ÷ this | details |\n|---|---:|---:|---:|---|\n")
    for name, secs, details in rows:
        if secs is None:
            f.write(f"| {name} | n/a | | | {details} |\n")
        else:
            f.write(f"| {name} | {secs:.3f} | {secs / copy:.2f} | {first / secs:.1f} | {details} |\n")
print(open(out).read())
PY
