#!/usr/bin/env bats
# Exclusions on the command line (issue 15): clamscan's --exclude,
# --exclude-dir, --include and --include-dir, which clamdscan 1.4.6
# ignores with a warning, are applied in the client's walk in every mode,
# on top of clamd.conf's ExcludePath. Semantics as clamscan's man page
# gives them: --exclude skips files whose name matches, --include scans
# only files whose name matches one of them, --exclude-dir and
# --include-dir the same for the directories met in a walk; patterns are
# matched as ExcludePath is (POSIX extended, clamd's regcomp).

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
    cd "$T" || return 1
    # five infected files in three directories, one clean
    mkdir -p tree/keep tree/skip tree/keep/deep
    make_eicar tree/top.com
    make_eicar tree/top.txt
    make_eicar tree/keep/a.com
    make_eicar tree/keep/deep/b.txt
    make_eicar tree/skip/c.com
    echo clean >tree/keep/clean.com
}

# found ARGS: the files reported FOUND (relative to tree/, sorted), one per
# line, in $found; the exit status in $status; stderr in $err.
found() {
    status=0
    "$NG" -c "$LAB_CONF" --no-summary "$@" >"$T/out" 2>"$T/err" || status=$?
    err=$(<"$T/err")
    found=$(sed -n "s|^$T/tree/\(.*\): .* FOUND\$|\1|p" "$T/out" | LC_ALL=C sort | tr '\n' ' ')
    echo "\$ clamdscan-ng $* -> $status: $found"
    cat "$T/out" "$T/err"
}

MODES=("" "-m" "-z" "--stream" "--fdpass" "-m --stream" "-m --fdpass")

@test "--exclude: files whose name matches are not scanned, in every mode" {
    local m
    for m in "${MODES[@]}"; do
        # shellcheck disable=SC2086 # the mode's words
        found $m --exclude='\.txt$' tree
        [ "$status" -eq 1 ]
        [ "$found" = "keep/a.com skip/c.com top.com " ]
        [[ $err != *WARNING* ]]
    done
}

@test "--exclude-dir: directories whose name matches are not entered, in every mode" {
    local m
    for m in "${MODES[@]}"; do
        # shellcheck disable=SC2086
        found $m --exclude-dir='/skip$' --exclude-dir=deep tree
        [ "$status" -eq 1 ]
        [ "$found" = "keep/a.com top.com top.txt " ]
    done
}

@test "--include: only files whose name matches one of them, in every mode" {
    local m
    for m in "${MODES[@]}"; do
        # shellcheck disable=SC2086
        found $m --include='/a\.com$' --include='/b\.txt$' tree
        [ "$status" -eq 1 ]
        [ "$found" = "keep/a.com keep/deep/b.txt " ]
    done
}

@test "--include-dir: only directories whose name matches are entered (the target itself always)" {
    local m
    for m in "${MODES[@]}"; do
        # shellcheck disable=SC2086
        found $m --include-dir='/keep' tree
        [ "$status" -eq 1 ]
        [ "$found" = "keep/a.com keep/deep/b.txt top.com top.txt " ]
    done
}

@test "a file named on the command line that --exclude matches: 'Excluded', JSON excluded, never OK" {
    found --exclude='top' tree/top.com tree/keep/a.com
    [ "$status" -eq 1 ]
    grep -qx "$T/tree/top.com: Excluded" out
    [ "$found" = "keep/a.com " ]
    run "$NG" -c "$LAB_CONF" --json --exclude='top' tree/top.com
    [ "$status" -eq 0 ]
    [[ $output == *'"result":"excluded"'* ]]
}

@test "-v lists what the filters pass over; with ExcludePath as well" {
    printf 'ExcludePath /keep/deep$\n' >>"$T/client.conf"
    cat "$LAB_CONF" >>"$T/client.conf"
    run "$NG" -c "$T/client.conf" -v --no-summary --exclude-dir='/skip$' tree
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"$T/tree/skip: Excluded"* ]]
    [[ $output != *"c.com"* ]]
    [[ $output != *"b.txt"* ]]
}

@test "a pattern that cannot be compiled: an error naming it, exit 2, nothing scanned" {
    found --exclude='(' tree
    [ "$status" -eq 2 ]
    [[ $err == *"--exclude '(' cannot be used"* ]]
    [ -z "$found" ]
}

@test "abbreviations as clamdscan reads them; an empty pattern is ignored with clamdscan's warning" {
    found --exclude-d='/skip$' tree
    [ "$status" -eq 1 ]
    [[ $found != *skip/c.com* ]]
    found --exclude= tree
    [ "$status" -eq 1 ]
    [[ $err == *"WARNING: Ignoring unsupported option --exclude"* ]]
    [ "$found" = "keep/a.com keep/deep/b.txt skip/c.com top.com top.txt " ]
}

# ---- the RE2 module: loaded only by a run with patterns ----------------------

# loaded ARGS: runs the client with LD_DEBUG=files (the dynamic loader names
# every object it loads, dlopen included) and prints the file names loaded.
loaded() {
    LD_DEBUG=files LD_DEBUG_OUTPUT=$T/ld "$NG" "$@" >/dev/null 2>&1 || true
    sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$T"/ld.* | sort -u
}

@test "no pattern: the run loads neither RE2 nor the C++ runtime; with ExcludePath or --exclude it loads ng-regex.so" {
    run loaded -c "$LAB_CONF" --no-summary tree
    echo "$output"
    refute_output --partial libre2
    refute_output --partial ng-regex.so
    # ASan's own runtime needs libstdc++: only the plain build can go without
    [ -n "${NG_SANITIZED:-}" ] || refute_output --partial libstdc++
    rm -f "$T"/ld.*
    run loaded -c "$LAB_CONF" --no-summary --exclude='\.txt$' tree
    echo "$output"
    assert_output --partial ng-regex.so
    assert_output --partial libre2
    rm -f "$T"/ld.*
    cp "$LAB_CONF" "$T/excl.conf"
    echo 'ExcludePath /skip/' >>"$T/excl.conf"
    run loaded -c "$T/excl.conf" --no-summary tree
    assert_output --partial ng-regex.so
}

@test "a program with no RE2 module to load: patterns are an error naming it, exit 2; a run without them scans" {
    local installed
    installed=$("$NG" --help >/dev/null; strings "$NG" | grep -m1 '/clamdscan-ng$' || true)
    [ ! -e "$installed/ng-regex.so" ] || skip "an installed $installed/ng-regex.so would be used"
    mkdir -p "$T/bin"
    cp "$NG" "$T/bin/clamdscan-ng" # without ng-regex.so beside it
    run -2 --separate-stderr "$T/bin/clamdscan-ng" -c "$LAB_CONF" --no-summary --exclude='\.txt$' tree
    echo "$stderr"
    assert_equal "$output" ""
    [[ $stderr == *"--exclude '\\.txt\$' cannot be used: the RE2 module cannot be loaded"*ng-regex.so* ]]
    cp "$LAB_CONF" "$T/excl.conf"
    echo 'ExcludePath /skip/' >>"$T/excl.conf"
    run -2 --separate-stderr "$T/bin/clamdscan-ng" -c "$T/excl.conf" --no-summary tree
    echo "$stderr"
    [[ $stderr == *"excl.conf:"*": ExcludePath cannot be used: the RE2 module cannot be loaded"* ]]
    run -1 "$T/bin/clamdscan-ng" -c "$LAB_CONF" --no-summary tree
    [ "$(grep -c ' FOUND$' <<<"$output")" -eq 5 ]
}
