/* What the local driver's files share, and only they: the driver's state,
 * a job, the libclamav functions used, and how the engine is loaded
 * (local.c: the scanning and the driver interface; local_load.c: libclamav
 * and the engine). With clamav.h only. */
#ifndef NG_LOCAL_INT_H
#define NG_LOCAL_INT_H

#include <clamav.h>
#include <pthread.h>
#include <stdbool.h>

#include "driver/driver.h"

/* Signature names kept for one -z scan; further matches are not listed. */
#define MAX_MATCHES 64

/* Longest libclamav message kept (for -v and error lines). */
#define MESSAGE_LEN 512

/* The libclamav functions used, found by dlsym. */
struct clamav_api {
	void *handle;
	cl_error_t (*init)(unsigned int);
	void (*set_clcb_msg)(clcb_msg);
	struct cl_engine *(*engine_new)(void);
	cl_error_t (*engine_set_num)(struct cl_engine *, enum cl_engine_field, long long);
	long long (*engine_get_num)(const struct cl_engine *, enum cl_engine_field, int *);
	void (*engine_set_clcb_virus_found)(struct cl_engine *, clcb_virus_found);
	cl_error_t (*load)(const char *, struct cl_engine *, unsigned int *, unsigned int);
	cl_error_t (*engine_compile)(struct cl_engine *);
	cl_error_t (*engine_free)(struct cl_engine *);
	cl_error_t (*scandesc_callback)(int, const char *, const char **, unsigned long int *,
					const struct cl_engine *, struct cl_scan_options *, void *);
	const char *(*strerror)(cl_error_t);
	const char *(*retdbdir)(void);
	const char *(*retver)(void);
};

/* One file on its way through a scanning thread. */
struct job {
	struct scan_item *file;
	struct job *next;
	cl_error_t rc;
	const char *virname;         /* engine memory: valid while the engine lives */
	char *matches[MAX_MATCHES];  /* every match, in order (owned) */
	unsigned n_matches;
	bool interrupted;            /* told to stop before it was scanned */
	bool truncated;              /* standard input over StreamMaxLength */
	int read_errno;              /* reading standard input failed part way */
	char message[MESSAGE_LEN];   /* libclamav's last warning or error in this scan */
};

struct driver {
	struct driver_env env;
	struct clamav_api api;
	struct cl_engine *engine;
	struct cl_scan_options scan_opts;
	bool allmatch;
	unsigned outstanding; /* submitted, not yet reported (submitting thread only) */
	unsigned window;      /* at most this many outstanding: the walk waits */
	pthread_t *threads;
	unsigned n_threads;
	pthread_mutex_t lock;
	pthread_cond_t work_cv; /* a job was queued, or the threads must stop */
	pthread_cond_t done_cv; /* a job was scanned */
	struct job *todo, **todo_tail;
	struct job *done, **done_tail;
	bool stopping;
};

/* local_load.c: opens libclamav and finds every function used; loads the
 * signature databases and compiles the engine; sets the scan options.
 * The first two return 0, or -1 after reporting. */
int load_library(struct driver *l);
int load_engine(struct driver *l);
void set_scan_options(struct driver *l);

#endif
