/* Talking to clamd outside of scans: choosing a daemon, one-line commands
 * (PING, VERSION, RELOAD), and the messages that name what went wrong. */
#ifndef NG_DAEMON_H
#define NG_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "clamd/conn.h"
#include "clamd/endpoint.h"

/* Describes a failed connect to ep in clamdscan's words ("Could not connect
 * to clamd on LocalSocket /path: reason"). */
void daemon_describe_connect_failure(const struct endpoint *ep, unsigned timeout, int err,
				     char *buf, size_t len);

/* Describes a failed I/O on c in one line naming the daemon and what went
 * wrong ("clamd at X: timed out after N s while ..."). */
void daemon_describe_failure(const struct conn *c, int err, const char *doing, char *buf,
			     size_t len);

/* Connects to ep, exchanges one command, closes. Same returns. */
int daemon_command(const struct endpoint *ep, unsigned timeout, const char *cmd, char *reply,
		   size_t replylen, char *err, size_t errlen);

/* True when ep answers PING with PONG within timeout: tells a daemon that is
 * busy with a long scan from one that is gone. */
bool daemon_alive(const struct endpoint *ep, unsigned timeout);

/* True when ep is still there after answering: clamd being stopped cuts
 * scans short yet answers OK for them (and for a directory it was walking),
 * then closes; it answers no PING then. Call after a reply that ended.
 * Waits at most DAEMON_PROBE_SECONDS (or timeout, when shorter). */
#define DAEMON_PROBE_SECONDS 5
bool daemon_vouches(const struct endpoint *ep, unsigned timeout);

#endif
