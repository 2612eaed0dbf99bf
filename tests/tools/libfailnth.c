// SPDX-License-Identifier: GPL-2.0
/*
 * libfailnth.so: LD_PRELOAD=/rvnet/tools/libfailnth.so FAILNTH=N
 * FAILNTH_REPORT=FILE CMD... fails the Nth kernel allocation of the first
 * request that CMD sends on a NETLINK_ROUTE socket to change something
 * (not a GET, nor so a dump): it writes N to /proc/thread-self/fail-nth
 * just before that sendmsg()/sendto() and 0 just after, so that only the
 * allocations of that request count (rtnetlink handles a request in the
 * sender's own system call). Then it appends to FILE either "hit" (the
 * Nth allocation failed) or "miss K" (the request made K allocations, N
 * not reached). Other processes and requests are left alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The first changing request has been sent. */
static int done;

/* Whether fd is a NETLINK_ROUTE socket. */
static int is_rtnetlink(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) || v != AF_NETLINK)
		return 0;
	len = sizeof(v);
	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) && v == NETLINK_ROUTE;
}

/* Whether the request starting at buf (len bytes) changes something:
 * rtnetlink's types come in fours, NEW, DEL, GET, SET (dumps are GETs;
 * their NLM_F_MATCH is a NEW's NLM_F_EXCL). `ip link` first
 * probes for RTM_NEWLINK with an empty one that names no device (its
 * iplink_have_newlink()): not a change either. */
static int is_change(const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	if (!buf || len < sizeof(*h) || h->nlmsg_type < RTM_BASE || (h->nlmsg_type & 3) == 2)
		return 0;
	return !(h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len <= NLMSG_LENGTH(sizeof(*ifi)) &&
		 len >= h->nlmsg_len && !ifi->ifi_index);
}

/* Writes s to fail-nth's open fd; exits on failure (no injection possible). */
static void set_nth(int fd, const char *s)
{
	if (pwrite(fd, s, strlen(s), 0) != (ssize_t)strlen(s)) {
		perror("libfailnth: /proc/thread-self/fail-nth");
		_exit(125);
	}
}

/* Opens fail-nth and arms it with $FAILNTH if this call is the one, else
 * returns -1. */
static int arm(int fd, const void *buf, size_t len)
{
	const char *n = getenv("FAILNTH");
	int nth;

	if (done || !n || !is_change(buf, len) || !is_rtnetlink(fd))
		return -1;
	done = 1;
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth < 0) {
		perror("libfailnth: /proc/thread-self/fail-nth");
		_exit(125);
	}
	set_nth(nth, n);
	return nth;
}

/* Reads what is left of the count, disarms and reports to $FAILNTH_REPORT. */
static void disarm(int nth)
{
	char left[32] = "";
	const char *report = getenv("FAILNTH_REPORT");
	int saved = errno;
	ssize_t got;
	FILE *f;

	got = pread(nth, left, sizeof(left) - 1, 0);
	set_nth(nth, "0");
	close(nth);
	if (got <= 0) {
		perror("libfailnth: reading fail-nth");
		_exit(125);
	}
	left[got] = 0;
	if (report && (f = fopen(report, "a"))) {
		if (atoi(left) == 0)
			fprintf(f, "hit\n");
		else
			fprintf(f, "miss %ld\n", atol(getenv("FAILNTH")) - atol(left));
		fclose(f);
	}
	errno = saved;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);
	int nth = -1;
	ssize_t ret;

	if (!real)
		real = (ssize_t(*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
	if (msg && msg->msg_iovlen > 0)
		nth = arm(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len);
	ret = real(fd, msg, flags);
	if (nth >= 0)
		disarm(nth);
	return ret;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	int nth;
	ssize_t ret;

	if (!real)
		real = (ssize_t(*)(int, const void *, size_t, int, const struct sockaddr *,
				   socklen_t))dlsym(RTLD_NEXT, "sendto");
	nth = arm(fd, buf, len);
	ret = real(fd, buf, len, flags, to, tolen);
	if (nth >= 0)
		disarm(nth);
	return ret;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}
