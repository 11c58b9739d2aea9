#!/usr/bin/env bats
# lab.bats: tests of the test lab itself (scripts/lab-clamd, tests/sigs,
# tests/fakeclamd.py, tests/lab.bash).  If these fail, the client's
# end-to-end tests cannot be trusted either way.

bats_require_minimum_version 1.5.0

load lab

setup_file() {
    lab_start
}

teardown_file() {
    lab_stop
}

teardown() {
    fake_stop
}

# Sorted output without the variable parts, for comparing two daemons.
sorted_lines() {
    printf '%s\n' "$@" | sort
}

# ---- the lab clamd ---------------------------------------------------------

@test "lab: clamd answers PING on the Unix socket and on TCP" {
    run -0 "$LAB_CLAMD_SCRIPT" ping "$LAB"
    run -0 "$LAB_CLAMD_SCRIPT" ping "$LAB" tcp
    run -0 clamd_raw "$LAB_SOCK" 'zPING\0'
    assert_output PONG
    run -0 clamd_raw "tcp:$LAB_PORT" 'nPING\n'
    assert_output PONG
}

@test "lab: config files point at the lab daemon, with the documented keys" {
    assert_equal "$LAB_SOCK" "$LAB/clamd.sock"
    [[ -S $LAB_SOCK ]]
    [[ $LAB_PORT =~ ^[0-9]+$ ]]
    run -0 cat "$LAB_CONF"
    assert_line "LocalSocket $LAB_SOCK"
    assert_line "TCPSocket $LAB_PORT"
    assert_line "TCPAddr 127.0.0.1"
    assert_line "StreamMaxLength 1M"
    run -0 cat "$LAB_TCP_CONF"
    refute_line --partial LocalSocket
    assert_line "TCPSocket $LAB_PORT"
    run -0 cat "$LAB/clamd.conf"
    assert_line "AllowAllMatchScan yes"
    assert_line "LocalSocketMode 666"
    assert_line "User $(id -un)"
    # The lab must not depend on the system configuration.
    refute_output --partial /etc/
    refute_output --partial /var/lib/clamav
}

@test "lab: loads only the project's signatures" {
    run -0 ls "$LAB/db"
    assert_output "$(printf 'ng-test.hdb\nng-test.ndb')"
    run -0 grep -c 'Loaded 3 signatures' "$LAB/clamd.log"
}

@test "lab: the system clamdscan finds EICAR with \$LAB_CONF" {
    make_eicar "$BATS_TEST_TMPDIR/eicar.com"
    [[ $(stat -c %s "$BATS_TEST_TMPDIR/eicar.com") == 68 ]]
    run -1 "$REF" -c "$LAB_CONF" --no-summary "$BATS_TEST_TMPDIR/eicar.com"
    assert_output "$BATS_TEST_TMPDIR/eicar.com: $EICAR_SIG FOUND"
}

@test "lab: the system clamdscan reports a clean file clean (exit 0)" {
    printf 'harmless\n' >"$BATS_TEST_TMPDIR/clean.txt"
    run -0 "$REF" -c "$LAB_CONF" --no-summary "$BATS_TEST_TMPDIR/clean.txt"
    assert_output "$BATS_TEST_TMPDIR/clean.txt: OK"
}

@test "lab: EICAR is found over TCP (\$LAB_TCP_CONF) and by --stream" {
    make_eicar "$BATS_TEST_TMPDIR/e.com"
    run -1 "$REF" -c "$LAB_TCP_CONF" --no-summary "$BATS_TEST_TMPDIR/e.com"
    assert_output "$BATS_TEST_TMPDIR/e.com: $EICAR_SIG FOUND"
    run -1 "$REF" -c "$LAB_CONF" --stream --no-summary "$BATS_TEST_TMPDIR/e.com"
    assert_output "$BATS_TEST_TMPDIR/e.com: $EICAR_SIG FOUND"
}

@test "lab: -z on both.bin gives two FOUND lines, without -z one" {
    make_tree "$BATS_TEST_TMPDIR/t"
    local f=$BATS_TEST_TMPDIR/t/both.bin
    run -1 "$REF" -c "$LAB_CONF" --no-summary -z "$f"
    assert_equal "${#lines[@]}" 2
    assert_line "$f: $ALPHA_SIG FOUND"
    assert_line "$f: $BETA_SIG FOUND"
    run -1 "$REF" -c "$LAB_CONF" --no-summary "$f"
    assert_output "$f: $ALPHA_SIG FOUND"
}

@test "lab: make_tree has exactly the three documented infected files" {
    local t=$BATS_TEST_TMPDIR/t
    make_tree "$t"
    run -1 "$REF" -c "$LAB_CONF" --no-summary "$t"
    assert_equal "${#lines[@]}" 3
    assert_line "$t/sub/deep/eicar.com: $EICAR_SIG FOUND"
    assert_line "$t/both.bin: $ALPHA_SIG FOUND"
    assert_line "$t/sp ace: colon.com: $EICAR_SIG FOUND"
}

@test "lab: INSTREAM over the limit gets the size limit error (StreamMaxLength 1M)" {
    head -c 1100000 /dev/zero >"$BATS_TEST_TMPDIR/big"
    run clamd_raw "$LAB_SOCK" 'zINSTREAM\0' "@stream:$BATS_TEST_TMPDIR/big"
    assert_line "INSTREAM size limit exceeded. ERROR"
}

@test "lab: the lab's own files do not trip the project's signatures" {
    # They mention the test strings only in pieces, so scanning a checkout
    # does not report the test helpers themselves.
    run -0 "$REF" -c "$LAB_CONF" --no-summary -i "$LAB_REPO/tests/lab.bash" \
        "$LAB_REPO/tests/lab.bats" "$LAB_REPO/tests/fakeclamd.py" "$LAB_REPO/scripts/lab-clamd"
    assert_output ""
}

@test "lab-clamd: start/stop cycle with LAB_CLAMD_EXTRA leaves no clamd behind" {
    local dir=$BATS_TEST_TMPDIR/lab2 pid
    LAB_CLAMD_EXTRA=$'StreamMaxLength 2M\nLogClean yes' run -0 "$LAB_CLAMD_SCRIPT" start "$dir"
    assert_output "$dir"
    pid=$(<"$dir/clamd.pid")
    pid_alive "$pid"
    # The extra line replaces the default instead of duplicating it.
    run -0 grep -c '^StreamMaxLength' "$dir/clamd.conf"
    assert_output 1
    run -0 grep '^StreamMaxLength' "$dir/client.conf"
    assert_output "StreamMaxLength 2M"
    run -0 "$LAB_CLAMD_SCRIPT" ping "$dir"
    # A second start on a running lab is refused.
    run -1 "$LAB_CLAMD_SCRIPT" start "$dir"
    assert_output --partial "already running"
    run -0 "$LAB_CLAMD_SCRIPT" stop "$dir"
    run ! pid_alive "$pid"
    [[ ! -e $dir/clamd.sock ]]
    run -1 "$LAB_CLAMD_SCRIPT" ping "$dir"
    # Stopping again is harmless.
    run -0 "$LAB_CLAMD_SCRIPT" stop "$dir"
}

@test "lab-clamd: a bad extra line fails the start with the log shown" {
    LAB_CLAMD_EXTRA='NoSuchOption yes' run -1 "$LAB_CLAMD_SCRIPT" start "$BATS_TEST_TMPDIR/bad"
    assert_output --partial "NoSuchOption"
    assert_output --partial "exited during startup"
}

@test "lab-clamd: usage errors exit 2 with a usage message" {
    run -2 "$LAB_CLAMD_SCRIPT"
    assert_output --partial "usage:"
    run -2 "$LAB_CLAMD_SCRIPT" frobnicate /tmp/x
    assert_output --partial "usage:"
    run -0 "$LAB_CLAMD_SCRIPT" help
    assert_output --partial "LAB_CLAMD_EXTRA"
}

# ---- fakeclamd: mode good ------------------------------------------------------

@test "fake good: PING, VERSION and a VERSIONCOMMANDS in the real daemon's format" {
    fake_start good
    run -0 clamd_raw "$FAKE_SOCK" 'zPING\0'
    assert_output PONG
    run -0 clamd_raw "$FAKE_SOCK" 'nVERSION\n'
    assert_output "ClamAV 1.4.6/0/fake"
    run -0 clamd_raw "$FAKE_SOCK" 'zVERSIONCOMMANDS\0'
    local fake=$output
    run -0 clamd_raw "$LAB_SOCK" 'zVERSIONCOMMANDS\0'
    local real=$output
    [[ $real =~ ^ClamAV\ [^|]+\|\ COMMANDS:\ (.*)$ ]]
    local real_cmds=${BASH_REMATCH[1]}
    [[ $fake =~ ^ClamAV\ [^|]+\|\ COMMANDS:\ (.*)$ ]]
    assert_equal "${BASH_REMATCH[1]}" "$real_cmds"
}

@test "fake good: path, INSTREAM, FILDES and IDSESSION replies" {
    local t=$BATS_TEST_TMPDIR/t
    make_tree "$t"
    fake_start good
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $t/sub/deep/eicar.com\\0"
    assert_output "$t/sub/deep/eicar.com: $EICAR_SIG FOUND"
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $t/clean.txt\\0"
    assert_output "$t/clean.txt: OK"
    run -0 clamd_raw "$FAKE_SOCK" "zALLMATCHSCAN $t/both.bin\\0"
    assert_output "$(printf '%s\n' "$t/both.bin: $ALPHA_SIG FOUND" "$t/both.bin: $BETA_SIG FOUND")"
    run -0 clamd_raw "$FAKE_SOCK" "zCONTSCAN $t/emptydir\\0"
    assert_output "$t/emptydir: OK"
    run -0 clamd_raw "$FAKE_SOCK" "zCONTSCAN $t\\0"
    assert_equal "${#lines[@]}" 3
    assert_line "$t/sp ace: colon.com: $EICAR_SIG FOUND"
    run -0 clamd_raw "$FAKE_SOCK" 'zINSTREAM\0' "@stream:$t/sub/deep/eicar.com"
    assert_output "stream: $EICAR_SIG FOUND"
    run -0 clamd_raw "$FAKE_SOCK" 'zFILDES\0' "@fd:$t/clean.txt"
    assert_output --regexp '^fd\[[0-9]+\]: OK$'
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' "zSCAN $t/both.bin\\0" 'zINSTREAM\0' "@stream:$t/clean.txt" 'zEND\0'
    assert_output "$(printf '%s\n' '1: PONG' "2: $t/both.bin: $ALPHA_SIG FOUND" '3: stream: OK')"
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' "zCONTSCAN $t\\0"
    assert_output "1: Command invalid inside IDSESSION. ERROR"
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $t/nope\\0"
    assert_output "$t/nope: File path check failure: No such file or directory. ERROR"
}

@test "fake good: the system clamdscan sees the same results as from the lab clamd" {
    local t=$BATS_TEST_TMPDIR/t opt real
    make_tree "$t"
    fake_start good
    # "" is the default path mode (CONTSCAN of the directory).
    for opt in "" --stream --fdpass --multiscan "--multiscan --fdpass" \
        "--multiscan --stream" --allmatch; do
        # shellcheck disable=SC2086
        run -1 "$REF" -c "$LAB_CONF" --no-summary $opt "$t"
        real=$(sorted_lines "${lines[@]}")
        # shellcheck disable=SC2086
        run -1 "$REF" -c "$FAKE_CONF" --no-summary $opt "$t"
        assert_equal "$(sorted_lines "${lines[@]}")" "$real"
    done
}

@test "fake good: over TCP" {
    make_eicar "$BATS_TEST_TMPDIR/e.com"
    fake_start_tcp good
    run -0 clamd_raw "tcp:$FAKE_PORT" 'zPING\0'
    assert_output PONG
    run -1 "$REF" -c "$FAKE_CONF" --stream --no-summary "$BATS_TEST_TMPDIR/e.com"
    assert_output "$BATS_TEST_TMPDIR/e.com: $EICAR_SIG FOUND"
}

# ---- fakeclamd: misbehaviours ----------------------------------------------------

@test "fake garbage: every request gets HELLO THERE" {
    fake_start garbage
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $BATS_TEST_TMPDIR\\0"
    assert_output "HELLO THERE"
    run -0 clamd_raw "$FAKE_SOCK" 'zPING\0'
    assert_output "HELLO THERE"
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' "zSCAN $BATS_TEST_TMPDIR\\0" 'zEND\0'
    assert_output "1: HELLO THERE"
}

@test "fake garbage --misbehave-on scan: PING and VERSIONCOMMANDS still work" {
    fake_start garbage --misbehave-on scan
    run -0 clamd_raw "$FAKE_SOCK" 'zPING\0'
    assert_output PONG
    run -0 clamd_raw "$FAKE_SOCK" 'zVERSIONCOMMANDS\0'
    assert_output --partial "| COMMANDS: "
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' "zSCAN $BATS_TEST_TMPDIR\\0" 'zEND\0'
    assert_output "$(printf '%s\n' '1: PONG' '2: HELLO THERE')"
}

@test "fake silent: never answers, keeps the connection open, exits on SIGTERM" {
    fake_start silent
    local start=$SECONDS
    run -3 clamd_raw -t 1 "$FAKE_SOCK" 'zPING\0'
    assert_output "<timeout>"
    run -3 clamd_raw -t 1 "$FAKE_SOCK" 'zINSTREAM\0' "@stream:$BATS_TEST_FILENAME"
    assert_output "<timeout>"
    ((SECONDS - start < 10))
    # A client left hanging on it must not keep it alive.
    clamd_raw -t 30 "$FAKE_SOCK" 'zPING\0' >/dev/null 3>&- &
    local client=$!
    sleep 0.3
    kill -TERM "$FAKE_PID"
    local i
    for ((i = 0; i < 30; i++)); do
        pid_alive "$FAKE_PID" || break
        sleep 0.1
    done
    run ! pid_alive "$FAKE_PID"
    [[ ! -e $FAKE_SOCK ]]
    wait "$client" || true
}

@test "fake session_reverse: replies come in reverse order" {
    local t=$BATS_TEST_TMPDIR/t
    make_tree "$t"
    fake_start session_reverse=3
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' "zSCAN $t/clean.txt\\0" 'zPING\0' "zSCAN $t/sub/deep/eicar.com\\0" 'zEND\0'
    assert_output "$(printf '%s\n' "3: $t/sub/deep/eicar.com: $EICAR_SIG FOUND" '2: PONG' "1: $t/clean.txt: OK")"
    # END flushes a partial batch, still reversed.
    run -0 clamd_raw "$FAKE_SOCK" 'nIDSESSION\n' 'nPING\n' 'nVERSION\n' 'nEND\n'
    assert_output "$(printf '%s\n' '2: ClamAV 1.4.6/0/fake' '1: PONG')"
    # So does a half-close instead of END.
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zVERSION\0' '@shut'
    assert_output "$(printf '%s\n' '2: ClamAV 1.4.6/0/fake' '1: PONG')"
    # So does a client that waits for replies before sending more.
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' '@sleep:2' 'zEND\0'
    assert_output '1: PONG'
}

@test "fake close_no_reply / close_mid_reply: nothing, or half a line" {
    fake_start close_no_reply
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $BATS_TEST_TMPDIR\\0"
    assert_output ""
    fake_start close_mid_reply
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $BATS_TEST_TMPDIR\\0"
    assert_line -n 1 "<partial>"
    [[ "$BATS_TEST_TMPDIR: OK" == "${lines[0]}"* ]]
    ((${#lines[0]} < ${#BATS_TEST_TMPDIR} + 4))
}

@test "fake unknown_command / command_unavailable" {
    fake_start unknown_command
    run -0 clamd_raw "$FAKE_SOCK" 'zINSTREAM\0' "@stream:$BATS_TEST_FILENAME"
    assert_output "UNKNOWN COMMAND"
    fake_start command_unavailable
    run -0 clamd_raw "$FAKE_SOCK" "zCONTSCAN $BATS_TEST_TMPDIR\\0"
    assert_output "COMMAND UNAVAILABLE"
}

@test "fake trickle: correct reply, one byte at a time" {
    fake_start trickle --trickle-delay 0.02
    local start=$EPOCHREALTIME
    run -0 clamd_raw "$FAKE_SOCK" "zCONTSCAN $BATS_TEST_TMPDIR\\0"
    assert_output "$BATS_TEST_TMPDIR: OK"
    # n bytes at 20 ms each: it must have taken a while.
    python3 -c "import sys; sys.exit(not ($EPOCHREALTIME - $start > 0.02 * ${#BATS_TEST_TMPDIR}))"
}

@test "fake endless_line: a line that never ends (client must bound memory)" {
    fake_start endless_line
    run -5 clamd_raw -m 5000000 "$FAKE_SOCK" "zSCAN $BATS_TEST_TMPDIR\\0"
    assert_line "<maxbytes>"
    # It notices the client going away and serves the next one.
    run -5 clamd_raw -m 100000 "$FAKE_SOCK" 'zPING\0'
    assert_line "<maxbytes>"
    grep -q 'closed (send: ' "$FAKE_LOG"
}

@test "fake size_limit and reset_while_sending on INSTREAM" {
    head -c 300000 /dev/zero >"$BATS_TEST_TMPDIR/data"
    fake_start size_limit
    run -0 clamd_raw "$FAKE_SOCK" 'zINSTREAM\0' "@stream:$BATS_TEST_TMPDIR/data"
    assert_line -n 0 "INSTREAM size limit exceeded. ERROR"
    fake_start_tcp reset_while_sending
    run clamd_raw "tcp:$FAKE_PORT" 'zINSTREAM\0' "@stream:$BATS_TEST_TMPDIR/data"
    # what the client sees depends on timing (a reset, or a close once all
    # was sent); what matters: no reply came, and the fake did reset
    [ "$status" -eq 4 ] || [ "$status" -eq 0 ]
    refute_line --partial "stream:"
    grep -q '! reset' "$FAKE_LOG"
}

@test "fake session_every_other / unknown_id / repeat_id" {
    fake_start session_every_other --idle 0.5
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zPING\0' 'zPING\0' 'zEND\0'
    assert_output "$(printf '%s\n' '1: PONG' '3: PONG')"
    # A client waiting for the missing reply is hung up on after --idle.
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zPING\0'
    assert_output '1: PONG'
    fake_start session_unknown_id
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zPING\0' 'zEND\0'
    assert_output "$(printf '%s\n' '1001: PONG' '2: PONG')"
    fake_start session_repeat_id
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zPING\0' 'zEND\0'
    assert_output "$(printf '%s\n' '1: PONG' '1: PONG' '2: PONG')"
}

@test "fake session_close_after=N: N replies per connection" {
    fake_start session_close_after=2
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zPING\0' 'zPING\0' 'zEND\0'
    assert_output "$(printf '%s\n' '1: PONG' '2: PONG')"
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zEND\0'
    assert_output '1: PONG'
    run -0 clamd_raw "$FAKE_SOCK" 'zPING\0'
    assert_output PONG
}

@test "fake found_elsewhere: answers about a path it was not asked about" {
    fake_start found_elsewhere
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $BATS_TEST_TMPDIR\\0"
    assert_output "/etc/passwd: $EICAR_SIG FOUND"
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zINSTREAM\0' "@stream:$BATS_TEST_FILENAME" 'zEND\0'
    assert_output "1: /etc/passwd: $EICAR_SIG FOUND"
}

@test "fake no_idsession: no IDSESSION in VERSIONCOMMANDS, UNKNOWN COMMAND for it" {
    fake_start no_idsession
    run -0 clamd_raw "$FAKE_SOCK" 'zVERSIONCOMMANDS\0'
    assert_output --partial "| COMMANDS: "
    refute_output --partial IDSESSION
    assert_output --partial INSTREAM
    run -0 clamd_raw "$FAKE_SOCK" 'zIDSESSION\0' 'zPING\0' 'zEND\0'
    assert_output "UNKNOWN COMMAND"
}

@test "fake --swap-dir-on-request: parent swapped for a symlink to the decoy" {
    local t=$BATS_TEST_TMPDIR/race
    mkdir -p "$t/victim" "$t/decoy"
    make_eicar "$t/victim/file.com"
    printf 'precious\n' >"$t/decoy/file.com"
    fake_start good --swap-dir-on-request --decoy "$t/decoy"
    run -0 clamd_raw "$FAKE_SOCK" "zSCAN $t/victim/file.com\\0"
    assert_output "$t/victim/file.com: $EICAR_SIG FOUND"
    [[ -L $t/victim ]]
    assert_equal "$(readlink "$t/victim")" "$t/decoy"
    [[ -f $t/victim.swapped/file.com ]]
    run -0 cat "$t/victim/file.com"
    assert_output precious
}

@test "fake --swap-dir-on-request with FILDES uses --swap-target" {
    local t=$BATS_TEST_TMPDIR/race
    mkdir -p "$t/victim" "$t/decoy"
    printf 'clean\n' >"$t/victim/file.txt"
    fake_start good --swap-dir-on-request --decoy "$t/decoy" --swap-target "$t/victim/file.txt"
    run -0 clamd_raw "$FAKE_SOCK" 'zFILDES\0' "@fd:$t/victim/file.txt"
    assert_output --regexp "^fd\[[0-9]+\]: $EICAR_SIG FOUND\$"
    [[ -L $t/victim && -f $t/victim.swapped/file.txt ]]
}

@test "fakeclamd: every mode exits promptly on SIGTERM, even mid-request" {
    local mode i data=$BATS_TEST_TMPDIR/data
    head -c 200000 /dev/zero >"$data"
    for mode in good close_no_reply close_mid_reply garbage unknown_command \
        command_unavailable silent trickle endless_line reset_while_sending \
        size_limit session_every_other session_reverse session_unknown_id \
        session_repeat_id session_close_after=1 found_elsewhere no_idsession; do
        fake_start "$mode" --trickle-delay 0.5
        # A client that sends a session and then just waits (endless_line:
        # one that stops reading), to catch the server in the middle.
        clamd_raw -t 20 "$FAKE_SOCK" 'zIDSESSION\0' 'zINSTREAM\0' "@stream:$data" \
            'zPING\0' '@sleep:20' >/dev/null 2>&1 3>&- &
        clamd_raw -t 20 "$FAKE_SOCK" "zSCAN $data\\0" '@sleep:20' >/dev/null 2>&1 3>&- &
        sleep 0.3
        kill -TERM "$FAKE_PID"
        for ((i = 0; i < 20; i++)); do
            pid_alive "$FAKE_PID" || break
            sleep 0.1
        done
        if pid_alive "$FAKE_PID"; then
            fail "mode $mode did not exit within 2 s of SIGTERM"
        fi
        [[ ! -e $FAKE_SOCK ]] || fail "mode $mode left its socket behind"
    done
    # The waiting clients are ours to end.
    kill $(jobs -p) 2>/dev/null || true
    wait || true
}

@test "fakeclamd: bad usage fails with a message" {
    run -2 python3 "$FAKECLAMD" --mode good
    assert_output --partial "usage:"
    run -1 python3 "$FAKECLAMD" --unix "$BATS_TEST_TMPDIR/s" --mode nonsense
    assert_output --partial "unknown mode"
    run -1 python3 "$FAKECLAMD" --unix "$BATS_TEST_TMPDIR/s" --mode session_close_after
    assert_output --partial "session_close_after=N"
}
