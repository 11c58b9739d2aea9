/* clamd.conf, read as clamd and clamdscan read it (ClamAV 1.4 and 1.5):
 * every key checked, the keys a client needs kept. */
#ifndef NG_CONF_H
#define NG_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/patterns.h"

/* A size key of 0 means "no limit" to clamd: this. */
#define CONF_UNLIMITED UINT64_MAX

struct ng_conf {
	char *local_socket;   /* NULL when not set */
	unsigned tcp_port;    /* 0 when not set */
	char **tcp_addr;      /* every TCPAddr line, in order */
	size_t n_tcp_addr;
	uint64_t stream_max_length;   /* bytes; clamd's default 100M; 0 in the file: CONF_UNLIMITED */
	unsigned max_dir_recursion;   /* clamd's default 15 */
	bool follow_dir_symlinks;
	bool follow_file_symlinks;
	bool cross_filesystems;       /* clamd's default yes */
	struct patterns exclude;      /* ExcludePath, as clamd matches it (exclude.n: lines given) */
	char *user;                   /* User: whom the daemon runs as, or NULL */
	bool enable_version_command;  /* 1.5's EnableVersionCommand; default yes */
	bool allow_allmatch_scan;     /* default yes */
	/* what a local (libclamav) scan applies, as clamd would */
	char *database_directory;     /* NULL: libclamav's default (cl_retdbdir) */
	uint64_t max_file_size;       /* bytes; clamd's default 100M */
	uint64_t max_scan_size;       /* bytes; clamd's default 400M */
	unsigned max_recursion;       /* clamd's default 17 */
	unsigned max_files;           /* clamd's default 10000 */
	bool scan_archive;            /* clamd's default yes */
	bool alert_exceeds_max;       /* clamd's default no */
	/* things worth a warning that do not stop clamd ("FILE:LINE: ..."), owned */
	char **warnings;
	size_t n_warnings;
};

/* Sets the defaults clamd uses for every key. */
void conf_init(struct ng_conf *c);

/* Reads path into c (after conf_init). Returns 0, or -1 with a message naming
 * the file (and line) in err. On error c still holds what was read; free it. */
int conf_load(struct ng_conf *c, const char *path, char *err, size_t errlen);

/* Parses the text of a configuration (name used in messages); conf_load
 * reads the file and calls this. Same returns. */
int conf_parse(struct ng_conf *c, const char *name, const char *text, char *err, size_t errlen);

/* True when clamd would exclude path by its ExcludePath lines. */
bool conf_excluded(const struct ng_conf *c, const char *path);

/* Releases what conf_load allocated. */
void conf_free(struct ng_conf *c);

#endif
