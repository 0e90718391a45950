#!/usr/bin/env bash
# Compression and SHA-256 throughput of the backup pipeline against gzip, pigz, zstd and sha256sum.
# Usage: bench/compress/run.sh [size-MB=300] [work-dir] [rounds=1]
# Set KEEP=1 to keep the generated sample file in the work directory for the next run.
set -euo pipefail

size_mb=${1:-300}
work=${2:-${TMPDIR:-/tmp}/offsite-bench-compress}
rounds=${3:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
module=$root/backup-worker

for tool in gzip zstd sha256sum; do
  command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 1; }
done
command -v pigz >/dev/null || echo "pigz is not installed (apt-get install -y pigz): its row will be left out" >&2

mkdir -p "$work/classes" "$work/lib"
cleanup() {
  rm -rf "$work/classes" "$work/lib"
  [[ "${KEEP:-0}" == 1 ]] || rm -f "$work"/sample-*MB.db
  rmdir "$work" 2>/dev/null || true
}
trap cleanup EXIT

# The backup worker's classes (its compress and crypt packages, worker-core) and the test-tree
# SampleData and CompressionBenchmark, compiled by Maven; the JVM gets the worker's runtime classpath.
"$root/mvnw" -B -q -f "$root/pom.xml" -DskipTests install -pl backup-worker -am
"$root/mvnw" -B -q -f "$module/pom.xml" dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/lib/classpath.txt" >/dev/null
classpath="$module/target/classes:$module/target/test-classes:$(cat "$work/lib/classpath.txt")"

# -Xmx256m: the heap a worker backing up a 1.4 GB database is given
java -Xmx256m -cp "$classpath" io.offsite.backup.compress.CompressionBenchmark \
  "$size_mb" "$work" "$rounds"
