/* The one place a per-file verdict becomes output, counts and actions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "action/quarantine.h"
#include "output/progress.h"
#include "scan/verdict.h"

struct target_group {
	char *shown;
	unsigned long outstanding; /* files submitted that have not ended */
	bool walked;               /* no more files will be added */
	bool bad;                  /* a file not clean, or the walk failed */
	unsigned long distrust;    /* ctx->distrust when the group began */
};

struct target_group *verdict_group_new(const struct scan_ctx *ctx, const char *shown)
{
	struct target_group *g = calloc(1, sizeof(*g));

	if (g == NULL || (g->shown = strdup(shown)) == NULL) {
		free(g);
		return NULL;
	}
	g->distrust = ctx->distrust;
	return g;
}

void verdict_group_taint(struct target_group *g)
{
	g->bad = true;
}

void verdict_group_add(struct target_group *g, struct scan_file *f)
{
	f->group = g;
	g->outstanding++;
}

/* Ends g once it is walked and nothing of it is outstanding. A daemon that
 * broke the protocol while g was open leaves its clean answers unproven. */
static void group_end_if_done(struct scan_ctx *ctx, struct target_group *g)
{
	if (!g->walked || g->outstanding > 0)
		return;
	if (!g->bad && ctx->distrust == g->distrust)
		report_ok(ctx->rep, g->shown);
	free(g->shown);
	free(g);
}

void verdict_group_walked(struct scan_ctx *ctx, struct target_group *g)
{
	g->walked = true;
	group_end_if_done(ctx, g);
}

void verdict_report(struct scan_ctx *ctx, struct scan_file *f, enum reply_status st,
		    const char *detail)
{
	switch (st) {
	case REPLY_OK:
		/* clamdscan prints OK per target, not per file: scan.c does */
		ctx->tally.clean++;
		break;
	case REPLY_FOUND:
		report_found(ctx->rep, f->shown, detail);
		ctx->tally.infected++;
		ctx->tally.infected_files++;
		/* on the descriptor and directory held since the scan, never on a
		 * path from a reply */
		if (ctx->quarantine != NULL)
			quarantine_act(ctx->quarantine, ctx->rep, &ctx->tally, f);
		break;
	default:
		report_error_result(ctx->rep, f->shown, detail);
		ctx->tally.errors++;
		ctx->tally.failed++;
		break;
	}
	progress_file_done(ctx->rep->progress, f->size > 0 ? (unsigned long long)f->size : 0,
			   st == REPLY_FOUND);
	if (f->group != NULL) {
		struct target_group *g = f->group;

		g->bad = g->bad || st != REPLY_OK;
		g->outstanding--;
		group_end_if_done(ctx, g);
	}
	scan_file_free(f);
}
