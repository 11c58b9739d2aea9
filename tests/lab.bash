# shellcheck shell=bash
# lab.bash: bats helpers for the clamdscan-ng end-to-end tests.
#
# Load it from tests/*.bats with `load lab`.  It provides:
#   lab_start / lab_stop        a private clamd (scripts/lab-clamd) per file
#   fake_start / fake_start_tcp / fake_stop
#                               a misbehaving clamd (tests/fakeclamd.py)
#   make_eicar / make_tree / make_big
#                               test files, created at run time
#   clamd_raw                   speak the raw protocol to a socket
#   pid_alive                   is a process running (zombies count as gone)
#   NG, REF                     the client under test and the reference
#
# Typical use:
#   setup_file()    { load lab; lab_start; }
#   teardown_file() { load lab; lab_stop; }
#   setup()         { load lab; }
#   teardown()      { fake_stop; }
#
# Nothing here touches /etc, the system clamd or any non-loopback network.

# ---- bats-support / bats-assert -----------------------------------------

# Debian installs them in /usr/lib/bats (also the default BATS_LIB_PATH of
# bats >= 1.7); older bats lacks bats_load_library, so fall back to paths.
_lab_load_library() {
    local name=$1 dir
    if declare -F bats_load_library >/dev/null; then
        bats_load_library "$name" && return 0
    fi
    for dir in ${BATS_LIB_PATH//:/ } /usr/lib/bats /usr/local/lib/bats \
        /usr/lib/node_modules /usr/local/lib/node_modules; do
        if [[ -f $dir/$name/load.bash ]]; then
            load "$dir/$name/load.bash"
            return 0
        fi
    done
    echo "lab.bash: cannot find $name (apt-get install $name)" >&2
    return 1
}
_lab_load_library bats-support
_lab_load_library bats-assert

# ---- paths and constants --------------------------------------------------

LAB_REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
LAB_CLAMD_SCRIPT=$LAB_REPO/scripts/lab-clamd
FAKECLAMD=$LAB_REPO/tests/fakeclamd.py

# The client under test and the reference client it must match.
export NG=${NG:-$BATS_TEST_DIRNAME/../src/clamdscan-ng}
export REF=${REF:-clamdscan}

# The EICAR string is never stored whole in git, not even in this file
# (scanners with the official databases would flag the helper itself): it is
# joined here and written by make_eicar at run time.  68 bytes.
# shellcheck disable=SC2016 # literal $, not an expansion
EICAR_STRING='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-'
# shellcheck disable=SC2016
EICAR_STRING+='ANTIVIRUS-TEST-FILE!$H+H*'
# Likewise the body-signature strings, so the project's own signatures do
# not flag this file.
ALPHA_STRING=CLAMDSCAN-NG-TEST-; ALPHA_STRING+=ALPHA
BETA_STRING=CLAMDSCAN-NG-TEST-; BETA_STRING+=BETA
# Names as clamd reports them (it appends .UNOFFICIAL); used by the tests.
# shellcheck disable=SC2034
EICAR_SIG=Ng.Test.EICAR.HDB.UNOFFICIAL
# shellcheck disable=SC2034
ALPHA_SIG=Ng.Test.Alpha.UNOFFICIAL
# shellcheck disable=SC2034
BETA_SIG=Ng.Test.Beta.UNOFFICIAL

# ---- the lab clamd ----------------------------------------------------------

# lab_start: start a private clamd for this test file (call in setup_file).
# Exports LAB (its directory), LAB_CONF (client.conf: Unix socket + TCP),
# LAB_TCP_CONF (TCP only), LAB_SOCK and LAB_PORT.
lab_start() {
    local dir=$BATS_FILE_TMPDIR/lab
    # sun_path holds 108 bytes; a deep TMPDIR would not fit.
    if ((${#dir} > 90)); then
        dir=$(mktemp -d "/tmp/nglab.XXXXXX")
        export LAB_OWN_DIR=$dir
    fi
    "$LAB_CLAMD_SCRIPT" start "$dir" >/dev/null || return 1
    export LAB=$dir
    export LAB_CONF=$dir/client.conf
    export LAB_TCP_CONF=$dir/client-tcp.conf
    export LAB_SOCK=$dir/clamd.sock
    LAB_PORT=$(<"$dir/port")
    export LAB_PORT
}

# lab_stop: stop the lab clamd (call in teardown_file).
lab_stop() {
    [[ -n ${LAB:-} ]] || return 0
    "$LAB_CLAMD_SCRIPT" stop "$LAB" || return 1
    if [[ -n ${LAB_OWN_DIR:-} && $LAB_OWN_DIR == /tmp/nglab.* ]]; then
        rm -rf "$LAB_OWN_DIR"
    fi
}

# pid_alive PID: true if the process runs.  A zombie counts as gone: where
# PID 1 does not reap orphans (some containers), a stopped daemon stays a
# zombie and `kill -0` would still succeed.
pid_alive() {
    local stat
    stat=$(cat "/proc/${1:?usage: pid_alive PID}/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}

# ---- the fake clamd ---------------------------------------------------------

_FAKE_PIDS=()

# _fake_launch DIR MODE [fakeclamd args]: start fakeclamd.py in the
# background and wait (bounded) for its pidfile, the ready marker.
_fake_launch() {
    local dir=$1 mode=$2 i
    shift 2
    mkdir -p "$dir"
    rm -f "$dir/fake.pid"
    # 3>&-: bats waits for fd 3 to close before it finishes a test.
    python3 "$FAKECLAMD" --mode "$mode" --pidfile "$dir/fake.pid" \
        --log "$dir/fake.log" "$@" </dev/null >"$dir/fake.out" 2>&1 3>&- &
    FAKE_PID=$!
    _FAKE_PIDS+=("$FAKE_PID")
    for ((i = 0; i < 100; i++)); do
        [[ -s $dir/fake.pid ]] && break
        if ! kill -0 "$FAKE_PID" 2>/dev/null; then
            echo "fakeclamd exited at startup:" >&2
            cat "$dir/fake.out" >&2
            return 1
        fi
        sleep 0.1
    done
    if [[ ! -s $dir/fake.pid ]]; then
        echo "fakeclamd not ready after 10s:" >&2
        cat "$dir/fake.out" >&2
        return 1
    fi
    export FAKE_PID FAKE_DIR=$dir FAKE_LOG=$dir/fake.log
}

# fake_start MODE [fakeclamd.py options]: a fake clamd on a Unix socket in
# $BATS_TEST_TMPDIR.  Exports FAKE_SOCK, FAKE_CONF (a client config pointing
# at it), FAKE_LOG (what it received and sent), FAKE_PID, FAKE_DIR.
# Calling it again in one test starts another fake and re-points the
# variables; fake_stop stops them all.
fake_start() {
    local mode=${1:?usage: fake_start MODE [options]} dir
    shift
    dir=$BATS_TEST_TMPDIR/fake${#_FAKE_PIDS[@]}
    _fake_launch "$dir" "$mode" --unix "$dir/clamd.sock" "$@" || return 1
    export FAKE_SOCK=$dir/clamd.sock
    export FAKE_CONF=$dir/client.conf
    printf 'LocalSocket %s\nStreamMaxLength 1M\n' "$FAKE_SOCK" >"$FAKE_CONF"
}

# fake_start_tcp MODE [options]: the same on 127.0.0.1 (a free port).
# Exports FAKE_PORT and FAKE_CONF (TCPSocket/TCPAddr only).
fake_start_tcp() {
    local mode=${1:?usage: fake_start_tcp MODE [options]} dir
    shift
    dir=$BATS_TEST_TMPDIR/fake${#_FAKE_PIDS[@]}
    _fake_launch "$dir" "$mode" --tcp 0 --port-file "$dir/port" "$@" || return 1
    FAKE_PORT=$(<"$dir/port")
    export FAKE_PORT
    export FAKE_CONF=$dir/client.conf
    printf 'TCPSocket %s\nTCPAddr 127.0.0.1\nStreamMaxLength 1M\n' "$FAKE_PORT" >"$FAKE_CONF"
}

# fake_stop: stop every fake started in this test (safe to call always).
fake_stop() {
    local pid i
    for pid in "${_FAKE_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || continue
        for ((i = 0; i < 50; i++)); do
            pid_alive "$pid" || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    _FAKE_PIDS=()
}

# ---- test files ----------------------------------------------------------------

# make_eicar PATH: the 68-byte EICAR test file (no newline).
make_eicar() {
    printf '%s' "$EICAR_STRING" >"${1:?usage: make_eicar PATH}"
}

# make_tree DIR: the standard small tree.  With the lab signatures:
#   clean.txt                clean
#   empty                    clean (0 bytes)
#   emptydir/                an empty directory
#   sub/deep/eicar.com       Ng.Test.EICAR.HDB.UNOFFICIAL
#   both.bin                 Ng.Test.Alpha.UNOFFICIAL (+ Ng.Test.Beta with --allmatch)
#   "sp ace: colon.com"      Ng.Test.EICAR.HDB.UNOFFICIAL (a name with ": ")
# So a recursive scan finds 3 infected files out of 5.
make_tree() {
    local dir=${1:?usage: make_tree DIR}
    mkdir -p "$dir/sub/deep" "$dir/emptydir"
    printf 'nothing to see here\n' >"$dir/clean.txt"
    : >"$dir/empty"
    make_eicar "$dir/sub/deep/eicar.com"
    printf 'head %s middle %s tail\n' "$ALPHA_STRING" "$BETA_STRING" >"$dir/both.bin"
    make_eicar "$dir/sp ace: colon.com"
}

# make_big DIR [ALPHA_EVERY]: 400 small files in 20 subdirectories of DIR;
# every 37th is EICAR (10 in all) and, with ALPHA_EVERY, every ALPHA_EVERY-th
# of the rest carries the ALPHA body signature.
make_big() {
    local dir=${1:?usage: make_big DIR [ALPHA_EVERY]} every=${2:-0} i f
    for i in $(seq 1 400); do
        mkdir -p "$dir/d$((i % 20))"
        f=$dir/d$((i % 20))/f$i
        if [ $((i % 37)) -eq 0 ]; then
            make_eicar "$f"
        elif ((every > 0 && i % every == 0)); then
            printf 'x %s y\n' "$ALPHA_STRING" >"$f"
        else
            printf 'file %s %0*d\n' "$i" $((i % 900)) 0 >"$f"
        fi
    done
}

# ---- running the client ----------------------------------------------------------

# ng_capture ARGS: runs $NG with ARGS in the current directory; sets
# $status, $out and $err (files $T/ng.out, $T/ng.err) and prints all three
# for a failing test's log.
ng_capture() {
    status=0
    "$NG" "$@" >"$T/ng.out" 2>"$T/ng.err" || status=$?
    out=$(<"$T/ng.out")
    err=$(<"$T/ng.err")
    echo "\$ clamdscan-ng $* -> $status"
    echo "--- stdout:"
    echo "$out"
    echo "--- stderr:"
    echo "$err"
}

# ---- report validators ---------------------------------------------------------

# sarif_multitool_setup: Microsoft's SARIF validator from the npm registry
# (pinned), via tests/callers/deps; exports SARIF_MULTITOOL. Call in
# setup_file.
sarif_multitool_setup() {
    local dir
    dir=$("$LAB_REPO/tests/callers/deps" npm @microsoft/sarif-multitool@5.7.0) || return 1
    export SARIF_MULTITOOL=$dir/../../.bin/sarif-multitool
    [ -x "$SARIF_MULTITOOL" ]
}

# junit2json_setup: junit2json, a JUnit XML consumer, from the npm registry
# (pinned); exports JUNIT2JSON. Call in setup_file.
junit2json_setup() {
    local dir
    dir=$("$LAB_REPO/tests/callers/deps" npm junit2json@4.0.0) || return 1
    export JUNIT2JSON=$dir/../.bin/junit2json
    [ -x "$JUNIT2JSON" ]
}

# sarif_valid FILE: Microsoft's SARIF Multitool finds no error in it
# (schema and rules; its warnings, in validation.log, are not failed on).
sarif_valid() {
    local out=$BATS_TEST_TMPDIR/validation.sarif
    rm -f "$out"
    "$SARIF_MULTITOOL" validate "$1" -o "$out" >"$BATS_TEST_TMPDIR/validation.log" 2>&1 || {
        cat "$BATS_TEST_TMPDIR/validation.log"
        return 1
    }
    python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0].get("results", [])
errors = [r for r in results if r.get("level", "warning") == "error"]
assert not errors, [r["message"] for r in errors]
PY
}

# ---- raw protocol ---------------------------------------------------------

# clamd_raw [-t SECONDS] [-m MAXBYTES] SOCKET ITEM...
# Connect to SOCKET (a Unix socket path, or tcp:PORT on 127.0.0.1), send the
# ITEMs in order, then print what comes back until the peer closes, one
# reply record per line (NUL and newline terminators both end a line).
#   ITEM  text        sent as is; \0 \n \\ are escapes (e.g. 'zPING\0')
#         @stream:F   INSTREAM chunks with F's content, then the zero chunk
#         @fd:F       one NUL byte carrying an open descriptor of F
#         @sleep:S    pause S seconds
#         @shut       shut down the sending side
# Exit status: 0 on orderly close; 3 timeout ("<timeout>" printed, default
# 5 s); 4 reset or other socket error while reading ("<reset>",
# "<error: ...>"); 5 more than MAXBYTES received ("<maxbytes>"); 6 cannot
# connect ("<connect failed: ...>").  A failed send does not stop the
# reading; it adds "<send failed: ...>".  A trailing partial record is
# printed followed by "<partial>".
clamd_raw() {
    python3 - "$@" <<'PY'
import array, os, socket, struct, sys, time

args = sys.argv[1:]
timeout, maxbytes = 5.0, 1 << 20
while args and args[0] in ("-t", "-m"):
    if args[0] == "-t":
        timeout = float(args[1])
    else:
        maxbytes = int(args[1])
    args = args[2:]
if not args:
    sys.exit("usage: clamd_raw [-t S] [-m MAXBYTES] SOCKET ITEM...")
target, items = args[0], args[1:]

def unescape(text):
    out, i = bytearray(), 0
    raw = os.fsencode(text)
    while i < len(raw):
        if raw[i:i + 1] == b"\\" and i + 1 < len(raw):
            out += {b"0": b"\0", b"n": b"\n", b"\\": b"\\"}.get(raw[i + 1:i + 2], raw[i:i + 2])
            i += 2
        else:
            out += raw[i:i + 1]
            i += 1
    return bytes(out)

status = 0
if target.startswith("tcp:"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    addr = ("127.0.0.1", int(target[4:]))
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    addr = target
s.settimeout(timeout)
got, note, send_note = b"", "", ""
try:
    s.connect(addr)
except OSError as e:
    print("<connect failed: %s>" % (e.strerror or e))
    sys.exit(6)
try:
    for item in items:
        if item.startswith("@stream:"):
            with open(item[8:], "rb") as f:
                while True:
                    data = f.read(8192)
                    if not data:
                        break
                    s.sendall(struct.pack(">I", len(data)) + data)
            s.sendall(struct.pack(">I", 0))
        elif item.startswith("@fd:"):
            fd = os.open(item[4:], os.O_RDONLY)
            s.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
            os.close(fd)
        elif item.startswith("@sleep:"):
            time.sleep(float(item[7:]))
        elif item == "@shut":
            s.shutdown(socket.SHUT_WR)
        else:
            s.sendall(unescape(item))
except socket.timeout:
    note, status = "<timeout>", 3
except OSError as e:
    # The daemon may hang up while we send (size limit): note it, then
    # still read what it said.
    send_note = "<send failed: %s>" % e.strerror
if status == 0:
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            got += data
            if len(got) > maxbytes:
                note, status = "<maxbytes>", 5
                break
    except socket.timeout:
        note, status = "<timeout>", 3
    except ConnectionResetError:
        note, status = "<reset>", 4
    except OSError as e:
        note, status = "<error: %s>" % e.strerror, 4
s.close()
records = got.replace(b"\0", b"\n").split(b"\n")
out = sys.stdout.buffer
for rec in records[:-1]:
    out.write(rec + b"\n")
if records[-1]:
    out.write(records[-1][:200] + b"\n<partial>\n")
for n in (send_note, note):
    if n:
        out.write(n.encode() + b"\n")
sys.exit(status)
PY
}

# ---- several lab daemons (tests/multi.bats) ---------------------------------
#
# For scans spread over more than one clamd.  Each daemon is an ordinary lab
# (scripts/lab-clamd) in a directory of its own, so DIR/clamd.sock,
# DIR/port, DIR/clamd.log and DIR/clamd.pid are as lab_start's.
#   lab_start_n DIR...   start a lab clamd in each DIR (LAB_CLAMD_EXTRA applies)
#   lab_stop_n DIR...    stop them; a daemon already gone is not an error
#   lab_kill_n DIR       SIGKILL the daemon in DIR and wait (bounded) until gone
# DIR must be short enough for a Unix socket path (lab-clamd refuses longer).

lab_start_n() {
    local dir
    for dir in "$@"; do
        "$LAB_CLAMD_SCRIPT" start "$dir" >/dev/null || return 1
    done
}

lab_stop_n() {
    local dir rc=0
    for dir in "$@"; do
        [[ -d $dir ]] || continue
        "$LAB_CLAMD_SCRIPT" stop "$dir" 2>/dev/null || rc=1
    done
    return $rc
}

lab_kill_n() {
    local dir=${1:?usage: lab_kill_n DIR} pid i
    pid=$(<"$dir/clamd.pid") || return 1
    pid_alive "$pid" || return 1
    kill -KILL "$pid" || return 1
    for ((i = 0; i < 100; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.05
    done
    echo "lab_kill_n: clamd $pid in $dir still alive after SIGKILL" >&2
    return 1
}
