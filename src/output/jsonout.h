/* --json: the scan report as JSON Lines on stdout, one object per result
 * line and one summary object, written with json-c. Also the string
 * helpers the SARIF writer shares: any byte string becomes valid JSON. */
#ifndef NG_JSONOUT_H
#define NG_JSONOUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/time.h>

#include <json-c/json.h>

#include "output/sink.h"

struct tally;
struct jsonout;

/* Starts a JSON Lines report on out; with actions, an infected file's
 * object waits for its action. Returns NULL (errno) when out of memory;
 * free with jsonout_free. */
struct jsonout *jsonout_new(FILE *out, bool actions);

/* The report's way to it: self is a struct jsonout. */
extern const struct output_ops jsonout_ops;

/* Writes any object still waiting for its action, then frees j (NULL is fine). */
void jsonout_free(struct jsonout *j);

/* {"type":"file","path":...,"result":"infected","signature":...}; with
 * actions held back until jsonout_action (or the next record) adds what
 * was done. */
void jsonout_found(struct jsonout *j, const char *path, const char *signature);

/* {"type":"file","path":...,"result":"clean"} */
void jsonout_ok(struct jsonout *j, const char *path);

/* {"type":"file","path":...,"result":"excluded"} */
void jsonout_excluded(struct jsonout *j, const char *path);

/* {"type":"file","path":...,"result":"limits_exceeded","limit":name,
 * "limit_bytes":N,"size":N}: answered clean, but not scanned whole. */
void jsonout_limits(struct jsonout *j, const char *path, const char *name,
		    unsigned long long limit, unsigned long long size);

/* {"type":"file","path":...,"result":"error","error":...}; path may be NULL. */
void jsonout_error(struct jsonout *j, const char *path, const char *message);

/* Adds "action":{"type":type,"done":...,"destination"|"error":...} to the
 * infected file just reported, when it is path; type is "move", "copy" or
 * "remove"; dest is NULL unless done and moved or copied; error is NULL
 * when done. */
void jsonout_action(struct jsonout *j, const char *path, const char *type, const char *dest,
		    const char *error);

/* {"type":"summary",...}: the counts of e->t, start and end in UTC, the
 * duration, the daemons scanned with (none when none was chosen), whether
 * libclamav scanned in this process instead, and, when known, the
 * signatures and the answer to SELFCHECK. */
void jsonout_summary(struct jsonout *j, const struct run_end *e);

/* True when s[0..len) is valid UTF-8 (no overlong forms, no surrogates). */
bool json_utf8_valid(const char *s, size_t len);

/* A json-c string for s: s itself when it is valid UTF-8, else with each
 * invalid byte replaced by U+FFFD. Returns a new reference, or NULL. */
struct json_object *json_utf8_string(const char *s);

/* Sets o[key] to json_utf8_string(s) and, only when s is not valid UTF-8,
 * o[key + "_bytes"] to the base64 of its exact bytes. s may be NULL (null). */
void json_add_name(struct json_object *o, const char *key, const char *s);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC) for tv into buf. */
void json_utc_time(char *buf, size_t len, const struct timeval *tv);

#endif
