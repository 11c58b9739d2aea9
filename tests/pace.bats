#!/usr/bin/env bats
# Against a daemon slower than the client, clamdscan-ng -m wakes once for
# several replies, not once per file (src/driver/coalesce.h), and the
# sleeps that make it so change no verdict, lose no file on a dropped
# session, honour --timeout and end at once on a signal.
#
# The daemon is tests/fakeclamd.py with --scan-delay: one reply every few
# milliseconds, one request after the other. Wake-ups are counted as the
# client's voluntary context switches (getrusage, through Python's wait4):
# a count, not a time.

bats_require_minimum_version 1.5.0

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
}

teardown() {
    fake_stop
}

# many_files DIR N: N small clean files and one EICAR, in 4 directories.
many_files() {
    local dir=$1 n=$2 i
    for ((i = 0; i < n; i++)); do
        mkdir -p "$dir/d$((i % 4))"
        printf 'clean file %d\n' "$i" >"$dir/d$((i % 4))/f$i"
    done
    printf '%s\n' "$EICAR_STRING" >"$dir/d0/eicar.com"
}

# summary_is OUT CLEAN INFECTED: OUT's JSON summary counts CLEAN clean
# requests, INFECTED infected ones and nothing failed.
summary_is() {
    python3 - "$@" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
got = (s["requests_clean"], s["requests_infected"], s["requests_failed"], s["errors"])
want = (int(sys.argv[2]), int(sys.argv[3]), 0, 0)
print("clean, infected, failed, errors:", got, "expected", want)
sys.exit(got != want)
PY
}

# rusage_run OUT ARGS...: runs ARGS with stdout in OUT and stderr in
# OUT.err; prints "STATUS VOLUNTARY_SWITCHES".
rusage_run() {
    python3 - "$@" <<'PY'
import os, sys
out = sys.argv[1]
pid = os.fork()
if pid == 0:
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
    os.dup2(os.open(out + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), ru.ru_nvcsw)
PY
}

@test "-m --stream against a slow daemon: fewer than one wake-up per 2 files, every verdict right" {
    many_files "$T/tree" 400
    fake_start good --scan-delay 0.002
    read -r status switches < <(rusage_run "$T/out" "$NG" -c "$FAKE_CONF" -m --stream --json "$T/tree")
    echo "status $status, $switches voluntary context switches for 401 files"
    cat "$T/out.err"
    [ "$status" -eq 1 ]
    grep -q "\"path\":\"$T/tree/d0/eicar.com\",\"result\":\"infected\"" "$T/out"
    summary_is "$T/out" 400 1
    [ ! -s "$T/out.err" ]
    # waking for every reply costs at least one switch per file
    [ "$switches" -lt 200 ]
}

@test "-m --fdpass against a slow daemon: fewer than one wake-up per 2 files" {
    many_files "$T/tree" 400
    fake_start good --scan-delay 0.002
    read -r status switches < <(rusage_run "$T/out" "$NG" -c "$FAKE_CONF" -m --fdpass --json "$T/tree")
    echo "status $status, $switches voluntary context switches for 401 files"
    [ "$status" -eq 1 ]
    summary_is "$T/out" 400 1
    [ "$switches" -lt 200 ]
}

@test "-m against a slow daemon that drops its session every 50 replies: every file once, exit 1" {
    many_files "$T/tree" 200
    fake_start session_close_after=50 --scan-delay 0.002 --log "$T/fake.log"
    run -1 --separate-stderr "$NG" -c "$FAKE_CONF" -m --stream --json "$T/tree"
    echo "$output"
    echo "$stderr"
    summary_is <(printf '%s\n' "$output") 200 1
    [ "$(grep -c 'sending .* again on a new session' <<<"$stderr")" -ge 3 ]
    [ "$(grep -c '^ERROR' <<<"$stderr")" -eq 0 ]
}

@test "-m against a daemon that turns silent after 40 replies a session: --timeout ends each wait, every file answered once" {
    many_files "$T/tree" 100
    # each session: 40 replies, then nothing (not even a close)
    fake_start session_silent_after=40 --scan-delay 0.002
    run -1 --separate-stderr timeout 60 "$NG" -c "$FAKE_CONF" -m --stream --json --timeout=2 "$T/tree"
    echo "$output"
    echo "$stderr"
    # 101 files: 40 + 40 + 21, two sessions timed out and their files sent again
    [ "$(grep -c 'timed out after 2 s' <<<"$stderr")" -eq 2 ]
    summary_is <(printf '%s\n' "$output") 100 1
}

@test "SIGTERM while waiting for replies from a slow daemon: ends at once, the rest not scanned, exit 2" {
    many_files "$T/tree" 2000
    rm "$T/tree/d0/eicar.com" # nothing found: exit 2, wherever the walk starts
    fake_start good --scan-delay 0.01
    "$NG" -c "$FAKE_CONF" -m --stream "$T/tree" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep 1 # some 100 answers: the client paces its reads by now
    kill -TERM "$pid"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    run kill -0 "$pid"
    [ "$status" -ne 0 ] # gone within 5 s; 2000 files would take 20 s
    rc=0
    wait "$pid" || rc=$?
    echo "exit $rc"
    cat "$T/err" "$T/out"
    [ "$rc" -eq 2 ]
    grep -q 'Scan interrupted by SIGTERM' "$T/err" "$T/out"
    grep -q 'Not scanned: interrupted by SIGTERM' "$T/out"
}
