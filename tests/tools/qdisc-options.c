// SPDX-License-Identifier: GPL-2.0
/*
 * qdisc-options DEV KIND: asks the kernel to change DEV's root qdisc of kind
 * KIND with an (empty) TCA_OPTIONS attribute, a request that tc cannot send
 * for a qdisc it has no parser for (teqlN). Prints "ok", or the error and
 * the extack message ("Invalid argument: ..."), and exits 0 or 1.
 */
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ALIGN4(len) (((len) + 3) & ~3u)

static void put_attr(struct nlmsghdr *n, unsigned short type, const void *data, unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + ALIGN4(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = ALIGN4(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
		char attrs[256];
	} req = { 0 };
	char reply[8192];
	int one = 1, fd;
	ssize_t len;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DEV KIND\n", argv[0]);
		return 2;
	}
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.t));
	req.n.nlmsg_type = RTM_NEWQDISC;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.t.tcm_family = AF_UNSPEC;
	req.t.tcm_ifindex = if_nametoindex(argv[1]);
	req.t.tcm_parent = TC_H_ROOT;
	if (!req.t.tcm_ifindex) {
		perror(argv[1]);
		return 2;
	}
	put_attr(&req.n, TCA_KIND, argv[2], strlen(argv[2]) + 1);
	put_attr(&req.n, TCA_OPTIONS, NULL, 0);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0 ||
	    send(fd, &req, req.n.nlmsg_len, 0) < 0) {
		perror("netlink");
		return 2;
	}
	len = recv(fd, reply, sizeof(reply), 0);
	struct nlmsghdr *h = (struct nlmsghdr *)reply;
	if (len < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || h->nlmsg_type != NLMSG_ERROR) {
		fprintf(stderr, "no acknowledgement\n");
		return 2;
	}
	struct nlmsgerr *e = NLMSG_DATA(h);
	if (!e->error) {
		puts("ok");
		return 0;
	}
	/* The extack TLVs follow the echoed request header (NLM_F_CAPPED). */
	const char *msg = "";
	struct rtattr *rta = (struct rtattr *)((char *)e + sizeof(*e));
	int rest = (char *)h + h->nlmsg_len - (char *)rta;
	if (h->nlmsg_flags & NLM_F_ACK_TLVS)
		for (; RTA_OK(rta, rest); rta = RTA_NEXT(rta, rest))
			if (rta->rta_type == NLMSGERR_ATTR_MSG)
				msg = RTA_DATA(rta);
	printf("%s: %s\n", strerror(-e->error), msg);
	return 1;
}
