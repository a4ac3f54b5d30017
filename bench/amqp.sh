#!/usr/bin/env bash
# AMQP delivery benchmark: Herald (in-process, SQLite) delivering stored events to an amqp service
# (persistent, mandatory, confirmed messages into a durable queue on the local RabbitMQ), against a
# bare amqp-client loop publishing the same way from as many threads, measured in the same run.
# RabbitMQ must be running on 127.0.0.1:5672 (guest/guest); scripts/test-setup.sh installs and starts it.
#
#   bench/amqp.sh                       # build, then run (about a minute)
#   bench/amqp.sh --events 50000        # options go to AmqpBenchmark
#
# Only 127.0.0.1 is contacted. Output is also written to bench/target/amqp-<time>.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

. bench/build.sh
bench_build amqp

out="bench/target/amqp-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "== machine"
    bench_machine
    echo "rabbitmq: $(rabbitmqctl version 2>/dev/null || echo unknown)"
    echo "== benchmark"
    "$JAVA_HOME/bin/java" -Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED -Dherald.log.format=plain \
        -cp server/target/herald.jar:bench/target/classes herald.bench.AmqpBenchmark "$@" 2>&1 | grep -v " INFO "
} 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
echo "(written to $out)"
exit "$status"
