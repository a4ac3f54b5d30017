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

# A JDK 21 or newer (with javac: the build needs one). JAVA_HOME first, then the usual places.
java_major() { # prints the feature version of the JDK at $1, or nothing
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}
find_jdk() {
    local candidates=()
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/* /opt/java/* /usr/local/java/*)
    if command -v javac >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    local c v
    for c in "${candidates[@]}"; do
        [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
        v=$(java_major "$c")
        if [[ -n "$v" && "$v" -ge 21 ]]; then echo "$c"; return 0; fi
    done
    return 1
}
if ! JDK=$(find_jdk); then
    echo "ingest.sh: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*); set JAVA_HOME to one" >&2
    exit 1
fi
export JAVA_HOME="$JDK"

echo "== build (JAVA_HOME=$JAVA_HOME)"
mkdir -p bench/target
if ! ./mvnw -q -B package -DskipTests >bench/target/ingest-build.log 2>&1; then
    grep -v '^WARNING' bench/target/ingest-build.log >&2
    echo "ingest.sh: build failed (log: bench/target/ingest-build.log)" >&2
    exit 1
fi

out="bench/target/ingest-$(date -u +%Y%m%dT%H%M%SZ).txt"
work="$PWD/bench/target/ingest-work" # on the repository's disk, not a tmpfs: fsync must cost what it costs
mkdir -p "$work"
{
    echo "== machine"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    free -h | sed -n 1,2p
    df -h "$work" | tail -n1
    "$JAVA_HOME/bin/java" -version 2>&1 | head -n1
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
