/* The self-pipe trick: a handler may only set a flag and write(2), and a
 * poll that also watches the pipe cannot sleep through the signal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/interrupt.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static volatile sig_atomic_t caught;
static int pipe_fds[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;

	if (caught != 0) {
		/* the second one: the default action, now */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	caught = sig;
	if (pipe_fds[1] >= 0) {
		ssize_t n = write(pipe_fds[1], "", 1);

		(void)n; /* a full pipe is readable already */
	}
	errno = saved;
}

int interrupt_install(void)
{
	struct sigaction sa;

	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&sa.sa_mask, stop_signals[i]);
	/* no SA_RESTART: a blocked read or connect returns EINTR and looks */
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us (nohup) stays ignored */
		if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(stop_signals[i], &sa, NULL) != 0)
			return -1;
	}
	return 0;
}

int interrupt_signal(void)
{
	return caught;
}

int interrupt_fd(void)
{
	return pipe_fds[0];
}

const char *interrupt_name(void)
{
	switch (caught) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "a signal";
	}
}

const char *interrupt_reason(void)
{
	switch (caught) {
	case SIGINT:
		return "Not scanned: interrupted by SIGINT.";
	case SIGTERM:
		return "Not scanned: interrupted by SIGTERM.";
	case SIGHUP:
		return "Not scanned: interrupted by SIGHUP.";
	default:
		return "Not scanned: interrupted.";
	}
}
