/* The arithmetic of confirm.h. */
#include "config.h"

#include "driver/confirm.h"

void confirm_init(struct confirm *c)
{
	c->arrived = 0;
	c->vouched = 0;
	c->sends = 0;
	c->last_mark = 0;
	c->newest_out = false;
}

unsigned long confirm_sent(struct confirm *c, unsigned long *number)
{
	*number = c->sends++;
	c->last_mark = c->arrived;
	c->newest_out = true;
	return c->arrived;
}

unsigned long confirm_answer(struct confirm *c, unsigned long mark, unsigned long number)
{
	/* the daemon read that request after sending every answer before mark */
	if (mark > c->vouched)
		c->vouched = mark;
	if (number + 1 == c->sends)
		c->newest_out = false;
	return c->arrived++;
}

bool confirm_believed(const struct confirm *c, unsigned long index)
{
	return index < c->vouched;
}

bool confirm_uncovered(const struct confirm *c)
{
	if (c->arrived == c->vouched)
		return false;
	return !(c->newest_out && c->last_mark == c->arrived);
}

void confirm_dropped(struct confirm *c)
{
	c->newest_out = false;
}
