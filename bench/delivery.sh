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

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "== installing nginx (Debian package nginx-light)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || {
        echo "delivery.sh: nginx is needed (apt-get install nginx-light)" >&2; exit 1; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

. bench/build.sh
bench_build delivery

work="$PWD/bench/target/delivery-work"
rm -rf "$work" && mkdir -p "$work/nginx"
port=18089
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/body;
    server {
        listen 127.0.0.1:$port;
        location / { return 200; }
    }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null' EXIT
sleep 1

out="bench/target/delivery-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    free -h | sed -n 1,2p
    "$JAVA_HOME/bin/java" -version 2>&1 | head -n1
    "$NGINX" -v 2>&1
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$JAVA_HOME/bin/java" -Xmx2g -cp server/target/herald.jar:bench/target/classes herald.bench.DeliveryBenchmark \
        --sink-port "$port" --work-dir "$work" --jar server/target/herald.jar --server-java-opts "$(./herald java-opts)" "$@"
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
