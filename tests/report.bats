#!/usr/bin/env bats
# Machine-readable reports: --json (JSON Lines on stdout) must say what the
# text report says, for any file name; --sarif=FILE must be a SARIF 2.1.0
# log that never lets an unscanned file pass for a clean one.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
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
    make_tree "$T/tree"
    cd "$T"
}

teardown() {
    fake_stop
}

# json_matches_text TEXT_OUT JSON_OUT: the JSON Lines parse (strict UTF-8,
# one object per line) and name the same files with the same verdicts and
# signatures as the text report (order aside: -m answers in completion
# order), and the summary object's counts equal the text summary's.
json_matches_text() {
    python3 - "$1" "$2" <<'PY'
import base64, json, os, re, sys

text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape").splitlines()
raw = open(sys.argv[2], "rb").read()
objs = [json.loads(line.decode("utf-8")) for line in raw.split(b"\n") if line]

want, summary = [], {}
for line in text:
    m = re.match(r"(Infected files|Total errors|Not moved|Not removed): (\d+)$", line)
    if m:
        summary[m.group(1)] = int(m.group(2))
    elif line.endswith(": OK"):
        want.append((line[:-4], "clean", None))
    elif line.endswith(" FOUND"):
        path, sig = line[:-6].rsplit(": ", 1)
        want.append((path, "infected", sig))
    elif line.endswith(" ERROR"):
        path, msg = line[:-6].rsplit(": ", 1)
        want.append((path, "error", msg))

def name(o):
    if "path_bytes" in o:
        return os.fsdecode(base64.b64decode(o["path_bytes"]))
    return o["path"]

files = [o for o in objs if o["type"] == "file"]
sums = [o for o in objs if o["type"] == "summary"]
got = [(name(o), o["result"], o.get("signature", o.get("error"))) for o in files]
assert sorted(got) == sorted(want), "json %r\ntext %r" % (sorted(got), sorted(want))
assert len(sums) == 1 and objs[-1] is sums[0], "one summary object, last"
s = sums[0]
assert s["infected_files"] == summary["Infected files"], (s, summary)
assert s["errors"] == summary.get("Total errors", 0), (s, summary)
assert s["not_moved"] == summary.get("Not moved", 0), (s, summary)
assert s["infected_files"] == len([g for g in got if g[1] == "infected"])
assert s["requests"] == s["requests_clean"] + s["requests_infected"] + s["requests_failed"]
for k in ("start", "end"):
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", s[k]), s[k]
assert isinstance(s["duration"], float) and s["duration"] >= 0
assert s["daemons"] and s["local"] is False
print("%d files, %d infected" % (len(got), s["infected_files"]))
PY
}

# same_report ARGS...: the text and the --json scan of ARGS agree, and
# exit with the same status.
same_report() {
    local st_text=0 st_json=0
    "$NG" "$@" >"$T/text.out" 2>"$T/text.err" || st_text=$?
    "$NG" --json "$@" >"$T/json.out" 2>"$T/json.err" || st_json=$?
    if [ "$st_text" != "$st_json" ]; then
        echo "exit: text $st_text, json $st_json"
        cat "$T/json.out" "$T/json.err"
        return 1
    fi
    json_matches_text "$T/text.out" "$T/json.out" || {
        cat "$T/text.out" "$T/json.out"
        return 1
    }
    json_status=$st_json
}

# sarif_check FILE: the Multitool's validation, the structure this project
# promises, then a digest: "successful=BOOL results=N rules=R1,R2,...".
sarif_check() {
    sarif_valid "$1" || return 1
    python3 - "$1" <<'PY'
import json, sys, urllib.parse

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}
log = json.load(open(sys.argv[1], encoding="utf-8"))
assert log["version"] == "2.1.0"
assert isinstance(log["$schema"], str) and "sarif" in log["$schema"]
assert set(log) <= {"$schema", "version", "runs", "inlineExternalProperties", "properties"}
runs = log["runs"]
assert isinstance(runs, list) and len(runs) == 1
run = runs[0]
driver = run["tool"]["driver"]
assert isinstance(driver["name"], str) and driver["name"]
rule_ids = set()
for rule in driver.get("rules", []):
    assert isinstance(rule["id"], str)
    rule_ids.add(rule["id"])
    if "defaultConfiguration" in rule:
        assert rule["defaultConfiguration"]["level"] in LEVELS
def check_message(m):
    assert isinstance(m, dict) and isinstance(m["text"], str) and m["text"]
rules = []
for r in run["results"]:
    check_message(r["message"])
    assert isinstance(r["ruleId"], str) and r["ruleId"]
    assert r.get("level", "warning") in LEVELS
    kind = r.get("kind", "fail")
    assert kind in KINDS
    assert kind == "fail" or r.get("level", "none") == "none"
    locs = r["locations"]
    assert isinstance(locs, list) and locs
    for loc in locs:
        art = loc["physicalLocation"]["artifactLocation"]
        uri = art["uri"]
        if "uriBaseId" in art:
            # relative to a base the run names, for code scanning
            assert not uri.startswith("/") and "://" not in uri, uri
            uri = urllib.parse.urljoin(run["originalUriBaseIds"][art["uriBaseId"]]["uri"], uri)
        parts = urllib.parse.urlsplit(uri)
        assert parts.scheme == "file" and parts.netloc == "" and parts.path.startswith("/"), uri
        assert all(c not in uri for c in " \t\n\"<>\\^`{|}"), uri
        # the URI names the file exactly: its path decodes to the raw bytes
        assert urllib.parse.unquote_to_bytes(parts.path).startswith(b"/")
    rules.append(r["ruleId"])
invs = run["invocations"]
assert isinstance(invs, list) and len(invs) == 1
inv = invs[0]
assert isinstance(inv["executionSuccessful"], bool)
for n in inv.get("toolExecutionNotifications", []):
    check_message(n["message"])
    assert n.get("level", "warning") in LEVELS
for k in ("startTimeUtc", "endTimeUtc"):
    assert inv[k].endswith("Z")
print("successful=%s results=%d rules=%s" % (
    str(inv["executionSuccessful"]).lower(), len(rules), ",".join(sorted(rules))))
PY
}

# ---- --json ----------------------------------------------------------------

@test "--json in path mode says what the text report says" {
    same_report -c "$LAB_CONF" "$T/tree" tree/clean.txt tree/sub/deep/eicar.com
    [ "$json_status" -eq 1 ]
    # stdout holds nothing but JSON, one object per line
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/json.out"
    grep -q '"signature":"'"$EICAR_SIG"'"' "$T/json.out"
    # path mode: a directory target gets no per-file clean lines
    ! grep -q '"path":"'"$T"'/tree/empty"' "$T/json.out"
}

@test "--json with --stream says what the text report says" {
    same_report -c "$LAB_CONF" --stream "$T/tree" tree/clean.txt
    [ "$json_status" -eq 1 ]
}

@test "--json with -m --fdpass says what the text report says" {
    same_report -c "$LAB_CONF" -m --fdpass "$T/tree" tree/clean.txt
    [ "$json_status" -eq 1 ]
}

@test "--json on a clean tree: clean objects per target, exit 0" {
    mkdir "$T/c"
    echo a >"$T/c/a"
    echo b >"$T/c/b"
    same_report -c "$LAB_CONF" "$T/c" "$T/c/a"
    [ "$json_status" -eq 0 ]
    run grep -c '"result":"clean"' "$T/json.out"
    [ "$output" -eq 2 ]
}

@test "--json: error results carry the daemon's message, as the text does" {
    fake_start size_limit --misbehave-on scan
    same_report -c "$FAKE_CONF" --stream --timeout=2 "$T/tree" tree/clean.txt
    [ "$json_status" -eq 2 ]
    grep -q '"path":"'"$T"'/tree/clean.txt","result":"error","error":"INSTREAM size limit exceeded."' "$T/json.out"
}

@test "--json: a file name that is not UTF-8 stays valid JSON and keeps its bytes" {
    mkdir "$T/u"
    make_eicar "$T/u/bad$(printf '\xff\xfe').com"
    make_eicar "$T/u/caf$(printf '\xc3\xa9').com"
    printf 'clean\n' >"$T/u/ok$(printf '\x80')"
    for transport in "" --stream --fdpass; do
        "$NG" -c "$LAB_CONF" --json $transport "$T/u" >"$T/u.json" || [ $? -eq 1 ]
        python3 - "$T/u.json" "$T/u" <<'PY'
import base64, json, os, sys
raw = open(sys.argv[1], "rb").read()
objs = [json.loads(l.decode("utf-8")) for l in raw.split(b"\n") if l]  # strict UTF-8
d = os.fsencode(sys.argv[2])
found = {o["path"]: o for o in objs if o.get("result") == "infected"}
bad = found[os.fsdecode(d) + "/bad\ufffd\ufffd.com"]
assert base64.b64decode(bad["path_bytes"]) == d + b"/bad\xff\xfe.com", bad
# a valid UTF-8 name is itself, with no bytes field
good = found[os.fsdecode(d) + "/caf\u00e9.com"]
assert "path_bytes" not in good, good
assert objs[-1]["type"] == "summary" and objs[-1]["infected_files"] == 2
PY
    done
}

@test "--json --move: the action and its destination are in the file's object" {
    mkdir "$T/q"
    run -1 "$NG" -c "$LAB_CONF" --json --move="$T/q" "$T/tree"
    python3 - "$output" "$T" <<'PY'
import json, os, sys
t = sys.argv[2]
objs = [json.loads(l) for l in sys.argv[1].splitlines()]
inf = [o for o in objs if o.get("result") == "infected"]
assert len(inf) == 3, objs
for o in inf:
    a = o["action"]
    assert a["type"] == "move" and a["done"] is True, o
    assert os.path.dirname(a["destination"]) == t + "/q", a
    assert os.path.isfile(a["destination"]) and not os.path.exists(o["path"]), o
assert objs[-1]["type"] == "summary" and objs[-1]["not_moved"] == 0
PY
    [ "$(find "$T/q" -type f | wc -l)" -eq 3 ]
}

@test "--json --remove: a failed action says why" {
    chmod 555 "$T/tree/sub/deep"
    run -1 "$NG" -c "$LAB_CONF" --json --remove "$T/tree/sub"
    chmod 755 "$T/tree/sub/deep"
    if [ "$(id -u)" -eq 0 ]; then
        # root may remove it anyway: then the action is done
        [[ $output == *'"action":{"type":"remove","done":true}'* ]]
    else
        [[ $output == *'"action":{"type":"remove","done":false,"error":'* ]]
    fi
}

@test "--json with -i, --no-summary, --quiet and -v" {
    run -1 "$NG" -c "$LAB_CONF" --json -i tree/clean.txt tree/sub/deep/eicar.com
    [[ $output != *'"result":"clean"'* ]]
    [[ $output == *'"result":"infected"'* ]]
    run -1 "$NG" -c "$LAB_CONF" --json --no-summary tree/sub/deep/eicar.com
    [[ $output != *'"type":"summary"'* ]]
    [ "${#lines[@]}" -eq 1 ]
    # --quiet silences messages, not the JSON asked for
    run -1 --separate-stderr "$NG" -c "$LAB_CONF" --json --quiet tree/sub/deep/eicar.com
    [[ $output == *'"result":"infected"'* && $output == *'"type":"summary"'* ]]
    # -v lines go to stderr: stdout stays JSON
    run -1 --separate-stderr "$NG" -c "$LAB_CONF" --json -v --stdout tree
    for l in "${lines[@]}"; do [[ $l == "{"* ]]; done
}

@test "--json -l: the log file keeps the text report" {
    run -1 "$NG" -c "$LAB_CONF" --json -l "$T/scan.log" tree/sub/deep/eicar.com
    [[ $output == "{"* ]]
    grep -q "eicar.com: $EICAR_SIG FOUND" "$T/scan.log"
    grep -q "Infected files: 1" "$T/scan.log"
    ! grep -q '{' "$T/scan.log"
}

# ---- --sarif ---------------------------------------------------------------

@test "--sarif: infected files and an unreadable one; the run is not successful" {
    command -v setpriv >/dev/null || skip "setpriv missing"
    [ "$(id -u)" -eq 0 ] || skip "needs root to switch user"
    local u
    u=$(mktemp -d /tmp/ng-sarif.XXXXXX)
    chmod 755 "$u"
    echo secret >"$u/secret.txt"
    chmod 000 "$u/secret.txt"
    make_eicar "$u/x.com"
    make_eicar "$u/sp ace%$(printf '\xff').com"
    chmod 644 "$u"/*.com
    cp "$LAB_TCP_CONF" "$u/u.conf"
    chmod 644 "$u/u.conf"
    chmod 777 "$u"
    run setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$NG" -c "$u/u.conf" --stream --sarif="$u/out.sarif" "$u"
    [ "$status" -eq 1 ]
    [[ $output == *"$u/x.com: $EICAR_SIG FOUND"* ]]   # the normal output too
    run sarif_check "$u/out.sarif"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "successful=false results=3 rules=$EICAR_SIG,$EICAR_SIG,clamdscan-ng/scan-error" ]
    python3 - "$u/out.sarif" "$u" <<'PY'
import json, os, sys, urllib.parse
run = json.load(open(sys.argv[1]))["runs"][0]
u = os.fsencode(sys.argv[2])
def absolute(art):
    uri = art["uri"]
    if "uriBaseId" in art:
        uri = urllib.parse.urljoin(run["originalUriBaseIds"][art["uriBaseId"]]["uri"], uri)
    return urllib.parse.unquote_to_bytes(urllib.parse.urlsplit(uri).path)
uris = {absolute(r["locations"][0]["physicalLocation"]["artifactLocation"]): r["ruleId"]
    for r in run["results"]}
assert uris[u + b"/secret.txt"] == "clamdscan-ng/scan-error", uris
assert uris[u + b"/sp ace%\xff.com"].startswith("Ng.Test.EICAR"), uris
PY
    rm -rf "$u"
}

@test "--sarif on a clean tree: no results, the run is successful" {
    mkdir "$T/c"
    echo a >"$T/c/a"
    for transport in "" --stream "-m --fdpass"; do
        run -0 "$NG" -c "$LAB_CONF" $transport --sarif="$T/c.sarif" "$T/c"
        [[ $output == *"$T/c: OK"* ]]
        run sarif_check "$T/c.sarif"
        [ "$output" = "successful=true results=0 rules=" ]
    done
}

@test "--sarif with --json: both, and errors without a file are notifications" {
    run -2 "$NG" -c "$LAB_CONF" --json --sarif="$T/e.sarif" "$T/no-such-file"
    [[ $output == *'"type":"summary"'* ]]
    run sarif_check "$T/e.sarif"
    [ "$output" = "successful=false results=0 rules=" ]
    grep -q "no-such-file" "$T/e.sarif"
}

@test "--sarif to an unwritable path: a clear error, exit 2, nothing scanned" {
    run -2 "$NG" -c "$LAB_CONF" --sarif="$T/no/such/dir/x.sarif" tree/sub/deep/eicar.com
    [[ $output == *"Can't write the SARIF report $T/no/such/dir/x.sarif: No such file or directory"* ]]
    [[ $output != *FOUND* ]]
    [[ $output != *"SCAN SUMMARY"* ]]
    [ ! -e "$T/no" ]
}

@test "--sarif with no daemon: the log still ends, marked unsuccessful" {
    printf 'LocalSocket %s/none.sock\n' "$T" >"$T/none.conf"
    run -2 "$NG" -c "$T/none.conf" --sarif="$T/n.sarif" tree/clean.txt
    run sarif_check "$T/n.sarif"
    [ "$output" = "successful=false results=0 rules=" ]
}

# What GitHub's code scanning needs to place a result in the repository and
# follow it between runs (issue 15): a URI relative to a base the run names,
# a fingerprint of the content, one rule per signature ranked by
# security-severity, the exit status and the signatures used.
@test "--sarif for code scanning: relative URIs, a fingerprint that follows the file, rules per signature" {
    fake_start good --version 'ClamAV 1.4.6/27478/Tue Dec  3 09:34:50 2024'
    mkdir -p repo/a repo/b
    make_eicar repo/a/x.com
    printf 'x %s y\n' "$ALPHA_STRING" >repo/b/y.bin
    cd repo
    run -1 "$NG" -c "$FAKE_CONF" --sarif=../one.sarif .
    run sarif_check ../one.sarif
    echo "$output"
    [ "$status" -eq 0 ]
    # moved elsewhere in the tree and scanned again: same fingerprint
    mv a/x.com b/moved.com
    run -1 "$NG" -c "$FAKE_CONF" --sarif=../two.sarif b/moved.com
    run sarif_check ../two.sarif
    [ "$status" -eq 0 ]
    cd "$T"
    # --sarif-root: relative to another base; outside it, absolute
    rm repo/b/moved.com
    make_eicar repo/a/x.com
    run -1 "$NG" -c "$FAKE_CONF" --sarif=three.sarif --sarif-root=repo/b repo
    run sarif_check three.sarif
    [ "$status" -eq 0 ]
    python3 - one.sarif two.sarif three.sarif "$T" <<'PY'
import hashlib, json, sys
logs = [json.load(open(f))["runs"][0] for f in sys.argv[1:4]]
one, two, three = logs
base = one["originalUriBaseIds"]["SCANROOT"]["uri"]
assert base == "file://" + sys.argv[4] + "/repo/", base
found = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in one["results"]}
assert set(found) == {"a/x.com", "b/y.bin"}, found
for r in one["results"]:
    assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "SCANROOT"
eicar = found["a/x.com"]
moved = two["results"][0]
assert moved["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "b/moved.com"
assert eicar["partialFingerprints"] == moved["partialFingerprints"], (eicar, moved)
assert eicar["partialFingerprints"]["sha256/v1"] == hashlib.sha256(
    open(sys.argv[4] + "/repo/a/x.com", "rb").read()).hexdigest()
rules = one["tool"]["driver"]["rules"]
by_id = {r["id"]: r for r in rules}
for r in one["results"]:
    rule = rules[r["ruleIndex"]]
    assert rule["id"] == r["ruleId"], (rule, r)
    assert float(rule["properties"]["security-severity"]) >= 9.0
assert len(by_id) == len(rules)
inv = one["invocations"][0]
assert inv["exitCode"] == 1 and inv["executionSuccessful"] is True, inv
assert one["properties"]["signatureDatabaseVersion"] == 27478, one["properties"]
assert one["properties"]["clamavEngine"] == "1.4.6"
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId"):
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in three["results"]}
assert uris["SCANROOT"] == "y.bin", uris
assert uris[None].startswith("file:///") and uris[None].endswith("/repo/a/x.com"), uris
PY
}
