#!/usr/bin/env bash
# clamby.sh: the Ruby gem clamby's scan with clamd, restated (rubygems is not
# reachable from the test machines).  Read: kobaltz/clamby 1.6.11, commit
# fdd9d92b123006765e944a4d3b99dc305bc29ce9, lib/clamby.rb and
# lib/clamby/command.rb.  With Clamby.configure(daemonize: true,
# config_file: CONF, fdpass: FDPASS, stream: STREAM,
# error_clamscan_client_error: true, output_level: 'medium'):
#   Clamby.virus?(path):
#     scanner_exists?  runs `clamdscan --config-file=CONF --version`; only
#                      system()'s true/false counts (exit 0); false raises
#                      ClamscanMissing.
#     Command.scan     args = [Shellwords.escape(path), '--no-summary',
#                      '--fdpass'?, '--stream'?] | ['--config-file=CONF'],
#                      sorted, the executable in front, joined with spaces
#                      and run by Kernel#system (so through /bin/sh), stdout
#                      and stderr inherited; decision on the exit status:
#                      0 -> false (safe); 2 or none -> ClamscanClientError
#                      (with error_clamscan_client_error; else true, "virus",
#                      the gem's legacy behaviour); other (1) -> true (virus).
#   No virus name and no file name are taken from the output.
#
# usage: clamby.sh EXECUTABLE CONF PATH [fdpass] [stream]
set -uo pipefail
exe=$1 conf=$2 path=$3
shift 3
fdpass=no stream=no
for o in "$@"; do
    case $o in
    fdpass) fdpass=yes ;;
    stream) stream=yes ;;
    esac
done

# Ruby's Shellwords.escape: a backslash before every byte outside
# [A-Za-z0-9_\-.,:+/@] (newlines aside, which these tests do not use).
shellwords_escape() {
    printf '%s' "$1" | sed 's/[^A-Za-z0-9_.,:+\/@-]/\\&/g'
}

# Command#run: (args | default_args).sort.unshift(executable).join(' ')
run() {
    local cmd
    cmd=$(printf '%s\n' "$@" "--config-file=$conf" | LC_ALL=C sort -u | tr '\n' ' ')
    cmd="$exe ${cmd% }"
    echo "command: $cmd" >&2
    sh -c "$cmd"
}

if ! run --version >/dev/null; then
    echo "decision: error"
    echo "detail: Clamby::ClamscanMissing"
    exit 0
fi
args=("$(shellwords_escape "$path")" --no-summary)
[ $fdpass = yes ] && args+=(--fdpass)
[ $stream = yes ] && args+=(--stream)
run "${args[@]}" >/dev/null
status=$?
case $status in
0) echo "decision: clean" ;;
2) echo "decision: error"; echo "detail: Clamby::ClamscanClientError" ;;
*) echo "decision: infected" ;;
esac
echo "detail: exit=$status"
