// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel glue's helpers that bind tunnel4.ko, and the module parameter
 * the tunnel module shares with ipip.ko. Only rvnet_tunnel links this file,
 * so that no other rvnet module depends on tunnel4.ko.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/xfrm.h>
#include "helpers.h"

static bool log_ecn_error = true;
module_param(log_ecn_error, bool, 0644);
MODULE_PARM_DESC(log_ecn_error, "Log packets received with corrupted ECN");

bool rvnet_tunnel_log_ecn_error(void)
{
	return READ_ONCE(log_ecn_error);
}

struct xfrm_tunnel *rvnet_tunnel4_register(int (*rcv)(struct sk_buff *),
					   int (*err)(struct sk_buff *, u32),
					   int priority, unsigned short family, int *ret)
{
	struct xfrm_tunnel *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h) {
		*ret = -ENOMEM;
		return NULL;
	}
	h->handler = rcv;
	h->err_handler = err;
	h->priority = priority;
	*ret = xfrm4_tunnel_register(h, family);
	if (*ret) {
		kfree(h);
		return NULL;
	}
	return h;
}

void rvnet_tunnel4_deregister(struct xfrm_tunnel *h, unsigned short family)
{
	xfrm4_tunnel_deregister(h, family);
	kfree(h);
}

