#!/usr/bin/env bash
# clamassassin.sh: runs clamassassin 1.2.4's own script (Debian package
# clamassassin, /usr/bin/clamassassin, extracted, not installed) as procmail
# runs it: the message on stdin, the filtered message on stdout.
# clamassassin is configured the Debian way, through its defaults file
# (/etc/default/clamassassin; here a copy of the script reads ours instead):
#   CLAMSCAN=<clamdscan under test>   (its README: "clamscan or clamdscan")
#   CLAMSCANOPT="--no-summary --stdout"   (the default)
#   TMPPATH=<a test directory>
# It runs `$CLAMSCAN $CLAMSCANOPT - < MSGTMP > LOGTMP 2>/dev/null` through
# sh, and decides on the exit status alone: 0 -> "X-Virus-Status: No",
# 1 -> "Yes" with X-Virus-Report = every " FOUND" line minus the text up to
# its first ": ", anything else -> "Failed" ("X-Virus-Report: CLAMSCAN error N").
#
# usage: clamassassin.sh SCRIPT CLAMSCAN WORKDIR < message
# Prints "decision: infected|clean|error", "virus: REPORT", "detail: ...".
set -euo pipefail
script=$1 clamscan=$2 work=$3
mkdir -p "$work/tmp"
sed "s|/etc/default/clamassassin|$work/default|g" "$script" >"$work/clamassassin"
chmod +x "$work/clamassassin"
cat >"$work/default" <<CONF
CLAMSCAN=$clamscan
TMPPATH=$work/tmp
CONF
"$work/clamassassin" >"$work/out.eml"
# Header lines only (up to the first blank line).
headers=$(sed '/^$/q' "$work/out.eml")
status=$(printf '%s\n' "$headers" | sed -n 's/^X-Virus-Status: //p')
report=$(printf '%s\n' "$headers" | sed -n 's/^X-Virus-Report: *//p')
# The report ends in "FOUND " (clamassassin appends a space per line).
report=${report%"${report##*[! ]}"}
version=$(printf '%s\n' "$headers" | sed -n 's/^X-Virus-Checker-Version: //p')
case $status in
Yes) echo "decision: infected"; echo "virus: $report" ;;
No) echo "decision: clean" ;;
*) echo "decision: error" ;;
esac
echo "detail: status=$status report=$report version=$version"
