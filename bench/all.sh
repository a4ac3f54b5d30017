#!/usr/bin/env bash
# Every benchmark in one command (issue 23): builds once, runs each benchmark script under its own
# time limit, collects the SUMMARY lines they print (one per figure, beside its reference from the
# same run) and rewrites the block between <!-- summary:begin --> and <!-- summary:end --> in
# docs/benchmarks.md with the table, the machine, the versions and the command.
#
#   bench/all.sh             # full sizes, about 40 minutes on 2 cores
#   bench/all.sh --quick     # smoke sizes, about 5-8 minutes (figures not comparable with a full run)
#   bench/all.sh --only startup,cluster --no-docs    # some of them; --no-docs leaves docs/ alone
#
# Before each benchmark it waits (at most 2 min, 15 s with --quick) for the machine to be under
# 25 % busy, and records the share it found. A benchmark that fails or runs out of time is marked
# failed in the table and the others still run. Only 127.0.0.1 is contacted; each script cleans up
# after itself (a time limit sends SIGTERM, then SIGKILL 30 s later, to the script's whole process
# group). Raw output: bench/target/all-<time>/.
set -uo pipefail
cd "$(dirname "$0")/.."

quick=0
docs=1
only=""
usage() { sed -n 2,15p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --no-docs) docs=0 ;;
        --only) [ $# -ge 2 ] || usage; only=",$2,"; shift ;;
        *) usage ;;
    esac
    shift
done
command_line="bench/all.sh"
[ $quick = 1 ] && command_line+=" --quick"
[ $docs = 0 ] && command_line+=" --no-docs"
[ -n "$only" ] && command_line+=" --only ${only:1:${#only}-2}"

. bench/build.sh
bench_build all
export HERALD_BENCH_BUILT=1 # the scripts below skip their own build

stamp=$(date -u +%Y%m%dT%H%M%SZ)
dir="bench/target/all-$stamp"
mkdir -p "$dir"
summary="$dir/summary.txt"
runs="$dir/runs.txt"
: >"$summary"
: >"$runs"
started=$(date -u '+%Y-%m-%d %H:%M')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# The machine's busy share (all cores, %) over 2 s, from /proc/stat.
busy_pct() {
    local a b
    read -r _ u n s i w q sq st _ </proc/stat; a=($((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)))
    sleep 2
    read -r _ u n s i w q sq st _ </proc/stat; b=($((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)))
    echo $(((b[0] - a[0]) * 100 / (b[1] - a[1] + 1)))
}

# Waits (at most $quiet_wait s) until other processes leave the machine under 25 % busy; prints the last share.
await_quiet() {
    local end=$(($(date +%s) + quiet_wait)) b
    while b=$(busy_pct); [ "$b" -ge 25 ] && [ "$(date +%s)" -lt "$end" ]; do :; done
    echo "$b"
}

# run NAME LIMIT_SECONDS COMMAND...: output to $dir/NAME.txt, SUMMARY lines collected, failure recorded.
run() {
    local name=$1 limit=$2
    shift 2
    if [ -n "$only" ] && [[ "$only" != *",$name,"* ]] && [[ "$only" != *",${name%%-*},"* ]]; then return 0; fi
    local t0 rc n secs busy
    busy=$(await_quiet)
    echo "== $name (limit ${limit}s, machine ${busy} % busy before): $*"
    t0=$(date +%s)
    timeout --kill-after=30 "$limit" "$@" </dev/null >"$dir/$name.txt" 2>&1
    rc=$?
    secs=$(($(date +%s) - t0))
    grep -a '^SUMMARY|' "$dir/$name.txt" >>"$summary"
    n=$(grep -ac '^SUMMARY|' "$dir/$name.txt")
    if [ "$rc" -ne 0 ]; then
        local why="exit $rc"
        [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="time limit ${limit} s reached"
        echo "SUMMARY|$name|-|failed: $why (bench/target/all-$stamp/$name.txt)|-|-|-|not met" >>"$summary"
        echo "- $name: **failed** ($why) after $((secs / 60)) min $((secs % 60)) s, $n figure(s); machine ${busy} % busy before" >>"$runs"
    else
        echo "- $name: $n figure(s) in $((secs / 60)) min $((secs % 60)) s; machine ${busy} % busy before" >>"$runs"
    fi
    grep -a '^SUMMARY|' "$dir/$name.txt" | sed 's/^/   /'
    echo "   ($name: exit $rc, $secs s, output $dir/$name.txt)"
}

quiet_wait=$([ $quick = 1 ] && echo 15 || echo 120) # a shared machine: wait a little for others' builds
if [ $quick = 1 ]; then
    warm=(--warmup-events 10000 --warmup-jit-max 1) # one warm-up round, whatever the JIT does
    run startup 240 bench/startup.sh --runs 3 --settle-seconds 10
    run ingest 360 bench/ingest.sh --warmup-seconds 3 --seconds 3 --quiet-wait-seconds 5
    run delivery-sqlite 600 bench/delivery.sh --backend sqlite --cases throughput,latency,isolation,ordered,backlog \
        --events 10000 "${warm[@]}" --latency-seconds 5 --isolation-events 2000 --isolation-runs 1 --backlog 20000 --small-backlog 5000
    run delivery-postgres 600 bench/delivery.sh --backend postgres --cases throughput,latency,isolation \
        --events 10000 "${warm[@]}" --latency-seconds 5 --isolation-events 2000 --isolation-runs 1
    run moodle-tail 300 bench/moodle-tail.sh --seconds 10 --backlog 20000
    run cluster 420 bench/cluster.sh --events 6000 --warmup-events 2000 --runs 1
    if [ -x bench/e2e.sh ]; then
        run e2e-sqlite 420 bench/e2e.sh --backend sqlite --events 10000 "${warm[@]}"
        run e2e-postgres 420 bench/e2e.sh --backend postgres --events 10000 "${warm[@]}"
    fi
else
    run startup 300 bench/startup.sh
    run ingest 900 bench/ingest.sh --warmup-seconds 10 --seconds 8 --quiet-wait-seconds 30
    run delivery-sqlite 1500 bench/delivery.sh --backend sqlite --cases throughput,latency,isolation,ordered,backlog \
        --isolation-runs 3 --backlog 1000000
    run delivery-postgres 1080 bench/delivery.sh --backend postgres --cases throughput,latency,isolation --isolation-runs 3
    run moodle-tail 480 bench/moodle-tail.sh
    run cluster 900 bench/cluster.sh
    if [ -x bench/e2e.sh ]; then
        run e2e-sqlite 900 bench/e2e.sh --backend sqlite
        run e2e-postgres 900 bench/e2e.sh --backend postgres
    fi
fi
finished=$(date -u '+%H:%M')

# ---------------------------------------------------------------- the block for docs/benchmarks.md
block="$dir/block.md"
{
    java_version=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p | sed 's/ (build.*//')
    pg=$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW server_version' 2>/dev/null | cut -d' ' -f1)
    mariadb=$(mariadb -h 127.0.0.1 -u root -Nse 'SELECT VERSION()' 2>/dev/null)
    cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
    os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
    echo "<!-- summary:begin -->"
    echo "## Summary of the last \`bench/all.sh\` run"
    echo
    echo "Written by \`bench/all.sh\`; do not edit by hand.$([ $quick = 1 ] && echo ' **Quick (smoke) run: reduced sizes, figures not comparable with the full runs below.**')"
    echo
    echo "- Run: $started–$finished UTC, commit \`$(git rev-parse --short HEAD)\`$(git diff --quiet HEAD -- server bench 2>/dev/null || echo ' (with local changes)'), command \`$command_line\`"
    echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; $os, kernel $(uname -r); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Versions: JDK $java_version; PostgreSQL ${pg:-not reachable}; MariaDB ${mariadb:-not reachable}; nginx $(nginx -v 2>&1 | sed 's/.*nginx\///')"
    echo "- Each figure's reference was measured in the same run; ratio = Herald / reference. Raw output: \`bench/target/all-$stamp/\` (not kept in git)."
    echo
    echo "| case | backend | Herald | reference | ratio | target | met |"
    echo "|---|---|---|---|---:|---|---|"
    awk -F'|' 'NF >= 8 { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, ($8 == "not met" ? "**not met**" : $8) }' "$summary"
    echo
    echo "Runs:"
    cat "$runs"
    echo "<!-- summary:end -->"
} >"$block"

if [ $docs = 1 ]; then
    doc=docs/benchmarks.md
    if grep -q '<!-- summary:begin -->' "$doc"; then
        awk -v block="$block" '
            /<!-- summary:begin -->/ { while ((getline line < block) > 0) print line; skip = 1; next }
            /<!-- summary:end -->/ { skip = 0; next }
            !skip { print }' "$doc" >"$doc.tmp"
    else # first time: after the intro, before the first section
        awk -v block="$block" '
            /^## / && !done { while ((getline line < block) > 0) print line; print ""; done = 1 }
            { print }' "$doc" >"$doc.tmp"
    fi
    mv "$doc.tmp" "$doc"
    echo "== $doc: summary block rewritten"
fi
cat "$block"
echo "(raw output in $dir)"
! grep -q '|failed: ' "$summary"
