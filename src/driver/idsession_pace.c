/* The IDSESSION driver's pacing: with -m, against a daemon slower than the
 * client, one wake-up reads several replies (coalesce.h has the arithmetic;
 * idsession.c's wait_any() calls these). */
#include "config.h"

#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "driver/idsession_int.h"
#include "util/interrupt.h"

/* The requests left unanswered while sleeping, to keep a daemon busy:
 * three quarters of its window. Half cost -m --stream up to a tenth of its
 * wall time in scripts/bench (clamd's one thread reading streams starved);
 * three quarters cost none measurable and still read 4 replies a wake-up. */
unsigned pace_keep(const struct driver *e)
{
	return e->window * 3 / 4;
}

/* With files waiting for room, sleeps until each daemon has answered what
 * it has in flight beyond pace_keep() (coalesce.h), so one wake-up reads
 * several replies while the rest keep the daemon busy. A signal ends it. */
void pace_replies(struct driver *e, struct daemon_state *const *polled, size_t np, int64_t now)
{
	uint32_t us = UINT32_MAX;
	struct pollfd p = { .fd = interrupt_fd(), .events = POLLIN };
	struct timespec ts;

	if (e->draining || e->pend_count == 0)
		return;
	for (size_t i = 0; i < np && us > 0; i++) {
		const struct session *s = polled[i]->s;
		int64_t left_ms = s->deadline - now;
		uint32_t d;

		if (!awaits_answer(s))
			continue;
		d = coalesce_delay_us(&polled[i]->pace, s->tr->inflight, pace_keep(e));
		if (s->conn.timeout > 0 && (int64_t)d > left_ms * 1000)
			d = 0; /* its time is nearly up: watch it */
		if (d < us)
			us = d;
	}
	if (us == 0 || us == UINT32_MAX)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)us * 1000;
	(void)ppoll(&p, 1, &ts, NULL);
}
