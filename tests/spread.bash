# spread.bash: helpers for scans spread over several daemons (multi.bats,
# pool.bats): trees whose every file is listed, and checks that each file
# was reported, and scanned, exactly once.
#
# How "exactly once" is checked without trusting the client's own counts:
#   * infected files and errors each have their own result line, so a file
#     reported twice or missing shows in the output itself;
#   * clean files of a directory target have no line of their own, so the
#     lab daemons run with "LogClean yes" and their clamd.log is read: in
#     path mode it names every file scanned, with --stream it counts them;
#     the fakes' logs name every reply they sent.

# slow_verdicts_right: $T/out.json reports every file of the slow trees
# once, the 30 infected ones as such, and no error.
slow_verdicts_right() {
    run verdicts "$T/out.json" "$TREES/slow"
    assert_success
    assert_line "infected=30"
    assert_line "errors=0"
}

# labs_dir: exports LABS, the directory for a file's lab daemons and trees,
# with paths short enough for their sockets (sun_path holds 108 bytes):
# BATS_FILE_TMPDIR when it is, else a new /tmp/ngspread.XXXXXX, which
# labs_dir_remove removes in teardown_file.
labs_dir() {
    LABS=$(cd "$BATS_FILE_TMPDIR" && pwd -P)
    if ((${#LABS} > 60)); then
        LABS=$(mktemp -d /tmp/ngspread.XXXXXX)
        export LABS_OWN_DIR=$LABS
    fi
    export LABS
}

labs_dir_remove() {
    if [[ -n ${LABS_OWN_DIR:-} && $LABS_OWN_DIR == /tmp/ngspread.* ]]; then
        rm -rf "$LABS_OWN_DIR"
    fi
}

# make_many DIR N EVERY: N small clean files in 30 subdirectories of DIR;
# every EVERY-th of them infected instead (EICAR, ALPHA and BETA in turn),
# plus one EICAR file with ": " in its name.  Lists the files in DIR.all
# and "path<TAB>signature" of the infected ones in DIR.infected.
make_many() {
    python3 - "$1" "$2" "$3" "$EICAR_STRING" "$ALPHA_STRING" "$BETA_STRING" \
        "$EICAR_SIG" "$ALPHA_SIG" "$BETA_SIG" <<'PY'
import os, sys
top, n, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bodies = [(sys.argv[4], sys.argv[7], ".com"),
          ("head %s tail\n" % sys.argv[5], sys.argv[8], ".txt"),
          ("head %s tail\n" % sys.argv[6], sys.argv[9], ".txt")]
allf, infected = [], []
for i in range(n):
    d = os.path.join(top, "d%02d" % (i % 30))
    os.makedirs(d, exist_ok=True)
    if every and i % every == 0:
        body, sig, ext = bodies[(i // every) % 3]
        p = os.path.join(d, "inf%04d%s" % (i, ext))
        infected.append((p, sig))
    else:
        body, p = "clean file %d\n" % i, os.path.join(d, "f%04d.txt" % i)
    with open(p, "w") as f:
        f.write(body)
    allf.append(p)
p = os.path.join(top, "sp ace: colon.com")
with open(p, "w") as f:
    f.write(sys.argv[4])
allf.append(p)
infected.append((p, sys.argv[7]))
with open(top + ".all", "w") as f:
    f.writelines(p + "\n" for p in sorted(allf))
with open(top + ".infected", "w") as f:
    f.writelines("%s\t%s\n" % x for x in sorted(infected))
PY
}

# make_slow DIR: DIR/clean, one random 64 KiB file hard-linked 3000 times
# in 30 subdirectories (each scanned in full: the daemons' cache is off),
# and DIR/infected, 30 infected files.  Scanned as two targets, clean
# first, the infected files are reached only if the first target was
# scanned to its end.  Lists as make_many does.
make_slow() {
    python3 - "$1" "$EICAR_STRING" "$ALPHA_STRING" "$BETA_STRING" \
        "$EICAR_SIG" "$ALPHA_SIG" "$BETA_SIG" <<'PY'
import os, sys
top = sys.argv[1]
os.makedirs(top + "/infected")
src = top + ".src"
with open(src, "wb") as f:
    f.write(os.urandom(65536))
allf, infected = [], []
for i in range(3000):
    d = "%s/clean/d%02d" % (top, i % 30)
    os.makedirs(d, exist_ok=True)
    p = "%s/f%04d" % (d, i)
    os.link(src, p)
    allf.append(p)
bodies = [(sys.argv[2], sys.argv[5]), ("x %s y\n" % sys.argv[3], sys.argv[6]),
          ("x %s y\n" % sys.argv[4], sys.argv[7])]
for i in range(30):
    body, sig = bodies[i % 3]
    p = "%s/infected/i%02d" % (top, i)
    with open(p, "w") as f:
        f.write(body)
    allf.append(p)
    infected.append((p, sig))
with open(top + ".all", "w") as f:
    f.writelines(p + "\n" for p in sorted(allf))
with open(top + ".infected", "w") as f:
    f.writelines("%s\t%s\n" % x for x in sorted(infected))
PY
}

# make_allinf DIR: 3000 hard links to one 64 KiB file with the ALPHA
# signature in it, in 30 subdirectories: every file infected, each scanned
# in full (the daemons' cache is off).
make_allinf() {
    python3 - "$1" "$ALPHA_STRING" <<'PY'
import os, sys
top, sig = sys.argv[1], sys.argv[2].encode()
data = bytearray(os.urandom(65536))
data[4096:4096 + len(sig)] = sig
os.makedirs(top)
with open(top + ".src", "wb") as f:
    f.write(data)
for i in range(3000):
    d = "%s/d%02d" % (top, i % 30)
    os.makedirs(d, exist_ok=True)
    os.link(top + ".src", "%s/f%04d" % (d, i))
PY
}

# verdicts JSON TREE: checks a --json report of the files listed in
# TREE.all / TREE.infected.  Fails, naming the problem, when a file is
# reported twice, a path outside the list is reported (other than a
# target's clean line), a file is called infected that is not (or with
# the wrong signature), an infected file is neither infected nor an error,
# or the summary disagrees with the lines.  Prints what the test asserts:
#   infected=N errors=N not_scanned=N (errors whose message starts with
#   "Not scanned: ") ok=TARGET... daemons=NAME...
# and writes JSON.clean (files neither infected nor errors: some daemon
# must have said OK for each) and JSON.errors.
verdicts() {
    python3 - "$1" "$2" <<'PY'
import json, sys
out, tree = sys.argv[1], sys.argv[2]
allf = [l.rstrip("\n") for l in open(tree + ".all")]
allset = set(allf)
expected = dict(l.rstrip("\n").split("\t") for l in open(tree + ".infected"))
problems, seen, ok_targets, summary = [], {}, [], None
for n, line in enumerate(open(out), 1):
    try:
        o = json.loads(line)
    except ValueError:
        problems.append("line %d is not JSON: %r" % (n, line[:200]))
        continue
    if summary is not None:
        problems.append("line %d after the summary: %r" % (n, line[:200]))
    if o.get("type") == "summary":
        summary = o
        continue
    p, r = o.get("path"), o.get("result")
    if o.get("type") != "file" or r not in ("clean", "infected", "error"):
        problems.append("line %d: unexpected object %r" % (n, line[:200]))
    elif p not in allset:
        if r == "clean":
            ok_targets.append(p)
        else:
            problems.append("line %d: a path not in the tree: %r" % (n, line[:200]))
    elif p in seen:
        problems.append("reported twice: %s (%s, then %s)" % (p, seen[p]["result"], r))
    else:
        seen[p] = o
infected = sorted(p for p, o in seen.items() if o["result"] == "infected")
errors = sorted(p for p, o in seen.items() if o["result"] == "error")
for p in seen:
    if seen[p]["result"] == "clean":
        problems.append("a file of a directory target has a clean line: %s" % p)
for p in infected:
    if p not in expected:
        problems.append("called infected, but it is clean: %s" % p)
    elif seen[p].get("signature") != expected[p]:
        problems.append("%s: signature %r, expected %r" % (p, seen[p].get("signature"), expected[p]))
for p in expected:
    if p not in seen:
        problems.append("infected file not reported: %s" % p)
if summary is None:
    problems.append("no summary object")
else:
    want = {"requests": len(allf), "requests_infected": len(infected),
            "requests_failed": len(errors),
            "requests_clean": len(allf) - len(infected) - len(errors),
            "infected_files": len(infected)}
    for k, v in want.items():
        if summary.get(k) != v:
            problems.append("summary %s=%r, the lines say %d" % (k, summary.get(k), v))
for p in problems[:20]:
    print("PROBLEM: " + p)
if problems:
    sys.exit(1)
with open(out + ".clean", "w") as f:
    f.writelines(p + "\n" for p in allf if p not in seen)
with open(out + ".errors", "w") as f:
    f.writelines(p + "\n" for p in errors)
print("infected=%d" % len(infected))
print("errors=%d" % len(errors))
print("not_scanned=%d" % sum(seen[p].get("error", "").startswith("Not scanned: ") for p in errors))
print("ok=" + " ".join(sorted(ok_targets)))
print("daemons=" + " ".join(summary.get("daemons") or []))
PY
}

# log_mark DIR...: later log checks of these lab daemons skip what their
# clamd.log holds now.
log_mark() {
    local dir
    for dir in "$@"; do
        wc -l <"$dir/clamd.log" >"$dir/clamd.log.mark"
    done
}

# scanned DIR: how many scan results the lab daemon in DIR logged since its
# mark (OK lines need LogClean yes).
scanned() {
    local from=0
    [[ -f $1/clamd.log.mark ]] && from=$(<"$1/clamd.log.mark")
    tail -n +$((from + 1)) "$1/clamd.log" | grep -c -E -e '-> .*: (OK|[^ ]+ FOUND)$' || true
}

# logged MODE ARG DIR...: what the lab daemons in DIR... logged since their
# marks, waited for (a daemon may log a result just after sending it) up to
# 10 s.  Prints the problem and fails when it does not hold:
#   once FILE     every path in FILE was logged exactly once over all the
#                 logs, as OK or FOUND, and no other path was (path mode)
#   ok FILE       every path in FILE was logged as OK at least once; with
#                 LOGGED_SLACK=N, up to N of them need not be
#   instream N    exactly N INSTREAM results were logged in all
logged() {
    python3 - "$@" <<'PY'
import os, re, sys, time
mode, arg, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
line_re = re.compile(r" -> (.*): (OK|\S+ FOUND)$")

def results():
    got = []
    for d in dirs:
        skip = 0
        if os.path.exists(d + "/clamd.log.mark"):
            skip = int(open(d + "/clamd.log.mark").read())
        with open(d + "/clamd.log", errors="surrogateescape") as f:
            for i, line in enumerate(f):
                m = line_re.search(line.rstrip("\n"))
                if i >= skip and m:
                    got.append((m.group(1), m.group(2)))
    return got

def problems():
    got = results()
    if mode == "instream":
        n = sum(p.startswith("instream(") for p, _ in got)
        return [] if n == int(arg) else ["%d INSTREAM results logged, expected %s" % (n, arg)]
    want = [l.rstrip("\n") for l in open(arg)]
    count, oks = {}, set()
    for p, r in got:
        count[p] = count.get(p, 0) + 1
        if r == "OK":
            oks.add(p)
    if mode == "ok":
        missing = ["never logged as OK: " + p for p in want if p not in oks]
        return missing if len(missing) > int(os.environ.get("LOGGED_SLACK", "0")) else []
    bad = ["logged %d times: %s" % (count.get(p, 0), p) for p in want if count.get(p, 0) != 1]
    wanted = set(want)
    return bad + ["logged, not in the list: " + p for p in count if p not in wanted]

deadline = time.time() + 10
while True:
    found = problems()
    if not found or time.time() > deadline:
        break
    time.sleep(0.1)
for p in found[:20]:
    print(p)
if len(found) > 20:
    print("... %d problems in all" % len(found))
sys.exit(1 if found else 0)
PY
}

# answered LIST LOG...: every path in LIST got exactly one reply over the
# fakes' logs, and no other path got one.
answered() {
    python3 - "$@" <<'PY'
import re, sys
want = [l.rstrip("\n") for l in open(sys.argv[1])]
reply = re.compile(r"^\S+ c\d+ > \d+: (.*): (OK|\S+ FOUND)$")
count = {}
for log in sys.argv[2:]:
    for line in open(log, errors="surrogateescape"):
        m = reply.match(line.rstrip("\n"))
        if m:
            count[m.group(1)] = count.get(m.group(1), 0) + 1
bad = ["%d replies for %s" % (count.get(p, 0), p) for p in want if count.get(p, 0) != 1]
bad += ["a reply for %s, not in the list" % p for p in count if p not in set(want)]
for b in bad[:20]:
    print(b)
sys.exit(1 if bad else 0)
PY
}

# bg_scan OUT ERR ARGS...: the client in the background (bounded by an
# outer timeout), stdout to OUT, stderr to ERR; its pid in SCAN_PID.
bg_scan() {
    local out=$1 err=$2
    shift 2
    # 3>&-: bats waits for fd 3 to close before it finishes a test.
    timeout 120 "$NG" "$@" >"$out" 2>"$err" 3>&- &
    SCAN_PID=$!
}

# bg_wait ERR: waits for the scan bg_scan started, shows its stderr (ERR)
# and leaves its exit status in SCAN_STATUS.
bg_wait() {
    SCAN_STATUS=0
    wait "$SCAN_PID" || SCAN_STATUS=$?
    SCAN_PID=
    cat "$1"
}

# wait_scanned DIR N: until the lab daemon in DIR logged N results since its
# mark.  Fails if the scan ended first (it was too fast to be stopped part
# way: the test would prove nothing) or after 60 s.
wait_scanned() {
    local i
    for ((i = 0; i < 1200; i++)); do
        (($(scanned "$1") >= $2)) && return 0
        if ! pid_alive "$SCAN_PID"; then
            echo "the scan ended before $1 scanned $2 files" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "$1 did not scan $2 files in 60 s" >&2
    return 1
}

