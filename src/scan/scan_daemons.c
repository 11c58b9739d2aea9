/* Which daemons a scan uses: for each, the first of its addresses that
 * accepts a connection, the others said to be unreachable; while none
 * answers, tried again before each target, and each address's failure
 * said as clamdscan says it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clamd/conn.h"
#include "clamd/daemon.h"
#include "scan/scan.h"
#include "scan/scan_int.h"

/* No daemon answered: tries again, cheaply, before each target (the daemon
 * may have come up meanwhile). */
bool reachable_again(struct scan_ctx *ctx)
{
	struct conn c;

	for (size_t i = 0; i < ctx->endpoints->n; i++) {
		if (conn_open(&c, &ctx->endpoints->ep[i], ctx->set->timeout) == 0) {
			conn_close(&c);
			ctx->unreachable = false;
			return true;
		}
	}
	return false;
}

/* Says on stderr why each address of the daemons cannot be reached, as
 * clamdscan does for each thing it fails to send. */
void say_unreachable(struct scan_ctx *ctx)
{
	settle(ctx);
	for (size_t i = 0; i < ctx->endpoints->n; i++) {
		char msg[512];
		struct conn c;

		if (conn_open(&c, &ctx->endpoints->ep[i], ctx->set->timeout) == 0) {
			conn_close(&c);
			continue;
		}
		daemon_describe_connect_failure(&ctx->endpoints->ep[i], ctx->set->timeout, errno, msg,
						sizeof(msg));
		report_error(ctx->rep, "%s", msg);
	}
}

/* A target while no daemon answers, as clamdscan goes through it: one
 * error (its walk stops at the first file it cannot send). */
void unreachable_target(struct scan_ctx *ctx)
{
	say_unreachable(ctx);
	ctx->tally->errors++;
}

/* Appends "at NAME: why" for a failed connect to ep to the list in why. */
static void note_unreachable(const struct scan_ctx *ctx, const struct endpoint *ep, int err,
			     char *why, size_t len)
{
	size_t used = strlen(why);

	if (used >= len)
		return;
	if (err == ETIMEDOUT)
		snprintf(why + used, len - used, "%sat %s: timed out after %u s", used > 0 ? ", " : "",
			 ep->name, ctx->set->timeout);
	else
		snprintf(why + used, len - used, "%sat %s: %s", used > 0 ? ", " : "", ep->name,
			 strerror(err));
}

/* The first address of daemon d that accepts a connection, or NULL with
 * the failures appended to why. */
static const struct endpoint *reach_daemon(struct scan_ctx *ctx, unsigned d, char *why, size_t len)
{
	const struct endpoint_list *l = ctx->endpoints;
	const struct endpoint *first = NULL;
	struct conn c;

	for (size_t i = 0; i < l->n; i++) {
		const struct endpoint *ep = &l->ep[i];

		if (ep->daemon != d)
			continue;
		if (conn_open(&c, ep, ctx->set->timeout) == 0) {
			conn_close(&c);
			if (first != NULL)
				report_warning(ctx->rep, "clamd at %s did not answer; using %s", first->name,
					       ep->name);
			return ep;
		}
		if (first == NULL)
			first = ep;
		note_unreachable(ctx, ep, errno, why, len);
	}
	return NULL;
}

/* True when daemon d is among those chosen. */
static bool daemon_reached(const struct scan_ctx *ctx, unsigned d)
{
	for (size_t i = 0; i < ctx->n_daemons; i++)
		if (ctx->daemons[i]->daemon == d)
			return true;
	return false;
}

/* Picks, for each daemon, the first of its addresses that accepts a
 * connection; a daemon none of whose addresses does is reported and left
 * out. When nothing does, the first address is kept (each file or target
 * then says so), and false is returned with every failure in why. */
bool choose_daemons(struct scan_ctx *ctx, char *why, size_t len)
{
	unsigned n = ctx->endpoints->n_daemons;
	char each[ENDPOINT_MAX][300]; /* why each daemon could not be reached */
	why[0] = '\0';
	ctx->n_daemons = 0;
	for (unsigned d = 0; d < n && d < ENDPOINT_MAX; d++) {
		const struct endpoint *ep;

		each[d][0] = '\0';
		ep = reach_daemon(ctx, d, each[d], sizeof(each[d]));
		if (ep != NULL)
			ctx->daemons[ctx->n_daemons++] = ep;
		else if (strlen(why) + 2 < len)
			snprintf(why + strlen(why), len - strlen(why), "%s%s", why[0] != '\0' ? ", " : "",
				 each[d]);
	}
	ctx->rep->n_unreachable = n - (unsigned)ctx->n_daemons;
	if (ctx->n_daemons == 0) {
		ctx->daemons[ctx->n_daemons++] = &ctx->endpoints->ep[0];
		ctx->unreachable = true;
		return false;
	}
	/* only now is "without it" true: another daemon answered */
	for (unsigned d = 0; d < n && d < ENDPOINT_MAX; d++)
		if (each[d][0] != '\0' && !daemon_reached(ctx, d))
			report_warning(ctx->rep, "clamd unreachable %s; scanning without it", each[d]);
	return true;
}
