#!/usr/bin/env bash
# nextcloud.sh: Nextcloud files_antivirus in "ClamAV Executable" mode,
# restated.  Read: nextcloud/files_antivirus 6.4.0-dev.0, commit
# 62e4aa849342f7ca08092c96c5fe1ef7a5eaa93c, lib/Scanner/LocalClam.php,
# lib/Status.php (parseResponse, executable branch) and
# lib/Db/RuleMapper.php (populate: the default rules).
#   $cmd = escapeshellcmd(av_path) . ' ' . implode(' ',
#          array_map(escapeshellarg, av_cmd_options)) . ' - 2>&1';
#   proc_open($cmd) (through /bin/sh); the file's bytes are written to its
#   stdin, which is then closed; stdout (with stderr) is read to the end and
#   proc_close() gives the exit status.
#   Decision by the exit status through the rules table: 0 -> clean,
#   1 -> infected, 40/50/52-58/62-64/70/71 -> unchecked (with a
#   description); no rule (2 among them) -> unchecked, "No matching rule for
#   exit code".  For infected, the details are every line matching
#   /.*: (.*) FOUND\s*$/, the names joined with ', '.
#   Unchecked files are not blocked but logged (and rescanned later by the
#   background job).
#
# usage: nextcloud.sh AV_PATH FILE [OPTION...]
set -uo pipefail
avpath=$1 file=$2
shift 2
escapeshellcmd() {
    printf '%s' "$1" | sed 's/[][#&;`|*?~<>^(){}$\\]/\\&/g'
}
escapeshellarg() {
    local s=$1
    printf "'%s'" "${s//\'/\'\\\'\'}"
}
opts=""
for o in "$@"; do
    opts+="${opts:+ }$(escapeshellarg "$o")"
done
cmd="$(escapeshellcmd "$avpath") $opts - 2>&1"
output=$(sh -c "$cmd" <"$file")
result=$?
case $result in
0) echo "decision: clean" ;;
1)
    echo "decision: infected"
    names=$(printf '%s\n' "$output" | sed -n -E 's/^.*: (.*) FOUND[[:space:]]*$/\1/p' | paste -sd, - | sed 's/,/, /g')
    echo "virus: $names"
    ;;
*) echo "decision: error" ;; # SCANRESULT_UNCHECKED
esac
echo "detail: exit=$result output=$(printf '%s' "$output" | tr '\n' '|')"
