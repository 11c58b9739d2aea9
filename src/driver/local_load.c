/* The local driver's loading: libclamav opened with dlopen and its
 * functions found by dlsym, the signature databases loaded into one engine
 * with clamd.conf's limits, and the scan options clamd uses. libclamav's
 * messages are kept, not printed. */
#include "config.h"

#ifdef HAVE_CLAMAV_H

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "driver/local_int.h"
#include "util/dynlib.h"
#include "util/libclamav.h"

static const struct dynlib_symbol api_symbols[] = {
	{ "cl_init", offsetof(struct clamav_api, init) },
	{ "cl_set_clcb_msg", offsetof(struct clamav_api, set_clcb_msg) },
	{ "cl_engine_new", offsetof(struct clamav_api, engine_new) },
	{ "cl_engine_set_num", offsetof(struct clamav_api, engine_set_num) },
	{ "cl_engine_set_clcb_virus_found", offsetof(struct clamav_api, engine_set_clcb_virus_found) },
	{ "cl_load", offsetof(struct clamav_api, load) },
	{ "cl_engine_compile", offsetof(struct clamav_api, engine_compile) },
	{ "cl_engine_get_num", offsetof(struct clamav_api, engine_get_num) },
	{ "cl_engine_free", offsetof(struct clamav_api, engine_free) },
	{ "cl_scandesc_callback", offsetof(struct clamav_api, scandesc_callback) },
	{ "cl_strerror", offsetof(struct clamav_api, strerror) },
	{ "cl_retdbdir", offsetof(struct clamav_api, retdbdir) },
	{ "cl_retver", offsetof(struct clamav_api, retver) },
};

/* libclamav's messages outside a scan (while loading), where its callback
 * gets no context. Per thread, so scanning threads never share it. */
static _Thread_local char load_message[MESSAGE_LEN];

/* Keeps libclamav's warnings and errors instead of letting it print them
 * (a daemon logs them; a local scan shows them with -v, or in the error
 * they explain), one after the other while they fit. */
static void on_message(enum cl_msg severity, const char *fullmsg, const char *msg, void *context)
{
	struct job *j = context;
	char *dst = j != NULL ? j->message : load_message;
	size_t used = strlen(dst), n;

	(void)fullmsg;
	if (severity < CL_MSG_WARN || msg == NULL || used + 3 >= MESSAGE_LEN)
		return;
	snprintf(dst + used, MESSAGE_LEN - used, "%s%s", used > 0 ? "; " : "", msg);
	n = strlen(dst);
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r' || dst[n - 1] == ' '))
		dst[--n] = '\0';
}

/* Records each match, for -z (called once per signature matched). */
static void on_virus(int fd, const char *virname, void *context)
{
	struct job *j = context;

	(void)fd;
	if (j == NULL || virname == NULL || j->n_matches == MAX_MATCHES)
		return;
	j->matches[j->n_matches] = strdup(virname);
	if (j->matches[j->n_matches] != NULL)
		j->n_matches++;
}

/* Opens libclamav and finds every function used. Returns 0, or -1 after
 * reporting. */
int load_library(struct driver *l)
{
	struct clamav_api *api = &l->api;
	const char *missing;
	char why[256];
	cl_error_t rc;

	api->handle = libclamav_open(why, sizeof(why));
	if (api->handle == NULL) {
		report_error(l->env.msg,
			     "local scanning needs libclamav, which cannot be loaded: %s "
			     "(install the Debian package libclamav12)",
			     why);
		return -1;
	}
	missing = dynlib_bind(api->handle, api_symbols, sizeof(api_symbols) / sizeof(api_symbols[0]), api);
	if (missing != NULL) {
		report_error(l->env.msg, "%s has no function %s: not the libclamav this program needs",
			     LIBCLAMAV_SONAME, missing);
		return -1;
	}
	api->set_clcb_msg(on_message);
	rc = api->init(CL_INIT_DEFAULT);
	if (rc != CL_SUCCESS) {
		report_error(l->env.msg, "libclamav failed to initialise: %s", api->strerror(rc));
		return -1;
	}
	return 0;
}

/* Counts the entries of dir (dot files aside). Returns the count, or -1
 * with errno. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Applies clamd.conf's limits as clamd applies them. Returns 0 or -1
 * (reported). */
static int set_limits(struct driver *l)
{
	const struct ng_conf *c = l->env.conf;
	const struct {
		enum cl_engine_field field;
		long long value;
		const char *key;
	} limits[] = {
		{ CL_ENGINE_MAX_FILESIZE, (long long)c->max_file_size, "MaxFileSize" },
		{ CL_ENGINE_MAX_SCANSIZE, (long long)c->max_scan_size, "MaxScanSize" },
		{ CL_ENGINE_MAX_RECURSION, (long long)c->max_recursion, "MaxRecursion" },
		{ CL_ENGINE_MAX_FILES, (long long)c->max_files, "MaxFiles" },
	};

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		cl_error_t rc = l->api.engine_set_num(l->engine, limits[i].field, limits[i].value);

		if (rc != CL_SUCCESS) {
			report_error(l->env.msg, "%s %lld: libclamav refused it: %s", limits[i].key,
				     limits[i].value, l->api.strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* Loads the signature databases and compiles the engine, once. Returns 0,
 * or -1 after an error naming the directory. */
/* --max-db-age for the databases loaded here: their date (the newest of
 * the .cvd/.cld headers) must be known and recent enough. */
static int check_db_age(struct driver *l, const char *dir)
{
	int err = 0;
	long long when;

	if (l->env.max_db_age <= 0)
		return 0;
	when = l->api.engine_get_num(l->engine, CL_ENGINE_DB_TIME, &err);
	if (err != CL_SUCCESS || when <= 0) {
		report_error(l->env.msg, "the signatures in %s have no date (no .cvd or .cld): "
			     "--max-db-age refuses to scan", dir);
		return -1;
	}
	if ((long long)time(NULL) - when > l->env.max_db_age) {
		report_error(l->env.msg, "the signatures in %s (version %lld) are older than "
			     "--max-db-age: refusing to scan", dir,
			     l->api.engine_get_num(l->engine, CL_ENGINE_DB_VERSION, &err));
		return -1;
	}
	return 0;
}

int load_engine(struct driver *l)
{
	struct report *rep = l->env.msg;
	const char *dir = l->env.database;
	unsigned int sigs = 0;
	cl_error_t rc;
	int n;

	if (dir == NULL)
		dir = l->env.conf->database_directory;
	if (dir == NULL)
		dir = l->api.retdbdir();
	n = count_entries(dir);
	if (n < 0) {
		report_error(rep, "signature database directory %s: %s", dir,
			     errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -1;
	}
	if (n == 0) {
		report_error(rep, "signature database directory %s is empty: no signatures to scan with",
			     dir);
		return -1;
	}
	l->engine = l->api.engine_new();
	if (l->engine == NULL) {
		report_error(rep, "libclamav could not create a scanning engine: %s",
			     load_message[0] ? load_message : "out of memory");
		return -1;
	}
	if (set_limits(l) != 0)
		return -1;
	l->api.engine_set_clcb_virus_found(l->engine, on_virus);
	load_message[0] = '\0';
	rc = l->api.load(dir, l->engine, &sigs, CL_DB_STDOPT);
	if (rc != CL_SUCCESS) {
		report_error(rep, "signature database directory %s failed to load: %s%s%s", dir,
			     l->api.strerror(rc), load_message[0] ? ": " : "", load_message);
		return -1;
	}
	if (sigs == 0) {
		report_error(rep, "signature database directory %s holds no signatures", dir);
		return -1;
	}
	rc = l->api.engine_compile(l->engine);
	if (rc != CL_SUCCESS) {
		report_error(rep, "signatures from %s failed to compile: %s%s%s", dir,
			     l->api.strerror(rc), load_message[0] ? ": " : "", load_message);
		return -1;
	}
	report_verbose(rep, "Loaded %u signatures from %s (libclamav %s)", sigs, dir,
		       l->api.retver());
	return check_db_age(l, dir);
}

/* The scan options clamd uses: its defaults, with the clamd.conf keys read
 * here (ScanArchive, AlertExceedsMax). */
void set_scan_options(struct driver *l)
{
	const struct ng_conf *c = l->env.conf;
	struct cl_scan_options *o = &l->scan_opts;

	memset(o, 0, sizeof(*o));
	o->general = CL_SCAN_GENERAL_HEURISTICS;
	o->parse = CL_SCAN_PARSE_ELF | CL_SCAN_PARSE_PDF | CL_SCAN_PARSE_SWF | CL_SCAN_PARSE_HWP3 |
		   CL_SCAN_PARSE_XMLDOCS | CL_SCAN_PARSE_MAIL | CL_SCAN_PARSE_OLE2 |
		   CL_SCAN_PARSE_HTML | CL_SCAN_PARSE_PE;
#ifdef CL_SCAN_PARSE_ONENOTE
	o->parse |= CL_SCAN_PARSE_ONENOTE;
#endif
#ifdef CL_SCAN_PARSE_IMAGE
	o->parse |= CL_SCAN_PARSE_IMAGE | CL_SCAN_PARSE_IMAGE_FUZZY_HASH;
#endif
	if (c->scan_archive)
		o->parse |= CL_SCAN_PARSE_ARCHIVE;
	if (c->alert_exceeds_max)
		o->heuristic |= CL_SCAN_HEURISTIC_EXCEEDS_MAX;
	l->allmatch = l->env.allmatch;
	if (l->allmatch)
		o->general |= CL_SCAN_GENERAL_ALLMATCHES;
}


#endif /* HAVE_CLAMAV_H */
