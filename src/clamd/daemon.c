/* Connecting to clamd and short command exchanges. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clamd/daemon.h"
#include "clamd/reply.h"

void daemon_describe_connect_failure(const struct endpoint *ep, unsigned timeout, int err,
				     char *buf, size_t len)
{
	if (err == ETIMEDOUT)
		snprintf(buf, len, "Could not connect to clamd on %s: timed out after %u s", ep->label,
			 timeout);
	else
		snprintf(buf, len, "Could not connect to clamd on %s: %s", ep->label, strerror(err));
}

void daemon_describe_failure(const struct conn *c, int err, const char *doing, char *buf,
			     size_t len)
{
	if (err == ETIMEDOUT)
		snprintf(buf, len, "clamd at %s: timed out after %u s %s", c->ep->name, c->timeout,
			 doing);
	else if (err == 0)
		snprintf(buf, len, "clamd at %s: closed the connection %s", c->ep->name, doing);
	else
		snprintf(buf, len, "clamd at %s: %s %s", c->ep->name, strerror(err), doing);
}

/* Sends z-framed cmd on an open connection and reads the first reply record
 * into reply. Returns 0, or -1 with a description in err. */
static int daemon_exchange(struct conn *c, const char *cmd, char *reply, size_t replylen,
			   char *err, size_t errlen)
{
	char frame[64], doing[96];
	struct reply_splitter sp;
	char *rec, *dst;
	size_t len;
	int rc = -1, got;

	snprintf(frame, sizeof(frame), "z%s", cmd);
	snprintf(doing, sizeof(doing), "while sending %s", cmd);
	if (conn_send_all(c, frame, strlen(frame) + 1) != 0) {
		daemon_describe_failure(c, errno, doing, err, errlen);
		return -1;
	}
	/* a long reply (STATS) gets the room its caller gives */
	if (splitter_init(&sp, '\0', replylen > 4096 ? replylen : 4096) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(doing, sizeof(doing), "before answering %s", cmd);
	while ((got = splitter_next(&sp, &rec, &len)) == 0) {
		size_t room = splitter_space(&sp, &dst);
		ssize_t n = conn_recv(c, dst, room);

		if (n <= 0) {
			daemon_describe_failure(c, n == 0 ? 0 : errno, doing, err, errlen);
			goto out;
		}
		splitter_commit(&sp, (size_t)n);
	}
	if (got < 0) {
		snprintf(err, errlen, "clamd at %s: reply to %s is too long", c->ep->name, cmd);
		goto out;
	}
	snprintf(reply, replylen, "%s", rec);
	rc = 0;
out:
	splitter_free(&sp);
	return rc;
}

int daemon_command(const struct endpoint *ep, unsigned timeout, const char *cmd, char *reply,
		   size_t replylen, char *err, size_t errlen)
{
	struct conn c;
	int rc;

	if (conn_open(&c, ep, timeout) != 0) {
		daemon_describe_connect_failure(ep, timeout, errno, err, errlen);
		return -1;
	}
	rc = daemon_exchange(&c, cmd, reply, replylen, err, errlen);
	conn_close(&c);
	return rc;
}

bool daemon_alive(const struct endpoint *ep, unsigned timeout)
{
	char reply[64], err[256];

	return daemon_command(ep, timeout, "PING", reply, sizeof(reply), err, sizeof(err)) == 0 &&
	       strcmp(reply, "PONG") == 0;
}

bool daemon_vouches(const struct endpoint *ep, unsigned timeout)
{
	/* a daemon that is there answers PING at once, even when busy: the
	 * thread that reads commands answers it */
	if (timeout == 0 || timeout > DAEMON_PROBE_SECONDS)
		timeout = DAEMON_PROBE_SECONDS;
	return daemon_alive(ep, timeout);
}
