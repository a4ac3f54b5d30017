#!/usr/bin/env bash
# Webfilter benchmark: the latency Herald adds to an Open edX filter call (LMS → Herald → one
# webfilter on loopback → answer), against the LMS calling that webfilter itself, measured in the
# same run by the same client, one call at a time. Herald runs in-process on SQLite.
#
#   bench/webfilter.sh                   # build, then run (about a minute)
#   bench/webfilter.sh --calls 20000     # options go to WebfilterBenchmark
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/webfilter-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build webfilter

out="bench/target/webfilter-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    bench_machine
    echo "== benchmark"
    "$JAVA_HOME/bin/java" -Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED -Dherald.log.format=plain \
        -cp server/target/herald.jar:bench/target/classes herald.bench.WebfilterBenchmark "$@" 2>&1 | grep -v " INFO "
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
