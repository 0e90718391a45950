#!/usr/bin/env bash
# Inventory benchmark: the scheduler's listing of one series of N objects (half backups, half their .sha256 sidecars)
# on an in-process S3Proxy, against walking the same ListObjectsV2 pages and nothing else, alternately in one run;
# and the heap the inventory keeps for the series.
#
#   bench/inventory/run.sh [objects] [rounds]     # default 100000 objects, 3 rounds after one warm-up round
#
# S3Proxy's files go to a tmpfs folder (/dev/shm) so the disk does not dominate; it is removed at the end.
# Maven options (e.g. offline, another local repository) go in MAVEN_ARGS, which Maven reads itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
objects="${1:-100000}"
rounds="${2:-3}"
data="${OFFSITE_BENCH_DATA:-/dev/shm/offsite-bench-inventory-$$}"
trap 'rm -rf "$data"' EXIT

./mvnw -B -q install -DskipTests -pl scheduler-service -am >&2
./mvnw -B -q -f scheduler-service/pom.xml test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
cd scheduler-service
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/test.classpath)" -Doffsite.test.data="$data" \
  io.offsite.scheduler.inventory.bench.InventoryBenchmark "$objects" "$rounds" 2>/dev/null \
  | grep -E '^(java|setup|fold|round|median|heap) '
