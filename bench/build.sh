# Sourced by the bench/*.sh scripts (from the repository root): the launcher's JDK, then a build of
# the server and benchmark jars. $1 names the build log and the script in error messages.
# HERALD_BENCH_BUILT=1 (set by bench/all.sh after its one build) skips the build when the jars exist.
bench_build() {
    local name=$1
    JDK=$(./herald jdk) || exit 1 # the launcher says what is missing when there is no JDK 21+
    export JAVA_HOME="$JDK"
    if [ "${HERALD_BENCH_BUILT:-}" = 1 ] && [ -f server/target/herald.jar ] && [ -d bench/target/classes ]; then
        echo "== build skipped (HERALD_BENCH_BUILT=1; JAVA_HOME=$JAVA_HOME)"
        return 0
    fi
    echo "== build (JAVA_HOME=$JAVA_HOME)"
    mkdir -p bench/target
    if ! ./mvnw -q -B package -DskipTests >"bench/target/$name-build.log" 2>&1; then
        grep -v '^WARNING' "bench/target/$name-build.log" >&2
        echo "$name.sh: build failed (log: bench/target/$name-build.log)" >&2
        exit 1
    fi
}
