#!/usr/bin/env bash
# Rendering benchmark: renders/s of every payload format and encoding over the real Moodle 4.3 log
# rows, against plain Jackson read + write of the same events measured in the same run.
#
#   bench/render.sh                  # build, then run (about 3 minutes)
#   bench/render.sh --seconds 10     # options are passed to RenderBenchmark
#
# Output is also written to bench/target/render-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build render

out="bench/target/render-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    bench_machine
    echo "== benchmark"
    "$JAVA_HOME/bin/java" -Xms512m -Xmx2g -cp server/target/herald.jar:bench/target/classes herald.bench.RenderBenchmark \
        --fixtures ../shared/fixtures/moodle-4.3 "$@"
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
