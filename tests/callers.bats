#!/usr/bin/env bats
# The programs that run clamdscan, each with its own command line, its own
# way of calling it (shell or not, stdin, stderr) and its own reading of the
# exit status and output: each test asserts the DECISION the program makes
# (infected / clean / error, the virus name and the file it keeps) with the
# binary under test.
#
#   CALLER_BIN   the binary the callers run (default $NG); every test must
#                pass with the system clamdscan:
#                  CALLER_BIN=/usr/bin/clamdscan bats tests/callers.bats
#
# Packaged callers run their OWN code from the package (Debian packages
# unpacked, never installed; the npm package installed into build-callers/);
# the others are restated in tests/callers/*, each naming the repository,
# path and version read (the header of each helper says what it restates
# or drives, and how the caller decides).  Cases per caller: an infected file, a clean
# one, names with spaces/quotes/colons, clamd down (an error, never clean),
# clamd coming up late (the caller started while it was down).

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    load callers/callers
    callers_setup_file
}

teardown_file() {
    load lab
    load callers/callers
    callers_teardown_file
}

setup() {
    load lab
    load callers/callers
    T=$BATS_TEST_TMPDIR
    CT=$BATS_FILE_TMPDIR
}

teardown() {
    late_down
}

# ---- MIMEDefang 3.3 (Debian mimedefang; Mail::MIMEDefang::Antivirus) ------
# BIN -c CONF --no-summary --infected --fdpass --stream ./Work 2>&1, through
# sh, in the spool directory; 0 ok, 1 virus (name: first /: (.+) FOUND/),
# anything else tempfail.

md() {
    local conf=$1 lib
    shift
    lib=$(need_dep md) || return 1
    run --separate-stderr env PERL5LIB="$lib/usr/share/perl5" CALLER_CONF="$conf" \
        perl "$CALLERS/mimedefang.pl" "$@"
}

@test "MIMEDefang: an infected message is a virus, with its name" {
    md "$UP_CONF" message "$CT/spool-infected"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

@test "MIMEDefang: an infected part (entity_contains_virus)" {
    md "$UP_CONF" entity "$CT/files/eicar.com"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

@test "MIMEDefang: a clean message and a clean part pass" {
    md "$UP_CONF" message "$CT/spool-clean"
    assert_line "decision: clean"
    md "$UP_CONF" entity "$CT/files/clean.txt"
    assert_line "decision: clean"
}

@test "MIMEDefang: parts named with spaces, quotes and ': '" {
    md "$UP_CONF" message "$CT/spool-names"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
    # Its regex starts the name at the line's first ": " (its own parts are
    # never named so; the same with clamdscan 1.4.6).
    md "$UP_CONF" message "$CT/spool-colon"
    assert_line "decision: infected"
    assert_line "virus: here.com: $EICAR_SIG"
}

@test "MIMEDefang: clamd down is a temporary failure, not clean" {
    md "$DOWN_CONF" message "$CT/spool-infected"
    assert_line "decision: error"
    md "$DOWN_CONF" message "$CT/spool-clean"
    assert_line "decision: error"
}

@test "MIMEDefang: a worker started while clamd was down scans once it is up" {
    local lib
    lib=$(need_dep md)
    late_in_process env PERL5LIB="$lib/usr/share/perl5" CALLER_CONF="$LATE_CONF" \
        perl "$CALLERS/mimedefang.pl" message "$CT/spool-infected"
    late_block 1
    assert_line "decision: error"
    late_block 2
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

# ---- amavisd-new 2.13.0 (Debian amavisd-new; Amavis::AV::run_av) -----------
# the upstream 'ClamAV-clamdscan' entry: BIN --stdout --no-summary
# --config-file=CONF TEMPDIR/parts, exec'd (no shell), stderr merged;
# infected if /:.*\sFOUND$/m, clean if exit 0, else a failure (die);
# names /^.*?: (?!Infected Archive)(.*) FOUND$/gm.

amavis() {
    local conf=$1 lib
    shift
    lib=$(need_dep amavis) || return 1
    run --separate-stderr env CALLER_CONF="$conf" \
        perl -T -I "$lib/usr/share/perl5" "$CALLERS/amavis.pl" "$@"
}

@test "amavisd-new: an infected message, with the virus name" {
    amavis "$UP_CONF" "$CT/amavis-infected"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

@test "amavisd-new: a clean message" {
    amavis "$UP_CONF" "$CT/amavis-clean"
    assert_line "decision: clean"
}

@test "amavisd-new: parts named with spaces, quotes and ': '" {
    amavis "$UP_CONF" "$CT/amavis-names"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
    # ^.*?: stops at the first ": " (amavisd names its parts pNNN).
    amavis "$UP_CONF" "$CT/amavis-colon"
    assert_line "decision: infected"
    assert_line "virus: here.com: $EICAR_SIG"
}

@test "amavisd-new: clamd down is a scanner failure, not clean" {
    amavis "$DOWN_CONF" "$CT/amavis-clean"
    assert_line "decision: error"
    amavis "$DOWN_CONF" "$CT/amavis-infected"
    assert_line "decision: error"
}

@test "amavisd-new: a child started while clamd was down scans once it is up" {
    local lib
    lib=$(need_dep amavis)
    late_in_process env CALLER_CONF="$LATE_CONF" \
        perl -T -I "$lib/usr/share/perl5" "$CALLERS/amavis.pl" "$CT/amavis-infected"
    late_block 1
    assert_line "decision: error"
    late_block 2
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

# ---- npm clamscan 2.4.0 (NodeClam, local binary mode) ----------------------
# execFile(BIN, [--no-summary, --fdpass, --config-file=CONF, --multiscan,
# target...]); init() requires /ClamAV/ in `BIN --version --config-file=CONF`.

nodeclam() {
    local conf=$1 dir
    shift
    dir=$(need_dep clamscan) || return 1
    run --separate-stderr env CALLER_CONF="$conf" node "$CALLERS/clamscan-npm.js" "$dir" "$@"
}

@test "npm clamscan: isInfected on an infected file" {
    nodeclam "$UP_CONF" file "$CT/files/eicar.com"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
    assert_line "file: $CT/files/eicar.com"
}

@test "npm clamscan: isInfected on a clean file" {
    nodeclam "$UP_CONF" file "$CT/files/clean.txt"
    assert_line "decision: clean"
}

@test "npm clamscan: scanDir over names with spaces, quotes and ': '" {
    nodeclam "$UP_CONF" dir "$CT/names"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
    assert_line "file: $CT/names/$NAME_QUOTES"
    assert_line "file: $CT/names/$NAME_COLON"
    refute_line "file: $CT/names/$NAME_CLEAN"
    nodeclam "$UP_CONF" file "$CT/names/$NAME_CLEAN"
    assert_line "decision: clean"
}

@test "npm clamscan: clamd down is an error, not clean" {
    nodeclam "$DOWN_CONF" file "$CT/files/clean.txt"
    assert_line "decision: error"
    nodeclam "$DOWN_CONF" file "$CT/files/eicar.com"
    assert_line "decision: error"
}

@test "npm clamscan: its start-up check accepts the binary while clamd is down" {
    # init() runs `BIN --version --config-file=CONF` and wants "ClamAV" in
    # stdout; clamdscan 1.4.6 prints "ClamAV 1.4.6" with the daemon down.
    nodeclam "$DOWN_CONF" file "$CT/files/clean.txt"
    assert_line "init: ok scanner=clamdscan"
}

@test "npm clamscan: an app started while clamd was down scans once it is up" {
    local dir
    dir=$(need_dep clamscan)
    late_in_process env CALLER_CONF="$LATE_CONF" \
        node "$CALLERS/clamscan-npm.js" "$dir" file "$CT/files/eicar.com"
    late_block 1
    assert_line "decision: error"
    late_block 2
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

# ---- clamassassin 1.2.4 (Debian clamassassin; procmail filter) -------------
# `$CLAMSCAN --no-summary --stdout - < MSG 2>/dev/null`; 0 -> X-Virus-Status:
# No, 1 -> Yes (report: FOUND lines minus the text to the first ": "),
# else Failed.  File names never reach clamdscan (stdin): no names case.

clamassassin() {
    local bin=$1 msg=$2 root
    root=$(need_dep clamassassin) || return 1
    rm -rf "$T/ca"
    run --separate-stderr "$CALLERS/clamassassin.sh" "$root/usr/bin/clamassassin" \
        "$bin/clamdscan" "$T/ca" <"$msg"
}

@test "clamassassin: an infected message is tagged with the virus" {
    clamassassin "$UP_BIN" "$CT/mail/infected.eml"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG FOUND"
}

@test "clamassassin: a clean message is tagged clean" {
    clamassassin "$UP_BIN" "$CT/mail/clean.eml"
    assert_line "decision: clean"
}

@test "clamassassin: clamd down tags the message Failed, not clean" {
    clamassassin "$DOWN_BIN" "$CT/mail/infected.eml"
    assert_line "decision: error"
    clamassassin "$DOWN_BIN" "$CT/mail/clean.eml"
    assert_line "decision: error"
}

@test "clamassassin: the next message after clamd comes up is scanned" {
    clamassassin "$LATE_BIN" "$CT/mail/infected.eml"
    assert_line "decision: error"
    late_up
    clamassassin "$LATE_BIN" "$CT/mail/infected.eml"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG FOUND"
}

# ---- Linux Malware Detect 1.6.5 (restated: tests/callers/maldet.sh) --------
# probe: clamdscan --fdpass --quiet --no-summary FILE; scan: clamdscan
# --fdpass --infected --no-summary -f LIST; hits cut at the colons.

maldet() {
    local bin=$1
    shift
    run --separate-stderr env PATH="$bin:$PATH" "$CALLERS/maldet.sh" "$@"
}

@test "maldet: an infected file is a hit, with signature and file" {
    maldet "$UP_BIN" "$CT/files"
    assert_line "decision: infected"
    assert_line "virus: {CAV}Ng.Test.EICAR.HDB"
    assert_line "file: $CT/files/eicar.com"
    refute_line "file: $CT/files/clean.txt"
}

@test "maldet: a clean tree has no hits" {
    maldet "$UP_BIN" "$CT/cleandir"
    assert_line "decision: clean"
}

@test "maldet: names with spaces, quotes and ': '" {
    maldet "$UP_BIN" "$CT/names"
    assert_line "decision: infected"
    assert_line "file: $CT/names/$NAME_QUOTES"
    # maldet splits its hits at every ':' (awk -F: / cut -d:): the same
    # wrong hit with clamdscan 1.4.6.
    assert_line "virus: {CAV}here.com"
    assert_line "file: $CT/names/colon"
}

@test "maldet: clamd down fails its probe: clamd is not used" {
    maldet "$DOWN_BIN" "$CT/files"
    assert_line "decision: error"
}

@test "maldet: the next scan after clamd comes up uses it" {
    maldet "$LATE_BIN" "$CT/files"
    assert_line "decision: error"
    late_up
    maldet "$LATE_BIN" "$CT/files"
    assert_line "decision: infected"
    assert_line "file: $CT/files/eicar.com"
}

# ---- clamby 1.6.11, Ruby gem (restated: tests/callers/clamby.sh) -----------
# daemonize: sh -c "BIN --config-file=CONF --fdpass --no-summary PATH"
# (sorted); 0 safe, 2 client error, else virus.

clamby() {
    local conf=$1
    shift
    run --separate-stderr "$CALLERS/clamby.sh" "$CALLER_BIN" "$conf" "$@"
}

@test "clamby: an infected file is a virus" {
    clamby "$UP_CONF" "$CT/files/eicar.com" fdpass
    assert_line "decision: infected"
}

@test "clamby: a clean file is safe" {
    clamby "$UP_CONF" "$CT/files/clean.txt" fdpass
    assert_line "decision: clean"
}

@test "clamby: names with spaces, quotes and ': ' (Shellwords-escaped)" {
    clamby "$UP_CONF" "$CT/names/$NAME_QUOTES" fdpass
    assert_line "decision: infected"
    clamby "$UP_CONF" "$CT/names/$NAME_COLON" fdpass
    assert_line "decision: infected"
    clamby "$UP_CONF" "$CT/names/$NAME_CLEAN" fdpass
    assert_line "decision: clean"
}

@test "clamby: with both fdpass and stream configured (clamdscan: --stream wins)" {
    clamby "$UP_CONF" "$CT/files/eicar.com" fdpass stream
    assert_line "decision: infected"
    clamby "$UP_CONF" "$CT/files/clean.txt" fdpass stream
    assert_line "decision: clean"
}

@test "clamby: clamd down is a client error, not safe" {
    clamby "$DOWN_CONF" "$CT/files/clean.txt" fdpass
    assert_line "decision: error"
}

@test "clamby: the next call after clamd comes up scans" {
    clamby "$LATE_CONF" "$CT/files/eicar.com" fdpass
    assert_line "decision: error"
    late_up
    clamby "$LATE_CONF" "$CT/files/eicar.com" fdpass
    assert_line "decision: infected"
}

# ---- Moodle antivirus_clamav, command line (restated: moodle.sh) ----------
# sh -c "PATHTOCLAM --stdout --fdpass 'FILE'"; 0 OK, 1 FOUND, >1 ERROR.

moodle() {
    local bin=$1
    shift
    run --separate-stderr "$CALLERS/moodle.sh" "$bin/clamdscan" "$@"
}

@test "Moodle: an infected upload is found" {
    moodle "$UP_BIN" "$CT/files/eicar.com"
    assert_line "decision: infected"
}

@test "Moodle: a clean upload is OK" {
    moodle "$UP_BIN" "$CT/files/clean.txt"
    assert_line "decision: clean"
}

@test "Moodle: uploads named with spaces, quotes and ': '" {
    moodle "$UP_BIN" "$CT/names/$NAME_QUOTES"
    assert_line "decision: infected"
    moodle "$UP_BIN" "$CT/names/$NAME_COLON"
    assert_line "decision: infected"
    moodle "$UP_BIN" "$CT/names/$NAME_CLEAN"
    assert_line "decision: clean"
}

@test "Moodle: clamd down is a scan error, not OK" {
    moodle "$DOWN_BIN" "$CT/files/clean.txt" 2
    assert_line "decision: error"
}

@test "Moodle: the next upload after clamd comes up is scanned" {
    moodle "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: error"
    late_up
    moodle "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: infected"
}

# ---- Nextcloud files_antivirus, executable mode (restated: nextcloud.sh) ---
# sh -c "AVPATH  - 2>&1" with the file on stdin; the exit status through the
# rules table; names /.*: (.*) FOUND\s*$/.  Names never reach clamdscan.

nextcloud() {
    local bin=$1
    shift
    run --separate-stderr "$CALLERS/nextcloud.sh" "$bin/clamdscan" "$@"
}

@test "Nextcloud: an infected file, with the virus name" {
    nextcloud "$UP_BIN" "$CT/files/eicar.com"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

@test "Nextcloud: a clean file" {
    nextcloud "$UP_BIN" "$CT/files/clean.txt"
    assert_line "decision: clean"
}

@test "Nextcloud: clamd down leaves the file unchecked, not clean" {
    nextcloud "$DOWN_BIN" "$CT/files/clean.txt"
    assert_line "decision: error"
}

@test "Nextcloud: the next file after clamd comes up is scanned" {
    nextcloud "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: error"
    late_up
    nextcloud "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
}

# ---- hugoalh/scan-virus-ghaction (after v0.20.1), a CI action (restated) ---
# clamdscan --fdpass --file-list=LIST --multiscan *>&1 in the workspace;
# finds: ': .+ FOUND$' split at ': '; other lines are issues.

action() {
    local bin=$1
    shift
    run --separate-stderr env PATH="$bin:$PATH" python3 "$CALLERS/scanvirus-action.py" "$CT" "$@"
}

@test "scan-virus action: an infected file fails the step, with file and symbol" {
    action "$UP_BIN" "$CT/files/eicar.com" "$CT/files/clean.txt"
    assert_line "decision: infected"
    assert_line "virus: $EICAR_SIG"
    assert_line "file: files/eicar.com"
}

@test "scan-virus action: clean files pass" {
    action "$UP_BIN" "$CT/files/clean.txt" "$CT/cleandir/clean.txt"
    assert_line "decision: clean"
    assert_line "detail: exit=0 issues="
}

@test "scan-virus action: names with spaces, quotes and ': '" {
    action "$UP_BIN" "$CT/names/$NAME_QUOTES" "$CT/names/$NAME_CLEAN"
    assert_line "decision: infected"
    assert_line "file: names/$NAME_QUOTES"
    assert_line "virus: $EICAR_SIG"
    # Its split at every ': ' cuts the element at the name's ": "; the find
    # matches no scanned path and does not fail the step (clamdscan 1.4.6
    # alike).
    action "$UP_BIN" "$CT/names/$NAME_COLON"
    assert_line "decision: clean"
    assert_line "file: names/colon"
    assert_line "virus: here.com $EICAR_SIG"
}

@test "scan-virus action: clamd down is an issue (error annotation), not clean" {
    action "$DOWN_BIN" "$CT/files/eicar.com"
    assert_line "decision: error"
}

@test "scan-virus action: a re-run after clamd comes up finds the file" {
    action "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: error"
    late_up
    action "$LATE_BIN" "$CT/files/eicar.com"
    assert_line "decision: infected"
    assert_line "file: files/eicar.com"
}

# ---- clamav-unofficial-sigs 3.7.2, a signature updater (restated) ---------
# `clamdscan --reload` after an update; the script exits with its status.
# It scans nothing: the infected/clean/names cases do not apply.

unofficial_sigs() {
    local bin=$1
    run --separate-stderr env PATH="$bin:$PATH" "$CALLERS/unofficial-sigs.sh"
}

@test "clamav-unofficial-sigs: the reload makes clamd load the new signatures" {
    late_up
    local f=$T/reload-me.txt i found=no
    printf 'x CLAMDSCAN-NG-%s y\n' "RELOAD-TEST" >"$f"
    printf 'Ng.Test.Reload:0:*:%s\n' "$(printf 'CLAMDSCAN-NG-%s' RELOAD-TEST | od -An -tx1 | tr -d ' \n')" \
        >"$LATE_DIR/db/callers-reload.ndb"
    unofficial_sigs "$LATE_BIN"
    assert_line "decision: reloaded"
    # clamd reloads in the background; the old engine answers meanwhile.
    for ((i = 0; i < 100; i++)); do
        if clamd_raw "$LATE_DIR/clamd.sock" "zSCAN $f\\0" | grep -q 'Ng.Test.Reload.UNOFFICIAL FOUND'; then
            found=yes
            break
        fi
        sleep 0.1
    done
    [ "$found" = yes ]
}

@test "clamav-unofficial-sigs: clamd down makes the run fail" {
    unofficial_sigs "$DOWN_BIN"
    assert_line "decision: error"
}

@test "clamav-unofficial-sigs: the next run after clamd comes up reloads" {
    unofficial_sigs "$LATE_BIN"
    assert_line "decision: error"
    late_up
    unofficial_sigs "$LATE_BIN"
    assert_line "decision: reloaded"
}
