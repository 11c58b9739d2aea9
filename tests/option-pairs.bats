#!/usr/bin/env bats
# Every command line clamdscan 1.4.6 accepts, side by side with clamdscan-ng.
#
# The options come from tests/data/clamdscan-options.tsv, which
# scripts/clamdscan-options generates by probing clamdscan itself.  For each
# option clamdscan implements there is one @test below: the option in every
# form clamdscan takes (--X, --X=VALUE, --X VALUE, -x, -xVALUE, --X=yes|no|1|0
# |true|false for its booleans, an abbreviation, an empty or missing value),
# then paired with every other such option, in both orders.  Further @tests
# cover the clamscan options clamdscan tolerates with a warning, short-option
# clusters, every abbreviation, repeated options, "-", TCP-only and "remote"
# configurations and a daemon that is down.
#
# tests/option-pairs.py runs each command line with $REF and with $NG, each
# on a fresh copy of the same tree against this file's lab clamd, and
# compares exit status, stdout (times removed, paths normalised), whether
# stderr has an error, the WARNING lines, the files moved/copied/removed and
# the log files; its header says exactly how, and which comparisons are
# looser (--help, -v, -m).  A failing @test prints every command line that
# differs, as you would type it in the run directory (tree/, q/, list).
#
#   NG=/usr/bin/clamdscan bats tests/option-pairs.bats   # the harness itself: all pass
#   python3 tests/option-pairs.py own stream --list      # the command lines of one @test

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
}

# pairs MODE [NAME]: runs tests/option-pairs.py MODE [NAME]; on failure its
# output (every differing command line and how it differs) is shown.
pairs() {
    run python3 "$BATS_TEST_DIRNAME/option-pairs.py" --workdir "$BATS_TEST_TMPDIR" "$@"
    printf '%s\n' "$output"
    [ "$status" -eq 0 ]
}

# ---- the table ---------------------------------------------------------------

@test "tests/data/clamdscan-options.tsv still describes \$REF" {
    pairs table
}

@test "every option clamdscan implements has its @test in this file" {
    local name missing=()
    while read -r name; do
        grep -q "^    pairs own $name\$" "$BATS_TEST_FILENAME" || missing+=("$name")
    done < <(python3 "$BATS_TEST_DIRNAME/option-pairs.py" own-names)
    if ((${#missing[@]})); then
        echo "no @test for: ${missing[*]}"
        return 1
    fi
}

# ---- clamdscan's own options: alone in every form, then paired ----------------

@test "--allmatch (-z)" {
    pairs own allmatch
}

@test "--config-file (-c)" {
    pairs own config-file
}

@test "--copy=DIRECTORY" {
    pairs own copy
}

@test "--fdpass" {
    pairs own fdpass
}

@test "--file-list (-f)" {
    pairs own file-list
}

@test "--help (-h)" {
    pairs own help
}

@test "--infected (-i)" {
    pairs own infected
}

@test "--log (-l)" {
    pairs own log
}

@test "--move=DIRECTORY" {
    pairs own move
}

@test "--multiscan (-m)" {
    pairs own multiscan
}

@test "--no-summary" {
    pairs own no-summary
}

@test "--ping (-p)" {
    pairs own ping
}

@test "--quiet" {
    pairs own quiet
}

@test "--reload" {
    pairs own reload
}

@test "--remove" {
    pairs own remove
}

@test "--stdout" {
    pairs own stdout
}

@test "--stream" {
    pairs own stream
}

@test "--verbose (-v)" {
    pairs own verbose
}

@test "--version (-V)" {
    pairs own version
}

@test "--wait (-w)" {
    pairs own wait
}

# ---- the clamscan options clamdscan tolerates --------------------------------

@test "clamscan options clamdscan ignores with a warning: each alone, in every form" {
    pairs clamscan-alone
}

@test "clamscan options clamdscan ignores with a warning: with a target, -i, --stream, --stdout, --quiet, --log, --help" {
    pairs clamscan-scan
}

# ---- how options are written -------------------------------------------------

@test "short options, and every two-letter cluster (-iz, -il FILE, -illog)" {
    pairs shorts
}

@test "every abbreviation clamdscan accepts (--mult, --no-s, --ti 5 ...)" {
    pairs abbrev
}

@test "an option given twice, or two quarantine actions: clamdscan keeps the first; --ping values" {
    pairs repeat
}

# ---- targets, transports, daemon state ----------------------------------------

@test "- (standard input): alone, with the transports, actions, -f and other targets" {
    pairs stdin
}

@test "a TCP-only configuration, and one clamdscan calls remote" {
    pairs transports
}

@test "no daemon: --ping, --wait, --version, --reload, a scan" {
    pairs down
}
