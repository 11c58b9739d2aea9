/* SARIF 2.1.0 output. Each result is serialised by json-c and written at
 * once; only the framing between them ("," and the closing brackets) is
 * written here, so a tree of any size needs no more memory than one result. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "output/jsonout.h"
#include "output/sarif.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* notifications kept for the invocation; beyond this only counted */
#define MAX_NOTIFICATIONS 1000

/* The base relative URIs hang from (GitHub's code scanning places results
 * by paths relative to the repository). */
#define BASE_ID "SCANROOT"
/* GitHub's ranking of a rule (0.0 to 10.0): a malware signature is critical. */
#define MALWARE_SEVERITY "9.0"

struct sarif {
	FILE *out;
	bool any_result;
	struct json_object *notes; /* toolExecutionNotifications */
	unsigned long notes_dropped;
	struct timeval opened;
	char *base;                 /* absolute, ending in '/', or NULL */
	struct json_object *rules;  /* tool.driver.rules, written at the end */
	struct json_object *rule_at; /* ruleId -> its index in rules */
};

/* prefix + path with every byte but RFC 3986's unreserved ones and '/'
 * percent-encoded; malloc'd, or NULL. */
static char *encoded(const char *prefix, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t plen = strlen(prefix);
	char *out = malloc(strlen(path) * 3 + plen + 1), *o;

	if (out == NULL)
		return NULL;
	memcpy(out, prefix, plen);
	o = out + plen;
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
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

char *sarif_file_uri(const char *path)
{
	return encoded(path[0] == '/' ? "file://" : "", path);
}

/* {"text": s} */
static struct json_object *message(const char *s)
{
	struct json_object *m = json_object_new_object();

	if (m != NULL)
		json_object_object_add(m, "text", json_utf8_string(s));
	return m;
}

/* A rule: id, a name, a description, a level and properties. */
static struct json_object *rule(const char *id, const char *name, const char *text,
				const char *severity)
{
	struct json_object *r = json_object_new_object(), *conf = json_object_new_object();
	struct json_object *props = json_object_new_object(), *tags = json_object_new_array();

	json_object_object_add(r, "id", json_utf8_string(id));
	json_object_object_add(r, "name", json_utf8_string(name));
	json_object_object_add(r, "shortDescription", message(text));
	json_object_object_add(r, "fullDescription", message(text));
	json_object_object_add(conf, "level", json_object_new_string("error"));
	json_object_object_add(r, "defaultConfiguration", conf);
	json_object_array_add(tags, json_object_new_string("security"));
	if (severity != NULL) {
		json_object_array_add(tags, json_object_new_string("malware"));
		json_object_object_add(props, "security-severity", json_object_new_string(severity));
	}
	json_object_object_add(props, "tags", tags);
	json_object_object_add(r, "properties", props);
	return r;
}

/* The index in the rules of id (a signature), added when new. */
static int rule_index(struct sarif *s, const char *id, bool signature)
{
	struct json_object *at;
	char text[300];
	int i;

	if (json_object_object_get_ex(s->rule_at, id, &at))
		return json_object_get_int(at);
	i = (int)json_object_array_length(s->rules);
	if (signature) {
		snprintf(text, sizeof(text), "Matched by the ClamAV signature %.200s", id);
		json_object_array_add(s->rules, rule(id, "ClamavSignatureMatch", text, MALWARE_SEVERITY));
	} else {
		json_object_array_add(s->rules,
				      rule(id, "ScanError",
					   "The file was not scanned (unreadable, vanished, or the daemon "
					   "failed on it): it is not known to be clean.",
					   NULL));
	}
	json_object_object_add(s->rule_at, id, json_object_new_int(i));
	return i;
}

/* The tool.driver object: this program and the rules met. */
static struct json_object *driver(struct sarif *s)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "name", json_object_new_string(PACKAGE_NAME));
	json_object_object_add(d, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(d, "semanticVersion", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(d, "rules", s->rules);
	s->rules = NULL;
	return d;
}

struct sarif *sarif_open(FILE *out, const char *base)
{
	struct sarif *s = calloc(1, sizeof(*s));
	struct json_object *bases = NULL, *root = NULL;
	char *uri = NULL;
	int saved;

	if (s == NULL)
		return NULL;
	gettimeofday(&s->opened, NULL);
	s->out = out;
	s->notes = json_object_new_array();
	s->rules = json_object_new_array();
	s->rule_at = json_object_new_object();
	if (base != NULL &&
	    asprintf(&s->base, "%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/") < 0)
		s->base = NULL;
	bases = json_object_new_object();
	if (s->notes == NULL || s->rules == NULL || s->rule_at == NULL || bases == NULL ||
	    (base != NULL && s->base == NULL)) {
		errno = ENOMEM;
		goto fail;
	}
	rule_index(s, SARIF_SCAN_ERROR_RULE, false);
	if (s->base != NULL && (uri = sarif_file_uri(s->base)) != NULL) {
		root = json_object_new_object();
		json_object_object_add(root, "uri", json_object_new_string(uri));
		json_object_object_add(bases, BASE_ID, root);
		free(uri);
	}
	/* the tool comes after the results: its rules are the signatures met */
	fprintf(s->out,
		"{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\"runs\":[{"
		"\"columnKind\":\"unicodeCodePoints\",\"originalUriBaseIds\":%s,\"results\":[",
		json_object_to_json_string_ext(bases, JSON_FLAGS));
	json_object_put(bases);
	bases = NULL;
	if (fflush(s->out) != 0 || ferror(s->out))
		goto fail;
	return s;
fail:
	saved = errno;
	json_object_put(bases);
	json_object_put(s->notes);
	json_object_put(s->rules);
	json_object_put(s->rule_at);
	free(s->base);
	free(s);
	errno = saved;
	return NULL;
}

/* The SHA-256 of the file behind fd, in hex, into hex[65], and its size
 * into *size; false when it cannot be read whole. */
static bool fingerprint(int fd, char hex[65], long long *size)
{
	static const char digits[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char buf[65536];
	off_t off = 0;

	if (fd < 0)
		return false;
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		off += n;
	}
	sha256_digest(&ctx, sizeof(digest), digest);
	*size = (long long)off;
	for (size_t i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
	return true;
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

/* The artifactLocation of path: relative to the base when under it. */
static struct json_object *artifact(const struct sarif *s, const char *path)
{
	struct json_object *art = json_object_new_object();
	size_t blen = s->base != NULL ? strlen(s->base) : 0;
	bool under = blen > 0 && strncmp(path, s->base, blen) == 0 && path[blen] != '\0';
	char *uri = under ? encoded("", path + blen) : sarif_file_uri(path);

	if (art == NULL || uri == NULL) {
		json_object_put(art);
		free(uri);
		return NULL;
	}
	json_object_object_add(art, "uri", json_object_new_string(uri));
	if (under)
		json_object_object_add(art, "uriBaseId", json_object_new_string(BASE_ID));
	free(uri);
	return art;
}

/* A result of rule_id at level "error" on path, saying text; fp, when
 * not NULL, the file's SHA-256 as its fingerprint, and size its length (the
 * finding is the whole file). */
static struct json_object *result(struct sarif *s, const char *rule_id, bool signature,
				  const char *path, const char *text, const char *fp,
				  long long size)
{
	struct json_object *r = json_object_new_object(), *locs = json_object_new_array();
	struct json_object *loc = json_object_new_object(), *phys = json_object_new_object();
	struct json_object *props = json_object_new_object(), *art = artifact(s, path);

	if (r == NULL || locs == NULL || loc == NULL || phys == NULL || art == NULL || props == NULL) {
		json_object_put(r);
		json_object_put(locs);
		json_object_put(loc);
		json_object_put(phys);
		json_object_put(art);
		json_object_put(props);
		return NULL;
	}
	json_object_object_add(r, "ruleId", json_utf8_string(rule_id));
	json_object_object_add(r, "ruleIndex", json_object_new_int(rule_index(s, rule_id, signature)));
	json_object_object_add(r, "level", json_object_new_string("error"));
	json_object_object_add(r, "kind", json_object_new_string("fail"));
	json_object_object_add(r, "message", message(text));
	json_object_object_add(phys, "artifactLocation", art);
	if (fp != NULL) {
		struct json_object *region = json_object_new_object();

		json_object_object_add(region, "byteOffset", json_object_new_int(0));
		json_object_object_add(region, "byteLength", json_object_new_int64(size));
		json_object_object_add(phys, "region", region);
	}
	json_object_object_add(loc, "physicalLocation", phys);
	json_object_array_add(locs, loc);
	json_object_object_add(r, "locations", locs);
	if (fp != NULL) {
		/* the content, not the place: the same file found again elsewhere
		 * is the same finding */
		struct json_object *fps = json_object_new_object();

		json_object_object_add(fps, "sha256/v1", json_object_new_string(fp));
		json_object_object_add(r, "partialFingerprints", fps);
	}
	/* the path as printed, for readers that do not decode URIs */
	json_add_name(props, "path", path);
	json_object_object_add(r, "properties", props);
	return r;
}

void sarif_found(struct sarif *s, const char *path, const char *signature, int fd)
{
	size_t len = strlen(path) + strlen(signature) + 16;
	char *text = malloc(len), fp[65];
	long long size = 0;
	bool have_fp = fingerprint(fd, fp, &size);

	if (text == NULL)
		return;
	snprintf(text, len, "%s: %s FOUND", path, signature);
	write_result(s, result(s, signature, true, path, text, have_fp ? fp : NULL, size));
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
	write_result(s, result(s, SARIF_SCAN_ERROR_RULE, false, path, text, NULL, 0));
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

/* The run's properties: what is known of the signatures scanned with. */
static struct json_object *run_properties(const struct run_end *e)
{
	struct json_object *p = json_object_new_object();

	if (e == NULL || e->sig == NULL)
		return p;
	json_add_name(p, "clamavEngine", e->sig->engine);
	if (e->sig->version != 0)
		json_object_object_add(p, "signatureDatabaseVersion",
				       json_object_new_uint64(e->sig->version));
	if (e->sig->time > 0) {
		struct timeval tv = { .tv_sec = (time_t)e->sig->time, .tv_usec = 0 };
		char when[40];

		json_utc_time(when, sizeof(when), &tv);
		json_object_object_add(p, "signatureDatabaseDate", json_object_new_string(when));
	}
	return p;
}

int sarif_finish(struct sarif *s, const struct run_end *e)
{
	struct json_object *inv = json_object_new_object(), *tool = json_object_new_object();
	struct json_object *props = run_properties(e);
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
	if (inv != NULL && tool != NULL && props != NULL) {
		json_object_object_add(inv, "executionSuccessful",
				       json_object_new_boolean(e != NULL && e->complete));
		if (e != NULL)
			json_object_object_add(inv, "exitCode", json_object_new_int(e->status));
		json_utc_time(when, sizeof(when), e != NULL && e->start != NULL ? e->start : &s->opened);
		json_object_object_add(inv, "startTimeUtc", json_object_new_string(when));
		json_utc_time(when, sizeof(when), e != NULL && e->end != NULL ? e->end : &now);
		json_object_object_add(inv, "endTimeUtc", json_object_new_string(when));
		json_object_object_add(inv, "toolExecutionNotifications", s->notes);
		s->notes = NULL;
		json_object_object_add(tool, "driver", driver(s));
		fprintf(s->out, "],\"tool\":%s,", json_object_to_json_string_ext(tool, JSON_FLAGS));
		fprintf(s->out, "\"invocations\":[%s],", json_object_to_json_string_ext(inv, JSON_FLAGS));
		fprintf(s->out, "\"properties\":%s}]}\n", json_object_to_json_string_ext(props, JSON_FLAGS));
	} else {
		rc = -1;
		saved = ENOMEM;
	}
	json_object_put(inv);
	json_object_put(tool);
	json_object_put(props);
	if ((fflush(s->out) != 0 || ferror(s->out)) && rc == 0) {
		rc = -1;
		saved = errno != 0 ? errno : EIO;
	}
	json_object_put(s->notes);
	json_object_put(s->rules);
	json_object_put(s->rule_at);
	free(s->base);
	free(s);
	errno = saved;
	return rc;
}
