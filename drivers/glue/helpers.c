// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line wrappers of the static inline kernel functions rvnet's Rust
 * glue calls. Each one is a plain call-through: no logic lives here.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include "helpers.h"

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
};

void *rvnet_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

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

bool rvnet_netif_running(const struct net_device *dev)
{
	return netif_running(dev);
}

bool rvnet_netif_carrier_ok(const struct net_device *dev)
{
	return netif_carrier_ok(dev);
}

void rvnet_eth_hw_addr_set(struct net_device *dev, const u8 *addr)
{
	eth_hw_addr_set(dev, addr);
}

void rvnet_netdev_use_tstats(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
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

void *rvnet_rx_handler_data(struct net_device *dev, rx_handler_func_t *handler)
{
	if (rcu_access_pointer(dev->rx_handler) != handler)
		return NULL;
	return rcu_dereference_rtnl(dev->rx_handler_data);
}

/* The handler data, read by the handler itself (no check: see rx.rs). */
void *rvnet_rx_handler_data_rcu(const struct net_device *dev)
{
	return rcu_dereference(dev->rx_handler_data);
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

void rvnet_skb_set_priority(struct sk_buff *skb, u32 priority)
{
	skb->priority = priority;
}

bool rvnet_skb_vlan_tag_present(const struct sk_buff *skb)
{
	return skb_vlan_tag_present(skb);
}

u16 rvnet_skb_vlan_tci(const struct sk_buff *skb)
{
	return skb_vlan_tag_get(skb);
}

__be16 rvnet_skb_vlan_proto(const struct sk_buff *skb)
{
	return skb->vlan_proto;
}

void rvnet_skb_vlan_put_tag(struct sk_buff *skb, __be16 proto, u16 tci)
{
	__vlan_hwaccel_put_tag(skb, proto, tci);
}

void rvnet_skb_vlan_clear_tag(struct sk_buff *skb)
{
	__vlan_hwaccel_clear_tag(skb);
}

struct net_device *rvnet_skb_dev(const struct sk_buff *skb)
{
	return skb->dev;
}

void rvnet_skb_set_dev(struct sk_buff *skb, struct net_device *dev)
{
	skb->dev = dev;
}

u8 rvnet_skb_pkt_type(const struct sk_buff *skb)
{
	return skb->pkt_type;
}

void rvnet_skb_set_pkt_type(struct sk_buff *skb, u8 pkt_type)
{
	skb->pkt_type = pkt_type;
}

const u8 *rvnet_skb_eth_dest(const struct sk_buff *skb)
{
	return eth_hdr(skb)->h_dest;
}

struct sk_buff *rvnet_skb_share_check(struct sk_buff *skb)
{
	return skb_share_check(skb, GFP_ATOMIC);
}

/*
 * Puts the hwaccel tag back into the frame of a received skb whose data
 * starts after the Ethernet header, as vlan_do_receive() does for VLAN
 * devices without REORDER_HDR. Consumes the skb on failure.
 */
struct sk_buff *rvnet_skb_reinsert_vlan_tag(struct sk_buff *skb)
{
	unsigned int offset = skb->data - skb_mac_header(skb);

	skb_push(skb, offset);
	skb = vlan_insert_inner_tag(skb, skb->vlan_proto, skb->vlan_tci,
				    skb->mac_len);
	if (!skb)
		return NULL;
	skb_pull(skb, offset + VLAN_HLEN);
	skb_reset_mac_len(skb);
	return skb;
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

int rvnet_dev_queue_xmit(struct sk_buff *skb)
{
	return dev_queue_xmit(skb);
}

void rvnet_kfree_skb(struct sk_buff *skb)
{
	kfree_skb(skb);
}

void rvnet_tstats_rx_add(struct net_device *dev, u32 len)
{
	dev_sw_netstats_rx_add(dev, len);
}

void rvnet_tstats_tx_add(struct net_device *dev, u32 len)
{
	dev_sw_netstats_tx_add(dev, 1, len);
}

void rvnet_dev_stats_inc_multicast(struct net_device *dev)
{
	DEV_STATS_INC(dev, multicast);
}

void rvnet_dev_stats_inc_tx_dropped(struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
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
