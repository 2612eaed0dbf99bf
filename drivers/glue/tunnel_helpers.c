// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel glue's helpers that bind tunnel4.ko, and the module parameter
 * the tunnel module shares with ipip.ko. Only rvnet_tunnel links this file,
 * so that no other rvnet module depends on tunnel4.ko.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/xfrm.h>
#include <net/gre.h>
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


struct gre_protocol *rvnet_gre_register(int (*rcv)(struct sk_buff *),
					void (*err)(struct sk_buff *, u32), int *ret)
{
	struct gre_protocol *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p) {
		*ret = -ENOMEM;
		return NULL;
	}
	p->handler = rcv;
	p->err_handler = err;
	*ret = gre_add_protocol(p, GREPROTO_CISCO);
	if (*ret) {
		kfree(p);
		return NULL;
	}
	return p;
}

void rvnet_gre_deregister(struct gre_protocol *p)
{
	/* Waits for the handlers' readers. */
	gre_del_protocol(p, GREPROTO_CISCO);
	kfree(p);
}

/* gre_parse_header() as gre_rcv() calls it; the flags back as GRE bits.
 * The header length, or negative. */
int rvnet_gre_parse(struct sk_buff *skb, struct rvnet_gre_tpi *out)
{
	struct tnl_ptk_info tpi;
	bool csum_err = false;
	int hdr_len;

	hdr_len = gre_parse_header(skb, &tpi, &csum_err, htons(ETH_P_IP), 0);
	if (hdr_len < 0)
		return hdr_len;
	out->flags = gre_tnl_flags_to_gre_flags(tpi.flags);
	out->proto = tpi.proto;
	out->key = tpi.key;
	out->seq = tpi.seq;
	return hdr_len;
}
