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

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "== installing nginx (Debian package nginx-light)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || {
        echo "e2e.sh: nginx is needed (apt-get install nginx-light)" >&2; exit 1; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

. bench/build.sh
bench_build e2e

work="$PWD/bench/target/e2e-work"
rm -rf "$work" && mkdir -p "$work/nginx"
port=18191
# One buffered access log per path, holding only the webhook-id: what the benchmark counts.
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    log_format ids '\$http_webhook_id';
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/body;
    server {
        listen 127.0.0.1:$port;
        location /herald-warm { return 200; }
        location /herald-run { access_log $work/nginx/herald-run.log ids buffer=256k flush=1s; return 200; }
        location /camel-run { access_log $work/nginx/camel-run.log ids buffer=256k flush=1s; return 200; }
        location / { return 200; }
    }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"/e2e-* "$work"/delivery-*' EXIT
for _ in $(seq 50); do # until nginx listens (at most 5 s)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

out="bench/target/e2e-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    free -h | sed -n 1,2p
    "$JAVA_HOME/bin/java" -version 2>&1 | head -n1
    "$NGINX" -v 2>&1
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$JAVA_HOME/bin/java" -Xmx2g -cp "server/target/herald.jar:bench/target/classes:bench/target/lib/*" herald.bench.EndToEndBenchmark \
        --sink-port "$port" --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
    status=$?
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit $status
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
