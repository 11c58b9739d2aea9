/* SIGINT, SIGTERM and SIGHUP end a scan in order, not at once: the first
 * one sets a flag (and wakes every poll that watches interrupt_fd()), the
 * loops stop sending, what is in flight ends as not scanned, and the
 * reports are completed. A second signal ends the program at once. */
#ifndef NG_INTERRUPT_H
#define NG_INTERRUPT_H

/* Installs the handlers. Returns 0, or -1 with errno. */
int interrupt_install(void);

/* The signal that asked us to stop, or 0. */
int interrupt_signal(void);

/* A descriptor that polls readable once a signal came, or -1. */
int interrupt_fd(void);

/* "SIGINT", "SIGTERM" or "SIGHUP": the signal that asked us to stop. */
const char *interrupt_name(void);

/* "Not scanned: interrupted by SIGINT." and the like, for a file's line. */
const char *interrupt_reason(void);

#endif
