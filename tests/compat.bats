#!/usr/bin/env bats
# clamdscan-ng against the system clamdscan, side by side on the same lab
# clamd: the same standard output (timing values aside) and exit status.

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
    cd "$T"
}

teardown() {
    fake_stop
}

# Drops the lines whose values are times: they differ run to run.
untimed() {
    grep -v -E '^(Time|Start Date|End Date):' || true
}

# same_as_ref [--sorted] ARGS...: runs both clients with ARGS; their stdout
# (untimed; sorted with --sorted, for completion-order output) and exit
# status must be equal. Leaves ng_out/ng_status for further checks.
same_as_ref() {
    local sort=cat
    if [ "$1" = --sorted ]; then
        sort="sort"
        shift
    fi
    local ref_out ref_status=0
    "$REF" "$@" >"$T/ref.out" 2>"$T/ref.err" || ref_status=$?
    ng_status=0
    "$NG" "$@" >"$T/ng.out" 2>"$T/ng.err" || ng_status=$?
    ref_out=$(untimed <"$T/ref.out" | $sort)
    ng_out=$(untimed <"$T/ng.out" | $sort)
    if [ "$ref_out" != "$ng_out" ] || [ "$ref_status" != "$ng_status" ]; then
        echo "clamdscan (exit $ref_status):"
        echo "$ref_out"
        echo "clamdscan-ng (exit $ng_status):"
        echo "$ng_out"
        echo "clamdscan-ng stderr:"
        cat "$T/ng.err"
        return 1
    fi
}

@test "a clean file" {
    same_as_ref -c "$LAB_CONF" tree/clean.txt
    [ "$ng_status" -eq 0 ]
    [[ $ng_out == *"/tree/clean.txt: OK"* ]]
}

@test "an infected file" {
    same_as_ref -c "$LAB_CONF" tree/sub/deep/eicar.com
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == *"eicar.com: $EICAR_SIG FOUND"* ]]
}

@test "a directory tree" {
    same_as_ref -c "$LAB_CONF" "$T/tree"
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == *"Infected files: 3"* ]]
}

@test "nested directories" {
    mkdir -p "$T/n/a/b/c/d"
    make_eicar "$T/n/a/b/c/d/deep.com"
    echo clean >"$T/n/a/b/mid.txt"
    same_as_ref -c "$LAB_CONF" n
    [[ $ng_out == *"/n/a/b/c/d/deep.com: $EICAR_SIG FOUND"* ]]
}

@test "-m: multiscan of a tree (completion order, so compared sorted)" {
    same_as_ref --sorted -c "$LAB_CONF" -m tree
    [ "$ng_status" -eq 1 ]
}

@test "-z on a file matching two signatures" {
    same_as_ref -c "$LAB_CONF" -z tree/both.bin
    [[ $ng_out == *"$ALPHA_SIG FOUND"* ]]
    [[ $ng_out == *"$BETA_SIG FOUND"* ]]
    [[ $ng_out == *"Infected files: 1"* ]]
}

@test "-z on directories: every match of every file, one OK per clean directory" {
    mkdir -p "$T/clean/sub"
    echo a >"$T/clean/a"
    echo b >"$T/clean/sub/b"
    same_as_ref -c "$LAB_CONF" -z tree clean
    [ "$(grep -c "both.bin: " <<<"$ng_out")" -eq 2 ]
    [[ $ng_out == *"$T/clean: OK"* ]]
    [[ $ng_out == *"Infected files: 3"* ]]
}

@test "-i prints no OK lines" {
    same_as_ref -c "$LAB_CONF" -i tree tree/clean.txt
    [[ $ng_out != *": OK"* ]]
}

@test "--no-summary" {
    same_as_ref -c "$LAB_CONF" --no-summary tree
    [[ $ng_out != *"SCAN SUMMARY"* ]]
}

@test "--quiet prints nothing on stdout" {
    same_as_ref -c "$LAB_CONF" --quiet tree
    [ -z "$ng_out" ]
    [ "$ng_status" -eq 1 ]
}

@test "--stdout puts messages on stdout" {
    same_as_ref -c "$LAB_CONF" --stdout /nonexistent tree/clean.txt
    [[ $ng_out == *"ERROR: Can't access file /nonexistent"* ]]
}

@test "-l FILE appends the same report" {
    "$REF" -c "$LAB_CONF" -l "$T/ref.log" /nonexistent tree >/dev/null 2>&1 || true
    "$NG" -c "$LAB_CONF" -l "$T/ng.log" /nonexistent tree >/dev/null 2>&1 || true
    "$NG" -c "$LAB_CONF" -l "$T/ng.log" tree/clean.txt >/dev/null 2>&1 || true
    "$REF" -c "$LAB_CONF" -l "$T/ref.log" tree/clean.txt >/dev/null 2>&1 || true
    diff <(untimed <"$T/ref.log") <(untimed <"$T/ng.log")
    [ "$(grep -c -- '^--------------------------------------$' "$T/ng.log")" -eq 2 ]
}

@test "-f FILE reads targets from a file" {
    printf '%s\n' "$T/tree/clean.txt" "$T/tree/sub" "$T/missing" >"$T/list"
    same_as_ref -c "$LAB_CONF" -f "$T/list"
    [[ $ng_out == *"Total errors: 1"* ]]
}

@test "-f skips blank lines (clamdscan counts each as an error)" {
    printf '%s\n' "$T/tree/clean.txt" "" "$T/tree/emptydir" "" >"$T/list"
    run "$NG" -c "$LAB_CONF" --no-summary -f "$T/list"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$T/tree/clean.txt: OK" ]
    [ "${lines[1]}" = "$T/tree/emptydir: OK" ]
}

@test "-f with a missing list: named, exit 2 (clamdscan exits 0)" {
    run "$NG" -c "$LAB_CONF" -f "$T/no-list"
    [ "$status" -eq 2 ]
    [[ $output == *"--file-list: Can't open file $T/no-list"* ]]
}

@test "several targets at once" {
    same_as_ref -c "$LAB_CONF" tree/clean.txt tree/sub tree/emptydir tree/empty
}

@test "a relative path" {
    cd "$T/tree"
    same_as_ref -c "$LAB_CONF" sub/../clean.txt
    [[ $ng_out == *"/tree/sub/../clean.txt: OK"* ]]
}

@test "a path with a trailing slash" {
    same_as_ref -c "$LAB_CONF" tree/emptydir/ tree/sub//
}

@test "a nonexistent path mixed with real ones" {
    same_as_ref -c "$LAB_CONF" tree/clean.txt "$T/nope" tree/sub
    [ "$ng_status" -eq 1 ]
    grep -q "Can't access file $T/nope" "$T/ng.err"
}

@test "only a nonexistent path: exit 2" {
    same_as_ref -c "$LAB_CONF" "$T/nope"
    [ "$ng_status" -eq 2 ]
}

@test "names with spaces and with ': '" {
    same_as_ref -c "$LAB_CONF" "tree/sp ace: colon.com"
    [[ $ng_out == *"/tree/sp ace: colon.com: $EICAR_SIG FOUND"* ]]
}

@test "an empty file and an empty directory" {
    same_as_ref -c "$LAB_CONF" tree/empty tree/emptydir
    [ "$ng_status" -eq 0 ]
}

@test "no target scans the current directory" {
    cd "$T/tree/sub"
    same_as_ref -c "$LAB_CONF"
    [[ $ng_out == *"/tree/sub/deep/eicar.com: $EICAR_SIG FOUND"* ]]
}

@test "an unreachable daemon: errors per target, exit 2" {
    printf 'LocalSocket %s\n' "$T/no.sock" >"$T/dead.conf"
    same_as_ref -c "$T/dead.conf" tree/clean.txt tree/sub
    [ "$ng_status" -eq 2 ]
    [[ $ng_out == *"Total errors: 2"* ]]
    grep -q "Could not connect to clamd on LocalSocket $T/no.sock" "$T/ng.err"
}

@test "--ping against the lab daemon" {
    same_as_ref -c "$LAB_CONF" --ping 1
    [ "$ng_out" = PONG ]
}

@test "--ping against nothing: exit 21" {
    printf 'LocalSocket %s\n' "$T/no.sock" >"$T/dead.conf"
    same_as_ref -c "$T/dead.conf" --ping 2:0
    [ "$ng_status" -eq 21 ]
}

@test "--ping checks that PONG came back" {
    fake_start garbage --misbehave-on all
    run "$NG" -c "$FAKE_CONF" --ping 1:0
    [ "$status" -eq 21 ]
    refute_line PONG
    [[ $output == *'answered "HELLO THERE" instead of PONG'* ]]
}

@test "--reload" {
    same_as_ref -c "$LAB_CONF" --reload
    [ "$ng_status" -eq 0 ]
    "$NG" -c "$LAB_CONF" --wait --ping 30:1 "$T/tree/clean.txt" >/dev/null
}

@test "--reload requires RELOADING" {
    fake_start unknown_command --misbehave-on all
    run "$NG" -c "$FAKE_CONF" --reload
    [ "$status" -eq 2 ]
    [[ $output == *"UNKNOWN COMMAND"* ]]
}

@test "--version shows the daemon's version" {
    same_as_ref -c "$LAB_CONF" --version
    [[ $ng_out == "ClamAV "* ]]
}

@test "--version without a daemon: 'ClamAV' and the local libclamav's version, as clamdscan" {
    printf 'LocalSocket %s\n' "$T/no.sock" >"$T/dead.conf"
    # what scripts and libraries probe for (node's clamscan package: /ClamAV/)
    same_as_ref -c "$T/dead.conf" --version
    [ "$ng_status" -eq 0 ]
    [[ $ng_out == "ClamAV "[0-9]* ]]
    grep -q "Could not connect to clamd on LocalSocket $T/no.sock" "$T/ng.err"
    # our own name only under -v, on a second line
    run --separate-stderr "$NG" -c "$T/dead.conf" --version -v
    [ "${lines[0]}" = "$ng_out" ]
    [[ ${lines[1]} == "clamdscan-ng "* ]]
}

@test "a missing configuration file: exit 2, named" {
    same_as_ref -c "$T/none.conf" tree/clean.txt
    [ "$ng_status" -eq 2 ]
    grep -q "$T/none.conf" "$T/ng.err"
}

@test "a bad configuration value names file and line" {
    printf 'LocalSocket %s\n# comment\nStreamMaxLength lots\n' "$LAB_SOCK" >"$T/bad.conf"
    run "$NG" -c "$T/bad.conf" tree/clean.txt
    [ "$status" -eq 2 ]
    [[ $output == *"$T/bad.conf:3: Incorrect argument format for option StreamMaxLength: 'lots'"* ]]
    [[ $output == *"Can't parse clamd configuration file $T/bad.conf"* ]]
}

@test "a bad option is named, exit 2" {
    run "$NG" --bogus
    [ "$status" -eq 2 ]
    [[ $output == *"'--bogus'"* ]]
    run "$NG" --copy
    [ "$status" -eq 2 ]
    [[ $output == *"'--copy' requires an argument"* ]]
}

@test "-r is accepted and ignored, with clamdscan's warning" {
    same_as_ref -c "$LAB_CONF" -r tree/clean.txt
    grep -q "Ignoring unsupported option --recursive" "$T/ng.err"
}

@test "TCP to the lab daemon (local address: path mode)" {
    same_as_ref -c "$LAB_TCP_CONF" tree
}

# --- per-file transports (client-side walk) --------------------------------

@test "--stream on a file, a tree, nested directories" {
    same_as_ref -c "$LAB_CONF" --stream tree/clean.txt tree tree/sub
}

@test "--fdpass on a file, a tree, nested directories" {
    same_as_ref -c "$LAB_CONF" --fdpass tree/clean.txt tree tree/sub
}

@test "--stream and --fdpass visit files as clamdscan does" {
    mkdir "$T/o" "$T/o/d2"
    make_eicar "$T/o/f2"
    mkdir "$T/o/d1"
    make_eicar "$T/o/f1"
    make_eicar "$T/o/d2/x"
    make_eicar "$T/o/d1/x"
    same_as_ref -c "$LAB_CONF" --stream o
    same_as_ref -c "$LAB_CONF" --fdpass o
}

@test "--stream over TCP" {
    same_as_ref -c "$LAB_TCP_CONF" --stream tree
}

@test "--fdpass over TCP means nothing: path mode, as clamdscan" {
    same_as_ref -c "$LAB_TCP_CONF" --fdpass tree/sub
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == *"eicar.com: $EICAR_SIG FOUND"* ]]
    [ ! -s "$T/ng.err" ]
    # -z still reports every signature: the daemon opens the file by path
    same_as_ref -c "$LAB_TCP_CONF" -z --fdpass tree/both.bin
    [[ $ng_out == *"$BETA_SIG FOUND"* ]]
}

@test "--stream with --fdpass: accepted as clamdscan accepts it (MIMEDefang's command line)" {
    same_as_ref -c "$LAB_CONF" --no-summary --infected --fdpass --stream tree
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == *"eicar.com: $EICAR_SIG FOUND"* ]]
    same_as_ref -c "$LAB_CONF" --stream --fdpass tree/clean.txt
    [ "$ng_status" -eq 0 ]
}

@test "-m --stream and -m --fdpass find the same as clamdscan" {
    same_as_ref --sorted -c "$LAB_CONF" -m --stream tree
    same_as_ref --sorted -c "$LAB_CONF" -m --fdpass tree
}

# clamdscan echoes the daemon's label for standard input: "fd[N]" for a
# regular file passed by descriptor, "stream" for contents; even with -i.
@test "standard input from a file and from a pipe: the daemon's label, as clamdscan" {
    same_as_ref -c "$LAB_CONF" - <"$T/tree/sub/deep/eicar.com"
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == "fd["*"]: $EICAR_SIG FOUND"* ]]
    same_as_ref -c "$LAB_CONF" -i --no-summary - <"$T/tree/clean.txt"
    [[ $ng_out == "fd["*"]: OK" ]]
    same_as_ref -c "$LAB_CONF" --stream - <"$T/tree/sub/deep/eicar.com"
    [[ $ng_out == "stream: $EICAR_SIG FOUND"* ]]
    for mode in "" --fdpass -m "-i --stream"; do
        ref=$(cat "$T/tree/both.bin" | "$REF" -c "$LAB_CONF" --no-summary $mode - || true)
        run bash -c "cat '$T/tree/both.bin' | '$NG' -c '$LAB_CONF' --no-summary $mode -"
        [ "$status" -eq 1 ]
        [ "$output" = "stream: $ALPHA_SIG FOUND" ]
        [ "$output" = "$ref" ]
    done
}

@test "'-' mixed with other targets: said and skipped, not counted, as clamdscan" {
    same_as_ref -c "$LAB_CONF" - tree/clean.txt
    [ "$ng_status" -eq 0 ]
    grep -q 'requires "-" to be the only file argument' "$T/ng.err"
    [[ $ng_out == *"tree/clean.txt: OK"* ]]
}

@test "a FIFO inside the tree is never opened: warning, counted" {
    mkfifo "$T/tree/sub/pipe"
    run --separate-stderr timeout 20 "$NG" -c "$LAB_CONF" --stream tree/sub
    [ "$status" -eq 1 ]
    [[ $stderr == *"sub/pipe: Not supported file type"* ]]
    [[ $output == *"Total errors: 1"* ]]
}

@test "ExcludePath applies to the client-side walk" {
    cp "$LAB_CONF" "$T/ex.conf"
    echo 'ExcludePath /sub/' >>"$T/ex.conf"
    same_as_ref -c "$T/ex.conf" --stream tree
    [[ $ng_out != *"sub/deep/eicar.com"* ]]
}

@test "a file larger than StreamMaxLength is not called OK" {
    head -c $((2 * 1024 * 1024)) /dev/zero >"$T/big.bin"
    printf '%s' "$ALPHA_STRING" >>"$T/big.bin"
    run --separate-stderr "$NG" -c "$LAB_CONF" --stream "$T/big.bin"
    [ "$status" -eq 2 ]
    [[ $output == *"$T/big.bin: Not scanned: 2097175 bytes is over StreamMaxLength (1048576 bytes). ERROR"* ]]
    [[ $output != *": OK"* ]]
}

@test "a symlink to an infected file named on the command line is scanned (clamdscan says OK unscanned)" {
    ln -s "$T/tree/sub/deep/eicar.com" "$T/link.com"
    # clamdscan 1.4.6 prints "link.com: OK" without scanning it unless
    # FollowFileSymlinks is on: a documented difference; the file is named
    # by its real path, as clamdscan names it when it does follow
    for mode in "" --stream --fdpass -m -z; do
        run "$NG" -c "$LAB_CONF" --no-summary $mode "$T/link.com"
        [ "$status" -eq 1 ]
        [ "$output" = "$T/tree/sub/deep/eicar.com: $EICAR_SIG FOUND" ]
    done
    # clamdscan's IDSESSION walks name it as given
    run "$NG" -c "$LAB_CONF" --no-summary -m --fdpass "$T/link.com"
    [ "$output" = "$T/link.com: $EICAR_SIG FOUND" ]
    cp "$LAB_CONF" "$T/follow.conf"
    echo 'FollowFileSymlinks yes' >>"$T/follow.conf"
    for mode in "" --stream -m "-m --fdpass" "-m --stream"; do
        same_as_ref -c "$T/follow.conf" $mode "$T/link.com"
    done
    # an action names where the file really is
    mkdir "$T/q" "$T/q2"
    run "$REF" -c "$T/follow.conf" --no-summary --copy="$T/q" "$T/link.com"
    ref=${output//$T\/q\//Q/}
    run "$NG" -c "$T/follow.conf" --no-summary --copy="$T/q2" "$T/link.com"
    [ "${output//$T\/q2\//Q/}" = "$ref" ]
    [[ $output == *"$T/link.com (real path: '$T/tree/sub/deep/eicar.com'): copied to '$T/q2/eicar.com'"* ]]
}

@test "FollowDirectorySymlinks off and on" {
    mkdir "$T/elsewhere"
    make_eicar "$T/elsewhere/e.com"
    mkdir "$T/d"
    ln -s "$T/elsewhere" "$T/d/link"
    same_as_ref -c "$LAB_CONF" --stream "$T/d"
    [ "$ng_status" -eq 0 ]
    cp "$LAB_CONF" "$T/follow.conf"
    echo 'FollowDirectorySymlinks yes' >>"$T/follow.conf"
    for mode in --stream --fdpass; do
        same_as_ref -c "$T/follow.conf" $mode "$T/d"
        [ "$ng_status" -eq 1 ]
        # as clamdscan: shown under the link's resolved path
        [[ $ng_out == *"$T/elsewhere/e.com: $EICAR_SIG FOUND"* ]]
    done
}

@test "FollowFileSymlinks off and on" {
    mkdir "$T/l"
    ln -s "$T/tree/sub/deep/eicar.com" "$T/l/link.com"
    echo plain >"$T/l/plain.txt"
    same_as_ref -c "$LAB_CONF" --stream "$T/l"
    [ "$ng_status" -eq 0 ]
    cp "$LAB_CONF" "$T/follow.conf"
    echo 'FollowFileSymlinks yes' >>"$T/follow.conf"
    same_as_ref -c "$T/follow.conf" --stream "$T/l"
    [ "$ng_status" -eq 1 ]
    same_as_ref -c "$T/follow.conf" --fdpass "$T/l"
    [ "$ng_status" -eq 1 ]
}

@test "MaxDirectoryRecursion limits the walk (0: no limit), with clamdscan's warning" {
    mkdir -p "$T/r/a/b/c"
    for d in r r/a r/a/b r/a/b/c; do make_eicar "$T/$d/e.com"; done
    for depth in 0 1 2; do
        cp "$LAB_CONF" "$T/rec$depth.conf"
        echo "MaxDirectoryRecursion $depth" >>"$T/rec$depth.conf"
        same_as_ref -c "$T/rec$depth.conf" --stream "$T/r"
    done
    "$NG" -c "$T/rec1.conf" --stream "$T/r" 2>&1 >/dev/null | grep -q "WARNING: Directory recursion limit reached"
    run "$NG" -c "$T/rec0.conf" --stream --no-summary "$T/r"
    [ "${#lines[@]}" -eq 4 ]
}

@test "names with newlines, in every transport" {
    mkdir "$T/nl"
    make_eicar "$T/nl/new
line.com"
    echo ok >"$T/nl/ok
name"
    same_as_ref -c "$LAB_CONF" "$T/nl"
    same_as_ref -c "$LAB_CONF" --stream "$T/nl"
    same_as_ref -c "$LAB_CONF" --fdpass "$T/nl"
    [[ $ng_out == *"new
line.com: $EICAR_SIG FOUND"* ]]
}

@test "a TCPAddr that does not resolve is an error, never 'local'" {
    printf 'TCPSocket 3310\nTCPAddr no-such-host.invalid\n' >"$T/unres.conf"
    run "$NG" -c "$T/unres.conf" tree/clean.txt
    [ "$status" -eq 2 ]
    [[ $output == *"no-such-host.invalid: cannot resolve"* ]]
    [[ $output != *": OK"* ]]
}

@test "an unreadable file as a non-root user: an error line, the walk goes on" {
    command -v setpriv >/dev/null || skip "setpriv missing"
    [ "$(id -u)" -eq 0 ] || skip "needs root to switch user"
    # a directory the unprivileged user can reach (the bats one is private)
    local u
    u=$(mktemp -d /tmp/ng-unreadable.XXXXXX)
    chmod 755 "$u"
    echo secret >"$u/secret.txt"
    chmod 000 "$u/secret.txt"
    make_eicar "$u/x.com"
    chmod 644 "$u/x.com"
    cp "$LAB_TCP_CONF" "$u/u.conf"
    chmod 644 "$u/u.conf"
    local as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    run "${as_nobody[@]}" "$NG" -c "$u/u.conf" --stream "$u"
    rm -rf "$u"
    [ "$status" -eq 1 ]
    [[ $output == *"$u/secret.txt: Failed to open file. ERROR"* ]]
    [[ $output == *"$u/x.com: $EICAR_SIG FOUND"* ]]
}

# Makes a file whose absolute path is exactly $2 characters under $1; prints it.
long_path_file() {
    local p=$1 want=$2 n
    while [ $((want - ${#p} - 1)) -gt 255 ]; do
        p="$p/$(head -c 200 /dev/zero | tr '\0' d)"
    done
    mkdir -p "$p"
    n=$((want - ${#p} - 1))
    printf '%s/%s' "$p" "$(head -c "$n" /dev/zero | tr '\0' f)"
}

@test "a path too long for clamd's command buffer is sent by descriptor" {
    # 4094 bytes: under PATH_MAX, but "zCONTSCAN <path>" no longer fits
    # clamd's PATH_MAX + 8 buffer (clamdscan gets "Communication error")
    f=$(long_path_file "$T/lp" 4094)
    make_eicar "$f"
    run --separate-stderr "$NG" -c "$LAB_CONF" --no-summary "$f"
    [ "$status" -eq 1 ]
    [ "$output" = "$f: $EICAR_SIG FOUND" ]
    run --separate-stderr "$NG" -c "$LAB_TCP_CONF" --no-summary "$f"
    [ "$status" -eq 1 ]
    [ "$output" = "$f: $EICAR_SIG FOUND" ]
}

@test "-m --stream and -m --fdpass on several hundred files: same FOUND set and summary as clamdscan" {
    make_big "$T/big"
    for mode in --stream --fdpass; do
        same_as_ref --sorted -c "$LAB_CONF" -m "$mode" "$T/big"
        [ "$ng_status" -eq 1 ]
        [ "$(grep -c " FOUND$" <<<"$ng_out")" -eq 10 ]
        [[ $ng_out == *"Infected files: 10"* ]]
    done
}

@test "an empty directory behind a followed symlink does not end the walk" {
    # glibc's fts returns from such a directory through "..", the link
    # target's parent, then gives up the whole walk; we do not follow it
    mkdir -p "$T/e/t/sub" "$T/e/out/d"
    make_eicar "$T/e/t/sub/e.com"
    ln -s ../out/d "$T/e/t/ld"
    cp "$LAB_CONF" "$T/follow.conf"
    echo 'FollowDirectorySymlinks yes' >>"$T/follow.conf"
    same_as_ref -c "$T/follow.conf" --stream "$T/e/t"
    [ "$ng_status" -eq 1 ]
    [[ $ng_out == *"$T/e/t/sub/e.com: $EICAR_SIG FOUND"* ]]
}
