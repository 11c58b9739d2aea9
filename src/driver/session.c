/* IDSESSION connections (see session.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clamd/daemon.h"
#include "driver/session.h"
#include "util/interrupt.h"
#include "util/monotonic.h"

const char SESSION_INVALID_REPLY[] = "clamd sent an invalid reply";

struct session *session_new(struct session_set *set, const struct endpoint *ep)
{
	struct session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->tr = calloc(1, sizeof(*s->tr));
	if (s->tr == NULL || splitter_init(&s->sp, '\0', REPLY_MAX_RECORD) != 0) {
		free(s->tr);
		free(s);
		return NULL;
	}
	tracker_init(s->tr);
	s->set = set;
	s->ep = ep;
	s->conn.fd = -1;
	return s;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	if (s->open && s->ended)
		session_close(s); /* END was sent: a second one would only meet EPIPE */
	else if (s->open)
		session_end(s);
	splitter_free(&s->sp);
	free(s->tr);
	free(s);
}

void session_touch(struct session *s)
{
	s->deadline = monotonic_ms() + (int64_t)s->conn.timeout * 1000;
}

int session_broke(struct session *s, const char *short_why, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->why, sizeof(s->why), "clamd at %s: ", s->ep->name);

	va_start(ap, fmt);
	vsnprintf(s->why + n, sizeof(s->why) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(s->short_why, sizeof(s->short_why), "%s", short_why);
	if (short_why == SESSION_INVALID_REPLY)
		s->violated = true;
	return -1;
}

int session_check_commands(struct session *s, const char *const *cmds, size_t n,
			   unsigned timeout)
{
	char reply[2048], err[512], padded[2100];
	const char *list;

	if (daemon_command(s->ep, timeout, "VERSIONCOMMANDS", reply, sizeof(reply), err,
			   sizeof(err)) != 0) {
		snprintf(s->why, sizeof(s->why), "%s", err);
		snprintf(s->short_why, sizeof(s->short_why), "clamd could not be reached or did not answer");
		return -1;
	}
	list = strstr(reply, "| COMMANDS:");
	if (list == NULL) {
		session_broke(s, "clamd lacks a needed command",
			      "answered \"%s\" to VERSIONCOMMANDS: cannot tell which commands it offers",
			      reply);
		return -2;
	}
	snprintf(padded, sizeof(padded), "%s ", list + 11);
	for (size_t i = 0; i < n; i++) {
		char word[32];

		snprintf(word, sizeof(word), " %s ", cmds[i]);
		if (strstr(padded, word) == NULL) {
			session_broke(s, "clamd lacks a needed command",
				      "does not offer the %s command this scan needs (it offers:%s)",
				      cmds[i], list + 11);
			return -2;
		}
	}
	return 0;
}

int session_start(struct session *s, unsigned connect_timeout, unsigned timeout)
{
	if (conn_open(&s->conn, s->ep, connect_timeout) != 0) {
		daemon_describe_connect_failure(s->ep, connect_timeout, errno, s->why, sizeof(s->why));
		snprintf(s->short_why, sizeof(s->short_why), "clamd could not be reached");
		return -1;
	}
	s->conn.timeout = timeout;
	s->sp.start = s->sp.len = 0;
	s->sp.overlong = false;
	s->violated = false;
	s->ended = false;
	s->open = true;
	tracker_start(s->tr);
	if (session_send(s, "zIDSESSION", 11, -1) != 0) {
		session_close(s);
		return -1;
	}
	return 0;
}

int session_receive(struct session *s, bool idle_close)
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
		return session_broke(s, "connection to clamd failed", "%s with %u requests unanswered",
				     strerror(errno), s->tr->inflight);
	if (n == 0) {
		if (splitter_pending(&s->sp) > 0)
			return session_broke(s, "clamd closed the connection",
					     "closed the connection in the middle of a reply");
		if (idle_close) {
			/* an idle session the daemon ended: not a fault */
			session_close(s);
			return 0;
		}
		if (s->tr->inflight == 0)
			return session_broke(s, "clamd closed the connection",
					     "closed the connection before confirming its last results");
		return session_broke(s, "clamd closed the connection",
				     "closed the connection with %u request%s unanswered",
				     s->tr->inflight, s->tr->inflight == 1 ? "" : "s");
	}
	session_touch(s);
	splitter_commit(&s->sp, (size_t)n);
	while ((got = splitter_next(&s->sp, &rec, &len)) == 1)
		if (s->set->on_record(s->set->arg, s, rec) != 0)
			return -1;
	if (got < 0)
		return session_broke(s, SESSION_INVALID_REPLY, "sent a reply line longer than %d bytes",
				     REPLY_MAX_RECORD);
	return 0;
}

/* Collects what a daemon said before hanging up on us mid-send. */
static void drain_after_hangup(struct session *s)
{
	char saved[sizeof(s->why)], saved_short[sizeof(s->short_why)];

	memcpy(saved, s->why, sizeof(saved));
	memcpy(saved_short, s->short_why, sizeof(saved_short));
	while (s->open && s->tr->inflight > 0 && session_receive(s, false) == 0) {
		struct pollfd p = { .fd = s->conn.fd, .events = POLLIN };

		if (poll(&p, 1, 0) <= 0)
			break;
	}
	memcpy(s->why, saved, sizeof(saved));
	memcpy(s->short_why, saved_short, sizeof(saved_short));
}

/* Waits until s can be written to or has replies, meanwhile reading the
 * replies of the other sessions. Returns 1 with s's revents, 0 when s's
 * time ran out, 2 to try again, or -1 with errno. */
static int wait_writable(struct session *s, short *revents)
{
	struct session_set *set = s->set;
	struct pollfd p[ENDPOINT_MAX + 1];
	struct session *polled[ENDPOINT_MAX];
	size_t np = 1;
	int64_t left = s->deadline - monotonic_ms();
	int rc;

	p[0] = (struct pollfd){ .fd = s->conn.fd, .events = POLLIN | POLLOUT };
	for (size_t i = 0; i < set->n; i++) {
		if (set->s[i] == s || !set->s[i]->open)
			continue;
		p[np] = (struct pollfd){ .fd = set->s[i]->conn.fd, .events = POLLIN };
		polled[np++] = set->s[i];
	}
	p[np] = (struct pollfd){ .fd = interrupt_fd(), .events = POLLIN };
	do {
		rc = poll(p, np + 1, s->conn.timeout == 0 ? -1 : left > 0 ? (int)left : 0);
	} while (rc < 0 && errno == EINTR && interrupt_signal() == 0);
	if (rc < 0)
		return -1;
	if (interrupt_signal() != 0) {
		errno = EINTR; /* told to stop: no more of this request is sent */
		return -1;
	}
	for (size_t i = 1; i < np; i++)
		if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) && polled[i]->open &&
		    session_receive(polled[i], false) != 0)
			set->on_broken(set->arg, polled[i]);
	*revents = p[0].revents;
	if (p[0].revents != 0)
		return 1;
	return s->conn.timeout != 0 && monotonic_ms() >= s->deadline ? 0 : 2;
}

int session_send(struct session *s, const char *buf, size_t len, int fd)
{
	session_touch(s);
	while (len > 0) {
		ssize_t n = conn_try_send(&s->conn, buf, len, fd);
		short revents = 0;
		int rc;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			fd = -1;
			session_touch(s);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			session_broke(s, "clamd closed the connection", "%s while sending a request",
				      strerror(errno));
			drain_after_hangup(s);
			return -1;
		}
		rc = wait_writable(s, &revents);
		if (rc == 0)
			return session_broke(s, "clamd did not answer in time",
					     "timed out after %u s: it stopped reading requests",
					     s->conn.timeout);
		if (rc < 0)
			return session_broke(s, "connection to clamd failed", "%s", strerror(errno));
		if ((revents & (POLLIN | POLLHUP | POLLERR)) && session_receive(s, false) != 0)
			return -1;
		if (!s->open)
			return session_broke(s, "clamd closed the connection",
					     "closed the connection while a request was being sent");
	}
	return 0;
}

int session_send_end(struct session *s)
{
	s->ended = true;
	return session_send(s, "zEND", 5, -1);
}

void session_end(struct session *s)
{
	conn_send_all(&s->conn, "zEND", 5);
	session_close(s);
}

void session_close(struct session *s)
{
	conn_close(&s->conn);
	s->open = false;
}
