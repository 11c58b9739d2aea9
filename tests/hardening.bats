#!/usr/bin/env bats
# Hardening (issue 13): the files the program writes never follow a link
# and are never scanned or acted on; a run cut short by a signal loses
# nothing it knew; every failed write is an error; descriptor limits shrink
# the window, never the verdict; a daemon cannot name files outside what
# was asked; the quarantine strips privileges and leaves no debris.
# Each test failed on the binary before this work (commit 72778e3).

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
    sarif_multitool_setup
    if command -v cc >/dev/null 2>&1; then
        cc -shared -fPIC -o "$BATS_FILE_TMPDIR/slow_shim.so" \
            "$BATS_TEST_DIRNAME/slow_shim.c" -ldl 2>"$BATS_FILE_TMPDIR/shim.err" || true
    fi
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
    SHM_DIRS=()
}

teardown() {
    fake_stop
    local d
    for d in "${SHM_DIRS[@]}"; do
        chattr -a "$d" 2>/dev/null || true
        rm -rf "$d"
    done
    [ ! -d "$T/ao" ] || chattr -a "$T/ao" 2>/dev/null || true
}


# make_alpha PATH: a file matching Ng.Test.Alpha (a body signature).
make_alpha() {
    printf 'alpha %s\n' "$ALPHA_STRING" >"${1:?}"
}

# need_shim: the slow shim, or skip saying why.
need_shim() {
    SHIM=$BATS_FILE_TMPDIR/slow_shim.so
    command -v cc >/dev/null 2>&1 || skip "no C compiler to build tests/slow_shim.c"
    [ -f "$SHIM" ] || skip "tests/slow_shim.c did not build: $(cat "$BATS_FILE_TMPDIR/shim.err")"
    # the sanitizer runtime wants to be first in the preload list
    [ -z "${NG_SANITIZED:-}" ] || export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# other_fs_dir VAR: a fresh directory on another filesystem than $T
# (/dev/shm), or skip.
other_fs_dir() {
    [ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm"
    local d
    d=$(mktemp -d /dev/shm/ng-hard.XXXXXX)
    SHM_DIRS+=("$d")
    [ "$(stat -c %d "$d")" != "$(stat -c %d "$T")" ] || skip "/dev/shm is on the test directory's filesystem"
    printf -v "$1" '%s' "$d"
}

# wait_for FILE [SECONDS]: until FILE exists (default 20 s).
wait_for() {
    local i
    for ((i = 0; i < ${2:-20} * 20; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.05
    done
    echo "FAIL: $1 never appeared"
    return 1
}

# bg_ng ARGS: the client in the background, output to $T/bg.out/err;
# sets BG_PID. bg_end: waits for it, sets $status, $out, $err. A shell
# starts background jobs with SIGINT ignored (and a program keeps what it
# inherits ignored, as under nohup): the launcher restores the default, as
# a terminal's Ctrl-C or a CI runner would find it.
bg_ng() {
    python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$NG" "$@" >"$T/bg.out" 2>"$T/bg.err" &
    BG_PID=$!
}
bg_end() {
    status=0
    wait "$BG_PID" || status=$?
    out=$(<"$T/bg.out")
    err=$(<"$T/bg.err")
    echo "exit $status"
    echo "--- stdout:"
    echo "$out"
    echo "--- stderr:"
    echo "$err"
}

# json_ok FILE: every line is a JSON object and the last is the summary.
json_ok() {
    python3 - "$1" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert objs and objs[-1].get("type") == "summary", objs[-1:]
PY
}

# sarif_unsuccessful FILE: a complete, valid SARIF log whose run failed.
sarif_unsuccessful() {
    sarif_valid "$1" || return 1
    python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
inv = log["runs"][0]["invocations"][0]
assert inv["executionSuccessful"] is False, inv
PY
}

# ---- 1. report files never follow a link ------------------------------------

@test "-l through a symbolic link: refused before scanning, exit 2, the link's target untouched" {
    mkdir tree
    make_eicar tree/e.com
    echo keep >target
    ln -s target log
    ng_capture -c "$LAB_CONF" -l log tree
    [ "$status" -eq 2 ]
    [[ $err == *"Failed to open log file log: Too many levels of symbolic links"* ]]
    [[ $out != *FOUND* ]]
    [ "$(cat target)" = keep ]
}

@test "--sarif through a symbolic link, existing or dangling: refused before scanning, exit 2" {
    mkdir tree
    make_eicar tree/e.com
    echo keep >target
    ln -s target s1
    ln -s nowhere s2
    ng_capture -c "$LAB_CONF" --sarif=s1 tree
    [ "$status" -eq 2 ]
    [[ $err == *"SARIF report s1: it is a symbolic link"* ]]
    [[ $out != *FOUND* ]]
    [ "$(cat target)" = keep ]
    ng_capture -c "$LAB_CONF" --sarif=s2 tree
    [ "$status" -eq 2 ]
    [[ $out != *FOUND* ]]
    [ ! -e nowhere ]
}

@test "--sarif is put in place whole: the old report replaced, no temporary file left" {
    mkdir tree
    make_eicar tree/e.com
    echo old >r.sarif
    ng_capture -c "$LAB_CONF" --sarif=r.sarif tree
    [ "$status" -eq 1 ]
    sarif_valid r.sarif
    [ -z "$(find . -maxdepth 1 -name '*clamdscan-ng-tmp*')" ]
}

# ---- 2. the run's own files are not scanned or acted on ---------------------------

@test "--remove leaves the run's own log alone, even when it matches a signature" {
    mkdir tree
    make_alpha tree/a.txt
    # a log from an earlier run that named such a file
    printf 'tree/%s: found\n' "$ALPHA_STRING" >tree/own.log
    ng_capture -c "$LAB_CONF" --remove -l tree/own.log tree
    [ "$status" -eq 1 ]
    [ -f tree/own.log ]
    [ ! -e tree/a.txt ]
    [[ $out != *"own.log"* ]]
    grep -q 'Infected files: 1' tree/own.log
}

@test "standard output and the SARIF report written into the scanned tree are not scanned" {
    mkdir tree
    printf '%s\n' "$ALPHA_STRING" >tree/out.txt
    printf '%s\n' "$ALPHA_STRING" >tree/r.sarif
    echo clean >tree/c.txt
    status=0
    "$NG" -c "$LAB_CONF" --sarif=tree/r.sarif tree >>tree/out.txt 2>"$T/err" || status=$?
    cat tree/out.txt
    [ "$status" -eq 0 ]
    ! grep -q 'FOUND' tree/out.txt
    grep -q 'Infected files: 0' tree/out.txt
}

# ---- 6. never OK for what was not scanned ------------------------------------

@test "a target that is the quarantine directory, or inside it: an error, never OK" {
    mkdir -p q/sub tree
    make_eicar q/sub/old.com
    ng_capture -c "$LAB_CONF" --move=q q
    [ "$status" -eq 2 ]
    [[ $out == *"$T/q: Not scanned: the quarantine directory of this run. ERROR"* ]]
    [[ $out != *": OK"* ]]
    ng_capture -c "$LAB_CONF" --move=q q/sub
    [ "$status" -eq 2 ]
    [[ $out == *"q/sub: Not scanned: inside the quarantine directory of this run. ERROR"* ]]
    [[ $out != *": OK"* ]]
    [ -f q/sub/old.com ]
}

# ---- 5. -f lists that cannot be read --------------------------------------------

@test "-f naming a directory: an error naming the list, exit 2" {
    mkdir listdir
    ng_capture -c "$LAB_CONF" -f listdir
    [ "$status" -eq 2 ]
    [[ $err == *"Can't read file listdir at line 1: Is a directory"* ]]
}

@test "-f with a line too large for memory: an error naming the line; the other entries are scanned" {
    mkdir tree
    echo clean >tree/c.txt
    make_eicar tree/e.com
    {
        echo "$T/tree/c.txt"
        head -c 300000000 /dev/zero | tr '\0' x
        echo
        echo "$T/tree/e.com"
    } >list
    status=0
    (
        bounded_memory
        "$NG" -c "$LAB_CONF" -f list >"$T/ng.out" 2>"$T/ng.err"
    ) || status=$?
    out=$(<"$T/ng.out")
    err=$(cut -c1-300 "$T/ng.err")
    echo "exit $status"; echo "$out"; echo "$err"
    [ "$status" -eq 1 ]
    [[ $err == *"list:2: line longer than"* ]]
    [[ $out == *"tree/c.txt: OK"* ]]
    [[ $out == *"tree/e.com: $EICAR_SIG FOUND"* ]]
    [[ $out == *"Total errors: 1"* ]]
}

# Caps the memory of what this shell runs next (see tests/faults.bats).
bounded_memory() {
    if [ -n "${NG_SANITIZED:-}" ]; then
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=200"
    else
        ulimit -v 200000
    fi
}

# ---- 4. every failed write is an error ------------------------------------------

@test "stdout on a full device: a message and exit 2 (1 stays 1), text and JSON" {
    [ -w /dev/full ] || skip "no /dev/full"
    mkdir tree
    echo clean >tree/c.txt
    status=0
    "$NG" -c "$LAB_CONF" tree >/dev/full 2>err || status=$?
    cat err
    [ "$status" -eq 2 ]
    grep -q "Can't write to standard output: No space left on device" err
    status=0
    "$NG" -c "$LAB_CONF" --json tree >/dev/full 2>err || status=$?
    cat err
    [ "$status" -eq 2 ]
    grep -q "Can't write to standard output" err
    make_eicar tree/e.com
    status=0
    "$NG" -c "$LAB_CONF" tree >/dev/full 2>err || status=$?
    [ "$status" -eq 1 ]
    grep -q "Can't write to standard output" err
}

@test "the log on a full device: a message naming it, exit 2" {
    [ -w /dev/full ] || skip "no /dev/full"
    mkdir tree
    echo clean >tree/c.txt
    ng_capture -c "$LAB_CONF" -l /dev/full tree
    [ "$status" -eq 2 ]
    [[ $err == *"Can't write the log file /dev/full: No space left on device"* ]]
}

@test "a reader that goes away (| head -1) is not an error: the scan's own status" {
    mkdir tree
    for i in 1 2 3 4 5; do echo "clean $i" >"tree/c$i.txt"; done
    make_eicar tree/e.com
    run bash -c 'set -o pipefail; "$NG" -c "$LAB_CONF" tree | head -1'
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
}

# ---- 7. descriptor limits shrink the window, never the verdict -------------------

# many_files DIR N: N clean files and one EICAR (named last).
many_files() {
    local i
    mkdir -p "$1"
    for ((i = 1; i <= $2; i++)); do echo "file $i" >"$1/f$i"; done
    make_eicar "$1/zz.com"
}

@test "ulimit -n 20: -m --fdpass over 101 files finds the infected one, no file an error" {
    many_files tree 100
    status=0
    (ulimit -n 20 && exec "$NG" -c "$LAB_CONF" -m --fdpass -i tree) >"$T/o" 2>"$T/e" || status=$?
    cat "$T/o" "$T/e"
    [ "$status" -eq 1 ]
    grep -q "zz.com: $EICAR_SIG FOUND" "$T/o"
    ! grep -q 'ERROR' "$T/o" "$T/e"
}

@test "ulimit -n 40: --copy and --move with -m --fdpass act on the infected file, no file an error" {
    many_files tree 100
    mkdir q
    status=0
    (ulimit -n 40 && exec "$NG" -c "$LAB_CONF" -m --fdpass --copy=q -i tree) >"$T/o" 2>"$T/e" || status=$?
    cat "$T/o" "$T/e"
    [ "$status" -eq 1 ]
    grep -q "zz.com: copied to" "$T/o"
    ! grep -q 'ERROR' "$T/o" "$T/e"
    status=0
    (ulimit -n 40 && exec "$NG" -c "$LAB_CONF" -m --fdpass --move=q -i tree) >"$T/o" 2>"$T/e" || status=$?
    cat "$T/o" "$T/e"
    [ "$status" -eq 1 ]
    grep -q "zz.com: moved to" "$T/o"
    ! grep -q 'ERROR' "$T/o" "$T/e"
    [ ! -e tree/zz.com ]
}

# ---- 8. a daemon cannot name files outside the target ---------------------------

@test "a reply naming PATH/../elsewhere is a protocol violation, never a FOUND" {
    fake_start found_dotdot --misbehave-on scan
    mkdir -p tree/sub
    echo clean >tree/sub/c.txt
    ng_capture -c "$FAKE_CONF" tree
    [ "$status" -eq 2 ]
    [[ $out != *"elsewhere"*FOUND* ]]
    [[ $out != *": OK"* ]]
    [[ $err == *"clamd at $FAKE_SOCK"*elsewhere* ]]
}

# ---- 9. the quarantine strips privileges -----------------------------------------

@test "--move on one filesystem strips setuid, setgid and file capabilities" {
    [ "$(id -u)" -eq 0 ] || skip "setting security.capability needs root"
    mkdir tree q
    make_eicar tree/e.com
    chmod 6755 tree/e.com
    # a VFS_CAP_REVISION_2 capability set: CAP_NET_BIND_SERVICE permitted
    python3 -c 'import os,struct,sys; os.setxattr(sys.argv[1], "security.capability", struct.pack("<5I", 0x02000000, 1 << 10, 0, 0, 0))' tree/e.com ||
        skip "cannot set file capabilities here"
    ng_capture -c "$LAB_CONF" --move=q tree
    [ "$status" -eq 1 ]
    [ -f q/e.com ]
    [ "$(stat -c %a q/e.com)" = 755 ]
    run python3 -c 'import os,sys; print("security.capability" in os.listxattr(sys.argv[1]))' q/e.com
    [ "$output" = False ]
}

# ---- 10. no debris ---------------------------------------------------------------------

@test "--remove in an append-only directory: an error saying so, nothing left behind" {
    [ "$(id -u)" -eq 0 ] || skip "chattr +a needs root"
    mkdir ao
    make_eicar ao/e.com
    chattr +a ao 2>/dev/null || skip "this filesystem has no append-only flag"
    ng_capture -c "$LAB_CONF" --remove ao
    chattr -a ao
    [ "$status" -eq 1 ]
    [[ $err == *"Can't remove file '$T/ao/e.com': its directory is append-only or immutable"* ]]
    [ "$(ls -A ao)" = e.com ]
}

# ---- 3. interrupted runs ------------------------------------------------------------------

@test "SIGTERM with files in flight: no OK for them, summary, log, JSON and SARIF completed, exit 2" {
    fake_start silent --misbehave-on scan
    mkdir tree
    for i in 1 2 3; do echo "clean $i" >"tree/c$i.txt"; done
    bg_ng -c "$FAKE_CONF" --json --sarif=r.sarif -l run.log tree
    # the fake logs each request it reads
    for ((i = 0; i < 400; i++)); do
        grep -q 'SCAN' "$FAKE_LOG" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.2
    kill -TERM "$BG_PID"
    bg_end
    [ "$status" -eq 2 ]
    grep -q '"result":"error"' "$T/bg.out"
    ! grep -q '"result":"ok"' "$T/bg.out"
    grep -q 'interrupted by SIGTERM' "$T/bg.out"
    json_ok "$T/bg.out"
    sarif_unsuccessful r.sarif
    grep -q 'End Date' run.log
    grep -q 'interrupted by SIGTERM' run.log
}

@test "SIGINT after a FOUND: the FOUND stands, the rest is not called clean, exit 1" {
    fake_start trickle --trickle-delay 0.02
    mkdir tree
    make_eicar tree/a.com
    for i in 1 2 3 4 5 6; do echo "clean $i" >"tree/c$i.txt"; done
    bg_ng -c "$FAKE_CONF" tree/a.com tree/c1.txt tree/c2.txt tree/c3.txt tree/c4.txt tree/c5.txt tree/c6.txt
    for ((i = 0; i < 600; i++)); do
        grep -q FOUND "$T/bg.out" && break
        sleep 0.05
    done
    kill -INT "$BG_PID"
    bg_end
    [ "$status" -eq 1 ]
    [[ $out == *"a.com: $EICAR_SIG FOUND"* ]]
    [[ $out == *"interrupted by SIGINT"* ]]
    [[ $out == *"Infected files: 1"* ]]
    [[ $out == *"End Date:"* ]]
}

@test "SIGKILL in the middle of a move across filesystems: nothing under the real name; the next run cleans up" {
    need_shim
    local q
    other_fs_dir q
    mkdir tree
    make_eicar tree/e.com
    SLOW_SHIM_AT=fsync SLOW_SHIM_MARK=$T/mark SLOW_SHIM_SECS=30 LD_PRELOAD=$SHIM \
        bg_ng -c "$LAB_CONF" --move="$q" tree
    wait_for "$T/mark"
    kill -KILL "$BG_PID"
    bg_end || true
    [ ! -e "$q/e.com" ]
    [ -f tree/e.com ]
    ls -A "$q" | grep -q '^\.clamdscan-ng-tmp\.'
    echo clean >other.txt
    ng_capture -c "$LAB_CONF" --move="$q" other.txt
    [ "$status" -eq 0 ]
    [[ $err == *"removed an unfinished copy left by an interrupted run"* ]]
    [ -z "$(ls -A "$q")" ]
}

@test "SIGTERM in the middle of a move across filesystems: the move completes, then the run ends, exit 1" {
    need_shim
    local q
    other_fs_dir q
    mkdir tree
    make_eicar tree/e.com
    for i in 1 2 3; do echo "clean $i" >"tree/c$i.txt"; done
    SLOW_SHIM_AT=fsync SLOW_SHIM_MARK=$T/mark SLOW_SHIM_SECS=2 LD_PRELOAD=$SHIM \
        bg_ng -c "$LAB_CONF" --move="$q" tree
    wait_for "$T/mark"
    kill -TERM "$BG_PID"
    bg_end
    [ "$status" -eq 1 ]
    [[ $out == *"e.com: moved to '$q/e.com'"* ]]
    [ ! -e tree/e.com ]
    cmp "$q/e.com" <(printf '%s' "$EICAR_STRING")
    [ -z "$(find "$q" -name '.clamdscan-ng-tmp*')" ]
}

@test "a second signal ends the program at once" {
    need_shim
    local q
    other_fs_dir q
    mkdir tree
    make_eicar tree/e.com
    SLOW_SHIM_AT=fsync SLOW_SHIM_MARK=$T/mark SLOW_SHIM_SECS=30 LD_PRELOAD=$SHIM \
        bg_ng -c "$LAB_CONF" --move="$q" tree
    wait_for "$T/mark"
    local t0=$SECONDS
    kill -TERM "$BG_PID"
    sleep 0.3
    kill -TERM "$BG_PID"
    bg_end || true
    [ "$status" -eq 143 ]
    [ $((SECONDS - t0)) -lt 10 ]
    [ -f tree/e.com ]
}

@test "SIGTERM during the summary: the summary and the log are completed" {
    need_shim
    mkdir tree
    make_eicar tree/e.com
    SLOW_SHIM_AT=strftime SLOW_SHIM_MARK=$T/mark SLOW_SHIM_SECS=2 LD_PRELOAD=$SHIM \
        bg_ng -c "$LAB_CONF" -l run.log tree
    wait_for "$T/mark"
    kill -TERM "$BG_PID"
    bg_end
    [ "$status" -eq 1 ]
    [[ $out == *"Infected files: 1"* ]]
    [[ $out == *"End Date:"* ]]
    grep -q 'End Date:' run.log
}
