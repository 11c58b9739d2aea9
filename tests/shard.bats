#!/usr/bin/env bats
# --shard=K/N (issue 16): N clients, each with its K, cover every file of
# the targets exactly once, chosen by a hash of each file's path relative
# to its target, so a tree mounted elsewhere is split the same way.

bats_require_minimum_version 1.5.0

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
    make_big "$T/tree" 11
}

teardown() {
    fake_stop
}

# sent LOG: the paths the fake was asked to SCAN, sorted; the log is then
# emptied for the next run.
sent() {
    sed -n 's/.* < zSCAN //p' "$1" | LC_ALL=C sort
    : >"$1"
}

@test "three shards over one tree: their union is the unsharded scan, with no overlap" {
    local k mode
    fake_start good
    for mode in "" "-m"; do
        # shellcheck disable=SC2086 # the mode's words
        "$NG" -c "$FAKE_CONF" $mode --no-summary tree >all.out || true
        sent "$FAKE_LOG" >all.list
        : >shards.list
        : >shards.found
        for k in 1 2 3; do
            # shellcheck disable=SC2086
            "$NG" -c "$FAKE_CONF" $mode --no-summary --shard=$k/3 tree >"s$k.out" || true
            sent "$FAKE_LOG" >"s$k.list"
            cat "s$k.list" >>shards.list
            grep FOUND "s$k.out" >>shards.found || true
            # a fair share: each of 400 files has a one-in-three chance
            [ "$(wc -l <"s$k.list")" -gt 90 ]
        done
        [ "$(wc -l <all.list)" -eq 400 ]
        # exactly once: no duplicates, nothing missing
        [ -z "$(LC_ALL=C sort shards.list | uniq -d)" ]
        diff all.list <(LC_ALL=C sort shards.list)
        diff <(grep FOUND all.out | LC_ALL=C sort) <(LC_ALL=C sort shards.found)
    done
}

@test "a shard's part does not depend on where the tree is mounted" {
    cp -a tree moved
    fake_start good
    "$NG" -c "$FAKE_CONF" --no-summary --shard=2/5 tree >/dev/null || true
    sent "$FAKE_LOG" | sed "s|^$T/tree/||" >a.list
    "$NG" -c "$FAKE_CONF" --no-summary --shard=2/5 moved >/dev/null || true
    sent "$FAKE_LOG" | sed "s|^$T/moved/||" >b.list
    diff a.list b.list
    [ -s a.list ]
}

@test "files named on the command line: each in exactly one shard, no OK from the others" {
    local k
    fake_start good
    for k in 1 2; do
        run "$NG" -c "$FAKE_CONF" --shard=$k/2 --no-summary tree/d1/f1 tree/d2/f2 tree/d3/f3 tree/d4/f4
        printf '%s\n' "${lines[@]}" >>named.out
    done
    [ "$(grep -c ': OK$' named.out)" -eq 4 ]
    [ "$(LC_ALL=C sort named.out | uniq -d | wc -l)" -eq 0 ]
}

@test "--shard values it cannot read are usage errors" {
    for v in 0/3 4/3 3 a/b 1/0 2/; do
        run --separate-stderr "$NG" --shard="$v" tree
        [ "$status" -eq 2 ]
        [[ $stderr == *"invalid argument '$v' for --shard"* ]]
    done
}
