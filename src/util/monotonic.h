/* Now, on a clock that never jumps (CLOCK_MONOTONIC): for deadlines and
 * for measuring how long things take. */
#ifndef NG_MONOTONIC_H
#define NG_MONOTONIC_H

#include <stdint.h>

int64_t monotonic_ms(void);
int64_t monotonic_us(void);

#endif
