/* The arithmetic of coalesce.h. */
#include "config.h"

#include "driver/coalesce.h"

void coalesce_init(struct coalesce *c)
{
	c->last_us = -1;
	c->interval_us = 0;
}

void coalesce_reset(struct coalesce *c)
{
	c->last_us = -1;
}

void coalesce_read(struct coalesce *c, int64_t now_us, unsigned replies, unsigned left,
		   unsigned keep)
{
	int64_t dt = c->last_us < 0 ? -1 : now_us - c->last_us;
	uint64_t sample;

	if (replies == 0)
		return;
	c->last_us = now_us;
	if (dt <= 0)
		return;
	sample = (uint64_t)dt / replies;
	if (sample > COALESCE_MAX_US)
		sample = COALESCE_MAX_US;
	if (left < keep || left == 0) {
		/* it may have idled: an upper bound, believed only downwards */
		if (sample < c->interval_us)
			c->interval_us = (uint32_t)((c->interval_us + sample) / 2);
		return;
	}
	/* a moving average: one slow file does not decide the next sleep */
	c->interval_us = c->interval_us == 0 ? (uint32_t)sample
					       : (uint32_t)((3 * (uint64_t)c->interval_us + sample) / 4);
}

uint32_t coalesce_delay_us(const struct coalesce *c, unsigned inflight, unsigned keep)
{
	uint64_t us;

	if (c->interval_us == 0 || inflight < keep + COALESCE_MIN_BATCH)
		return 0;
	us = (uint64_t)(inflight - keep) * c->interval_us;
	if (us < COALESCE_MIN_US)
		return 0;
	return us > COALESCE_MAX_US ? COALESCE_MAX_US : (uint32_t)us;
}
