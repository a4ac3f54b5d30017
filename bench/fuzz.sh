#!/usr/bin/env bash
# Long fuzz run: the suite's FuzzTest with more hostile requests (default 100,000) against a real
# Herald on SQLite. Only 127.0.0.1 is contacted (deliveries stay off for the run).
#
#   bench/fuzz.sh                         # 100,000 requests, seed 20261206
#   bench/fuzz.sh 20000 42                # requests, seed
#
# Output is also written to bench/target/fuzz-<time>.txt; the summary line starts with "fuzz:".
set -uo pipefail
cd "$(dirname "$0")/.."
requests=${1:-100000}
seed=${2:-20261206}
JAVA_HOME=$(./herald jdk) || exit 1
export JAVA_HOME
mkdir -p bench/target
out="bench/target/fuzz-$(date -u +%Y%m%dT%H%M%SZ).txt"
start=$(date +%s)
./mvnw -q -B -pl server -am test -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dherald.fuzz.requests="$requests" -Dherald.fuzz.seed="$seed" -DredirectTestOutputToFile=false 2>&1 \
    | grep -v '^WARNING' | tee "$out"
status=${PIPESTATUS[0]}
# the test's own output goes to surefire's report file: its summary line belongs here
grep -h '^fuzz:' server/target/surefire-reports/herald.api.FuzzTest-output.txt 2>/dev/null | tee -a "$out"
echo "elapsed: $(( $(date +%s) - start )) s, exit $status" | tee -a "$out"
exit "$status"
