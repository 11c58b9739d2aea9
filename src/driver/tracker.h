/* Which request a session reply answers. Inside IDSESSION clamd prefixes
 * every reply with the id of the request it answers (ids count from 1 in
 * each session); this table maps ids back, rejects what no honest daemon
 * sends, and numbers the answers for confirm.h. Pure: no sockets, so it is
 * unit tested and fuzzed with hostile record sequences. */
#ifndef NG_TRACKER_H
#define NG_TRACKER_H

#include <stdbool.h>
#include <stddef.h>

#include "clamd/reply.h"
#include "driver/confirm.h"

/* Request ids used in one session before a new one is started: ids are
 * finite, and the table is sized by this. */
#define TRACKER_IDS 8192

/* What a PING's slot holds. */
extern const char tracker_ping[];

struct tracker_slot {
	const void *req;     /* the request sent under this id, or NULL */
	unsigned long mark;  /* confirm.h's mark and send number */
	unsigned long number;
	bool trailing_ok;    /* answered "Not supported file type ERROR": clamd
			      * follows it with an OK for the same id */
};

struct tracker {
	struct tracker_slot slot[TRACKER_IDS + 2]; /* one id kept for a last PING */
	unsigned next_id;
	unsigned inflight;   /* requests (PINGs aside) sent and not answered */
	bool ping_out;       /* a PING sent and not answered */
	struct confirm confirm;
};

/* Says whether path is what clamd calls req in a reply ("stream", "fd[N]",
 * or the path a SCAN sent). */
typedef bool (*tracker_names_fn)(const void *req, const char *path);

/* What one record said. */
struct tracked {
	const void *req;     /* the request answered, tracker_ping, or NULL for a
			      * record that says nothing more (clamd's second reply) */
	unsigned id;
	struct reply r;      /* points into the record */
	unsigned long index; /* the answer's place in arrival order */
};

/* Before the first session; t must come zeroed (calloc). */
void tracker_init(struct tracker *t);

/* A new session on the same daemon: ids start again at 1 (the numbering of
 * answers goes on). */
void tracker_start(struct tracker *t);

/* True when no id is left for a request (the last one is kept for a PING). */
bool tracker_ids_used_up(const struct tracker *t);

/* Registers req (or tracker_ping) under the next id and returns the id. */
unsigned tracker_send(struct tracker *t, const void *req);

/* Matches one record (it is cut up in place). Returns 0 with *out filled,
 * or -1 with why the daemon broke the protocol (an id never sent or already
 * answered, a reply that is no session reply, a reply naming a file the
 * request did not, a PING answered with anything but PONG). */
int tracker_record(struct tracker *t, char *rec, tracker_names_fn names, struct tracked *out,
		   char *why, size_t len);

/* The session ended: each request still unanswered (newest first) goes to
 * each(arg, req), and the table is emptied. */
void tracker_drop(struct tracker *t, void (*each)(void *arg, const void *req), void *arg);

#endif
