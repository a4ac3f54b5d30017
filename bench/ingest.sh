#!/usr/bin/env bash
# Ingest benchmark: Herald's POST /api/v1/events against raw JDBC inserts of the same rows, on SQLite
# and on PostgreSQL (skipped, with a message, only when nothing answers on 127.0.0.1:5432).
#
#   bench/ingest.sh                 # build, then run everything (about 4 minutes per backend)
#   bench/ingest.sh --seconds 5     # any IngestBenchmark option is passed on (see --help)
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/ingest-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build ingest

out="bench/target/ingest-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$PWD/bench/target/ingest-work" # on the repository's disk, not a tmpfs: fsync must cost what it costs
mkdir -p "$work"
{
    echo "== machine"
    bench_machine
    df -h "$work" | tail -n1
    if command -v psql >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' 2>/dev/null | sed 's/^/postgresql: /' || echo "postgresql: not reachable"
    fi
    echo "== benchmark"
    "$JAVA_HOME/bin/java" -Xms2g -Xmx6g --enable-native-access=ALL-UNNAMED -Dherald.log.format=plain \
        -cp server/target/herald.jar:bench/target/classes herald.bench.IngestBenchmark \
        --pg-host 127.0.0.1 --pg-optional --work-dir "$work" "$@"
} 2>&1 | grep --line-buffered -v ' INFO  \[main\] herald\.app\.Herald herald\.st' | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
