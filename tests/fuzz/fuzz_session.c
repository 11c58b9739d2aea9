/* libFuzzer target: a session's bookkeeping (driver/tracker.c and
 * driver/confirm.c) driven by a hostile daemon. Each input is a script of
 * operations: send a request or a PING, feed a reply record (well formed
 * or not, right id or not, right name or not), end the session, start a
 * new one. A model kept here beside the tracker says what an honest
 * matcher must do, and any disagreement aborts:
 *   - a record is accepted only for an id sent in this session and not yet
 *     answered, naming the file sent (or none, for an error);
 *   - a PING's slot takes nothing but PONG;
 *   - inflight counts the requests sent and not answered;
 *   - an answer is believed exactly when a request sent after it arrived
 *     (or a PING) has been answered. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The files a request can be about, as clamd names them in replies. */
static const char *const names_of[] = { "/a", "/b/c", "stream", "fd[7]" };
#define N_NAMES (sizeof(names_of) / sizeof(names_of[0]))

/* The model of one session's slots. */
struct model_slot {
	int kind;            /* 0 free, 1 request, 2 ping */
	unsigned name;       /* request: index into names_of */
	unsigned long mark;  /* answers arrived when it was sent */
};

static struct tracker *tr;
static struct model_slot model[TRACKER_IDS + 2];
static unsigned model_inflight;        /* requests sent and not answered */
static unsigned long arrived, vouched; /* the model's confirm arithmetic */

static bool names(const void *req, const char *path)
{
	return strcmp((const char *)req, path) == 0;
}

static void count_dropped(void *arg, const void *req)
{
	(void)req;
	(*(unsigned *)arg)++;
}

/* Builds a reply record from three bytes: id choice, name choice, status. */
static void build_record(char *rec, size_t len, const uint8_t *b)
{
	static const char *const tails[] = { "OK", "Eicar FOUND", "Access denied. ERROR",
					     "Not supported file type ERROR", "Excluded", "PONG" };
	unsigned id = b[0] % 4 == 0 ? b[0] : 1 + b[0] % (tr->next_id > 1 ? tr->next_id : 1);
	const char *tail = tails[b[2] % (sizeof(tails) / sizeof(tails[0]))];

	if (strcmp(tail, "PONG") == 0 || (b[1] & 0x80) != 0)
		snprintf(rec, len, "%u: %s", id, tail);
	else
		snprintf(rec, len, "%u: %s: %s", id, names_of[b[1] % N_NAMES], tail);
}

static void feed(char *rec)
{
	char why[300];
	struct tracked out;
	unsigned before = tr->inflight;
	int rc;

	rc = tracker_record(tr, rec, names, &out, why, sizeof(why));
	if (rc != 0)
		return; /* a violation: the driver ends the session */
	if (out.req == NULL)
		return; /* clamd's second word on a special file */
	if (out.id < 1 || out.id >= tr->next_id || model[out.id].kind == 0)
		abort(); /* accepted an id never sent, or answered twice */
	if (model[out.id].kind == 2) {
		if (out.req != tracker_ping || out.r.status != REPLY_OTHER || strcmp(out.r.detail, "PONG") != 0)
			abort();
	} else {
		if (out.req != names_of[model[out.id].name])
			abort();
		if (out.r.path != NULL && out.r.status != REPLY_OTHER &&
		    strcmp(out.r.path, names_of[model[out.id].name]) != 0)
			abort(); /* a verdict about another file */
		if (tr->inflight + 1 != before)
			abort();
		model_inflight--;
	}
	if (out.index != arrived)
		abort();
	arrived++;
	if (model[out.id].mark > vouched)
		vouched = model[out.id].mark;
	model[out.id].kind = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rec[300];
	size_t i = 0;

	if (tr == NULL && (tr = calloc(1, sizeof(*tr))) == NULL)
		return 0;
	memset(tr, 0, sizeof(*tr));
	memset(model, 0, sizeof(model));
	model_inflight = 0;
	tracker_init(tr);
	tracker_start(tr);
	arrived = vouched = 0;
	while (i < size) {
		uint8_t op = data[i++];

		switch (op % 6) {
		case 0: /* a request */
			if (!tracker_ids_used_up(tr)) {
				unsigned name = (op >> 3) % N_NAMES;
				unsigned id = tracker_send(tr, names_of[name]);

				model[id] = (struct model_slot){ 1, name, arrived };
				model_inflight++;
			}
			break;
		case 1: /* a PING */
			if (!tr->ping_out) {
				unsigned id = tracker_send(tr, tracker_ping);

				model[id] = (struct model_slot){ 2, 0, arrived };
			}
			break;
		case 2: /* a well-formed record, right or wrong */
			if (size - i < 3)
				return 0;
			build_record(rec, sizeof(rec), data + i);
			i += 3;
			feed(rec);
			break;
		case 3: { /* raw bytes, up to a NUL or 64 of them */
			size_t n = 0;

			while (i < size && n < 64 && data[i] != 0)
				rec[n++] = (char)data[i++];
			rec[n] = '\0';
			i++;
			feed(rec);
			break;
		}
		case 4: { /* the session breaks: every unanswered request comes back */
			unsigned dropped = 0, want = model_inflight;

			tracker_drop(tr, count_dropped, &dropped);
			if (dropped != want || tr->inflight != 0 || tr->ping_out)
				abort();
			memset(model, 0, sizeof(model));
			model_inflight = 0;
			tracker_start(tr);
			break;
		}
		default: /* the proof of OKs: the tracker's arithmetic against the model's */
			for (unsigned long k = arrived > 16 ? arrived - 16 : 0; k < arrived + 2; k++)
				if (confirm_believed(&tr->confirm, k) != (k < vouched))
					abort();
			break;
		}
		if (tr->inflight != model_inflight)
			abort();
	}
	return 0;
}
