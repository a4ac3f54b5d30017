#!/usr/bin/env bash
# The long fault runs: the fault tests of server/src/test/java/herald/reliability at the sizes of
# docs/reliability.md (kill -9 at 20 random moments of 100,000 events, on SQLite, PostgreSQL and one
# of two nodes; a receiver down for two minutes; PostgreSQL cut during 100,000 events; a fuller disk;
# Redis restarted under 20,000 Open edX messages). `./herald test` runs the same tests, short.
#
#   bench/faults.sh                      # every fault, long
#   bench/faults.sh KillTest             # one of them (a Surefire -Dtest pattern)
#
# Needs what `./herald test` needs (scripts/test-setup.sh; root or sudo for the tmpfs). Only
# 127.0.0.1 is contacted. The figures (acknowledged, delivered, lost, duplicated, answers) are
# printed at the end and kept in server/target/reliability/figures.md.
set -uo pipefail
cd "$(dirname "$0")/.."
JDK=$(./herald jdk) || exit 1
export JAVA_HOME="$JDK"
[ "$("$JDK/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p')" -ge 24 ] \
    && export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
scripts/test-setup.sh || exit 1
tests=${1:-'herald.reliability.*Test'}
rm -f server/target/reliability/figures.md
./mvnw -B -q install -DskipTests -pl server -am >/dev/null || { echo "faults.sh: build failed" >&2; exit 1; }
timeout 5400 ./mvnw -B -pl server test -Dtest="$tests" -Dherald.faults=long -Dsurefire.failIfNoSpecifiedTests=false \
    | grep -E "Tests run:|FAIL|FAULT "
status=${PIPESTATUS[0]}
echo
echo "| date (UTC) | fault | backend | run | acknowledged | delivered | lost | duplicated | answers | note |"
echo "|---|---|---|---|---:|---:|---:|---:|---|---|"
cat server/target/reliability/figures.md 2>/dev/null
exit "$status"
