#!/usr/bin/env bash
# Cluster benchmark: two Herald nodes (child processes, as ./herald start) on one PostgreSQL
# database against one node, delivering a backlog to in-process receivers that answer 200 after
# 50 ms. Each configuration on a fresh database (127.0.0.1:5432, user postgres), dropped afterwards.
#
#   bench/cluster.sh                          # build, then 20,000 events, best of 2 runs each (about 3 minutes)
#   bench/cluster.sh --events 6000 --runs 1   # options go to ClusterBenchmark (--help)
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/cluster-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build cluster

out="bench/target/cluster-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$PWD/bench/target/cluster-work"
rm -rf "$work" && mkdir -p "$work"
{
    echo "== machine"
    bench_machine
    command -v psql >/dev/null 2>&1 && psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' 2>/dev/null | sed 's/^/postgresql: /'
    "$JAVA_HOME/bin/java" -Xmx1g -cp server/target/herald.jar:bench/target/classes herald.bench.ClusterBenchmark \
        --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
    status=$?
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit $status
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
rm -rf "$work"
echo "(written to $out)"
exit "$status"
