/* The JUnit XML report (see junit.h). One test suite, "clamdscan-ng";
 * its test cases, kept until the end (a clean file inside a directory is
 * not one, so they are as many as the targets and the findings):
 *   - a command-line target found clean: a passed test case;
 *   - an infected file: a failure, of the signature's type;
 *   - a file that could not be scanned: an error;
 *   - a file excluded, or answered clean over the daemon's size limit:
 *     skipped, with why. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>


#include "output/junit.h"
#include "util/safefile.h"
#include "util/utf8.h"
#include "util/xmlwriter.h"

/* libxml2, loaded when a JUnit report is asked for */
static const struct xml_api *X;

enum outcome { PASSED, FAILURE, ERROR, SKIPPED };

struct junit_case {
	enum outcome outcome;
	char *name;    /* the path, as XML text */
	char *type;    /* failure: the signature; error/skipped: NULL */
	char *message; /* what the text report says of it */
	struct junit_case *next;
};

struct junit {
	struct safefile file;
	struct junit_case *head, **tail;
	unsigned long counts[4];
	struct timeval opened;
};

char *junit_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0;
	char *out = malloc(len * 3 + 1);

	if (out == NULL)
		return NULL;
	while (i < len) {
		unsigned long cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		/* XML 1.0: tab, newline, carriage return, and from U+0020 on */
		bool allowed = k > 0 && (cp >= 0x20 || cp == 0x09 || cp == 0x0a || cp == 0x0d) &&
			       cp != 0xfffe && cp != 0xffff;

		if (!allowed) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += k > 0 ? k : 1;
			continue;
		}
		memcpy(out + o, p + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return out;
}

/* Keeps one test case. */
static void add(struct junit *j, enum outcome outcome, const char *path, const char *type,
		const char *message)
{
	struct junit_case *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return;
	c->outcome = outcome;
	c->name = junit_text(path);
	c->type = type != NULL ? junit_text(type) : NULL;
	c->message = message != NULL ? junit_text(message) : NULL;
	if (c->name == NULL) {
		free(c->type);
		free(c->message);
		free(c);
		return;
	}
	*j->tail = c;
	j->tail = &c->next;
	j->counts[outcome]++;
}

static void sink_found(void *self, const char *path, const char *signature, int fd)
{
	char *msg;

	(void)fd;
	if (asprintf(&msg, "%s: %s FOUND", path, signature) < 0)
		return;
	add(self, FAILURE, path, signature, msg);
	free(msg);
}

static void sink_target_ok(void *self, const char *path)
{
	add(self, PASSED, path, NULL, NULL);
}

static void sink_excluded(void *self, const char *path)
{
	add(self, SKIPPED, path, NULL, "Excluded: not scanned");
}

static void sink_limits(void *self, const char *path, const char *name, unsigned long long limit,
			unsigned long long size)
{
	char *msg;

	if (asprintf(&msg, "%llu bytes, over %s (%llu bytes): clamd's OK covers only what it read",
		     size, name, limit) < 0)
		return;
	add(self, SKIPPED, path, NULL, msg);
	free(msg);
}

static void sink_error(void *self, const char *path, const char *message)
{
	if (path != NULL)
		add(self, ERROR, path, NULL, message);
}

/* One <testcase>. */
static int write_case(xmlTextWriterPtr w, const struct junit_case *c)
{
	static const char *const tags[] = { NULL, "failure", "error", "skipped" };
	int rc = 0;

	rc |= X->StartElement(w, BAD_CAST "testcase") < 0;
	rc |= X->WriteAttribute(w, BAD_CAST "classname", BAD_CAST PACKAGE_NAME) < 0;
	rc |= X->WriteAttribute(w, BAD_CAST "name", BAD_CAST c->name) < 0;
	rc |= X->WriteAttribute(w, BAD_CAST "file", BAD_CAST c->name) < 0;
	rc |= X->WriteAttribute(w, BAD_CAST "time", BAD_CAST "0") < 0;
	if (c->outcome != PASSED) {
		rc |= X->StartElement(w, BAD_CAST tags[c->outcome]) < 0;
		if (c->message != NULL)
			rc |= X->WriteAttribute(w, BAD_CAST "message", BAD_CAST c->message) < 0;
		if (c->type != NULL)
			rc |= X->WriteAttribute(w, BAD_CAST "type", BAD_CAST c->type) < 0;
		if (c->outcome != SKIPPED && c->message != NULL)
			rc |= X->WriteString(w, BAD_CAST c->message) < 0;
		rc |= X->EndElement(w) < 0;
	}
	rc |= X->EndElement(w) < 0;
	return rc ? -1 : 0;
}

/* The whole document into the report's file. */
static int write_report(struct junit *j, const struct run_end *e)
{
	xmlOutputBufferPtr buf = X->OutputBufferCreateFile(j->file.out, NULL);
	xmlTextWriterPtr w = buf != NULL ? X->NewTextWriter(buf) : NULL;
	struct timeval now;
	double secs;
	char num[32], when[32], host[256] = "localhost";
	unsigned long total = j->counts[PASSED] + j->counts[FAILURE] + j->counts[ERROR] +
			      j->counts[SKIPPED];
	int rc = 0;

	if (w == NULL) {
		if (buf != NULL)
			X->OutputBufferClose(buf);
		errno = ENOMEM;
		return -1;
	}
	gettimeofday(&now, NULL);
	secs = e != NULL && e->start != NULL && e->end != NULL
		       ? (double)(e->end->tv_sec - e->start->tv_sec) +
				 (double)(e->end->tv_usec - e->start->tv_usec) / 1e6
		       : (double)(now.tv_sec - j->opened.tv_sec);
	{
		struct tm tm;
		time_t t = e != NULL && e->start != NULL ? e->start->tv_sec : j->opened.tv_sec;

		if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			snprintf(when, sizeof(when), "1970-01-01T00:00:00");
	}
	gethostname(host, sizeof(host) - 1);
	X->SetIndent(w, 1);
	rc |= X->StartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= X->StartElement(w, BAD_CAST "testsuites") < 0;
	rc |= X->WriteAttribute(w, BAD_CAST "name", BAD_CAST PACKAGE_NAME) < 0;
	for (int level = 0; level < 2; level++) {
		/* the same counts on <testsuites> and its one <testsuite> */
		if (level == 1) {
			rc |= X->StartElement(w, BAD_CAST "testsuite") < 0;
			rc |= X->WriteAttribute(w, BAD_CAST "name", BAD_CAST PACKAGE_NAME) < 0;
			rc |= X->WriteAttribute(w, BAD_CAST "timestamp", BAD_CAST when) < 0;
			rc |= X->WriteAttribute(w, BAD_CAST "hostname", BAD_CAST host) < 0;
		}
		snprintf(num, sizeof(num), "%lu", total);
		rc |= X->WriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
		snprintf(num, sizeof(num), "%lu", j->counts[FAILURE]);
		rc |= X->WriteAttribute(w, BAD_CAST "failures", BAD_CAST num) < 0;
		snprintf(num, sizeof(num), "%lu", j->counts[ERROR]);
		rc |= X->WriteAttribute(w, BAD_CAST "errors", BAD_CAST num) < 0;
		snprintf(num, sizeof(num), "%lu", j->counts[SKIPPED]);
		rc |= X->WriteAttribute(w, BAD_CAST "skipped", BAD_CAST num) < 0;
		snprintf(num, sizeof(num), "%.3f", secs < 0 ? 0.0 : secs);
		rc |= X->WriteAttribute(w, BAD_CAST "time", BAD_CAST num) < 0;
	}
	if (e != NULL && e->sig != NULL) {
		rc |= X->StartElement(w, BAD_CAST "properties") < 0;
		rc |= X->StartElement(w, BAD_CAST "property") < 0;
		rc |= X->WriteAttribute(w, BAD_CAST "name", BAD_CAST "clamav.engine") < 0;
		rc |= X->WriteAttribute(w, BAD_CAST "value", BAD_CAST e->sig->engine) < 0;
		rc |= X->EndElement(w) < 0;
		if (e->sig->version != 0) {
			snprintf(num, sizeof(num), "%lu", e->sig->version);
			rc |= X->StartElement(w, BAD_CAST "property") < 0;
			rc |= X->WriteAttribute(w, BAD_CAST "name",
							  BAD_CAST "clamav.database.version") < 0;
			rc |= X->WriteAttribute(w, BAD_CAST "value", BAD_CAST num) < 0;
			rc |= X->EndElement(w) < 0;
		}
		rc |= X->EndElement(w) < 0;
	}
	for (const struct junit_case *c = j->head; c != NULL && rc == 0; c = c->next)
		rc |= write_case(w, c);
	if (e == NULL || !e->complete) {
		/* an unfinished run is not a passing suite, even with no finding */
		rc |= X->StartElement(w, BAD_CAST "system-err") < 0;
		rc |= X->WriteString(w, BAD_CAST "The scan did not complete without errors: "
					       "files may be missing from this report.") < 0;
		rc |= X->EndElement(w) < 0;
	}
	rc |= X->EndDocument(w) < 0;
	X->FreeTextWriter(w); /* flushes and closes the output buffer, not the FILE */
	if (rc != 0)
		errno = EIO;
	return rc ? -1 : 0;
}

static int sink_finish(void *self, const struct run_end *e)
{
	struct junit *j = self;
	int rc = write_report(j, e);
	int saved = errno;

	if (rc == 0)
		rc = safefile_commit(&j->file);
	else
		safefile_abort(&j->file);
	if (rc != 0)
		saved = errno;
	while (j->head != NULL) {
		struct junit_case *c = j->head;

		j->head = c->next;
		free(c->name);
		free(c->type);
		free(c->message);
		free(c);
	}
	free(j);
	errno = saved;
	return rc;
}

static const struct output_ops junit_ops = {
	.name = "JUnit report",
	.found = sink_found,
	.target_ok = sink_target_ok,
	.excluded = sink_excluded,
	.limits = sink_limits,
	.error = sink_error,
	.finish = sink_finish,
};

int junit_output_open(const char *path, struct output_sink *out)
{
	struct junit *j = calloc(1, sizeof(*j));
	char why[300]; /* xml_api_open()'s reason; errno (ELIBACC) carries the failure */
	int saved;

	if (j == NULL)
		return -1;
	if (X == NULL && (X = xml_api_open(why, sizeof(why))) == NULL) {
		free(j);
		errno = ELIBACC; /* "Can not access a needed shared library" */
		return -1;
	}
	if (safefile_create(&j->file, path) != 0) {
		saved = errno;
		free(j);
		errno = saved;
		return -1;
	}
	j->tail = &j->head;
	gettimeofday(&j->opened, NULL);
	*out = (struct output_sink){ &junit_ops, j, path, fileno(j->file.out) };
	return 0;
}
