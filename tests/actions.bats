#!/usr/bin/env bats
# Quarantine actions end to end: --move=DIR, --copy=DIR and --remove act on
# exactly the file that was scanned (never on a path a daemon sends back,
# never through a planted symlink, never overwriting), and otherwise match
# the system clamdscan on the lab clamd.
#
# Some tests switch to the unprivileged user nobody (setpriv) and skip when
# not run as root; some mount a small tmpfs (root only, skipped otherwise);
# one preloads tests/enospc_shim.c, compiled here when a C compiler exists.

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
    # The ENOSPC fault-injection shim (see tests/enospc_shim.c).
    if command -v cc >/dev/null 2>&1; then
        cc -shared -fPIC -o "$BATS_FILE_TMPDIR/enospc_shim.so" \
            "$BATS_TEST_DIRNAME/enospc_shim.c" -ldl 2>"$BATS_FILE_TMPDIR/shim.err" || true
    fi
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    PUB_DIRS=()
    MOUNTS=()
    cd "$T" || return 1
}

teardown() {
    fake_stop
    local m d
    for m in "${MOUNTS[@]}"; do
        mountpoint -q "$m" && umount "$m"
    done
    for d in "${PUB_DIRS[@]}"; do
        # only what this file created
        case $d in /tmp/ng-actions.* | /dev/shm/ng-actions.*) rm -rf "$d" ;; esac
    done
}

# ---- helpers -------------------------------------------------------------------

# Drops the lines whose values are times: they differ run to run.
untimed() {
    grep -v -E '^(Time|Start Date|End Date):' || true
}

# ngrun ARGS...: runs the client; sets status, out (stdout) and err (stderr).
ngrun() {
    status=0
    "$NG" "$@" >"$T/ng.out" 2>"$T/ng.err" || status=$?
    out=$(<"$T/ng.out")
    err=$(<"$T/ng.err")
}

# show: what the last ngrun printed (for a failing test's log).
show() {
    echo "exit status: $status"
    echo "--- stdout:"
    echo "$out"
    echo "--- stderr:"
    echo "$err"
}

# sum FILE: the content checksum of FILE.
sum() {
    md5sum <"$1" | cut -c1-32
}

# make_alpha PATH [PAD]: a file matching Ng.Test.Alpha (a body signature,
# found anywhere), after PAD bytes of padding (default none).
make_alpha() {
    local path=${1:?} pad=${2:-0}
    {
        head -c "$pad" /dev/zero | tr '\0' a
        printf 'alpha %s\n' "$ALPHA_STRING"
    } >"$path"
}

# need_nobody: skip unless we can run commands as the user nobody.
need_nobody() {
    command -v setpriv >/dev/null || skip "setpriv missing"
    [ "$(id -u)" -eq 0 ] || skip "needs root to switch to the user nobody"
    id nobody >/dev/null 2>&1 || skip "no user nobody"
    NOBODY_GID=$(id -g nobody)
    AS_NOBODY=(setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups)
    "${AS_NOBODY[@]}" test -x "$NG" || skip "$NG is not executable by nobody"
}

# pub_dir VAR: a fresh directory under /tmp that nobody can reach (the bats
# temporary directories are private), with a TCP client config for the lab
# clamd in it (VAR/tcp.conf); removed in teardown.
pub_dir() {
    local d
    d=$(mktemp -d /tmp/ng-actions.XXXXXX)
    PUB_DIRS+=("$d")
    chmod 755 "$d"
    cp "$LAB_TCP_CONF" "$d/tcp.conf"
    chmod 644 "$d/tcp.conf"
    printf -v "$1" '%s' "$d"
}

# ngrun_nobody DIR ARGS...: ngrun as the user nobody, from DIR.
ngrun_nobody() {
    local dir=$1
    shift
    status=0
    (cd "$dir" && "${AS_NOBODY[@]}" "$NG" "$@") >"$T/ng.out" 2>"$T/ng.err" || status=$?
    out=$(<"$T/ng.out")
    err=$(<"$T/ng.err")
}

# shm_dir VAR: a fresh directory in /dev/shm; skips unless it is on another
# filesystem than $BATS_TEST_TMPDIR (a move there must copy). Removed in
# teardown.
shm_dir() {
    if [ ! -d /dev/shm ] || [ ! -w /dev/shm ]; then
        skip "no writable /dev/shm"
    fi
    local d
    d=$(mktemp -d /dev/shm/ng-actions.XXXXXX)
    PUB_DIRS+=("$d")
    chmod 755 "$d"
    if [ "$(stat -c %d "$d")" = "$(stat -c %d "$T")" ]; then
        skip "/dev/shm ($(stat -f -c %T "$d")) is on the same filesystem as $T ($(stat -f -c %T "$T")): no move across filesystems"
    fi
    printf -v "$1" '%s' "$d"
}

# snapshot [--no-mode] DIR...: every entry below the DIRs (relative to $T),
# sorted: directories, symlinks with their target, files with permission
# bits (unless --no-mode) and content checksum.
snapshot() {
    local mode=1 entry
    if [ "$1" = --no-mode ]; then
        mode=0
        shift
    fi
    (
        cd "$T" || exit 1
        while IFS= read -r entry; do
            if [ -L "$entry" ]; then
                echo "$entry -> $(readlink "$entry")"
            elif [ -d "$entry" ]; then
                echo "$entry/"
            elif ((mode)); then
                echo "$entry $(stat -c %a "$entry") $(sum "$entry")"
            else
                echo "$entry $(sum "$entry")"
            fi
        done < <(find "$@" | LC_ALL=C sort)
    )
}

# ---- 1. the race, made certain --------------------------------------------------

# race_check ACTION: after one run against the swapping fake daemon, the
# decoy must be exactly as it was and nothing of it in the quarantine.
race_check() {
    local action=$1 f bad=0
    if [ ! -L "$T/t/victim" ] || [ ! -d "$T/t/victim.swapped" ]; then
        echo "the fake daemon did not swap the directory (test setup broken)"
        bad=1
    fi
    if [ "$(cat "$T/decoy/x.com" 2>/dev/null)" != "$DECOY_TEXT" ] ||
        [ "$(stat -c %i "$T/decoy/x.com" 2>/dev/null)" != "$DECOY_INO" ]; then
        echo "the decoy file was touched: $(ls -li "$T/decoy" 2>&1)"
        bad=1
    fi
    if [ "$(ls -A "$T/decoy")" != x.com ]; then
        echo "something was created in the decoy directory: $(ls -A "$T/decoy")"
        bad=1
    fi
    for f in "$T"/q/* "$T"/q/.[!.]*; do
        [ -e "$f" ] || continue
        if grep -qF "$DECOY_TEXT" "$f"; then
            echo "decoy content landed in the quarantine: $f"
            bad=1
        fi
    done
    if [ "$status" -ne 1 ]; then
        echo "exit status $status, expected 1"
        bad=1
    fi
    # Acting on the scanned file (now in the renamed-aside directory) is right.
    case $action in
    remove)
        if [ -e "$T/t/victim.swapped/x.com" ]; then
            echo "the scanned file was not removed"
            bad=1
        fi
        ;;
    move)
        if [ -e "$T/t/victim.swapped/x.com" ] || [ "$(cat "$T/q/x.com" 2>/dev/null)" != "$EICAR_STRING" ]; then
            echo "the scanned file was not moved into the quarantine"
            bad=1
        fi
        ;;
    copy)
        if [ ! -f "$T/t/victim.swapped/x.com" ] || [ "$(cat "$T/q/x.com" 2>/dev/null)" != "$EICAR_STRING" ]; then
            echo "the scanned file was not copied into the quarantine"
            bad=1
        fi
        ;;
    esac
    return "$bad"
}

@test "race: the directory swapped for a symlink to a decoy after the scan; the decoy is never touched" {
    mkdir -p "$T/decoy"
    DECOY_TEXT="decoy: not scanned, must stay as it is"
    printf '%s\n' "$DECOY_TEXT" >"$T/decoy/x.com"
    DECOY_INO=$(stat -c %i "$T/decoy/x.com")
    # FILDES/INSTREAM: the fake swaps the parent of --swap-target
    fake_start good --swap-dir-on-request --decoy "$T/decoy" --swap-target "$T/t/victim/x.com"
    local target transport action fails=0 args
    for target in "$T/t" "$T/t/victim/x.com"; do
        for transport in "" --stream --fdpass "-m --stream" "-m --fdpass"; do
            for action in remove move copy; do
                rm -rf "$T/t" "$T/q"
                mkdir -p "$T/t/victim" "$T/q"
                make_eicar "$T/t/victim/x.com"
                # shellcheck disable=SC2206 # split "-m --stream" on purpose
                args=(-c "$FAKE_CONF" $transport)
                if [ "$action" = remove ]; then args+=(--remove); else args+=("--$action=$T/q"); fi
                ngrun "${args[@]}" "$target"
                if ! race_check "$action"; then
                    echo "^^^ with: ${args[*]} $target"
                    show
                    echo
                    fails=$((fails + 1))
                fi
            done
        done
    done
    [ "$fails" -eq 0 ]
}

# ---- 2. a daemon naming a file outside the scan ---------------------------------

@test "a daemon answering FOUND for a path outside the scan: nothing outside is touched" {
    need_nobody
    local p before_passwd
    pub_dir p
    # as nobody, so that a client acting on "/etc/passwd" could not harm it;
    # it would still show as a "Can't move/remove" or "Not moved" line
    mkdir -p "$p/t/sub" "$p/q" "$p/elsewhere"
    make_eicar "$p/t/sub/x.com"
    make_eicar "$p/elsewhere/sentinel.com"
    chown -R nobody "$p/t" "$p/q" "$p/elsewhere"
    before_passwd=$(sum /etc/passwd)
    # a fake on a Unix socket nobody may use (fake_start's dir is private)
    _fake_launch "$p/fake" found_elsewhere --misbehave-on scan --unix "$p/fake/clamd.sock"
    chmod 755 "$p/fake"
    chmod 666 "$p/fake/clamd.sock"
    printf 'LocalSocket %s\n' "$p/fake/clamd.sock" >"$p/fake.conf"
    chmod 644 "$p/fake.conf"
    local tree_before transport action args fails=0
    tree_before=$(snapshot "$p/t" "$p/elsewhere")
    for transport in "" --stream --fdpass; do
        for action in move remove copy; do
            # shellcheck disable=SC2206
            args=(-c "$p/fake.conf" $transport)
            if [ "$action" = remove ]; then args+=(--remove); else args+=("--$action=$p/q"); fi
            ngrun_nobody "$p" "${args[@]}" "$p/t"
            if [ "$status" -eq 0 ] || [ "$status" -eq 1 ] ||
                [[ "$out$err" == *"moved to"* || "$out$err" == *"copied to"* || "$out$err" == *"Removed."* ]] ||
                [[ "$out$err" == *"Not moved"* || "$out$err" == *"Not removed"* ]] ||
                [[ "$out$err" == *"Can't move"* || "$out$err" == *"Can't remove"* || "$out$err" == *"Can't copy"* ]] ||
                [ "$(snapshot "$p/t" "$p/elsewhere")" != "$tree_before" ] ||
                [ -n "$(ls -A "$p/q")" ] || [ "$(sum /etc/passwd)" != "$before_passwd" ]; then
                echo "^^^ with: ${args[*]} $p/t (expected exit 2, no action, nothing changed)"
                show
                ls -la "$p/q" "$p/t/sub" "$p/elsewhere"
                fails=$((fails + 1))
            fi
        done
    done
    [ "$fails" -eq 0 ]
}

# ---- 3. move across filesystems ------------------------------------------------

@test "--move across filesystems: same content, mode, times and owner; original gone" {
    local q transport owner=""
    shm_dir q
    if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
        owner=nobody
    fi
    for transport in "" --stream; do
        rm -rf "$T/t" "${q:?}"/*
        mkdir -p "$T/t/sub"
        make_eicar "$T/t/sub/x.com"
        chmod 640 "$T/t/sub/x.com"
        touch -d '2001-02-03 04:05:06' "$T/t/sub/x.com"
        [ -z "$owner" ] || chown "$owner" "$T/t/sub/x.com"
        ngrun -c "$LAB_CONF" $transport --move="$q" "$T/t"
        show
        [ "$status" -eq 1 ]
        [[ $out == *"$T/t/sub/x.com: $EICAR_SIG FOUND"* ]]
        [[ $out == *"$T/t/sub/x.com: moved to '$q/x.com'"* ]]
        [ ! -e "$T/t/sub/x.com" ]
        [ "$(cat "$q/x.com")" = "$EICAR_STRING" ]
        [ "$(stat -c %a "$q/x.com")" = 640 ]
        [ "$(stat -c %Y "$q/x.com")" = "$(date -d '2001-02-03 04:05:06' +%s)" ]
        [ -z "$owner" ] || [ "$(stat -c %U "$q/x.com")" = "$owner" ]
        # no private removal directory left behind
        [ -z "$(ls -A "$T/t/sub")" ]
        [ "$(ls -A "$q")" = x.com ]
    done
}

@test "--copy keeps permission bits, times and (as root) owner; the original stays" {
    mkdir -p "$T/t" "$T/q"
    make_eicar "$T/t/x.com"
    chmod 604 "$T/t/x.com"
    touch -d '2002-03-04 05:06:07' "$T/t/x.com"
    local owner=""
    if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
        chown nobody "$T/t/x.com"
        owner=nobody
    fi
    ngrun -c "$LAB_CONF" --copy="$T/q" "$T/t"
    show
    [ "$status" -eq 1 ]
    [[ $out == *"$T/t/x.com: copied to '$T/q/x.com'"* ]]
    [ "$(cat "$T/t/x.com")" = "$EICAR_STRING" ]
    [ "$(cat "$T/q/x.com")" = "$EICAR_STRING" ]
    [ "$(stat -c %a "$T/q/x.com")" = 604 ]
    [ "$(stat -c %Y "$T/q/x.com")" = "$(stat -c %Y "$T/t/x.com")" ]
    [ -z "$owner" ] || [ "$(stat -c %U "$T/q/x.com")" = "$owner" ]
    [ "$(stat -c %i "$T/q/x.com")" != "$(stat -c %i "$T/t/x.com")" ]
}

# ---- 4. a full quarantine filesystem ---------------------------------------------

@test "--move into a full filesystem (a 64k tmpfs): original intact, no partial file, Not moved: 1" {
    [ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root (see the ENOSPC shim test)"
    local m=$T/full
    mkdir "$m"
    mount -t tmpfs -o size=64k,mode=755 tmpfs "$m" 2>"$T/mount.err" ||
        skip "cannot mount a tmpfs here: $(cat "$T/mount.err") (see the ENOSPC shim test)"
    MOUNTS+=("$m")
    # 40k of 64k used: the infected 100k file cannot fit, part of it can
    head -c 40960 /dev/zero >"$m/filler"
    mkdir -p "$T/t"
    make_alpha "$T/t/big.bin" 102400
    local before
    before=$(sum "$T/t/big.bin")
    ngrun -c "$LAB_CONF" --move="$m" "$T/t"
    show
    ls -la "$m"
    [ "$status" -eq 1 ]
    [[ $out == *"$T/t/big.bin: $ALPHA_SIG FOUND"* ]]
    [[ $out != *"moved to"* ]]
    [[ $out == *"Not moved: 1"* ]]
    [[ $err == *"$T/t/big.bin"* ]]
    [[ $err == *"No space left on device"* ]]
    [ "$(sum "$T/t/big.bin")" = "$before" ]
    [ "$(ls -A "$m")" = filler ]
    [ "$(ls -A "$T/t")" = big.bin ]
}

@test "writes into the quarantine failing with ENOSPC part way (LD_PRELOAD shim): no partial file, original intact" {
    local shim=$BATS_FILE_TMPDIR/enospc_shim.so
    command -v cc >/dev/null 2>&1 || skip "no C compiler to build tests/enospc_shim.c"
    [ -f "$shim" ] || skip "tests/enospc_shim.c did not build: $(cat "$BATS_FILE_TMPDIR/shim.err")"
    mkdir -p "$T/t" "$T/q"
    make_alpha "$T/t/big.bin" 204800
    local before qreal
    # the sanitizer build's runtime wants to be first in the preload list;
    # put after the shim it still intercepts what the shim passes on
    [ -z "${NG_SANITIZED:-}" ] || export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    before=$(sum "$T/t/big.bin")
    qreal=$(realpath "$T/q")
    # --copy on the same filesystem: 100000 bytes go through (more than one
    # 64k write), then ENOSPC
    ENOSPC_SHIM_DIR=$qreal ENOSPC_SHIM_AFTER=100000 LD_PRELOAD=$shim \
        ngrun -c "$LAB_CONF" --copy="$T/q" "$T/t"
    show
    [ "$status" -eq 1 ]
    [[ $err == *"No space left on device"* ]] # the shim did act
    [[ $out != *"copied to"* ]]
    [[ $out == *"Not moved: 1"* ]]
    [ -z "$(ls -A "$T/q")" ]
    [ "$(sum "$T/t/big.bin")" = "$before" ]
    # --move across filesystems goes through the same copy
    local q
    shm_dir q
    qreal=$(realpath "$q")
    ENOSPC_SHIM_DIR=$qreal ENOSPC_SHIM_AFTER=100000 LD_PRELOAD=$shim \
        ngrun -c "$LAB_CONF" --move="$q" "$T/t"
    show
    [ "$status" -eq 1 ]
    [[ $err == *"No space left on device"* ]]
    [[ $out != *"moved to"* ]]
    [[ $out == *"Not moved: 1"* ]]
    [ -z "$(ls -A "$q")" ]
    [ "$(sum "$T/t/big.bin")" = "$before" ]
    [ "$(ls -A "$T/t")" = big.bin ]
}

# ---- 5. name collisions and planted symlinks ------------------------------------

# collisions Q ACTION: the collision scenario into quarantine Q.
collisions() {
    local q=$1 action=$2
    rm -rf "$T/t" "$T/outside"
    mkdir -p "$T/t/a" "$T/t/b" "$T/outside"
    make_eicar "$T/t/a/x.com"
    make_alpha "$T/t/b/x.com"
    make_eicar "$T/t/y.com"
    make_eicar "$T/t/z.com"
    printf 'precious\n' >"$q/x.com"
    printf 'target outside\n' >"$T/outside/target"
    ln -s "$T/outside/target" "$q/y.com"       # a planted symlink to a file
    ln -s "$T/outside/created" "$q/z.com"      # a dangling one: must not be created
    ngrun -c "$LAB_CONF" "--$action=$q" "$T/t"
    show
    ls -la "$q" "$T/outside"
    [ "$status" -eq 1 ]
    # nothing overwritten, no link followed
    [ "$(cat "$q/x.com")" = precious ]
    [ "$(cat "$T/outside/target")" = "target outside" ]
    [ "$(ls -A "$T/outside")" = target ]
    [ "$(readlink "$q/y.com")" = "$T/outside/target" ]
    [ "$(readlink "$q/z.com")" = "$T/outside/created" ]
    # the two x.com in .001 and .002 (in walk order), the others beside the links
    [ "$(printf '%s\n' "$(cat "$q/x.com.001")" "$(cat "$q/x.com.002")" | sort)" = \
        "$(printf '%s\n' "$EICAR_STRING" "alpha $ALPHA_STRING" | sort)" ]
    [ ! -e "$q/x.com.003" ]
    [ "$(cat "$q/y.com.001")" = "$EICAR_STRING" ]
    [ "$(cat "$q/z.com.001")" = "$EICAR_STRING" ]
    [ "$(ls -A "$q" | wc -l)" -eq 7 ]
    local verb=moved
    [ "$action" = move ] || verb=copied
    [[ $out == *"$T/t/y.com: $verb to '$q/y.com.001'"* ]]
    [[ $out == *"$T/t/z.com: $verb to '$q/z.com.001'"* ]]
    [[ $out == *"x.com: $verb to '$q/x.com.001'"* ]]
    [[ $out == *"x.com: $verb to '$q/x.com.002'"* ]]
    if [ "$action" = move ]; then
        [ -z "$(find "$T/t" -type f)" ]
    else
        [ "$(find "$T/t" -type f | wc -l)" -eq 4 ]
    fi
}

@test "name collisions: NAME.001, NAME.002; nothing overwritten, planted symlinks not followed (--move)" {
    mkdir "$T/q"
    collisions "$T/q" move
}

@test "name collisions: NAME.001, NAME.002; nothing overwritten, planted symlinks not followed (--copy)" {
    mkdir "$T/q"
    collisions "$T/q" copy
}

@test "name collisions: NAME.001, NAME.002; nothing overwritten, planted symlinks not followed (--move across filesystems)" {
    local q
    shm_dir q
    collisions "$q" move
}

@test "all of NAME .. NAME.999 taken: not moved, not copied, nothing overwritten" {
    mkdir -p "$T/t" "$T/q"
    make_eicar "$T/t/x.com"
    : >"$T/q/x.com"
    for ((i = 1; i <= 999; i++)); do : >"$T/q/x.com.$(printf %03d "$i")"; done
    for action in move copy; do
        ngrun -c "$LAB_CONF" "--$action=$T/q" "$T/t"
        show
        [ "$status" -eq 1 ]
        [[ $out == *"Not moved: 1"* ]]
        [[ $err == *"$T/t/x.com"* ]]
        [ "$(cat "$T/t/x.com")" = "$EICAR_STRING" ]
        [ "$(ls -A "$T/q" | wc -l)" -eq 1000 ]
        [ -z "$(find "$T/q" -type f -size +0)" ]
    done
}

@test "-m --fdpass --move with 40 same-named files (more than the 16 in flight): all moved, unique names" {
    local i
    for ((i = 0; i < 40; i++)); do
        mkdir -p "$T/t/d$i"
        if ((i % 2)); then make_eicar "$T/t/d$i/x.com"; else make_alpha "$T/t/d$i/x.com" "$i"; fi
    done
    mkdir "$T/q"
    ngrun -c "$LAB_CONF" -m --fdpass --move="$T/q" "$T/t"
    [ "$status" -eq 1 ] || { show; false; }
    [ "$(grep -c ': moved to ' <<<"$out")" -eq 40 ]
    [ -z "$(find "$T/t" -type f)" ]
    [ "$(ls -A "$T/q" | wc -l)" -eq 40 ]
    [ -f "$T/q/x.com" ] && [ -f "$T/q/x.com.039" ] && [ ! -e "$T/q/x.com.040" ]
    # 20 distinct ALPHA files and 20 identical EICAR ones: all arrived
    local f
    [ "$(for f in "$T"/q/*; do sum "$f"; done | sort -u | wc -l)" -eq 21 ]
    [ "$(for f in "$T"/q/*; do cat "$f"; echo; done | grep -c -x -F "$EICAR_STRING")" -eq 20 ]
}

# ---- 6. quarantine directory problems -------------------------------------------

# refused Q_ARG WHAT: with --move/--copy into Q_ARG the scan is refused
# before anything is scanned: exit 2, the directory named, no FOUND line,
# the infected file still there.
refused() {
    local qarg=$1 what=$2 action
    for action in move copy; do
        ngrun -c "$LAB_CONF" "--$action=$qarg" "$T/t"
        if [ "$status" -ne 2 ] || [[ $err != *"$qarg"* ]] || [[ $out == *FOUND* ]] ||
            [[ $out == *"SCAN SUMMARY"* ]] || [ "$(cat "$T/t/x.com" 2>/dev/null)" != "$EICAR_STRING" ]; then
            echo "^^^ quarantine $what ($qarg), --$action: expected exit 2 naming it, nothing scanned"
            show
            return 1
        fi
    done
}

@test "a missing quarantine directory: exit 2, named, nothing scanned" {
    mkdir -p "$T/t"
    make_eicar "$T/t/x.com"
    refused "$T/missing" missing
    [ ! -e "$T/missing" ]
}

@test "a quarantine that is a regular file: exit 2, named, nothing scanned" {
    mkdir -p "$T/t"
    make_eicar "$T/t/x.com"
    echo "not a directory" >"$T/qfile"
    refused "$T/qfile" "a regular file"
    [ "$(cat "$T/qfile")" = "not a directory" ]
    ngrun -c "$LAB_CONF" --copy="$T/qfile" "$T/t"
    [[ $err == *"$T/qfile: is not a directory"* ]]
}

@test "a quarantine that is a symlink to a directory (with and without a trailing slash): exit 2, nothing scanned" {
    mkdir -p "$T/t" "$T/real-q"
    make_eicar "$T/t/x.com"
    ln -s "$T/real-q" "$T/qlink"
    refused "$T/qlink" "a symlink"
    refused "$T/qlink/" "a symlink with a trailing slash"
    refused "$T/qlink//" "a symlink with two trailing slashes"
    [ -z "$(ls -A "$T/real-q")" ]
    # and it says why
    ngrun -c "$LAB_CONF" --move="$T/qlink" "$T/t"
    [[ $err == *"$T/qlink: is a symbolic link"* ]]
}

@test "a read-only quarantine directory (as nobody): exit 2, named, nothing scanned" {
    need_nobody
    local p action
    pub_dir p
    mkdir -p "$p/t" "$p/q"
    make_eicar "$p/t/x.com"
    chmod 644 "$p/t/x.com"
    chown nobody "$p/t" "$p/t/x.com" "$p/q"
    chmod 555 "$p/q"
    for action in move copy; do
        ngrun_nobody "$p" -c "$p/tcp.conf" "--$action=$p/q" "$p/t"
        show
        [ "$status" -eq 2 ]
        [[ $err == *"$p/q"* ]]
        [[ $out != *FOUND* ]]
        [ "$(cat "$p/t/x.com")" = "$EICAR_STRING" ]
        [ -z "$(ls -A "$p/q")" ]
    done
    # the same user can scan that file when the quarantine is writable:
    # the refusal above was the quarantine's doing
    chmod 755 "$p/q"
    ngrun_nobody "$p" -c "$p/tcp.conf" --copy="$p/q" "$p/t"
    show
    [ "$status" -eq 1 ]
    [[ $out == *"$p/t/x.com: copied to '$p/q/x.com'"* ]]
}

# ---- 7. side by side with clamdscan ----------------------------------------------

# side_by_side ACTION [TRANSPORT]: clamdscan then clamdscan-ng, each on a
# fresh copy of the same small tree at the same paths: same stdout (timing
# aside), exit status, tree left, and quarantine names and contents (and
# modes, except for --copy: clamdscan makes copies 0600 by design).
side_by_side() {
    local action=$1 transport=${2:-} who prog st qmode=
    [ "$action" = copy ] && qmode=--no-mode
    for who in ref ng; do
        rm -rf "$T/t" "$T/q"
        mkdir -p "$T/t/a" "$T/t/b" "$T/q"
        # both walk siblings in inode order, and a recreated tree may reuse
        # freed inodes in any order: give both runs a before b
        if [ "$(stat -c %i "$T/t/a")" -gt "$(stat -c %i "$T/t/b")" ]; then
            mv "$T/t/a" "$T/t/tmp" && mv "$T/t/b" "$T/t/a" && mv "$T/t/tmp" "$T/t/b"
        fi
        make_eicar "$T/t/a/x.com"
        make_alpha "$T/t/b/x.com"
        chmod 640 "$T/t/b/x.com"
        printf 'clean\n' >"$T/t/clean.txt"
        prog=$NG
        [ "$who" = ref ] && prog=$REF
        local args=(-c "$LAB_CONF")
        [ -z "$transport" ] || args+=("$transport")
        if [ "$action" = remove ]; then args+=(--remove); else args+=("--$action=$T/q"); fi
        st=0
        "$prog" "${args[@]}" "$T/t" >"$T/$who.out" 2>"$T/$who.err" || st=$?
        echo "exit $st" >>"$T/$who.out"
        untimed <"$T/$who.out" >"$T/$who.cmp"
        snapshot t >"$T/$who.tree"
        snapshot $qmode q >"$T/$who.q"
    done
    local bad=0
    diff -u "$T/ref.cmp" "$T/ng.cmp" || bad=1
    diff -u "$T/ref.tree" "$T/ng.tree" || bad=1
    diff -u "$T/ref.q" "$T/ng.q" || bad=1
    if ((bad)); then
        echo "^^^ differences (clamdscan: -, clamdscan-ng: +) for --$action $transport"
        echo "clamdscan-ng stderr:"
        cat "$T/ng.err"
        return 1
    fi
    grep -q '^exit 1$' "$T/ng.out"
}

@test "side by side with clamdscan: --move" {
    side_by_side move
    grep -q "moved to '$T/q/x.com.001'" "$T/ng.out"
    side_by_side move --stream
    side_by_side move --fdpass
}

@test "side by side with clamdscan: --copy (content compared, not mode)" {
    side_by_side copy
    grep -q "copied to '$T/q/x.com.001'" "$T/ng.out"
    side_by_side copy --stream
    side_by_side copy --fdpass
}

@test "side by side with clamdscan: --remove" {
    side_by_side remove
    [ "$(grep -c ': Removed\.$' "$T/ng.out")" -eq 2 ]
    side_by_side remove --stream
    side_by_side remove --fdpass
}

# ---- 8. failures to act, and -z ----------------------------------------------------

@test "--remove in a directory nobody may write (as nobody): the file stays, Not removed: 1" {
    need_nobody
    local p
    pub_dir p
    mkdir -p "$p/t/ro"
    make_eicar "$p/t/ro/x.com"
    chmod 644 "$p/t/ro/x.com"
    chmod 555 "$p/t/ro"
    ngrun_nobody "$p" -c "$p/tcp.conf" --remove "$p/t"
    show
    [ "$status" -eq 1 ]
    [[ $out == *"$p/t/ro/x.com: $EICAR_SIG FOUND"* ]]
    [[ $out != *"Removed."* ]]
    [[ $out == *"Not removed: 1"* ]]
    [[ $err == *"$p/t/ro/x.com"* ]]
    [ "$(cat "$p/t/ro/x.com")" = "$EICAR_STRING" ]
    [ "$(ls -A "$p/t/ro")" = x.com ]
}

@test "--move out of a directory nobody may write (as nobody): the file stays, no copy left, Not moved: 1" {
    need_nobody
    local p q where
    pub_dir p
    mkdir -p "$p/t/ro" "$p/q"
    make_eicar "$p/t/ro/x.com"
    chmod 644 "$p/t/ro/x.com"
    chmod 555 "$p/t/ro"
    chown nobody "$p/q"
    for where in same other; do
        q=$p/q
        if [ "$where" = other ]; then
            shm_dir q
            chown nobody "$q"
        fi
        ngrun_nobody "$p" -c "$p/tcp.conf" --move="$q" "$p/t"
        show
        [ "$status" -eq 1 ]
        [[ $out != *"moved to"* ]]
        [[ $out == *"Not moved: 1"* ]]
        [[ $err == *"$p/t/ro/x.com"* ]]
        [ "$(cat "$p/t/ro/x.com")" = "$EICAR_STRING" ]
        [ "$(ls -A "$p/t/ro")" = x.com ]
        [ -z "$(ls -A "$q")" ] # across filesystems: the copy was taken back
    done
}

@test "-z with --move: clamdscan's warning, and the file is still moved" {
    mkdir -p "$T/t" "$T/q"
    printf 'head %s middle %s tail\n' "$ALPHA_STRING" "$BETA_STRING" >"$T/t/both.bin"
    ngrun -c "$LAB_CONF" -z --move="$T/q" "$T/t"
    show
    [ "$status" -eq 1 ]
    [[ $err == *"--allmatch is ignored when quarantine actions are enabled."* ]]
    [[ $out == *"$T/t/both.bin: moved to '$T/q/both.bin'"* ]]
    [ ! -e "$T/t/both.bin" ]
    [ -f "$T/q/both.bin" ]
    [[ $out == *"Infected files: 1"* ]]
}

# ---- 9. standard input ---------------------------------------------------------------

@test "standard input is never acted on" {
    mkdir -p "$T/q"
    make_eicar "$T/infected.com"
    local action transport
    for transport in "" --stream; do
        for action in --move="$T/q" --copy="$T/q" --remove; do
            ngrun -c "$LAB_CONF" $transport "$action" - <"$T/infected.com"
            show
            [ "$status" -eq 1 ]
            [[ $out =~ (fd\[[0-9]+\]|stream):\ $EICAR_SIG\ FOUND ]]
            [[ $out != *"moved to"* && $out != *"copied to"* && $out != *"Removed."* ]]
            [[ $out != *"Not moved"* && $out != *"Not removed"* ]]
            [ -z "$(ls -A "$T/q")" ]
            [ "$(cat "$T/infected.com")" = "$EICAR_STRING" ]
        done
    done
    # from a pipe too
    ngrun -c "$LAB_CONF" --move="$T/q" - < <(cat "$T/infected.com")
    [ "$status" -eq 1 ]
    [ -z "$(ls -A "$T/q")" ]
}

# ---- symbolic links (the man page: "Files reached through a followed symbolic
# link are copied but not moved or removed") ---------------------------------------

@test "files reached through followed symlinks in the tree are copied, never moved or removed" {
    mkdir -p "$T/t/real" "$T/outside/d" "$T/q"
    make_eicar "$T/outside/x.com"
    make_eicar "$T/outside/d/y.com"
    ln -s "$T/outside/x.com" "$T/t/lx.com"
    ln -s "$T/outside/d" "$T/t/ld"
    make_eicar "$T/t/real/z.com" # an ordinary file: acted on
    cp "$LAB_CONF" "$T/follow.conf"
    printf 'FollowFileSymlinks yes\nFollowDirectorySymlinks yes\n' >>"$T/follow.conf"
    local action
    for action in move remove; do
        make_eicar "$T/t/real/z.com"
        rm -f "$T"/q/*
        if [ "$action" = remove ]; then
            ngrun -c "$T/follow.conf" --remove "$T/t"
        else
            ngrun -c "$T/follow.conf" --move="$T/q" "$T/t"
        fi
        show
        [ "$status" -eq 1 ]
        # named as walked, as clamdscan's action walk names them
        [[ $out == *"$T/t/lx.com: $EICAR_SIG FOUND"* ]]
        [[ $out == *"$T/t/ld/y.com: $EICAR_SIG FOUND"* ]]
        [ "$(cat "$T/outside/x.com")" = "$EICAR_STRING" ]
        [ "$(cat "$T/outside/d/y.com")" = "$EICAR_STRING" ]
        [ ! -e "$T/t/real/z.com" ]
        if [ "$action" = remove ]; then
            [[ $out == *"Not removed: 2"* ]]
        else
            [[ $out == *"Not moved: 2"* ]]
            [ "$(ls -A "$T/q")" = z.com ]
        fi
    done
    make_eicar "$T/t/real/z.com"
    rm -f "$T"/q/*
    ngrun -c "$T/follow.conf" --copy="$T/q" "$T/t"
    show
    [ "$status" -eq 1 ]
    [ "$(ls -A "$T/q" | sort | tr '\n' ' ')" = "x.com y.com z.com " ]
}

@test "a symlink named on the command line: its target is scanned, copied, never moved or removed" {
    mkdir -p "$T/outside/d" "$T/q"
    make_eicar "$T/outside/x.com"
    make_eicar "$T/outside/d/y.com"
    ln -s "$T/outside/x.com" "$T/lx.com"
    ln -s "$T/outside/d" "$T/ld"
    local action
    for action in --remove --move="$T/q"; do
        ngrun -c "$LAB_CONF" "$action" "$T/lx.com" "$T/ld"
        show
        [ "$status" -eq 1 ]
        # named as given, as clamdscan's action walk names it
        [[ $out == *"$T/lx.com: $EICAR_SIG FOUND"* ]]
        [[ $out != *"Removed."* && $out != *"moved to"* ]]
        [ "$(cat "$T/outside/x.com")" = "$EICAR_STRING" ]
        [ "$(cat "$T/outside/d/y.com")" = "$EICAR_STRING" ]
        [ -z "$(ls -A "$T/q")" ]
    done
    ngrun -c "$LAB_CONF" --copy="$T/q" "$T/lx.com" "$T/ld"
    show
    [ "$status" -eq 1 ]
    [ "$(ls -A "$T/q" | sort | tr '\n' ' ')" = "x.com y.com " ]
}
