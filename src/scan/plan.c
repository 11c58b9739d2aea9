/* The choice of transport: the spec's "Mode selection" and "Option
 * interactions", and clamdscan's client.c for what they leave open. */
#include "config.h"

#include "scan/plan.h"

/* Standard input, "-": its descriptor on a local Unix socket when it is a
 * regular file, its contents otherwise (clamdscan's choice). */
static struct plan plan_stdin(const struct plan_input *in)
{
	struct plan p = { .driver = DRIVER_IDSESSION, .ordered = true, .open_files = true };

	p.request = in->unix_socket && in->daemon_local && !in->stream && in->stdin_regular
			    ? REQUEST_FILDES
			    : REQUEST_INSTREAM;
	return p;
}

struct plan plan_choose(const struct plan_input *in)
{
	struct plan p = { .driver = DRIVER_IDSESSION, .ordered = !in->multiscan };
	/* --fdpass without a Unix socket means nothing: clamdscan ignores it */
	bool fdpass = in->fdpass && in->unix_socket;
	bool path_mode = in->daemon_local && !in->stream && !fdpass && !in->action;

	if (in->local) {
		/* files opened here, with the walk rules of --fdpass; -z gives way
		 * to an action, as with a daemon */
		p.driver = DRIVER_LOCAL;
		p.open_files = true;
		p.allmatch = in->allmatch && !in->action;
		return p;
	}
	if (in->stdin_target)
		return plan_stdin(in);
	if (path_mode) {
		/* clamd's walk, done here: one SCAN per file, which every daemon
		 * can take and every wait on it is bounded */
		p.want_path = true;
		p.daemon_walk = true;
		p.request = REQUEST_SCAN;
		if (in->allmatch && in->several)
			p.note = "-z has no effect when a scan is spread over several daemons: clamd "
				 "takes no ALLMATCHSCAN inside IDSESSION";
		else if (in->allmatch && !in->multiscan) {
			/* -m wins over -z, as in clamdscan: ALLMATCHSCAN has no multiscan
			 * form; clamdscan walks for it itself, with its own walk's rules */
			p.driver = DRIVER_PATH;
			p.allmatch = true;
			p.daemon_walk = false;
		}
		return p;
	}
	p.open_files = true;
	p.names_given = in->action || in->multiscan;
	if (in->stream) {
		/* --stream wins over --fdpass, as in clamdscan */
		p.request = REQUEST_INSTREAM;
	} else if (fdpass) {
		p.request = REQUEST_FILDES;
	} else if (!in->daemon_local) {
		p.request = REQUEST_INSTREAM;
	} else {
		/* an action on a local daemon: pass the very descriptor we will act on */
		p.request = in->unix_socket ? REQUEST_FILDES : REQUEST_INSTREAM;
	}
	return p;
}
