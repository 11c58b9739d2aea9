/* The monotonic clock (see monotonic.h). */
#include "config.h"

#include <time.h>

#include "util/monotonic.h"

int64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t monotonic_ms(void)
{
	return monotonic_us() / 1000;
}
