#!/usr/bin/env bash
# moodle.sh: Moodle's antivirus_clamav plugin in its "commandline" running
# method, restated.  Read: moodle/moodle, commit
# 362086b9b282d8a9f759c2dc797cd725e2347d89,
# lib/antivirus/clamav/classes/scanner.php: scan_file() and
# scan_file_execute_commandline():
#   $clamparam = ' --stdout ';
#   if (basename($pathtoclam) == 'clamdscan') $clamparam .= '--fdpass ';
#   $cmd = escapeshellcmd($pathtoclam).$clamparam.escapeshellarg($file);
#   exec($cmd, $output, $return);      (through /bin/sh; stderr not captured)
#   0 -> SCAN_RESULT_OK, 1 -> SCAN_RESULT_FOUND, >1 -> SCAN_RESULT_ERROR
#   (the output only goes into the admins' notice); scan_file() retries an
#   error up to the 'tries' setting, then messages the admins and, by
#   'clamfailureonupload', returns the error ('donothing'), acts as if a
#   virus was found ('actlikevirus') or refuses the upload ('tryagain').
# The virus name is never read; the file name is Moodle's own.
#
# usage: moodle.sh PATHTOCLAM FILE [TRIES]
set -uo pipefail
pathtoclam=$1 file=$2 tries=${3:-1}

# PHP's escapeshellcmd (the characters it backslashes; quotes come in pairs
# in no path used here).
escapeshellcmd() {
    printf '%s' "$1" | sed 's/[][#&;`|*?~<>^(){}$\\]/\\&/g'
}
# PHP's escapeshellarg: single quotes, each ' as '\''.
escapeshellarg() {
    local s=$1
    printf "'%s'" "${s//\'/\'\\\'\'}"
}

clamparam=' --stdout '
if [ "$(basename "$pathtoclam")" = clamdscan ]; then
    clamparam+='--fdpass '
fi
cmd="$(escapeshellcmd "$pathtoclam")$clamparam$(escapeshellarg "$file")"
n=0
while :; do
    n=$((n + 1))
    output=$(sh -c "$cmd")
    return=$?
    [ $return -gt 1 ] && [ $n -lt "$tries" ] && continue
    break
done
case $return in
0) echo "decision: clean" ;;
1) echo "decision: infected" ;;
*) echo "decision: error" ;;
esac
echo "detail: return=$return tries=$n cmd=$cmd output=$(printf '%s' "$output" | tr '\n' '|')"
