/* IDSESSION engine: one non-blocking connection, requests written while
 * replies are read (never blocking send/recv in turn), replies matched to
 * requests by id through a table, each file reported exactly once. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "daemon.h"
#include "engine.h"
#include "reply.h"
#include "verdict.h"

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

struct request {
	struct scan_file *file;
	unsigned sends;
	unsigned charges;
	bool truncated;  /* INSTREAM: more than StreamMaxLength bytes; the rest unsent */
	int read_errno;  /* INSTREAM: reading the file failed part way */
};

struct engine {
	struct scan_ctx *ctx;
	enum transport transport;
	unsigned window;
	struct conn conn;
	bool open;
	bool caps_checked;
	bool dead;            /* the daemon is given up on: files become errors */
	bool violated;        /* this session broke the protocol */
	unsigned answered;    /* replies in this session */
	unsigned restarts;
	char why[600];        /* what broke, for the one stderr line */
	char short_why[160];  /* the same for each file's ERROR line */
	struct reply_splitter sp;
	unsigned next_id;
	unsigned inflight;
	struct request **pending; /* ring of window + 1 requests to (re)send */
	unsigned pend_head, pend_count;
	char *chunk;
	struct request *by_id[ENGINE_SESSION_IDS + 1];
};

/* Records why the session broke: a full line and a short per-file reason. */
static int broke(struct engine *e, const char *short_why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int broke(struct engine *e, const char *short_why, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(e->why, sizeof(e->why), "clamd at %s: ", e->ctx->ep->name);

	va_start(ap, fmt);
	vsnprintf(e->why + n, sizeof(e->why) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(e->short_why, sizeof(e->short_why), "%s", short_why);
	if (short_why == INVALID_REPLY)
		e->violated = true;
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

/* Fails a request that was never answered. */
static void fail_unanswered(struct engine *e, struct request *req)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "Not scanned: %s.", e->short_why);
	finish(e, req, REPLY_ERROR, msg);
}

/* True when a reply's path is what clamd says for this transport. */
static bool path_fits(enum transport t, const char *path)
{
	size_t n = strlen(path);

	if (t == TRANSPORT_INSTREAM)
		return strcmp(path, "stream") == 0;
	return n > 4 && strncmp(path, "fd[", 3) == 0 && path[n - 1] == ']';
}

/* Handles one session reply; -1 on a protocol violation. */
static int on_record(struct engine *e, char *rec)
{
	struct reply r;
	struct request *req;
	char shown_rec[200];

	snprintf(shown_rec, sizeof(shown_rec), "%s", rec);
	if (reply_parse(rec, true, NULL, &r) != 0)
		return broke(e, INVALID_REPLY,
			     "sent \"%s\", which is not a session reply", shown_rec);
	if (r.id < 1 || r.id >= (long)e->next_id || e->by_id[r.id] == NULL)
		return broke(e, INVALID_REPLY, "answered request %ld, which %s", r.id,
			     r.id >= 1 && r.id < (long)e->next_id ? "was already answered"
								  : "was never sent");
	req = e->by_id[r.id];
	if (r.status != REPLY_OTHER && r.path != NULL && !path_fits(e->transport, r.path))
		return broke(e, INVALID_REPLY,
			     "answered \"%s\" for a file it was not sent", shown_rec);
	if (r.status == REPLY_FOUND || r.status == REPLY_OK) {
		if (r.path == NULL)
			return broke(e, INVALID_REPLY, "sent \"%s\"", shown_rec);
	}
	e->by_id[r.id] = NULL;
	e->inflight--;
	e->answered++;
	e->restarts = 0;
	if (r.status == REPLY_OTHER) {
		char msg[240];

		/* e.g. COMMAND UNAVAILABLE: an answer, but no verdict */
		report_error(e->ctx->rep, "clamd at %s: answered \"%.200s\" instead of a result for %s",
			     e->ctx->ep->name, r.detail, req->file->shown);
		snprintf(msg, sizeof(msg), "clamd answered \"%.200s\".", r.detail);
		finish(e, req, REPLY_ERROR, msg);
	} else {
		finish(e, req, r.status, r.detail);
	}
	return 0;
}

/* Reads what has arrived (waiting for it when wait) and handles every whole
 * reply. Returns -1 when the session is broken (e->why set). */
static int receive(struct engine *e, bool wait)
{
	char *dst, *rec;
	size_t room, len;
	ssize_t n;
	int got;

	/* no grace here: clamd's MaxScanTime bounds one file's scan (2 min by
	 * default), so a silent request is a fault, whatever PING says */
	while (wait && conn_wait(&e->conn, POLLIN) != 0) {
		if (errno == ETIMEDOUT)
			return broke(e, "clamd did not answer in time",
				     "timed out after %u s with %u request%s unanswered", e->conn.timeout,
				     e->inflight, e->inflight == 1 ? "" : "s");
		return broke(e, "connection to clamd failed", "%s", strerror(errno));
	}
	room = splitter_space(&e->sp, &dst);
	n = recv(e->conn.fd, dst, room, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n < 0)
		return broke(e, "connection to clamd failed", "%s with %u requests unanswered",
			     strerror(errno), e->inflight);
	if (n == 0) {
		if (splitter_pending(&e->sp) > 0)
			return broke(e, "clamd closed the connection",
				     "closed the connection in the middle of a reply");
		if (e->inflight == 0) {
			/* an idle session the daemon ended: not a fault */
			conn_close(&e->conn);
			e->open = false;
			return 0;
		}
		return broke(e, "clamd closed the connection",
			     "closed the connection with %u request%s unanswered", e->inflight,
			     e->inflight == 1 ? "" : "s");
	}
	splitter_commit(&e->sp, (size_t)n);
	while ((got = splitter_next(&e->sp, &rec, &len)) == 1)
		if (on_record(e, rec) != 0)
			return -1;
	if (got < 0)
		return broke(e, INVALID_REPLY, "sent a reply line longer than %d bytes",
			     REPLY_MAX_RECORD);
	return 0;
}

/* Collects what a daemon said before hanging up on us mid-send. */
static void drain_after_hangup(struct engine *e)
{
	char saved[sizeof(e->why)], saved_short[sizeof(e->short_why)];

	memcpy(saved, e->why, sizeof(saved));
	memcpy(saved_short, e->short_why, sizeof(saved_short));
	while (e->open && e->inflight > 0 && receive(e, false) == 0) {
		struct pollfd p = { .fd = e->conn.fd, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			break;
	}
	memcpy(e->why, saved, sizeof(saved));
	memcpy(e->short_why, saved_short, sizeof(saved_short));
}

/* Sends len bytes (and fd with the first, when >= 0), reading replies
 * whenever the socket is full. Returns -1 when the session broke. */
static int send_pumping(struct engine *e, const char *buf, size_t len, int fd)
{
	int ms = e->conn.timeout == 0 ? -1 : (int)e->conn.timeout * 1000;

	while (len > 0) {
		ssize_t n = conn_try_send(&e->conn, buf, len, fd);
		struct pollfd p = { .fd = e->conn.fd, .events = POLLIN | POLLOUT };
		int rc;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			fd = -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			broke(e, "clamd closed the connection", "%s while sending a request",
			      strerror(errno));
			drain_after_hangup(e);
			return -1;
		}
		do {
			rc = poll(&p, 1, ms);
		} while (rc < 0 && errno == EINTR);
		if (rc == 0)
			return broke(e, "clamd did not answer in time",
				     "timed out after %u s: it stopped reading requests", e->conn.timeout);
		if (rc < 0)
			return broke(e, "connection to clamd failed", "%s", strerror(errno));
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && receive(e, false) != 0)
			return -1;
		if (!e->open)
			return broke(e, "clamd closed the connection",
				     "closed the connection while a request was being sent");
	}
	return 0;
}

/* Streams the file as INSTREAM chunks, never more than StreamMaxLength.
 * The command travels with the first chunk and the end mark with the last,
 * so a small file goes in one send instead of three. */
static int send_instream(struct engine *e, struct request *req)
{
	uint64_t limit = e->ctx->conf->stream_max_length, sent = 0;
	char *buf = e->chunk;
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
		if (send_pumping(e, buf, len, -1) != 0)
			return -1;
		sent += got;
		head = 0;
	}
	return 0;
}

/* Writes one request; -1 when the session broke. */
static int send_request(struct engine *e, struct request *req)
{
	/* a daemon reading our descriptor moves the offset we share with it: a
	 * resend starts over; a file just opened is at 0 already */
	if (req->sends > 1 || req->file->is_stdin)
		(void)lseek(req->file->fd, 0, SEEK_SET);
	req->truncated = false;
	req->read_errno = 0;
	if (e->transport == TRANSPORT_FILDES) {
		if (send_pumping(e, "zFILDES", 8, -1) != 0)
			return -1;
		/* the descriptor rides on one dummy byte, as clamd requires */
		return send_pumping(e, "", 1, req->file->fd);
	}
	return send_instream(e, req);
}

/* Checks once that the daemon has the commands this scan needs.
 * Returns 0, -1 (try again later) or -2 (it never will: give up). */
static int check_commands(struct engine *e)
{
	const char *need = e->transport == TRANSPORT_FILDES ? "FILDES" : "INSTREAM";
	const char *cmds[] = { "IDSESSION", need };
	char reply[2048], err[512], padded[2100];

	if (daemon_command(e->ctx->ep, e->ctx->opts->timeout, "VERSIONCOMMANDS", reply, sizeof(reply),
			   err, sizeof(err)) != 0) {
		snprintf(e->why, sizeof(e->why), "%s", err);
		snprintf(e->short_why, sizeof(e->short_why), "clamd could not be reached or did not answer");
		return -1;
	}
	const char *list = strstr(reply, "| COMMANDS:");

	if (list == NULL) {
		broke(e, "clamd lacks a needed command",
		      "answered \"%s\" to VERSIONCOMMANDS: cannot tell which commands it offers", reply);
		return -2;
	}
	snprintf(padded, sizeof(padded), "%s ", list + 11);
	for (size_t i = 0; i < 2; i++) {
		char word[32];

		snprintf(word, sizeof(word), " %s ", cmds[i]);
		if (strstr(padded, word) == NULL) {
			broke(e, "clamd lacks a needed command",
			      "does not offer the %s command this scan needs (it offers:%s)", cmds[i],
			      list + 11);
			return -2;
		}
	}
	return 0;
}

/* Opens a connection and starts a session. -1 on failure (e->why set). */
static int session_start(struct engine *e)
{
	if (!e->caps_checked) {
		int rc = check_commands(e);

		if (rc == -2)
			e->dead = true;
		if (rc != 0)
			return -1;
		e->caps_checked = true;
	}
	if (conn_open(&e->conn, e->ctx->ep, e->ctx->opts->timeout) != 0) {
		daemon_describe_connect_failure(e->ctx->ep, e->ctx->opts->timeout, errno, e->why,
						sizeof(e->why));
		snprintf(e->short_why, sizeof(e->short_why), "clamd could not be reached");
		return -1;
	}
	e->sp.start = e->sp.len = 0;
	e->sp.overlong = false;
	e->next_id = 1;
	e->inflight = 0;
	e->answered = 0;
	e->violated = false;
	e->open = true;
	if (send_pumping(e, "zIDSESSION", 11, -1) != 0) {
		conn_close(&e->conn);
		e->open = false;
		return -1;
	}
	return 0;
}

/* Puts a request at the front of the queue (resends go first). */
static void push_front(struct engine *e, struct request *req)
{
	unsigned cap = e->window + 1;

	e->pend_head = (e->pend_head + cap - 1) % cap;
	e->pending[e->pend_head] = req;
	e->pend_count++;
}

/* Queues a new request behind the others. */
static void push_back(struct engine *e, struct request *req)
{
	e->pending[(e->pend_head + e->pend_count) % (e->window + 1)] = req;
	e->pend_count++;
}

/* Takes the request at the front of the queue. */
static struct request *pop_front(struct engine *e)
{
	struct request *req = e->pending[e->pend_head];

	e->pend_head = (e->pend_head + 1) % (e->window + 1);
	e->pend_count--;
	return req;
}

/* Sleeps a little longer after each failure in a row. */
static void back_off(unsigned restarts)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000L };

	for (unsigned i = 1; i < restarts && ts.tv_nsec < 800000000L; i++)
		ts.tv_nsec *= 2;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The session is unusable: requests not yet answered are queued again in
 * their order, or fail once charged too often; a protocol violation counts
 * as an error even when the resends succeed. */
static void session_broken(struct engine *e)
{
	unsigned requeued = 0;
	bool charge = e->violated || e->answered == 0;

	conn_close(&e->conn);
	e->open = false;
	for (unsigned id = e->next_id; id-- > 1;) {
		struct request *req = e->by_id[id];

		if (req == NULL)
			continue;
		e->by_id[id] = NULL;
		if (charge)
			req->charges++;
		if (req->charges < CHARGES_PER_REQUEST && !e->dead) {
			push_front(e, req);
			requeued++;
		} else {
			fail_unanswered(e, req);
		}
	}
	if (e->violated)
		e->ctx->tally.errors++; /* replies from this daemon cannot be fully trusted */
	e->violated = false;
	e->inflight = 0;
	e->restarts++;
	if (e->restarts > MAX_RESTARTS)
		e->dead = true;
	if (requeued > 0 && !e->dead)
		report_error(e->ctx->rep, "%s; sending %u unanswered request%s again on a new session",
			     e->why, requeued, requeued == 1 ? "" : "s");
	else
		report_error(e->ctx->rep, "%s", e->why);
	if (!e->dead)
		back_off(e->restarts);
}

/* Ends a session cleanly once nothing is outstanding. */
static void session_end(struct engine *e)
{
	conn_send_all(&e->conn, "zEND", 5);
	conn_close(&e->conn);
	e->open = false;
}

/* Sends queued requests and reads replies until the queue is empty (and,
 * with drain, until nothing is outstanding). */
static void drive(struct engine *e, bool drain)
{
	while (e->pend_count > 0 || (drain && e->inflight > 0)) {
		if (e->dead) {
			while (e->pend_count > 0)
				fail_unanswered(e, pop_front(e));
			break;
		}
		if (!e->open) {
			if (session_start(e) != 0) {
				e->restarts++;
				if (e->restarts > MAX_RESTARTS)
					e->dead = true;
				if (e->restarts == 1)
					report_error(e->ctx->rep, "%s", e->why);
				else if (e->dead)
					report_error(e->ctx->rep, "%s; giving up after %u attempts", e->why,
						     e->restarts);
				if (!e->dead)
					back_off(e->restarts);
			}
			continue;
		}
		if (e->pend_count > 0 && e->inflight < e->window && e->next_id <= ENGINE_SESSION_IDS) {
			struct request *req = pop_front(e);

			if (req->sends > 0 && lseek(req->file->fd, 0, SEEK_SET) < 0) {
				snprintf(e->short_why, sizeof(e->short_why),
					 "clamd dropped it and standard input cannot be read twice");
				/* a pipe: what the daemon consumed cannot be sent again */
				fail_unanswered(e, req);
				continue;
			}
			e->by_id[e->next_id++] = req;
			e->inflight++;
			req->sends++;
			if (send_request(e, req) != 0)
				session_broken(e);
			continue;
		}
		if (e->inflight == 0 && e->next_id > ENGINE_SESSION_IDS) {
			session_end(e); /* ids used up: the next request opens a new session */
			continue;
		}
		if (receive(e, true) != 0)
			session_broken(e);
	}
}

struct engine *engine_new(struct scan_ctx *ctx, enum transport transport, unsigned window)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		goto nomem;
	e->ctx = ctx;
	e->transport = transport;
	e->window = window == 0 ? 1 : window;
	e->conn.fd = -1;
	e->pending = calloc(e->window + 1, sizeof(*e->pending));
	/* the command, a chunk header, the chunk, and the end mark */
	e->chunk = malloc(sizeof(INSTREAM_CMD) + 4 + CHUNK_SIZE + 4);
	if (e->pending == NULL || e->chunk == NULL ||
	    splitter_init(&e->sp, '\0', REPLY_MAX_RECORD) != 0) {
		free(e->pending);
		free(e->chunk);
		free(e);
		goto nomem;
	}
	return e;
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
	if (e->transport == TRANSPORT_INSTREAM && f->size > 0 &&
	    (uint64_t)f->size > ctx->conf->stream_max_length) {
		char msg[200];

		/* clamd would scan only the first StreamMaxLength bytes: not a verdict */
		snprintf(msg, sizeof(msg), "Not scanned: %lld bytes is over StreamMaxLength (%llu bytes).",
			 (long long)f->size, (unsigned long long)ctx->conf->stream_max_length);
		finish(e, req, REPLY_ERROR, msg);
		return;
	}
	/* make room first: the queue holds at most window + 1 */
	while (e->inflight >= e->window && e->pend_count == 0 && e->open && !e->dead)
		if (receive(e, true) != 0)
			session_broken(e);
	push_back(e, req);
	drive(e, false);
}

void engine_drain(struct engine *e)
{
	drive(e, true);
}

void engine_finish(struct engine *e)
{
	if (e == NULL)
		return;
	drive(e, true);
	if (e->open)
		session_end(e);
	splitter_free(&e->sp);
	free(e->pending);
	free(e->chunk);
	free(e);
}
