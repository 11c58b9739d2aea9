/* When an OK can be believed. clamd being stopped answers OK for the scans
 * it drops (its path walker counts a file it never scanned as clean), then
 * stops reading commands and closes. So an OK to SCAN is believed only once
 * the daemon has answered something it read after sending that OK: any
 * request sent after the OK arrived, or a PING. FOUND, ERROR and the
 * answers to INSTREAM and FILDES come from a scan that ran; they need no
 * such proof.
 *
 * Pure bookkeeping on numbers, per session: answers are numbered in the
 * order they arrive, and each request remembers how many had arrived when
 * it was sent (its mark). No sockets: unit tested and fuzzed. */
#ifndef NG_CONFIRM_H
#define NG_CONFIRM_H

#include <stdbool.h>

struct confirm {
	unsigned long arrived;   /* answers received (the next answer's index) */
	unsigned long vouched;   /* answers with a smaller index are believed */
	unsigned long sends;     /* requests sent (the next request's number) */
	unsigned long last_mark; /* the mark of the newest request sent */
	bool newest_out;         /* the newest request is still unanswered */
};

void confirm_init(struct confirm *c);

/* A request is being sent: returns its mark; *number gets its send number. */
unsigned long confirm_sent(struct confirm *c, unsigned long *number);

/* The answer to the request sent as number with mark arrived: everything
 * that had arrived before that request was sent is now believed. Returns
 * this answer's index. */
unsigned long confirm_answer(struct confirm *c, unsigned long mark, unsigned long number);

/* True when the answer with this index can be believed. */
bool confirm_believed(const struct confirm *c, unsigned long index);

/* True when answers wait for proof that no request already sent will
 * bring: only a new request (or a PING) can vouch for them. */
bool confirm_uncovered(const struct confirm *c);

/* The session ended: nothing sent is outstanding any more. */
void confirm_dropped(struct confirm *c);

#endif
