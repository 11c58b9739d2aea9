#!/usr/bin/env bats
# A host set up the usual way: the daemon and the client read the SAME
# clamd.conf, and it excludes something (ExcludePath, CrossFilesystems no),
# follows links or limits depth. Each test starts a lab clamd whose own
# clamd.conf carries the setting, gives that very file to both clients
# with -c, and compares clamdscan-ng with the system clamdscan in every
# mode: the same standard output (sorted where -m reports in completion
# order), the same exit status, and what an action did to the files.

bats_require_minimum_version 1.5.0

setup() {
    load lab
    MODES_USED=("${MODES[@]}")
    T=$BATS_TEST_TMPDIR
    LABS=()
    # the trees live under a short, world-traversable directory: clamd
    # reads them by path, and sun_path is short
    W=$(mktemp -d /tmp/ngrh.XXXXXX)
    chmod 755 "$W"
    cd "$W"
}

teardown() {
    local d
    for d in "${LABS[@]}"; do
        lab_stop_n "$d" || true
    done
    fake_stop
    cd /
    [[ ${W:-} == /tmp/ngrh.* ]] && rm -rf "$W"
}

# shared_lab LINES: a lab clamd whose own clamd.conf has LINES (newline
# separated) added; SHARED is that file, which both clients read.
shared_lab() {
    local dir=$W/lab
    LAB_CLAMD_EXTRA=$1 lab_start_n "$dir" || return 1
    LABS+=("$dir")
    SHARED=$dir/clamd.conf
}

# Every mode a scan can run in; actions are compared separately.
MODES=("" "-m" "-z" "--stream" "--fdpass" "-m --stream" "-m --fdpass")

# Drops the lines whose values are times.
untimed() {
    grep -v -E '^(Time|Start Date|End Date):' || true
}

# same_in_every_mode ARGS...: for each mode, both clients with -c SHARED and
# ARGS; stdout (sorted with -m) and exit status must match. Leaves the last
# ng_status; collects every mode's clamdscan-ng output in ALL_NG.
same_in_every_mode() {
    local mode ref_status ng_s ref_out ng_out sort
    ALL_NG=""
    for mode in "${MODES_USED[@]}"; do
        sort=cat
        [[ $mode == *-m* ]] && sort=sort
        ref_status=0
        # shellcheck disable=SC2086 # the mode is one or two words
        "$REF" -c "$SHARED" $mode "$@" >"$T/ref.out" 2>"$T/ref.err" || ref_status=$?
        ng_s=0
        # shellcheck disable=SC2086
        "$NG" -c "$SHARED" $mode "$@" >"$T/ng.out" 2>"$T/ng.err" || ng_s=$?
        ref_out=$(untimed <"$T/ref.out" | $sort)
        ng_out=$(untimed <"$T/ng.out" | $sort)
        ALL_NG+=$ng_out$'\n'
        if [ "$ref_out" != "$ng_out" ] || [ "$ref_status" != "$ng_s" ]; then
            echo "mode '$mode': clamdscan (exit $ref_status):"
            echo "$ref_out"
            cat "$T/ref.err"
            echo "clamdscan-ng (exit $ng_s):"
            echo "$ng_out"
            cat "$T/ng.err"
            return 1
        fi
        ng_status=$ng_s
    done
}

# infected_around DIR NAME: DIR holds an infected file before and after
# (in clamd's walk order: files first, then directories by inode) a
# subdirectory NAME that itself holds one.
infected_around() {
    local dir=$1 name=$2
    mkdir -p "$dir/a-first" "$dir/$name" "$dir/z-last"
    make_eicar "$dir/top.com"
    make_eicar "$dir/a-first/one.com"
    make_eicar "$dir/$name/hidden.com"
    make_eicar "$dir/z-last/two.com"
    echo clean >"$dir/z-last/clean.txt"
}

# The issue's own case: clamd's CONTSCAN answered "/srv/proc: Excluded" and
# the old client dropped every infection after that line.
@test "ExcludePath of a directory in the shared clamd.conf: nothing after it is lost, in every mode" {
    infected_around "$W/srv" proc
    shared_lab "ExcludePath ^$W/srv/proc/"
    same_in_every_mode --no-summary srv
    [ "$ng_status" -eq 1 ]
    [ "$(grep -c 'one.com: .* FOUND' <<<"$ALL_NG")" -eq "${#MODES[@]}" ]
    [ "$(grep -c 'two.com: .* FOUND' <<<"$ALL_NG")" -eq "${#MODES[@]}" ]
    [ "$(grep -c 'top.com: .* FOUND' <<<"$ALL_NG")" -eq "${#MODES[@]}" ]
    ! grep -q hidden.com <<<"$ALL_NG"
    ! grep -q ERROR "$T/ng.err"
}

@test "ExcludePath lines of every shape: a file pattern, an unanchored name, several lines" {
    infected_around "$W/srv" cache
    make_eicar "$W/srv/z-last/skip.tmp"
    shared_lab $'ExcludePath \\.tmp$\nExcludePath /cache/\nExcludePath ^/nonexistent/'
    same_in_every_mode srv
    [ "$ng_status" -eq 1 ]
    ! grep -q -E 'skip.tmp|hidden.com' <<<"$ALL_NG"
    grep -q 'Infected files: 3' <<<"$ALL_NG"
}

@test "a target named on the command line that ExcludePath excludes: 'Excluded', never OK (a documented difference)" {
    infected_around "$W/srv" proc
    shared_lab "ExcludePath ^$W/srv/proc/"
    # clamdscan prints OK for it without scanning; clamdscan-ng says what happened
    run "$REF" -c "$SHARED" --no-summary "$W/srv/proc"
    [ "$output" = "$W/srv/proc: OK" ]
    for mode in "${MODES[@]}"; do
        # shellcheck disable=SC2086
        run --separate-stderr "$NG" -c "$SHARED" $mode "$W/srv/proc" "$W/srv/z-last/clean.txt"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$W/srv/proc: Excluded" ]
        [ "${lines[1]}" = "$W/srv/z-last/clean.txt: OK" ]
        [[ $output == *"Infected files: 0"* ]]
        [[ $output != *"Total errors"* ]]
    done
    run "$NG" -c "$SHARED" --json "$W/srv/proc"
    [ "$status" -eq 0 ]
    [[ ${lines[0]} == *'"result":"excluded"'* ]]
}

@test "CrossFilesystems no, a filesystem mounted inside the tree: as clamdscan in every mode" {
    infected_around "$W/srv" mnt
    rm -rf "$W/srv/mnt"
    mkdir "$W/srv/mnt"
    # a private mount namespace: the daemon and both clients see the tmpfs,
    # nothing outside this test does
    run unshare -m --propagation private bash -c '
        set -e
        mount -t tmpfs none "$1/srv/mnt"
        printf "%s" "$2" >"$1/srv/mnt/over.com"
        LAB_CLAMD_EXTRA="CrossFilesystems no" "$3" start "$1/lab" >/dev/null
        for mode in "" -m -z --stream --fdpass "-m --stream" "-m --fdpass"; do
            r=0; n=0
            "$4" -c "$1/lab/clamd.conf" $mode --no-summary "$1/srv" | sort >"$1/ref.$r" || r=$?
            "$5" -c "$1/lab/clamd.conf" $mode --no-summary "$1/srv" | sort >"$1/ng.$r" || n=$?
            if ! cmp -s "$1/ref.$r" "$1/ng.$r"; then
                echo "mode [$mode] differs:"; diff "$1/ref.$r" "$1/ng.$r" || true
                "$3" stop "$1/lab" >/dev/null; exit 1
            fi
            case $mode in *--stream*|*--fdpass*) grep -q over.com "$1/ng.$r";; *) ! grep -q over.com "$1/ng.$r";; esac
        done
        "$3" stop "$1/lab" >/dev/null
    ' _ "$W" "$EICAR_STRING" "$LAB_CLAMD_SCRIPT" "$REF" "$NG"
    [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "FollowDirectorySymlinks and FollowFileSymlinks in the shared clamd.conf: as clamdscan in every mode" {
    mkdir -p "$W/elsewhere" "$W/srv/d"
    make_eicar "$W/elsewhere/behind-dir-link.com"
    make_eicar "$W/target.com"
    ln -s "$W/elsewhere" "$W/srv/d/dlink"
    ln -s "$W/target.com" "$W/srv/d/flink.com"
    ln -s "$W/nowhere" "$W/srv/d/dangling"
    echo clean >"$W/srv/d/plain.txt"
    for follow in "" "FollowDirectorySymlinks yes" "FollowFileSymlinks yes" \
        $'FollowDirectorySymlinks yes\nFollowFileSymlinks yes'; do
        shared_lab "$follow"
        # files behind links are named three ways by clamdscan: through the
        # link in path mode, by their real path in its own walks, as walked
        # from the given name in its IDSESSION walks; each mode says the same
        same_in_every_mode srv
        # and the same spelled through a link and with "." and ".."
        ln -sfn "$W/srv" "$W/srvlink"
        same_in_every_mode srvlink/d/../d
        lab_stop_n "$W/lab"
    done
}

@test "MaxDirectoryRecursion in the shared clamd.conf: as clamdscan in every mode" {
    mkdir -p "$W/r/a/b/c"
    for d in r r/a r/a/b r/a/b/c; do make_eicar "$W/$d/e.com"; done
    shared_lab "MaxDirectoryRecursion 2"
    same_in_every_mode r
    [ "$ng_status" -eq 1 ]
}

@test "a FIFO, an empty file and an empty directory inside the tree: as clamdscan in every mode" {
    mkdir -p "$W/srv/emptydir"
    mkfifo "$W/srv/pipe"
    : >"$W/srv/empty"
    make_eicar "$W/srv/e.com"
    shared_lab ""
    same_in_every_mode srv
    same_in_every_mode "$W/srv/empty"
}

@test "actions with the shared clamd.conf: ExcludePath keeps its files where they are" {
    infected_around "$W/srv" proc
    shared_lab "ExcludePath ^$W/srv[^/]*/proc/"
    for action in copy move; do
        cp -a "$W/srv" "$W/srv.ref"
        cp -a "$W/srv" "$W/srv.ng"
        mkdir -p "$W/q.ref" "$W/q.ng"
        run "$REF" -c "$SHARED" --no-summary --$action="$W/q.ref" "$W/srv.ref"
        ref_status=$status ref_out=${output//srv.ref/srv.X}
        ref_out=${ref_out//q.ref/q.X}
        run "$NG" -c "$SHARED" --no-summary --$action="$W/q.ng" "$W/srv.ng"
        [ "$status" -eq "$ref_status" ]
        ng_out=${output//srv.ng/srv.X}
        ng_out=${ng_out//q.ng/q.X}
        [ "$(sort <<<"$ng_out")" = "$(sort <<<"$ref_out")" ]
        [ "$(ls "$W/q.ng" | sort)" = "$(ls "$W/q.ref" | sort)" ]
        [ -e "$W/srv.ng/proc/hidden.com" ]
        rm -rf "$W/srv.ref" "$W/srv.ng" "$W/q.ref" "$W/q.ng"
    done
}

@test "a ClamAV 1.5 clamd.conf with comments after values scans as its comment-free twin" {
    infected_around "$W/srv" proc
    shared_lab "ExcludePath ^$W/srv/proc/"
    {
        echo "# written for ClamAV 1.5"
        echo "LocalSocket $W/lab/clamd.sock   # the main socket"
        echo "MaxDirectoryRecursion 15 # default"
        echo "ExcludePath ^$W/srv/proc/ # pseudo files"
        echo "FollowFileSymlinks no # as before"
    } >"$W/commented.conf"
    run "$NG" -c "$W/commented.conf" --no-summary srv
    [ "$status" -eq 1 ]
    commented=$output
    run "$NG" -c "$SHARED" --no-summary srv
    [ "$output" = "$commented" ]
    [[ $output != *hidden.com* ]]
}

@test "seventy ExcludePath lines and an alternation of forty branches, as clamd accepts them" {
    infected_around "$W/srv" b39
    {
        for i in $(seq 1 70); do echo "ExcludePath ^$W/nothing/d$i/"; done
        printf 'ExcludePath ^%s/srv/(' "$W"
        for i in $(seq 0 39); do printf '%sb%d' "$([ "$i" -gt 0 ] && echo '|')" "$i"; done
        echo ')/'
    } >"$T/excludes"
    shared_lab "$(cat "$T/excludes")"
    same_in_every_mode srv
    [ "$ng_status" -eq 1 ]
    ! grep -q hidden.com <<<"$ALL_NG"
    ! grep -q -i -E 'error|warning' "$T/ng.err"
}

@test "a key clamd does not know: refused, as clamdscan refuses it" {
    shared_lab ""
    cp "$SHARED" "$T/typo.conf"
    echo "ExcludePaht ^/proc/" >>"$T/typo.conf"
    run "$REF" -c "$T/typo.conf" "$W"
    ref_status=$status
    run --separate-stderr "$NG" -c "$T/typo.conf" "$W"
    [ "$status" -eq "$ref_status" ]
    [ "$status" -eq 2 ]
    [[ $stderr == *"$T/typo.conf:"*"Unknown option ExcludePaht"* ]]
}

# clamd runs as clamav on a real host, the client as root: clamd's walk
# cannot enter what clamav may not read, and says so in its own words.
@test "a daemon running as clamav: unreadable files and directories, as clamdscan in every mode" {
    id clamav >/dev/null 2>&1 || { echo "the clamav user (package clamav-daemon) is missing"; false; }
    mkdir -p "$W/t/closed" "$W/t/nox" "$W/t/sub" "$W/ltmp"
    make_eicar "$W/t/ok.com"
    make_eicar "$W/t/secret.com"
    chmod 600 "$W/t/secret.com"
    make_eicar "$W/t/closed/inner.com"
    chmod 700 "$W/t/closed"
    make_eicar "$W/t/nox/f.com"
    chmod 744 "$W/t/nox"
    echo clean >"$W/t/sub/c.txt"
    chmod 755 "$W/t" "$W/t/sub"
    mkdir -p "$W/lab"
    chown clamav "$W/lab" "$W/ltmp"
    shared_lab $'User clamav\nTemporaryDirectory '"$W/ltmp"$'\nLogFile '"$W/ltmp/clamd.log"
    same_in_every_mode t
    [ "$ng_status" -eq 1 ]
    # path mode says what clamd says of each, once
    run "$NG" -c "$SHARED" --no-summary t
    [[ $output == *"$W/t/secret.com: Access denied. ERROR"* ]]
    [[ $output == *"$W/t/closed: File path check failure: Permission denied. ERROR"* ]]
    [[ $output == *"$W/t/nox/f.com: File path check failure: Permission denied. ERROR"* ]]
    [[ $output != *inner.com* ]]
    for target in t/secret.com t/closed t/nox; do
        MODES_USED=("" "-z")
        same_in_every_mode "$target"
    done
}
