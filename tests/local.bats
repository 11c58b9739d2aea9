#!/usr/bin/env bats
# Local scanning with libclamav (--local, --local-fallback): the same output,
# summary, exit status and actions as a scan through the lab clamd, with the
# same signatures (the lab's copy of tests/sigs), and never a daemon
# contacted by --local.

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
    # the lab's client.conf names no DatabaseDirectory: a copy that does
    cp "$LAB_CONF" "$T/db.conf"
    echo "DatabaseDirectory $LAB/db" >>"$T/db.conf"
    printf 'LocalSocket %s\nDatabaseDirectory %s\n' "$T/no.sock" "$LAB/db" >"$T/dead.conf"
}

teardown() {
    fake_stop
}

# Drops the lines whose values are times: they differ run to run.
untimed() {
    grep -v -E '^(Time|Start Date|End Date):' || true
}

# The tree scripts/demo scans.
make_demo_tree() {
    local tree=${1:?usage: make_demo_tree DIR}
    mkdir -p "$tree/docs/nested/deeper"
    echo "hello, world" >"$tree/readme.txt"
    printf 'just some notes\n' >"$tree/docs/notes.txt"
    make_eicar "$tree/docs/nested/deeper/eicar.com"
    printf 'payload %s payload\n' "$ALPHA_STRING" >"$tree/docs/alpha.bin"
}

# same_as_daemon [--sorted] ARGS...: runs a daemon scan (-c $LAB_CONF) and a
# local scan (-c db.conf --local) with ARGS; their stdout (untimed; sorted
# with --sorted, for completion-order output) and exit status must be equal.
# Leaves local_out, local_status and $T/local.err.
same_as_daemon() {
    local sort=cat daemon_status=0 daemon_out
    if [ "$1" = --sorted ]; then
        sort="sort"
        shift
    fi
    "$NG" -c "$LAB_CONF" "$@" >"$T/daemon.out" 2>"$T/daemon.err" || daemon_status=$?
    local_status=0
    "$NG" -c "$T/db.conf" --local "$@" >"$T/local.out" 2>"$T/local.err" || local_status=$?
    daemon_out=$(untimed <"$T/daemon.out" | $sort)
    local_out=$(untimed <"$T/local.out" | $sort)
    if [ "$daemon_out" != "$local_out" ] || [ "$daemon_status" != "$local_status" ]; then
        echo "daemon (exit $daemon_status):"
        echo "$daemon_out"
        cat "$T/daemon.err"
        echo "--local (exit $local_status):"
        echo "$local_out"
        cat "$T/local.err"
        return 1
    fi
}

@test "--local and a daemon scan of the demo tree print identical standard output" {
    make_demo_tree "$T/demo"
    same_as_daemon "$T/demo"
    [ "$local_status" -eq 1 ]
    [[ $local_out == *"/demo/docs/nested/deeper/eicar.com: $EICAR_SIG FOUND"* ]]
    [[ $local_out == *"/demo/docs/alpha.bin: $ALPHA_SIG FOUND"* ]]
    [[ $local_out == *"Infected files: 2"* ]]
    # only the summary's times differ, and stderr has nothing to say
    [ ! -s "$T/local.err" ]
    same_as_daemon "$T/demo/readme.txt" "$T/demo/docs/notes.txt"
    [ "$local_status" -eq 0 ]
}

@test "--local matches the daemon on the standard tree, by path, stream and descriptor" {
    same_as_daemon tree
    [[ $local_out == *"/tree/sp ace: colon.com: $EICAR_SIG FOUND"* ]]
    [[ $local_out == *"Infected files: 3"* ]]
    same_as_daemon -i --no-summary tree tree/clean.txt tree/emptydir "$T/missing"
    [ "$local_status" -eq 1 ]
    same_as_daemon --no-summary tree/empty tree/clean.txt
    [ "$local_status" -eq 0 ]
    # the client-side transports walk as a local scan does, messages included
    "$NG" -c "$LAB_CONF" --fdpass tree 2>"$T/fdpass.err" | untimed >"$T/fdpass.out" || true
    "$NG" -c "$T/db.conf" --local tree 2>"$T/l.err" | untimed >"$T/l.out" || true
    diff "$T/fdpass.out" "$T/l.out"
    diff "$T/fdpass.err" "$T/l.err"
}

@test "--local: ExcludePath, symlink rules and recursion limit as the daemon's walk" {
    mkdir -p "$T/w/keep" "$T/w/skip" "$T/elsewhere" "$T/w/a/b/c"
    make_eicar "$T/w/keep/e.com"
    make_eicar "$T/w/skip/e.com"
    make_eicar "$T/elsewhere/far.com"
    make_eicar "$T/w/a/b/c/deep.com"
    ln -s "$T/elsewhere" "$T/w/dirlink"
    ln -s "$T/tree/sub/deep/eicar.com" "$T/w/filelink.com"
    mkfifo "$T/w/pipe"
    for extra in "" "ExcludePath /skip/" "FollowDirectorySymlinks yes" "FollowFileSymlinks yes" \
        "MaxDirectoryRecursion 2"; do
        cp "$LAB_CONF" "$T/x.conf"
        echo "$extra" >>"$T/x.conf"
        cp "$T/x.conf" "$T/xl.conf"
        echo "DatabaseDirectory $LAB/db" >>"$T/xl.conf"
        "$NG" -c "$T/x.conf" --fdpass w >"$T/d.out" 2>"$T/d.err" && ds=0 || ds=$?
        "$NG" -c "$T/xl.conf" --local w >"$T/l.out" 2>"$T/l.err" && ls=0 || ls=$?
        diff <(untimed <"$T/d.out") <(untimed <"$T/l.out")
        diff "$T/d.err" "$T/l.err"
        [ "$ds" -eq "$ls" ]
    done
}

@test "-v shows the number of signatures loaded" {
    run --separate-stderr "$NG" -c "$T/db.conf" --local -v --no-summary tree/clean.txt
    [ "$status" -eq 0 ]
    [[ $output == *"Loaded 3 signatures from $LAB/db (libclamav "* ]]
    [[ $output == *"tree/clean.txt: OK"* ]]
}

@test "the databases: DatabaseDirectory from the configuration, or --database" {
    # db.conf names $LAB/db; --database wins over it
    run "$NG" -c "$T/db.conf" --local -v --no-summary tree/both.bin
    [ "$status" -eq 1 ]
    [[ $output == *"from $LAB/db "* ]]
    cp -r "$LAB/db" "$T/otherdb"
    run "$NG" -c "$T/db.conf" --local -v --database="$T/otherdb" --no-summary tree/both.bin
    [ "$status" -eq 1 ]
    [[ $output == *"from $T/otherdb "* ]]
    [[ $output == *"both.bin: $ALPHA_SIG FOUND"* ]]
}

@test "a missing database directory: named, exit 2, nothing scanned" {
    run --separate-stderr "$NG" -c "$T/db.conf" --local --database="$T/nodb" tree
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ $stderr == *"signature database directory $T/nodb: No such file or directory"* ]]
    printf 'DatabaseDirectory %s\n' "$T/nodb2" >"$T/nodb.conf"
    run --separate-stderr "$NG" -c "$T/nodb.conf" --local tree
    [ "$status" -eq 2 ]
    [[ $stderr == *"signature database directory $T/nodb2: No such file or directory"* ]]
}

@test "an empty database directory: named, exit 2, nothing scanned" {
    mkdir "$T/emptydb"
    run --separate-stderr "$NG" -c "$T/db.conf" --local --database="$T/emptydb" tree
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ $stderr == *"signature database directory $T/emptydb is empty"* ]]
}

@test "a database directory that fails to load, or is a file: named, exit 2" {
    mkdir "$T/baddb"
    echo 'this is not a signature' >"$T/baddb/broken.hdb"
    run --separate-stderr "$NG" -c "$T/db.conf" --local --database="$T/baddb" tree
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ $stderr == *"signature database directory $T/baddb failed to load: Malformed database"* ]]
    [[ $stderr == *"broken.hdb"* ]]
    mkdir "$T/nosigs"
    echo notes >"$T/nosigs/README"
    run --separate-stderr "$NG" -c "$T/db.conf" --local --database="$T/nosigs" tree
    [ "$status" -eq 2 ]
    [[ $stderr == *"signature database directory $T/nosigs failed to load"* ]]
    run --separate-stderr "$NG" -c "$T/db.conf" --local --database="$T/tree/clean.txt" tree
    [ "$status" -eq 2 ]
    [[ $stderr == *"signature database directory $T/tree/clean.txt: not a directory"* ]]
}

@test "--local never contacts a daemon: a fake one's log stays empty" {
    fake_start good
    printf 'DatabaseDirectory %s\n' "$LAB/db" >>"$FAKE_CONF"
    run --separate-stderr "$NG" -c "$FAKE_CONF" --local tree
    [ "$status" -eq 1 ]
    [[ $output == *"Infected files: 3"* ]]
    [ -z "$stderr" ]
    # the fake logs every connection as c1, c2, ...: none
    run grep -E '^[0-9.]+ c[1-9]' "$FAKE_LOG"
    [ "$status" -eq 1 ]
    # and it would have seen one: --local-fallback does connect
    run "$NG" -c "$FAKE_CONF" --local-fallback --stream tree/clean.txt
    [ "$status" -eq 0 ]
    grep -q -E '^[0-9.]+ c[1-9][0-9]* ' "$FAKE_LOG"
}

@test "--local with a missing socket: no connection error, the scan goes on" {
    run --separate-stderr "$NG" -c "$T/dead.conf" --local tree
    [ "$status" -eq 1 ]
    [ -z "$stderr" ]
    [[ $output == *"Infected files: 3"* ]]
}

@test "--local-fallback with an unreachable socket says so on stderr and scans locally" {
    "$NG" -c "$LAB_CONF" tree >"$T/daemon.out" 2>/dev/null || true
    run --separate-stderr "$NG" -c "$T/dead.conf" --local-fallback tree
    [ "$status" -eq 1 ]
    [ "$stderr" = "WARNING: clamd unreachable at $T/no.sock: No such file or directory; scanning locally with libclamav" ]
    diff <(untimed <"$T/daemon.out") <(printf '%s\n' "$output" | untimed)
    # every daemon tried is named
    printf 'LocalSocket %s\nTCPSocket 1\nTCPAddr 127.0.0.1\nDatabaseDirectory %s\n' \
        "$T/no.sock" "$LAB/db" >"$T/dead2.conf"
    run --separate-stderr "$NG" -c "$T/dead2.conf" --local-fallback --no-summary tree/clean.txt
    [ "$status" -eq 0 ]
    [[ $stderr == *"clamd unreachable at $T/no.sock: No such file or directory, at 127.0.0.1:1: Connection refused; scanning locally"* ]]
    # the log file records it too
    run "$NG" -c "$T/dead.conf" --local-fallback -l "$T/fb.log" tree/clean.txt
    grep -q "WARNING: clamd unreachable at $T/no.sock" "$T/fb.log"
}

@test "--local-fallback with the daemon stopped scans locally and says so" {
    local dir
    dir=$(mktemp -d /tmp/nglab.XXXXXX)
    "$LAB_CLAMD_SCRIPT" start "$dir" >/dev/null
    run --separate-stderr "$NG" -c "$dir/client.conf" --local-fallback --database="$LAB/db" tree
    local up_status=$status up_out=$output up_err=$stderr
    "$LAB_CLAMD_SCRIPT" stop "$dir"
    run --separate-stderr "$NG" -c "$dir/client.conf" --local-fallback --database="$LAB/db" tree
    rm -rf "$dir"
    # up: the daemon answered, nothing said
    [ "$up_status" -eq 1 ]
    [[ $up_err != *unreachable* ]]
    # stopped: said once, same results
    [ "$status" -eq 1 ]
    [[ $stderr == "WARNING: clamd unreachable at $dir/clamd.sock: "*"; scanning locally with libclamav" ]]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    diff <(printf '%s\n' "$up_out" | untimed) <(printf '%s\n' "$output" | untimed)
}

@test "--local-fallback with --wait: a daemon that never answers is waited for, then the scan is local" {
    run --separate-stderr "$NG" -c "$T/dead.conf" --local-fallback --wait --ping 2:0 tree
    [ "$status" -eq 1 ]
    [[ $stderr == *"WARNING: clamd unreachable: no answer to PING; scanning locally with libclamav"* ]]
    [[ $output == *"Infected files: 3"* ]]
    # without the fallback: clamdscan's exit status 21
    run "$NG" -c "$T/dead.conf" --wait --ping 2:0 tree
    [ "$status" -eq 21 ]
}

@test "without --local or --local-fallback an unreachable daemon is an error, as clamdscan" {
    run --separate-stderr "$NG" -c "$T/dead.conf" tree/clean.txt
    [ "$status" -eq 2 ]
    [[ $stderr == *"Could not connect to clamd on LocalSocket $T/no.sock"* ]]
    [[ $stderr != *libclamav* ]]
    [[ $output != *": OK"* ]]
}

@test "-m --local on a tree of a few hundred files: the daemon's FOUND set and summary" {
    make_big "$T/big" 53
    same_as_daemon --sorted -m "$T/big"
    [ "$local_status" -eq 1 ]
    [ "$(grep -c " FOUND$" <<<"$local_out")" -eq 17 ]
    [[ $local_out == *"Infected files: 17"* ]]
    same_as_daemon --sorted -m --max-inflight=3 -i "$T/big" "$T/tree"
    # the threads are the ones asked for
    run "$NG" -c "$T/db.conf" --local -v -m --max-inflight=3 --no-summary "$T/tree/clean.txt"
    [[ $output == *"Scanning with 3 threads sharing one engine"* ]]
    run "$NG" -c "$T/db.conf" --local -v -m --no-summary "$T/tree/clean.txt"
    [[ $output == *"Scanning with $(nproc) threads"* ]]
    # without -m, no threads: files in walk order
    run "$NG" -c "$T/db.conf" --local -v --no-summary "$T/tree/clean.txt"
    [[ $output != *"threads"* ]]
}

@test "--move with --local: the daemon's lines, the file moved, never a second copy" {
    local who
    for who in daemon local; do
        rm -rf "$T/q" "$T/qt"
        mkdir "$T/q"
        make_tree "$T/qt"
        if [ "$who" = daemon ]; then
            "$NG" -c "$LAB_CONF" --move="$T/q" "$T/qt" >"$T/$who.out" 2>"$T/$who.err" || true
        else
            "$NG" -c "$T/db.conf" --local --move="$T/q" "$T/qt" >"$T/$who.out" 2>"$T/$who.err" || true
        fi
    done
    # sorted: the tree is made anew for each run, so its inode order (the
    # walk's order) may differ between the two
    diff <(untimed <"$T/daemon.out" | sort) <(untimed <"$T/local.out" | sort)
    diff "$T/daemon.err" "$T/local.err"
    grep -qF "$T/qt/sub/deep/eicar.com: moved to '$T/q/eicar.com'" "$T/local.out"
    [ -f "$T/q/eicar.com" ] && [ -f "$T/q/both.bin" ] && [ -f "$T/q/sp ace: colon.com" ]
    [ ! -e "$T/qt/sub/deep/eicar.com" ] && [ ! -e "$T/qt/both.bin" ]
    [ -f "$T/qt/clean.txt" ]
}

@test "--copy and --remove with --local, and a quarantine symlink refused before scanning" {
    mkdir "$T/q"
    run "$NG" -c "$T/db.conf" --local --copy="$T/q" --no-summary tree/sub
    [ "$status" -eq 1 ]
    [[ $output == *"tree/sub/deep/eicar.com: copied to '$T/q/eicar.com'"* ]]
    cmp "$T/q/eicar.com" "$T/tree/sub/deep/eicar.com"
    run "$NG" -c "$T/db.conf" --local --remove tree
    [ "$status" -eq 1 ]
    [[ $output == *"tree/both.bin: Removed."* ]]
    [ ! -e "$T/tree/both.bin" ] && [ ! -e "$T/tree/sub/deep/eicar.com" ]
    [ -f "$T/tree/clean.txt" ]
    ln -s "$T/q" "$T/qlink"
    run --separate-stderr "$NG" -c "$T/db.conf" --local --move="$T/qlink" tree
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ $stderr == *"quarantine directory $T/qlink: "* ]]
}

@test "--local on standard input: a file, a pipe, one over StreamMaxLength" {
    # named "stream", as a daemon names what it is sent
    run "$NG" -c "$T/db.conf" --local --no-summary - <"$T/tree/sub/deep/eicar.com"
    [ "$status" -eq 1 ]
    [ "$output" = "stream: $EICAR_SIG FOUND" ]
    run bash -c "cat '$T/tree/both.bin' | '$NG' -c '$T/db.conf' --local --no-summary -"
    [ "$status" -eq 1 ]
    [ "$output" = "stream: $ALPHA_SIG FOUND" ]
    run bash -c "cat '$T/tree/clean.txt' | '$NG' -c '$T/db.conf' --local --no-summary -"
    [ "$status" -eq 0 ]
    [ "$output" = "stream: OK" ]
    # as through the daemon: more than StreamMaxLength (1M here) is not called clean
    run bash -c "head -c 2000000 /dev/zero | '$NG' -c '$T/db.conf' --local --no-summary -"
    [ "$status" -eq 2 ]
    [ "$output" = "stream: Not scanned whole: larger than StreamMaxLength (1048576 bytes). ERROR" ]
    run bash -c "head -c 2000000 /dev/zero | '$NG' -c '$LAB_CONF' --no-summary -"
    [ "$output" = "stream: Not scanned whole: larger than StreamMaxLength (1048576 bytes). ERROR" ]
}

@test "-z with --local reports every matching signature, as the daemon" {
    same_as_daemon -z tree/both.bin
    [[ $local_out == *"both.bin: $ALPHA_SIG FOUND"*"both.bin: $BETA_SIG FOUND"* ]]
    [[ $local_out == *"Infected files: 1"* ]]
    same_as_daemon -z tree
    [[ $local_out == *"Infected files: 3"* ]]
}

@test "the log file of a local scan is the daemon scan's" {
    "$NG" -c "$LAB_CONF" -l "$T/d.log" tree "$T/nope" >/dev/null 2>&1 || true
    "$NG" -c "$T/db.conf" --local -l "$T/l.log" tree "$T/nope" >/dev/null 2>&1 || true
    diff <(untimed <"$T/d.log") <(untimed <"$T/l.log")
}

@test "clamd.conf limits apply: MaxFileSize, AlertExceedsMax, ScanArchive" {
    head -c 3000 /dev/zero >"$T/big.bin"
    printf '%s' "$ALPHA_STRING" >>"$T/big.bin"
    printf 'DatabaseDirectory %s\nMaxFileSize 1K\n' "$LAB/db" >"$T/lim.conf"
    # as clamd: a file over MaxFileSize is not scanned, and not an error
    run "$NG" -c "$T/lim.conf" --local --no-summary "$T/big.bin"
    [ "$status" -eq 0 ]
    echo 'AlertExceedsMax yes' >>"$T/lim.conf"
    run "$NG" -c "$T/lim.conf" --local --no-summary "$T/big.bin"
    [ "$status" -eq 1 ]
    [ "$output" = "$T/big.bin: Heuristics.Limits.Exceeded.MaxFileSize FOUND" ]
    python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], "inner/eicar.com")' "$T/e.zip" "$T/tree/sub/deep/eicar.com"
    same_as_daemon --no-summary "$T/e.zip"
    [ "$local_out" = "$T/e.zip: $EICAR_SIG FOUND" ]
    printf 'DatabaseDirectory %s\nScanArchive no\n' "$LAB/db" >"$T/noarc.conf"
    run "$NG" -c "$T/noarc.conf" --local --no-summary "$T/e.zip"
    [ "$status" -eq 0 ]
    [ "$output" = "$T/e.zip: OK" ]
}

@test "--local with --stream or --fdpass: a note, then the same local scan" {
    run --separate-stderr "$NG" -c "$T/db.conf" --local --stream --no-summary tree/both.bin
    [ "$status" -eq 1 ]
    [ "$output" = "$T/tree/both.bin: $ALPHA_SIG FOUND" ]
    [[ $stderr == *"--stream is for a daemon and has no effect with --local"* ]]
    run --separate-stderr "$NG" -c "$T/db.conf" --local --fdpass --no-summary tree/both.bin
    [ "$status" -eq 1 ]
    [[ $stderr == *"--fdpass is for a daemon and has no effect with --local"* ]]
}

@test "usage errors: --local with daemon commands, both modes; --database alone is clamscan's, ignored" {
    run "$NG" -c "$T/db.conf" --local --ping 1
    [ "$status" -eq 2 ]
    [[ $output == *"--local never contacts a daemon"*"--ping"* ]]
    run "$NG" -c "$T/db.conf" --local --reload
    [ "$status" -eq 2 ]
    run "$NG" -c "$T/db.conf" --local --wait tree
    [ "$status" -eq 2 ]
    # without a local scan, clamscan's --database: ignored with clamdscan's warning
    run --separate-stderr "$NG" -c "$LAB_CONF" --database="$LAB/db" tree
    [ "$status" -eq 1 ]
    [ "$stderr" = "WARNING: Ignoring unsupported option --database (-d)" ]
    run "$NG" -c "$T/db.conf" --local --local-fallback tree
    [ "$status" -eq 2 ]
    run "$NG" --help
    [[ $output == *"--local "* && $output == *"--local-fallback"* && $output == *"--database=DIR"* ]]
    # --version needs no daemon with --local
    run "$NG" -c "$T/db.conf" --local --version
    [ "$status" -eq 0 ]
    [[ $output == "ClamAV "* ]]
}

@test "a daemon scan never loads libclamav; a local scan does" {
    run --separate-stderr env LD_DEBUG=libs "$NG" -c "$LAB_CONF" --no-summary tree/clean.txt
    [ "$status" -eq 0 ]
    [[ $stderr != *libclamav* ]]
    run --separate-stderr env LD_DEBUG=libs "$NG" -c "$LAB_CONF" --stream -m --no-summary tree
    [[ $stderr != *libclamav* ]]
    run --separate-stderr env LD_DEBUG=libs "$NG" -c "$T/db.conf" --local --no-summary tree/clean.txt
    [ "$status" -eq 0 ]
    [[ $stderr == *libclamav.so* ]]
    # and it is not linked
    run ldd "$NG"
    [[ $output != *libclamav* ]]
}

@test "libclamav missing at run time: --local says so, exit 2; daemon scans unaffected" {
    [ "$(id -u)" -eq 0 ] || skip "needs root to hide the library in a mount namespace"
    command -v unshare >/dev/null || skip "unshare missing"
    local lib
    lib=$(readlink -f "$(ldconfig -p | awk '/libclamav\.so\.12 / { print $NF; exit }')")
    [ -f "$lib" ] || skip "libclamav.so.12 not found"
    unshare -m true 2>/dev/null || skip "no mount namespaces here"
    run --separate-stderr unshare -m bash -c \
        'mount --bind /dev/null "$1" && shift && "$@"' _ "$lib" "$NG" -c "$T/db.conf" --local tree
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [[ $stderr == *"local scanning needs libclamav, which cannot be loaded"*"libclamav12"* ]]
    run --separate-stderr unshare -m bash -c \
        'mount --bind /dev/null "$1" && shift && "$@"' _ "$lib" "$NG" -c "$LAB_CONF" --no-summary tree/clean.txt
    [ "$status" -eq 0 ]
    [ "$output" = "$T/tree/clean.txt: OK" ]
}
