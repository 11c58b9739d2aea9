/* clamd replies: a record splitter fed with bytes, and a pure line parser.
 * No sockets and no printing here, so both are unit tested and fuzzed. */
#ifndef NG_REPLY_H
#define NG_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* Longest reply record accepted: a path of several PATH_MAX plus a
 * signature name. Anything longer is a protocol error, not a reason to grow. */
#define REPLY_MAX_RECORD (64 * 1024)

/* Cuts a byte stream into records ending with term ('\0' or '\n'). */
struct reply_splitter {
	char *buf;       /* owned; max_record + 1 bytes: a record and its terminator */
	size_t max_record;
	size_t start;    /* first byte not yet returned */
	size_t len;      /* bytes held, from buf[0] */
	char term;
	bool overlong;   /* a record exceeded max_record: the stream is unusable */
};

/* Allocates the buffer; returns 0 or -1 (ENOMEM). */
int splitter_init(struct reply_splitter *s, char term, size_t max_record);
void splitter_free(struct reply_splitter *s);

/* Free space to read into: sets *dst and returns its size (0 only when the
 * held bytes are already an overlong record). */
size_t splitter_space(struct reply_splitter *s, char **dst);

/* Records that n bytes were written at the place splitter_space gave. */
void splitter_commit(struct reply_splitter *s, size_t n);

/* Copies bytes in (for tests and the fuzzer); returns how many were taken. */
size_t splitter_feed(struct reply_splitter *s, const char *data, size_t n);

/* Next whole record: returns 1 and sets *rec (NUL-terminated, without the
 * terminator, valid until the next splitter call) and *len; 0 when more bytes
 * are needed; -1 when the current record is longer than max_record. */
int splitter_next(struct reply_splitter *s, char **rec, size_t *len);

/* Bytes held that do not yet form a record. */
size_t splitter_pending(const struct reply_splitter *s);

enum reply_status {
	REPLY_OK,       /* "path: OK" */
	REPLY_FOUND,    /* "path: Signature FOUND" */
	REPLY_ERROR,    /* "path: message ERROR" or "message ERROR" */
	REPLY_EXCLUDED, /* "path: Excluded", "path: Excluded (another filesystem)",
			 * "path: Symbolic link": the daemon's rules passed it over */
	REPLY_EMPTY,    /* "path: Empty file": nothing to scan */
	REPLY_OTHER,    /* anything else: PONG, UNKNOWN COMMAND, garbage */
};

struct reply {
	long id;                 /* session request id, or -1 */
	enum reply_status status;
	const char *path;        /* NULL when the line names no path */
	const char *detail;      /* signature, error message, or whole text */
};

/* The words of an ERROR reply's message after its last colon, as
 * clamdscan shows them in its per-file modes ("File path check failure:
 * Permission denied." -> "Permission denied."). Points into message. */
const char *reply_error_tail(const char *message);

/* Parses one record in place (it writes NULs into rec). With with_id, the
 * record must start with "N: " (a session reply) or -1 is returned.
 * hint, when not NULL, is the path the request named: an ERROR line that
 * starts with "hint: " is split there, since error messages may hold ": ".
 * Returns 0 and fills *r; pointers in *r point into rec. */
int reply_parse(char *rec, bool with_id, const char *hint, struct reply *r);

#endif
