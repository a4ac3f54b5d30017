#!/usr/bin/env bash
# Makes sure what the test suite needs is on this machine, installing from Debian's packages and
# starting services when missing, and saying what it does. Run by `./herald test` (and so by CI).
#   PHP's CLI       payload tests check form bodies against a real PHP receiver (php -S)
#   openssl         TLS tests make certificates and keys (PKCS#8, PKCS#1, SEC1)
#   PostgreSQL      127.0.0.1:5432, trust auth for local connections (tests create and drop databases)
#   MariaDB         127.0.0.1:3306, root without a password (Moodle source tests)
#   Redis           127.0.0.1:6379 (Open edX event bus tests: Redis Streams)
#   RabbitMQ        127.0.0.1:5672, guest/guest (AMQP destination tests; they restart the broker's
#                   application with rabbitmqctl, so they run as root or with sudo)
#   Chromium        the admin UI's browser tests (Playwright drives Debian's /usr/bin/chromium;
#                   no browser is downloaded)
# Set HERALD_TEST_SETUP=skip to check nothing (a machine prepared another way).
set -euo pipefail
[ "${HERALD_TEST_SETUP:-}" = "skip" ] && exit 0

say() { echo "test-setup: $*" >&2; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "needs root to run: $*  (run as root, install sudo, or prepare the machine and set HERALD_TEST_SETUP=skip)"; exit 1
  fi
}
apt_updated=
apt_install() {
  say "installing $* from Debian's packages"
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v php >/dev/null 2>&1 || apt_install php-cli
command -v openssl >/dev/null 2>&1 || apt_install openssl
[ -x /usr/bin/chromium ] || apt_install chromium

# PostgreSQL
if ! command -v pg_lsclusters >/dev/null 2>&1; then apt_install postgresql; fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    say "creating PostgreSQL cluster $version main"
    as_root pg_createcluster "$version" main >/dev/null
    cluster="$version main"
  fi
  hba="/etc/postgresql/${cluster% *}/${cluster#* }/pg_hba.conf"
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    say "allowing local TCP connections without a password (trust) in $hba"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $cluster"
  as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { say "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }

# MariaDB
mariadb_up() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then apt_install mariadb-server; fi
if ! mariadb_up; then
  if [ ! -d /var/lib/mysql/mysql ]; then
    say "initialising MariaDB's data directory"
    as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  as_root mkdir -p /run/mysqld
  as_root chown mysql:mysql /run/mysqld
  say "starting MariaDB"
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- \
    --user=mysql --bind-address=127.0.0.1 --port=3306
  for _ in $(seq 1 60); do
    mariadb_up && break
    # A fresh Debian install lets root in only over the unix socket: allow TCP root without a password.
    as_root mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" >/dev/null 2>&1 || true
    sleep 1
  done
fi
mariadb_up || { say "MariaDB does not answer on 127.0.0.1:3306 as root"; exit 1; }

# Redis (Open edX's event bus is Redis Streams)
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
if ! redis_up; then
  say "starting Redis on 127.0.0.1:6379 (no persistence: tests make their own keys)"
  as_root mkdir -p /var/lib/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi
redis_up || { say "Redis does not answer on 127.0.0.1:6379"; exit 1; }

# RabbitMQ (AMQP destinations and reply queues)
rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) >/dev/null 2>&1 && as_root rabbitmqctl -q status >/dev/null 2>&1; }
if ! command -v rabbitmqctl >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmqctl ]; then apt_install rabbitmq-server; fi
if ! rabbit_up; then
  say "starting RabbitMQ on 127.0.0.1:5672"
  as_root rabbitmq-server -detached >/dev/null 2>&1 || true # Debian's wrapper runs it as the rabbitmq user
  as_root rabbitmqctl -q await_startup --timeout 120 >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do rabbit_up && break; sleep 1; done
fi
rabbit_up || { say "RabbitMQ does not answer on 127.0.0.1:5672"; exit 1; }
