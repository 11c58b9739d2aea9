/* The progress line: one line on stderr, rewritten in place while a scan
 * runs. Part of the report layer: report.c owns it and erases it before
 * every other line it prints, so it never mixes with results. */
#ifndef NG_PROGRESS_H
#define NG_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* At most this many redraws a second: checked on each event, no thread. */
#define PROGRESS_HZ 10

struct progress;

/* Whether the line is wanted: setting 1 (--progress) or 0
 * (--no-progress), or with -1 when stderr is a terminal and not quiet. */
bool progress_wanted(int setting, bool quiet);

/* A progress line drawn on out (whose descriptor is fd); stdout_tty says
 * whether stdout shares the terminal. Returns memory the caller frees with
 * progress_free, or NULL when out of memory. */
struct progress *progress_new(FILE *out, int fd, bool stdout_tty);

/* Erases the line and frees p. NULL is accepted. */
void progress_free(struct progress *p);

/* Starts drawing. */
void progress_begin(struct progress *p);

/* Names the file (or argument) being scanned now, and redraws if due. */
void progress_current(struct progress *p, const char *name);

/* One file answered for: bytes more, and whether it was infected. */
void progress_file_done(struct progress *p, unsigned long long bytes, bool infected);

/* Erases the line if it is shown; the next event draws it again. */
void progress_clear(struct progress *p);

/* Erases the line before a line is written to stream (NULL: to the log
 * only, or JSON on stdout) when that line could land on the terminal. */
void progress_before_output(struct progress *p, FILE *stream);

/* Erases the line and draws no more. */
void progress_end(struct progress *p);

/* Writes into buf (len bytes, at least 8) the text of a progress line of at
 * most cols columns: head, then name with control characters and invalid
 * UTF-8 as "?", cut from the left ("...tail") to fit. Pure: for the tests. */
void progress_format(char *buf, size_t len, const char *head, const char *name, size_t cols);

#endif
