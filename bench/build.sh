# Sourced by the bench/*.sh scripts (from the repository root): the launcher's JDK, then a build of
# the server and benchmark jars, and the start-up cache the launcher trains for the jar (JDK 25+). $1 names the build log and the script in error messages.
# HERALD_BENCH_BUILT=1 (set by bench/all.sh after its one build) skips the build when the jars exist.
bench_build() {
    local name=$1
    JDK=$(./herald jdk) || exit 1 # the launcher says what is missing when there is no JDK 21+
    export JAVA_HOME="$JDK"
    if [ "${HERALD_BENCH_BUILT:-}" = 1 ] && [ -f server/target/herald.jar ] && [ -d bench/target/classes ]; then
        echo "== build skipped (HERALD_BENCH_BUILT=1; JAVA_HOME=$JAVA_HOME)"
    else
        echo "== build (JAVA_HOME=$JAVA_HOME)"
        mkdir -p bench/target
        if ! ./mvnw -q -B package -DskipTests >"bench/target/$name-build.log" 2>&1; then
            grep -v '^WARNING' "bench/target/$name-build.log" >&2
            echo "$name.sh: build failed (log: bench/target/$name-build.log)" >&2
            exit 1
        fi
    fi
    # the server runs as ./herald start runs it: with the JVM's start-up cache trained for this jar
    ./herald prepare >&2 || exit 1
    # The build's and the cache's files (over 100 MB) are still being written back to disk for half
    # a minute; a benchmark started meanwhile has its own fsyncs queue behind them.
    sync
}

# What every benchmark's output starts with: the machine, the JDK, the commit, how busy it is.
bench_machine() {
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    free -h | sed -n 1,2p
    "$JAVA_HOME/bin/java" -version 2>&1 | head -n1
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}
