#!/usr/bin/env bats
# --pool=NAME[:PORT]: every address NAME resolves to is one daemon of the
# scan, as a Kubernetes headless Service or Consul's DNS lists a fleet; the
# name is resolved again while the scan runs, and daemons join and leave
# without a file lost or reported twice.
#
# The host's configuration is never touched: the client runs in a private
# mount namespace (unshare -m) where a copy of /etc, with a hosts file of
# the test's own and "hosts: files" in nsswitch.conf, is bind-mounted over
# /etc. The daemons are lab clamds bound to 127.0.0.2, .3 and .4 (and
# 127.0.0.1 and ::1 for localhost), all on one port, as a pool's are.
# The copy of /etc is bind-mounted as a directory, so a hosts file renamed
# into it is seen inside the namespace at once, whole: that is how a test
# changes what the name resolves to.
# tests/spread.bash says how "exactly once" is checked.

bats_require_minimum_version 1.5.0

load spread

setup_file() {
    load lab
    local base
    labs_dir
    base=$LABS
    # one free port on all three addresses
    POOL_PORT=$(python3 -c '
import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.2", 0)); port = a.getsockname()[1]
    try:
        for h in ("127.0.0.3", "127.0.0.4"):
            socket.socket().bind((h, port))
    except OSError:
        continue
    print(port); break
')
    export POOL_PORT
    export D2=$base/d2 D3=$base/d3 D4=$base/d4
    pool_daemon_start 2
    pool_daemon_start 3
    pool_daemon_start 4
    export TREES=$base/trees
    mkdir -p "$TREES"
    make_many "$TREES/many" 3000 100
    make_slow "$TREES/slow"
    printf 'StreamMaxLength 1M\n' >"$base/nosock.conf"
    export NOSOCK=$base/nosock.conf
    # the client's /etc: a copy, so that everything else it reads is there
    export POOL_ETC=$base/etc
    mkdir -p "$POOL_ETC"
    cp -a /etc/. "$POOL_ETC/" 2>/dev/null || cp -r /etc/. "$POOL_ETC/" 2>/dev/null || true
    printf 'hosts: files\n' >"$POOL_ETC/nsswitch.conf"
    # a wrapper that runs the client inside the namespace
    export NG_NS=$base/ng-in-ns
    cat >"$NG_NS" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$0" /etc && exec "\$@"' "$POOL_ETC" "$NG" "\$@"
EOF
    chmod +x "$NG_NS"
}

teardown_file() {
    load lab
    lab_stop_n "$D2" "$D3" "$D4"
    labs_dir_remove
}

# pool_daemon_start N: the lab clamd of 127.0.0.N on the pool's port, in $LABS/dN.
pool_daemon_start() {
    LAB_CLAMD_EXTRA=$'LogClean yes\nDisableCache yes' LAB_TCP_ADDR=127.0.0.$1 \
        LAB_TCP_PORT=$POOL_PORT lab_start_n "$LABS/d$1"
}

# hosts NAME ADDRESS...: what NAME resolves to in the client's namespace
# from now on (renamed into place: a lookup never sees half a file).
hosts() {
    local name=$1 a
    shift
    {
        echo "127.0.0.1 localhost"
        for a in "$@"; do
            echo "$a $name"
        done
    } >"$POOL_ETC/hosts.new"
    mv -f "$POOL_ETC/hosts.new" "$POOL_ETC/hosts"
}

# pool_scan_slow OPTION...: the slow trees scanned with -m --json over the
# pool clampool.test, inside the namespace, in the background (bg_scan:
# $T/out.json, $T/err).
pool_scan_slow() {
    NG=$NG_NS bg_scan "$T/out.json" "$T/err" -c "$NOSOCK" --pool="clampool.test:$POOL_PORT" \
        "$@" -m --json "$TREES/slow/clean" "$TREES/slow/infected"
}

# wait_line FILE REGEX: until a line of FILE matches (60 s at most).
wait_line() {
    local i
    for ((i = 0; i < 600; i++)); do
        grep -q -E "$2" "$1" 2>/dev/null && return 0
        pid_alive "$SCAN_PID" || break
        sleep 0.1
    done
    grep -q -E "$2" "$1"
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
    SCAN_PID=
    command -v unshare >/dev/null || fail "unshare (util-linux) is needed"
    # a daemon a test killed is back for the next one
    local n
    for n in 2 3 4; do
        "$LAB_CLAMD_SCRIPT" ping "$LABS/d$n" tcp 2>/dev/null || pool_daemon_start "$n"
    done
    log_mark "$D2" "$D3" "$D4"
}

teardown() {
    if [[ -n $SCAN_PID ]] && pid_alive "$SCAN_PID"; then
        kill -TERM "$SCAN_PID" 2>/dev/null || true
        wait "$SCAN_PID" 2>/dev/null || true
    fi
    lab_stop_n "$LABS/v1" "$LABS/v6" 2>/dev/null || true
}

@test "the namespace: the test's hosts file decides, the host's does not" {
    hosts clampool.test 127.0.0.2 127.0.0.3 127.0.0.4
    run unshare -m --propagation private sh -c 'mount --bind "$0" /etc && getent ahostsv4 clampool.test' "$POOL_ETC"
    assert_success
    [ "$(awk '$2 == "STREAM" { print $1 }' <<<"$output" | sort | tr '\n' ' ')" = "127.0.0.2 127.0.0.3 127.0.0.4 " ]
    # outside, the name means nothing
    ! getent hosts clampool.test
}

@test "--pool with three addresses, -m --json: each a daemon, every file once, all three scanned, exit 1" {
    hosts clampool.test 127.0.0.2 127.0.0.3 127.0.0.4
    run --separate-stderr timeout 120 "$NG_NS" -c "$NOSOCK" --pool="clampool.test:$POOL_PORT" -m --json \
        "$TREES/many"
    echo "$stderr"
    [ "$status" -eq 1 ]
    [ -z "$stderr" ]
    printf '%s\n' "$output" >"$T/out.json"
    run verdicts "$T/out.json" "$TREES/many"
    assert_success
    assert_line "infected=31"
    assert_line "errors=0"
    assert_line "daemons=127.0.0.2:$POOL_PORT 127.0.0.3:$POOL_PORT 127.0.0.4:$POOL_PORT"
    run logged instream 3001 "$D2" "$D3" "$D4"
    assert_success
    [ "$(scanned "$D2")" -gt 100 ]
    [ "$(scanned "$D3")" -gt 100 ]
    [ "$(scanned "$D4")" -gt 100 ]
}

@test "--pool without -m: the text report is clamdscan's, one line per infected file, exit 1" {
    hosts clampool.test 127.0.0.2 127.0.0.3
    run --separate-stderr timeout 120 "$NG_NS" -c "$NOSOCK" --pool="clampool.test:$POOL_PORT" --no-summary \
        "$TREES/many"
    [ "$status" -eq 1 ]
    [ -z "$stderr" ]
    [ "$(grep -c ' FOUND$' <<<"$output")" -eq 31 ]
    [ "$(grep -c -v ' FOUND$' <<<"$output")" -eq 0 ]
    run logged instream 3001 "$D2" "$D3"
    assert_success
    [ "$(scanned "$D2")" -gt 0 ]
    [ "$(scanned "$D3")" -gt 0 ]
}

@test "--pool=localhost: 127.0.0.1 and ::1 are two daemons" {
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
        skip "no IPv6 loopback on this machine"
    local port
    port=$(python3 -c '
import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    try:
        socket.socket(socket.AF_INET6).bind(("::1", port))
    except OSError:
        continue
    print(port); break
')
    LAB_CLAMD_EXTRA='LogClean yes' LAB_TCP_ADDR=127.0.0.1 LAB_TCP_PORT=$port lab_start_n "$LABS/v1"
    LAB_CLAMD_EXTRA='LogClean yes' LAB_TCP_ADDR=::1 LAB_TCP_PORT=$port lab_start_n "$LABS/v6"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$POOL_ETC/hosts"
    run --separate-stderr timeout 120 "$NG_NS" -c "$NOSOCK" --pool="localhost:$port" -m --json "$TREES/many"
    echo "$stderr"
    [ "$status" -eq 1 ]
    printf '%s\n' "$output" >"$T/out.json"
    run verdicts "$T/out.json" "$TREES/many"
    assert_success
    assert_line "infected=31"
    assert_line "errors=0"
    [[ $output == *"127.0.0.1:$port"* && $output == *"[::1]:$port"* ]]
    [ "$(scanned "$LABS/v1")" -gt 100 ]
    [ "$(scanned "$LABS/v6")" -gt 100 ]
}

@test "the name's addresses change mid-scan (--pool-refresh=1): the new one joins (and is in the summary), the gone one takes nothing new, every file once" {
    hosts clampool.test 127.0.0.2 127.0.0.3
    pool_scan_slow --pool-refresh=1 -v
    wait_scanned "$D2" 100
    hosts clampool.test 127.0.0.3 127.0.0.4
    wait_line "$T/err" "127.0.0.2:$POOL_PORT is gone from it"
    local at_retire
    at_retire=$(scanned "$D2")
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ]
    grep -q "^clamd pool clampool.test:$POOL_PORT: 127.0.0.4:$POOL_PORT joined" "$T/err"
    ! grep -E '^(ERROR|WARNING)' "$T/err"
    slow_verdicts_right
    run logged instream 3030 "$D2" "$D3" "$D4"
    assert_success
    # the newcomer took a share; the one gone took well under half
    echo "scanned: d2 $(scanned "$D2") (at retirement $at_retire) d3 $(scanned "$D3") d4 $(scanned "$D4")"
    [ "$(scanned "$D4")" -gt 100 ]
    # once retired, d2 answered at most what it had in flight (-m: 16)
    (($(scanned "$D2") <= at_retire + 16))
    # the summary names every daemon the scan used, the one that joined too
    run python3 -c 'import json, sys; print(" ".join(json.loads(open(sys.argv[1]).readlines()[-1])["daemons"]))' "$T/out.json"
    assert_output "127.0.0.2:$POOL_PORT 127.0.0.3:$POOL_PORT 127.0.0.4:$POOL_PORT"
}

@test "a pool's only daemon is killed and the name now lists another (--pool-refresh=0): resolved again at once, none lost, exit 1" {
    hosts clampool.test 127.0.0.2
    pool_scan_slow --pool-refresh=0 -v
    wait_scanned "$D2" 100
    hosts clampool.test 127.0.0.3
    lab_kill_n "$D2"
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ]
    grep -q "^WARNING: clamd at 127.0.0.2:$POOL_PORT: .*; sending " "$T/err"
    grep -q "^clamd pool clampool.test:$POOL_PORT: 127.0.0.3:$POOL_PORT joined" "$T/err"
    ! grep -E '^ERROR' "$T/err"
    slow_verdicts_right
    (($(scanned "$D3") > 100))
    # D4 was never in the pool
    [ "$(scanned "$D4")" -eq 0 ]
}

# DNS lags behind a fleet: a pod gone is listed a while longer, and its
# replacement appears seconds later.
@test "every daemon gone, the replacement listed 3 s later: the names are asked again until it is, none lost, exit 1" {
    hosts clampool.test 127.0.0.2
    pool_scan_slow --pool-refresh=0 -v
    wait_scanned "$D2" 100
    lab_kill_n "$D2"
    sleep 3
    hosts clampool.test 127.0.0.3
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ]
    grep -q "^clamd pool clampool.test:$POOL_PORT: 127.0.0.3:$POOL_PORT joined" "$T/err"
    slow_verdicts_right
    (($(scanned "$D3") > 100))
}

# A rolling update or an autoscaler: more addresses come and go during one
# scan than the 32 daemons it can use at once.
@test "48 addresses come and go during the scan: slots are reused, nothing left out, every file once, exit 1" {
    hosts clampool.test 127.0.0.2
    pool_scan_slow --pool-refresh=1 -v
    local k j list
    # 127.0.1.K listen nowhere: each is refused, given up on, then gone;
    # twenty-four new ones a second, as fast as the refresh sees them (the
    # scan on one daemon lasts a few seconds: twelve a second, it once
    # ended before the churn did)
    for ((k = 1; k <= 48; k += 24)); do
        list=()
        for ((j = k; j < k + 24; j++)); do
            list+=("127.0.1.$j")
        done
        hosts clampool.test 127.0.0.2 "${list[@]}"
        wait_line "$T/err" "127.0.1.$((k + 23)):$POOL_PORT joined" || break
    done
    echo "churn ended at $(date +%s.%N); scan still running: $(pid_alive "$SCAN_PID" && echo yes || echo no)"
    bg_wait "$T/err" >/dev/null
    [ "$SCAN_STATUS" -eq 1 ]
    # the churn happened during the scan, and went past 32 addresses
    grep -q "127.0.1.48:$POOL_PORT joined" "$T/err"
    ! grep -q "left out" "$T/err"
    slow_verdicts_right
}

@test "the name stops resolving mid-scan: a warning, the daemons it had finish the scan, every file once" {
    hosts clampool.test 127.0.0.2 127.0.0.3
    pool_scan_slow --pool-refresh=1
    wait_scanned "$D2" 100
    hosts other.test 127.0.0.4
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ]
    [ "$(grep -c "^WARNING: --pool=clampool.test:$POOL_PORT: cannot resolve: .*; going on with the daemons it had" "$T/err")" -eq 1 ]
    slow_verdicts_right
    run logged instream 3030 "$D2" "$D3"
    assert_success
    [ "$(scanned "$D4")" -eq 0 ]
}

# hang_lookups: from now on a lookup in the client's namespace blocks: its
# hosts file is a FIFO nobody writes to, so glibc's open() of it waits (a
# DNS server that never answers, without a network).
# A hard link to the FIFO stays in $T/fifo, for answer_hung_lookup.
hang_lookups() {
    mkfifo "$POOL_ETC/hosts.fifo"
    ln "$POOL_ETC/hosts.fifo" "$T/fifo"
    mv -f "$POOL_ETC/hosts.fifo" "$POOL_ETC/hosts"
}

# answer_hung_lookup: the lookup hung in the FIFO reads an empty file (it
# fails: "cannot resolve"); other lookups read whatever hosts says now.
answer_hung_lookup() {
    timeout 10 sh -c ': >"$0"' "$T/fifo"
}

@test "a lookup that hangs mid-scan does not stop it: the daemons it had finish, every file once, the run ends, exit 1" {
    hosts clampool.test 127.0.0.2 127.0.0.3
    pool_scan_slow --pool-refresh=1
    wait_scanned "$D2" 100
    hang_lookups
    bg_wait "$T/err"
    hosts clampool.test 127.0.0.2 # for the next test; the client is gone
    [ "$SCAN_STATUS" -eq 1 ] # not 124: bg_scan's timeout did not have to end it
    ! grep -E '^ERROR' "$T/err"
    slow_verdicts_right
    run logged instream 3030 "$D2" "$D3"
    assert_success
}

@test "a daemon fails while a lookup hangs: once that lookup ends, the name is asked again and the new address joins" {
    # the case a helper's review found: the failure's own lookup was dropped
    hosts clampool.test 127.0.0.2 127.0.0.3
    pool_scan_slow --pool-refresh=0 -v
    wait_scanned "$D2" 50
    hang_lookups
    lab_kill_n "$D2" # its failure starts a lookup (within a second), which hangs
    sleep 1.5
    pid_alive "$SCAN_PID" || fail "the scan ended before the lookup was answered: nothing tested"
    # the name moves on, then the hung lookup ends (in failure)
    hosts clampool.test 127.0.0.3 127.0.0.4
    answer_hung_lookup
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ]
    grep -q "^clamd pool clampool.test:$POOL_PORT: 127.0.0.4:$POOL_PORT joined" "$T/err"
    slow_verdicts_right
    [ "$(scanned "$D4")" -gt 0 ]
}

@test "SIGTERM while a lookup hangs: the run ends at once" {
    hosts clampool.test 127.0.0.2 127.0.0.3
    pool_scan_slow --pool-refresh=1
    wait_scanned "$D2" 50
    hang_lookups
    sleep 2 # a refresh is due every second: one is hanging by now
    pid_alive "$SCAN_PID" || fail "the scan ended before the lookup hung: nothing tested"
    kill -TERM "$SCAN_PID" # timeout(1), which passes it on to the client
    local i
    for ((i = 0; i < 50; i++)); do
        pid_alive "$SCAN_PID" || break
        sleep 0.1
    done
    hosts clampool.test 127.0.0.2
    ! pid_alive "$SCAN_PID" || fail "still running 5 s after SIGTERM"
    bg_wait "$T/err"
    [ "$SCAN_STATUS" -eq 1 ] || [ "$SCAN_STATUS" -eq 2 ]
    grep -q 'Scan interrupted by SIGTERM' "$T/err"
}

@test "--pool: a name that does not resolve, an empty one, a bad port, with --local: errors naming --pool, exit 2" {
    hosts clampool.test 127.0.0.2
    run --separate-stderr "$NG_NS" -c "$NOSOCK" --pool=nowhere.test "$TREES/many"
    [ "$status" -eq 2 ]
    [[ $stderr == *"--pool=nowhere.test: cannot resolve"* ]]
    run --separate-stderr "$NG" -c "$NOSOCK" --pool= "$TREES/many"
    [ "$status" -eq 2 ]
    [[ $stderr == *"Option --pool requires a non-empty string argument"* ]]
    run --separate-stderr "$NG" -c "$NOSOCK" --pool=clampool.test:70000 "$TREES/many"
    [ "$status" -eq 2 ]
    [[ $stderr == *"invalid argument 'clampool.test:70000' for --pool: bad port"* ]]
    run --separate-stderr "$NG" -c "$NOSOCK" --pool=clampool.test --local "$TREES/many"
    [ "$status" -eq 2 ]
    [[ $stderr == *"--local never contacts a daemon: it cannot be combined with --pool"* ]]
    run --separate-stderr "$NG" -c "$NOSOCK" --pool=x --pool-refresh=soon "$TREES/many"
    [ "$status" -eq 2 ]
    [[ $stderr == *"invalid argument 'soon' for --pool-refresh"* ]]
}
