#!/usr/bin/env bash
# Delivery benchmark: Herald (a child process, like ./herald start) delivering to nginx (`return 200`)
# on loopback, beside a bare Jetty-client loop posting the same bodies to the same nginx in the same
# run; latency at a fixed rate; healthy services' throughput while half hang; a large backlog's drain
# and the server's RSS. nginx comes from Debian's packages (installed here when missing).
#
#   bench/delivery.sh                                  # build, then every case on SQLite
#   bench/delivery.sh --backend postgres --backlog 100000   # options go to DeliveryBenchmark (--help)
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/delivery-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build delivery

work="$PWD/bench/target/delivery-work"
rm -rf "$work"
port=18089
. bench/nginx.sh
nginx_sink delivery "$work" "$port"
trap 'kill $NGINX_PID 2>/dev/null' EXIT

out="bench/target/delivery-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    bench_machine
    "$NGINX" -v 2>&1
    "$JAVA_HOME/bin/java" -Xmx2g -cp server/target/herald.jar:bench/target/classes herald.bench.DeliveryBenchmark \
        --sink-port "$port" --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
