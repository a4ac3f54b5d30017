#!/usr/bin/env bash
# Moodle tail benchmark: lag from a log row's commit to its event stored in Herald, with a writer
# inserting 1,000 rows/s into a real Moodle log table, and the rows/s one source reads from a
# backlog. Runs against MariaDB (127.0.0.1:3306, root) and PostgreSQL (127.0.0.1:5432, postgres).
#
#   bench/moodle-tail.sh                          # both Moodle databases, Herald on SQLite (about 2 minutes)
#   bench/moodle-tail.sh --herald sqlite,postgres --moodle mariadb --seconds 60 --poll-ms 1000
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/moodle-tail-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build moodle-tail

out="bench/target/moodle-tail-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$PWD/bench/target/moodle-tail-work"
rm -rf "$work"
mkdir -p "$work"
{
    echo "== machine"
    bench_machine
    command -v mariadb >/dev/null 2>&1 && mariadb -h 127.0.0.1 -u root -Nse 'SELECT VERSION()' 2>/dev/null | sed 's/^/mariadb: /'
    command -v psql >/dev/null 2>&1 && psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' 2>/dev/null | sed 's/^/postgresql: /'
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "== benchmark"
    "$JAVA_HOME/bin/java" -Xms512m -Xmx2g --enable-native-access=ALL-UNNAMED -Dherald.log.format=plain \
        -cp server/target/herald.jar:bench/target/classes herald.bench.MoodleTailBenchmark --work-dir "$work" "$@"
} 2>&1 | grep --line-buffered -v ' INFO  ' | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
