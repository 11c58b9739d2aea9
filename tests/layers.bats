#!/usr/bin/env bats
# The dependency rule of src/ (docs/architecture.md): folders include only
# folders below them, and no module depends on itself through others.
# scripts/check-layers checks it; these tests run it on the tree and prove
# it fails on a planted back-import and a planted cycle.

bats_require_minimum_version 1.5.0

setup() {
    SRC=$BATS_TEST_DIRNAME/../src
    CHECK=$BATS_TEST_DIRNAME/../scripts/check-layers
    cp -r "$SRC" "$BATS_TEST_TMPDIR/src"
}

@test "src/ keeps the layer order and has no include cycle" {
    run "$CHECK" "$SRC"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == *"no cycle"* ]]
}

@test "a driver including the scan loop (a folder above it) is refused" {
    printf '#include "scan/scan.h"\n' >>"$BATS_TEST_TMPDIR/src/driver/path.c"
    run "$CHECK" "$BATS_TEST_TMPDIR/src"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"driver/path.c includes scan/scan.h: scan is above driver"* ]]
}

@test "two modules of one folder including each other are a cycle" {
    printf '#include "driver/session.h"\n' >>"$BATS_TEST_TMPDIR/src/driver/tracker.h"
    run "$CHECK" "$BATS_TEST_TMPDIR/src"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ $output == *"cycle: driver/session -> driver/tracker -> driver/session"* ]]
}
