#!/usr/bin/env bats
# Daemons named on the command line (--socket, --host), the progress line,
# and the bash completion script.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    make_tree "$T/tree"
    make_eicar "$T/eicar.com"
    # every setting but where the daemon is: --socket/--host must supply that
    printf 'StreamMaxLength 1M\n' >"$T/nosock.conf"
    cd "$T"
}

teardown() {
    fake_stop
}

# ---- --socket and --host ----------------------------------------------------

@test "--socket reaches the daemon with a configuration that names no socket" {
    run "$NG" -c "$T/nosock.conf" --socket="$LAB_SOCK" --no-summary eicar.com tree/clean.txt
    assert_failure 1
    assert_line "$T/eicar.com: $EICAR_SIG FOUND"
    assert_line "$T/tree/clean.txt: OK"
}

@test "--socket replaces the configuration's sockets" {
    # the configuration points at sockets that do not exist: never tried
    printf 'LocalSocket %s/none.sock\nTCPSocket 1\nTCPAddr 127.0.0.1\n' "$T" >"$T/wrong.conf"
    run --separate-stderr "$NG" -c "$T/wrong.conf" --socket "$LAB_SOCK" --no-summary tree/clean.txt
    assert_success
    assert_output "$T/tree/clean.txt: OK"
    [ -z "$stderr" ]
}

@test "a missing -c file is still an error with --socket" {
    run "$NG" -c "$T/missing.conf" --socket="$LAB_SOCK" tree/clean.txt
    assert_failure 2
    assert_output --partial "missing.conf"
}

@test "--host 127.0.0.1:PORT is local: path mode" {
    fake_start_tcp good
    run "$NG" -c "$T/nosock.conf" --host="127.0.0.1:$FAKE_PORT" --no-summary tree/clean.txt
    assert_success
    assert_output "$T/tree/clean.txt: OK"
    # path mode: the daemon opens the file by its path
    grep -q -E ' < [0-9]*:? ?zSCAN '"$T/tree/clean.txt"'$' "$FAKE_LOG"
    ! grep -q -E ' < [0-9]*:? ?zINSTREAM' "$FAKE_LOG"
}

@test "--host with --stream sends contents (lab clamd)" {
    run "$NG" -c "$T/nosock.conf" --host="127.0.0.1:$LAB_PORT" --stream --no-summary eicar.com tree/clean.txt
    assert_failure 1
    assert_line "$T/eicar.com: $EICAR_SIG FOUND"
    assert_line "$T/tree/clean.txt: OK"
}

@test "--host with --stream: INSTREAM on the wire" {
    fake_start_tcp good
    run "$NG" -c "$T/nosock.conf" --host="127.0.0.1:$FAKE_PORT" --stream --no-summary tree/clean.txt
    assert_success
    grep -q 'INSTREAM' "$FAKE_LOG"
    ! grep -q -E ' < [zn]?CONTSCAN ' "$FAKE_LOG"
}

@test "--host path mode finds EICAR on the lab clamd" {
    run "$NG" -c "$T/nosock.conf" --host="127.0.0.1:$LAB_PORT" --no-summary eicar.com
    assert_failure 1
    assert_output "$T/eicar.com: $EICAR_SIG FOUND"
}

@test "two --socket: the first missing is reported and skipped, the second scans" {
    run --separate-stderr "$NG" -c "$T/nosock.conf" --socket="$T/none.sock" --socket="$LAB_SOCK" \
        --no-summary tree/clean.txt
    assert_success
    assert_output "$T/tree/clean.txt: OK"
    [[ $stderr == *"WARNING: clamd unreachable at $T/none.sock: No such file or directory; scanning without it"* ]]
}

@test "--host unreachable, --socket answering: the host is named and skipped" {
    run --separate-stderr "$NG" -c "$T/nosock.conf" --host="127.0.0.1:1" --socket="$LAB_SOCK" \
        --no-summary tree/clean.txt
    assert_success
    [[ $stderr == *"clamd unreachable at 127.0.0.1:1: Connection refused; scanning without it"* ]]
}

@test "every daemon given missing: an error naming each, exit 2" {
    run --separate-stderr "$NG" -c "$T/nosock.conf" --socket="$T/a.sock" --socket="$T/b.sock" tree/clean.txt
    assert_failure 2
    [[ $stderr == *"ERROR: clamd unreachable at $T/a.sock: No such file or directory, at $T/b.sock: No such file or directory"* ]]
    # nothing claims to be scanning without one of them
    [[ $stderr != *"scanning without it"* ]]
    # path mode, as clamdscan: one connect error for the target, no OK
    [[ $stderr == *"Could not connect to clamd on LocalSocket $T/a.sock"* ]]
    refute_output --partial ": OK"
    assert_output --partial "Total errors: 1"
}

@test "--host with a bad port: usage error naming the option" {
    for arg in 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:x 127.0.0.1: '[::1]:' '[::1]x'; do
        run "$NG" -c "$T/nosock.conf" --host="$arg" tree/clean.txt
        assert_failure 2
        assert_output --partial "--host"
        assert_output --partial "$arg"
    done
}

@test "--host with unbalanced brackets or nothing: usage error" {
    for arg in '[::1' '::1]:3310' '' ':3310' '[]:3310'; do
        run "$NG" -c "$T/nosock.conf" --host="$arg" tree/clean.txt
        assert_failure 2
        assert_output --partial "--host"
    done
}

@test "--socket with an empty path: usage error" {
    run "$NG" -c "$T/nosock.conf" --socket= tree/clean.txt
    assert_failure 2
    assert_output --partial "--socket"
}

@test "--host with a name that does not resolve: exit 2 naming the option" {
    run "$NG" -c "$T/nosock.conf" --host=no-such-host.invalid tree/clean.txt
    assert_failure 2
    assert_output --partial "--host=no-such-host.invalid: cannot resolve"
}

@test "--host=[::1]:PORT reaches an IPv6 daemon" {
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
        skip "no IPv6 loopback here"
    fake_start_tcp good --tcp-addr ::1
    run "$NG" -c "$T/nosock.conf" --host="[::1]:$FAKE_PORT" --no-summary tree/clean.txt
    assert_success
    assert_output "$T/tree/clean.txt: OK"
    grep -q -E ' < [0-9]*:? ?zSCAN ' "$FAKE_LOG"
}

@test "--host=[::1]:PORT with --ping" {
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
        skip "no IPv6 loopback here"
    fake_start_tcp good --tcp-addr ::1
    run "$NG" -c "$T/nosock.conf" --host="[::1]:$FAKE_PORT" --ping 1
    assert_success
}

@test "--local cannot be combined with --socket" {
    run "$NG" --local --socket="$LAB_SOCK" tree/clean.txt
    assert_failure 2
    assert_output --partial "--socket"
}

@test "--socket works for --version and --ping" {
    run "$NG" -c "$T/nosock.conf" --socket="$LAB_SOCK" --ping 1
    assert_success
    run "$NG" -c "$T/nosock.conf" --socket="$LAB_SOCK" --version
    assert_success
    assert_output --partial "ClamAV"
}

# ---- the progress line --------------------------------------------------------

# on_tty CMD: runs CMD (a shell string) with stdin, stdout and stderr on a
# pseudo-terminal; what the terminal received goes to $T/tty.out.
on_tty() {
    command -v script >/dev/null || skip "script(1) (util-linux) not installed"
    # its status is the client's; the tests look at what was printed
    COLUMNS=80 script -qfec "$1" /dev/null </dev/null >"$T/tty.out" 2>&1 || true
}

# An erase sequence, "\r ESC [ K".
ERASE=$'\r\033[K'

@test "progress: on a terminal, a line that is erased before the summary" {
    on_tty "'$NG' -c '$LAB_CONF' --stream tree eicar.com >'$T/out'; echo rc=\$?"
    grep -q 'rc=1' "$T/tty.out"
    grep -q -F "${ERASE}" "$T/tty.out"
    grep -q -E 'files?, .*B/s, [01] infected' "$T/tty.out"
    # the last thing the terminal got from the client erased the line
    [[ $(tr -d '\n' <"$T/tty.out") == *"${ERASE}rc=1"* ]]
}

@test "progress: result lines on stdout are the same with and without it" {
    on_tty "'$NG' -c '$LAB_CONF' --stream tree eicar.com >'$T/with'; '$NG' -c '$LAB_CONF' --stream --no-progress tree eicar.com >'$T/without'"
    grep -q -F "${ERASE}" "$T/tty.out"
    diff <(grep -v -E '^(Time|Start Date|End Date):' "$T/with") \
         <(grep -v -E '^(Time|Start Date|End Date):' "$T/without")
    grep -q "eicar.com: $EICAR_SIG FOUND" "$T/with"
}

@test "progress: stdout on the terminal too: no result line shares its line" {
    on_tty "'$NG' -c '$LAB_CONF' --stream tree eicar.com"
    grep -q -F "${ERASE}" "$T/tty.out"
    # every result line starts at column 0: erased just before, or on a fresh line
    run grep -a -E "[^K\r]$T/eicar.com: " "$T/tty.out"
    assert_failure
    grep -a -q "eicar.com: $EICAR_SIG FOUND" "$T/tty.out"
}

@test "progress: none with --quiet, --no-progress, or stderr on a pipe" {
    on_tty "'$NG' -c '$LAB_CONF' --stream --quiet tree >/dev/null"
    ! grep -q -F $'\033[K' "$T/tty.out"
    on_tty "'$NG' -c '$LAB_CONF' --stream --no-progress tree >/dev/null"
    ! grep -q -F $'\033[K' "$T/tty.out"
    on_tty "'$NG' -c '$LAB_CONF' --stream tree 2>&1 >/dev/null | cat"
    ! grep -q -F $'\033[K' "$T/tty.out"
    # and without a terminal at all
    run --separate-stderr "$NG" -c "$LAB_CONF" --stream tree
    [[ $stderr != *$'\033[K'* ]]
}

@test "progress: never in the -l log" {
    on_tty "'$NG' -c '$LAB_CONF' --stream -l '$T/log' tree >/dev/null"
    grep -q -F "${ERASE}" "$T/tty.out"
    ! grep -q -F $'\033' "$T/log"
    grep -q "eicar.com: $EICAR_SIG FOUND" "$T/log"
}

@test "progress: --progress forces it onto a pipe; path mode counts files" {
    run --separate-stderr "$NG" -c "$LAB_CONF" --progress tree eicar.com
    assert_failure 1
    [[ $stderr == *$'\033[K'* ]]
    [[ $stderr == *" files, "*" infected"* ]]
    [[ $output != *$'\033'* ]]
}

@test "progress: control characters in a name are shown as ?" {
    mkdir "$T/odd"
    printf 'x' >"$T/odd/a"$'\033'"[2Jb"
    run --separate-stderr "$NG" -c "$LAB_CONF" --stream --progress odd/a*
    assert_success
    [[ $stderr == *"a?[2Jb"* ]]
    [[ $stderr != *$'\033[2J'* ]]
}

# ---- bash completion ------------------------------------------------------------

# complete_words WORD...: what the completion offers for the command line
# "clamdscan-ng WORD..." with the cursor at the end of the last word; one
# candidate per line in $output.
complete_words() {
    run bash -c '
        source "$1/completion/clamdscan-ng.bash" || exit 99
        shift
        COMP_WORDS=(clamdscan-ng "$@")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        _clamdscan_ng clamdscan-ng "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' complete "$LAB_REPO" "$@"
}

@test "completion: the script registers itself for clamdscan-ng" {
    run bash -c 'source "$1/completion/clamdscan-ng.bash" && complete -p clamdscan-ng' x "$LAB_REPO"
    assert_success
    assert_output --partial "_clamdscan_ng"
}

@test "completion: options" {
    complete_words --no-
    assert_success
    assert_line --no-summary
    assert_line --no-progress
    refute_line --stream
    complete_words --so
    assert_output "--socket="
    complete_words --ho
    assert_output "--host="
    complete_words --prog
    assert_output "--progress"
}

@test "completion: every long option of --help is offered" {
    complete_words --
    for opt in $("$NG" --help | grep -o -E '^ +--[a-z-]+' | tr -d ' '); do
        [[ $output == *"$opt"* ]] || { echo "missing $opt"; return 1; }
    done
}

@test "completion: directories only for --move and --copy" {
    mkdir -p qdir qdir2
    : >qfile
    complete_words --move q
    assert_line qdir
    assert_line qdir2
    refute_line qfile
    # bash splits --copy=q at "=": the words are --copy, =, q
    complete_words --copy = q
    assert_line qdir
    refute_line qfile
}

@test "completion: files for -c, -l, -f and --socket" {
    mkdir -p cdir
    : >conf1
    for opt in -c --config-file -l --log -f --file-list --socket; do
        complete_words "$opt" con
        assert_line conf1
    done
    complete_words --socket = con
    assert_line conf1
}

@test "completion: nothing to offer for --host's value; targets are files" {
    : >target1
    complete_words --host targ
    assert_output ""
    complete_words -i targ
    assert_output target1
}
