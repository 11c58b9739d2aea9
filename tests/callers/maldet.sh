#!/usr/bin/env bash
# maldet.sh: Linux Malware Detect's use of clamdscan, restated (maldet is not
# packaged in Debian).  Read: rfxn/linux-malware-detect, maldet 1.6.5,
# commit 75e10fc134bc856060c2b859d81d2c977b7a87ea, files/internals/functions:
# clamselector() and the ClamAV part of scan().  What is restated:
#
# clamselector (clamd running, not as root):
#   clambin=clamdscan, found with `which clamdscan`; clamopts="--fdpass"
#   probe:  clamd_test=`$clamscan --fdpass --quiet --no-summary /etc/passwd
#                       2>/dev/null || echo $?`
#   a non-empty probe result -> clamd is not used (maldet falls back to
#   clamscan, or to its own engine when clamscan is missing).
# scan:
#   find the files under the path into a list, then
#   $clamscan $clamopts --infected --no-summary -f LIST > RESULTS 2>> LOG
#   exit 2 -> "clamscan returned an error" (quarantine disabled); a line
#   "no reply from clamd" -> fatal error.
#   hits: grep -E -v 'ERROR$|lstat()|no reply from clamd' RESULTS
#         | sed -e 's/.UNOFFICIAL//' -e 's/ FOUND$//'
#         | awk -F':' '{print$2":"$1}' | sed 's/.//'
#   read with IFS=newline; file = `cut -d: -f2`, signame = `cut -d: -f1`,
#   prefixed {CAV} unless it names YARA/HEX/MD5.
# Deviation: the probe scans a clean file of the test's instead of
# /etc/passwd (the tests read nothing under /etc).
#
# usage: maldet.sh PATH     (clamdscan found on $PATH, as maldet finds it)
set -uo pipefail
path=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/maldet.XXXXXX")
trap 'rm -rf "$work"' EXIT
probe=$work/probe.txt
echo "maldet probe" >"$probe"

clamscan=$(which clamdscan 2>/dev/null)
if [ ! -f "$clamscan" ]; then
    echo "decision: error"
    echo "detail: no clamdscan on PATH"
    exit 0
fi
clamopts="--fdpass"
clamd_test=$($clamscan --fdpass --quiet --no-summary "$probe" 2>/dev/null || echo $?)
if [ -n "$clamd_test" ]; then
    # clamd judged unusable: maldet would rescan with clamscan or its own
    # engine; the clamd answer is not used, and it logs why.
    echo "decision: error"
    echo "detail: clamd probe failed ($clamd_test), clamdscan not used"
    exit 0
fi

find "$path" -type f >"$work/find_results"
# $clamopts unquoted, as in maldet (word-split options).
# shellcheck disable=SC2086
$clamscan $clamopts --infected --no-summary -f "$work/find_results" >"$work/results" 2>>"$work/log"
clamscan_return=$?
error=""
[ "$clamscan_return" == "2" ] && error="clamscan returned an error"
grep -q -m1 'no reply from clamd' "$work/results" && error="fatal error in scan results"

hits=()
IFS=$(echo -en "\n\b")
# shellcheck disable=SC2013 # maldet's own loop, restated as it is
for hit in $(grep -E -v 'ERROR$|lstat()|no reply from clamd' "$work/results" | sed -e 's/.UNOFFICIAL//' -e 's/ FOUND$//' | awk -F':' '{print$2":"$1}' | sed 's/.//'); do
    file=$(echo "$hit" | cut -d':' -f2)
    signame=$(echo "$hit" | cut -d':' -f1)
    if echo "$signame" | grep -q -E 'YARA'; then
        # shellcheck disable=SC2001 # as maldet writes it
        signame=$(echo "$signame" | sed 's/YARA\./{YARA}/')
    elif ! echo "$signame" | grep -q -E 'HEX|MD5'; then
        signame="{CAV}$signame"
    fi
    hits+=("$signame	$file")
done
unset IFS

if [ ${#hits[@]} -gt 0 ]; then
    echo "decision: infected"
    for h in "${hits[@]}"; do
        echo "virus: ${h%%	*}"
        echo "file: ${h#*	}"
    done
elif [ -n "$error" ]; then
    echo "decision: error"
else
    echo "decision: clean"
fi
echo "detail: return=$clamscan_return error=$error log=$(tr '\n' '|' <"$work/log")"
