#!/usr/bin/env bash
# unofficial-sigs.sh: clamav-unofficial-sigs' database reload, restated (the
# script itself downloads signatures before it gets there).  Read: Debian
# package clamav-unofficial-sigs 3.7.2-2.1: /usr/sbin/clamav-unofficial-sigs
# and /usr/share/clamav-unofficial-sigs/conf.d/{00-clamav-unofficial-sigs,
# 01-debian}.conf:
#   reload_opt="clamdscan --reload"   (default; 01-debian.conf keeps it only
#                                      when /usr/bin/clamdscan is executable)
#   ... when an update was installed (do_clamd_reload=1..4):
#       $reload_opt                    (unquoted: word-split, clamdscan from
#                                       PATH, output to the cron mail)
#   exit $?                            (the last command: the script's exit
#                                       status is clamdscan's)
# Nothing is parsed: cron reports a non-zero exit and the output.
#
# usage: unofficial-sigs.sh         (clamdscan from $PATH)
set -u
reload_opt="clamdscan --reload"
$reload_opt
rc=$?
if [ $rc -eq 0 ]; then echo "decision: reloaded"; else echo "decision: error"; fi
echo "detail: exit=$rc"
exit 0
