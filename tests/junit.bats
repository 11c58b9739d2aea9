#!/usr/bin/env bats
# --junit=FILE (issue 15): a JUnit XML report in the form GitLab's
# artifacts:reports:junit and Jenkins' JUnit plugin read, checked with
# xmllint (well-formed) and read back by junit2json (npm, pinned), a JUnit
# consumer, including for file names that are not UTF-8.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
    junit2json_setup
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
}

teardown() {
    fake_stop
}

# read_junit FILE: well-formed, then junit2json's reading into $T/j.json.
read_junit() {
    xmllint --noout "$1"
    "$JUNIT2JSON" "$1" >"$T/j.json"
    cat "$T/j.json"
}

@test "--junit: a passed test per clean target, a failure per infected file, skipped for excluded" {
    mkdir -p tree/sub clean
    make_eicar tree/sub/e.com
    printf 'x %s y\n' "$ALPHA_STRING" >"tree/$(printf 'odd\xff\x01name')"
    echo fine >clean/c.txt
    echo fine >skip.txt
    run -1 "$NG" -c "$LAB_CONF" --junit=r.xml --exclude='skip\.txt$' tree clean skip.txt
    read_junit r.xml
    python3 - "$T/j.json" "$T" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
t = sys.argv[2]
suite = doc["testsuite"][0]
assert (doc["tests"], doc["failures"], doc["errors"], doc["skipped"]) == (4, 2, 0, 1), doc
cases = {c["name"]: c for c in suite["testcase"]}
assert "failure" not in cases[t + "/clean"] and "skipped" not in cases[t + "/clean"], cases
assert cases[t + "/tree/sub/e.com"]["failure"][0]["type"] == "Ng.Test.EICAR.HDB.UNOFFICIAL"
odd = [n for n in cases if "odd" in n]
assert odd == [t + "/tree/odd\ufffd\ufffdname"], odd   # not UTF-8: replaced, still XML
assert cases[odd[0]]["failure"][0]["type"] == "Ng.Test.Alpha.UNOFFICIAL"
assert "skipped" in cases[t + "/skip.txt"]
PY
}

@test "--junit: a file that could not be scanned is an error; an unfinished run says so" {
    fake_start command_unavailable --misbehave-on scan
    mkdir tree
    echo a >tree/a.txt
    run -2 "$NG" -c "$FAKE_CONF" --junit=r.xml tree
    read_junit r.xml
    python3 - "$T/j.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["errors"] == 1, doc
case = doc["testsuite"][0]["testcase"][0]
assert case["name"].endswith("/tree/a.txt") and "COMMAND UNAVAILABLE" in case["error"][0]["message"], case
PY
    grep -q '<system-err>The scan did not complete' r.xml
}

@test "--junit through a symbolic link: refused before scanning" {
    mkdir tree
    echo keep >target
    ln -s target r.xml
    run -2 "$NG" -c "$LAB_CONF" --junit=r.xml tree
    [[ $output == *"JUnit report r.xml: it is a symbolic link"* ]]
    [ "$(cat target)" = keep ]
}
