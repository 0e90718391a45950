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

# Only the compression package, its test data generator and zstd-jni are needed: compile them
# directly instead of building the whole reactor.
zstd_version=$(sed -n 's:.*<zstd-jni.version>\(.*\)</zstd-jni.version>.*:\1:p' "$root/pom.xml")
"$root/mvnw" -B -q -N -f "$root/pom.xml" dependency:copy \
  -Dartifact="com.github.luben:zstd-jni:$zstd_version" -DoutputDirectory="$work/lib"
package=io/offsite/backup/compress
javac --release 17 -nowarn -d "$work/classes" -cp "$work/lib/*" \
  "$module"/src/main/java/$package/*.java \
  "$module"/src/test/java/$package/SampleData.java \
  "$module"/src/test/java/$package/CompressionBenchmark.java

# -Xmx256m: the heap a worker backing up a 1.4 GB database is given
java -Xmx256m -cp "$work/classes:$work/lib/*" io.offsite.backup.compress.CompressionBenchmark \
  "$size_mb" "$work" "$rounds"
