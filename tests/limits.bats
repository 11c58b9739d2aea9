#!/usr/bin/env bats
# Size limits never silent (issue 15): clamd answers OK for a file larger
# than MaxFileSize (or MaxScanSize) without scanning it all. With the
# daemon's clamd.conf shared, as on a real host, clamdscan-ng says so: a
# warning naming the file and the limit, "limits_exceeded" in JSON, a SARIF
# notification; --fail-on-limits makes it an error. The text result and the
# exit status stay clamdscan's.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    export LAB_CLAMD_EXTRA="MaxFileSize 1M"
    lab_start
    sarif_multitool_setup
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
    mkdir tree
    # the body signature past the first MiB: clamd never reads it
    { head -c 2000000 /dev/zero; printf 'x %s y\n' "$ALPHA_STRING"; } >tree/big.bin
    make_eicar tree/small.com
    SHARED=$LAB/clamd.conf
}

@test "clamd itself answers OK for the big file (the lab is set up as the issue says)" {
    run -0 "$REF" -c "$SHARED" --no-summary tree/big.bin
    [ "$output" = "$T/tree/big.bin: OK" ]
}

@test "a file over MaxFileSize: clamdscan's line and status, plus a warning naming file and limit" {
    run --separate-stderr "$REF" -c "$SHARED" tree
    local ref_out=$output ref_status=$status
    run --separate-stderr "$NG" -c "$SHARED" tree
    echo "$stderr"
    [ "$status" -eq "$ref_status" ]
    diff <(grep -v -E '^(Time|Start Date|End Date):' <<<"$ref_out") \
        <(grep -v -E '^(Time|Start Date|End Date):' <<<"$output")
    [[ $stderr == *"WARNING: $T/tree/big.bin: 2000"*" bytes, over MaxFileSize (1048576 bytes)"* ]]
    [[ $stderr != *small.com* ]]
}

@test "in JSON and SARIF: limits_exceeded and a notification" {
    run --separate-stderr "$NG" -c "$SHARED" --json --sarif=r.sarif tree
    [ "$status" -eq 1 ]
    python3 - r.sarif <<PY
import json
lines = [json.loads(l) for l in """$output""".splitlines() if l.strip()]
lim = [o for o in lines if o.get("result") == "limits_exceeded"]
assert len(lim) == 1 and lim[0]["path"].endswith("/tree/big.bin"), lim
assert lim[0]["limit"] == "MaxFileSize" and lim[0]["limit_bytes"] == 1048576, lim
run = json.load(open("r.sarif"))["runs"][0]
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any("big.bin" in n["message"]["text"] and "MaxFileSize" in n["message"]["text"]
           for n in notes), notes
PY
    sarif_valid r.sarif
}

@test "--fail-on-limits: the file is an error, exit 2 (1 stays 1)" {
    run --separate-stderr "$NG" -c "$SHARED" --fail-on-limits tree/big.bin
    [ "$status" -eq 2 ]
    [[ $output == *"$T/tree/big.bin: Not scanned whole: 2000"*"over MaxFileSize (1048576 bytes). ERROR"* ]]
    run --separate-stderr "$NG" -c "$SHARED" --fail-on-limits tree
    [ "$status" -eq 1 ]
    [[ $output == *"Total errors: 1"* ]]
}

@test "AlertExceedsMax yes: clamd says it itself, no warning of ours" {
    cp "$SHARED" alert.conf
    echo "AlertExceedsMax yes" >>alert.conf
    run --separate-stderr "$NG" -c alert.conf tree/big.bin
    [[ $stderr != *"over MaxFileSize"* ]]
}
