# Sourced by the bench scripts that deliver to nginx (from the repository root): nginx from Debian's
# packages (installed here when missing), one worker on 127.0.0.1 answering 200 to everything.
#   nginx_sink <script name> <work dir> <port> [more `http` lines] [more `server` lines, e.g. locations that log]
# Sets NGINX (the binary) and NGINX_PID; the caller stops it (its EXIT trap).
nginx_sink() {
    local name=$1 work=$2 port=$3 http_lines=${4:-} server_lines=${5:-}
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        echo "== installing nginx (Debian package nginx-light)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null || {
            echo "$name.sh: nginx is needed (apt-get install nginx-light)" >&2; exit 1; }
    fi
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    mkdir -p "$work/nginx"
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
    $http_lines
    server {
        listen 127.0.0.1:$port;
        $server_lines
        location / { return 200; }
    }
}
CONF
    "$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
    NGINX_PID=$!
    for _ in $(seq 50); do # until nginx listens (at most 5 s)
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$name.sh: nginx did not listen on 127.0.0.1:$port (see $work/nginx/error.log)" >&2
    exit 1
}
