/* clamd reply records: splitting a byte stream and parsing one line. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clamd/reply.h"

int splitter_init(struct reply_splitter *s, char term, size_t max_record)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(max_record + 1);
	if (s->buf == NULL)
		return -1;
	s->max_record = max_record;
	s->term = term;
	return 0;
}

void splitter_free(struct reply_splitter *s)
{
	free(s->buf);
	s->buf = NULL;
}

/* Moves unread bytes to the front so the free space is contiguous. */
static void compact(struct reply_splitter *s)
{
	if (s->start == 0)
		return;
	memmove(s->buf, s->buf + s->start, s->len - s->start);
	s->len -= s->start;
	s->start = 0;
}

size_t splitter_space(struct reply_splitter *s, char **dst)
{
	compact(s);
	*dst = s->buf + s->len;
	return s->max_record + 1 - s->len; /* a record and its terminator */
}

void splitter_commit(struct reply_splitter *s, size_t n)
{
	s->len += n;
}

size_t splitter_feed(struct reply_splitter *s, const char *data, size_t n)
{
	char *dst;
	size_t room = splitter_space(s, &dst);

	if (n > room)
		n = room;
	memcpy(dst, data, n);
	splitter_commit(s, n);
	return n;
}

int splitter_next(struct reply_splitter *s, char **rec, size_t *len)
{
	char *begin = s->buf + s->start;
	char *end;

	if (s->overlong)
		return -1;
	end = memchr(begin, s->term, s->len - s->start);
	if (end == NULL) {
		/* a full buffer with no terminator can never become a record */
		if (s->len - s->start > s->max_record) {
			s->overlong = true;
			return -1;
		}
		return 0;
	}
	*end = '\0';
	*rec = begin;
	*len = (size_t)(end - begin);
	s->start += *len + 1;
	if (s->start == s->len)
		s->start = s->len = 0;
	return 1;
}

size_t splitter_pending(const struct reply_splitter *s)
{
	return s->len - s->start;
}

/* True when the len-byte string s ends with the NUL-terminated suffix. */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Last occurrence of ": " in s[0..len), or NULL. */
static char *last_sep(char *s, size_t len)
{
	for (size_t i = len; i >= 2; i--)
		if (s[i - 2] == ':' && s[i - 1] == ' ')
			return s + i - 2;
	return NULL;
}

/* Reads "N: " off the front; returns the rest, or NULL if absent. */
static char *take_id(char *rec, long *id)
{
	char *p = rec;
	long v = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9') {
		if (v > (1L << 40))
			return NULL;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (p[0] != ':' || p[1] != ' ')
		return NULL;
	*id = v;
	return p + 2;
}

const char *reply_error_tail(const char *message)
{
	const char *colon = strrchr(message, ':');

	if (colon == NULL)
		return message;
	colon++;
	while (*colon == ' ')
		colon++;
	return colon;
}

/* Replies naming a file that was not scanned and is no error. */
static const struct {
	const char *suffix;
	enum reply_status status;
} notices[] = {
	{ ": Excluded", REPLY_EXCLUDED },
	{ ": Excluded (another filesystem)", REPLY_EXCLUDED },
	{ ": Symbolic link", REPLY_EXCLUDED },
	{ ": Empty file", REPLY_EMPTY },
};

int reply_parse(char *rec, bool with_id, const char *hint, struct reply *r)
{
	char *line = rec, *sep;
	size_t len;

	memset(r, 0, sizeof(*r));
	r->id = -1;
	if (with_id) {
		line = take_id(rec, &r->id);
		if (line == NULL)
			return -1;
	}
	len = strlen(line);
	r->status = REPLY_OTHER;
	r->detail = line;

	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		size_t n = strlen(notices[i].suffix);

		if (len > n && ends_with(line, len, notices[i].suffix)) {
			line[len - n] = '\0';
			r->status = notices[i].status;
			r->path = line;
			r->detail = notices[i].suffix + 2;
			return 0;
		}
	}
	if (ends_with(line, len, ": OK")) {
		if (len == 4)
			return 0; /* ": OK" names no file: stays REPLY_OTHER */
		line[len - 4] = '\0';
		r->status = REPLY_OK;
		r->path = line;
		r->detail = "OK";
		return 0;
	}
	if (ends_with(line, len, " FOUND")) {
		line[len - 6] = '\0';
		/* signature names hold no ": ", so the last one ends the path */
		sep = last_sep(line, len - 6);
		if (sep == NULL || sep == line || sep[2] == '\0') {
			line[len - 6] = ' ';
			return 0; /* not a result: stays REPLY_OTHER */
		}
		*sep = '\0';
		r->status = REPLY_FOUND;
		r->path = line;
		r->detail = sep + 2;
		return 0;
	}
	if (ends_with(line, len, " ERROR")) {
		size_t hl = hint ? strlen(hint) : 0;

		line[len - 6] = '\0';
		r->status = REPLY_ERROR;
		if (hint != NULL && len - 6 >= hl + 2 && memcmp(line, hint, hl) == 0 &&
		    line[hl] == ':' && line[hl + 1] == ' ') {
			sep = line + hl;
		} else {
			/* messages like "File path check failure: ..." hold ": " */
			sep = strstr(line, ": ");
		}
		if (sep == NULL) {
			r->detail = line; /* e.g. "INSTREAM size limit exceeded." */
			return 0;
		}
		*sep = '\0';
		r->path = line;
		r->detail = sep + 2;
		return 0;
	}
	return 0;
}
