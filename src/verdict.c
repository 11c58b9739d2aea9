/* The one place a per-file verdict becomes output, counts and actions. */
#include "config.h"

#include "action.h"
#include "progress.h"
#include "verdict.h"

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
	scan_file_free(f);
}
