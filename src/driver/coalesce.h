/* Waking for several replies at once. Against a daemon slower than the
 * client, every reply would wake the client on its own: a context switch,
 * a poll and a recv per file, a quarter of the client's CPU on tiny files.
 * So when a daemon has more requests in flight than it needs to stay busy,
 * the client first sleeps about as long as the daemon takes to answer the
 * surplus, then reads them all in one go, while the rest of its window
 * keeps the daemon working.
 *
 * The time between two replies is estimated per daemon from what it
 * answered between two reads. A read that finds fewer left than were to
 * be kept may include time the daemon sat partly idle (the sleep was too
 * long, or files got smaller), so it only shortens the estimate: a sleep
 * that was too long is never taken as the daemon getting slower.
 *
 * Pure arithmetic on times in microseconds: unit tested. */
#ifndef NG_COALESCE_H
#define NG_COALESCE_H

#include <stdint.h>

/* Sleeps shorter than this cost more than the wake-ups they save. */
#define COALESCE_MIN_US 100
/* Nor for fewer replies than this: one or two replies a wake-up is what
 * waking for each gives already. */
#define COALESCE_MIN_BATCH 4
/* Nor longer than this: a daemon that stalls is seen soon enough. */
#define COALESCE_MAX_US 20000

struct coalesce {
	int64_t last_us;      /* when its replies were last read; -1: not yet */
	uint32_t interval_us; /* estimated time between two replies; 0: unknown */
};

void coalesce_init(struct coalesce *c);

/* At now_us, replies were read, leaving left requests unanswered, where
 * keep were meant to be. */
void coalesce_read(struct coalesce *c, int64_t now_us, unsigned replies, unsigned left,
		   unsigned keep);

/* The session was closed or restarted: the next read starts a new measure. */
void coalesce_reset(struct coalesce *c);

/* How long to sleep before reading, with inflight requests out of which
 * keep must stay unanswered to keep the daemon busy; 0: read now. */
uint32_t coalesce_delay_us(const struct coalesce *c, unsigned inflight, unsigned keep);

#endif
