// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line wrappers of the static inline kernel functions rvnet's Rust
 * glue calls. Each one is a plain call-through: no logic lives here.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <net/arp.h>
#include <net/route.h>
#include <linux/ethtool.h>
#include <net/netdev_lock.h>
#include <linux/pkt_sched.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <linux/neighbour.h>
#include <linux/if_bridge.h>
#include <net/netns/generic.h>
#include <linux/if_macvlan.h>
#include <net/ip.h>
#include <net/dst.h>
#include <net/neighbour.h>
#include <net/sch_generic.h>
#include <linux/siphash.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <linux/netfilter.h>
#include <net/l3mdev.h>
#include "helpers.h"
/* net/8021q's private vlan_info and vlan_group (see Kbuild). */
#include "vlan.h"

/*
 * Compiled to bitcode for the Rust objects (Kbuild, with
 * CONFIG_RUST_INLINE_HELPERS), every wrapper is always_inline, as the
 * kernel's own __rust_helper: LLVM would otherwise refuse to inline C into
 * Rust over attribute differences that do not matter here (the kernel's
 * rust/helpers/helpers.c lists them). helpers.o keeps ordinary functions.
 */
#ifdef RVNET_INLINE_HELPERS
#pragma clang attribute push(__attribute__((always_inline)), apply_to = function)
#endif

const struct rvnet_feature_masks rvnet_features = {
	.sg = NETIF_F_SG,
	.ip_csum = NETIF_F_IP_CSUM,
	.ipv6_csum = NETIF_F_IPV6_CSUM,
	.hw_csum = NETIF_F_HW_CSUM,
	.rxcsum = NETIF_F_RXCSUM,
	.fraglist = NETIF_F_FRAGLIST,
	.highdma = NETIF_F_HIGHDMA,
	.sctp_crc = NETIF_F_SCTP_CRC,
	.fcoe_crc = NETIF_F_FCOE_CRC,
	.fso = NETIF_F_FSO,
	.hw_macsec = NETIF_F_HW_MACSEC,
	.gso_software = NETIF_F_GSO_SOFTWARE,
	.gso_encap_all = NETIF_F_GSO_ENCAP_ALL,
	.soft_features = NETIF_F_SOFT_FEATURES,
	.vlan_challenged = NETIF_F_VLAN_CHALLENGED,
	.hw_vlan_ctag_filter = NETIF_F_HW_VLAN_CTAG_FILTER,
	.lro = NETIF_F_LRO,
};

void rvnet_netdev_hold(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_hold(dev, tracker, GFP_KERNEL);
}

void rvnet_netdev_put(struct net_device *dev, netdevice_tracker *tracker)
{
	netdev_put(dev, tracker);
}

struct net *rvnet_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

void rvnet_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}

u32 rvnet_netdev_priv_flags(const struct net_device *dev)
{
	return dev->priv_flags;
}

void rvnet_netdev_change_priv_flags(struct net_device *dev, u32 set, u32 clear)
{
	dev->priv_flags = (dev->priv_flags & ~clear) | set;
}

u64 rvnet_netdev_intersect_features(u64 f1, u64 f2)
{
	return netdev_intersect_features(f1, f2);
}

void rvnet_netdev_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}

void rvnet_netdev_keep_dst(struct net_device *dev)
{
	netif_keep_dst(dev);
}

struct net_device *rvnet_netdev_notifier_info_to_dev(void *info)
{
	return netdev_notifier_info_to_dev(info);
}

struct netlink_ext_ack *rvnet_netdev_notifier_info_to_extack(void *info)
{
	return netdev_notifier_info_to_extack(info);
}

struct net_device *rvnet_first_netdev_rcu(struct net *net)
{
	return list_first_or_null_rcu(&net->dev_base_head, struct net_device,
				      dev_list);
}

struct net_device *rvnet_next_netdev_rcu(struct net *net, struct net_device *dev)
{
	struct list_head *next = rcu_dereference(list_next_rcu(&dev->dev_list));

	return next == &net->dev_base_head ? NULL :
		list_entry(next, struct net_device, dev_list);
}

void *rvnet_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

struct proc_dir_entry *rvnet_proc_net_mkdir(struct net *net, const char *name)
{
	return proc_net_mkdir(net, name, net->proc_net);
}

struct net *rvnet_seq_file_single_net(struct seq_file *seq)
{
	return seq_file_single_net(seq);
}

void rvnet_init_list_head(struct list_head *head)
{
	INIT_LIST_HEAD(head);
}

bool rvnet_netdev_is_unregistering(const struct net_device *dev)
{
	return dev->reg_state == NETREG_UNREGISTERING;
}

void rvnet_rcu_read_lock(void)
{
	rcu_read_lock();
}

void rvnet_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void rvnet_synchronize_net(void)
{
	synchronize_net();
}

bool rvnet_rtnl_is_locked(void)
{
	return rtnl_is_locked();
}

u32 rvnet_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

u32 rvnet_skb_priority(const struct sk_buff *skb)
{
	return skb->priority;
}

/* A header_ops->create's room: len bytes pushed, the headroom grown
 * first if short (as ipgre_header()); NULL without memory. */
u8 *rvnet_skb_push_room(struct sk_buff *skb, u32 len)
{
	if (skb_headroom(skb) < len &&
	    pskb_expand_head(skb, HH_DATA_ALIGN(len - skb_headroom(skb)), 0, GFP_ATOMIC))
		return NULL;
	return skb_push(skb, len);
}

/* The linear bytes from the mac header on (header_ops->parse). */
const u8 *rvnet_skb_mac_bytes(const struct sk_buff *skb, u32 *len)
{
	*len = 0;
	if (!skb_mac_header_was_set(skb) || skb_mac_header(skb) > skb_tail_pointer(skb))
		return NULL;
	*len = skb_tail_pointer(skb) - skb_mac_header(skb);
	return skb_mac_header(skb);
}

void rvnet_skb_vlan_put_tag(struct sk_buff *skb, __be16 proto, u16 tci)
{
	__vlan_hwaccel_put_tag(skb, proto, tci);
}

void rvnet_skb_set_dev(struct sk_buff *skb, struct net_device *dev)
{
	skb->dev = dev;
}

/*
 * Whether a frame handed to a VLAN device already carries its tag in-band
 * (inserted by the header_ops of a REORDER_HDR-off device or by the sender).
 */
bool rvnet_skb_has_inband_tag(const struct sk_buff *skb, __be16 proto)
{
	const struct vlan_ethhdr *veth = (const struct vlan_ethhdr *)skb->data;

	return skb_headlen(skb) >= VLAN_ETH_HLEN && veth->h_vlan_proto == proto;
}

u32 rvnet_skb_headlen(const struct sk_buff *skb)
{
	return skb_headlen(skb);
}

/* The in-band tag of vlan_dev_hard_header(): TCI and encapsulated type. */
void rvnet_push_vlan_header(struct sk_buff *skb, __be16 proto, u16 tci, u16 type,
			    unsigned int len)
{
	struct vlan_hdr *vhdr = skb_push(skb, VLAN_HLEN);

	vhdr->h_vlan_TCI = htons(tci);
	/* 802.3 and 802.2 frames carry their length instead of a type. */
	vhdr->h_vlan_encapsulated_proto =
		htons(type != ETH_P_802_3 && type != ETH_P_802_2 ? type : len);
	skb->protocol = proto;
}

int rvnet_dev_hard_header(struct sk_buff *skb, struct net_device *dev, u16 type,
			  const void *daddr, const void *saddr, unsigned int len)
{
	return dev_hard_header(skb, dev, type, daddr, saddr, len);
}

int rvnet_dev_queue_xmit(struct sk_buff *skb)
{
	return dev_queue_xmit(skb);
}

void rvnet_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

int rvnet_nla_type(const struct nlattr *nla)
{
	return nla_type(nla);
}

int rvnet_nla_len(const struct nlattr *nla)
{
	return nla_len(nla);
}

void *rvnet_nla_data(const struct nlattr *nla)
{
	return nla_data(nla);
}

const struct nlattr *rvnet_nla_next(const struct nlattr *nla, int *remaining)
{
	return nla_next(nla, remaining);
}

bool rvnet_nla_ok(const struct nlattr *nla, int remaining)
{
	return nla_ok(nla, remaining);
}

struct nlattr *rvnet_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start_noflag(skb, type);
}

struct nlattr *rvnet_nla_nest_start_flagged(struct sk_buff *skb, int type)
{
	return nla_nest_start(skb, type);
}

void rvnet_nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_end(skb, start);
}

void rvnet_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	nla_nest_cancel(skb, start);
}

int rvnet_nla_total_size(int payload)
{
	return nla_total_size(payload);
}

int rvnet_nla_validate_nested(const struct nlattr *start, int maxtype,
			      const struct nla_policy *policy,
			      struct netlink_ext_ack *extack)
{
	return nla_validate_nested_deprecated(start, maxtype, policy, extack);
}

/* @msg must be static: extack keeps the pointer. */
void rvnet_set_extack_msg(struct netlink_ext_ack *extack, const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

/* VLAN statistics and the vlan_info group: see vlan_header.rs. */

struct vlan_pcpu_stats __percpu *rvnet_vlan_stats_alloc(void)
{
	return netdev_alloc_pcpu_stats(struct vlan_pcpu_stats);
}

void rvnet_vlan_stats_free(struct vlan_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

void rvnet_vlan_stats_rx(struct vlan_pcpu_stats __percpu *stats, u32 len, bool multicast)
{
	struct vlan_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	if (multicast)
		u64_stats_inc(&s->rx_multicast);
	u64_stats_update_end(&s->syncp);
}

void rvnet_vlan_stats_tx(struct vlan_pcpu_stats __percpu *stats, u32 len)
{
	struct vlan_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

void rvnet_vlan_stats_tx_dropped(struct vlan_pcpu_stats __percpu *stats)
{
	this_cpu_inc(stats->tx_dropped);
}

/* The per-CPU sum, as vlan_dev_get_stats64() does it. */
void rvnet_vlan_stats_fold(struct vlan_pcpu_stats __percpu *stats,
			   struct rtnl_link_stats64 *out)
{
	u32 rx_errors = 0, tx_dropped = 0;
	int i;

	for_each_possible_cpu(i) {
		const struct vlan_pcpu_stats *p = per_cpu_ptr(stats, i);
		u64 rxpackets, rxbytes, rxmulticast, txpackets, txbytes;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			rxpackets = u64_stats_read(&p->rx_packets);
			rxbytes = u64_stats_read(&p->rx_bytes);
			rxmulticast = u64_stats_read(&p->rx_multicast);
			txpackets = u64_stats_read(&p->tx_packets);
			txbytes = u64_stats_read(&p->tx_bytes);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		out->rx_packets += rxpackets;
		out->rx_bytes += rxbytes;
		out->multicast += rxmulticast;
		out->tx_packets += txpackets;
		out->tx_bytes += txbytes;
		rx_errors += READ_ONCE(p->rx_errors);
		tx_dropped += READ_ONCE(p->tx_dropped);
	}
	out->rx_errors = rx_errors;
	out->tx_dropped = tx_dropped;
}

int rvnet_vlan_core_attach(struct net_device *real, __be16 proto, u16 vid,
			   struct net_device *dev)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);
	int pidx = vlan_proto_idx(proto);
	struct net_device ***part;

	if (!vi || pidx < 0)
		return -EINVAL;
	/* As vlan_group_prealloc_vid(). */
	part = &vi->grp.vlan_devices_arrays[pidx][vid / VLAN_GROUP_ARRAY_PART_LEN];
	if (!*part) {
		struct net_device **array;

		array = kcalloc(VLAN_GROUP_ARRAY_PART_LEN, sizeof(*array),
				GFP_KERNEL_ACCOUNT);
		if (!array)
			return -ENOBUFS;
		/* paired with smp_rmb() in __vlan_group_get_device() */
		smp_wmb();
		*part = array;
	}
	vlan_group_set_device(&vi->grp, proto, vid, dev);
	vi->grp.nr_vlan_devs++;
	return 0;
}

void rvnet_vlan_core_detach(struct net_device *real, __be16 proto, u16 vid)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	if (!vi || !vlan_group_get_device(&vi->grp, proto, vid))
		return;
	vlan_group_set_device(&vi->grp, proto, vid, NULL);
	vi->grp.nr_vlan_devs--;
}

struct net_device *rvnet_vlan_core_get(struct net_device *real, __be16 proto, u16 vid)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	return vi ? vlan_group_get_device(&vi->grp, proto, vid) : NULL;
}

/*
 * The next VLAN device of real's group from position *pos (protocol index
 * times VLAN_N_VID plus VLAN id), which is advanced past it; NULL at the end.
 */
struct net_device *rvnet_vlan_core_next(struct net_device *real, unsigned int *pos)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	if (!vi)
		return NULL;
	for (; *pos < VLAN_PROTO_NUM * VLAN_N_VID; (*pos)++) {
		unsigned int pidx = *pos / VLAN_N_VID, vid = *pos % VLAN_N_VID;
		struct net_device *dev;

		if (!vi->grp.vlan_devices_arrays[pidx][vid / VLAN_GROUP_ARRAY_PART_LEN]) {
			*pos |= VLAN_GROUP_ARRAY_PART_LEN - 1;
			continue;
		}
		dev = __vlan_group_get_device(&vi->grp, pidx, vid);
		if (dev) {
			(*pos)++;
			return dev;
		}
	}
	return NULL;
}

unsigned int rvnet_vlan_core_count(struct net_device *real)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	return vi ? vi->grp.nr_vlan_devs : 0;
}

bool rvnet_vlan_core_auto_vid0(struct net_device *real)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	return vi && vi->auto_vid0;
}

void rvnet_vlan_core_set_auto_vid0(struct net_device *real, bool on)
{
	struct vlan_info *vi = rtnl_dereference(real->vlan_info);

	if (vi)
		vi->auto_vid0 = on;
}

void *rvnet_rx_handler_data(const struct net_device *dev, rx_handler_func_t *handler)
{
	return rtnl_dereference(dev->rx_handler) == handler ?
		       rtnl_dereference(dev->rx_handler_data) : NULL;
}

void *rvnet_rx_handler_data_rcu(const struct net_device *dev)
{
	return rcu_dereference(dev->rx_handler_data);
}

int rvnet_master_upper_link(struct net_device *port, struct net_device *master,
			    int tx_type, int hash_type, struct netlink_ext_ack *extack)
{
	struct netdev_lag_upper_info info = {
		.tx_type = tx_type,
		.hash_type = hash_type,
	};

	return netdev_master_upper_dev_link(port, master, NULL,
					    tx_type < 0 ? NULL : &info, extack);
}

void rvnet_lower_state_changed(struct net_device *port, bool link_up, bool tx_enabled)
{
	struct netdev_lag_lower_state_info info = {
		.link_up = link_up,
		.tx_enabled = tx_enabled,
	};

	netdev_lower_state_changed(port, &info);
}

void rvnet_netdev_change_flags_raw(struct net_device *dev, u32 set, u32 clear)
{
	dev->flags = (dev->flags & ~clear) | set;
}

int rvnet_dev_set_mac(struct net_device *dev, const u8 *mac, struct netlink_ext_ack *extack)
{
	struct sockaddr_storage ss = { .ss_family = dev->type };

	memcpy(ss.__data, mac, dev->addr_len);
	return dev_set_mac_address(dev, &ss, extack);
}

int rvnet_link_speed_duplex(struct net_device *dev, bool lock, u32 *speed, u8 *duplex)
{
	struct ethtool_link_ksettings ecmd;
	int res;

	if (lock)
		netdev_lock_ops(dev);
	res = netif_get_link_ksettings(dev, &ecmd);
	if (lock)
		netdev_unlock_ops(dev);
	if (res < 0)
		return res;
	*speed = ecmd.base.speed;
	*duplex = ecmd.base.duplex;
	return 0;
}

void rvnet_sync_addr_lists_multiple(struct net_device *to, struct net_device *from)
{
	netif_addr_lock_bh(from);
	dev_mc_sync_multiple(to, from);
	dev_uc_sync_multiple(to, from);
	netif_addr_unlock_bh(from);
}

static void rvnet_work_timer_fire(struct timer_list *timer)
{
	struct rvnet_work_timer *t = timer_container_of(t, timer, timer);

	netdev_work_sched(t->dev, t->events);
}

void rvnet_work_timer_init(struct rvnet_work_timer *t, struct net_device *dev,
			   unsigned long events)
{
	t->dev = dev;
	t->events = events;
	timer_setup(&t->timer, rvnet_work_timer_fire, 0);
}

void rvnet_work_timer_arm(struct rvnet_work_timer *t, unsigned int delay_ms)
{
	mod_timer(&t->timer, jiffies + msecs_to_jiffies(delay_ms));
}

void rvnet_work_timer_stop(struct rvnet_work_timer *t)
{
	timer_delete_sync(&t->timer);
}

u64 rvnet_jiffies64_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

struct sk_buff *rvnet_skb_share_check(struct sk_buff *skb)
{
	return skb_share_check(skb, GFP_ATOMIC);
}

struct sk_buff *rvnet_skb_clone(struct sk_buff *skb)
{
	return skb_clone(skb, GFP_ATOMIC);
}

u32 rvnet_skb_copy_head(const struct sk_buff *skb, u8 *buf, u32 len)
{
	len = min(len, skb->len);
	if (skb_copy_bits(skb, 0, buf, len))
		return 0;
	return len;
}

/* The destination and source addresses at the MAC header when the linear
 * data holds them (else NULL), and whether the frame is PACKET_LOOPBACK. */
const u8 *rvnet_skb_eth_addrs(const struct sk_buff *skb, bool *looped_back)
{
	*looped_back = skb->pkt_type == PACKET_LOOPBACK;
	if (skb_tail_pointer(skb) - skb_mac_header(skb) < 2 * ETH_ALEN)
		return NULL;
	return skb_mac_header(skb);
}

u16 rvnet_skb_protocol(const struct sk_buff *skb)
{
	return ntohs(skb->protocol);
}

struct net_device *rvnet_skb_dev(const struct sk_buff *skb)
{
	return skb->dev;
}

void rvnet_dev_core_stats_tx_dropped_inc(struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
}

void rvnet_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

void rvnet_eth_random_addr(u8 *addr)
{
	eth_random_addr(addr);
}

u32 rvnet_get_random_u32(void)
{
	return get_random_u32();
}

struct sk_buff *rvnet_skb_from_frame(struct net_device *dev, const u8 *frame, u32 len, u16 protocol)
{
	struct sk_buff *skb = dev_alloc_skb(len);

	if (!skb)
		return NULL;
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb->network_header = skb->mac_header + ETH_HLEN;
	skb->protocol = htons(protocol);
	skb->priority = TC_PRIO_CONTROL;
	skb_put_data(skb, frame, len);
	return skb;
}

void rvnet_netdev_set_master_features(struct net_device *dev)
{
	dev->hw_features = MASTER_UPPER_DEV_VLAN_FEATURES |
			   NETIF_F_HW_VLAN_CTAG_RX | NETIF_F_HW_VLAN_CTAG_FILTER |
			   NETIF_F_HW_VLAN_STAG_RX | NETIF_F_HW_VLAN_STAG_FILTER;
	dev->hw_features |= NETIF_F_GSO_ENCAP_ALL;
	dev->features |= dev->hw_features;
	dev->features |= NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
	dev->features |= NETIF_F_GSO_PARTIAL;
}

void rvnet_arp_send_request(struct net_device *dev, __be32 dest_ip, __be32 src_ip)
{
	struct sk_buff *skb = arp_create(ARPOP_REQUEST, ETH_P_ARP, dest_ip, dev,
					 src_ip, NULL, dev->dev_addr, NULL);

	if (skb)
		arp_xmit(skb);
}

struct net_device *rvnet_route_output_dev(struct net *net, __be32 daddr)
{
	struct rtable *rt = ip_route_output(net, daddr, 0, 0, 0, RT_SCOPE_LINK);
	struct net_device *dev;

	if (IS_ERR(rt))
		return NULL;
	dev = rt->dst.dev;
	ip_rt_put(rt);
	return dev;
}

__be32 rvnet_confirm_addr(struct net_device *dev, __be32 dst, __be32 local)
{
	struct in_device *in_dev;
	__be32 addr = 0;

	rcu_read_lock();
	in_dev = __in_dev_get_rcu(dev);
	if (in_dev)
		addr = inet_confirm_addr(dev_net(dev), in_dev, dst, local, RT_SCOPE_HOST);
	rcu_read_unlock();
	return addr;
}

u64 rvnet_dev_trans_age_ms(struct net_device *dev)
{
	return jiffies_to_msecs(jiffies - dev_trans_start(dev));
}

void rvnet_dev_net_set(struct net_device *dev, struct net *net)
{
	dev_net_set(dev, net);
}

const unsigned char rvnet_net_name_unknown = NET_NAME_UNKNOWN;

void rvnet_skb_view(const struct sk_buff *skb, struct rvnet_skb_view *view)
{
	view->mac = skb_mac_header(skb);
	view->mac_linear = skb_tail_pointer(skb) - skb_mac_header(skb);
	view->len = skb->len;
	view->protocol = ntohs(skb->protocol);
	view->vlan_present = skb_vlan_tag_present(skb);
	view->vlan_tci = view->vlan_present ? skb_vlan_tag_get(skb) : 0;
	view->l4_hash = skb->l4_hash;
	view->hash = skb->hash;
	view->pkt_type = skb->pkt_type;
}

static const struct rhashtable_params rvnet_rht_params = {
	.head_offset = offsetof(struct rvnet_rht_node, node),
	.key_offset = offsetof(struct rvnet_rht_node, key),
	.key_len = sizeof(u64),
	.automatic_shrinking = true,
};

int rvnet_rht_init(struct rvnet_rht *t)
{
	INIT_HLIST_HEAD(&t->list);
	spin_lock_init(&t->lock);
	return rhashtable_init(&t->ht, &rvnet_rht_params);
}

void rvnet_rht_destroy(struct rvnet_rht *t)
{
	rhashtable_destroy(&t->ht);
}

struct rvnet_rht_node *rvnet_rht_lookup(struct rvnet_rht *t, u64 key)
{
	return rhashtable_lookup(&t->ht, &key, rvnet_rht_params);
}

int rvnet_rht_insert(struct rvnet_rht *t, struct rvnet_rht_node *n)
{
	int err;

	lockdep_assert_held(&t->lock);
	err = rhashtable_lookup_insert_fast(&t->ht, &n->node, rvnet_rht_params);
	if (!err)
		hlist_add_head_rcu(&n->list, &t->list);
	return err;
}

bool rvnet_rht_remove(struct rvnet_rht *t, struct rvnet_rht_node *n,
		      rcu_callback_t free)
{
	lockdep_assert_held(&t->lock);
	if (hlist_unhashed(&n->list))
		return false;
	hlist_del_init_rcu(&n->list);
	rhashtable_remove_fast(&t->ht, &n->node, rvnet_rht_params);
	call_rcu(&n->rcu, free);
	return true;
}

struct rvnet_rht_node *rvnet_rht_first(struct rvnet_rht *t)
{
	/* Any RCU flavour: transmit paths walk under rcu_read_lock_bh(). */
	struct hlist_node *first = rcu_dereference_all_check(hlist_first_rcu(&t->list),
							     lockdep_is_held(&t->lock));

	return first ? hlist_entry(first, struct rvnet_rht_node, list) : NULL;
}

struct rvnet_rht_node *rvnet_rht_next(struct rvnet_rht_node *n)
{
	struct hlist_node *next = rcu_dereference_raw(hlist_next_rcu(&n->list));

	return next ? hlist_entry(next, struct rvnet_rht_node, list) : NULL;
}

void rvnet_rht_lock(struct rvnet_rht *t)
{
	spin_lock_bh(&t->lock);
}

void rvnet_rht_unlock(struct rvnet_rht *t)
{
	spin_unlock_bh(&t->lock);
}

void rvnet_hbuckets_init(struct rvnet_hbuckets *t)
{
	unsigned int i;

	for (i = 0; i < RVNET_HBUCKETS; i++)
		INIT_HLIST_HEAD(&t->heads[i]);
	spin_lock_init(&t->lock);
}

/* Any RCU flavour (transmit paths look up under rcu_read_lock_bh()), or the
 * writer lock. */
struct rvnet_hnode *rvnet_hbuckets_lookup(struct rvnet_hbuckets *t, u32 bucket, u64 key)
{
	struct rvnet_hnode *n;

	hlist_for_each_entry_rcu(n, &t->heads[bucket % RVNET_HBUCKETS], hlist,
				 lockdep_is_held(&t->lock))
		if (n->key == key)
			return n;
	return NULL;
}

void rvnet_hbuckets_add(struct rvnet_hbuckets *t, struct rvnet_hnode *n)
{
	lockdep_assert_held(&t->lock);
	n->bucket %= RVNET_HBUCKETS;
	hlist_add_head_rcu(&n->hlist, &t->heads[n->bucket]);
}

bool rvnet_hbuckets_remove(struct rvnet_hbuckets *t, struct rvnet_hnode *n,
			   rcu_callback_t free)
{
	lockdep_assert_held(&t->lock);
	if (hlist_unhashed(&n->hlist))
		return false;
	hlist_del_init_rcu(&n->hlist);
	call_rcu(&n->rcu, free);
	return true;
}

/* The first entry of the first non-empty bucket from `bucket` on. */
struct rvnet_hnode *rvnet_hbuckets_from(struct rvnet_hbuckets *t, u32 bucket)
{
	for (; bucket < RVNET_HBUCKETS; bucket++) {
		struct hlist_node *first =
			rcu_dereference_all_check(hlist_first_rcu(&t->heads[bucket]),
						  lockdep_is_held(&t->lock));

		if (first)
			return hlist_entry(first, struct rvnet_hnode, hlist);
	}
	return NULL;
}

/* The entry after `n` in bucket order; a removed `n` keeps its next. */
struct rvnet_hnode *rvnet_hbuckets_next(struct rvnet_hbuckets *t, struct rvnet_hnode *n)
{
	struct hlist_node *next = rcu_dereference_raw(hlist_next_rcu(&n->hlist));

	return next ? hlist_entry(next, struct rvnet_hnode, hlist) :
		      rvnet_hbuckets_from(t, n->bucket + 1);
}

void rvnet_hbuckets_lock(struct rvnet_hbuckets *t)
{
	spin_lock_bh(&t->lock);
}

void rvnet_hbuckets_unlock(struct rvnet_hbuckets *t)
{
	spin_unlock_bh(&t->lock);
}

void rvnet_rcu_barrier(void)
{
	rcu_barrier();
}

int rvnet_nla_put_u64_64bit(struct sk_buff *skb, int type, u64 value, int pad)
{
	return nla_put_u64_64bit(skb, type, value, pad);
}

/* As net/bridge/br_fdb.c's fdb_fill_info(). */
static int rvnet_fdb_fill(struct sk_buff *skb, const struct rvnet_fdb_record *r,
			  u32 portid, u32 seq, int type, unsigned int flags)
{
	struct nda_cacheinfo ci = {
		.ndm_used = r->used,
		.ndm_updated = r->updated,
	};
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = nlmsg_put(skb, portid, seq, type, sizeof(*ndm), flags);
	if (!nlh)
		return -EMSGSIZE;
	ndm = nlmsg_data(nlh);
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_pad1 = 0;
	ndm->ndm_pad2 = 0;
	ndm->ndm_flags = r->flags;
	ndm->ndm_type = 0;
	ndm->ndm_ifindex = r->ifindex;
	ndm->ndm_state = r->state;
	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, r->addr) ||
	    nla_put_u32(skb, NDA_MASTER, r->master) ||
	    nla_put_u32(skb, NDA_FLAGS_EXT, 0) ||
	    nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci) ||
	    (r->vid && nla_put(skb, NDA_VLAN, sizeof(u16), &r->vid))) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

int rvnet_fdb_dump_entry(struct sk_buff *skb, struct netlink_callback *cb,
			 const struct rvnet_fdb_record *r, int *idx)
{
	struct ndo_fdb_dump_context *ctx = (void *)cb->ctx;
	int err = 0;

	if (*idx >= ctx->fdb_idx)
		err = rvnet_fdb_fill(skb, r, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, RTM_NEWNEIGH, NLM_F_MULTI);
	if (!err)
		*idx += 1;
	return err;
}

int rvnet_fdb_get_fill(struct sk_buff *skb, const struct rvnet_fdb_record *r, u32 portid,
		       u32 seq)
{
	return rvnet_fdb_fill(skb, r, portid, seq, RTM_NEWNEIGH, 0);
}

int rvnet_fdb_dump_resume_idx(struct netlink_callback *cb)
{
	return ((struct ndo_fdb_dump_context *)cb->ctx)->fdb_idx;
}

int rvnet_fdb_dump_default(struct sk_buff *skb, struct netlink_callback *cb,
			   struct net_device *dev, int *idx)
{
	return ndo_dflt_fdb_dump(skb, cb, dev, NULL, idx);
}

void rvnet_fdb_notify(struct net_device *master, const struct rvnet_fdb_record *r,
		      int type)
{
	size_t size = NLMSG_ALIGN(sizeof(struct ndmsg)) + nla_total_size(ETH_ALEN) +
		      nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u32)) +
		      nla_total_size(sizeof(u16)) +
		      nla_total_size(sizeof(struct nda_cacheinfo)) +
		      nla_total_size(0) + nla_total_size(sizeof(u8));
	struct net *net = dev_net(master);
	struct sk_buff *skb;
	int err = -ENOBUFS;

	skb = nlmsg_new(size, GFP_ATOMIC);
	if (!skb)
		goto errout;
	err = rvnet_fdb_fill(skb, r, 0, 0, type, 0);
	if (err < 0) {
		kfree_skb(skb);
		goto errout;
	}
	rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, NULL, GFP_ATOMIC);
	return;
errout:
	rtnl_set_sk_err(net, RTNLGRP_NEIGH, err);
}

/* The head of net/bridge/br_netlink.c's br_fill_ifinfo(). */
struct nlmsghdr *rvnet_bridge_ifinfo_begin(struct sk_buff *skb, u32 pid, u32 seq,
					   int event, unsigned int flags,
					   struct net_device *dev,
					   const struct net_device *master)
{
	u8 operstate = netif_running(dev) ? READ_ONCE(dev->operstate) : IF_OPER_DOWN;
	struct ifinfomsg *hdr;
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(skb, pid, seq, event, sizeof(*hdr), flags);
	if (!nlh)
		return NULL;
	hdr = nlmsg_data(nlh);
	hdr->ifi_family = AF_BRIDGE;
	hdr->__ifi_pad = 0;
	hdr->ifi_type = dev->type;
	hdr->ifi_index = dev->ifindex;
	hdr->ifi_flags = netif_get_flags(dev);
	hdr->ifi_change = 0;
	if (nla_put_string(skb, IFLA_IFNAME, dev->name) ||
	    nla_put_u32(skb, IFLA_MASTER, master->ifindex) ||
	    nla_put_u32(skb, IFLA_MTU, dev->mtu) ||
	    nla_put_u8(skb, IFLA_OPERSTATE, operstate) ||
	    (dev->addr_len &&
	     nla_put(skb, IFLA_ADDRESS, dev->addr_len, dev->dev_addr)) ||
	    (dev->ifindex != dev_get_iflink(dev) &&
	     nla_put_u32(skb, IFLA_LINK, dev_get_iflink(dev)))) {
		nlmsg_cancel(skb, nlh);
		return NULL;
	}
	return nlh;
}

void rvnet_nlmsg_end(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	nlmsg_end(skb, nlh);
}

void rvnet_nlmsg_cancel(struct sk_buff *skb, struct nlmsghdr *nlh)
{
	nlmsg_cancel(skb, nlh);
}

struct sk_buff *rvnet_nlmsg_new_default(void)
{
	return nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
}

void rvnet_rtnl_notify_link(struct sk_buff *skb, struct net_device *dev)
{
	rtnl_notify(skb, dev_net(dev), 0, RTNLGRP_LINK, NULL, GFP_ATOMIC);
}

void rvnet_kfree_msg(struct sk_buff *skb)
{
	kfree_skb(skb);
}

u64 rvnet_jiffies64(void)
{
	return get_jiffies_64();
}

struct net_device *rvnet_master_upper(struct net_device *dev)
{
	return netdev_master_upper_dev_get(dev);
}

/* As net/bridge's __br_forward() and br_dev_queue_push_xmit(): a received
 * frame (data after its Ethernet header, push_eth) or a transmitted one
 * (data at it) leaves by @to.
 */
void rvnet_skb_forward(struct sk_buff *skb, struct net_device *to, bool push_eth)
{
	skb->dev = to;
	if (push_eth) {
		skb_forward_csum(skb);
		skb_push(skb, ETH_HLEN);
	}
	if (!is_skb_forwardable(to, skb)) {
		kfree_skb(skb);
		return;
	}
	skb_clear_tstamp(skb);
	dev_queue_xmit(skb);
}

void rvnet_skb_set_pkt_type(struct sk_buff *skb, u8 type)
{
	skb->pkt_type = type;
}

void rvnet_netdev_use_tstats(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}

void rvnet_dev_sw_netstats_rx_add(struct net_device *dev, u32 len)
{
	dev_sw_netstats_rx_add(dev, len);
}

void rvnet_dev_sw_netstats_tx_add(struct net_device *dev, u32 len)
{
	dev_sw_netstats_tx_add(dev, 1, len);
}

void rvnet_dev_get_tstats64(struct net_device *dev, struct rtnl_link_stats64 *stats)
{
	dev_get_tstats64(dev, stats);
}

u32 rvnet_hz(void)
{
	return HZ;
}

bool rvnet_netif_oper_up(const struct net_device *dev)
{
	return netif_oper_up(dev);
}

/* As net/bridge's br_dev_setup(). */
void rvnet_netdev_set_bridge_features(struct net_device *dev)
{
	netdev_features_t common = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
				   NETIF_F_GSO_MASK | NETIF_F_HW_CSUM;

	dev->features = common | NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
	dev->hw_features = common | NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX;
	dev->vlan_features = common;
}

/* What an ndo_bridge_setlink request carries, as net/bridge's br_setlink()
 * reads it: *what is 0 without IFLA_PROTINFO, 1 for a nested one parsed
 * into @tb, 2 for a bare port state (old RSTP daemons) in *state;
 * *afspec_other tells whether IFLA_AF_SPEC holds more than the flags and
 * mode rtnetlink itself uses (VLAN, MRP, CFM, MST information).
 */
int rvnet_bridge_setlink_parse(struct nlmsghdr *nlh, struct nlattr **tb, int maxtype,
			       const struct nla_policy *policy, int *what, u8 *state,
			       bool *afspec, bool *afspec_other)
{
	struct nlattr *protinfo = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_PROTINFO);
	struct nlattr *spec = nlmsg_find_attr(nlh, sizeof(struct ifinfomsg), IFLA_AF_SPEC);
	struct nlattr *attr;
	int rem;

	*what = 0;
	*afspec = spec;
	*afspec_other = false;
	if (spec)
		nla_for_each_nested(attr, spec, rem)
			if (nla_type(attr) != IFLA_BRIDGE_FLAGS && nla_type(attr) != IFLA_BRIDGE_MODE)
				*afspec_other = true;
	if (!protinfo)
		return 0;
	if (protinfo->nla_type & NLA_F_NESTED) {
		*what = 1;
		return nla_parse_nested_deprecated(tb, maxtype, protinfo, policy, NULL);
	}
	if (nla_len(protinfo) < sizeof(u8))
		return -EINVAL;
	*what = 2;
	*state = nla_get_u8(protinfo);
	return 0;
}

/* macvlan.c's feature sets: what a macvlan may take from its lower, and
 * what it always has. */
#define RVNET_MACVLAN_ALWAYS_ON \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE | \
	 NETIF_F_GSO_ROBUST | NETIF_F_GSO_ENCAP_ALL)
#define RVNET_MACVLAN_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_TSO | NETIF_F_LRO | \
	 NETIF_F_TSO_ECN | NETIF_F_TSO6 | NETIF_F_GRO | NETIF_F_RXCSUM | \
	 NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_FILTER)
/* The link state bits an upper of a shared lower takes from it. */
#define RVNET_UPPER_STATE_MASK \
	((1 << __LINK_STATE_NOCARRIER) | (1 << __LINK_STATE_DORMANT))

/* What macvlan_init() and ipvlan_init() share: link state, features (those
 * of `allowed` the lower has, plus `always_on`; `vlan_always_on` for the
 * VLAN features) and header layout from the lower. */
static void rvnet_upper_init_features(struct net_device *dev, struct net_device *lower,
				      netdev_features_t allowed,
				      netdev_features_t always_on,
				      netdev_features_t vlan_always_on)
{
	dev->state = (dev->state & ~RVNET_UPPER_STATE_MASK) |
		     (lower->state & RVNET_UPPER_STATE_MASK);
	dev->features = (lower->features & allowed) | always_on;
	dev->vlan_features = (lower->vlan_features & allowed) | vlan_always_on;
	dev->hw_enc_features |= dev->features;
	dev->lltx = true;
	netif_inherit_tso_max(dev, lower);
	dev->hard_header_len = lower->hard_header_len;
	dev->needed_headroom = lower->needed_headroom;
	dev->needed_tailroom = lower->needed_tailroom;
}

/* The device half of macvlan_init(). */
void rvnet_macvlan_init_features(struct net_device *dev, struct net_device *lower)
{
	dev->hw_features |= NETIF_F_LRO;
	rvnet_upper_init_features(dev, lower, RVNET_MACVLAN_FEATURES,
				  RVNET_MACVLAN_ALWAYS_ON, RVNET_MACVLAN_ALWAYS_ON);
}

/* macvlan_fix_features(), with set_features = MACVLAN_FEATURES. */
netdev_features_t rvnet_macvlan_fix_features(struct net_device *dev,
					     struct net_device *lower,
					     netdev_features_t features)
{
	netdev_features_t lower_features = lower->features;
	netdev_features_t mask;

	features |= NETIF_F_ALL_FOR_ALL;
	mask = features;
	lower_features &= (features | ~NETIF_F_LRO);
	features = netdev_increment_features(lower_features, features, mask);
	features |= RVNET_MACVLAN_ALWAYS_ON;
	features &= (RVNET_MACVLAN_ALWAYS_ON | RVNET_MACVLAN_FEATURES);
	return features;
}

/* macvlan_device_event(NETDEV_FEAT_CHANGE) for one macvlan. */
void rvnet_macvlan_inherit_lower_layout(struct net_device *dev, struct net_device *lower)
{
	netif_inherit_tso_max(dev, lower);
	dev->needed_headroom = lower->needed_headroom;
	dev->needed_tailroom = lower->needed_tailroom;
}

void rvnet_netdev_set_change_proto_down(struct net_device *dev)
{
	dev->change_proto_down = true;
}

/* Calls f on each multicast address of dev (netdev_for_each_mc_addr). */
void rvnet_dev_mc_walk(struct net_device *dev, rvnet_mc_addr_fn f, void *ctx)
{
	struct netdev_hw_addr *ha;

	netdev_for_each_mc_addr(ha, dev)
		f(ctx, ha->addr, ha->synced);
}

bool rvnet_capable_net_admin(void)
{
	return capable(CAP_NET_ADMIN);
}

bool rvnet_dev_link_net_capable(const struct net_device *dev, struct net *net)
{
	return rtnl_dev_link_net_capable(dev, net);
}

struct sk_buff *rvnet_ip_check_defrag_macvlan(struct sk_buff *skb)
{
	return ip_check_defrag(dev_net(skb->dev), skb, IP_DEFRAG_MACVLAN);
}

bool rvnet_netif_rx(struct sk_buff *skb)
{
	return netif_rx(skb) == NET_RX_SUCCESS;
}

/* macvlan_broadcast_one() for a local sender, then netif_rx(). */
bool rvnet_dev_forward_skb_rx(struct net_device *dev, struct sk_buff *skb)
{
	return (__dev_forward_skb(dev, skb) ?: netif_rx(skb)) == NET_RX_SUCCESS;
}

void rvnet_dev_forward_skb(struct net_device *dev, struct sk_buff *skb)
{
	dev_forward_skb(dev, skb);
}

void rvnet_dev_core_stats_rx_dropped_inc(struct net_device *dev)
{
	dev_core_stats_rx_dropped_inc(dev);
}

void rvnet_vlan_stats_rx_error(struct vlan_pcpu_stats __percpu *stats)
{
	this_cpu_inc(stats->rx_errors);
}

/* rvnet_rx_handler_data() for readers in an RCU read-side section. */
void *rvnet_rx_handler_data_if_rcu(const struct net_device *dev, rx_handler_func_t *handler)
{
	return rcu_dereference(dev->rx_handler) == handler ?
		       rcu_dereference(dev->rx_handler_data) : NULL;
}

/*
 * Frames queued for a work item (macvlan's broadcast queue): clones with
 * a held source device in skb->cb, processed in process context.
 */
void rvnet_frame_queue_init(struct rvnet_frame_queue *q, work_func_t fn)
{
	skb_queue_head_init(&q->queue);
	INIT_WORK(&q->work, fn);
	q->owner = NULL;
}

struct rvnet_frame_queue *rvnet_frame_queue_of(struct work_struct *work)
{
	return container_of(work, struct rvnet_frame_queue, work);
}

/* macvlan_broadcast_enqueue(). */
void rvnet_frame_queue_add(struct rvnet_frame_queue *q, struct sk_buff *skb, u32 limit,
			   struct net_device *src)
{
	struct sk_buff *nskb;
	int err = -ENOMEM;

	if (skb_queue_len_lockless(&q->queue) >= limit)
		goto err;
	nskb = skb_clone(skb, GFP_ATOMIC);
	if (!nskb)
		goto err;
	*(struct net_device **)nskb->cb = src;
	spin_lock(&q->queue.lock);
	if (skb_queue_len(&q->queue) < limit) {
		if (src)
			dev_hold(src);
		__skb_queue_tail(&q->queue, nskb);
		err = 0;
	}
	spin_unlock(&q->queue.lock);
	queue_work(system_dfl_wq, &q->work);
	if (err)
		goto free_nskb;
	return;
free_nskb:
	kfree_skb_reason(nskb, SKB_DROP_REASON_MACVLAN_BROADCAST_BACKLOG);
err:
	dev_core_stats_rx_dropped_inc(skb->dev);
}

/* The next queued frame, with its source device (held; see put_src). */
struct sk_buff *rvnet_frame_queue_next(struct rvnet_frame_queue *q, struct net_device **src)
{
	struct sk_buff *skb = skb_dequeue(&q->queue);

	if (skb)
		*src = *(struct net_device **)skb->cb;
	return skb;
}

void rvnet_frame_queue_put_src(struct net_device *src)
{
	if (src)
		dev_put(src);
}

/* Stops the work item and frees what is left. */
void rvnet_frame_queue_stop(struct rvnet_frame_queue *q)
{
	struct net_device *src;
	struct sk_buff *skb;

	cancel_work_sync(&q->work);
	while ((skb = rvnet_frame_queue_next(q, &src))) {
		rvnet_frame_queue_put_src(src);
		kfree_skb(skb);
	}
}

void rvnet_consume_skb(struct sk_buff *skb)
{
	consume_skb(skb);
}

void rvnet_cond_resched(void)
{
	cond_resched();
}

/*
 * ipvlan (drivers/net/ipvlan/): feature sets, layer-3 transmit, address
 * notifiers and the keys of its address table.
 */
MODULE_IMPORT_NS("NETDEV_INTERNAL");

#define RVNET_IPVLAN_ALWAYS_ON_OFLOADS \
	(NETIF_F_SG | NETIF_F_HW_CSUM | \
	 NETIF_F_GSO_ROBUST | NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)
#define RVNET_IPVLAN_ALWAYS_ON \
	(RVNET_IPVLAN_ALWAYS_ON_OFLOADS | NETIF_F_VLAN_CHALLENGED)
#define RVNET_IPVLAN_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_ALL_TSO | NETIF_F_GSO_ROBUST | \
	 NETIF_F_GRO | NETIF_F_RXCSUM | \
	 NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_FILTER)
/* The device half of ipvlan_init(). */
void rvnet_ipvlan_init_features(struct net_device *dev, struct net_device *lower)
{
	rvnet_upper_init_features(dev, lower, RVNET_IPVLAN_FEATURES,
				  RVNET_IPVLAN_ALWAYS_ON, RVNET_IPVLAN_ALWAYS_ON_OFLOADS);
}

/* ipvlan_fix_features(), with sfeatures = IPVLAN_FEATURES. */
netdev_features_t rvnet_ipvlan_fix_features(struct net_device *lower,
					    netdev_features_t features)
{
	features |= NETIF_F_ALL_FOR_ALL;
	features = netdev_increment_features(lower->features, features, features);
	features |= RVNET_IPVLAN_ALWAYS_ON;
	features &= (RVNET_IPVLAN_FEATURES | RVNET_IPVLAN_ALWAYS_ON);
	return features;
}

/* skb_scrub_packet(): what must not cross into another device's stack. */
void rvnet_skb_scrub(struct sk_buff *skb, bool xnet)
{
	skb_scrub_packet(skb, xnet);
}

/* ipvlan_process_v4_outbound() and ipvlan_process_v6_outbound(): routes
 * the packet (from its network header on) in skb->dev's namespace and
 * sends it; NET_XMIT_* (or a negative errno from IPv6 routing). */
static int rvnet_route_out_v4(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct net *net = dev_net(dev);
	int err, ret = NET_XMIT_DROP;
	const struct iphdr *ip4h;
	struct rtable *rt;
	struct flowi4 fl4 = {
		.flowi4_oif = dev->ifindex,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.flowi4_mark = skb->mark,
	};

	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		goto err;
	ip4h = ip_hdr(skb);
	fl4.daddr = ip4h->daddr;
	fl4.saddr = ip4h->saddr;
	fl4.flowi4_dscp = ip4h_dscp(ip4h);
	rt = ip_route_output_flow(net, &fl4, NULL);
	if (IS_ERR(rt))
		goto err;
	if (rt->rt_type != RTN_UNICAST && rt->rt_type != RTN_LOCAL) {
		ip_rt_put(rt);
		goto err;
	}
	skb_dst_set(skb, &rt->dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	err = ip_local_out(net, NULL, skb);
	if (unlikely(net_xmit_eval(err)))
		DEV_STATS_INC(dev, tx_errors);
	else
		ret = NET_XMIT_SUCCESS;
	return ret;
err:
	DEV_STATS_INC(dev, tx_errors);
	kfree_skb(skb);
	return ret;
}

static int rvnet_route_out_v6(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	const struct ipv6hdr *ip6h;
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	ip6h = ipv6_hdr(skb);
	fl6 = (struct flowi6) {
		.flowi6_oif = dev->ifindex,
		.daddr = ip6h->daddr,
		.saddr = ip6h->saddr,
		.flowi6_flags = FLOWI_FLAG_ANYSRC,
		.flowlabel = ip6_flowinfo(ip6h),
		.flowi6_mark = skb->mark,
		.flowi6_proto = ip6h->nexthdr,
	};
	dst = ip6_route_output(dev_net(dev), NULL, &fl6);
	err = dst->error;
	if (err) {
		dst_release(dst);
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return err;
	}
	skb_dst_set(skb, dst);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	err = ip6_local_out(dev_net(dev), NULL, skb);
	if (unlikely(net_xmit_eval(err))) {
		DEV_STATS_INC(dev, tx_errors);
		return NET_XMIT_DROP;
	}
	return NET_XMIT_SUCCESS;
}

/* ipvlan_skb_crossing_ns(skb, via) then ipvlan_process_outbound() for a
 * unicast IPv4 or IPv6 frame: the Ethernet header goes, the packet is
 * routed in via's namespace. */
int rvnet_skb_route_out(struct sk_buff *skb, struct net_device *via)
{
	skb_scrub_packet(skb, !net_eq(dev_net(skb->dev), dev_net(via)));
	skb->dev = via;
	if (skb_mac_header_was_set(skb)) {
		skb_pull(skb, sizeof(struct ethhdr));
		skb->mac_header = (typeof(skb->mac_header))~0U;
		skb_reset_network_header(skb);
	}
	if (skb->protocol == htons(ETH_P_IPV6))
		return rvnet_route_out_v6(skb);
	if (skb->protocol == htons(ETH_P_IP))
		return rvnet_route_out_v4(skb);
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

/* The 64-bit table key of an IPv6 address: keyed SipHash, so that no one
 * can choose colliding addresses. */
static siphash_key_t rvnet_addr6_secret;

u64 rvnet_addr6_key(const u8 *addr)
{
	net_get_random_once(&rvnet_addr6_secret, sizeof(rvnet_addr6_secret));
	return siphash_2u64(get_unaligned((const u64 *)addr),
			    get_unaligned((const u64 *)(addr + 8)),
			    &rvnet_addr6_secret);
}


/* The four address notifier chains: IPv4 and IPv6 addresses (up, down)
 * and their validators. */
int rvnet_inetaddr_notifier_register(enum rvnet_inetaddr_chain chain,
				     struct notifier_block *nb)
{
	switch (chain) {
	case RVNET_INETADDR:
		return register_inetaddr_notifier(nb);
	case RVNET_INETADDR_VALIDATOR:
		return register_inetaddr_validator_notifier(nb);
	case RVNET_INET6ADDR:
		return register_inet6addr_notifier(nb);
	case RVNET_INET6ADDR_VALIDATOR:
		return register_inet6addr_validator_notifier(nb);
	}
	return -EINVAL;
}

void rvnet_inetaddr_notifier_unregister(enum rvnet_inetaddr_chain chain,
					struct notifier_block *nb)
{
	switch (chain) {
	case RVNET_INETADDR:
		unregister_inetaddr_notifier(nb);
		break;
	case RVNET_INETADDR_VALIDATOR:
		unregister_inetaddr_validator_notifier(nb);
		break;
	case RVNET_INET6ADDR:
		unregister_inet6addr_notifier(nb);
		break;
	case RVNET_INET6ADDR_VALIDATOR:
		unregister_inet6addr_validator_notifier(nb);
		break;
	}
}

/* What a chain's notification is about: the device, the address (4 or 16
 * bytes into addr) and, for validators, the request's extack. */
struct net_device *rvnet_inetaddr_info(enum rvnet_inetaddr_chain chain, void *ptr, u8 *addr,
				       struct netlink_ext_ack **extack)
{
	*extack = NULL;
	switch (chain) {
	case RVNET_INETADDR: {
		struct in_ifaddr *ifa = ptr;

		memcpy(addr, &ifa->ifa_address, 4);
		return ifa->ifa_dev->dev;
	}
	case RVNET_INETADDR_VALIDATOR: {
		struct in_validator_info *ivi = ptr;

		memcpy(addr, &ivi->ivi_addr, 4);
		*extack = ivi->extack;
		return ivi->ivi_dev->dev;
	}
	case RVNET_INET6ADDR: {
		struct inet6_ifaddr *ifa = ptr;

		memcpy(addr, &ifa->addr, 16);
		return ifa->idev->dev;
	}
	case RVNET_INET6ADDR_VALIDATOR: {
		struct in6_validator_info *i6vi = ptr;

		memcpy(addr, &i6vi->i6vi_addr, 16);
		*extack = i6vi->extack;
		return i6vi->i6vi_dev->dev;
	}
	}
	return NULL;
}

/* The new address of a NETDEV_PRE_CHANGEADDR notification. */
const u8 *rvnet_pre_changeaddr_addr(void *info)
{
	return ((struct netdev_notifier_pre_changeaddr_info *)info)->dev_addr;
}

int rvnet_pre_changeaddr_notify(struct net_device *dev, const u8 *addr,
				struct netlink_ext_ack *extack)
{
	return netif_pre_changeaddr_notify(dev, addr, extack);
}

bool rvnet_net_capable(struct net *net)
{
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

void rvnet_netdev_err(struct net_device *dev, const char *msg)
{
	netdev_err(dev, "%s\n", msg);
}

void rvnet_netdev_set_dev_id(struct net_device *dev, u16 id)
{
	dev->dev_id = id;
}

u16 rvnet_netdev_dev_id(const struct net_device *dev)
{
	return dev->dev_id;
}

void rvnet_skb_reset_mac_header(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
}

/*
 * ipvlan's l3s (ipvlan_l3s.c): the l3mdev receive hook on a lower and a
 * NF_INET_LOCAL_IN hook per namespace steer a received packet to the
 * device that owns its destination, which the module's steer function
 * (set once, at load) names.
 */
static rvnet_l3s_steer_fn rvnet_l3s_steer;

void rvnet_l3s_set_steer(rvnet_l3s_steer_fn steer)
{
	WRITE_ONCE(rvnet_l3s_steer, steer);
}

/* ipvlan_l3_rcv(): the route of a packet for a slave is looked up as if
 * the slave had received it. */
static struct sk_buff *rvnet_l3s_rcv(struct net_device *dev, struct sk_buff *skb, u16 proto)
{
	rvnet_l3s_steer_fn steer = READ_ONCE(rvnet_l3s_steer);
	struct net_device *sdev;

	sdev = steer ? steer(dev, skb, false) : NULL;
	if (!sdev)
		return skb;
	switch (proto) {
	case AF_INET: {
		const struct iphdr *ip4h = ip_hdr(skb);

		ip_route_input_noref(skb, ip4h->daddr, ip4h->saddr, ip4h_dscp(ip4h), sdev);
		break;
	}
	case AF_INET6: {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct flowi6 fl6 = {
			.flowi6_iif = sdev->ifindex,
			.daddr = ip6h->daddr,
			.saddr = ip6h->saddr,
			.flowlabel = ip6_flowinfo(ip6h),
			.flowi6_mark = skb->mark,
			.flowi6_proto = ip6h->nexthdr,
		};
		struct dst_entry *dst;

		skb_dst_drop(skb);
		dst = ip6_route_input_lookup(dev_net(sdev), sdev, &fl6, skb,
					     RT6_LOOKUP_F_HAS_SADDR);
		skb_dst_set(skb, dst);
		break;
	}
	}
	return skb;
}

static const struct l3mdev_ops rvnet_l3s_ops = {
	.l3mdev_l3_rcv = rvnet_l3s_rcv,
};

/* ipvlan_nf_input(): the packet is the owner's from here on (the steer
 * function counts it). */
static unsigned int rvnet_l3s_nf_input(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	rvnet_l3s_steer_fn steer = READ_ONCE(rvnet_l3s_steer);
	struct net_device *sdev;

	sdev = steer ? steer(skb->dev, skb, true) : NULL;
	if (!sdev)
		return NF_ACCEPT;
	skb->dev = sdev;
	skb->skb_iif = sdev->ifindex;
	if (skb->protocol == htons(ETH_P_IPV6))
		IP6CB(skb)->iif = sdev->ifindex;
	return NF_ACCEPT;
}

static const struct nf_hook_ops rvnet_l3s_nfops[] = {
	{
		.hook = rvnet_l3s_nf_input,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
	{
		.hook = rvnet_l3s_nf_input,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
};

int rvnet_l3s_register_hooks(struct net *net)
{
	return nf_register_net_hooks(net, rvnet_l3s_nfops, ARRAY_SIZE(rvnet_l3s_nfops));
}

void rvnet_l3s_unregister_hooks(struct net *net)
{
	nf_unregister_net_hooks(net, rvnet_l3s_nfops, ARRAY_SIZE(rvnet_l3s_nfops));
}

/* ipvlan_l3s_register() / _unregister() for the lower's part. */
void rvnet_l3s_attach(struct net_device *lower, bool on)
{
	if (on) {
		lower->l3mdev_ops = &rvnet_l3s_ops;
		lower->priv_flags |= IFF_L3MDEV_RX_HANDLER;
	} else {
		lower->priv_flags &= ~IFF_L3MDEV_RX_HANDLER;
	}
}

/* IPv4 tunnels: the built-in primitives (ip_tunnel_core.c, route, ICMP,
 * tunnel4) rvnet_tunnel uses; ip_tunnel.ko's functions are not called. */
#include <net/ip_tunnels.h>
#include <net/dst_metadata.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/erspan.h>
#include <net/inet_ecn.h>
#include <net/icmp.h>
#include <net/xfrm.h>
#include <net/ip6_route.h>
#include <net/addrconf.h>
#include <linux/icmpv6.h>
#include <net/gre.h>

struct rvnet_tunnel_cells {
	struct dst_cache dst_cache;
	struct gro_cells gro_cells;
};

struct rvnet_tunnel_cells *rvnet_tunnel_cells_new(struct net_device *dev)
{
	struct rvnet_tunnel_cells *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	if (dst_cache_init(&c->dst_cache, GFP_KERNEL))
		goto free;
	if (gro_cells_init(&c->gro_cells, dev)) {
		dst_cache_destroy(&c->dst_cache);
		goto free;
	}
	return c;
free:
	kfree(c);
	return NULL;
}

void rvnet_tunnel_cells_free(struct rvnet_tunnel_cells *c)
{
	gro_cells_destroy(&c->gro_cells);
	dst_cache_destroy(&c->dst_cache);
	kfree(c);
}

struct rtable *rvnet_tunnel_cache_get(struct rvnet_tunnel_cells *c, __be32 *saddr)
{
	return dst_cache_get_ip4(&c->dst_cache, saddr);
}

void rvnet_tunnel_cache_set(struct rvnet_tunnel_cells *c, struct rtable *rt, __be32 saddr)
{
	dst_cache_set_ip4(&c->dst_cache, &rt->dst, saddr);
}

void rvnet_tunnel_cache_reset(struct rvnet_tunnel_cells *c)
{
	dst_cache_reset(&c->dst_cache);
}

int rvnet_tunnel_siocdevprivate(struct net_device *dev, struct ifreq *ifr,
				void __user *data, int cmd)
{
	struct ip_tunnel_parm_kern kp = {};
	struct ip_tunnel_parm p;
	int err;

	if (copy_from_user(&p, data, sizeof(p)))
		return -EFAULT;
	strscpy(kp.name, p.name);
	kp.link = p.link;
	ip_tunnel_flags_from_be16(kp.i_flags, p.i_flags);
	ip_tunnel_flags_from_be16(kp.o_flags, p.o_flags);
	kp.i_key = p.i_key;
	kp.o_key = p.o_key;
	memcpy(&kp.iph, &p.iph, min(sizeof(kp.iph), sizeof(p.iph)));
	err = dev->netdev_ops->ndo_tunnel_ctl(dev, &kp, cmd);
	if (err)
		return err;
	if (!ip_tunnel_flags_is_be16_compat(kp.i_flags) ||
	    !ip_tunnel_flags_is_be16_compat(kp.o_flags))
		return -EFAULT;
	memset(&p, 0, sizeof(p));
	strscpy(p.name, kp.name);
	p.link = kp.link;
	p.i_flags = ip_tunnel_flags_to_be16(kp.i_flags);
	p.o_flags = ip_tunnel_flags_to_be16(kp.o_flags);
	p.i_key = kp.i_key;
	p.o_key = kp.o_key;
	memcpy(&p.iph, &kp.iph, min(sizeof(p.iph), sizeof(kp.iph)));
	return copy_to_user(data, &p, sizeof(p)) ? -EFAULT : 0;
}

bool rvnet_tunnel_parm_from_kern(const struct ip_tunnel_parm_kern *kp,
				 struct rvnet_tunnel_parm *p)
{
	if (!ip_tunnel_flags_is_be16_compat(kp->i_flags) ||
	    !ip_tunnel_flags_is_be16_compat(kp->o_flags))
		return false;
	memcpy(p->name, kp->name, IFNAMSIZ);
	p->link = kp->link;
	p->i_flags = ip_tunnel_flags_to_be16(kp->i_flags);
	p->o_flags = ip_tunnel_flags_to_be16(kp->o_flags);
	p->i_key = kp->i_key;
	p->o_key = kp->o_key;
	p->version = kp->iph.version;
	p->ihl = kp->iph.ihl;
	p->tos = kp->iph.tos;
	p->ttl = kp->iph.ttl;
	p->protocol = kp->iph.protocol;
	p->frag_off = kp->iph.frag_off;
	p->saddr = kp->iph.saddr;
	p->daddr = kp->iph.daddr;
	return true;
}

void rvnet_tunnel_parm_to_kern(const struct rvnet_tunnel_parm *p,
			       struct ip_tunnel_parm_kern *kp)
{
	memset(kp, 0, sizeof(*kp));
	memcpy(kp->name, p->name, IFNAMSIZ);
	kp->link = p->link;
	ip_tunnel_flags_from_be16(kp->i_flags, p->i_flags);
	ip_tunnel_flags_from_be16(kp->o_flags, p->o_flags);
	kp->i_key = p->i_key;
	kp->o_key = p->o_key;
	kp->iph.version = p->version;
	kp->iph.ihl = p->ihl;
	kp->iph.tos = p->tos;
	kp->iph.ttl = p->ttl;
	kp->iph.protocol = p->protocol;
	kp->iph.frag_off = p->frag_off;
	kp->iph.saddr = p->saddr;
	kp->iph.daddr = p->daddr;
}

bool rvnet_net_has_fallback_tunnels(const struct net *net)
{
	return net_has_fallback_tunnels(net);
}

bool rvnet_dev_valid_name(const char *name)
{
	return dev_valid_name(name);
}

bool rvnet_tunnel_xmit_prepare(struct sk_buff *skb, u8 ipproto, int gso_type)
{
	if (!pskb_inet_may_pull(skb))
		return false;
	if (iptunnel_handle_offloads(skb, gso_type))
		return false;
	skb_set_inner_ipproto(skb, ipproto);
	memset(&(IPCB(skb)->opt), 0, sizeof(IPCB(skb)->opt));
	return true;
}

void rvnet_tunnel_inner(struct sk_buff *skb, struct net_device *dev,
			struct rvnet_tunnel_inner *in)
{
	const struct iphdr *iph = (const struct iphdr *)skb_inner_network_header(skb);
	__be16 proto = skb_protocol(skb, true);

	memset(in, 0, sizeof(*in));
	in->protocol = ntohs(proto);
	if (proto == htons(ETH_P_IP)) {
		in->tos = iph->tos;
		in->ttl = iph->ttl;
		in->df = !!(iph->frag_off & htons(IP_DF));
		in->daddr = iph->daddr;
	} else if (proto == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = (const struct ipv6hdr *)iph;

		in->tos = ipv6_get_dsfield(ip6h);
		in->ttl = ip6h->hop_limit;
	}
	in->has_dst = !!skb_dst(skb);
	in->gso = skb_is_gso(skb);
	in->len = skb->len;
	in->mtu = skb_valid_dst(skb) ? dst_mtu(skb_dst(skb)) : dev->mtu;
	in->hash = skb_get_hash(skb);
}

__be32 rvnet_tunnel_nexthop(struct sk_buff *skb, __be32 daddr)
{
	return rt_nexthop(skb_rtable(skb), daddr);
}

int rvnet_tunnel_nexthop6(struct sk_buff *skb, __be32 *daddr)
{
	const struct in6_addr *addr6;
	struct neighbour *neigh;
	int addr_type, ret = 0;

	neigh = dst_neigh_lookup(skb_dst(skb), &ipv6_hdr(skb)->daddr);
	if (!neigh)
		return -1;
	addr6 = (const struct in6_addr *)&neigh->primary_key;
	addr_type = ipv6_addr_type(addr6);
	if (addr_type == IPV6_ADDR_ANY) {
		addr6 = &ipv6_hdr(skb)->daddr;
		addr_type = ipv6_addr_type(addr6);
	}
	if ((addr_type & IPV6_ADDR_COMPATv4) == 0)
		ret = 1;
	else
		*daddr = addr6->s6_addr32[3];
	neigh_release(neigh);
	return ret;
}

struct rtable *rvnet_tunnel_route(struct net *net, int proto, __be32 daddr, __be32 *saddr,
				  __be32 key, u8 tos, int oif, u32 mark, u32 hash)
{
	struct flowi4 fl4;
	struct rtable *rt;

	ip_tunnel_init_flow(&fl4, proto, daddr, *saddr, key, tos, net, oif, mark, hash, 0);
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	*saddr = fl4.saddr;
	return rt;
}

struct net_device *rvnet_rt_dev(struct rtable *rt)
{
	return rt->dst.dev;
}

u32 rvnet_rt_mtu(struct rtable *rt)
{
	return dst_mtu(&rt->dst);
}

u8 rvnet_rt_hoplimit(struct rtable *rt)
{
	return ip4_dst_hoplimit(&rt->dst);
}

u32 rvnet_rt_headroom(struct rtable *rt)
{
	return LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len;
}

void rvnet_rt_put(struct rtable *rt)
{
	ip_rt_put(rt);
}

void rvnet_tunnel_update_pmtu(struct sk_buff *skb, u32 mtu)
{
	if (skb_valid_dst(skb))
		skb_dst_update_pmtu_no_confirm(skb, mtu);
}

void rvnet_tunnel_update_pmtu6(struct sk_buff *skb, u32 mtu, bool unicast_dst)
{
	struct rt6_info *rt6 = skb_valid_dst(skb) ? dst_rt6_info(skb_dst(skb)) : NULL;

	if (rt6 && mtu < dst_mtu(skb_dst(skb)) && mtu >= IPV6_MIN_MTU &&
	    (unicast_dst || rt6->rt6i_dst.plen == 128)) {
		rt6->rt6i_flags |= RTF_MODIFIED;
		dst_metric_set(skb_dst(skb), RTAX_MTU, mtu);
	}
}

void rvnet_icmp_frag_needed(struct sk_buff *skb, u32 mtu)
{
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

void rvnet_icmpv6_too_big(struct sk_buff *skb, u32 mtu)
{
	icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
}

void rvnet_dst_link_failure(struct sk_buff *skb)
{
	dst_link_failure(skb);
}

bool rvnet_skb_cow_head(struct sk_buff *skb, u32 headroom)
{
	return skb_cow_head(skb, headroom) == 0;
}

void rvnet_netdev_set_needed_headroom(struct net_device *dev, u32 headroom)
{
	WRITE_ONCE(dev->needed_headroom, headroom);
}

u32 rvnet_netdev_needed_headroom(const struct net_device *dev)
{
	return READ_ONCE(dev->needed_headroom);
}

u32 rvnet_netdev_lower_headroom(const struct net_device *dev)
{
	return dev->hard_header_len + dev->needed_headroom;
}

void rvnet_iptunnel_xmit(struct rtable *rt, struct sk_buff *skb, __be32 src, __be32 dst,
			 u8 proto, u8 tos, u8 ttl, bool df, bool xnet)
{
	iptunnel_xmit(NULL, rt, skb, src, dst, proto, tos, ttl, df ? htons(IP_DF) : 0, xnet, 0);
}

void rvnet_dev_stats_inc(struct net_device *dev, enum rvnet_dev_stat which)
{
	switch (which) {
	case RVNET_TX_ERRORS: DEV_STATS_INC(dev, tx_errors); break;
	case RVNET_TX_DROPPED: DEV_STATS_INC(dev, tx_dropped); break;
	case RVNET_TX_CARRIER_ERRORS: DEV_STATS_INC(dev, tx_carrier_errors); break;
	case RVNET_TX_FIFO_ERRORS: DEV_STATS_INC(dev, tx_fifo_errors); break;
	case RVNET_COLLISIONS: DEV_STATS_INC(dev, collisions); break;
	case RVNET_RX_ERRORS: DEV_STATS_INC(dev, rx_errors); break;
	case RVNET_RX_FRAME_ERRORS: DEV_STATS_INC(dev, rx_frame_errors); break;
	case RVNET_RX_LENGTH_ERRORS: DEV_STATS_INC(dev, rx_length_errors); break;
	case RVNET_RX_CRC_ERRORS: DEV_STATS_INC(dev, rx_crc_errors); break;
	case RVNET_RX_FIFO_ERRORS: DEV_STATS_INC(dev, rx_fifo_errors); break;
	}
}

void rvnet_tunnel_outer(struct sk_buff *skb, struct rvnet_tunnel_outer *o, bool icmp)
{
	/* On receive the outer header is the network header; in an error
	 * handler skb->data is the offending (our own) header. */
	const struct iphdr *iph = icmp ? (const struct iphdr *)skb->data : ip_hdr(skb);

	o->saddr = iph->saddr;
	o->daddr = iph->daddr;
	o->tos = iph->tos;
	o->protocol = iph->protocol;
	if (icmp) {
		o->icmp_type = icmp_hdr(skb)->type;
		o->icmp_code = icmp_hdr(skb)->code;
		o->icmp_length = icmp_hdr(skb)->un.reserved[1];
	}
	o->ifindex = skb->dev->ifindex;
	o->sifindex = netif_is_l3_master(skb->dev) ? IPCB(skb)->iif : 0;
	o->net = dev_net(skb->dev);
}

/* With erspan_md_len, erspan_rcv()'s options: the version and the
 * header's erspan_md2 bytes as struct erspan_metadata, ERSPAN_OPT set. */
int rvnet_tunnel_pull(struct sk_buff *skb, u32 hdr_len, __be16 inner_proto, bool raw_proto,
		      bool collect_md, __be16 md_flags, __be32 md_key, int erspan_ver,
		      const u8 *erspan_md, u32 erspan_md_len, struct metadata_dst **md)
{
	IP_TUNNEL_DECLARE_FLAGS(flags) = { };
	struct erspan_metadata *em;
	struct ip_tunnel_info *info;

	*md = NULL;
	if (__iptunnel_pull_header(skb, hdr_len, inner_proto, raw_proto, false))
		return -EINVAL;
	skb_reset_mac_header(skb);
	if (collect_md) {
		gre_flags_to_tnl_flags(flags, md_flags);
		*md = ip_tun_rx_dst(skb, flags, key32_to_tunnel_id(md_key),
				    erspan_md_len ? sizeof(*em) : 0);
		if (!*md)
			return -ENOMEM;
		if (erspan_md_len) {
			info = &(*md)->u.tun_info;
			info->options_len = sizeof(*em);
			em = ip_tunnel_info_opts(info);
			em->version = erspan_ver;
			memcpy(&em->u.md2, erspan_md, min_t(u32, erspan_md_len, sizeof(em->u.md2)));
			__set_bit(IP_TUNNEL_ERSPAN_OPT_BIT, info->key.tun_flags);
		}
	}
	return 0;
}

/* __ipgre_rcv() for a device with ipgre_header_ops: the mac header at
 * the outer IPv4 header. */
void rvnet_skb_pop_mac_header(struct sk_buff *skb)
{
	skb_pop_mac_header(skb);
}

/* ipgre_xmit() with header_ops: the prebuilt outer header pulled off. */
bool rvnet_tunnel_pull_link_header(struct sk_buff *skb, u8 *buf, u32 len)
{
	if (skb_cow_head(skb, 0) || !pskb_may_pull(skb, len))
		return false;
	memcpy(buf, skb->data, len);
	skb_pull(skb, len);
	skb_reset_mac_header(skb);
	return !(skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_start(skb) < skb->data);
}

void rvnet_netdev_set_hard_header_len(struct net_device *dev, u32 len)
{
	dev->hard_header_len = len;
}

bool rvnet_tunnel_pull_inner(struct sk_buff *skb, bool ether)
{
	skb_set_network_header(skb, ether ? ETH_HLEN : 0);
	return pskb_inet_may_pull(skb);
}

int rvnet_tunnel_inner_dsfield(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ip_hdr(skb)->tos;
	if (skb->protocol == htons(ETH_P_IPV6))
		return ipv6_get_dsfield(ipv6_hdr(skb));
	return -1;
}

void rvnet_tunnel_inner_ecn(struct sk_buff *skb, bool ce)
{
	if (ce)
		INET_ECN_set_ce(skb);
	else
		INET_ECN_set_ect1(skb);
}

void rvnet_tunnel_log_non_ect(__be32 saddr, u8 tos)
{
	net_info_ratelimited("non-ECT from %pI4 with TOS=%#x\n", &saddr, tos);
}

void rvnet_tunnel_deliver(struct sk_buff *skb, struct net_device *dev,
			  struct rvnet_tunnel_cells *c, struct metadata_dst *md, bool xnet)
{
	dev_sw_netstats_rx_add(dev, skb->len);
	skb_scrub_packet(skb, xnet);
	if (dev->type == ARPHRD_ETHER) {
		skb->protocol = eth_type_trans(skb, dev);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	} else {
		skb->dev = dev;
	}
	if (md)
		skb_dst_set(skb, (struct dst_entry *)md);
	gro_cells_receive(&c->gro_cells, skb);
}

void rvnet_tunnel_drop(struct sk_buff *skb, struct metadata_dst *md)
{
	if (md)
		dst_release((struct dst_entry *)md);
	kfree_skb(skb);
}

void rvnet_ipv4_update_pmtu(struct sk_buff *skb, struct net *net, u32 mtu, int oif, u8 proto)
{
	ipv4_update_pmtu(skb, net, mtu, oif, proto);
}

void rvnet_ipv4_redirect(struct sk_buff *skb, struct net *net, int oif, u8 proto)
{
	ipv4_redirect(skb, net, oif, proto);
}

void rvnet_netdev_set_tunnel_addrs(struct net_device *dev, __be32 local, __be32 remote)
{
	__dev_addr_set(dev, &local, 4);
	memcpy(dev->broadcast, &remote, 4);
}

void rvnet_netdev_state_change(struct net_device *dev)
{
	netdev_state_change(dev);
}

void rvnet_netdev_setup_ip_tunnel(struct net_device *dev, unsigned short type)
{
	dev->header_ops = &ip_tunnel_header_ops;
	dev->type = type;
	dev->flags = IFF_NOARP;
	dev->addr_len = 4;
	dev->lltx = true;
	netif_keep_dst(dev);
	dev->features |= NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
			 NETIF_F_GSO_SOFTWARE | NETIF_F_HW_CSUM;
	dev->hw_features |= NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
			    NETIF_F_GSO_SOFTWARE | NETIF_F_HW_CSUM;
}

#define RVNET_GRE_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | NETIF_F_HW_CSUM)

/* ipgre_tunnel_setup() and ipgre_tap_setup() with __gre_tunnel_init()'s
 * features (GSO: rvnet_netdev_set_gso_software()). */
void rvnet_netdev_setup_gre(struct net_device *dev, unsigned short type, bool ether)
{
	if (ether) {
		ether_setup(dev);
		dev->max_mtu = 0;
		dev->priv_flags &= ~IFF_TX_SKB_SHARING;
		dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	} else {
		dev->type = type;
		dev->flags = IFF_NOARP;
		dev->addr_len = 4;
	}
	dev->lltx = true;
	netif_keep_dst(dev);
	dev->features |= RVNET_GRE_FEATURES;
	dev->hw_features |= RVNET_GRE_FEATURES;
}

void rvnet_netdev_set_gso_software(struct net_device *dev, bool on)
{
	if (on) {
		dev->features |= NETIF_F_GSO_SOFTWARE;
		dev->hw_features |= NETIF_F_GSO_SOFTWARE;
	} else {
		dev->features &= ~NETIF_F_GSO_SOFTWARE;
		dev->hw_features &= ~NETIF_F_GSO_SOFTWARE;
	}
}

void rvnet_netdev_set_link_type(struct net_device *dev, unsigned short type)
{
	dev->type = type;
}

/* gre_build_header() from prebuilt bytes: the checksum word (when asked)
 * filled in or left to the offload, as there. */
void rvnet_gre_push(struct sk_buff *skb, const u8 *hdr, u32 len, __be16 proto, bool csum)
{
	u8 *greh;

	greh = skb_push(skb, len);
	skb_set_inner_protocol(skb, proto);
	skb_reset_transport_header(skb);
	memcpy(greh, hdr, len);
	if (csum && !(skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM))) {
		__sum16 *ptr = (__sum16 *)(greh + 4);

		if (skb->ip_summed == CHECKSUM_PARTIAL) {
			*ptr = csum_fold(lco_csum(skb));
		} else {
			skb->ip_summed = CHECKSUM_PARTIAL;
			skb->csum_start = skb_transport_header(skb) - skb->head;
			skb->csum_offset = sizeof(struct gre_base_hdr);
		}
	}
}

/* skb_tunnel_info() when it is IPv4 transmit metadata, as
 * ip_md_tunnel_xmit() and gre_fb_xmit() accept it. */
bool rvnet_tunnel_md_info(struct sk_buff *skb, struct rvnet_tunnel_md *md)
{
	struct ip_tunnel_info *info = skb_tunnel_info(skb);

	if (!info || !(info->mode & IP_TUNNEL_INFO_TX) || ip_tunnel_info_af(info) != AF_INET)
		return false;
	md->dst = info->key.u.ipv4.dst;
	md->src = info->key.u.ipv4.src;
	md->tun_id = info->key.tun_id;
	md->tos = info->key.tos;
	md->ttl = info->key.ttl;
	md->gre_flags = gre_tnl_flags_to_gre_flags(info->key.tun_flags);
	md->df = test_bit(IP_TUNNEL_DONT_FRAGMENT_BIT, info->key.tun_flags);
	md->encap_hlen = ip_encap_hlen(&info->encap);
	md->erspan = test_bit(IP_TUNNEL_ERSPAN_OPT_BIT, info->key.tun_flags) &&
		     info->options_len >= sizeof(struct erspan_metadata);
	if (md->erspan) {
		const struct erspan_metadata *em = ip_tunnel_info_opts(info);

		md->erspan_ver = em->version;
		md->erspan_index = ntohl(em->u.index);
		md->erspan_dir = em->u.md2.dir;
		md->erspan_hwid = get_hwid(&em->u.md2);
	}
	return true;
}

/* ip_md_tunnel_xmit()'s route: the flow from the skb's tunnel key
 * (ip_tunnel_init_flow() with oif 0, skb->mark and hash, the key's flow
 * flags), ip_tunnel_encap(), the key's route cache when
 * ip_tunnel_dst_cache_usable(). *err: 1 no metadata or encapsulation
 * failed, 2 no route. */
struct rtable *rvnet_tunnel_md_route(struct sk_buff *skb, struct net *net, u8 *proto, u8 tos,
				     __be32 *saddr, __be32 *daddr, int *err)
{
	struct ip_tunnel_info *info = skb_tunnel_info(skb);
	const struct ip_tunnel_key *key;
	struct rtable *rt = NULL;
	struct flowi4 fl4;
	bool use_cache;

	*err = 1;
	if (!info)
		return NULL;
	key = &info->key;
	ip_tunnel_init_flow(&fl4, *proto, key->u.ipv4.dst, key->u.ipv4.src,
			    tunnel_id_to_key32(key->tun_id), tos, net, 0, skb->mark,
			    skb_get_hash(skb), key->flow_flags);
	if (ip_tunnel_encap(skb, &info->encap, proto, &fl4) < 0)
		return NULL;
	use_cache = ip_tunnel_dst_cache_usable(skb, info);
	if (use_cache)
		rt = dst_cache_get_ip4(&info->dst_cache, &fl4.saddr);
	if (!rt) {
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt)) {
			*err = 2;
			return NULL;
		}
		if (use_cache)
			dst_cache_set_ip4(&info->dst_cache, &rt->dst, fl4.saddr);
	}
	*saddr = fl4.saddr;
	*daddr = fl4.daddr;
	*err = 0;
	return rt;
}

/* erspan_build_header()'s reads of the frame at skb->data (after
 * pskb_inet_may_pull()). */
void rvnet_erspan_frame(struct sk_buff *skb, struct rvnet_erspan_frame *out)
{
	__be16 be[2] = { 0, 0 };

	out->tos = ip_hdr(skb)->tos;
	if (skb->len >= 2 * ETH_ALEN + 2)
		skb_copy_bits(skb, 2 * ETH_ALEN, be, skb->len >= 2 * ETH_ALEN + 4 ? 4 : 2);
	out->eth_proto = ntohs(be[0]);
	out->tci = ntohs(be[1]);
	out->len = skb->len;
}

/* erspan_fb_xmit()'s further truncation test: an IPv4 or IPv6 packet
 * longer than what the frame holds of it. */
bool rvnet_erspan_inner_truncated(struct sk_buff *skb)
{
	int nhoff = skb_network_offset(skb);
	int thoff;

	if (skb->protocol == htons(ETH_P_IP) && ntohs(ip_hdr(skb)->tot_len) > skb->len - nhoff)
		return true;
	if (skb->protocol == htons(ETH_P_IPV6)) {
		if (skb_transport_header_was_set(skb))
			thoff = skb_transport_offset(skb);
		else
			thoff = nhoff + sizeof(struct ipv6hdr);
		if (ntohs(ipv6_hdr(skb)->payload_len) > skb->len - thoff)
			return true;
	}
	return false;
}

bool rvnet_skb_trim(struct sk_buff *skb, u32 len)
{
	return !pskb_trim(skb, len);
}

/* len bytes at skb->data + off, pulled into the linear part first. */
bool rvnet_skb_copy_front(struct sk_buff *skb, u32 off, u8 *buf, u32 len)
{
	if (!pskb_may_pull(skb, off + len))
		return false;
	memcpy(buf, skb->data + off, len);
	return true;
}

u64 rvnet_real_time_ns(void)
{
	return ktime_get_real_ns();
}

void rvnet_gre_rx_drop(struct sk_buff *skb)
{
	dev_core_stats_rx_dropped_inc(skb->dev);
	kfree_skb(skb);
}

void rvnet_gre_reject(struct sk_buff *skb)
{
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	rvnet_gre_rx_drop(skb);
}

/* Up to len bytes of what follows our quoted outer header in an ICMP
 * error (skb->data is that header); how many were there. */
u32 rvnet_tunnel_err_quote(struct sk_buff *skb, u8 *buf, u32 len)
{
	u32 off = ((const struct iphdr *)skb->data)->ihl * 4;

	if (skb->len <= off)
		return 0;
	len = min(len, skb->len - off);
	if (skb_copy_bits(skb, off, buf, len))
		return 0;
	return len;
}

/* sit: IPv6 in IPv4 (net/ipv6/sit.c's needs beyond the IPv4 tunnels'). */

void rvnet_netdev_set_isatap(struct net_device *dev)
{
	dev->priv_flags |= IFF_ISATAP;
}

void rvnet_tunnel_rx_ipv6_addrs(struct sk_buff *skb, u8 *saddr, u8 *daddr)
{
	/* tunnel64_rcv() pulled the inner header, which starts at data. */
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;

	memcpy(saddr, &ip6h->saddr, sizeof(ip6h->saddr));
	memcpy(daddr, &ip6h->daddr, sizeof(ip6h->daddr));
}

void rvnet_skb_set_ndisc_nodetype(struct sk_buff *skb, u8 nodetype)
{
#if IS_ENABLED(CONFIG_IPV6_NDISC_NODETYPE)
	skb->ndisc_nodetype = nodetype;
#endif
}

bool rvnet_ipv6_chk_prefix(const u8 *addr, struct net_device *dev)
{
	struct in6_addr a;

	memcpy(&a, addr, sizeof(a));
	return ipv6_chk_prefix(&a, dev);
}

bool rvnet_ipv6_chk_custom_prefix(const u8 *addr, unsigned int len, struct net_device *dev)
{
	struct in6_addr a;

	memcpy(&a, addr, sizeof(a));
	return ipv6_chk_custom_prefix(&a, len, dev);
}

void rvnet_tunnel_tx_ipv6_daddr(struct sk_buff *skb, u8 *daddr)
{
	memcpy(daddr, &ipv6_hdr(skb)->daddr, sizeof(struct in6_addr));
}

bool rvnet_tunnel_neigh6(struct sk_buff *skb, u8 *addr)
{
	struct neighbour *neigh;

	if (!skb_dst(skb))
		return false;
	neigh = dst_neigh_lookup(skb_dst(skb), &ipv6_hdr(skb)->daddr);
	if (!neigh)
		return false;
	memcpy(addr, neigh->primary_key, sizeof(struct in6_addr));
	neigh_release(neigh);
	return true;
}

void rvnet_sit_log_spoofed(bool source, __be32 saddr, const u8 *saddr6, __be32 daddr,
			   const u8 *daddr6)
{
	/* sit.ko's messages, its "sit: " prefix included. */
	if (source)
		net_warn_ratelimited("sit: Src spoofed %pI4/%pI6c -> %pI4/%pI6c\n",
				     &saddr, saddr6, &daddr, daddr6);
	else
		net_warn_ratelimited("sit: Dst spoofed %pI4/%pI6c -> %pI4/%pI6c\n",
				     &saddr, saddr6, &daddr, daddr6);
}

bool rvnet_rt_unicast_or_local(struct rtable *rt)
{
	return rt->rt_type == RTN_UNICAST || rt->rt_type == RTN_LOCAL;
}

bool rvnet_ip6_err_gen_icmpv6_unreach(struct sk_buff *skb, u8 type, u32 hdr_len, u32 data_len)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	return __in6_dev_get(skb->dev) &&
	       !ip6_err_gen_icmpv6_unreach(skb, iph->ihl * 4 + hdr_len, type, data_len);
}

/* Qdiscs and direct transmit (sch_teql). */

void *rvnet_qdisc_priv(struct Qdisc *sch)
{
	return &sch->privdata; /* qdisc_priv(), of net/pkt_sched.h */
}

struct net_device *rvnet_qdisc_dev(const struct Qdisc *sch)
{
	return qdisc_dev(sch);
}

u32 rvnet_qdisc_parent(const struct Qdisc *sch)
{
	return sch->parent;
}

int rvnet_qdisc_drop(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)
{
	return qdisc_drop(skb, sch, to_free);
}

void rvnet_qdisc_bstats_update(struct Qdisc *sch, const struct sk_buff *skb)
{
	qdisc_bstats_update(sch, skb);
}

void rvnet_qdisc_set_qlen(struct Qdisc *sch, u32 qlen)
{
	WRITE_ONCE(sch->q.qlen, qlen);
}

/* The qdisc on dev's first transmit queue (caller in RCU-BH): whether it is
 * attached to a device (noop_qdisc is not), and in *qlen its queue length. */
bool rvnet_dev_root_qdisc_backlog(struct net_device *dev, u32 *qlen)
{
	struct Qdisc *q = rcu_dereference_bh(netdev_get_tx_queue(dev, 0)->qdisc);

	*qlen = READ_ONCE(q->q.qlen);
	return qdisc_dev(q) != NULL;
}

/* Whether sch is dev's root qdisc (its first queue's qdisc_sleeping). */
bool rvnet_dev_root_qdisc_is(struct net_device *dev, const struct Qdisc *sch)
{
	return rcu_access_pointer(netdev_get_tx_queue(dev, 0)->qdisc_sleeping) == sch;
}

/* Whether dev's first queue has noop_qdisc (dev down or being deleted). */
bool rvnet_dev_root_qdisc_is_noop(struct net_device *dev)
{
	return rcu_access_pointer(netdev_get_tx_queue(dev, 0)->qdisc) == &noop_qdisc;
}

void rvnet_dev_reset_root_queue(struct net_device *dev)
{
	dev_reset_queue(dev, netdev_get_tx_queue(dev, 0), NULL);
}

void rvnet_skb_queue_init(struct sk_buff_head *q)
{
	skb_queue_head_init(q);
}

void rvnet_skb_queue_tail_unlocked(struct sk_buff_head *q, struct sk_buff *skb)
{
	__skb_queue_tail(q, skb);
}

struct sk_buff *rvnet_skb_dequeue_unlocked(struct sk_buff_head *q)
{
	return __skb_dequeue(q);
}

u32 rvnet_skb_queue_len(const struct sk_buff_head *q)
{
	return skb_queue_len_lockless(q);
}

void rvnet_skb_queue_purge(struct sk_buff_head *q)
{
	skb_queue_purge(q);
}

u32 rvnet_dev_tx_queue_len(const struct net_device *dev)
{
	return READ_ONCE(dev->tx_queue_len);
}

bool rvnet_netif_tx_stopped(struct net_device *dev, u16 queue)
{
	return netif_xmit_stopped(netdev_get_tx_queue(dev, queue));
}

void rvnet_netif_wake_queue(struct net_device *dev)
{
	netif_wake_queue(dev);
}

void rvnet_netif_stop_queue(struct net_device *dev)
{
	netif_stop_queue(dev);
}

void rvnet_netif_start_queue(struct net_device *dev)
{
	netif_start_queue(dev);
}

u16 rvnet_skb_queue_mapping(const struct sk_buff *skb)
{
	return skb_get_queue_mapping(skb);
}

u32 rvnet_qdisc_pkt_len(const struct sk_buff *skb)
{
	return qdisc_pkt_len(skb);
}

/* Hands skb to dev's driver on its first queue, bypassing dev's qdisc, if
 * the queue's lock is free and the queue runs (teql_master_xmit()). Returns
 * the driver's code, or NETDEV_TX_BUSY when it did not get there; skb->dev
 * is dev either way. */
int rvnet_dev_xmit_direct_trylock(struct sk_buff *skb, struct net_device *dev)
{
	struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
	int rc = NETDEV_TX_BUSY;

	if (!__netif_tx_trylock(txq))
		return NETDEV_TX_BUSY;
	skb->dev = dev;
	if (!netif_xmit_frozen_or_stopped(txq))
		rc = netdev_start_xmit(skb, dev, txq, false);
	__netif_tx_unlock(txq);
	return rc;
}

/* Builds dev's link-layer header on skb for the neighbour of skb's route,
 * as __teql_resolve(): 0 when built (or dev needs none), 1 when the
 * neighbour is being resolved and took skb_res (== skb), <0 on failure
 * (-EAGAIN: unresolved, skb_res NULL). */
int rvnet_neigh_resolve_header(struct sk_buff *skb, struct sk_buff *skb_res,
			       struct net_device *dev)
{
	struct dst_entry *dst = skb_dst(skb);
	struct neighbour *n;
	int err = 0;

	if (!dev->header_ops || !dst)
		return 0;

	rcu_read_lock();
	n = dst_neigh_lookup_skb(dst, skb);
	if (!n) {
		err = -ENOENT;
		goto out;
	}
	if (dst->dev != dev) {
		struct neighbour *mn;

		mn = __neigh_lookup_errno(n->tbl, n->primary_key, dev);
		neigh_release(n);
		if (IS_ERR(mn)) {
			err = PTR_ERR(mn);
			goto out;
		}
		n = mn;
	}
	if (neigh_event_send(n, skb_res) == 0) {
		char haddr[MAX_ADDR_LEN];

		neigh_ha_snapshot(haddr, n, dev);
		if (dev_hard_header(skb, dev, ntohs(skb_protocol(skb, false)),
				    haddr, NULL, skb->len) < 0)
			err = -EINVAL;
	} else {
		err = (skb_res == NULL) ? -EAGAIN : 1;
	}
	neigh_release(n);
out:
	rcu_read_unlock();
	return err;
}

/* Gives skb back to dev with its data at the network header, after a
 * failed attempt on another device. */
void rvnet_skb_back_to_network(struct sk_buff *skb, struct net_device *dev)
{
	skb->dev = dev;
	__skb_pull(skb, skb_network_offset(skb));
}

u32 rvnet_dev_hard_header_len(const struct net_device *dev)
{
	return dev->hard_header_len;
}

const u32 rvnet_ll_max_header = LL_MAX_HEADER;

struct sk_buff *rvnet_skb_peek(struct sk_buff_head *q)
{
	return skb_peek(q);
}

/* raw_spinlock_t with interrupts off (glue/raw_lock.rs). */

void rvnet_raw_spin_lock_init(raw_spinlock_t *lock, const char *name,
			      struct lock_class_key *key)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	__raw_spin_lock_init(lock, name, key, LD_WAIT_SPIN);
#else
	*lock = (raw_spinlock_t)__RAW_SPIN_LOCK_UNLOCKED(lock);
#endif
}

unsigned long rvnet_raw_spin_lock_irqsave(raw_spinlock_t *lock)
{
	unsigned long flags;

	raw_spin_lock_irqsave(lock, flags);
	return flags;
}

bool rvnet_raw_spin_trylock_irqsave(raw_spinlock_t *lock, unsigned long *flags)
{
	return raw_spin_trylock_irqsave(lock, *flags);
}

void rvnet_raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags)
{
	raw_spin_unlock_irqrestore(lock, flags);
}

void rvnet_raw_spin_assert_held(raw_spinlock_t *lock)
{
	lockdep_assert_held(lock);
}

#ifdef RVNET_INLINE_HELPERS
#pragma clang attribute pop
#endif
