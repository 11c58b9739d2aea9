/* Non-blocking socket I/O where every wait is bounded by poll(2). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clamd/conn.h"
#include "util/interrupt.h"

int conn_wait(const struct conn *c, short events)
{
	struct pollfd pfd[2] = { { .fd = c->fd, .events = events },
				 { .fd = interrupt_fd(), .events = POLLIN } };
	int ms = c->timeout == 0 ? -1 : (int)(c->timeout > 2000000 ? 2000000000 : c->timeout * 1000);
	int rc;

	do {
		rc = poll(pfd, 2, ms);
	} while (rc < 0 && errno == EINTR && interrupt_signal() == 0);
	if (rc < 0)
		return -1;
	if (pfd[1].revents != 0 || interrupt_signal() != 0) {
		errno = EINTR; /* told to stop: the caller gives up on this wait */
		return -1;
	}
	if (rc == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

int conn_open(struct conn *c, const struct endpoint *ep, unsigned timeout)
{
	int fd, err = 0;
	socklen_t elen = sizeof(err);

	c->fd = -1;
	c->ep = ep;
	c->timeout = timeout;
	fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	c->fd = fd;
	if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN)
		goto fail;
	if (conn_wait(c, POLLOUT) != 0)
		goto fail;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		goto fail;
	if (err != 0) {
		errno = err;
		goto fail;
	}
	return 0;
fail:
	err = errno;
	close(fd);
	c->fd = -1;
	errno = err;
	return -1;
}

int conn_send_all(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		/* MSG_NOSIGNAL: a daemon that hung up must not kill us with SIGPIPE */
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (conn_wait(c, POLLOUT) != 0)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

ssize_t conn_try_send(struct conn *c, const void *buf, size_t len, int fd)
{
	union {
		char space[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.space;
		msg.msg_controllen = sizeof(ctl.space);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

ssize_t conn_recv(struct conn *c, void *buf, size_t cap)
{
	for (;;) {
		ssize_t n = recv(c->fd, buf, cap, 0);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (conn_wait(c, POLLIN) != 0)
				return -1;
			continue;
		}
		return -1;
	}
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
