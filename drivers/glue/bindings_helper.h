/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C API rvnet's glue binds: bindgen reads this header with the kernel's
 * own compiler flags (see Kbuild), and helpers.c wraps the static inline
 * functions it needs as rvnet_* symbols.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_macvlan.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <linux/if_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/sch_generic.h>
#include "helpers.h"
