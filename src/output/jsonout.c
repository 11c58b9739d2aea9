/* JSON Lines output for --json, built with json-c: one object per line,
 * flushed as written so a reader sees each verdict as it happens. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/jsonout.h"
#include "util/utf8.h"
#include "core/result.h"

/* json-c escapes "/" by default: paths read better without it. */
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct jsonout {
	FILE *out;
	bool actions;
	struct json_object *pending; /* an infected file, waiting for its action */
	char *pending_path;          /* its path as reported (owned) */
};

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned long cp;

	return utf8_decode(s, n, &cp);
}

bool json_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		if ((k = utf8_seq(p + i, len - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

struct json_object *json_utf8_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, k;
	struct json_object *js;
	char *buf;

	if (json_utf8_valid(s, len))
		return json_object_new_string(s);
	/* each invalid byte becomes the three bytes of U+FFFD */
	buf = malloc(len * 3 + 1);
	if (buf == NULL)
		return NULL;
	while (i < len) {
		if ((k = utf8_seq(p + i, len - i)) == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(buf + o, p + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	js = json_object_new_string_len(buf, (int)o);
	free(buf);
	return js;
}

/* Standard base64 (RFC 4648, padded) of s[0..len). Returns malloc'd memory
 * (caller frees) or NULL. */
static char *base64(const unsigned char *s, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		*o++ = alphabet[(v >> 18) & 63];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

void json_add_name(struct json_object *o, const char *key, const char *s)
{
	char bkey[64];
	char *b64;

	if (s == NULL) {
		json_object_object_add(o, key, NULL);
		return;
	}
	json_object_object_add(o, key, json_utf8_string(s));
	if (json_utf8_valid(s, strlen(s)))
		return;
	snprintf(bkey, sizeof(bkey), "%s_bytes", key);
	b64 = base64((const unsigned char *)s, strlen(s));
	if (b64 != NULL)
		json_object_object_add(o, bkey, json_object_new_string(b64));
	free(b64);
}

void json_utc_time(char *buf, size_t len, const struct timeval *tv)
{
	struct tm tm;
	char day[32];
	time_t t = tv->tv_sec;

	if (gmtime_r(&t, &tm) == NULL || strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(buf, len, "%s.%03ldZ", day, (long)tv->tv_usec / 1000);
}

struct jsonout *jsonout_new(FILE *out, bool actions)
{
	struct jsonout *j = calloc(1, sizeof(*j));

	if (j != NULL) {
		j->out = out;
		j->actions = actions;
	}
	return j;
}

/* Writes o as one line and drops the reference. */
static void write_line(struct jsonout *j, struct json_object *o)
{
	if (o == NULL)
		return;
	fputs(json_object_to_json_string_ext(o, JSON_FLAGS), j->out);
	fputc('\n', j->out);
	fflush(j->out);
	json_object_put(o);
}

/* Writes the infected file held back for its action, if any. */
static void flush_pending(struct jsonout *j)
{
	write_line(j, j->pending);
	j->pending = NULL;
	free(j->pending_path);
	j->pending_path = NULL;
}

void jsonout_free(struct jsonout *j)
{
	if (j == NULL)
		return;
	flush_pending(j);
	free(j);
}

/* A new {"type":"file","path":...,"result":result}, or NULL. */
static struct json_object *file_object(const char *path, const char *result)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "type", json_object_new_string("file"));
	json_add_name(o, "path", path);
	json_object_object_add(o, "result", json_object_new_string(result));
	return o;
}

void jsonout_found(struct jsonout *j, const char *path, const char *signature)
{
	struct json_object *o;

	flush_pending(j);
	o = file_object(path, "infected");
	if (o == NULL)
		return;
	json_object_object_add(o, "signature", json_utf8_string(signature));
	j->pending = o;
	if (!j->actions)
		flush_pending(j);
	else if ((j->pending_path = strdup(path)) == NULL)
		flush_pending(j); /* no action can be matched to it: write it as it is */
}

void jsonout_ok(struct jsonout *j, const char *path)
{
	flush_pending(j);
	write_line(j, file_object(path, "clean"));
}

void jsonout_excluded(struct jsonout *j, const char *path)
{
	flush_pending(j);
	write_line(j, file_object(path, "excluded"));
}

void jsonout_limits(struct jsonout *j, const char *path, const char *name,
		    unsigned long long limit, unsigned long long size)
{
	struct json_object *o;

	flush_pending(j);
	o = file_object(path, "limits_exceeded");
	if (o != NULL) {
		json_object_object_add(o, "limit", json_object_new_string(name));
		json_object_object_add(o, "limit_bytes", json_object_new_uint64(limit));
		json_object_object_add(o, "size", json_object_new_uint64(size));
	}
	write_line(j, o);
}

void jsonout_error(struct jsonout *j, const char *path, const char *message)
{
	struct json_object *o;

	flush_pending(j);
	o = file_object(path, "error");
	if (o != NULL)
		json_object_object_add(o, "error", json_utf8_string(message));
	write_line(j, o);
}

void jsonout_action(struct jsonout *j, const char *path, const char *type, const char *dest,
		    const char *error)
{
	struct json_object *a;

	if (j->pending == NULL || strcmp(j->pending_path, path) != 0)
		return; /* the file's line is already out: the action is on stderr/log only */
	a = json_object_new_object();
	if (a == NULL)
		return;
	json_object_object_add(a, "type", json_object_new_string(type));
	json_object_object_add(a, "done", json_object_new_boolean(error == NULL));
	if (dest != NULL)
		json_add_name(a, "destination", dest);
	if (error != NULL)
		json_object_object_add(a, "error", json_utf8_string(error));
	json_object_object_add(j->pending, "action", a);
	flush_pending(j);
}

void jsonout_summary(struct jsonout *j, const struct run_end *e)
{
	const struct tally *t = e->t;
	const struct timeval *start = e->start, *end = e->end;
	const char *const *daemons = e->daemons;
	size_t n = e->n_daemons;
	bool local = e->local;
	struct json_object *o, *list;
	long long us = ((long long)end->tv_sec - start->tv_sec) * 1000000 +
		       (end->tv_usec - start->tv_usec);
	char when[40], dur[40];

	flush_pending(j);
	o = json_object_new_object();
	if (o == NULL)
		return;
	if (us < 0)
		us = 0;
	json_object_object_add(o, "type", json_object_new_string("summary"));
	json_object_object_add(o, "infected_files", json_object_new_uint64(t->infected_files));
	json_object_object_add(o, "errors", json_object_new_uint64(t->errors));
	json_object_object_add(o, "not_moved", json_object_new_uint64(t->not_moved));
	json_object_object_add(o, "not_removed", json_object_new_uint64(t->not_removed));
	json_object_object_add(o, "requests", json_object_new_uint64(t->submitted));
	json_object_object_add(o, "requests_clean", json_object_new_uint64(t->clean));
	json_object_object_add(o, "requests_infected", json_object_new_uint64(t->infected));
	json_object_object_add(o, "requests_failed", json_object_new_uint64(t->failed));
	json_object_object_add(o, "requests_excluded", json_object_new_uint64(t->excluded));
	json_utc_time(when, sizeof(when), start);
	json_object_object_add(o, "start", json_object_new_string(when));
	json_utc_time(when, sizeof(when), end);
	json_object_object_add(o, "end", json_object_new_string(when));
	/* an exact decimal, not a binary double's 17 digits */
	snprintf(dur, sizeof(dur), "%lld.%06lld", us / 1000000, us % 1000000);
	json_object_object_add(o, "duration", json_object_new_double_s((double)us / 1e6, dur));
	list = json_object_new_array();
	for (size_t i = 0; list != NULL && i < n; i++)
		json_object_array_add(list, json_utf8_string(daemons[i]));
	json_object_object_add(o, "daemons", list);
	json_object_object_add(o, "local", json_object_new_boolean(local));
	if (e->sig != NULL) {
		struct json_object *sig = json_object_new_object();

		json_add_name(sig, "engine", e->sig->engine);
		if (e->sig->version != 0)
			json_object_object_add(sig, "version", json_object_new_uint64(e->sig->version));
		if (e->sig->time > 0) {
			struct timeval tv = { .tv_sec = (time_t)e->sig->time, .tv_usec = 0 };

			json_utc_time(when, sizeof(when), &tv);
			json_object_object_add(sig, "date", json_object_new_string(when));
		}
		json_object_object_add(o, "signatures", sig);
	}
	if (e->selfcheck != NULL)
		json_add_name(o, "selfcheck", e->selfcheck);
	write_line(j, o);
}

/* ---- as an output of the report (output/sink.h) ---- */

static void sink_found(void *self, const char *path, const char *signature, int fd)
{
	(void)fd;
	jsonout_found(self, path, signature);
}

static void sink_ok(void *self, const char *path)
{
	jsonout_ok(self, path);
}

static void sink_excluded(void *self, const char *path)
{
	jsonout_excluded(self, path);
}

static void sink_limits(void *self, const char *path, const char *name,
			unsigned long long limit, unsigned long long size)
{
	jsonout_limits(self, path, name, limit, size);
}

static void sink_error(void *self, const char *path, const char *message)
{
	jsonout_error(self, path, message);
}

static void sink_action(void *self, const char *path, enum ng_action a, const char *dest,
			const char *failure)
{
	const char *type = a == ACTION_MOVE ? "move" : a == ACTION_COPY ? "copy" : "remove";

	jsonout_action(self, path, type, failure == NULL ? dest : NULL, failure);
}

static void sink_summary(void *self, const struct run_end *e)
{
	jsonout_summary(self, e);
}

static int sink_finish(void *self, const struct run_end *e)
{
	(void)e;
	jsonout_free(self);
	return 0; /* its writes to stdout are checked with the text's */
}

const struct output_ops jsonout_ops = {
	.name = "JSON report",
	.found = sink_found,
	.ok = sink_ok,
	.excluded = sink_excluded,
	.limits = sink_limits,
	.error = sink_error,
	.action = sink_action,
	.summary = sink_summary,
	.finish = sink_finish,
};
