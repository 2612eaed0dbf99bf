/* SPDX-License-Identifier: GPL-2.0 */
/* Out-of-line wrappers of static inline kernel functions, for Rust. */
#ifndef RVNET_HELPERS_H
#define RVNET_HELPERS_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include <linux/rhashtable.h>

struct seq_file;
struct proc_dir_entry;

/* NETIF_F_* masks, most of which are macros bindgen cannot evaluate. */
struct rvnet_feature_masks {
	u64 sg, ip_csum, ipv6_csum, hw_csum, rxcsum, fraglist, highdma;
	u64 sctp_crc, fcoe_crc, fso, hw_macsec, gso_software, gso_encap_all;
	u64 soft_features, vlan_challenged, hw_vlan_ctag_filter, lro;
};
extern const struct rvnet_feature_masks rvnet_features;

void rvnet_netdev_hold(struct net_device *dev, netdevice_tracker *tracker);
void rvnet_netdev_put(struct net_device *dev, netdevice_tracker *tracker);
struct net *rvnet_dev_net(const struct net_device *dev);
void rvnet_eth_hw_addr_set(struct net_device *dev, const u8 *addr);
u32 rvnet_netdev_priv_flags(const struct net_device *dev);
void rvnet_netdev_change_priv_flags(struct net_device *dev, u32 set, u32 clear);
u64 rvnet_netdev_intersect_features(u64 f1, u64 f2);
void rvnet_netdev_set_lltx(struct net_device *dev);
void rvnet_netdev_keep_dst(struct net_device *dev);
struct net_device *rvnet_netdev_notifier_info_to_dev(void *info);
struct netlink_ext_ack *rvnet_netdev_notifier_info_to_extack(void *info);
struct net_device *rvnet_first_netdev_rcu(struct net *net);
struct net_device *rvnet_next_netdev_rcu(struct net *net, struct net_device *dev);
void *rvnet_net_generic(const struct net *net, unsigned int id);
struct net *rvnet_seq_file_single_net(struct seq_file *seq);
struct proc_dir_entry *rvnet_proc_net_mkdir(struct net *net, const char *name);
void rvnet_init_list_head(struct list_head *head);
bool rvnet_netdev_is_unregistering(const struct net_device *dev);
void rvnet_rcu_read_lock(void);
void rvnet_rcu_read_unlock(void);
void rvnet_synchronize_net(void);
bool rvnet_rtnl_is_locked(void);

u32 rvnet_skb_len(const struct sk_buff *skb);
u32 rvnet_skb_priority(const struct sk_buff *skb);
u8 *rvnet_skb_push_room(struct sk_buff *skb, u32 len);
const u8 *rvnet_skb_mac_bytes(const struct sk_buff *skb, u32 *len);
void rvnet_skb_vlan_put_tag(struct sk_buff *skb, __be16 proto, u16 tci);
void rvnet_skb_set_dev(struct sk_buff *skb, struct net_device *dev);
bool rvnet_skb_has_inband_tag(const struct sk_buff *skb, __be16 proto);
u32 rvnet_skb_headlen(const struct sk_buff *skb);
void rvnet_push_vlan_header(struct sk_buff *skb, __be16 proto, u16 tci, u16 type,
			    unsigned int len);
int rvnet_dev_hard_header(struct sk_buff *skb, struct net_device *dev, u16 type,
			  const void *daddr, const void *saddr, unsigned int len);
int rvnet_dev_queue_xmit(struct sk_buff *skb);
void rvnet_kfree_skb(struct sk_buff *skb);

int rvnet_nla_type(const struct nlattr *nla);
int rvnet_nla_len(const struct nlattr *nla);
void *rvnet_nla_data(const struct nlattr *nla);
const struct nlattr *rvnet_nla_next(const struct nlattr *nla, int *remaining);
bool rvnet_nla_ok(const struct nlattr *nla, int remaining);
struct nlattr *rvnet_nla_nest_start(struct sk_buff *skb, int type);
struct nlattr *rvnet_nla_nest_start_flagged(struct sk_buff *skb, int type);
void rvnet_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void rvnet_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);
int rvnet_nla_total_size(int payload);
int rvnet_nla_validate_nested(const struct nlattr *start, int maxtype,
			      const struct nla_policy *policy,
			      struct netlink_ext_ack *extack);
void rvnet_set_extack_msg(struct netlink_ext_ack *extack, const char *msg);

struct vlan_pcpu_stats;
struct rtnl_link_stats64;
struct vlan_pcpu_stats *rvnet_vlan_stats_alloc(void);
void rvnet_vlan_stats_free(struct vlan_pcpu_stats *stats);
void rvnet_vlan_stats_rx(struct vlan_pcpu_stats *stats, u32 len, bool multicast);
void rvnet_vlan_stats_tx(struct vlan_pcpu_stats *stats, u32 len);
void rvnet_vlan_stats_tx_dropped(struct vlan_pcpu_stats *stats);
void rvnet_vlan_stats_fold(struct vlan_pcpu_stats *stats,
			   struct rtnl_link_stats64 *out);
int rvnet_vlan_core_attach(struct net_device *real, __be16 proto, u16 vid,
			   struct net_device *dev);
void rvnet_vlan_core_detach(struct net_device *real, __be16 proto, u16 vid);
struct net_device *rvnet_vlan_core_get(struct net_device *real, __be16 proto, u16 vid);
struct net_device *rvnet_vlan_core_next(struct net_device *real, unsigned int *pos);
unsigned int rvnet_vlan_core_count(struct net_device *real);
bool rvnet_vlan_core_auto_vid0(struct net_device *real);
void rvnet_vlan_core_set_auto_vid0(struct net_device *real, bool on);

/* Master devices and their ports (bonding, bridge). */
void *rvnet_rx_handler_data(const struct net_device *dev, rx_handler_func_t *handler);
void *rvnet_rx_handler_data_rcu(const struct net_device *dev);
void *rvnet_rx_handler_data_if_rcu(const struct net_device *dev, rx_handler_func_t *handler);
int rvnet_master_upper_link(struct net_device *port, struct net_device *master,
			    int tx_type, int hash_type, struct netlink_ext_ack *extack);
void rvnet_lower_state_changed(struct net_device *port, bool link_up, bool tx_enabled);
void rvnet_netdev_change_flags_raw(struct net_device *dev, u32 set, u32 clear);
int rvnet_dev_set_mac(struct net_device *dev, const u8 *mac, struct netlink_ext_ack *extack);
int rvnet_link_speed_duplex(struct net_device *dev, bool lock, u32 *speed, u8 *duplex);
void rvnet_sync_addr_lists_multiple(struct net_device *to, struct net_device *from);

/* Timers that schedule a device's ndo_work. */
struct rvnet_work_timer {
	struct timer_list timer;
	struct net_device *dev;
	unsigned long events;
};
void rvnet_work_timer_init(struct rvnet_work_timer *t, struct net_device *dev,
			   unsigned long events);
void rvnet_work_timer_arm(struct rvnet_work_timer *t, unsigned int delay_ms);
void rvnet_work_timer_stop(struct rvnet_work_timer *t);
u64 rvnet_jiffies64_ms(void);

/* Socket buffers seen by a receive handler or a master's transmit. */
struct sk_buff *rvnet_skb_share_check(struct sk_buff *skb);
struct sk_buff *rvnet_skb_clone(struct sk_buff *skb);
u32 rvnet_skb_copy_head(const struct sk_buff *skb, u8 *buf, u32 len);
const u8 *rvnet_skb_eth_addrs(const struct sk_buff *skb, bool *looped_back);
u16 rvnet_skb_protocol(const struct sk_buff *skb);
struct net_device *rvnet_skb_dev(const struct sk_buff *skb);

/* What a master's transmit dispatch reads of an skb, in one call. */
struct rvnet_skb_view {
	const u8 *mac;		/* the MAC header */
	u32 mac_linear;		/* linear bytes from the MAC header on */
	u32 len;		/* skb->len */
	u16 protocol;		/* host order */
	u16 vlan_tci;
	bool vlan_present;
	bool l4_hash;
	u8 pkt_type;		/* PACKET_* */
	u32 hash;
};
void rvnet_skb_view(const struct sk_buff *skb, struct rvnet_skb_view *view);
void rvnet_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void rvnet_eth_hw_addr_random(struct net_device *dev);
void rvnet_eth_random_addr(u8 *addr);
u32 rvnet_get_random_u32(void);
void rvnet_dev_net_set(struct net_device *dev, struct net *net);
extern const unsigned char rvnet_net_name_unknown;
void rvnet_arp_send_request(struct net_device *dev, __be32 dest_ip, __be32 src_ip);
struct net_device *rvnet_route_output_dev(struct net *net, __be32 daddr);
__be32 rvnet_confirm_addr(struct net_device *dev, __be32 dst, __be32 local);
u64 rvnet_dev_trans_age_ms(struct net_device *dev);
void rvnet_netdev_set_master_features(struct net_device *dev);
struct sk_buff *rvnet_skb_from_frame(struct net_device *dev, const u8 *frame, u32 len, u16 protocol);


/*
 * A hash table whose readers take no lock (RCU) and whose writers hold its
 * spinlock with bottom halves off: the kernel's rhashtable keyed by 8
 * bytes, plus a newest-first list for ordered walks, as the bridge's FDB.
 * Entries start with a struct rvnet_rht_node.
 */
struct rvnet_rht_node {
	struct rhash_head node;
	u64 key;
	struct hlist_node list;
	struct rcu_head rcu;
};
struct rvnet_rht {
	struct rhashtable ht;
	struct hlist_head list;
	spinlock_t lock;
};
int rvnet_rht_init(struct rvnet_rht *t);
void rvnet_rht_destroy(struct rvnet_rht *t);
struct rvnet_rht_node *rvnet_rht_lookup(struct rvnet_rht *t, u64 key);
int rvnet_rht_insert(struct rvnet_rht *t, struct rvnet_rht_node *n);
bool rvnet_rht_remove(struct rvnet_rht *t, struct rvnet_rht_node *n,
		      rcu_callback_t free);
struct rvnet_rht_node *rvnet_rht_first(struct rvnet_rht *t);
struct rvnet_rht_node *rvnet_rht_next(struct rvnet_rht_node *n);
void rvnet_rht_lock(struct rvnet_rht *t);
void rvnet_rht_unlock(struct rvnet_rht *t);
void rvnet_rcu_barrier(void);

/*
 * A fixed-size hash table read without locks, as macvlan.ko's vlan_hash: 256
 * RCU hlist buckets (the caller hashes), 8-byte keys, writers under a
 * spinlock with bottom halves off. Entries start with a struct rvnet_hnode.
 */
#define RVNET_HBUCKETS 256
struct rvnet_hnode {
	struct hlist_node hlist;
	u64 key;
	u32 bucket;
	struct rcu_head rcu;
};
struct rvnet_hbuckets {
	struct hlist_head heads[RVNET_HBUCKETS];
	spinlock_t lock;
};
void rvnet_hbuckets_init(struct rvnet_hbuckets *t);
struct rvnet_hnode *rvnet_hbuckets_lookup(struct rvnet_hbuckets *t, u32 bucket, u64 key);
void rvnet_hbuckets_add(struct rvnet_hbuckets *t, struct rvnet_hnode *n);
bool rvnet_hbuckets_remove(struct rvnet_hbuckets *t, struct rvnet_hnode *n,
			   rcu_callback_t free);
struct rvnet_hnode *rvnet_hbuckets_from(struct rvnet_hbuckets *t, u32 bucket);
struct rvnet_hnode *rvnet_hbuckets_next(struct rvnet_hbuckets *t, struct rvnet_hnode *n);
void rvnet_hbuckets_lock(struct rvnet_hbuckets *t);
void rvnet_hbuckets_unlock(struct rvnet_hbuckets *t);

/* Netlink for bridges: FDB entries (RTM_*NEIGH) and port info (AF_BRIDGE). */
int rvnet_nla_put_u64_64bit(struct sk_buff *skb, int type, u64 value, int pad);
struct rvnet_fdb_record {
	u8 addr[ETH_ALEN];
	u16 vid;
	u16 state;		/* NUD_* */
	u8 flags;		/* NTF_* */
	int ifindex;		/* the port's, or the bridge's */
	int master;		/* the bridge's ifindex */
	u32 used;		/* clock_t since last used */
	u32 updated;		/* clock_t since last updated */
};
int rvnet_fdb_dump_entry(struct sk_buff *skb, struct netlink_callback *cb,
			 const struct rvnet_fdb_record *r, int *idx);
int rvnet_fdb_dump_resume_idx(struct netlink_callback *cb);
int rvnet_fdb_get_fill(struct sk_buff *skb, const struct rvnet_fdb_record *r, u32 portid,
		       u32 seq);
int rvnet_fdb_dump_default(struct sk_buff *skb, struct netlink_callback *cb,
			   struct net_device *dev, int *idx);
void rvnet_fdb_notify(struct net_device *master, const struct rvnet_fdb_record *r,
		      int type);
struct nlmsghdr *rvnet_bridge_ifinfo_begin(struct sk_buff *skb, u32 pid, u32 seq,
					   int event, unsigned int flags,
					   struct net_device *dev,
					   const struct net_device *master);
int rvnet_bridge_setlink_parse(struct nlmsghdr *nlh, struct nlattr **tb, int maxtype,
			       const struct nla_policy *policy, int *what, u8 *state,
			       bool *afspec, bool *afspec_other);
void rvnet_nlmsg_end(struct sk_buff *skb, struct nlmsghdr *nlh);
void rvnet_nlmsg_cancel(struct sk_buff *skb, struct nlmsghdr *nlh);
struct sk_buff *rvnet_nlmsg_new_default(void);
void rvnet_rtnl_notify_link(struct sk_buff *skb, struct net_device *dev);
void rvnet_kfree_msg(struct sk_buff *skb);
u64 rvnet_jiffies64(void);
u32 rvnet_hz(void);
bool rvnet_netif_oper_up(const struct net_device *dev);
void rvnet_netdev_set_bridge_features(struct net_device *dev);
struct net_device *rvnet_master_upper(struct net_device *dev);
void rvnet_skb_forward(struct sk_buff *skb, struct net_device *to, bool push_eth);
void rvnet_skb_set_pkt_type(struct sk_buff *skb, u8 type);
void rvnet_netdev_use_tstats(struct net_device *dev);
void rvnet_dev_sw_netstats_rx_add(struct net_device *dev, u32 len);
void rvnet_dev_sw_netstats_tx_add(struct net_device *dev, u32 len);
void rvnet_dev_get_tstats64(struct net_device *dev, struct rtnl_link_stats64 *stats);

/* Macvlan devices (struct macvlan_dev heads their private area) and ports. */
void rvnet_macvlan_init_features(struct net_device *dev, struct net_device *lower);
netdev_features_t rvnet_macvlan_fix_features(struct net_device *dev,
					     struct net_device *lower,
					     netdev_features_t features);
void rvnet_macvlan_inherit_lower_layout(struct net_device *dev, struct net_device *lower);
void rvnet_netdev_set_change_proto_down(struct net_device *dev);
typedef void (*rvnet_mc_addr_fn)(void *ctx, const u8 *addr, int synced);
void rvnet_dev_mc_walk(struct net_device *dev, rvnet_mc_addr_fn f, void *ctx);
bool rvnet_capable_net_admin(void);
bool rvnet_dev_link_net_capable(const struct net_device *dev, struct net *net);
struct sk_buff *rvnet_ip_check_defrag_macvlan(struct sk_buff *skb);
bool rvnet_netif_rx(struct sk_buff *skb);
bool rvnet_dev_forward_skb_rx(struct net_device *dev, struct sk_buff *skb);
void rvnet_dev_forward_skb(struct net_device *dev, struct sk_buff *skb);
void rvnet_dev_core_stats_rx_dropped_inc(struct net_device *dev);
void rvnet_vlan_stats_rx_error(struct vlan_pcpu_stats *stats);

/* Frames queued for a work item (macvlan's broadcast queue). */
struct rvnet_frame_queue {
	struct sk_buff_head queue;
	struct work_struct work;
	void *owner;
};
void rvnet_frame_queue_init(struct rvnet_frame_queue *q, work_func_t fn);
struct rvnet_frame_queue *rvnet_frame_queue_of(struct work_struct *work);
void rvnet_frame_queue_add(struct rvnet_frame_queue *q, struct sk_buff *skb, u32 limit,
			   struct net_device *src);
struct sk_buff *rvnet_frame_queue_next(struct rvnet_frame_queue *q, struct net_device **src);
void rvnet_frame_queue_put_src(struct net_device *src);
void rvnet_frame_queue_stop(struct rvnet_frame_queue *q);
void rvnet_consume_skb(struct sk_buff *skb);
void rvnet_cond_resched(void);

/* ipvlan: feature sets, layer-3 transmit, address notifiers, table keys. */
void rvnet_ipvlan_init_features(struct net_device *dev, struct net_device *lower);
netdev_features_t rvnet_ipvlan_fix_features(struct net_device *lower,
					    netdev_features_t features);
void rvnet_skb_scrub(struct sk_buff *skb, bool xnet);
int rvnet_skb_route_out(struct sk_buff *skb, struct net_device *via);
u64 rvnet_addr6_key(const u8 *addr);
enum rvnet_inetaddr_chain {
	RVNET_INETADDR,
	RVNET_INETADDR_VALIDATOR,
	RVNET_INET6ADDR,
	RVNET_INET6ADDR_VALIDATOR,
};
int rvnet_inetaddr_notifier_register(enum rvnet_inetaddr_chain chain,
				     struct notifier_block *nb);
void rvnet_inetaddr_notifier_unregister(enum rvnet_inetaddr_chain chain,
					struct notifier_block *nb);
struct net_device *rvnet_inetaddr_info(enum rvnet_inetaddr_chain chain, void *ptr, u8 *addr,
				       struct netlink_ext_ack **extack);
const u8 *rvnet_pre_changeaddr_addr(void *info);
int rvnet_pre_changeaddr_notify(struct net_device *dev, const u8 *addr,
				struct netlink_ext_ack *extack);
bool rvnet_net_capable(struct net *net);
void rvnet_netdev_err(struct net_device *dev, const char *msg);
void rvnet_netdev_set_dev_id(struct net_device *dev, u16 id);
u16 rvnet_netdev_dev_id(const struct net_device *dev);
void rvnet_skb_reset_mac_header(struct sk_buff *skb);

/* ipvlan's l3s: the l3mdev receive hook and LOCAL_IN netfilter hooks. */
typedef struct net_device *(*rvnet_l3s_steer_fn)(struct net_device *lower,
						 struct sk_buff *skb, bool deliver);
void rvnet_l3s_set_steer(rvnet_l3s_steer_fn steer);
int rvnet_l3s_register_hooks(struct net *net);
void rvnet_l3s_unregister_hooks(struct net *net);
void rvnet_l3s_attach(struct net_device *lower, bool on);
/* Qdiscs (glue/qdisc.rs) and the direct transmit a qdisc-driven master
 * uses (glue/device.rs): sch_teql. */
struct Qdisc;
struct sk_buff_head;
struct Qdisc_ops;
/* Of net/pkt_sched.h, whose flow_offload.h does not build here. */
int register_qdisc(struct Qdisc_ops *qops);
void unregister_qdisc(struct Qdisc_ops *qops);
void *rvnet_qdisc_priv(struct Qdisc *sch);
struct net_device *rvnet_qdisc_dev(const struct Qdisc *sch);
u32 rvnet_qdisc_parent(const struct Qdisc *sch);
int rvnet_qdisc_drop(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free);
void rvnet_qdisc_bstats_update(struct Qdisc *sch, const struct sk_buff *skb);
void rvnet_qdisc_set_qlen(struct Qdisc *sch, u32 qlen);
bool rvnet_dev_root_qdisc_backlog(struct net_device *dev, u32 *qlen);
bool rvnet_dev_root_qdisc_is(struct net_device *dev, const struct Qdisc *sch);
bool rvnet_dev_root_qdisc_is_noop(struct net_device *dev);
void rvnet_dev_reset_root_queue(struct net_device *dev);
void rvnet_skb_queue_init(struct sk_buff_head *q);
void rvnet_skb_queue_tail_unlocked(struct sk_buff_head *q, struct sk_buff *skb);
struct sk_buff *rvnet_skb_dequeue_unlocked(struct sk_buff_head *q);
u32 rvnet_skb_queue_len(const struct sk_buff_head *q);
void rvnet_skb_queue_purge(struct sk_buff_head *q);
struct sk_buff *rvnet_skb_peek(struct sk_buff_head *q);
u32 rvnet_dev_tx_queue_len(const struct net_device *dev);
bool rvnet_netif_tx_stopped(struct net_device *dev, u16 queue);
void rvnet_netif_wake_queue(struct net_device *dev);
void rvnet_netif_stop_queue(struct net_device *dev);
void rvnet_netif_start_queue(struct net_device *dev);
u16 rvnet_skb_queue_mapping(const struct sk_buff *skb);
u32 rvnet_qdisc_pkt_len(const struct sk_buff *skb);
int rvnet_dev_xmit_direct_trylock(struct sk_buff *skb, struct net_device *dev);
int rvnet_neigh_resolve_header(struct sk_buff *skb, struct sk_buff *skb_res,
			       struct net_device *dev);
void rvnet_skb_back_to_network(struct sk_buff *skb, struct net_device *dev);
u32 rvnet_dev_hard_header_len(const struct net_device *dev);
extern const u32 rvnet_ll_max_header;

/* raw_spinlock_t with interrupts off (glue/raw_lock.rs). */
struct lock_class_key;
void rvnet_raw_spin_lock_init(struct raw_spinlock *lock, const char *name,
			      struct lock_class_key *key);
unsigned long rvnet_raw_spin_lock_irqsave(struct raw_spinlock *lock);
bool rvnet_raw_spin_trylock_irqsave(struct raw_spinlock *lock, unsigned long *flags);
void rvnet_raw_spin_unlock_irqrestore(struct raw_spinlock *lock, unsigned long flags);
void rvnet_raw_spin_assert_held(struct raw_spinlock *lock);

#endif

/* IPv4 tunnels (rvnet_tunnel): tunnel4 handlers, the per-tunnel route
 * cache and GRO cells, the SIOC*TUNNEL ioctls, and the datapath primitives
 * of ip_tunnel_core.c that ip_tunnel.c's rewrite calls. */
struct xfrm_tunnel;
struct ip_tunnel_parm_kern;
struct ifreq;
struct rtable;
struct metadata_dst;
struct rvnet_tunnel_cells;
struct xfrm_tunnel *rvnet_tunnel4_register(int (*rcv)(struct sk_buff *),
					   int (*err)(struct sk_buff *, u32),
					   int priority, unsigned short family, int *ret);
void rvnet_tunnel4_deregister(struct xfrm_tunnel *h, unsigned short family);
bool rvnet_tunnel_log_ecn_error(void);
struct rvnet_tunnel_cells *rvnet_tunnel_cells_new(struct net_device *dev);
void rvnet_tunnel_cells_free(struct rvnet_tunnel_cells *c);
struct rtable *rvnet_tunnel_cache_get(struct rvnet_tunnel_cells *c, __be32 *saddr);
void rvnet_tunnel_cache_set(struct rvnet_tunnel_cells *c, struct rtable *rt, __be32 saddr);
void rvnet_tunnel_cache_reset(struct rvnet_tunnel_cells *c);

/* struct ip_tunnel_parm (the ioctls' argument), flat, GRE flags as be16. */
struct rvnet_tunnel_parm {
	char name[IFNAMSIZ];
	int link;
	__be16 i_flags, o_flags;
	__be32 i_key, o_key;
	u8 version, ihl, tos, ttl, protocol;
	__be16 frag_off;
	__be32 saddr, daddr;
};
int rvnet_tunnel_siocdevprivate(struct net_device *dev, struct ifreq *ifr,
				void __user *data, int cmd);
bool rvnet_tunnel_parm_from_kern(const struct ip_tunnel_parm_kern *kp,
				 struct rvnet_tunnel_parm *p);
void rvnet_tunnel_parm_to_kern(const struct rvnet_tunnel_parm *p,
			       struct ip_tunnel_parm_kern *kp);
bool rvnet_net_has_fallback_tunnels(const struct net *net);
bool rvnet_dev_valid_name(const char *name);

/* What transmit reads of the inner packet. */
struct rvnet_tunnel_inner {
	u16 protocol;		/* host order */
	u8 tos, ttl;		/* IPv4 TOS/TTL, IPv6 traffic class/hop limit */
	bool df;
	bool has_dst;
	bool gso;
	__be32 daddr;		/* IPv4 */
	u32 len;
	u32 mtu;		/* the inner route's MTU, or the device's */
	u32 hash;
};
bool rvnet_tunnel_xmit_prepare(struct sk_buff *skb, u8 ipproto, int gso_type);
void rvnet_tunnel_inner(struct sk_buff *skb, struct net_device *dev,
			struct rvnet_tunnel_inner *in);
__be32 rvnet_tunnel_nexthop(struct sk_buff *skb, __be32 daddr);
int rvnet_tunnel_nexthop6(struct sk_buff *skb, __be32 *daddr);
struct rtable *rvnet_tunnel_route(struct net *net, int proto, __be32 daddr, __be32 *saddr,
				  __be32 key, u8 tos, int oif, u32 mark, u32 hash);
struct net_device *rvnet_rt_dev(struct rtable *rt);
u32 rvnet_rt_mtu(struct rtable *rt);
u8 rvnet_rt_hoplimit(struct rtable *rt);
u32 rvnet_rt_headroom(struct rtable *rt);
void rvnet_rt_put(struct rtable *rt);
void rvnet_tunnel_update_pmtu(struct sk_buff *skb, u32 mtu);
void rvnet_tunnel_update_pmtu6(struct sk_buff *skb, u32 mtu, bool unicast_dst);
void rvnet_icmp_frag_needed(struct sk_buff *skb, u32 mtu);
void rvnet_icmpv6_too_big(struct sk_buff *skb, u32 mtu);
void rvnet_dst_link_failure(struct sk_buff *skb);
bool rvnet_skb_cow_head(struct sk_buff *skb, u32 headroom);
void rvnet_netdev_set_needed_headroom(struct net_device *dev, u32 headroom);
u32 rvnet_netdev_needed_headroom(const struct net_device *dev);
u32 rvnet_netdev_lower_headroom(const struct net_device *dev);
void rvnet_iptunnel_xmit(struct rtable *rt, struct sk_buff *skb, __be32 src, __be32 dst,
			 u8 proto, u8 tos, u8 ttl, bool df, bool xnet);
enum rvnet_dev_stat {
	RVNET_TX_ERRORS, RVNET_TX_DROPPED, RVNET_TX_CARRIER_ERRORS, RVNET_TX_FIFO_ERRORS,
	RVNET_COLLISIONS, RVNET_RX_ERRORS, RVNET_RX_FRAME_ERRORS, RVNET_RX_LENGTH_ERRORS,
	RVNET_RX_CRC_ERRORS, RVNET_RX_FIFO_ERRORS,
};
void rvnet_dev_stats_inc(struct net_device *dev, enum rvnet_dev_stat which);

/* Receive and ICMP errors: the outer header and where the packet came in. */
struct rvnet_tunnel_outer {
	__be32 saddr, daddr;
	u8 tos, protocol;
	u8 icmp_type, icmp_code;	/* error handler only */
	u8 icmp_length;			/* RFC 4884 length (error handler) */
	int ifindex;
	int sifindex;			/* the L3 slave's, on an L3 master */
	struct net *net;
};
void rvnet_tunnel_outer(struct sk_buff *skb, struct rvnet_tunnel_outer *o, bool icmp);
int rvnet_tunnel_pull(struct sk_buff *skb, u32 hdr_len, __be16 inner_proto, bool raw_proto,
		      bool collect_md, __be16 md_flags, __be32 md_key, int erspan_ver,
		      const u8 *erspan_md, u32 erspan_md_len, struct metadata_dst **md);
void rvnet_skb_pop_mac_header(struct sk_buff *skb);
bool rvnet_tunnel_pull_link_header(struct sk_buff *skb, u8 *buf, u32 len);
void rvnet_netdev_set_hard_header_len(struct net_device *dev, u32 len);
bool rvnet_tunnel_pull_inner(struct sk_buff *skb, bool ether);
int rvnet_tunnel_inner_dsfield(struct sk_buff *skb);
void rvnet_tunnel_inner_ecn(struct sk_buff *skb, bool ce);
void rvnet_tunnel_log_non_ect(__be32 saddr, u8 tos);
void rvnet_tunnel_deliver(struct sk_buff *skb, struct net_device *dev,
			  struct rvnet_tunnel_cells *c, struct metadata_dst *md, bool xnet);
void rvnet_tunnel_drop(struct sk_buff *skb, struct metadata_dst *md);
void rvnet_ipv4_update_pmtu(struct sk_buff *skb, struct net *net, u32 mtu, int oif, u8 proto);
void rvnet_ipv4_redirect(struct sk_buff *skb, struct net *net, int oif, u8 proto);
void rvnet_netdev_set_tunnel_addrs(struct net_device *dev, __be32 local, __be32 remote);
void rvnet_netdev_state_change(struct net_device *dev);
void rvnet_netdev_setup_ip_tunnel(struct net_device *dev, unsigned short type);

/* GRE (gre.ko's version 0 slot, as ip_gre.ko): the handler, the parsed
 * header (flags as the be16 GRE bits), transmit's header push. */
struct gre_protocol;
struct rvnet_gre_tpi {
	__be16 flags, proto;
	__be32 key, seq;
};
struct gre_protocol *rvnet_gre_register(int (*rcv)(struct sk_buff *),
					void (*err)(struct sk_buff *, u32), int *ret);
void rvnet_gre_deregister(struct gre_protocol *p);
int rvnet_gre_parse(struct sk_buff *skb, struct rvnet_gre_tpi *tpi);
u32 rvnet_tunnel_err_quote(struct sk_buff *skb, u8 *buf, u32 len);
void rvnet_gre_rx_drop(struct sk_buff *skb);
void rvnet_gre_reject(struct sk_buff *skb);
void rvnet_gre_push(struct sk_buff *skb, const u8 *hdr, u32 len, __be16 proto, bool csum);
/* Transmit metadata (skb_tunnel_info(), from a metadata dst or an
 * lwtunnel route) as ip_md_tunnel_xmit() and gre_fb_xmit() read it. */
struct rvnet_tunnel_md {
	__be32 dst, src;
	__be64 tun_id;
	u8 tos, ttl;
	__be16 gre_flags;	/* CSUM/KEY/SEQ of tun_flags as GRE bits */
	bool df;		/* IP_TUNNEL_DONT_FRAGMENT_BIT */
	int encap_hlen;		/* ip_encap_hlen(&info->encap) */
	bool erspan;		/* IP_TUNNEL_ERSPAN_OPT_BIT with erspan_metadata */
	u8 erspan_ver;
	u8 erspan_dir;
	u8 erspan_hwid;		/* get_hwid() */
	u32 erspan_index;	/* host order */
};
bool rvnet_tunnel_md_info(struct sk_buff *skb, struct rvnet_tunnel_md *md);
struct rtable *rvnet_tunnel_md_route(struct sk_buff *skb, struct net *net, u8 *proto, u8 tos,
				     __be32 *saddr, __be32 *daddr, int *err);
/* What ERSPAN's header takes from a mirrored Ethernet frame. */
struct rvnet_erspan_frame {
	u8 tos;			/* ip_hdr(skb)->tos */
	u16 eth_proto;		/* host order */
	u16 tci;		/* after an 802.1Q EtherType, host order */
	u32 len;
};
void rvnet_erspan_frame(struct sk_buff *skb, struct rvnet_erspan_frame *out);
bool rvnet_erspan_inner_truncated(struct sk_buff *skb);
bool rvnet_skb_trim(struct sk_buff *skb, u32 len);
bool rvnet_skb_copy_front(struct sk_buff *skb, u32 off, u8 *buf, u32 len);
u64 rvnet_real_time_ns(void);
void rvnet_netdev_setup_gre(struct net_device *dev, unsigned short type, bool ether);
void rvnet_netdev_set_gso_software(struct net_device *dev, bool on);
void rvnet_netdev_set_link_type(struct net_device *dev, unsigned short type);
/* sit: IPv6 in IPv4 (IPv6 addresses as 16 bytes). */
void rvnet_netdev_set_isatap(struct net_device *dev);
void rvnet_tunnel_rx_ipv6_addrs(struct sk_buff *skb, u8 *saddr, u8 *daddr);
void rvnet_skb_set_ndisc_nodetype(struct sk_buff *skb, u8 nodetype);
bool rvnet_ipv6_chk_prefix(const u8 *addr, struct net_device *dev);
bool rvnet_ipv6_chk_custom_prefix(const u8 *addr, unsigned int len, struct net_device *dev);
void rvnet_tunnel_tx_ipv6_daddr(struct sk_buff *skb, u8 *daddr);
bool rvnet_tunnel_neigh6(struct sk_buff *skb, u8 *addr);
void rvnet_sit_log_spoofed(bool source, __be32 saddr, const u8 *saddr6, __be32 daddr,
			   const u8 *daddr6);
bool rvnet_rt_unicast_or_local(struct rtable *rt);
bool rvnet_ip6_err_gen_icmpv6_unreach(struct sk_buff *skb, u8 type, u32 hdr_len, u32 data_len);
