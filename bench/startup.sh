#!/usr/bin/env bash
# Start-up benchmark: the built server jar, started with the launcher's JVM options
# ($(./herald java-opts)), timed from process start to /health answering 200, on fresh SQLite data
# directories and on an existing one (median of 5 each), and its RSS once settled; beside a bare
# JVM with the same options running a trivial main, in the same run.
#
#   bench/startup.sh                 # build, then measure (about 1 minute)
#   bench/startup.sh --runs 3        # options go to StartupBenchmark (--runs, --settle-seconds)
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/startup-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build startup

out="bench/target/startup-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$PWD/bench/target/startup-work"
rm -rf "$work" && mkdir -p "$work"
{
    echo "== machine"
    bench_machine
    "$JAVA_HOME/bin/java" -Xmx256m -cp server/target/herald.jar:bench/target/classes herald.bench.StartupBenchmark \
        --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
rm -rf "$work"
echo "(written to $out)"
exit "$status"
