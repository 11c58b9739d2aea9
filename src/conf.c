/* Reads the clamd.conf keys a client needs; other keys are ignored. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

/* Largest configuration file we read: clamd.conf is a few KiB. */
#define CONF_MAX_BYTES (1024 * 1024)

struct parse_state {
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
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->name, ps->line, msg);
	return -1;
}

/* yes/no and the synonyms clamd accepts. */
static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* A decimal number with an optional K or M suffix (kibi, mebi), as clamd. */
static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	unsigned long long mult = 1;

	if (*end == 'k' || *end == 'K')
		mult = 1024ULL;
	else if (*end == 'm' || *end == 'M')
		mult = 1024ULL * 1024ULL;
	if (mult != 1)
		end++;
	/* compare before multiplying, so a huge value cannot wrap around */
	if (*end != '\0' || n > (4ULL << 30) / mult)
		return -1;
	n *= mult;
	*out = n;
	return 0;
}

/* A whole number in [min, max]. */
static int parse_number(const char *v, unsigned long min, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* Most copies of sub-expressions an ExcludePath may make glibc's regcomp
 * build: 2^16, about 40 MiB. Real patterns are in the tens. */
#define REGEX_MAX_EXPANSION 65536.0
#define REGEX_MAX_LENGTH 1024
#define REGEX_MAX_STACKED 8
#define REGEX_MAX_QUANTIFIERS 32

/* Skips a bracket expression starting at p ('['); returns its last char. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *end = strchr(p + 2, ']');

			p = end ? end : p + strlen(p) - 1;
		}
		p++;
	}
	return *p ? p : p - 1;
}

/* An upper bound on the copies glibc's regcomp makes of an expression:
 * "x+" copies x once more, "x{m,n}" n times, and copies of copies multiply,
 * so stacked or nested repetitions grow exponentially (a+++... or ((a+)+)+
 * take gigabytes). */
static double regex_expansion(const char *re)
{
	double seq[64] = { 0 }, last[64] = { 0 };
	int d = 0, stacked = 0, quantifiers = 0;

	/* long ones, many quantifiers, or runs of them (a??????*: no meaning
	 * beyond a*) make glibc's compile time explode as well */
	if (strlen(re) > REGEX_MAX_LENGTH)
		return REGEX_MAX_EXPANSION + 1;
	for (const char *p = re; *p != '\0'; p++) {
		stacked = strchr("*+?{", *p) != NULL ? stacked + 1 : 0;
		quantifiers += stacked > 0;
		if (stacked > REGEX_MAX_STACKED || quantifiers > REGEX_MAX_QUANTIFIERS)
			return REGEX_MAX_EXPANSION + 1;
		switch (*p) {
		case '(':
			if (d == 63)
				return REGEX_MAX_EXPANSION + 1;
			d++;
			seq[d] = last[d] = 0;
			break;
		case ')':
			if (d > 0) {
				double group = seq[d] + last[d];

				d--;
				seq[d] += last[d];
				last[d] = group;
			}
			break;
		case '|':
			seq[d] += last[d];
			last[d] = 0;
			break;
		case '+':
			last[d] *= 2;
			break;
		case '*':
		case '?':
			break;
		case '{': {
			char *end;
			unsigned long m = strtoul(p + 1, &end, 10), n = m;

			if (*end == ',')
				n = isdigit((unsigned char)end[1]) ? strtoul(end + 1, &end, 10) : m + 1;
			last[d] *= (double)(n > m ? n : m) + 1;
			p = strchr(p, '}') ? strchr(p, '}') : p;
			break;
		}
		case '[':
			seq[d] += last[d];
			last[d] = 1;
			p = skip_bracket(p);
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			/* fall through */
		default:
			seq[d] += last[d];
			last[d] = 1;
			break;
		}
		if (last[d] > REGEX_MAX_EXPANSION)
			return last[d];
	}
	while (d > 0) {
		seq[d - 1] += seq[d] + last[d];
		d--;
	}
	return seq[0] + last[0];
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

/* Applies one "Key value" pair; unknown keys are ignored. */
static int apply(struct ng_conf *c, struct parse_state *ps, const char *key, const char *value)
{
	bool b;

	if (strcmp(key, "Example") == 0)
		return fail(ps, "the \"Example\" line is still present: edit the configuration first");
	if (strcmp(key, "LocalSocket") == 0 || strcmp(key, "TCPSocket") == 0 ||
	    strcmp(key, "TCPAddr") == 0 || strcmp(key, "StreamMaxLength") == 0 ||
	    strcmp(key, "MaxDirectoryRecursion") == 0 || strcmp(key, "FollowDirectorySymlinks") == 0 ||
	    strcmp(key, "FollowFileSymlinks") == 0 || strcmp(key, "ExcludePath") == 0 ||
	    strcmp(key, "DatabaseDirectory") == 0 || strcmp(key, "MaxFileSize") == 0 ||
	    strcmp(key, "MaxScanSize") == 0 || strcmp(key, "MaxRecursion") == 0 ||
	    strcmp(key, "MaxFiles") == 0 || strcmp(key, "ScanArchive") == 0 ||
	    strcmp(key, "AlertExceedsMax") == 0) {
		if (*value == '\0')
			return fail(ps, "%s needs a value", key);
	} else {
		return 0;
	}

	if (strcmp(key, "LocalSocket") == 0) {
		if (value[0] != '/')
			return fail(ps, "LocalSocket must be an absolute path, not '%s'", value);
		return set_string(ps, &c->local_socket, value);
	}
	if (strcmp(key, "TCPSocket") == 0) {
		if (parse_number(value, 1, 65535, &c->tcp_port) != 0)
			return fail(ps, "TCPSocket must be a port number from 1 to 65535, not '%s'", value);
		return 0;
	}
	if (strcmp(key, "TCPAddr") == 0) {
		if (c->n_tcp_addr == CONF_MAX_TCPADDR)
			return fail(ps, "too many TCPAddr lines (at most %d)", CONF_MAX_TCPADDR);
		c->tcp_addr[c->n_tcp_addr] = NULL;
		if (set_string(ps, &c->tcp_addr[c->n_tcp_addr], value) != 0)
			return -1;
		c->n_tcp_addr++;
		return 0;
	}
	if (strcmp(key, "StreamMaxLength") == 0) {
		if (parse_size(value, &c->stream_max_length) != 0)
			return fail(ps, "StreamMaxLength must be a size such as 25M, 512K or 1048576, not '%s'",
				    value);
		return 0;
	}
	if (strcmp(key, "DatabaseDirectory") == 0)
		return set_string(ps, &c->database_directory, value);
	if (strcmp(key, "MaxFileSize") == 0 || strcmp(key, "MaxScanSize") == 0) {
		if (parse_size(value, key[3] == 'F' ? &c->max_file_size : &c->max_scan_size) != 0)
			return fail(ps, "%s must be a size such as 25M, 512K or 1048576, not '%s'", key,
				    value);
		return 0;
	}
	if (strcmp(key, "MaxRecursion") == 0 || strcmp(key, "MaxFiles") == 0) {
		if (parse_number(value, 0, UINT32_MAX,
				 key[3] == 'R' ? &c->max_recursion : &c->max_files) != 0)
			return fail(ps, "%s must be a whole number, not '%s'", key, value);
		return 0;
	}
	if (strcmp(key, "ScanArchive") == 0 || strcmp(key, "AlertExceedsMax") == 0) {
		if (parse_bool(value, key[0] == 'S' ? &c->scan_archive : &c->alert_exceeds_max) != 0)
			return fail(ps, "%s must be yes or no, not '%s'", key, value);
		return 0;
	}
	if (strcmp(key, "MaxDirectoryRecursion") == 0) {
		if (parse_number(value, 0, 1000000, &c->max_dir_recursion) != 0)
			return fail(ps, "MaxDirectoryRecursion must be a whole number, not '%s'", value);
		return 0;
	}
	if (strcmp(key, "FollowDirectorySymlinks") == 0 || strcmp(key, "FollowFileSymlinks") == 0) {
		if (parse_bool(value, &b) != 0)
			return fail(ps, "%s must be yes or no, not '%s'", key, value);
		if (key[6] == 'D')
			c->follow_dir_symlinks = b;
		else
			c->follow_file_symlinks = b;
		return 0;
	}
	/* ExcludePath */
	{
		int rc;
		char rerr[128];

		if (c->n_exclude == CONF_MAX_EXCLUDE)
			return fail(ps, "too many ExcludePath lines (at most %d)", CONF_MAX_EXCLUDE);
		if (regex_expansion(value) > REGEX_MAX_EXPANSION)
			return fail(ps,
				    "ExcludePath '%.80s' is too long, has too many repetitions, or nests or stacks them too deeply to compile",
				    value);
		rc = regcomp(&c->exclude[c->n_exclude], value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &c->exclude[c->n_exclude], rerr, sizeof(rerr));
			return fail(ps, "ExcludePath '%s' is not a valid regular expression: %s", value, rerr);
		}
		c->exclude_src[c->n_exclude] = strdup(value);
		if (c->exclude_src[c->n_exclude] == NULL) {
			regfree(&c->exclude[c->n_exclude]);
			return fail(ps, "out of memory");
		}
		c->n_exclude++;
		return 0;
	}
}

/* Splits one line in place into key and value and applies it. */
static int parse_line(struct ng_conf *c, struct parse_state *ps, char *line)
{
	char *key, *value, *end;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	key = line;
	while (*line != '\0' && !isspace((unsigned char)*line))
		line++;
	if (*line != '\0')
		*line++ = '\0';
	while (isspace((unsigned char)*line))
		line++;
	value = line;
	end = value + strlen(value);
	while (end > value && isspace((unsigned char)end[-1]))
		*--end = '\0';
	/* clamd allows the value in double quotes, e.g. for paths with spaces */
	if (end - value >= 2 && value[0] == '"' && end[-1] == '"') {
		end[-1] = '\0';
		value++;
	}
	return apply(c, ps, key, value);
}

int conf_parse(struct ng_conf *c, const char *name, const char *text, char *err, size_t errlen)
{
	struct parse_state ps = { .name = name, .line = 0, .err = err, .errlen = errlen };
	const char *p = text;
	char buf[4096];

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		ps.line++;
		if (len >= sizeof(buf))
			return fail(&ps, "line too long (over %zu bytes)", sizeof(buf) - 1);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_line(c, &ps, buf) != 0)
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
	for (size_t i = 0; i < c->n_exclude; i++)
		if (regexec(&c->exclude[i], path, 0, NULL, 0) == 0)
			return true;
	return false;
}

void conf_free(struct ng_conf *c)
{
	free(c->local_socket);
	free(c->database_directory);
	for (size_t i = 0; i < c->n_tcp_addr; i++)
		free(c->tcp_addr[i]);
	for (size_t i = 0; i < c->n_exclude; i++) {
		regfree(&c->exclude[i]);
		free(c->exclude_src[i]);
	}
	conf_init(c);
}
