/* Reads clamd.conf as clamd's own option parser does (common/optparser.c
 * of ClamAV 1.4 and 1.5): a key it does not know is an error, every value is
 * checked against its key's type, and a comment after a value is cut as 1.5
 * cuts it. The keys a client needs are kept; the rest are only checked. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/conf_keys.h"

/* Largest configuration file we read: clamd.conf is a few KiB. */
#define CONF_MAX_BYTES (1024 * 1024)
/* Longest line: clamd reads 1023 bytes at a time; we refuse rather than split. */
#define CONF_MAX_LINE 4096
/* clamd matches ExcludePath against at most this much of a path (misc.c). */

struct parse_state {
	struct ng_conf *c;
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
};

void conf_init(struct ng_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->stream_max_length = 100ULL * 1024 * 1024;
	c->max_dir_recursion = 15;
	c->cross_filesystems = true;
	c->enable_version_command = true;
	c->allow_allmatch_scan = true;
	c->max_file_size = 100ULL * 1024 * 1024;
	c->max_scan_size = 400ULL * 1024 * 1024;
	c->max_recursion = 17;
	c->max_files = 10000;
	c->scan_archive = true;
}

/* Formats "FILE:LINE: message" into the state's error buffer; returns -1. */
static int fail(struct parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_state *ps, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->name, ps->line, msg);
	return -1;
}

/* Keeps "FILE:LINE: message" for the caller to show; returns 0 (or -1 when
 * out of memory). */
static int warn(struct parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int warn(struct parse_state *ps, const char *fmt, ...)
{
	char msg[512], *line;
	char **grown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	grown = realloc(ps->c->warnings, (ps->c->n_warnings + 1) * sizeof(*grown));
	if (grown == NULL || asprintf(&line, "%s:%u: %s", ps->name, ps->line, msg) < 0) {
		if (grown != NULL)
			ps->c->warnings = grown;
		return fail(ps, "out of memory");
	}
	ps->c->warnings = grown;
	ps->c->warnings[ps->c->n_warnings++] = line;
	return 0;
}

/* The table entry for key, or NULL when clamd has no such key. */
static const struct conf_key *find_key(const char *key)
{
	size_t lo = 0, hi = conf_keys_count;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(key, conf_keys[mid].name);

		if (cmp == 0)
			return &conf_keys[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* True when rest is empty or an inline comment: optional spaces, then '#'
 * (1.5's "( +)?#(.*)" after a number or a yes/no). */
static bool only_comment(const char *rest)
{
	while (*rest == ' ')
		rest++;
	return *rest == '\0' || *rest == '#';
}

/* Whether v is a well-formed value of kind k, as clamd's regex for it
 * decides (case-insensitively, as clamd compiles them). */
static bool value_well_formed(const struct conf_key *k, const char *v)
{
	static const char *const bools[] = { "yes", "true", "1", "no", "false", "0" };
	const char *p = v;

	switch (k->kind) {
	case CONF_BOOL:
		for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
			size_t n = strlen(bools[i]);

			if (strncasecmp(v, bools[i], n) == 0 && only_comment(v + n))
				return true;
		}
		return false;
	case CONF_NUMBER:
	case CONF_SIZE:
	case CONF_SIZE64:
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
		if (k->kind != CONF_NUMBER && strchr("KMGkmg", *p) != NULL && *p != '\0')
			p++;
		return only_comment(p);
	case CONF_STRING:
	default:
		if (k->choices == NULL)
			return true;
		for (const char *c = k->choices; *c != '\0';) {
			size_t n = strcspn(c, "|");

			if (strlen(v) == n && strncasecmp(v, c, n) == 0)
				return true;
			c += n + (c[n] == '|');
		}
		return false;
	}
}

/* Cuts a comment off a value as 1.5 does: at the first '#', with the blanks
 * before it. */
static void cut_comment(char *v)
{
	char *hash = strchr(v, '#');

	if (hash == NULL)
		return;
	*hash = '\0';
	while (hash > v && (hash[-1] == ' ' || hash[-1] == '\t'))
		*--hash = '\0';
}

/* A size as clamd reads it: strtoll (base 0) with an optional K, M or G;
 * too large is the largest value, with a warning; 0 means no limit. */
static int parse_size(struct parse_state *ps, const char *key, const char *v, uint64_t *out)
{
	char *end;
	long long n;
	long long mult = 1;

	errno = 0;
	n = strtoll(v, &end, 0);
	if (errno != ERANGE) {
		if (*end == 'k' || *end == 'K')
			mult = 1024LL;
		else if (*end == 'm' || *end == 'M')
			mult = 1024LL * 1024;
		else if (*end == 'g' || *end == 'G')
			mult = 1024LL * 1024 * 1024;
		else if (*end != '\0')
			return fail(ps, "Can't parse numerical argument for option %s", key);
		if (n > LLONG_MAX / mult)
			errno = ERANGE;
		else
			n *= mult;
	}
	if (errno == ERANGE) {
		if (warn(ps, "Numerical value for option %s too high, resetting to %lld", key,
			 LLONG_MAX) != 0)
			return -1;
		n = LLONG_MAX;
	}
	*out = n == 0 ? CONF_UNLIMITED : (uint64_t)n;
	return 0;
}

/* A whole number in [min, max] for a NUMBER key the client uses. */
static int parse_number(struct parse_state *ps, const char *key, const char *v, unsigned long min,
			unsigned long max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return fail(ps, "%s must be a whole number from %lu to %lu, not '%s'", key, min, max, v);
	*out = (unsigned)n;
	return 0;
}

/* yes, true or 1 (any case) is true; the other accepted words are false. */
static bool parse_bool(const char *v)
{
	return strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
}

/* Replaces *slot with a copy of v. */
static int set_string(struct parse_state *ps, char **slot, const char *v)
{
	char *copy = strdup(v);

	if (copy == NULL)
		return fail(ps, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

/* Appends a copy of v to a string list. */
static int add_string(struct parse_state *ps, char ***list, size_t *n, const char *v)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (grown == NULL)
		return fail(ps, "out of memory");
	*list = grown;
	grown[*n] = strdup(v);
	if (grown[*n] == NULL)
		return fail(ps, "out of memory");
	(*n)++;
	return 0;
}

/* ExcludePath: clamd takes any text, and one it cannot compile matches
 * nothing; here too, with a warning saying so. */
static int add_exclude(struct parse_state *ps, const char *v)
{
	char why[256];
	int rc = patterns_add(&ps->c->exclude, v, why, sizeof(why));

	if (rc == -2)
		return fail(ps, "ExcludePath cannot be used: %s", why);
	if (rc != 0)
		return warn(ps, "ExcludePath '%.200s' cannot be used (%s): it excludes nothing, as clamd "
			    "excludes nothing with a pattern it cannot compile", v, why);
	return 0;
}

/* Keeps a checked value of a key the client uses; other keys are ignored. */
static int apply(struct parse_state *ps, const char *key, const char *v)
{
	struct ng_conf *c = ps->c;

	if (strcmp(key, "LocalSocket") == 0) {
		if (v[0] != '/')
			return fail(ps, "LocalSocket must be an absolute path, not '%s'", v);
		return set_string(ps, &c->local_socket, v);
	}
	if (strcmp(key, "TCPSocket") == 0)
		return parse_number(ps, key, v, 1, 65535, &c->tcp_port);
	if (strcmp(key, "TCPAddr") == 0)
		return add_string(ps, &c->tcp_addr, &c->n_tcp_addr, v);
	if (strcmp(key, "StreamMaxLength") == 0)
		return parse_size(ps, key, v, &c->stream_max_length);
	if (strcmp(key, "MaxFileSize") == 0)
		return parse_size(ps, key, v, &c->max_file_size);
	if (strcmp(key, "MaxScanSize") == 0)
		return parse_size(ps, key, v, &c->max_scan_size);
	if (strcmp(key, "MaxDirectoryRecursion") == 0)
		return parse_number(ps, key, v, 0, 1000000, &c->max_dir_recursion);
	if (strcmp(key, "MaxRecursion") == 0)
		return parse_number(ps, key, v, 0, UINT32_MAX, &c->max_recursion);
	if (strcmp(key, "MaxFiles") == 0)
		return parse_number(ps, key, v, 0, UINT32_MAX, &c->max_files);
	if (strcmp(key, "ExcludePath") == 0)
		return add_exclude(ps, v);
	if (strcmp(key, "DatabaseDirectory") == 0)
		return set_string(ps, &c->database_directory, v);
	if (strcmp(key, "User") == 0)
		return set_string(ps, &c->user, v);
	if (strcmp(key, "FollowDirectorySymlinks") == 0)
		c->follow_dir_symlinks = parse_bool(v);
	else if (strcmp(key, "FollowFileSymlinks") == 0)
		c->follow_file_symlinks = parse_bool(v);
	else if (strcmp(key, "CrossFilesystems") == 0)
		c->cross_filesystems = parse_bool(v);
	else if (strcmp(key, "EnableVersionCommand") == 0)
		c->enable_version_command = parse_bool(v);
	else if (strcmp(key, "AllowAllMatchScan") == 0)
		c->allow_allmatch_scan = parse_bool(v);
	else if (strcmp(key, "ScanArchive") == 0)
		c->scan_archive = parse_bool(v);
	else if (strcmp(key, "AlertExceedsMax") == 0)
		c->alert_exceeds_max = parse_bool(v);
	return 0;
}

/* Splits one line in place into key and value, checks and applies it. */
static int parse_line(struct parse_state *ps, char *line)
{
	const struct conf_key *k;
	char *key, *value, *end;

	while (*line == ' ' || *line == '\t')
		line++;
	/* as clamd: comments, and lines too short to hold a key and a value */
	if (line[0] == '#' || strlen(line) < 2)
		return 0;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*line == '\0')
		return 0;
	if (strncmp(line, "Example", 7) == 0)
		return fail(ps, "the \"Example\" line is still present: edit the configuration first");
	key = line;
	value = strpbrk(line, " \t");
	if (value == NULL)
		return fail(ps, "Missing argument for option %s", key);
	*value++ = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	if (*value == '"') {
		/* clamd takes what lies between the first and the last quote */
		char *close = strrchr(value + 1, '"');

		if (close == NULL)
			return fail(ps, "Missing closing quote in option %s", key);
		*close = '\0';
		value++;
		if (*value == '\0')
			return fail(ps, "Empty argument for option %s", key);
	}
	k = find_key(key);
	if (k == NULL)
		return fail(ps, "Unknown option %s", key);
	if (k->flags & CONF_KEY_DEPRECATED)
		return warn(ps, "Ignoring deprecated option %s", key);
	if (!value_well_formed(k, value))
		return fail(ps, "Incorrect argument format for option %s: '%s'", key, value);
	cut_comment(value);
	if (*value == '\0')
		return fail(ps, "Missing argument for option %s", key);
	return apply(ps, key, value);
}

int conf_parse(struct ng_conf *c, const char *name, const char *text, char *err, size_t errlen)
{
	struct parse_state ps = { .c = c, .name = name, .line = 0, .err = err, .errlen = errlen };
	const char *p = text;
	char buf[CONF_MAX_LINE];

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		ps.line++;
		if (len >= sizeof(buf))
			return fail(&ps, "line too long (over %zu bytes)", sizeof(buf) - 1);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_line(&ps, buf) != 0)
			return -1;
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}

int conf_load(struct ng_conf *c, const char *path, char *err, size_t errlen)
{
	int fd, rc = -1;
	struct stat st;
	char *text = NULL;
	size_t got = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open the configuration file: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > CONF_MAX_BYTES) {
		snprintf(err, errlen, "%s: too large for a configuration file (%lld bytes)", path,
			 (long long)st.st_size);
		goto out;
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	text[got] = '\0';
	if (strlen(text) != got) {
		snprintf(err, errlen, "%s: contains a NUL byte: not a configuration file", path);
		goto out;
	}
	rc = conf_parse(c, path, text, err, errlen);
out:
	free(text);
	close(fd);
	return rc;
}

bool conf_excluded(const struct ng_conf *c, const char *path)
{
	return patterns_match(&c->exclude, path);
}

void conf_free(struct ng_conf *c)
{
	free(c->local_socket);
	free(c->database_directory);
	free(c->user);
	for (size_t i = 0; i < c->n_tcp_addr; i++)
		free(c->tcp_addr[i]);
	free(c->tcp_addr);
	for (size_t i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	patterns_free(&c->exclude);
	conf_init(c);
}
