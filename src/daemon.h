/* Talking to clamd outside of scans: choosing a daemon, one-line commands
 * (PING, VERSION, RELOAD), and the messages that name what went wrong. */
#ifndef NG_DAEMON_H
#define NG_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "endpoint.h"
#include "report.h"

/* Connects to the first endpoint that accepts, reporting each refusal as
 * clamdscan does. Returns its index with *c open, or -1 when none did (each
 * failure already reported). */
int daemon_connect_any(const struct endpoint_list *l, unsigned timeout, struct report *rep,
		       struct conn *c);

/* Describes a failed I/O on c in one line naming the daemon and what went
 * wrong ("clamd at X: timed out after N s while ..."). */
void daemon_describe_failure(const struct conn *c, int err, const char *doing, char *buf,
			     size_t len);

/* Sends z-framed cmd on an open connection and reads the first reply record
 * into reply. Returns 0, or -1 with a description in err. */
int daemon_exchange(struct conn *c, const char *cmd, char *reply, size_t replylen, char *err,
		    size_t errlen);

/* Connects to ep, exchanges one command, closes. Same returns. */
int daemon_command(const struct endpoint *ep, unsigned timeout, const char *cmd, char *reply,
		   size_t replylen, char *err, size_t errlen);

/* True when ep answers PING with PONG within timeout: tells a daemon that is
 * busy with a long scan from one that is gone. */
bool daemon_alive(const struct endpoint *ep, unsigned timeout);

#endif
