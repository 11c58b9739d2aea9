/* Session reply matching (see tracker.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "driver/tracker.h"

const char tracker_ping[] = "PING";

void tracker_init(struct tracker *t)
{
	/* the table comes zeroed (calloc): pages never touched cost no memory */
	t->next_id = 1;
	t->inflight = 0;
	t->ping_out = false;
	confirm_init(&t->confirm);
}

void tracker_start(struct tracker *t)
{
	memset(t->slot, 0, t->next_id * sizeof(t->slot[0]));
	t->next_id = 1;
	t->inflight = 0;
	t->ping_out = false;
}

bool tracker_ids_used_up(const struct tracker *t)
{
	return t->next_id > TRACKER_IDS;
}

unsigned tracker_send(struct tracker *t, const void *req)
{
	unsigned id = t->next_id++;

	t->slot[id].req = req;
	t->slot[id].mark = confirm_sent(&t->confirm, &t->slot[id].number);
	if (req == tracker_ping)
		t->ping_out = true;
	else
		t->inflight++;
	return id;
}

int tracker_record(struct tracker *t, char *rec, tracker_names_fn names, struct tracked *out,
		   char *why, size_t len)
{
	char shown[200];
	struct tracker_slot *s;
	struct reply *r = &out->r;
	size_t n = strnlen(rec, sizeof(shown) - 1);

	memcpy(shown, rec, n); /* reply_parse cuts rec up; kept for the messages */
	shown[n] = '\0';
	if (reply_parse(rec, true, NULL, r) != 0) {
		snprintf(why, len, "sent \"%s\", which is not a session reply", shown);
		return -1;
	}
	if (r->id >= 1 && r->id < (long)t->next_id && t->slot[r->id].trailing_ok &&
	    r->status == REPLY_OK) {
		/* clamd answers a SCAN of a special file twice: ERROR, then OK;
		 * the ERROR ended it */
		t->slot[r->id].trailing_ok = false;
		out->req = NULL;
		out->id = (unsigned)r->id;
		return 0;
	}
	if (r->id < 1 || r->id >= (long)t->next_id || t->slot[r->id].req == NULL) {
		snprintf(why, len, "answered request %ld, which %s", r->id,
			 r->id >= 1 && r->id < (long)t->next_id ? "was already answered" : "was never sent");
		return -1;
	}
	s = &t->slot[r->id];
	if (s->req == tracker_ping) {
		if (r->status != REPLY_OTHER || strcmp(r->detail, "PONG") != 0) {
			snprintf(why, len, "answered \"%s\" to PING", shown);
			return -1;
		}
		t->ping_out = false;
	} else {
		/* a verdict must name the file it is about, and no other */
		if ((r->status == REPLY_OK || r->status == REPLY_FOUND || r->status == REPLY_EXCLUDED ||
		     r->status == REPLY_EMPTY) &&
		    r->path == NULL) {
			snprintf(why, len, "sent \"%s\"", shown);
			return -1;
		}
		if (r->status != REPLY_OTHER && r->path != NULL && !names(s->req, r->path)) {
			snprintf(why, len, "answered \"%s\" for a file it was not sent", shown);
			return -1;
		}
		t->inflight--;
	}
	out->req = s->req;
	out->id = (unsigned)r->id;
	out->index = confirm_answer(&t->confirm, s->mark, s->number);
	s->req = NULL;
	s->trailing_ok = out->req != tracker_ping && r->status == REPLY_ERROR && r->detail != NULL &&
			 strcmp(r->detail, "Not supported file type") == 0;
	return 0;
}

void tracker_drop(struct tracker *t, void (*each)(void *arg, const void *req), void *arg)
{
	for (unsigned id = t->next_id; id-- > 1;) {
		const void *req = t->slot[id].req;

		t->slot[id].req = NULL;
		if (req != NULL && req != tracker_ping)
			each(arg, req);
	}
	t->inflight = 0;
	t->ping_out = false;
	confirm_dropped(&t->confirm);
}
