#!/usr/bin/env python3
"""fakeclamd.py - a scriptable, misbehaving clamd for the clamdscan-ng tests.

Usage:
  fakeclamd.py (--unix PATH | --tcp PORT) --mode MODE [options]

It listens on a Unix socket (or 127.0.0.1:PORT; PORT 0 picks a free port,
see --port-file), serves many connections at once (one thread each) and
runs in the foreground until SIGTERM/SIGINT.  Once it is listening it writes
--pidfile (atomically): tests wait for that file as the ready marker.

It speaks the clamd protocol: z- and n-framed commands (and legacy unframed
ones outside sessions), PING, VERSION, VERSIONCOMMANDS, STATS, RELOAD,
SCAN / CONTSCAN / MULTISCAN / ALLMATCHSCAN path, INSTREAM with chunks,
FILDES with SCM_RIGHTS, and IDSESSION ... END with "N: ..." replies.

Mode `good` behaves like clamd 1.4 with the project's test signatures:
  * content containing the EICAR string  -> Ng.Test.EICAR.HDB.UNOFFICIAL
    content containing the ALPHA string  -> Ng.Test.Alpha.UNOFFICIAL
    content containing the BETA string   -> Ng.Test.Beta.UNOFFICIAL
    (ALPHA/BETA: "CLAMDSCAN-NG-TEST-" + "ALPHA"/"BETA", as in
    tests/sigs/ng-test.ndb; unlike the real .hdb signature, EICAR matches
    anywhere in a file);
    ALLMATCHSCAN of a file reports every match, everything else the first;
  * replies echo the path as clamd does: "/abs/path: OK", "stream: OK",
    "fd[N]: OK" (N = the descriptor number inside this process);
  * directories are walked (sorted, symlinks not followed): one line per
    infected file, and "dir: OK" if nothing was found; SCAN and
    ALLMATCHSCAN stop at the first infected file, CONTSCAN and MULTISCAN
    go on;
  * clamd quirks copied on purpose: a missing path gives "path: File path
    check failure: No such file or directory. ERROR"; a symlink given as
    the path is not followed and yet answered "path: OK"; a FIFO or device
    gets "path: Not supported file type ERROR" followed by "path: OK";
  * INSTREAM beyond --max-stream gets "INSTREAM size limit exceeded. ERROR"
    and the connection is closed; FILDES without a descriptor gets "No file
    descriptor received. ERROR";
  * inside IDSESSION only SCAN, INSTREAM, FILDES, VERSION, VERSIONCOMMANDS,
    PING and STATS are allowed; anything else gets "N: Command invalid
    inside IDSESSION. ERROR" and the connection is closed.

Misbehaviour modes.  The per-request modes below hit every command (PING,
VERSION, RELOAD, ... included).  With --misbehave-on scan they hit only
scan requests (SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN, INSTREAM, FILDES),
so a client's PING or VERSIONCOMMANDS probe still works and the failure
hits the scan itself.  Inside IDSESSION replies keep their "N: " prefix
unless stated otherwise.

  close_no_reply       read the whole request (stream, descriptor), then
                       close without sending a byte.
  close_mid_reply      send the first half of the correct reply line (no
                       terminator), then close.
  garbage              answer "HELLO THERE", a line that is no result.
  unknown_command      answer "UNKNOWN COMMAND" at once (without reading an
                       INSTREAM/FILDES payload) and close.
  command_unavailable  answer "COMMAND UNAVAILABLE" at once and close.
  silent               read everything, never answer, keep the connection
                       open until the client closes it (no read timeout).
  trickle              correct replies, one byte at a time with
                       --trickle-delay seconds between bytes.
  endless_line         after the request, send bytes with no terminator,
                       as fast as possible, until the client closes.
  reset_while_sending  on INSTREAM: after the first chunk, close with
                       SO_LINGER 0, so the client gets a TCP/Unix RST.
                       Other commands are answered as in `good`.
  size_limit           on INSTREAM: after the first chunk, answer
                       "INSTREAM size limit exceeded. ERROR" and close.
                       Other commands are answered as in `good`.
  found_elsewhere      answer "/etc/passwd: Ng.Test.EICAR.HDB.UNOFFICIAL
                       FOUND", a path the client did not ask about.
  found_dotdot         answer "PATH/../elsewhere: Ng.Test.EICAR.HDB.UNOFFICIAL
                       FOUND" to a request about PATH: a name that starts
                       with the one asked about and leads out of it.
  no_idsession         VERSIONCOMMANDS does not list IDSESSION and
                       IDSESSION answers "UNKNOWN COMMAND" and closes.
                       Everything else as in `good`.

Session modes (only inside IDSESSION; requests outside a session are
answered as in `good`).  "Idle" means no new request for --idle seconds.

  session_every_other  answer requests 1, 3, 5, ... only; close after END,
                       or when idle with requests unanswered.
  session_reverse[=N]  hold replies until END, N requests (default
                       --batch) or idle, then send them in reverse order.
  session_unknown_id   answer request 1 with id 1001 (never issued); the
                       other requests are answered correctly.
  session_repeat_id    answer request 1 twice.
  session_close_after=N
                       close the connection right after the N-th reply.
                       The count is per connection: a client that opens a
                       new session gets N more answers.
  session_silent_after=N
                       after the N-th reply, read everything and never
                       answer again, keeping the connection open.

Race option:
  --swap-dir-on-request --decoy DIR [--swap-target PATH]
      For every scan request, before answering: take the target file (the
      requested path; for a directory the first regular file of a sorted
      walk; for INSTREAM/FILDES --swap-target or $FAKECLAMD_SWAP_TARGET),
      rename its parent directory aside to PARENT.swapped (once: skipped if
      PARENT is already a symlink) and put a symlink to DIR in its place.
      Then answer "<target>: Ng.Test.EICAR.HDB.UNOFFICIAL FOUND" ("stream:"
      / "fd[N]:" for INSTREAM / FILDES), as if the original file was
      infected.  A client that then acts on the path instead of the
      descriptor it scanned touches the decoy.

Pace (--scan-delay S): every scan request, in any mode, takes S seconds
before its reply, one after the other on a connection: a daemon slower
than its client.

Log (--log F): one line per command received and per reply sent, prefixed
with a connection number, so tests can check what a client sent.
"""

import argparse
import os
import select
import signal
import socket
import stat
import struct
import sys
import threading
import time

# Split so that neither this file nor a scan of the source tree matches
# (EICAR with the official databases, ALPHA/BETA with tests/sigs).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURES = [
    (EICAR, "Ng.Test.EICAR.HDB.UNOFFICIAL"),
    (b"CLAMDSCAN-NG-TEST-" + b"ALPHA", "Ng.Test.Alpha.UNOFFICIAL"),
    (b"CLAMDSCAN-NG-TEST-" + b"BETA", "Ng.Test.Beta.UNOFFICIAL"),
]
EICAR_NAME = SIGNATURES[0][1]

VERSION = "ClamAV 1.4.6/0/fake"
# Same order as clamd 1.4.6 prints them.
COMMANDS = ("SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN "
            "MULTISCAN FILDES STATS IDSESSION INSTREAM DETSTATSCLEAR DETSTATS "
            "ALLMATCHSCAN").split()
PATH_COMMANDS = {"SCAN", "CONTSCAN", "MULTISCAN", "ALLMATCHSCAN"}
SCAN_COMMANDS = PATH_COMMANDS | {"INSTREAM", "FILDES"}
SESSION_COMMANDS = {"SCAN", "INSTREAM", "FILDES", "VERSION", "VERSIONCOMMANDS",
                    "PING", "STATS"}
# Commands clamd refuses without z/n framing.
PREFIX_REQUIRED = {"INSTREAM", "ALLMATCHSCAN", "VERSIONCOMMANDS", "IDSESSION", "END"}

PER_REQUEST_MODES = {"close_no_reply", "close_mid_reply", "garbage",
                     "unknown_command", "command_unavailable", "silent",
                     "trickle", "endless_line", "found_elsewhere", "found_dotdot"}
INSTREAM_MODES = {"reset_while_sending", "size_limit"}
SESSION_MODES = {"session_every_other", "session_reverse", "session_unknown_id",
                 "session_repeat_id", "session_close_after", "session_silent_after"}
ALL_MODES = ({"good", "no_idsession"} | PER_REQUEST_MODES | INSTREAM_MODES
             | SESSION_MODES)

# clamd allocates PATH_MAX + 8 bytes for a command record.
MAX_RECORD = 4096 + 8
CHUNK = 65536


class Closed(Exception):
    """The connection is over: peer gone, timeout, or a mode ended it."""


class Matcher:
    """Finds the test signatures in data fed in pieces, in bounded memory."""

    KEEP = max(len(sig) for sig, _ in SIGNATURES) - 1

    def __init__(self):
        self.found = set()
        self.tail = b""

    def feed(self, data):
        buf = self.tail + data
        for sig, name in SIGNATURES:
            if name not in self.found and sig in buf:
                self.found.add(name)
        self.tail = buf[-self.KEEP:]

    def names(self):
        return [name for _, name in SIGNATURES if name in self.found]


class Server:
    """Shared state: options, log, and the one-time directory swap."""

    def __init__(self, args):
        self.args = args
        mode, _, param = args.mode.partition("=")
        if mode not in ALL_MODES:
            raise SystemExit("fakeclamd: unknown mode %r (see --help)" % args.mode)
        self.mode = mode
        self.param = None
        if param:
            if mode not in ("session_close_after", "session_silent_after", "session_reverse"):
                raise SystemExit("fakeclamd: mode %s takes no =N" % mode)
            try:
                self.param = int(param)
            except ValueError:
                raise SystemExit("fakeclamd: %s needs a number after '='" % mode)
            if self.param < 1:
                raise SystemExit("fakeclamd: %s=N needs N >= 1" % mode)
        if mode in ("session_close_after", "session_silent_after") and self.param is None:
            raise SystemExit("fakeclamd: use --mode %s=N" % mode)
        self.batch = self.param if mode == "session_reverse" and self.param else args.batch
        self.swap_target = args.swap_target or os.environ.get("FAKECLAMD_SWAP_TARGET")
        if args.swap_dir_on_request and not args.decoy:
            raise SystemExit("fakeclamd: --swap-dir-on-request needs --decoy DIR")
        self.lock = threading.Lock()
        self.logf = open(args.log, "a", buffering=1, errors="backslashreplace") if args.log else None
        self.conn_count = 0

    def log(self, cid, msg):
        if self.logf is None:
            return
        with self.lock:
            self.logf.write("%.3f c%d %s\n" % (time.time(), cid, msg))

    def affects(self, name):
        """True if a per-request misbehaviour applies to this command."""
        if self.mode not in PER_REQUEST_MODES:
            return False
        return self.args.misbehave_on == "all" or name in SCAN_COMMANDS

    def swap(self, cid, target):
        """Rename target's parent aside and plant a symlink to the decoy."""
        parent = os.path.dirname(os.path.abspath(target))
        with self.lock:
            if os.path.islink(parent):
                return
            aside = parent + ".swapped"
            n = 0
            while os.path.lexists(aside):
                n += 1
                aside = "%s.swapped%d" % (parent, n)
            os.rename(parent, aside)
            os.symlink(os.path.abspath(self.args.decoy), parent)
        self.log(cid, "swapped %s -> %s, symlink to %s" % (parent, aside, self.args.decoy))


class Conn:
    """One client connection; all protocol handling for it."""

    def __init__(self, srv, sock, cid, unix):
        self.srv = srv
        self.sock = sock
        self.cid = cid
        self.unix = unix
        self.buf = bytearray()
        self.fds = []
        # silent keeps connections open for as long as the client wants.
        self.timeout = None if srv.mode == "silent" else srv.args.read_timeout

    # ---- reading -------------------------------------------------------

    def _recv(self, timeout):
        """Read once into buf (and collect passed descriptors).

        Returns False on timeout; raises Closed at end of stream."""
        try:
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if not ready:
                return False
            if self.unix:
                data, fds, _, _ = socket.recv_fds(self.sock, CHUNK, 8)
                self.fds.extend(fds)
            else:
                data = self.sock.recv(CHUNK)
        except OSError as e:
            raise Closed("recv: %s" % e)
        if not data:
            raise Closed("eof")
        self.buf += data
        return True

    def _fill(self, n):
        while len(self.buf) < n:
            if not self._recv(self.timeout):
                raise Closed("read timeout")

    def wait_data(self, timeout):
        """True if request bytes are (or become) available within timeout."""
        return bool(self.buf) or self._recv(timeout)

    def read_exact(self, n):
        self._fill(n)
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read_record(self):
        """Read one command record: returns (terminator, prefixed, text)."""
        self._fill(1)
        first = self.buf[0]
        if first in (ord("z"), ord("n")):
            term = b"\0" if first == ord("z") else b"\n"
            start, prefixed = 1, True
        else:
            term, start, prefixed = b"\n", 0, False
        while True:
            idx = self.buf.find(term, start)
            if idx >= 0:
                text = bytes(self.buf[start:idx])
                del self.buf[:idx + 1]
                break
            if len(self.buf) > MAX_RECORD:
                # clamd drops such a connection without a reply.
                raise Closed("command too long")
            if not prefixed:
                # clamd takes a legacy command that arrives without a
                # newline as it is.
                if not self._recv(0.2):
                    text = bytes(self.buf)
                    self.buf.clear()
                    break
                continue
            if not self._recv(self.timeout):
                raise Closed("read timeout")
        cmd = text.decode("utf-8", "surrogateescape")
        self.srv.log(self.cid, "< %s%s" % ({b"\0": "z", b"\n": "n"}[term] if prefixed else "", cmd))
        return term, prefixed, cmd

    def take_fd(self, wait=10.0):
        """Wait for a passed descriptor and eat the dummy byte sent with it."""
        deadline = time.monotonic() + wait
        while not self.fds:
            left = deadline - time.monotonic()
            if left <= 0 or not self._recv(left):
                return None
        fd = self.fds.pop(0)
        try:
            self._fill(1)
            del self.buf[:1]
        except Closed:
            os.close(fd)
            raise
        return fd

    # ---- writing -------------------------------------------------------

    def encode(self, text, term, rid):
        line = ("%d: " % rid if rid is not None else "") + text
        return line.encode("utf-8", "surrogateescape") + term

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Closed("send: %s" % e)

    def reply(self, text, term, rid=None, trickle=False):
        data = self.encode(text, term, rid)
        self.srv.log(self.cid, "> %s" % data[:-1].decode("utf-8", "backslashreplace"))
        if not trickle:
            self.send(data)
            return
        for i in range(len(data)):
            self.send(data[i:i + 1])
            time.sleep(self.srv.args.trickle_delay)

    def finish(self):
        """Close politely: FIN, then drain briefly so close() sends no RST
        that could destroy a reply the client has not read yet."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 2.0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready or not self.sock.recv(CHUNK):
                    break
        except OSError:
            pass

    def abort(self):
        """Close with SO_LINGER 0: the kernel sends a reset."""
        self.srv.log(self.cid, "! reset")
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def drain_forever(self):
        """silent: swallow whatever comes, never answer, until EOF."""
        self.srv.log(self.cid, "! silent")
        while True:
            self.buf.clear()
            self._recv(None)

    def endless(self):
        """endless_line: no terminator, ever, as fast as the socket takes it."""
        self.srv.log(self.cid, "! endless line")
        block = b"A" * CHUNK
        while True:
            self.send(block)

    # ---- scanning ------------------------------------------------------

    def scan_file(self, path):
        m = Matcher()
        with open(path, "rb") as f:
            while True:
                data = f.read(CHUNK)
                if not data:
                    break
                m.feed(data)
        return m.names()

    def file_lines(self, path, allmatch):
        try:
            names = self.scan_file(path)
        except OSError:
            return [], ["%s: Access denied. ERROR" % path]
        if not names:
            return [], ["%s: OK" % path]
        if not allmatch:
            names = names[:1]
        return names, ["%s: %s FOUND" % (path, n) for n in names]

    def walk_files(self, top):
        """Regular files under top, sorted, symlinks not followed."""
        for root, dirs, files in os.walk(top, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                try:
                    st = os.lstat(full)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    yield full

    def scan_path(self, cmd, path):
        allmatch = cmd == "ALLMATCHSCAN"
        stop_first = cmd in ("SCAN", "ALLMATCHSCAN")
        try:
            st = os.lstat(path)
        except OSError as e:
            return ["%s: File path check failure: %s. ERROR" % (path, e.strerror)]
        if stat.S_ISLNK(st.st_mode):
            return ["%s: OK" % path]
        if stat.S_ISREG(st.st_mode):
            return self.file_lines(path, allmatch)[1]
        if not stat.S_ISDIR(st.st_mode):
            return ["%s: Not supported file type ERROR" % path, "%s: OK" % path]
        base = path.rstrip("/") or "/"
        lines = []
        found = False
        for full in self.walk_files(path):
            names, out = self.file_lines(full, allmatch)
            if names:
                found = True
                lines += out
                if stop_first:
                    return lines
            elif not out[0].endswith(": OK"):
                lines += out
        if not found:
            lines.append("%s: OK" % base)
        return lines

    def swap_for_path(self, path):
        """--swap-dir-on-request for a path command: the file to report."""
        target = path
        if os.path.isdir(path) and not os.path.islink(path):
            target = next(self.walk_files(path), None)
            if target is None:
                return path
        self.srv.swap(self.cid, target)
        return target

    def instream(self):
        """Read an INSTREAM body.  Returns (names, over_limit)."""
        m = Matcher()
        total = 0
        limit = self.srv.args.max_stream
        while True:
            (n,) = struct.unpack(">I", self.read_exact(4))
            if n == 0:
                return m.names(), False
            if total + n > limit:
                self.srv.log(self.cid, "! stream of %d+%d bytes over limit %d" % (total, n, limit))
                return [], True
            total += n
            while n > 0:
                self._fill(1)
                piece = bytes(self.buf[:n])
                del self.buf[:len(piece)]
                n -= len(piece)
                m.feed(piece)

    def first_chunk(self):
        """Read the first INSTREAM chunk, discarding its data."""
        (n,) = struct.unpack(">I", self.read_exact(4))
        while n > 0:
            self._fill(1)
            take = min(n, len(self.buf))
            del self.buf[:take]
            n -= take

    def fildes(self):
        """Returns (label, names) or (None, None) if no descriptor came."""
        fd = self.take_fd()
        if fd is None:
            return None, None
        label = "fd[%d]" % fd
        self.srv.log(self.cid, "< descriptor %s" % label)
        m = Matcher()
        try:
            off = 0
            while True:
                data = os.pread(fd, CHUNK, off)
                if not data:
                    break
                off += len(data)
                m.feed(data)
        except OSError:
            return label, ["ERR"]
        finally:
            os.close(fd)
        return label, m.names()

    def execute(self, name, arg, prefixed):
        """Do what clamd would do.  Returns (reply lines, close after)."""
        swap = self.srv.args.swap_dir_on_request
        if name in PREFIX_REQUIRED and not prefixed:
            return ["UNKNOWN COMMAND"], True
        if name == "PING" and not arg:
            return ["PONG"], False
        if name == "VERSION" and not arg:
            return [self.srv.args.version or VERSION], False
        if name == "SELFCHECK" and not arg:
            if self.srv.args.selfcheck is None:
                return ["UNKNOWN COMMAND"], True
            return [self.srv.args.selfcheck], False
        if name == "VERSIONCOMMANDS" and not arg:
            cmds = [c for c in COMMANDS
                    if not (c == "IDSESSION" and self.srv.mode == "no_idsession")]
            return ["%s| COMMANDS: %s" % (VERSION, " ".join(cmds))], False
        if name == "STATS" and not arg:
            return ["POOLS: 1\n\nSTATE: VALID PRIMARY\nTHREADS: live 1  idle 0 max 4 "
                    "idle-timeout 30\nQUEUE: 0 items\n\nMEMSTATS: heap N/A mmap N/A "
                    "used N/A free N/A releasable N/A pools 1 pools_used 0.000M "
                    "pools_total 0.000M\nEND"], False
        if name == "RELOAD" and not arg:
            return ["RELOADING"], False
        if name in ("SHUTDOWN", "QUIT") and not arg:
            # The fake never exits on request: tests own its lifetime.
            return [], True
        if name in PATH_COMMANDS and arg:
            if swap:
                target = self.swap_for_path(arg)
                return ["%s: %s FOUND" % (target, EICAR_NAME)], False
            return self.scan_path(name, arg), False
        if name == "INSTREAM" and not arg:
            names, over = self.instream()
            if over:
                return ["INSTREAM size limit exceeded. ERROR"], True
            if swap and self.srv.swap_target:
                self.srv.swap(self.cid, self.srv.swap_target)
                names = [EICAR_NAME]
            return ["stream: %s FOUND" % names[0] if names else "stream: OK"], False
        if name == "FILDES" and not arg:
            label, names = self.fildes()
            if label is None:
                return ["No file descriptor received. ERROR"], True
            if names == ["ERR"]:
                return ["%s: Access denied. ERROR" % label], False
            if swap and self.srv.swap_target:
                self.srv.swap(self.cid, self.srv.swap_target)
                names = [EICAR_NAME]
            return ["%s: %s FOUND" % (label, names[0]) if names else "%s: OK" % label], False
        return ["UNKNOWN COMMAND"], True

    # ---- request and session flow --------------------------------------

    def request(self, name, arg, prefixed, term, rid):
        """Run one request under the per-request modes.

        Returns (lines, close_after, trickle) for the caller to send, or
        raises Closed when the mode has already ended the connection."""
        srv = self.srv
        mode = srv.mode
        hit = srv.affects(name)
        if hit and mode in ("unknown_command", "command_unavailable"):
            self.reply(mode.replace("_", " ").upper(), term, rid)
            self.finish()
            raise Closed(mode)
        if name == "INSTREAM" and mode in INSTREAM_MODES:
            self.first_chunk()
            if mode == "reset_while_sending":
                self.abort()
                raise Closed(mode)
            self.reply("INSTREAM size limit exceeded. ERROR", term, rid)
            self.finish()
            raise Closed(mode)
        lines, close_after = self.execute(name, arg, prefixed)
        if name in SCAN_COMMANDS and srv.args.scan_delay > 0:
            time.sleep(srv.args.scan_delay)  # a daemon slower than its client
        trickle = False
        if hit:
            if mode == "silent":
                self.drain_forever()
            if mode == "close_no_reply":
                self.srv.log(self.cid, "! close without reply")
                self.finish()
                raise Closed(mode)
            if mode == "close_mid_reply":
                data = self.encode(lines[0] if lines else "PONG", term, rid)
                half = data[:max(1, (len(data) - 1) // 2)]
                self.srv.log(self.cid, "> %r then close" % half)
                self.send(half)
                self.finish()
                raise Closed(mode)
            if mode == "endless_line":
                self.endless()
            if mode == "garbage":
                lines = ["HELLO THERE"]
            if mode == "found_elsewhere":
                lines = ["/etc/passwd: %s FOUND" % EICAR_NAME]
            if mode == "found_dotdot" and arg:
                lines = ["%s/../elsewhere: %s FOUND" % (arg.rstrip("/"), EICAR_NAME)]
            trickle = mode == "trickle"
        return lines, close_after, trickle

    def single(self, term, prefixed, text):
        """A connection carrying one command, closed after the reply."""
        name, _, arg = text.partition(" ")
        if name == "IDSESSION" and prefixed and not arg:
            if self.srv.mode == "no_idsession":
                self.reply("UNKNOWN COMMAND", term)
                self.finish()
                return
            self.session()
            return
        lines, _, trickle = self.request(name, arg, prefixed, term, None)
        for line in lines:
            self.reply(line, term, None, trickle)
        self.finish()

    def session(self):
        srv = self.srv
        mode = srv.mode
        rid = 0
        answered = 0
        unanswered = 0
        held = []  # session_reverse: (rid, lines, term, trickle)

        def flush():
            while held:
                hrid, hlines, hterm, htrickle = held.pop()
                for line in hlines:
                    self.reply(line, hterm, hrid, htrickle)

        while True:
            try:
                if held or (mode == "session_every_other" and unanswered):
                    if not self.wait_data(srv.args.idle):
                        if held:
                            flush()
                            continue
                        self.srv.log(self.cid, "! idle with unanswered requests, closing")
                        break
                term, prefixed, text = self.read_record()
            except Closed as e:
                # A client that half-closes instead of sending END still
                # gets the replies held for it.
                if str(e) != "eof":
                    raise
                break
            name, _, arg = text.partition(" ")
            if not prefixed:
                self.reply("UNKNOWN COMMAND", b"\n")
                break
            if name == "END" and not arg:
                break
            rid += 1
            if name not in SESSION_COMMANDS:
                self.reply("Command invalid inside IDSESSION. ERROR", term, rid)
                break
            lines, close_after, trickle = self.request(name, arg, prefixed, term, rid)
            if mode == "session_every_other" and rid % 2 == 0:
                unanswered += 1
                self.srv.log(self.cid, "! not answering request %d" % rid)
            elif mode == "session_reverse":
                held.append((rid, lines, term, trickle))
                if len(held) >= srv.batch:
                    flush()
            else:
                out_id = rid + 1000 if mode == "session_unknown_id" and rid == 1 else rid
                for line in lines:
                    self.reply(line, term, out_id, trickle)
                if mode == "session_repeat_id" and rid == 1:
                    for line in lines:
                        self.reply(line, term, out_id, trickle)
                answered += 1
                if mode == "session_close_after" and answered >= srv.param:
                    self.srv.log(self.cid, "! closing session after %d replies" % answered)
                    self.finish()
                    return
                if mode == "session_silent_after" and answered >= srv.param:
                    self.drain_forever()
            if close_after:
                break
        flush()
        self.finish()

    def run(self):
        try:
            term, prefixed, text = self.read_record()
            self.single(term, prefixed, text)
        except Closed as e:
            self.srv.log(self.cid, "- closed (%s)" % e)
        except Exception as e:  # never let one connection kill the server
            self.srv.log(self.cid, "! internal error: %r" % e)
        finally:
            for fd in self.fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                self.sock.close()
            except OSError:
                pass


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="fakeclamd.py",
        description="A scriptable, misbehaving clamd for tests (see the "
                    "header of this file for the modes).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="modes: " + ", ".join(sorted(ALL_MODES - {"session_close_after", "session_silent_after", "session_reverse"}))
               + ", session_reverse[=N], session_close_after=N, session_silent_after=N")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--unix", metavar="PATH", help="listen on this Unix socket")
    where.add_argument("--tcp", metavar="PORT", type=int,
                       help="listen on 127.0.0.1:PORT (0: pick a free port)")
    p.add_argument("--tcp-addr", default="127.0.0.1", metavar="ADDR",
                   help="with --tcp: the address to listen on (::1 for IPv6)")
    p.add_argument("--mode", default="good", help="behaviour (default: good)")
    p.add_argument("--pidfile", metavar="F", help="write pid here once listening (ready marker)")
    p.add_argument("--port-file", metavar="F", help="write the TCP port here before the pidfile")
    p.add_argument("--log", metavar="F", help="append a log of commands and replies")
    p.add_argument("--misbehave-on", choices=("all", "scan"), default="all",
                   help="per-request modes hit all commands (default) or scan commands only")
    p.add_argument("--trickle-delay", type=float, default=0.02, metavar="S",
                   help="seconds between bytes in trickle mode (default 0.02)")
    p.add_argument("--scan-delay", type=float, default=0.0, metavar="S",
                   help="seconds each scan request takes before its reply (default 0)")
    p.add_argument("--batch", type=int, default=4, metavar="N",
                   help="session_reverse: requests to hold before answering (default 4)")
    p.add_argument("--idle", type=float, default=1.0, metavar="S",
                   help="session modes: seconds without a request before giving up "
                        "waiting (default 1)")
    p.add_argument("--read-timeout", type=float, default=60.0, metavar="S",
                   help="drop a connection idle this long (default 60; silent: never)")
    p.add_argument("--max-stream", type=int, default=1024 * 1024, metavar="BYTES",
                   help="INSTREAM limit, like StreamMaxLength (default 1M)")
    p.add_argument("--swap-dir-on-request", action="store_true",
                   help="race test: swap the target's parent dir for a symlink to --decoy")
    p.add_argument("--decoy", metavar="DIR", help="where the planted symlink points")
    p.add_argument("--version", metavar="TEXT",
                   help='the answer to VERSION (default "%s"), e.g. '
                        '"ClamAV 1.4.6/27478/Tue Dec  3 09:34:50 2024"' % VERSION)
    p.add_argument("--selfcheck", metavar="TEXT",
                   help="the answer to SELFCHECK (default: UNKNOWN COMMAND, as clamd 1.4.6)")
    p.add_argument("--swap-target", metavar="PATH",
                   help="file whose parent is swapped for INSTREAM/FILDES "
                        "(default $FAKECLAMD_SWAP_TARGET)")
    return p.parse_args(argv)


def write_atomic(path, text):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main(argv):
    args = parse_args(argv)
    srv = Server(args)

    if args.unix:
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if stat.S_ISSOCK(os.lstat(args.unix).st_mode):
                os.unlink(args.unix)  # stale socket from an earlier run
        except FileNotFoundError:
            pass
        lsock.bind(args.unix)
        os.chmod(args.unix, 0o666)  # like LocalSocketMode 666
    else:
        family = socket.AF_INET6 if ":" in args.tcp_addr else socket.AF_INET
        lsock = socket.socket(family, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((args.tcp_addr, args.tcp))
    lsock.listen(128)

    def stop(signum, _frame):
        # Remove what we created and leave at once, even with connection
        # threads blocked in recv/send: no mode may hang a test run.
        for f in (args.unix, args.pidfile):
            if f:
                try:
                    os.unlink(f)
                except OSError:
                    pass
        srv.log(0, "stopped by signal %d" % signum)
        os._exit(0)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    if args.port_file:
        write_atomic(args.port_file, "%d\n" % lsock.getsockname()[1])
    if args.pidfile:
        write_atomic(args.pidfile, "%d\n" % os.getpid())
    srv.log(0, "listening on %s, mode %s" % (args.unix or lsock.getsockname(), args.mode))

    while True:
        try:
            sock, _ = lsock.accept()
        except OSError:
            time.sleep(0.05)  # e.g. out of descriptors: do not spin
            continue
        srv.conn_count += 1
        conn = Conn(srv, sock, srv.conn_count, bool(args.unix))
        threading.Thread(target=conn.run, daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
