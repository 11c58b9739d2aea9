/* Transport choice: the spec's "Mode selection" and "Option interactions". */
#include "config.h"

#include "scan/plan.h"

struct plan plan_choose(const struct plan_input *in)
{
	struct plan p = { .transport = TRANSPORT_PATH, .path_cmd = PATH_CONTSCAN };
	bool per_file = in->stream || in->fdpass || !in->daemon_local || in->action;

	if (!per_file && in->several) {
		/* directory commands cannot be shared out; one SCAN per file can,
		 * over one IDSESSION per daemon */
		p.client_walk = true;
		p.parallel = in->multiscan;
		if (in->allmatch)
			p.note = "-z has no effect when a scan is spread over several daemons: clamd "
				 "takes no ALLMATCHSCAN inside IDSESSION";
		return p;
	}
	if (!per_file) {
		/* -m wins over -z, as in clamdscan: ALLMATCHSCAN has no multiscan form */
		if (in->multiscan)
			p.path_cmd = PATH_MULTISCAN;
		else if (in->allmatch)
			p.path_cmd = PATH_ALLMATCHSCAN;
		return p;
	}
	p.client_walk = true;
	p.parallel = in->multiscan;
	if (in->fdpass && !in->unix_socket) {
		p.note = "--fdpass needs a Unix socket; the daemon is on TCP, so files are streamed instead";
		p.transport = TRANSPORT_INSTREAM;
	} else if (in->fdpass) {
		p.transport = TRANSPORT_FILDES;
	} else if (in->stream || !in->daemon_local) {
		p.transport = TRANSPORT_INSTREAM;
	} else {
		/* an action on a local daemon: pass the very descriptor we will act on */
		p.transport = in->unix_socket ? TRANSPORT_FILDES : TRANSPORT_INSTREAM;
	}
	return p;
}

const char *plan_path_command_name(enum path_command c)
{
	switch (c) {
	case PATH_MULTISCAN:
		return "MULTISCAN";
	case PATH_ALLMATCHSCAN:
		return "ALLMATCHSCAN";
	case PATH_CONTSCAN:
	default:
		return "CONTSCAN";
	}
}
