# shellcheck shell=bash
# callers.bash: helpers for tests/callers.bats (load it after lab).
#
# The binary the callers run is CALLER_BIN (default: $NG, the client under
# test); `CALLER_BIN=$REF bats tests/callers.bats` runs the same suite with
# the system clamdscan, which every test must pass.
#
# Three daemon situations, each with a client config and a bin directory
# holding a `clamdscan` that stands for /usr/bin/clamdscan reading
# /etc/clamav/clamd.conf (for the callers that name no config file):
#   up    the file's lab clamd                  UP_CONF    UP_BIN
#   down  a socket nobody listens on            DOWN_CONF  DOWN_BIN
#   late  a socket a clamd starts on mid-test   LATE_CONF  LATE_BIN
#         (late_up starts it, late_down stops it; teardown calls late_down)

CALLERS=$BATS_TEST_DIRNAME/callers

# callers_setup_file: the lab clamd, the configs, the wrappers, the test
# files, and the callers' packages (their failures are kept for need_dep).
callers_setup_file() {
    local ct=$BATS_FILE_TMPDIR bin
    lab_start || return 1
    bin=${CALLER_BIN:-$NG}
    if [[ $bin != */* ]]; then
        bin=$(command -v "$bin") || { echo "CALLER_BIN $bin not found" >&2; return 1; }
    fi
    [[ -x $bin ]] || { echo "CALLER_BIN $bin is not executable" >&2; return 1; }
    export CALLER_BIN=$bin

    # Unix socket paths must stay short: the late/down sockets live in /tmp.
    CALLERS_SHORT=$(mktemp -d /tmp/ngcallers.XXXXXX)
    export CALLERS_SHORT
    export LATE_DIR=$CALLERS_SHORT/late
    # shellcheck disable=SC2153 # LAB_CONF: exported by lab_start
    export UP_CONF=$LAB_CONF
    export DOWN_CONF=$ct/down.conf LATE_CONF=$ct/late.conf
    mkdir -p "$CALLERS_SHORT/down"
    printf 'LocalSocket %s\n' "$CALLERS_SHORT/down/clamd.sock" >"$DOWN_CONF"
    printf 'LocalSocket %s\n' "$LATE_DIR/clamd.sock" >"$LATE_CONF"
    local mode conf
    for mode in up down late; do
        case $mode in
        up) conf=$UP_CONF ;;
        down) conf=$DOWN_CONF ;;
        late) conf=$LATE_CONF ;;
        esac
        mkdir -p "$ct/bin-$mode"
        printf '#!/bin/sh\n# /usr/bin/clamdscan with /etc/clamav/clamd.conf = %s\nexec "%s" --config-file="%s" "$@"\n' \
            "$conf" "$CALLER_BIN" "$conf" >"$ct/bin-$mode/clamdscan"
        chmod +x "$ct/bin-$mode/clamdscan"
    done
    export UP_BIN=$ct/bin-up DOWN_BIN=$ct/bin-down LATE_BIN=$ct/bin-late

    callers_make_files "$ct" || return 1

    _callers_dep md deb mimedefang '3.3-*'
    _callers_dep amavis deb amavisd-new '1:2.13.0-*'
    _callers_dep clamassassin deb clamassassin '1.2.4-*'
    _callers_dep clamscan npm clamscan@2.4.0
    return 0
}

callers_teardown_file() {
    late_down
    lab_stop
    if [[ -n ${CALLERS_SHORT:-} && $CALLERS_SHORT == /tmp/ngcallers.* ]]; then
        rm -rf "$CALLERS_SHORT"
    fi
}

# _callers_dep KEY deps-args...: fetch now; need_dep KEY reports the outcome.
_callers_dep() {
    local key=$1 rc=0
    shift
    "$CALLERS/deps" "$@" >"$BATS_FILE_TMPDIR/dep-$key.path" 2>"$BATS_FILE_TMPDIR/dep-$key.err" || rc=$?
    echo "$rc" >"$BATS_FILE_TMPDIR/dep-$key.rc"
}

# need_dep KEY: print the dependency's path; fail the test (never skip) when
# fetching it failed, with the reason.
need_dep() {
    local key=$1
    if [[ $(<"$BATS_FILE_TMPDIR/dep-$key.rc") != 0 ]]; then
        echo "dependency $key could not be installed:" >&2
        cat "$BATS_FILE_TMPDIR/dep-$key.err" >&2
        return 1
    fi
    cat "$BATS_FILE_TMPDIR/dep-$key.path"
}

# Names with spaces, both quotes and ": " (the separator clamdscan prints
# between a file name and its verdict).
export NAME_QUOTES="it's a \"test\" file.com"
export NAME_COLON="colon: here.com"
export NAME_CLEAN="clean 'one' \"x\": y.txt"

# callers_make_files DIR: the files every caller scans.
#   files/eicar.com files/clean.txt         an infected and a clean file
#   cleandir/clean.txt                      a directory with nothing to find
#   names/                                  NAME_QUOTES and NAME_COLON
#                                           (EICAR), NAME_CLEAN (clean)
#   spool-{infected,clean,names,colon}/Work/   MIMEDefang message spools
#   amavis-{infected,clean,names,colon}/parts/ amavisd temporary directories
#       (names: NAME_QUOTES + NAME_CLEAN; colon: NAME_COLON alone, so that
#       what a caller takes from its line is deterministic)
#   mail/{infected,clean}.eml               messages, EICAR as an attachment
callers_make_files() {
    local d=$1 kind
    mkdir -p "$d/files" "$d/names" "$d/mail" "$d/cleandir"
    make_eicar "$d/files/eicar.com"
    printf 'nothing to see here\n' >"$d/files/clean.txt"
    cp "$d/files/clean.txt" "$d/cleandir/clean.txt"
    make_eicar "$d/names/$NAME_QUOTES"
    make_eicar "$d/names/$NAME_COLON"
    printf 'clean too\n' >"$d/names/$NAME_CLEAN"
    for kind in infected clean names colon; do
        mkdir -p "$d/spool-$kind/Work" "$d/amavis-$kind/parts"
    done
    # MIMEDefang writes the parts as msg-PID-N.ext; amavisd as pNNN.
    make_eicar "$d/spool-infected/Work/msg-4242-2.com"
    cp "$d/files/clean.txt" "$d/spool-infected/Work/msg-4242-1.txt"
    cp "$d/files/clean.txt" "$d/spool-clean/Work/msg-4242-1.txt"
    cp "$d/names/$NAME_QUOTES" "$d/names/$NAME_CLEAN" "$d/spool-names/Work/"
    cp "$d/names/$NAME_COLON" "$d/spool-colon/Work/"
    make_eicar "$d/amavis-infected/parts/p002"
    cp "$d/files/clean.txt" "$d/amavis-infected/parts/p001"
    cp "$d/files/clean.txt" "$d/amavis-clean/parts/p001"
    cp "$d/names/$NAME_QUOTES" "$d/names/$NAME_CLEAN" "$d/amavis-names/parts/"
    cp "$d/names/$NAME_COLON" "$d/amavis-colon/parts/"
    local b64
    b64=$(base64 -w 76 "$d/files/eicar.com")
    _mail "$b64" >"$d/mail/infected.eml"
    b64=$(base64 -w 76 "$d/files/clean.txt")
    _mail "$b64" >"$d/mail/clean.eml"
}

_mail() {
    cat <<MAIL
From: alice@example.org
To: bob@example.org
Subject: report: see the attachment
Message-ID: <callers-test@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=-=-="

--=-=-=
Content-Type: text/plain

Hello.
--=-=-=
Content-Type: application/octet-stream; name="attachment.com"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="attachment.com"

$1
--=-=-=--
MAIL
}

# ---- the late daemon ---------------------------------------------------------

late_up() {
    lab_start_n "$LATE_DIR"
}

late_down() {
    [[ -n ${LATE_DIR:-} && -d $LATE_DIR ]] || return 0
    lab_stop_n "$LATE_DIR" >/dev/null 2>&1 || true
}

# late_in_process CMD...: for callers that live on (a worker, an app): runs
# CMD GO in the background; CMD scans once (clamd down), writes GO.waiting
# and waits for GO; then clamd is started, GO created, and CMD scans again
# in the same process.  The output is left in $T/late.out; see late_block.
late_in_process() {
    local go=$T/go pid i
    rm -f "$go" "$go.waiting"
    "$@" "$go" >"$T/late.out" 2>"$T/late.err" 3>&- &
    pid=$!
    for ((i = 0; i < 600; i++)); do
        [[ -e $go.waiting ]] && break
        pid_alive "$pid" || break
        sleep 0.1
    done
    if [[ ! -e $go.waiting ]]; then
        echo "caller did not reach its first scan:" >&2
        cat "$T/late.out" "$T/late.err" >&2
        kill "$pid" 2>/dev/null
        return 1
    fi
    late_up || { kill "$pid" 2>/dev/null; return 1; }
    touch "$go"
    wait "$pid" || { echo "caller exited $?:" >&2; cat "$T/late.out" "$T/late.err" >&2; return 1; }
}

# late_block N: sets output/lines to the Nth scan's report in $T/late.out
# (blocks are separated by "---"), for bats-assert.
late_block() {
    output=$(awk -v n="$1" 'BEGIN { b = 1 } /^---$/ { b++; next } b == n' "$T/late.out")
    # shellcheck disable=SC2034 # lines: read by bats-assert
    mapfile -t lines <<<"$output"
    echo "---- scan $1 of the late caller:" >&2
    printf '%s\n' "$output" >&2
}
