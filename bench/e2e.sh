#!/usr/bin/env bash
# End to end against Apache Camel (issue 23): Herald (a child process, like ./herald start) taking
# events over HTTP and delivering them signed to nginx (`return 200`), against a Camel 4.22 route in
# the benchmark's JVM (SEDA → camel-http, redelivery, dead-letter channel, signing) fed the same
# events in memory, to the same nginx. nginx logs each request's webhook-id, so duplicates are
# counted. nginx comes from Debian's packages (installed here when missing).
#
#   bench/e2e.sh                           # build, then SQLite
#   bench/e2e.sh --backend postgres        # options go to EndToEndBenchmark (--help)
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/e2e-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build e2e

work="$PWD/bench/target/e2e-work"
rm -rf "$work"
port=18191
# One buffered access log per measured phase, holding only the webhook-id: what the benchmark counts.
. bench/nginx.sh
nginx_sink e2e "$work" "$port" "log_format ids '\$http_webhook_id';" "
        location /herald-warm { return 200; }
        location /herald-run { access_log $work/nginx/herald-run.log ids buffer=256k flush=1s; return 200; }
        location /camel-run { access_log $work/nginx/camel-run.log ids buffer=256k flush=1s; return 200; }"
trap 'kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null; rm -rf "$work"/e2e-* "$work"/delivery-*' EXIT

out="bench/target/e2e-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    bench_machine
    "$NGINX" -v 2>&1
    "$JAVA_HOME/bin/java" -Xmx2g -cp "server/target/herald.jar:bench/target/classes:bench/target/lib/*" herald.bench.EndToEndBenchmark \
        --sink-port "$port" --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
    status=$?
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit $status
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
