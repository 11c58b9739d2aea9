#!/usr/bin/env bats
# The CI recipes of docs/ci/ (issue 15): each file parses as YAML with the
# structure its CI reads, and its scan command, run as written (the
# binary and the lab's clamd.conf put in), fails the job on an infection,
# passes a clean build, and writes reports the code-scanning and JUnit
# consumers accept. What needs GitHub or GitLab themselves (the upload, the
# merge-request widget) cannot run here.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
    sarif_multitool_setup
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
    CI_DIR=$BATS_TEST_DIRNAME/../docs/ci
}

# scan_command FILE: the recipe's clamdscan-ng command line, from its YAML.
scan_command() {
    python3 - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
found = []
def walk(node):
    if isinstance(node, dict):
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
    elif isinstance(node, str):
        for line in node.splitlines():
            if line.strip().startswith("clamdscan-ng "):
                found.append(line.strip())
walk(doc)
assert len(found) == 1, found
print(found[0])
PY
}

# run_recipe FILE: runs its scan command in $T (./build), with $NG and the
# lab's clamd.conf in place of the installed binary and the system's.
run_recipe() {
    local cmd
    cmd=$(scan_command "$1")
    echo "recipe: $cmd"
    run bash -c "${cmd/clamdscan-ng /\"\$NG\" -c \"\$LAB_CONF\" }"
    echo "$output"
}

@test "the GitHub Actions workflow: a workflow GitHub reads, its scan step uploads SARIF even on failure" {
    python3 - "$CI_DIR/github-actions.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
steps = doc["jobs"]["scan"]["steps"]
assert doc["jobs"]["scan"]["permissions"]["security-events"] == "write"
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
assert len(upload) == 1 and upload[0]["if"] == "always()", upload
scan = [s for s in steps if s.get("run", "").startswith("clamdscan-ng ")]
assert scan and upload[0]["with"]["sarif_file"] in scan[0]["run"], (scan, upload)
PY
}

@test "the GitLab CI job: a job GitLab reads, publishing the JUnit report even on failure" {
    python3 - "$CI_DIR/gitlab-ci.yml" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["virus-scan"]
assert job["artifacts"]["when"] == "always"
junit = job["artifacts"]["reports"]["junit"]
assert any(junit in line for line in job["script"]), job
PY
}

@test "each recipe's scan fails the job on an infected build, with reports the consumers accept" {
    mkdir -p build/lib
    make_eicar build/lib/bad.so
    echo ok >build/app
    local recipe
    for recipe in github-actions.yml gitlab-ci.yml; do
        rm -f clamdscan.sarif clamdscan.xml
        run_recipe "$CI_DIR/$recipe"
        [ "$status" -eq 1 ]
        [[ $output == *"build/lib/bad.so: $EICAR_SIG FOUND"* ]]
        sarif_valid clamdscan.sarif
        xmllint --noout clamdscan.xml
        "$JUNIT2JSON" clamdscan.xml | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["failures"] == 1, d'
    done
}

@test "each recipe's scan passes a clean build" {
    mkdir -p build
    echo ok >build/app
    local recipe
    for recipe in github-actions.yml gitlab-ci.yml; do
        run_recipe "$CI_DIR/$recipe"
        [ "$status" -eq 0 ]
        "$JUNIT2JSON" clamdscan.xml | python3 -c 'import json,sys; d=json.load(sys.stdin); assert (d["failures"], d["errors"]) == (0, 0), d'
    done
}
