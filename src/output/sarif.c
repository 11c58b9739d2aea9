/* SARIF 2.1.0 output. Each result is serialised by json-c and written at
 * once; only the framing between them ("," and the closing brackets) is
 * written here, so a tree of any size needs no more memory than one result. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/jsonout.h"
#include "output/sarif.h"
#include "util/safefile.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* notifications kept for the invocation; beyond this only counted */
#define MAX_NOTIFICATIONS 1000

struct sarif {
	FILE *out;
	bool any_result;
	struct json_object *notes; /* toolExecutionNotifications */
	unsigned long notes_dropped;
	struct timeval opened;
};

char *sarif_file_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *out = malloc(len * 3 + sizeof("file://")), *o;

	if (out == NULL)
		return NULL;
	o = out;
	if (path[0] == '/') {
		memcpy(o, "file://", 7);
		o += 7;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		/* RFC 3986 unreserved characters and the path separator stay */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~' || *p == '/') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* {"text": s} */
static struct json_object *message(const char *s)
{
	struct json_object *m = json_object_new_object();

	if (m != NULL)
		json_object_object_add(m, "text", json_utf8_string(s));
	return m;
}

/* The tool.driver object: this program and the one rule of its own. */
static struct json_object *driver(void)
{
	struct json_object *d = json_object_new_object(), *rules, *rule, *conf;

	if (d == NULL)
		return NULL;
	json_object_object_add(d, "name", json_object_new_string(PACKAGE_NAME));
	json_object_object_add(d, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(d, "semanticVersion", json_object_new_string(PACKAGE_VERSION));
	rules = json_object_new_array();
	rule = json_object_new_object();
	conf = json_object_new_object();
	json_object_object_add(rule, "id", json_object_new_string(SARIF_SCAN_ERROR_RULE));
	json_object_object_add(rule, "name", json_object_new_string("ScanError"));
	json_object_object_add(rule, "shortDescription", message("A file could not be scanned"));
	json_object_object_add(rule, "fullDescription",
			       message("The file was not scanned (unreadable, vanished, or the "
				       "daemon failed on it): it is not known to be clean."));
	json_object_object_add(conf, "level", json_object_new_string("error"));
	json_object_object_add(rule, "defaultConfiguration", conf);
	json_object_array_add(rules, rule);
	json_object_object_add(d, "rules", rules);
	return d;
}

struct sarif *sarif_open(FILE *out)
{
	struct sarif *s = calloc(1, sizeof(*s));
	struct json_object *tool = NULL;
	const char *text;
	int saved;

	if (s == NULL)
		return NULL;
	gettimeofday(&s->opened, NULL);
	s->notes = json_object_new_array();
	tool = json_object_new_object();
	if (s->notes == NULL || tool == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	json_object_object_add(tool, "driver", driver());
	s->out = out;
	text = json_object_to_json_string_ext(tool, JSON_FLAGS);
	fprintf(s->out,
		"{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":%s,"
		"\"columnKind\":\"unicodeCodePoints\",\"results\":[",
		text);
	json_object_put(tool);
	tool = NULL;
	if (fflush(s->out) != 0 || ferror(s->out))
		goto fail;
	return s;
fail:
	saved = errno;
	json_object_put(tool);
	json_object_put(s->notes);
	free(s);
	errno = saved;
	return NULL;
}

/* Writes one result object and drops the reference. */
static void write_result(struct sarif *s, struct json_object *r)
{
	if (r == NULL)
		return;
	if (s->any_result)
		fputc(',', s->out);
	fputs(json_object_to_json_string_ext(r, JSON_FLAGS), s->out);
	s->any_result = true;
	json_object_put(r);
}

/* A result of rule_id at level "error" on path, saying text. */
static struct json_object *result(const char *rule_id, const char *path, const char *text)
{
	struct json_object *r = json_object_new_object(), *locs, *loc, *phys, *art, *props;
	char *uri = sarif_file_uri(path);

	locs = json_object_new_array();
	loc = json_object_new_object();
	phys = json_object_new_object();
	art = json_object_new_object();
	props = json_object_new_object();
	if (r == NULL || uri == NULL || locs == NULL || loc == NULL || phys == NULL || art == NULL ||
	    props == NULL) {
		json_object_put(r);
		json_object_put(locs);
		json_object_put(loc);
		json_object_put(phys);
		json_object_put(art);
		json_object_put(props);
		free(uri);
		return NULL;
	}
	json_object_object_add(r, "ruleId", json_utf8_string(rule_id));
	json_object_object_add(r, "level", json_object_new_string("error"));
	json_object_object_add(r, "kind", json_object_new_string("fail"));
	json_object_object_add(r, "message", message(text));
	json_object_object_add(art, "uri", json_object_new_string(uri));
	json_object_object_add(phys, "artifactLocation", art);
	json_object_object_add(loc, "physicalLocation", phys);
	json_object_array_add(locs, loc);
	json_object_object_add(r, "locations", locs);
	/* the path as printed, for readers that do not decode URIs */
	json_add_name(props, "path", path);
	json_object_object_add(r, "properties", props);
	free(uri);
	return r;
}

void sarif_found(struct sarif *s, const char *path, const char *signature)
{
	size_t len = strlen(path) + strlen(signature) + 16;
	char *text = malloc(len);

	if (text == NULL)
		return;
	snprintf(text, len, "%s: %s FOUND", path, signature);
	write_result(s, result(signature, path, text));
	free(text);
}

void sarif_scan_error(struct sarif *s, const char *path, const char *msg)
{
	size_t len;
	char *text;

	if (path == NULL) {
		sarif_notify(s, true, msg);
		return;
	}
	len = strlen(path) + strlen(msg) + 32;
	text = malloc(len);
	if (text == NULL)
		return;
	snprintf(text, len, "%s: not scanned: %s", path, msg);
	write_result(s, result(SARIF_SCAN_ERROR_RULE, path, text));
	free(text);
}

/* A notification object of level ("error", "warning", "note") saying text. */
static struct json_object *notification(const char *level, const char *text)
{
	struct json_object *n = json_object_new_object();

	if (n == NULL)
		return NULL;
	json_object_object_add(n, "level", json_object_new_string(level));
	json_object_object_add(n, "message", message(text));
	return n;
}

/* Keeps a notification for the invocation, while there is room. */
static void notify(struct sarif *s, const char *level, const char *text)
{
	struct json_object *n;

	if (json_object_array_length(s->notes) >= MAX_NOTIFICATIONS) {
		s->notes_dropped++;
		return;
	}
	n = notification(level, text);
	if (n != NULL && json_object_array_add(s->notes, n) != 0)
		json_object_put(n);
}

void sarif_notify(struct sarif *s, bool error, const char *msg)
{
	notify(s, error ? "error" : "warning", msg);
}

void sarif_excluded(struct sarif *s, const char *path)
{
	char *text;

	if (asprintf(&text, "%s: Excluded (not scanned: clamd.conf's ExcludePath)", path) < 0)
		return;
	notify(s, "note", text);
	free(text);
}

int sarif_finish(struct sarif *s, bool successful, const struct timeval *start,
		 const struct timeval *end)
{
	struct json_object *inv = json_object_new_object();
	struct timeval now;
	char when[40];
	int rc = 0, saved = 0;

	if (s == NULL)
		return 0;
	gettimeofday(&now, NULL);
	if (s->notes_dropped > 0) {
		char text[120];

		snprintf(text, sizeof(text), "%lu more messages not recorded here", s->notes_dropped);
		json_object_array_add(s->notes, notification("warning", text));
	}
	if (inv != NULL) {
		json_object_object_add(inv, "executionSuccessful", json_object_new_boolean(successful));
		json_utc_time(when, sizeof(when), start != NULL ? start : &s->opened);
		json_object_object_add(inv, "startTimeUtc", json_object_new_string(when));
		json_utc_time(when, sizeof(when), end != NULL ? end : &now);
		json_object_object_add(inv, "endTimeUtc", json_object_new_string(when));
		json_object_object_add(inv, "toolExecutionNotifications", s->notes);
		s->notes = NULL;
		fprintf(s->out, "],\"invocations\":[%s]}]}\n",
			json_object_to_json_string_ext(inv, JSON_FLAGS));
		json_object_put(inv);
	} else {
		rc = -1;
		saved = ENOMEM;
	}
	if ((fflush(s->out) != 0 || ferror(s->out)) && rc == 0) {
		rc = -1;
		saved = errno != 0 ? errno : EIO;
	}
	json_object_put(s->notes);
	free(s);
	errno = saved;
	return rc;
}

/* ---- as an output of the report (output/sink.h) ---- */

/* The log and the file it is written to, beside the real one until whole. */
struct sarif_output {
	struct sarif *s;
	struct safefile file;
};

static void sink_found(void *self, const char *path, const char *signature)
{
	sarif_found(((struct sarif_output *)self)->s, path, signature);
}

static void sink_excluded(void *self, const char *path)
{
	sarif_excluded(((struct sarif_output *)self)->s, path);
}

static void sink_error(void *self, const char *path, const char *message)
{
	sarif_scan_error(((struct sarif_output *)self)->s, path, message);
}

static void sink_message(void *self, bool error, const char *text)
{
	sarif_notify(((struct sarif_output *)self)->s, error, text);
}

static int sink_finish(void *self, const struct run_end *e)
{
	struct sarif_output *o = self;
	int rc = sarif_finish(o->s, e != NULL && e->complete, e != NULL ? e->start : NULL,
			      e != NULL ? e->end : NULL);
	int saved = errno;

	if (rc != 0)
		safefile_abort(&o->file);
	else
		rc = safefile_commit(&o->file);
	if (rc != 0)
		saved = errno;
	free(o);
	errno = saved;
	return rc;
}

static const struct output_ops sarif_ops = {
	.name = "SARIF report",
	.found = sink_found,
	.excluded = sink_excluded,
	.error = sink_error,
	.message = sink_message,
	.finish = sink_finish,
};

int sarif_output_open(const char *path, struct output_sink *out)
{
	struct sarif_output *o = calloc(1, sizeof(*o));
	int saved;

	if (o == NULL)
		return -1;
	if (safefile_create(&o->file, path) != 0) {
		saved = errno;
		free(o);
		errno = saved;
		return -1;
	}
	o->s = sarif_open(o->file.out);
	if (o->s == NULL) {
		saved = errno;
		safefile_abort(&o->file);
		free(o);
		errno = saved;
		return -1;
	}
	*out = (struct output_sink){ &sarif_ops, o, path, fileno(o->file.out) };
	return 0;
}
