#!/usr/bin/env bats
# Cron jobs and operations (issue 17): --metrics for node_exporter's
# textfile collector, checked with Prometheus' own promtool; --stats and
# --selfcheck against the lab clamd (1.4.6) and the test daemon; the cron
# recipe's alerting rules checked and unit-tested with promtool.
# promtool comes from Debian's prometheus package, unpacked with
# tests/callers/deps (nothing installed, no service started).

bats_require_minimum_version 1.5.0

setup_file() {
    load lab
    lab_start
    local root
    root=$("$BATS_TEST_DIRNAME/callers/deps" deb prometheus '2.42.0*') || return 1
    export PROMTOOL=$root/usr/bin/promtool
    [ -x "$PROMTOOL" ]
}

teardown_file() {
    load lab
    lab_stop
}

setup() {
    load lab
    T=$BATS_TEST_TMPDIR
    cd "$T" || return 1
    mkdir -p tree
    echo clean >tree/c.txt
}

teardown() {
    fake_stop
}


# metrics_ok FILE: promtool accepts it (and says nothing).
metrics_ok() {
    cat "$1"
    run "$PROMTOOL" check metrics <"$1"
    echo "promtool: $output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

# metric FILE SERIES: the value of the sample SERIES (name{labels}).
metric() {
    awk -v k="$2" '$1 == k { print $2 }' "$1"
}

@test "--metrics after a clean and an infected run: promtool accepts it, and it counts right" {
    ng_capture -c "$LAB_CONF" --metrics=m.prom tree
    [ "$status" -eq 0 ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_files_total{result="clean"}')" = 1 ]
    [ "$(metric m.prom 'clamdscan_ng_exit_status')" = 0 ]
    [ "$(metric m.prom 'clamdscan_ng_complete')" = 1 ]
    make_eicar tree/e.com
    ng_capture -c "$LAB_CONF" --metrics=m.prom tree
    [ "$status" -eq 1 ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_files_total{result="infected"}')" = 1 ]
    [ "$(metric m.prom 'clamdscan_ng_exit_status')" = 1 ]
    [ "$(metric m.prom "clamdscan_ng_daemon_up{daemon=\"$LAB_SOCK\"}")" = 1 ]
    [ -z "$(find . -maxdepth 1 -name '*clamdscan-ng-tmp*')" ]
}

@test "--metrics when no daemon answers: written all the same, exit status 2" {
    printf 'LocalSocket %s/nowhere.sock\n' "$T" >nodaemon.conf
    ng_capture -c nodaemon.conf --metrics=m.prom tree
    [ "$status" -eq 2 ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_exit_status')" = 2 ]
    [ "$(metric m.prom 'clamdscan_ng_complete')" = 0 ]
    [ "$(metric m.prom 'clamdscan_ng_daemons_unreachable')" = 1 ]
}

@test "--metrics of a run killed by SIGTERM: a complete file saying so" {
    fake_start silent --misbehave-on scan
    python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$NG" -c "$FAKE_CONF" --metrics=m.prom tree >out 2>err &
    local pid=$! i
    for ((i = 0; i < 400; i++)); do
        grep -q 'SCAN' "$FAKE_LOG" 2>/dev/null && break
        sleep 0.05
    done
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    cat out err
    [ "$status" -eq 2 ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_complete')" = 0 ]
    [ "$(metric m.prom 'clamdscan_ng_files_total{result="error"}')" = 1 ]
}

@test "--metrics through a symbolic link: refused before scanning, the target untouched" {
    echo keep >target
    ln -s target m.prom
    ng_capture -c "$LAB_CONF" --metrics=m.prom tree
    [ "$status" -eq 2 ]
    [[ $err == *"metrics file m.prom: it is a symbolic link"* ]]
    [[ $out != *"OK"* ]]
    [ "$(cat target)" = keep ]
}

@test "the signatures clamd's VERSION names: in the metrics and the JSON summary" {
    fake_start good --version 'ClamAV 1.4.6/27478/Tue Dec  3 09:34:50 2024'
    ng_capture -c "$FAKE_CONF" --metrics=m.prom --json tree
    [ "$status" -eq 0 ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_signatures_version{engine="1.4.6"}')" = 27478 ]
    local when
    when=$(metric m.prom 'clamdscan_ng_signatures_timestamp_seconds')
    [ "$when" -eq "$(date -d 'Tue Dec  3 09:34:50 2024' +%s)" ]
    python3 - "$T/ng.out" <<'PY'
import json, sys
summary = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
assert summary["signatures"]["engine"] == "1.4.6", summary
assert summary["signatures"]["version"] == 27478, summary
PY
}

@test "--stats: clamd's STATS as it sent it, to its END line; --json one object" {
    ng_capture -c "$LAB_CONF" --stats
    [ "$status" -eq 0 ]
    [[ $out == POOLS:* ]]
    [[ $out == *THREADS:* ]]
    [ "${out##*$'\n'}" = END ]
    ng_capture -c "$LAB_CONF" --stats --json
    [ "$status" -eq 0 ]
    python3 - "$T/ng.out" "$LAB_SOCK" <<'PY'
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["type"] == "stats" and o["daemon"] == sys.argv[2], o
assert o["threads_max"] >= 1 and o["raw"].endswith("END"), o
PY
}

@test "--stats with STATS disabled: an error naming EnableStatsCommand, exit 2" {
    fake_start command_unavailable
    ng_capture -c "$FAKE_CONF" --stats
    [ "$status" -eq 2 ]
    [[ $err == *"EnableStatsCommand"* ]]
}

@test "--selfcheck against clamd 1.4.6 (no such command): a warning naming the daemon and the key; the scan goes on" {
    make_eicar tree/e.com
    ng_capture -c "$LAB_CONF" --selfcheck tree
    [ "$status" -eq 1 ]
    [[ $err == *"WARNING: clamd at $LAB_SOCK has no SELFCHECK command"*EnableSelfCheckCommand* ]]
    [[ $out == *"e.com: $EICAR_SIG FOUND"* ]]
}

@test "--selfcheck: the daemon's answer with -v, in JSON and in the metrics; disabled, a warning" {
    fake_start good --selfcheck 'RELOADING'
    ng_capture -c "$FAKE_CONF" --selfcheck -v --json --metrics=m.prom tree
    [ "$status" -eq 0 ]
    [[ $out == *'"selfcheck":"RELOADING"'* ]]
    [[ $out$err == *"SELFCHECK: RELOADING"* ]]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_selfcheck_info{answer="RELOADING"}')" = 1 ]
    fake_stop
    fake_start good --selfcheck 'COMMAND UNAVAILABLE'
    ng_capture -c "$FAKE_CONF" --selfcheck tree
    [ "$status" -eq 0 ]
    [[ $err == *"EnableSelfCheckCommand no"* ]]
}

@test "the cron recipe: its alerting rules pass promtool check and its unit tests" {
    local cron=$BATS_TEST_DIRNAME/../docs/cron
    run "$PROMTOOL" check rules "$cron/clamdscan-ng.rules.yml"
    echo "$output"
    [ "$status" -eq 0 ]
    cp "$cron/clamdscan-ng.rules.yml" "$cron/clamdscan-ng.rules.test.yml" "$T/"
    run "$PROMTOOL" test rules "$T/clamdscan-ng.rules.test.yml"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "the cron recipe: its command line, run as written (paths moved here), feeds the rules' metrics" {
    local line
    line=$(grep -o 'clamdscan-ng -i [^#]*' "$BATS_TEST_DIRNAME/../docs/cron/crontab")
    [[ $line == *"--metrics="* ]]
    make_eicar tree/e.com
    # the recipe's options, this test's daemon and paths
    read -r -a words <<<"${line#clamdscan-ng }"
    local args=() w
    for w in "${words[@]}"; do
        case $w in
        --metrics=*) args+=(--metrics="$T/m.prom") ;;
        /*) ;;
        *) args+=("$w") ;;
        esac
    done
    ng_capture -c "$LAB_CONF" "${args[@]}" tree
    [ "$status" -eq 1 ]
    [ "$out" = "$T/tree/e.com: $EICAR_SIG FOUND" ]
    metrics_ok m.prom
    [ "$(metric m.prom 'clamdscan_ng_files_total{result="infected"}')" = 1 ]
}
