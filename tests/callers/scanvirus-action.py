#!/usr/bin/env python3
"""scanvirus-action.py: the GitHub Action hugoalh/scan-virus-ghaction
(commit 6fd3ce3d07abc68dd032bd99eebb8cce12986a9d, v0.20.1 + 27 commits, 2024-02-10), its ClamAV scan
restated (PowerShell in a container; not runnable here).  Read:
lib/clamav.psm1 Invoke-ClamAVScan, lib/main.ps1, lib/statistics.psm1.

  The scanned elements (absolute paths) go into a temporary list file,
  joined with "\\n", no final newline; then, in the workspace,
    clamdscan --fdpass "--file-list=LIST" --multiscan *>&1
  (clamdscan from PATH, every stream merged, $LASTEXITCODE reset to 0: the
  exit status is never looked at).  Each output line, with a leading
  "<workspace>/" removed (-ireplace "^<cwd regex>[\\\\/]"):
    '^[-=]+\\s*SCAN SUMMARY\\s*[-=]+$'  stops the loop
    ': OK$' or blank                  skipped
    ': .+ FOUND$'                     a find: the line without ' FOUND' is
                                      -isplit '(?<=^.+?): ' (at every ': '
                                      not at the start); $Element gets the
                                      first piece, $Symbol the rest (joined
                                      with spaces when there are several)
    anything else                     an issue
  Issues become an error annotation ("Unexpected issues with ClamAV") but do
  not fail the step; the step's exit code is 1 when the summed size of the
  scanned elements whose relative path is a find's Element is > 0.
Python's re stands in for .NET's here: the lookbehind (?<=^.+?) is "at
least one character before", written (?<=.).

usage: scanvirus-action.py WORKSPACE FILE...   (clamdscan from $PATH)
"""
import os
import re
import subprocess
import sys
import tempfile

workspace, elements = sys.argv[1], sys.argv[2:]
with tempfile.NamedTemporaryFile("w", delete=False, encoding="utf-8") as f:
    f.write("\n".join(elements))
    listfile = f.name
try:
    proc = subprocess.run(
        ["clamdscan", "--fdpass", "--file-list=" + listfile, "--multiscan"],
        cwd=workspace, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
finally:
    os.unlink(listfile)

prefix = re.compile("^" + re.escape(workspace) + r"[\\/]", re.I)
founds, issues = [], []
for line in proc.stdout.decode("utf-8", "replace").split("\n"):
    line = prefix.sub("", line)
    if re.search(r"^[-=]+\s*SCAN SUMMARY\s*[-=]+$", line, re.I):
        break
    if re.search(r": OK$", line, re.I) or re.match(r"^\s*$", line):
        continue
    if re.search(r": .+ FOUND$", line, re.I):
        parts = re.split(r"(?<=.): ", re.sub(r" FOUND$", "", line, flags=re.I))
        founds.append((parts[0], " ".join(parts[1:])))
        continue
    if line:
        issues.append(line)

paths = {os.path.relpath(e, workspace): os.path.getsize(e) for e in elements}
size_found = sum(size for path, size in paths.items()
                 if path.lower() in {el.lower() for el, _ in founds})
if size_found > 0:
    print("decision: infected")
elif issues:
    print("decision: error")
elif founds:
    # found, but no scanned element matches: the step still exits 0
    print("decision: clean")
else:
    print("decision: clean")
for element, symbol in founds:
    print("virus: " + symbol)
    print("file: " + element)
print("detail: exit=%d issues=%s" % (1 if size_found > 0 else 0, " | ".join(issues)))
