/* IDSESSION engine: one non-blocking connection per daemon, requests
 * written while replies are read (never blocking send/recv in turn),
 * replies matched to requests by id through a table, each file reported
 * exactly once.
 *
 * An OK to SCAN is believed only once the daemon has answered a PING sent
 * after it: clamd being stopped answers OK for the files it was scanning,
 * even infected ones, and then closes (its path walker drops the result
 * and counts the file clean; INSTREAM and FILDES answers come from the
 * scan itself). Until that PONG such an OK is held, and answers after it
 * wait their turn. If the session ends first, a PING on a new connection
 * tells a daemon that merely ended the session (its OKs stand) from one
 * that is going away (the files are scanned again). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "driver/engine.h"
#include "clamd/reply.h"
#include "scan/verdict.h"

/* 64 KiB chunks: 16 send()/read() pairs per MiB where clamdscan's 8 KiB
 * takes 128, yet still well inside a Unix socket's default send buffer. */
#define CHUNK_SIZE (64 * 1024)

/* The INSTREAM command; sizeof counts its NUL terminator. */
#define INSTREAM_CMD "zINSTREAM"

/* Failed sessions a request may be charged for before it is an error: a
 * session that answered nothing, or broke the protocol, charges each
 * request it left unanswered; one that made progress charges nobody. */
#define CHARGES_PER_REQUEST 2

/* The short reason of a protocol violation, told apart by address. */
static const char INVALID_REPLY[] = "clamd sent an invalid reply";

/* Consecutive session failures without one good reply before giving up. */
#define MAX_RESTARTS 4

/* Seconds a connect or a command outside the session may take while other
 * daemons are there to scan. */
#define RECONNECT_TIMEOUT 5

struct request {
	struct scan_file *file;
	struct request *next; /* answered, held until confirmed */
	enum reply_status st; /* the answer, once there is one */
	char *detail;         /* its signature or message (owned), or NULL */
	enum transport how; /* as last sent: SCAN, INSTREAM or FILDES */
	unsigned sends;
	unsigned charges;
	bool truncated;  /* INSTREAM: more than StreamMaxLength bytes; the rest unsent */
	int read_errno;  /* INSTREAM: reading the file failed part way */
};

/* One daemon's IDSESSION connection and what is outstanding on it. */
struct session {
	struct engine *e;
	const struct endpoint *ep;
	struct conn conn;
	bool open;
	bool caps_checked;
	bool dead;            /* the daemon is given up on */
	bool violated;        /* this session broke the protocol */
	unsigned answered;    /* results confirmed in this session */
	unsigned restarts;    /* failures since the last good reply */
	unsigned inflight;    /* requests sent, not answered */
	struct request *held_head, *held_tail; /* answered, not yet confirmed */
	unsigned held;
	unsigned covered;     /* how many held at the front the PING will vouch for */
	unsigned vouched;     /* how many held at the front a PONG vouched for */
	unsigned ping_id;     /* the PING outstanding, or 0 */
	unsigned next_id;
	int64_t retry_at;     /* closed after a failure: not reopened before (ms) */
	int64_t deadline;     /* requests out and silent past this: timed out (ms) */
	char why[600];        /* what broke, for the one stderr line */
	char short_why[160];  /* the same for each file's ERROR line */
	struct reply_splitter sp;
	struct request *by_id[ENGINE_SESSION_IDS + 2]; /* one id left for a PING */
};

struct engine {
	struct scan_ctx *ctx;
	enum transport transport; /* the plan's; each session may adapt it */
	unsigned window;          /* requests in flight per daemon */
	unsigned total_window;    /* and over all daemons */
	unsigned inflight;        /* over all daemons */
	unsigned held;            /* over all daemons */
	struct session *s[ENDPOINT_MAX];
	size_t n;
	size_t next_rr;           /* where the search for a free daemon starts */
	char last_why[160];       /* why the last daemon given up on failed */
	struct request **pending; /* ring of requests to (re)send */
	unsigned cap, pend_head, pend_count;
	char *chunk;
};

/* What by_id holds for the id of a PING. */
static struct request ping_mark;

/* Now on a clock that never jumps, in milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Something moved on s: the silence allowed starts again. */
static void touch(struct session *s)
{
	s->deadline = now_ms() + (int64_t)s->conn.timeout * 1000;
}

/* Records why the session broke: a full line and a short per-file reason. */
static int broke(struct session *s, const char *short_why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int broke(struct session *s, const char *short_why, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->why, sizeof(s->why), "clamd at %s: ", s->ep->name);

	va_start(ap, fmt);
	vsnprintf(s->why + n, sizeof(s->why) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(s->short_why, sizeof(s->short_why), "%s", short_why);
	if (short_why == INVALID_REPLY)
		s->violated = true;
	return -1;
}

/* Reports a request's end and frees it. */
static void finish(struct engine *e, struct request *req, enum reply_status st, const char *detail)
{
	struct scan_ctx *ctx = e->ctx;
	char msg[256];

	if (st == REPLY_OK && req->truncated) {
		snprintf(msg, sizeof(msg), "Not scanned whole: larger than StreamMaxLength (%llu bytes).",
			 (unsigned long long)ctx->conf->stream_max_length);
		st = REPLY_ERROR;
		detail = msg;
	} else if (st == REPLY_OK && req->read_errno != 0) {
		snprintf(msg, sizeof(msg), "Read error: %s.", strerror(req->read_errno));
		st = REPLY_ERROR;
		detail = msg;
	}
	verdict_report(ctx, req->file, st, detail);
	free(req);
}

/* Fails a request that was never answered, saying why. */
static void fail_unanswered(struct engine *e, struct request *req, const char *short_why)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "Not scanned: %s.", short_why);
	finish(e, req, REPLY_ERROR, msg);
}

/* True when a reply's path is what clamd says for this request. */
static bool path_fits(const struct request *req, const char *path)
{
	size_t n = strlen(path);

	if (req->how == TRANSPORT_PATH)
		return strcmp(path, req->file->path) == 0;
	if (req->how == TRANSPORT_INSTREAM)
		return strcmp(path, "stream") == 0;
	return n > 4 && strncmp(path, "fd[", 3) == 0 && path[n - 1] == ']';
}

/* Keeps req's answer until it can be believed (see the top of the file). */
static void hold(struct session *s, struct request *req, enum reply_status st, const char *detail)
{
	req->st = st;
	req->detail = detail != NULL ? strdup(detail) : NULL;
	if (detail != NULL && req->detail == NULL) {
		/* no memory to keep the answer: not a verdict */
		req->st = REPLY_ERROR;
	}
	req->next = NULL;
	if (s->held_tail != NULL)
		s->held_tail->next = req;
	else
		s->held_head = req;
	s->held_tail = req;
	s->held++;
	s->e->held++;
}

/* Takes the oldest held answer off s. */
static struct request *unhold(struct session *s)
{
	struct request *req = s->held_head;

	s->held_head = req->next;
	if (s->held_head == NULL)
		s->held_tail = NULL;
	req->next = NULL;
	s->held--;
	s->e->held--;
	return req;
}

/* True when req's answer needs a PONG to be believed: an OK to SCAN. */
static bool needs_vouching(const struct request *req)
{
	return req->st == REPLY_OK && req->how == TRANSPORT_PATH;
}

/* Reports the held answers that can be believed, in the order they came:
 * those a PONG vouched for, and any other at the front that needs no
 * vouching (a FOUND, an error, an OK to INSTREAM or FILDES). */
static void release_ready(struct session *s)
{
	while (s->held_head != NULL && (s->vouched > 0 || !needs_vouching(s->held_head))) {
		struct request *req = unhold(s);
		char *detail = req->detail;

		/* the front moved on: so did what the PING covers */
		if (s->vouched > 0)
			s->vouched--;
		if (s->covered > 0)
			s->covered--;
		s->answered++;
		s->restarts = 0;
		finish(s->e, req, req->st, detail);
		free(detail);
	}
}

/* The answer to our PING: the OKs received before it was sent are true. */
static int on_pong(struct session *s, const struct reply *r, const char *shown_rec)
{
	if (r->status != REPLY_OTHER || strcmp(r->detail, "PONG") != 0)
		return broke(s, INVALID_REPLY, "answered \"%s\" to PING", shown_rec);
	s->by_id[s->ping_id] = NULL;
	s->ping_id = 0;
	s->vouched = s->covered;
	s->covered = 0;
	release_ready(s);
	return 0;
}

/* Handles one session reply; -1 on a protocol violation. */
static int on_record(struct session *s, char *rec)
{
	struct engine *e = s->e;
	struct reply r;
	struct request *req;
	char shown_rec[200];

	snprintf(shown_rec, sizeof(shown_rec), "%s", rec);
	if (reply_parse(rec, true, NULL, &r) != 0)
		return broke(s, INVALID_REPLY,
			     "sent \"%s\", which is not a session reply", shown_rec);
	if (r.id < 1 || r.id >= (long)s->next_id || s->by_id[r.id] == NULL)
		return broke(s, INVALID_REPLY, "answered request %ld, which %s", r.id,
			     r.id >= 1 && r.id < (long)s->next_id ? "was already answered"
								  : "was never sent");
	req = s->by_id[r.id];
	if (req == &ping_mark)
		return on_pong(s, &r, shown_rec);
	if (r.status != REPLY_OTHER && r.path != NULL && !path_fits(req, r.path))
		return broke(s, INVALID_REPLY,
			     "answered \"%s\" for a file it was not sent", shown_rec);
	if (r.status == REPLY_FOUND || r.status == REPLY_OK) {
		if (r.path == NULL)
			return broke(s, INVALID_REPLY, "sent \"%s\"", shown_rec);
	}
	s->by_id[r.id] = NULL;
	s->inflight--;
	e->inflight--;
	if (r.status == REPLY_OTHER) {
		char msg[240];

		/* e.g. COMMAND UNAVAILABLE: an answer, but no verdict */
		report_error(e->ctx->rep, "clamd at %s: answered \"%.200s\" instead of a result for %s",
			     s->ep->name, r.detail, req->file->shown);
		snprintf(msg, sizeof(msg), "clamd answered \"%.200s\".", r.detail);
		hold(s, req, REPLY_ERROR, msg);
	} else {
		hold(s, req, r.status, r.detail);
	}
	release_ready(s);
	return 0;
}

/* Reads what has arrived, never waiting, and handles every whole reply.
 * Returns -1 when the session is broken (s->why set). */
static int receive(struct session *s)
{
	char *dst, *rec;
	size_t room, len;
	ssize_t n;
	int got;

	room = splitter_space(&s->sp, &dst);
	n = recv(s->conn.fd, dst, room, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n < 0)
		return broke(s, "connection to clamd failed", "%s with %u requests unanswered",
			     strerror(errno), s->inflight);
	if (n == 0) {
		if (splitter_pending(&s->sp) > 0)
			return broke(s, "clamd closed the connection",
				     "closed the connection in the middle of a reply");
		if (s->inflight == 0 && s->held == 0 && s->ping_id == 0) {
			/* an idle session the daemon ended: not a fault */
			conn_close(&s->conn);
			s->open = false;
			return 0;
		}
		if (s->inflight == 0)
			return broke(s, "clamd closed the connection",
				     "closed the connection before confirming its last %u result%s",
				     s->held, s->held == 1 ? "" : "s");
		return broke(s, "clamd closed the connection",
			     "closed the connection with %u request%s unanswered", s->inflight,
			     s->inflight == 1 ? "" : "s");
	}
	touch(s);
	splitter_commit(&s->sp, (size_t)n);
	while ((got = splitter_next(&s->sp, &rec, &len)) == 1)
		if (on_record(s, rec) != 0)
			return -1;
	if (got < 0)
		return broke(s, INVALID_REPLY, "sent a reply line longer than %d bytes",
			     REPLY_MAX_RECORD);
	return 0;
}

/* Collects what a daemon said before hanging up on us mid-send. */
static void drain_after_hangup(struct session *s)
{
	char saved[sizeof(s->why)], saved_short[sizeof(s->short_why)];

	memcpy(saved, s->why, sizeof(saved));
	memcpy(saved_short, s->short_why, sizeof(saved_short));
	while (s->open && s->inflight > 0 && receive(s) == 0) {
		struct pollfd p = { .fd = s->conn.fd, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			break;
	}
	memcpy(s->why, saved, sizeof(saved));
	memcpy(s->short_why, saved_short, sizeof(saved_short));
}

static void session_broken(struct session *s);

/* Waits until s can be written to or has replies, meanwhile reading the
 * replies of the other daemons (a daemon slow to read a large file must not
 * leave the others idle). Returns poll's count for s (0: s's time ran out)
 * with its revents, or -1 with errno. */
static int wait_writable(struct session *s, short *revents)
{
	struct engine *e = s->e;
	struct pollfd p[ENDPOINT_MAX];
	struct session *polled[ENDPOINT_MAX];
	size_t np = 1;
	int64_t left = s->deadline - now_ms();
	int rc;

	p[0] = (struct pollfd){ .fd = s->conn.fd, .events = POLLIN | POLLOUT };
	for (size_t i = 0; i < e->n; i++) {
		if (e->s[i] == s || !e->s[i]->open)
			continue;
		p[np] = (struct pollfd){ .fd = e->s[i]->conn.fd, .events = POLLIN };
		polled[np++] = e->s[i];
	}
	do {
		rc = poll(p, np, s->conn.timeout == 0 ? -1 : left > 0 ? (int)left : 0);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	for (size_t i = 1; i < np; i++)
		if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && polled[i]->open &&
		    receive(polled[i]) != 0)
			session_broken(polled[i]);
	*revents = p[0].revents;
	return p[0].revents != 0 ? 1 : s->conn.timeout != 0 && now_ms() >= s->deadline ? 0 : 2;
}

/* Sends len bytes (and fd with the first, when >= 0), reading replies
 * whenever the socket is full. Returns -1 when the session broke. */
static int send_pumping(struct session *s, const char *buf, size_t len, int fd)
{
	touch(s);
	while (len > 0) {
		ssize_t n = conn_try_send(&s->conn, buf, len, fd);
		short revents = 0;
		int rc;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			fd = -1;
			touch(s);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			broke(s, "clamd closed the connection", "%s while sending a request",
			      strerror(errno));
			drain_after_hangup(s);
			return -1;
		}
		rc = wait_writable(s, &revents);
		if (rc == 0)
			return broke(s, "clamd did not answer in time",
				     "timed out after %u s: it stopped reading requests", s->conn.timeout);
		if (rc < 0)
			return broke(s, "connection to clamd failed", "%s", strerror(errno));
		if ((revents & (POLLIN | POLLHUP | POLLERR)) && receive(s) != 0)
			return -1;
		if (!s->open)
			return broke(s, "clamd closed the connection",
				     "closed the connection while a request was being sent");
	}
	return 0;
}

/* Streams the file as INSTREAM chunks, never more than StreamMaxLength.
 * The command travels with the first chunk and the end mark with the last,
 * so a small file goes in one send instead of three. */
static int send_instream(struct session *s, struct request *req)
{
	uint64_t limit = s->e->ctx->conf->stream_max_length, sent = 0;
	char *buf = s->e->chunk;
	size_t head = sizeof(INSTREAM_CMD);
	bool eof = false;

	memcpy(buf, INSTREAM_CMD, sizeof(INSTREAM_CMD));
	while (!eof) {
		char *data = buf + head + 4;
		size_t got = 0, len = head;
		uint32_t be;

		while (got < CHUNK_SIZE) {
			ssize_t n = read(req->file->fd, data + got, CHUNK_SIZE - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (n < 0)
					req->read_errno = errno;
				eof = true;
				break;
			}
			got += (size_t)n;
		}
		if (sent + got > limit) {
			got = (size_t)(limit - sent);
			req->truncated = true;
			eof = true;
		}
		if (got > 0) {
			be = htonl((uint32_t)got);
			memcpy(buf + head, &be, 4);
			len += 4 + got;
		}
		if (eof) {
			memset(buf + len, 0, 4); /* the zero-length chunk ends the stream */
			len += 4;
		}
		if (send_pumping(s, buf, len, -1) != 0)
			return -1;
		sent += got;
		head = 0;
	}
	return 0;
}

/* Writes one request; -1 when the session broke. */
static int send_request(struct session *s, struct request *req)
{
	req->truncated = false;
	req->read_errno = 0;
	if (req->how == TRANSPORT_PATH) {
		int n = snprintf(s->e->chunk, PATH_MAX + 8, "zSCAN %s", req->file->path);

		return send_pumping(s, s->e->chunk, (size_t)n + 1, -1);
	}
	/* a daemon reading our descriptor moves the offset we share with it: a
	 * resend starts over; a file just opened is at 0 already */
	if (req->sends > 1 || req->file->is_stdin)
		(void)lseek(req->file->fd, 0, SEEK_SET);
	if (req->how == TRANSPORT_FILDES) {
		if (send_pumping(s, "zFILDES", 8, -1) != 0)
			return -1;
		/* the descriptor rides on one dummy byte, as clamd requires */
		return send_pumping(s, "", 1, req->file->fd);
	}
	return send_instream(s, req);
}

/* How req goes to s: the plan's transport where this daemon can take it,
 * else by descriptor on a Unix socket, else by contents. */
static enum transport transport_for(const struct session *s, const struct request *req)
{
	enum transport t = s->e->transport;

	/* "zSCAN path" must fit clamd's command buffer of PATH_MAX + 8 bytes */
	if (t == TRANSPORT_PATH && req->file->path != NULL && s->ep->local &&
	    strlen(req->file->path) + sizeof("zSCAN ") <= PATH_MAX + 8)
		return TRANSPORT_PATH;
	if (t != TRANSPORT_INSTREAM && s->ep->kind == ENDPOINT_UNIX)
		return TRANSPORT_FILDES;
	return TRANSPORT_INSTREAM;
}

/* The command the engine needs for its transport ("INSTREAM", ...). */
static const char *command_needed(const struct engine *e)
{
	switch (e->transport) {
	case TRANSPORT_PATH:
		return "SCAN";
	case TRANSPORT_FILDES:
		return "FILDES";
	case TRANSPORT_INSTREAM:
	default:
		return "INSTREAM";
	}
}

/* True when some daemon other than s is still worth sending to. */
static bool others_alive(const struct engine *e, const struct session *s)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->s[i] != s && !e->s[i]->dead)
			return true;
	return false;
}

/* Seconds a connect or a command outside the session may take. While
 * other daemons can take the files, a daemon that hangs there (a host gone
 * from the network, a daemon stuck) must not hold up the whole scan for
 * long: these waits block every session. */
static unsigned wait_limit(const struct session *s)
{
	unsigned timeout = s->e->ctx->opts->timeout;

	if (others_alive(s->e, s) && (timeout == 0 || timeout > RECONNECT_TIMEOUT))
		return RECONNECT_TIMEOUT;
	return timeout;
}

/* Checks once that the daemon has the commands this scan needs.
 * Returns 0, -1 (try again later) or -2 (it never will: give up). */
static int check_commands(struct session *s)
{
	const char *cmds[] = { "IDSESSION", command_needed(s->e) };
	char reply[2048], err[512], padded[2100];

	if (daemon_command(s->ep, wait_limit(s), "VERSIONCOMMANDS", reply, sizeof(reply), err,
			   sizeof(err)) != 0) {
		snprintf(s->why, sizeof(s->why), "%s", err);
		snprintf(s->short_why, sizeof(s->short_why), "clamd could not be reached or did not answer");
		return -1;
	}
	const char *list = strstr(reply, "| COMMANDS:");

	if (list == NULL) {
		broke(s, "clamd lacks a needed command",
		      "answered \"%s\" to VERSIONCOMMANDS: cannot tell which commands it offers", reply);
		return -2;
	}
	snprintf(padded, sizeof(padded), "%s ", list + 11);
	for (size_t i = 0; i < 2; i++) {
		char word[32];

		snprintf(word, sizeof(word), " %s ", cmds[i]);
		if (strstr(padded, word) == NULL) {
			broke(s, "clamd lacks a needed command",
			      "does not offer the %s command this scan needs (it offers:%s)", cmds[i],
			      list + 11);
			return -2;
		}
	}
	return 0;
}

/* Opens a connection and starts a session. -1 on failure (s->why set). */
static int session_start(struct session *s)
{
	unsigned timeout = wait_limit(s);

	if (!s->caps_checked) {
		int rc = check_commands(s);

		if (rc == -2)
			s->dead = true;
		if (rc != 0)
			return -1;
		s->caps_checked = true;
	}
	if (conn_open(&s->conn, s->ep, timeout) != 0) {
		daemon_describe_connect_failure(s->ep, timeout, errno, s->why, sizeof(s->why));
		snprintf(s->short_why, sizeof(s->short_why), "clamd could not be reached");
		return -1;
	}
	s->conn.timeout = s->e->ctx->opts->timeout;
	s->sp.start = s->sp.len = 0;
	s->sp.overlong = false;
	s->next_id = 1;
	s->inflight = 0;
	s->ping_id = 0;
	s->covered = 0;
	s->vouched = 0;
	s->answered = 0;
	s->violated = false;
	s->open = true;
	if (send_pumping(s, "zIDSESSION", 11, -1) != 0) {
		conn_close(&s->conn);
		s->open = false;
		return -1;
	}
	return 0;
}

/* Puts a request at the front of the queue (resends go first). */
static void push_front(struct engine *e, struct request *req)
{
	e->pend_head = (e->pend_head + e->cap - 1) % e->cap;
	e->pending[e->pend_head] = req;
	e->pend_count++;
}

/* Queues a new request behind the others. */
static void push_back(struct engine *e, struct request *req)
{
	e->pending[(e->pend_head + e->pend_count) % e->cap] = req;
	e->pend_count++;
}

/* Takes the request at the front of the queue. */
static struct request *pop_front(struct engine *e)
{
	struct request *req = e->pending[e->pend_head];

	e->pend_head = (e->pend_head + 1) % e->cap;
	e->pend_count--;
	return req;
}

/* How long to leave a daemon alone after failures in a row: a little
 * longer each time. */
static int64_t back_off_ms(unsigned restarts)
{
	int64_t ms = 100;

	for (unsigned i = 1; i < restarts && ms < 800; i++)
		ms *= 2;
	return ms;
}

/* s failed once more: gives it up after too many failures in a row,
 * otherwise leaves it alone for a while. */
static void count_failure(struct session *s)
{
	s->restarts++;
	if (s->restarts > MAX_RESTARTS)
		s->dead = true;
	if (s->dead)
		snprintf(s->e->last_why, sizeof(s->e->last_why), "%s", s->short_why);
	else
		s->retry_at = now_ms() + back_off_ms(s->restarts);
}

/* The session ended before confirming its held answers: those that need
 * no vouching stand, the OKs to SCAN are sent again, ahead of everything
 * else and in their order (not charged: the daemon did answer). Returns
 * how many were queued again. */
static unsigned drop_held(struct session *s)
{
	struct request *rev = NULL, *req;
	unsigned n = 0;

	while (s->held_head != NULL) {
		req = unhold(s);
		if (!needs_vouching(req)) {
			char *detail = req->detail;

			finish(s->e, req, req->st, detail);
			free(detail);
			continue;
		}
		free(req->detail);
		req->detail = NULL;
		req->next = rev;
		rev = req;
	}
	for (; rev != NULL; rev = req, n++) {
		req = rev->next;
		rev->next = NULL;
		push_front(s->e, rev);
	}
	return n;
}

/* The session is unusable: requests not yet answered are queued again in
 * their order (for any daemon still alive), or fail once charged too
 * often; a protocol violation counts as an error even when the resends
 * succeed. */
static void session_broken(struct session *s)
{
	struct engine *e = s->e;
	unsigned requeued = 0;
	bool charge, several = e->n > 1;

	conn_close(&s->conn);
	s->open = false;
	/* a daemon still answering was not stopping when it said OK; what it
	 * confirms this way counts as the session's progress */
	if (s->held > 0 && !s->violated && daemon_vouches(s->ep, s->e->ctx->opts->timeout)) {
		s->vouched = s->held;
		release_ready(s);
	}
	charge = s->violated || s->answered == 0;
	count_failure(s);
	for (unsigned id = s->next_id; id-- > 1;) {
		struct request *req = s->by_id[id];

		if (req == NULL)
			continue;
		s->by_id[id] = NULL;
		if (req == &ping_mark)
			continue;
		if (charge)
			req->charges++;
		if (req->charges < CHARGES_PER_REQUEST && (!s->dead || others_alive(e, s))) {
			push_front(e, req);
			requeued++;
		} else {
			fail_unanswered(e, req, s->short_why);
		}
	}
	requeued += drop_held(s); /* older than the unanswered: ahead of them */
	if (s->violated) {
		/* replies from this daemon cannot be fully trusted */
		e->ctx->tally.errors++;
		e->ctx->distrust++;
	}
	s->violated = false;
	e->inflight -= s->inflight;
	s->inflight = 0;
	s->ping_id = 0;
	s->covered = 0;
	s->vouched = 0;
	if (requeued > 0 && several)
		report_error(e->ctx->rep, "%s; sending %u unanswered request%s to %s", s->why, requeued,
			     requeued == 1 ? "" : "s",
			     s->dead ? "the other daemons" : "whichever daemon is free first");
	else if (requeued > 0)
		report_error(e->ctx->rep, "%s; sending %u unanswered request%s again on a new session",
			     s->why, requeued, requeued == 1 ? "" : "s");
	else
		report_error(e->ctx->rep, "%s", s->why);
}

/* A session could not be started: says so (once, and when giving up). */
static void start_failed(struct session *s)
{
	count_failure(s);
	if (s->restarts == 1 && s->dead && others_alive(s->e, s))
		report_error(s->e->ctx->rep, "%s; its files go to the other daemons", s->why);
	else if (s->restarts == 1)
		report_error(s->e->ctx->rep, "%s", s->why);
	else if (s->dead)
		report_error(s->e->ctx->rep, "%s; giving up after %u attempts%s", s->why, s->restarts,
			     others_alive(s->e, s) ? "; its files go to the other daemons" : "");
}

/* Ends a session cleanly once nothing is outstanding. */
static void session_end(struct session *s)
{
	conn_send_all(&s->conn, "zEND", 5);
	conn_close(&s->conn);
	s->open = false;
}

/* Whether to ask s for a PONG now: when enough answers wait for one, or
 * when no other answer is coming. Only an OK to SCAN at the front makes
 * answers wait, so other transports never send a PING. */
static bool want_ping(const struct session *s)
{
	unsigned enough = s->e->window > 1 ? s->e->window / 2 : 1;

	if (!s->open || s->ping_id != 0 || s->held == 0)
		return false;
	if (s->next_id > ENGINE_SESSION_IDS)
		return s->inflight == 0; /* the one id left: for all the rest at once */
	return s->held >= enough || s->inflight == 0;
}

/* Sends a PING that vouches, when answered, for every answer held now. */
static void send_ping(struct session *s)
{
	s->ping_id = s->next_id++;
	s->by_id[s->ping_id] = &ping_mark;
	s->covered = s->held;
	if (send_pumping(s, "zPING", 6, -1) != 0)
		session_broken(s);
}

/* The daemon the next request goes to: the one with the fewest requests
 * outstanding that can take one now, ties taken in turn. NULL when none
 * can (all full, resting after a failure, or given up). */
static struct session *pick(struct engine *e)
{
	struct session *best = NULL;
	size_t best_i = 0;
	int64_t now = now_ms();

	if (e->inflight >= e->total_window || e->held >= e->total_window)
		return NULL;
	for (size_t k = 0; k < e->n; k++) {
		size_t i = (e->next_rr + k) % e->n;
		struct session *s = e->s[i];

		/* held answers keep their files open: they count against the window */
		if (s->dead || s->inflight >= e->window || s->held >= e->window)
			continue;
		if (s->open && s->next_id > ENGINE_SESSION_IDS) {
			if (s->inflight > 0 || s->held > 0 || s->ping_id != 0)
				continue;
			session_end(s); /* ids used up: the next request opens a new session */
		}
		if (!s->open && now < s->retry_at)
			continue;
		if (best == NULL || s->inflight < best->inflight) {
			best = s;
			best_i = i;
		}
	}
	if (best != NULL)
		e->next_rr = (best_i + 1) % e->n;
	return best;
}

/* Sends the request at the front of the queue to s. */
static void dispatch(struct session *s)
{
	struct engine *e = s->e;
	struct request *req = pop_front(e);

	if (req->sends > 0 && req->file->fd >= 0 && lseek(req->file->fd, 0, SEEK_SET) < 0) {
		/* a pipe: what the daemon consumed cannot be sent again */
		fail_unanswered(e, req, "clamd dropped it and standard input cannot be read twice");
		return;
	}
	req->how = transport_for(s, req);
	if (req->how == TRANSPORT_INSTREAM && req->file->size > 0 &&
	    (uint64_t)req->file->size > e->ctx->conf->stream_max_length) {
		char msg[200];

		/* clamd would scan only the first StreamMaxLength bytes: not a verdict */
		snprintf(msg, sizeof(msg), "Not scanned: %lld bytes is over StreamMaxLength (%llu bytes).",
			 (long long)req->file->size, (unsigned long long)e->ctx->conf->stream_max_length);
		finish(e, req, REPLY_ERROR, msg);
		return;
	}
	s->by_id[s->next_id++] = req;
	s->inflight++;
	e->inflight++;
	req->sends++;
	if (send_request(s, req) != 0)
		session_broken(s);
}

/* True when s owes us a reply: a request's or a PING's. */
static bool awaits_answer(const struct session *s)
{
	return s->inflight > 0 || s->ping_id != 0;
}

/* Waits for replies on every open session, or for a resting daemon's time
 * to try again, and handles what came; a session silent with requests out
 * for longer than --timeout is broken. Returns -1 when there is nothing to
 * wait for. */
static int wait_any(struct engine *e)
{
	struct pollfd p[ENDPOINT_MAX];
	struct session *polled[ENDPOINT_MAX];
	size_t np = 0;
	int64_t wake = -1, now = now_ms();
	bool answers_due = false;
	int ms, rc;

	for (size_t i = 0; i < e->n; i++) {
		struct session *s = e->s[i];
		int64_t t = -1;

		if (s->dead)
			continue;
		if (s->open) {
			p[np].fd = s->conn.fd;
			p[np].events = POLLIN;
			p[np].revents = 0;
			polled[np++] = s;
			if (awaits_answer(s)) {
				answers_due = true;
				if (s->conn.timeout > 0)
					t = s->deadline;
			}
		} else if (e->pend_count > 0) {
			t = s->retry_at;
		}
		if (t >= 0 && (wake < 0 || t < wake))
			wake = t;
	}
	if (wake < 0 && !answers_due)
		return -1;
	ms = wake < 0 ? -1 : wake <= now ? 0 : (int)(wake - now);
	rc = poll(p, np, ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	for (size_t i = 0; i < np; i++)
		if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && polled[i]->open &&
		    receive(polled[i]) != 0)
			session_broken(polled[i]);
	now = now_ms();
	for (size_t i = 0; i < np; i++) {
		struct session *s = polled[i];

		/* no grace here: clamd's MaxScanTime bounds one file's scan (2 min
		 * by default), so a silent request is a fault, whatever PING says */
		if (s->open && awaits_answer(s) && s->conn.timeout > 0 && now >= s->deadline) {
			unsigned n = s->inflight + s->held;

			broke(s, "clamd did not answer in time",
			      "timed out after %u s with %u request%s unanswered", s->conn.timeout, n,
			      n == 1 ? "" : "s");
			session_broken(s);
		}
	}
	return 0;
}

/* True when every daemon has been given up on. */
static bool all_dead(const struct engine *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (!e->s[i]->dead)
			return false;
	return true;
}

/* Sends queued requests and reads replies until the queue is empty (and,
 * with drain, until nothing is outstanding). */
static void drive(struct engine *e, bool drain)
{
	while (e->pend_count > 0 || (drain && (e->inflight > 0 || e->held > 0))) {
		struct session *s;

		for (size_t i = 0; i < e->n; i++)
			if (want_ping(e->s[i]))
				send_ping(e->s[i]);
		if (all_dead(e)) {
			while (e->pend_count > 0)
				fail_unanswered(e, pop_front(e), e->last_why);
			break;
		}
		if (e->pend_count > 0 && (s = pick(e)) != NULL) {
			if (!s->open) {
				if (session_start(s) != 0)
					start_failed(s);
				continue;
			}
			dispatch(s);
			continue;
		}
		if (wait_any(e) != 0) {
			/* cannot happen while a daemon is alive; never spin on it */
			report_error(e->ctx->rep, "internal error: nothing to wait for with %u files queued",
				     e->pend_count);
			while (e->pend_count > 0)
				fail_unanswered(e, pop_front(e), "internal error");
			break;
		}
	}
}

static void engine_free(struct engine *e);

struct engine *engine_new(struct scan_ctx *ctx, enum transport transport, unsigned window)
{
	struct engine *e = calloc(1, sizeof(*e));
	size_t n = ctx->n_daemons > 0 ? ctx->n_daemons : 1;
	struct rlimit rl;

	if (e == NULL)
		goto nomem;
	e->ctx = ctx;
	e->transport = transport;
	e->window = window == 0 ? 1 : window;
	/* without -m one file at a time, whatever the number of daemons */
	e->total_window = ctx->plan.parallel ? e->window * (unsigned)n : e->window;
	/* each file in flight or held is an open descriptor: stay well inside
	 * the limit, counting both */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    e->total_window > (rl.rlim_cur > 192 ? (rl.rlim_cur - 128) / 2 : 32))
		e->total_window = rl.rlim_cur > 192 ? (unsigned)(rl.rlim_cur - 128) / 2 : 32;
	/* everything in flight, everything held (at most a window more than
	 * the limit, answers arriving after it was reached), and one new */
	e->cap = 3 * e->total_window + 1;
	e->pending = calloc(e->cap, sizeof(*e->pending));
	/* the command, a chunk header, the chunk, and the end mark; a SCAN
	 * command also fits */
	e->chunk = malloc(sizeof(INSTREAM_CMD) + 4 + CHUNK_SIZE + 4);
	if (e->pending == NULL || e->chunk == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct session *s = calloc(1, sizeof(*s));

		if (s == NULL)
			goto fail;
		e->s[e->n++] = s;
		s->e = e;
		s->ep = ctx->n_daemons > 0 ? ctx->daemons[i] : ctx->ep;
		s->conn.fd = -1;
		if (splitter_init(&s->sp, '\0', REPLY_MAX_RECORD) != 0)
			goto fail;
	}
	return e;
fail:
	engine_free(e);
nomem:
	report_error(ctx->rep, "out of memory");
	return NULL;
}

void engine_submit(struct engine *e, struct scan_file *f)
{
	struct request *req;
	struct scan_ctx *ctx = e->ctx;

	ctx->tally.submitted++;
	req = calloc(1, sizeof(*req));
	if (req == NULL) {
		report_error_result(ctx->rep, f->shown, "Out of memory.");
		ctx->tally.errors++;
		ctx->tally.failed++;
		scan_file_free(f);
		return;
	}
	req->file = f;
	push_back(e, req);
	drive(e, false);
}

void engine_drain(struct engine *e)
{
	drive(e, true);
}

/* Ends every session and frees e. */
static void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++) {
		if (e->s[i]->open)
			session_end(e->s[i]);
		splitter_free(&e->s[i]->sp);
		free(e->s[i]);
	}
	free(e->pending);
	free(e->chunk);
	free(e);
}

void engine_finish(struct engine *e)
{
	if (e == NULL)
		return;
	drive(e, true);
	engine_free(e);
}
