/* One daemon's IDSESSION connection: started after a check that the daemon
 * has the commands needed, written to without ever blocking on a full
 * socket (replies are read meanwhile, from every session of the set, so
 * one daemon slow to read a large file leaves no other idle), read record
 * by record, and ended. What the records mean is the caller's business. */
#ifndef NG_SESSION_H
#define NG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clamd/conn.h"
#include "clamd/endpoint.h"
#include "clamd/reply.h"
#include "driver/tracker.h"

/* The short reason a session broke the protocol (compared by address). */
extern const char SESSION_INVALID_REPLY[];

struct session;

/* The sessions of one scan, read together while any of them waits. */
struct session_set {
	struct session *s[ENDPOINT_MAX];
	size_t n;
	/* a record arrived on s; -1: it broke the protocol (session_broke called) */
	int (*on_record)(void *arg, struct session *s, char *rec);
	/* s broke while another session was being written to */
	void (*on_broken)(void *arg, struct session *s);
	void *arg;
};

struct session {
	struct session_set *set;
	const struct endpoint *ep;
	struct conn conn;
	bool open;
	bool ended;          /* END sent: nothing more may be sent on it */
	bool violated;       /* this session broke the protocol */
	int64_t deadline;    /* requests out and silent past this: timed out (ms) */
	char why[600];       /* what broke, for the one stderr line */
	char short_why[160]; /* the same for each file's ERROR line */
	struct reply_splitter sp;
	struct tracker *tr;  /* ids, answers and their proof (owned) */
	void *owner;         /* the caller's state for this daemon */
};

/* A closed session to ep in set. NULL when out of memory. */
struct session *session_new(struct session_set *set, const struct endpoint *ep);

void session_free(struct session *s);

/* Asks the daemon (VERSIONCOMMANDS, on its own connection) whether it
 * offers every command in cmds. Returns 0, -1 when it could not be asked
 * (try later) or -2 when it lacks one (never will); s->why says why. */
int session_check_commands(struct session *s, const char *const *cmds, size_t n,
			   unsigned timeout);

/* Connects (within connect_timeout) and starts a session whose silences
 * may last timeout seconds. Returns 0, or -1 with s->why set. */
int session_start(struct session *s, unsigned connect_timeout, unsigned timeout);

/* Records why s broke (a full line and a short per-file reason); returns -1. */
int session_broke(struct session *s, const char *short_why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sends len bytes (and fd with the first, when >= 0), reading replies
 * whenever the socket is full. Returns -1 when the session broke. */
int session_send(struct session *s, const char *buf, size_t len, int fd);

/* Reads what has arrived, never waiting, and hands over every whole record.
 * Returns -1 when the session is broken (s->why set). idle_close: the
 * daemon closing now is no fault (nothing is owed). */
int session_receive(struct session *s, bool idle_close);

/* Something moved: the silence allowed starts again. */
void session_touch(struct session *s);

/* Sends END but keeps reading: clamd answers what it owes, then closes.
 * Returns -1 when the session broke. */
int session_send_end(struct session *s);

/* Ends the session (END) and closes it. */
void session_end(struct session *s);

/* Closes the connection without a word. */
void session_close(struct session *s);

#endif
