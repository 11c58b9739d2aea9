/* The progress line on stderr: counts, rate, current file; throttled by a
 * clock check on each event. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "output/progress.h"
#include "util/utf8.h"

/* Longest current name kept, in bytes: the line is cut to the terminal. */
#define NAME_MAX_KEPT 4096
/* Carriage return and "erase to end of line". */
#define ERASE "\r\033[K"

struct progress {
	FILE *out;
	int fd;
	bool stdout_tty;
	bool begun, ended, shown;
	unsigned long files, infected;
	unsigned long long bytes;
	struct timespec start, last; /* last draw; zero before the first */
	char name[NAME_MAX_KEPT];
};

bool progress_wanted(int setting, bool quiet)
{
	if (setting >= 0)
		return setting == 1;
	return !quiet && isatty(STDERR_FILENO);
}

struct progress *progress_new(FILE *out, int fd, bool stdout_tty)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->out = out;
	p->fd = fd;
	p->stdout_tty = stdout_tty;
	return p;
}

void progress_free(struct progress *p)
{
	if (p == NULL)
		return;
	progress_clear(p);
	free(p);
}

/* Seconds from a to b. */
static double elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* The terminal's width in columns: the tty's, else $COLUMNS, else 80. */
static size_t term_cols(int fd)
{
	struct winsize ws;
	const char *env;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env != NULL && atoi(env) > 0)
		return (size_t)atoi(env);
	return 80;
}

/* The bytes of the character at s (at least 1); *ok says whether it is
 * valid, printable UTF-8 (else it is shown as one "?"). */
static size_t utf8_char(const unsigned char *s, bool *ok)
{
	unsigned long cp;
	size_t n = utf8_decode(s, strnlen((const char *)s, 4), &cp);

	if (n == 0) {
		*ok = false;
		return 1; /* not UTF-8: a "?" per byte */
	}
	/* C0 and C1 controls and DEL would act on the terminal */
	*ok = !(cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f));
	return n;
}

void progress_format(char *buf, size_t len, const char *head, const char *name, size_t cols)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t used, room, total = 0, skip, i, n, out;
	bool ok;

	/* the head is ASCII: one byte, one column */
	snprintf(buf, len, "%s", head);
	used = strlen(buf);
	if (used > cols) {
		used = cols;
		buf[used] = '\0';
	}
	if (name == NULL || name[0] == '\0' || used + 2 >= cols || used + 2 >= len)
		return;
	room = cols - used - 2;
	for (i = 0; s[i] != '\0'; i += n, total++)
		n = utf8_char(s + i, &ok);
	/* too wide: keep the tail, where the file's own name is */
	skip = 0;
	if (total > room) {
		if (room <= 3)
			return;
		skip = total - (room - 3);
	}
	memcpy(buf + used, ": ", 3);
	out = used + 2;
	if (skip > 0) {
		memcpy(buf + out, "...", 4);
		out += 3;
	}
	for (i = 0, total = 0; s[i] != '\0'; i += n, total++) {
		n = utf8_char(s + i, &ok);
		if (total < skip)
			continue;
		if (out + n + 1 > len)
			break;
		if (!ok)
			buf[out++] = '?';
		else
			for (size_t k = 0; k < n; k++)
				buf[out++] = (char)s[i + k];
	}
	buf[out] = '\0';
}

/* Writes a byte count the way people read it: 1023 B, 1.5 KiB, 12.0 MiB. */
static void human(char *buf, size_t len, double v, const char *suffix)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f %s%s", v, units[u], suffix);
	else
		snprintf(buf, len, "%.1f %s%s", v, units[u], suffix);
}

/* Draws the line now. */
static void draw(struct progress *p, const struct timespec *now)
{
	char head[200], size[32], rate[32], line[1024];
	double secs = elapsed(&p->start, now);

	human(size, sizeof(size), (double)p->bytes, "");
	human(rate, sizeof(rate), secs > 0.05 ? (double)p->bytes / secs : 0, "/s");
	snprintf(head, sizeof(head), "%lu file%s, %s, %s, %lu infected", p->files,
		 p->files == 1 ? "" : "s", size, rate, p->infected);
	/* one column short of the width: a full line would wrap on some terminals */
	progress_format(line, sizeof(line), head, p->name, term_cols(p->fd) - 1);
	fputs(ERASE, p->out);
	fputs(line, p->out);
	fflush(p->out);
	p->shown = true;
	p->last = *now;
}

/* Redraws if the line is on and the last draw is old enough. */
static void tick(struct progress *p)
{
	struct timespec now;

	if (p == NULL || !p->begun || p->ended)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* the first draw at once: a short scan still shows its line */
	if ((p->last.tv_sec != 0 || p->last.tv_nsec != 0) &&
	    elapsed(&p->last, &now) < 1.0 / PROGRESS_HZ)
		return;
	draw(p, &now);
}

void progress_begin(struct progress *p)
{
	if (p == NULL)
		return;
	p->begun = true;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void progress_current(struct progress *p, const char *name)
{
	if (p == NULL)
		return;
	snprintf(p->name, sizeof(p->name), "%s", name);
	tick(p);
}

void progress_file_done(struct progress *p, unsigned long long bytes, bool infected)
{
	if (p == NULL)
		return;
	p->files++;
	p->bytes += bytes;
	if (infected)
		p->infected++;
	tick(p);
}

void progress_clear(struct progress *p)
{
	if (p == NULL || !p->shown)
		return;
	fputs(ERASE, p->out);
	fflush(p->out);
	p->shown = false;
}

void progress_before_output(struct progress *p, FILE *stream)
{
	/* a result line piped away cannot disturb the line: leave it shown */
	if (p != NULL && (stream == p->out || p->stdout_tty))
		progress_clear(p);
}

void progress_end(struct progress *p)
{
	if (p == NULL)
		return;
	progress_clear(p);
	p->ended = true;
}
