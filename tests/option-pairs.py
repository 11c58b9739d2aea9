#!/usr/bin/env python3
"""option-pairs.py: clamdscan-ng against clamdscan, option by option.

Driven by tests/option-pairs.bats (which starts the lab clamd); it can also
be run by hand with the lab's variables set:

  LAB_CONF=... LAB_TCP_CONF=... NG=src/clamdscan-ng REF=clamdscan \\
      python3 tests/option-pairs.py own stream

Every case is one command line.  It is run twice, with $REF and with $NG,
each in a fresh directory of its own holding

  tree/   the standard tree (make_tree in tests/lab.bash: 3 of 5 files infected)
  q/      an empty quarantine directory (--move=q, --copy=q)
  list    a file list: tree/clean.txt, tree/sub, tree/both.bin (-f list)

and with stdin from /dev/null unless the case says otherwise.  The two runs
must agree on
  * the exit status;
  * stdout, with the Time/Start Date/End Date lines removed, the run
    directory replaced by <DIR> and "fd[N]" by "fd[*]"; the lines before the
    summary block sorted (clamdscan walks a directory in inode order, and
    the two copies differ in inodes: tests/compat.bats compares the order on
    one tree), all lines sorted when the case runs a multiscan (-m:
    completion order); with --help only "both print a help text"; with -v
    the verbose-only lines of either client (VERBOSE_ONLY below) are
    dropped first;
  * whether stderr has an error (an "ERROR:" line or a usage message);
  * the "WARNING:" lines of stderr, exactly and in order;
  * what happened to the files: a listing of tree/ and q/ (names, types,
    sizes), and each log file written in the run directory (log, log2),
    compared as stdout is.

Modes (each prints every differing command line and ends with a count;
exit status 1 if any differs):
  own NAME        NAME (a long option clamdscan implements) in every form it
                  takes, then with every other such option, in both orders
  clamscan-alone  each clamscan option clamdscan tolerates, alone (the
                  current directory is scanned), in every form
  clamscan-scan   the same with a target before or after it, with -i,
                  --stream; a few with --stdout, --quiet, --log, --help,
                  --version, --ping and an unknown option (where the warning
                  goes, and whether it comes out at all)
  shorts          every short option, and every two-letter cluster
  abbrev          every abbreviation clamdscan accepts (--mul for --multiscan)
  repeat          an option given twice: clamdscan keeps the first
  stdin           "-" alone and with the options that change its meaning
  transports      the transport options on a TCP-only configuration and on
                  one clamdscan calls remote
  down            --ping, --wait, --version, --reload with no daemon
  table           tests/data/clamdscan-options.tsv still describes $REF
  all             every mode above (own for every option)
Options: --list (print the command lines, run nothing), --jobs N (cases
run in parallel, default 4; a case with -m runs alone: clamd refuses
MULTISCAN when its threads are busy), --report FILE (append
"mode<TAB>command<TAB>what differs<TAB>details" lines), --workdir DIR.

remote.conf names TCPAddr 127.0.0.1 and then 192.0.2.1: clamdscan calls a
daemon remote when any TCPAddr cannot be bound here, and connects to the
first address that answers, so nothing leaves loopback (the lab daemon is
pinged first).  dead.conf names a Unix socket nobody listens on.
"""

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.environ.get("OPTION_TABLE", os.path.join(HERE, "data", "clamdscan-options.tsv"))

# Joined at run time, as in tests/lab.bash: never stored whole.
EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" + "ANTIVIRUS-TEST-FILE!$H+H*"
ALPHA = "CLAMDSCAN-NG-TEST-" + "ALPHA"
BETA = "CLAMDSCAN-NG-TEST-" + "BETA"

# Lines only -v prints: dropped from both outputs when the case is verbose.
VERBOSE_ONLY = [
    # clamdscan
    r"^traverse_to: ",
    r"^Failed to determine real filename of ",
    # clamdscan-ng (src: report_verbose)
    r"^PING \d+ of \d+ failed: ",
    r"^RELOADING$",
    r"^Loaded \d+ signatures from ",
    r"^Scanning with \d+ threads",
    r": not found; using clamd's defaults$",
    r": Excluded( \(another filesystem\))?$",
    r": written by this scan \(the quarantine or a report\), not scanned$",
    r": directory cycle, not entered again$",
    r": Directory recursion limit reached, not entered$",
    r": Not supported file type, passed over$",
    r": path too long for ALLMATCHSCAN; sending the file instead$",
]
VERBOSE_RE = re.compile("|".join(VERBOSE_ONLY))
TIMED_RE = re.compile(r"^(Time|Start Date|End Date):")
ERROR_RE = re.compile(r"^ERROR:|unrecognized option|illegal option|invalid option|"
                      r"requires an argument|is ambiguous|doesn't allow an argument|"
                      r"Try '.*--help'", re.M)
HELP_MARK = "[options]"
SUMMARY = "----------- SCAN SUMMARY -----------"

# A representative value for each option that needs one.
VALUE = {
    "config-file": "{CONF}",
    "log": "log",
    "file-list": "list",
    "ping": "1",
    "move": "q",
    "copy": "q",
}
IGNORED_VALUE = "1"  # for clamscan's options: a number, a name, all unchecked


def env():
    e = {k: v for k, v in os.environ.items() if k != "POSIXLY_CORRECT"}
    e["LC_ALL"] = "C"
    return e


# ---- the option table -------------------------------------------------------

def load_table(path=TABLE):
    rows, header = [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            rows.append(dict(zip(header, fields)))
    return rows


class Table:
    def __init__(self, rows):
        self.rows = rows
        self.by_long = {r["long"]: r for r in rows}
        self.own = [r for r in rows if r["class"] in ("implemented", "silent")]
        self.tolerated = [r for r in rows if r["class"].startswith("warned")]

    def value(self, r):
        if r["class"].startswith("warned"):
            return IGNORED_VALUE
        return VALUE.get(r["long"], "x")

    def form(self, r):
        """The canonical long form with its representative value."""
        if r["long_arg"] == "required":
            return ["--%s=%s" % (r["long"], self.value(r))]
        return ["--" + r["long"]]


# ---- cases --------------------------------------------------------------------

class Case:
    """One command line. conf: lab | tcp | remote | dead | none (the args name it)."""

    def __init__(self, args, conf="lab", stdin=None, multiscan=False, verbose=False,
                 target=True, cwd=None):
        self.args = list(args)
        self.cwd = cwd          # a subdirectory of the run directory to run in
        self.conf = conf
        self.stdin = stdin      # None (/dev/null) | path in the run dir | ("pipe", bytes)
        self.multiscan = multiscan
        self.verbose = verbose
        self.target = target    # append "tree"

    def argv(self, confs):
        out = []
        if self.conf != "none":
            out += ["-c", confs[self.conf]]
        out += [a.replace("{CONF}", confs["lab"]).replace("{DEAD}", confs["dead"])
                for a in self.args]
        if self.target:
            out.append("tree")
        return out

    def show(self, name="clamdscan"):
        """The command line as a shell would take it in the run directory."""
        subst = {"lab": "@LAB@", "tcp": "@TCP@", "remote": "@REMOTE@", "dead": "@DEAD@"}
        words = [name]
        if self.conf != "none":
            words += ["-c", subst[self.conf]]
        words += [a.replace("{CONF}", "@LAB@").replace("{DEAD}", "@DEAD@") for a in self.args]
        if self.target:
            words.append("tree")
        s = shlex.join(words)
        for k, v in (("@LAB@", '"$LAB_CONF"'), ("@TCP@", '"$LAB_TCP_CONF"'),
                     ("@REMOTE@", "remote.conf"), ("@DEAD@", "dead.conf")):
            s = s.replace(k, v)
        if isinstance(self.stdin, tuple):
            s = "printf %s <EICAR> | " + s
        elif self.stdin:
            s += " <" + self.stdin
        if self.cwd:
            s = "(cd %s && %s)" % (self.cwd, s)
        return s

    def key(self):
        return (tuple(self.args), self.conf, str(self.stdin), self.target, self.cwd)


def verbose_in(args):
    for a in args:
        if re.fullmatch(r"--verb(o(s(e)?)?)?(=(yes|1|true))?", a, re.I):
            return True
        if re.fullmatch(r"-[a-zA-Z]*v[a-zA-Z]*", a) and not a.startswith("--"):
            return True
    return False


def multiscan_in(args):
    for a in args:
        if re.fullmatch(r"--mu(l(t(i(s(c(a(n)?)?)?)?)?)?)?(=(yes|1|true))?", a, re.I):
            return True
        if re.fullmatch(r"-[a-zA-Z]*m[a-zA-Z]*", a) and not a.startswith("--"):
            return True
    return False


def mk(args, **kw):
    kw.setdefault("verbose", verbose_in(args))
    kw.setdefault("multiscan", multiscan_in(args))
    return Case(args, **kw)


def own_cases(t, name):
    r = t.by_long[name]
    cases = []
    long_, short, val = r["long"], r["short"], t.value(r)
    if name == "config-file":
        # -c is normally given first by every case: here it is the subject
        for a in (["--config-file={CONF}"], ["--config-file", "{CONF}"], ["-c{CONF}"],
                  ["--%s={CONF}" % r["abbrev"]], ["--config-file="], ["--config-file"]):
            cases.append(mk(a, conf="none", target=a[-1] not in ("--config-file",)))
        return cases
    if r["long_arg"] == "required":
        forms = [["--%s=%s" % (long_, val)], ["--" + long_, val], ["--%s=" % long_]]
        if short != "-":
            forms += [["-" + short, val], ["-" + short + val]]
        cases += [mk(f) for f in forms]
        cases.append(mk(["--" + long_], target=False))   # missing value
        if name in ("move", "copy"):
            # no target: the current directory is scanned; not the one
            # holding the quarantine, or the result depends on the walk order
            cases.append(mk(["--%s=../q" % long_], target=False, cwd="tree"))
        else:
            cases.append(mk(["--%s=%s" % (long_, val)], target=False))
    else:
        forms = [["--" + long_]] + [["--%s=%s" % (long_, v)] for v in
                                     ("yes", "no", "1", "0", "true", "FALSE", "Yes", "bogus", "")]
        if short != "-":
            forms.append(["-" + short])
        cases += [mk(f) for f in forms]
        cases.append(mk(["--" + long_], target=False))
    # with every other option of clamdscan's own, in both orders
    for o in t.own:
        if o["long"] in (name, "config-file"):
            continue
        a, b = t.form(r), t.form(o)
        cases.append(mk(a + b))
        cases.append(mk(b + a))
    return cases


def clamscan_alone_cases(t):
    cases = []
    for r in t.tolerated:
        n = r["long"]
        if r["long_arg"] == "required":
            forms = [["--%s=%s" % (n, IGNORED_VALUE)], ["--" + n, IGNORED_VALUE],
                     ["--%s=" % n], ["--%s=not-a-number" % n]]
        else:
            forms = [["--" + n], ["--%s=yes" % n], ["--%s=no" % n], ["--%s=bogus" % n]]
        if r["short"] != "-":
            if r["short_arg"] == "required":
                forms += [["-" + r["short"], IGNORED_VALUE], ["-" + r["short"] + IGNORED_VALUE]]
            else:
                forms += [["-" + r["short"]]]
        cases += [mk(f, target=False) for f in forms]
    return cases


def clamscan_scan_cases(t):
    cases = []
    for r in t.tolerated:
        n = r["long"]
        if r["long_arg"] == "required":
            f = ["--" + n, IGNORED_VALUE]
        else:
            f = ["--" + n]
        cases.append(mk(f))
        cases.append(mk(["tree"] + f, target=False))     # after the target
        cases.append(mk(f + ["-i", "--no-summary"]))
        cases.append(mk(["--%s=%s" % (n, IGNORED_VALUE)] + ["--stream"]))
    # the warning goes to stderr whatever --stdout and --quiet say, is not
    # logged, and comes out before --help, --version or a parse error
    for f in (["--bell"], ["-r"], ["--database", "db"], ["--disable-summary"], ["-ra"]):
        for extra in (["--stdout"], ["--quiet"], ["--log=log"], ["--stdout", "--log=log"],
                      ["--help"], ["--version"], ["--ping=1"], ["--no-such-option"]):
            cases.append(mk(f + extra))
            cases.append(mk(extra + f))
    return cases


def shorts_cases(t):
    cases = []
    shorts = [r for r in t.rows if r["short"] != "-"]
    bools = [r for r in shorts if r["short_arg"] == "none"]
    for r in shorts:
        if r["short_arg"] == "required":
            v = t.value(r)
            if r["long"] == "config-file":
                cases.append(mk(["-c", "{CONF}"], conf="none"))
                continue
            cases.append(mk(["-" + r["short"], v]))
            cases.append(mk(["-" + r["short"] + v]))
        else:
            cases.append(mk(["-" + r["short"]]))
    for x in bools:
        for y in shorts:
            if x is y:
                continue
            if y["short_arg"] == "required":
                v = t.value(y)
                cases.append(mk(["-" + x["short"] + y["short"], v]))
                cases.append(mk(["-" + x["short"] + y["short"] + v]))
            else:
                cases.append(mk(["-" + x["short"] + y["short"]]))
    return cases


def abbrev_cases(t):
    cases = []
    for r in t.rows:
        n, ab = r["long"], r["abbrev"]
        for i in range(len(ab), len(n)):
            p = n[:i]
            if r["long"] == "config-file":
                cases.append(mk(["--%s={CONF}" % p], conf="none"))
            elif r["long_arg"] == "required":
                cases.append(mk(["--%s=%s" % (p, t.value(r))]))
                cases.append(mk(["--" + p, t.value(r)]))
            else:
                cases.append(mk(["--" + p]))
    return cases


def repeat_cases(t):
    c = [
        mk(["--log=log", "--log=log2"]),
        mk(["-l", "log", "-l", "log2"]),
        mk(["--file-list=list", "--file-list=nolist"]),
        mk(["--file-list=nolist", "--file-list=list"]),
        mk(["--move=q", "--move=noq"]),
        mk(["--move=noq", "--move=q"]),
        mk(["--copy=q", "--copy=noq"]),
        mk(["--move=q", "--copy=noq"]),
        mk(["--copy=q", "--move=noq"]),
        mk(["--remove", "--move=q"]),
        mk(["--move=q", "--remove"]),
        mk(["--remove", "--copy=q"]),
        mk(["--copy=q", "--remove"]),
        mk(["--move=q", "--copy=q", "--remove"]),
        mk(["--remove", "--copy=q", "--move=q"]),
        mk(["--ping=1", "--ping=x"]),
        mk(["--ping=x", "--ping=1"]),
        mk(["-c", "{DEAD}"]),                      # after the lab's -c: ignored
        mk(["-c", "{CONF}"], conf="dead"),         # after a dead -c: still dead
        mk(["--config-file={DEAD}", "--ping=1"]),
    ]
    for r in t.own:
        if r["long_arg"] == "optional":
            n = r["long"]
            c.append(mk(["--%s=no" % n, "--" + n]))
            c.append(mk(["--" + n, "--%s=no" % n]))
    for v in ("1", "3:0", "1:", ":1", "0", "-1", "x", "1x", "1:x", "99999999999999999999", " 1"):
        c.append(mk(["--ping", v]))
        c.append(mk(["--wait", "--ping", v]))
    return c


def stdin_cases(t):
    infected = "tree/sub/deep/eicar.com"
    clean = "tree/clean.txt"
    c = []
    for stdin in (infected, clean, None, ("pipe", EICAR.encode())):
        c.append(mk(["-"], stdin=stdin, target=False))
        c.append(mk(["--stream", "-"], stdin=stdin, target=False))
        c.append(mk(["--fdpass", "-"], stdin=stdin, target=False))
        c.append(mk(["-m", "-"], stdin=stdin, target=False))
        c.append(mk(["-i", "--no-summary", "-"], stdin=stdin, target=False))
    for extra in (["--move=q"], ["--copy=q"], ["--remove"], ["-z"], ["--quiet"], ["--log=log"]):
        c.append(mk(extra + ["-"], stdin=infected, target=False))
    c += [
        mk(["-f", "list", "-"], stdin=infected, target=False),
        mk(["-", "-f", "list"], stdin=infected, target=False),
        mk(["-", "tree/clean.txt"], stdin=infected, target=False),
        mk(["tree/clean.txt", "-"], stdin=infected, target=False),
        mk(["-", "-"], stdin=infected, target=False),
        mk(["--", "-"], stdin=infected, target=False),
    ]
    return c


def transport_cases(t):
    sets = [[], ["--stream"], ["--fdpass"], ["--stream", "--fdpass"], ["-m"], ["-m", "--stream"],
            ["-m", "--fdpass"], ["-z"], ["-z", "--fdpass"], ["-z", "--stream"], ["-z", "-m"],
            ["--move=q"], ["--move=q", "-m"], ["--copy=q", "--fdpass"], ["--remove", "--stream"],
            ["--ping=1"], ["--version"], ["--wait"]]
    c = []
    for conf in ("tcp", "remote"):
        for s in sets:
            c.append(mk(s, conf=conf))
        c.append(mk(["-"], conf=conf, stdin="tree/sub/deep/eicar.com", target=False))
    return c


def down_cases(t):
    return [
        mk(["--ping=1"], conf="dead"),
        mk(["--ping=2:0"], conf="dead"),
        mk(["--ping=1", "--wait"], conf="dead"),
        mk(["--ping=2:0", "--wait", "--no-summary"], conf="dead"),
        mk(["--ping=1", "--wait", "--quiet"], conf="dead"),
        mk(["--ping=1", "--wait", "--log=log"], conf="dead"),
        mk(["--version"], conf="dead"),
        mk(["--version", "--ping=1"], conf="dead"),
        mk(["--reload"], conf="dead"),
        mk([], conf="dead"),
        mk(["--stream"], conf="dead"),
        mk(["-m"], conf="dead"),
        mk(["--move=q"], conf="dead"),
        mk(["--ping=x"], conf="dead"),
        mk(["-v", "--ping=2:0"], conf="dead"),
        mk(["-v", "--wait", "--ping=2:0"], conf="dead"),
        mk(["--stdout", "--ping=2:0", "--wait"], conf="dead"),
    ]


# ---- running --------------------------------------------------------------------

def make_tree(d):
    os.makedirs(os.path.join(d, "sub", "deep"))
    os.makedirs(os.path.join(d, "emptydir"))
    with open(os.path.join(d, "clean.txt"), "w") as f:
        f.write("nothing to see here\n")
    open(os.path.join(d, "empty"), "w").close()
    for p in ("sub/deep/eicar.com", "sp ace: colon.com"):
        with open(os.path.join(d, p), "w") as f:
            f.write(EICAR)
    with open(os.path.join(d, "both.bin"), "w") as f:
        f.write("head %s middle %s tail\n" % (ALPHA, BETA))


def prepare(d):
    os.makedirs(d)
    make_tree(os.path.join(d, "tree"))
    os.makedirs(os.path.join(d, "q"))
    with open(os.path.join(d, "list"), "w") as f:
        f.write("tree/clean.txt\ntree/sub\ntree/both.bin\n")


def listing(d):
    out = []
    for sub in ("tree", "q"):
        base = os.path.join(d, sub)
        for root, dirs, files in os.walk(base):
            dirs.sort()
            for n in sorted(dirs):
                out.append("d %s" % os.path.relpath(os.path.join(root, n), d))
            for n in sorted(files):
                p = os.path.join(root, n)
                out.append("f %s %d" % (os.path.relpath(p, d), os.lstat(p).st_size))
    for extra in sorted(os.listdir(d)):
        if extra not in ("tree", "q", "list", "log", "log2"):
            out.append("? %s" % extra)
    return out


class Run:
    def __init__(self, binary, case, d, confs):
        prepare(d)
        argv = [binary] + case.argv(confs)
        kw = dict(cwd=os.path.join(d, case.cwd) if case.cwd else d, env=env(),
                  capture_output=True, timeout=120)
        if isinstance(case.stdin, tuple):
            kw["input"] = case.stdin[1]
        elif case.stdin:
            kw["stdin"] = open(os.path.join(d, case.stdin), "rb")
        else:
            kw["stdin"] = subprocess.DEVNULL
        try:
            p = subprocess.run(argv, **kw)
            self.rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            self.rc, out, err = "timeout", e.stdout or b"", e.stderr or b""
        finally:
            if "stdin" in kw and kw["stdin"] is not subprocess.DEVNULL:
                kw["stdin"].close()
        real = os.path.realpath(d)
        self.norm = lambda s: s.replace(real, "<DIR>").replace(d, "<DIR>")
        self.out = self.norm(out.decode("utf-8", "replace"))
        self.err = self.norm(err.decode("utf-8", "replace"))
        self.files = listing(d)
        self.logs = {}
        for n in ("log", "log2"):
            p = os.path.join(d, n)
            if os.path.exists(p):
                with open(p, "rb") as f:
                    self.logs[n] = self.norm(f.read().decode("utf-8", "replace"))
        shutil.rmtree(d, ignore_errors=True)


def clean_lines(text, case):
    lines = [re.sub(r"fd\[\d+\]", "fd[*]", l) for l in text.splitlines() if not TIMED_RE.match(l)]
    if case.verbose:
        lines = [l for l in lines if not VERBOSE_RE.search(l)]
    if case.multiscan:
        lines.sort()
        return lines
    # Result lines are sorted too: clamdscan walks a directory's files in
    # inode order, and the two copies of the tree get different inodes.
    # The summary block keeps its order.
    cut = lines.index(SUMMARY) - 1 if SUMMARY in lines else len(lines)
    cut = max(cut, 0)
    return sorted(lines[:cut]) + lines[cut:]


def warnings(err):
    return [l for l in err.splitlines() if l.startswith("WARNING:")]


def first_value(args, names):
    """The value of the first of the options names in args (clamdscan keeps
    the first), or None."""
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(n + "=") or (not n.startswith("--") and a.startswith(n) and len(a) > len(n)):
                return a.split("=", 1)[1] if "=" in a else a[len(n):]
    return None


def unreadable_list(args):
    return first_value(args, ("--file-list", "-f")) == "nolist"


def missing_quarantine(args):
    # move wins over copy, as in clamdscan
    q = first_value(args, ("--move",))
    return (q if q is not None else first_value(args, ("--copy",))) == "noq"


FILTERS = ("exclude", "exclude-dir", "include", "include-dir")
LONG_NAMES = None


def resolve_long(word):
    """The long option a --word names, as clamdscan's getopt resolves it
    (the whole name, else the one it begins), or None."""
    global LONG_NAMES
    if LONG_NAMES is None:
        LONG_NAMES = [r["long"] for r in load_table()]
    name = word[2:].split("=", 1)[0]
    if name in LONG_NAMES:
        return name
    fits = [n for n in LONG_NAMES if n.startswith(name)]
    return fits[0] if len(fits) == 1 else None


def filter_given(args):
    """clamscan's --exclude, --include and their -dir forms, with a pattern:
    clamdscan ignores them with a warning, clamdscan-ng applies them."""
    for i, a in enumerate(args):
        if not a.startswith("--") or resolve_long(a) not in FILTERS:
            continue
        value = a.split("=", 1)[1] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
        if value:
            return True
    return False


# Differences clamdscan-ng makes on purpose, each documented in the man
# page (DIFFERENCES FROM CLAMDSCAN): a command line for which the test
# holds may differ in exactly the aspects named, nothing else.
DOCUMENTED = [
    # the filters are applied, so no warning, and files they pass over
    # are not scanned (the test's pattern "1" matches the run directory)
    (filter_given, ("stderr warnings", "stdout", "exit status", "log file", "stderr:"),
     "--exclude, --exclude-dir, --include, --include-dir are applied"),
    # clamdscan exits 0 when the list cannot be opened
    (unreadable_list, ("exit status", "stdout"), "an unreadable -f list is an error"),
    # clamdscan says "action_setup: Failed to get realpath of noq" on stdout
    (missing_quarantine, ("stdout", "stderr:"), "a missing quarantine directory: ERROR on stderr"),
]


def documented(case, diffs):
    """The differences not explained by DOCUMENTED for this command line."""
    for applies, aspects, _why in DOCUMENTED:
        if applies(case.args):
            return [d for d in diffs if not d.startswith(aspects)]
    return diffs


def compare(case, ref, ng):
    """Returns a list of the differences, each a short text."""
    diffs = compare_all(case, ref, ng)
    left = documented(case, [d for d in diffs if not d.startswith(("clamdscan stderr:",
                                                                   "clamdscan-ng stderr:"))])
    return diffs if left else []


def compare_all(case, ref, ng):
    """Every difference, each a short text."""
    diffs = []
    if ref.rc != ng.rc:
        diffs.append("exit status: clamdscan %s, clamdscan-ng %s" % (ref.rc, ng.rc))
    if HELP_MARK in ref.out and ref.rc == 0:
        if HELP_MARK not in ng.out:
            diffs.append("stdout: clamdscan prints its help, clamdscan-ng does not")
    else:
        a, b = clean_lines(ref.out, case), clean_lines(ng.out, case)
        if a != b:
            d = list(difflib.unified_diff(a, b, "clamdscan", "clamdscan-ng", n=1, lineterm=""))[2:]
            diffs.append("stdout (-clamdscan +clamdscan-ng):\n" + "\n".join(
                "      " + l for l in d[:14]) + ("\n      ..." if len(d) > 14 else ""))
    re_, ne = bool(ERROR_RE.search(ref.err)), bool(ERROR_RE.search(ng.err))
    if re_ != ne:
        diffs.append("stderr: %s" % ("only clamdscan-ng reports an error" if ne
                                     else "only clamdscan reports an error"))
    if warnings(ref.err) != warnings(ng.err):
        diffs.append("stderr warnings: clamdscan %r, clamdscan-ng %r"
                     % (warnings(ref.err), warnings(ng.err)))
    if ref.files != ng.files:
        a, b = set(ref.files), set(ng.files)
        diffs.append("files: only after clamdscan %s; only after clamdscan-ng %s"
                     % (sorted(a - b) or "-", sorted(b - a) or "-"))
    for n in sorted(set(ref.logs) | set(ng.logs)):
        if n not in ng.logs or n not in ref.logs:
            diffs.append("log file %s written only by %s" % (n, "clamdscan" if n in ref.logs
                                                               else "clamdscan-ng"))
        elif clean_lines(ref.logs[n], case) != clean_lines(ng.logs[n], case):
            d = list(difflib.unified_diff(clean_lines(ref.logs[n], case),
                                          clean_lines(ng.logs[n], case), n=0, lineterm=""))[2:]
            diffs.append("log file %s differs:\n%s" % (n, "\n".join("      " + l for l in d[:8])))
    if diffs:
        # enough of stderr to see why
        for who, r in (("clamdscan", ref), ("clamdscan-ng", ng)):
            lines = r.err.strip().splitlines()
            if lines:
                diffs.append("%s stderr: %s" % (who, " | ".join(lines[:4])
                                                + (" | ..." if len(lines) > 4 else "")))
    return diffs


def write_confs(work):
    lab = os.environ["LAB_CONF"]
    tcp = os.environ.get("LAB_TCP_CONF") or lab
    port = os.environ.get("LAB_PORT")
    if not port:
        with open(tcp) as f:
            m = re.search(r"^TCPSocket\s+(\d+)", f.read(), re.M)
            port = m.group(1) if m else "3310"
    confs = {"lab": lab, "tcp": tcp}
    # Remote: clamdscan calls the daemon remote when any TCPAddr cannot be
    # bound here.  192.0.2.1 (TEST-NET-1) never can; it is listed second,
    # so the connection goes to 127.0.0.1 first, which answers: nothing
    # leaves loopback while the lab daemon runs (checked before use).
    remote = os.path.join(work, "remote.conf")
    with open(remote, "w") as f:
        f.write("TCPSocket %s\nTCPAddr 127.0.0.1\nTCPAddr 192.0.2.1\nStreamMaxLength 1M\n" % port)
    dead = os.path.join(work, "dead.conf")
    with open(dead, "w") as f:
        f.write("LocalSocket %s\n" % os.path.join(work, "no-daemon.sock"))
    confs["remote"], confs["dead"] = remote, dead
    confs["none"] = ""
    return confs


def lab_alive(confs):
    ref = os.environ.get("REF", "clamdscan")
    p = subprocess.run([ref, "-c", confs["tcp"], "--ping=1"], capture_output=True, env=env())
    return p.returncode == 0


def run_cases(mode, cases, args):
    ref = shutil.which(os.environ.get("REF", "clamdscan")) or os.environ.get("REF")
    ng = os.environ.get("NG") or os.path.join(HERE, "..", "src", "clamdscan-ng")
    # drop duplicates, keep order
    seen, uniq = set(), []
    for c in cases:
        if c.key() not in seen:
            seen.add(c.key())
            uniq.append(c)
    if args.list:
        for c in uniq:
            print(c.show())
        return 0
    for var in ("LAB_CONF",):
        if not os.environ.get(var):
            print("option-pairs: %s is not set (run from tests/option-pairs.bats, or set the "
                  "lab's variables)" % var)
            return 1
    work = tempfile.mkdtemp(prefix="optpairs.", dir=args.workdir)
    confs = write_confs(work)
    if any(c.conf == "remote" for c in uniq) and not lab_alive(confs):
        print("option-pairs: the lab daemon does not answer on TCP: not using remote.conf")
        shutil.rmtree(work, ignore_errors=True)
        return 1
    counter = iter(range(10 ** 9))
    lock = threading.Lock()

    def one(c):
        with lock:
            i = next(counter)
        r = Run(ref, c, os.path.join(work, "%d-ref" % i), confs)
        n = Run(ng, c, os.path.join(work, "%d-ng" % i), confs)
        return c, compare(c, r, n)

    bad = 0
    # clamd answers MULTISCAN with "Not enough threads for multiscan" when
    # its other threads are busy: a case with -m runs alone, after the rest.
    alone = [c for c in uniq if c.multiscan]
    shared = [c for c in uniq if not c.multiscan]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        done = dict(zip(map(id, shared), pool.map(one, shared)))
    for c in alone:
        done[id(c)] = one(c)
    results = [done[id(c)] for c in uniq]
    report = open(args.report, "a") if args.report else None
    for c, d in results:
        if d:
            bad += 1
            print("DIFFERS: " + c.show())
            for line in d:
                print("    " + line)
            if report:
                what = [x.split("\n")[0].split(":")[0] for x in d
                        if not x.startswith(("clamdscan stderr", "clamdscan-ng stderr"))]
                report.write("%s\t%s\t%s\t%s\n" % (mode, c.show(), ", ".join(what),
                                                   " || ".join(x.replace("\n", " ") for x in d)))
    if report:
        report.close()
    shutil.rmtree(work, ignore_errors=True)
    print("%s: %d of %d command lines differ (the run directory holds tree/, q/, list;"
          " {REMOTE}=remote.conf, {DEAD}=dead.conf: see tests/option-pairs.py)"
          % (mode, bad, len(uniq)))
    return 1 if bad else 0


def check_table(t):
    """Every row still describes $REF: accepted, with the same message."""
    ref = shutil.which(os.environ.get("REF", "clamdscan")) or os.environ.get("REF")
    bad = 0

    def probe(args):
        p = subprocess.run([ref, "-c", "/nonexistent/clamd.conf"] + args, capture_output=True,
                           env=env(), stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = []
        for r in t.rows:
            a = ["--%s=%s" % (r["long"], IGNORED_VALUE if r["class"].startswith("warned")
                              else ("yes" if r["long_arg"] == "optional" else "x"))]
            jobs.append((r, a, pool.submit(probe, a)))
        for r, a, fut in jobs:
            rc, out, err = fut.result()
            ok = "Can't parse clamd configuration file" in err or (r["long"] == "help" and rc == 0)
            warn = [l for l in err.splitlines() if l.startswith("WARNING:")]
            want = [] if r["message"] == "-" else [r["message"]]
            if not ok or warn != want:
                bad += 1
                print("table row %s: clamdscan %s now says: %s" % (r["long"], " ".join(a),
                                                                    err.strip().replace("\n", " | ")))
    print("table: %d of %d rows no longer describe %s" % (bad, len(t.rows), ref))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description="clamdscan-ng against clamdscan, option by option")
    ap.add_argument("mode")
    ap.add_argument("name", nargs="?")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("OPTION_PAIRS_JOBS", "4")))
    ap.add_argument("--report")
    ap.add_argument("--workdir", default=os.environ.get("BATS_TEST_TMPDIR") or None)
    a = ap.parse_args()
    t = Table(load_table())
    gens = {
        "clamscan-alone": clamscan_alone_cases, "clamscan-scan": clamscan_scan_cases,
        "shorts": shorts_cases, "abbrev": abbrev_cases, "repeat": repeat_cases,
        "stdin": stdin_cases, "transports": transport_cases, "down": down_cases,
    }
    if a.mode == "table":
        return check_table(t)
    if a.mode == "own-names":
        print("\n".join(r["long"] for r in t.own))
        return 0
    if a.mode == "own":
        if a.name not in t.by_long or t.by_long[a.name] not in t.own:
            print("option-pairs: %r is not one of clamdscan's own options in %s"
                  % (a.name, TABLE))
            return 1
        return run_cases("own " + a.name, own_cases(t, a.name), a)
    if a.mode == "all":
        rc = check_table(t)
        for r in t.own:
            rc |= run_cases("own " + r["long"], own_cases(t, r["long"]), a)
        for m, g in gens.items():
            rc |= run_cases(m, g(t), a)
        return rc
    if a.mode not in gens:
        ap.error("unknown mode %s" % a.mode)
    return run_cases(a.mode, gens[a.mode](t), a)


if __name__ == "__main__":
    sys.exit(main())
