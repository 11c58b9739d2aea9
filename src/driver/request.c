/* SCAN, INSTREAM and FILDES (see request.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "driver/request.h"

/* "zSCAN path" must fit clamd's command buffer of PATH_MAX + 8 bytes. */
static bool scan_fits(const struct endpoint *ep, const struct scan_item *it)
{
	return it->path != NULL && ep->local && strlen(it->path) + sizeof("zSCAN ") <= PATH_MAX + 8;
}

static int scan_send(struct session *s, struct request *req, char *buf, uint64_t limit)
{
	int n = snprintf(buf, PATH_MAX + 8, "zSCAN %s", req->item->path);

	(void)limit;
	return session_send(s, buf, (size_t)n + 1, -1);
}

static bool scan_names(const struct scan_item *it, const char *path)
{
	return strcmp(path, it->path) == 0;
}

static bool fildes_fits(const struct endpoint *ep, const struct scan_item *it)
{
	return it->fd >= 0 && ep->kind == ENDPOINT_UNIX;
}

/* A daemon reading our descriptor moves the offset we share with it: a
 * resend starts over; a file just opened is at 0 already. */
static void rewind_for(struct request *req)
{
	if (req->sends > 1 || req->item->is_stdin)
		(void)lseek(req->item->fd, 0, SEEK_SET);
}

static int fildes_send(struct session *s, struct request *req, char *buf, uint64_t limit)
{
	(void)buf;
	(void)limit;
	rewind_for(req);
	/* the descriptor rides on the byte after the command, as clamd
	 * requires; one send, not clamdscan's two: clamd takes the byte in the
	 * same read as the command, and a read never goes past a message that
	 * carries descriptors, so the next command cannot claim this one */
	return session_send(s, "zFILDES\0", 9, req->item->fd);
}

static bool fildes_names(const struct scan_item *it, const char *path)
{
	size_t n = strlen(path);

	(void)it;
	return n > 4 && strncmp(path, "fd[", 3) == 0 && path[n - 1] == ']';
}

static bool instream_fits(const struct endpoint *ep, const struct scan_item *it)
{
	(void)ep;
	return it->fd >= 0;
}

/* Streams the file as chunks, never more than limit bytes. The command
 * travels with the first chunk and the end mark with the last, so a small
 * file goes in one send instead of three. */
static int instream_send(struct session *s, struct request *req, char *buf, uint64_t limit)
{
	static const char cmd[] = "zINSTREAM";
	uint64_t sent = 0;
	size_t head = sizeof(cmd);
	bool eof = false;

	rewind_for(req);
	memcpy(buf, cmd, sizeof(cmd));
	while (!eof) {
		char *data = buf + head + 4;
		size_t got = 0, len = head;
		uint32_t be;

		while (got < REQUEST_CHUNK) {
			ssize_t n = read(req->item->fd, data + got, REQUEST_CHUNK - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (n < 0)
					req->read_errno = errno;
				eof = true;
				break;
			}
			got += (size_t)n;
		}
		if (sent + got > limit) {
			got = (size_t)(limit - sent);
			req->truncated = true;
			eof = true;
		}
		if (got > 0) {
			be = htonl((uint32_t)got);
			memcpy(buf + head, &be, 4);
			len += 4 + got;
		}
		if (eof) {
			memset(buf + len, 0, 4); /* the zero-length chunk ends the stream */
			len += 4;
		}
		if (session_send(s, buf, len, -1) != 0)
			return -1;
		sent += got;
		head = 0;
	}
	return 0;
}

static bool instream_names(const struct scan_item *it, const char *path)
{
	(void)it;
	return strcmp(path, "stream") == 0;
}

const struct request_ops request_scan = {
	.command = "SCAN",
	.needs_vouching = true,
	.fits = scan_fits,
	.send = scan_send,
	.names = scan_names,
};

const struct request_ops request_fildes = {
	.command = "FILDES",
	.needs_vouching = false,
	.fits = fildes_fits,
	.send = fildes_send,
	.names = fildes_names,
};

const struct request_ops request_instream = {
	.command = "INSTREAM",
	.needs_vouching = false,
	.fits = instream_fits,
	.send = instream_send,
	.names = instream_names,
};

const struct request_ops *request_for(enum request_kind want, const struct endpoint *ep,
				      const struct scan_item *it)
{
	if (want == REQUEST_SCAN && request_scan.fits(ep, it))
		return &request_scan;
	if (want != REQUEST_INSTREAM && request_fildes.fits(ep, it))
		return &request_fildes;
	if (request_instream.fits(ep, it))
		return &request_instream;
	return NULL;
}

const char *request_command(enum request_kind k)
{
	switch (k) {
	case REQUEST_SCAN:
		return request_scan.command;
	case REQUEST_FILDES:
		return request_fildes.command;
	case REQUEST_INSTREAM:
	default:
		return request_instream.command;
	}
}
