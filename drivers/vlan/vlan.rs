// SPDX-License-Identifier: GPL-2.0

//! rvnet VLAN: IEEE 802.1Q / 802.1ad VLAN devices, a drop-in for `8021q`.
//!
//! `ip link add link DEV name NAME type vlan id VID [protocol 802.1Q|802.1ad]
//! [reorder_hdr on|off] [loose_binding on|off] [ingress-qos-map ...]
//! [egress-qos-map ...]`.
//!
//! The module is laid out as `net/8021q` is: `netlink.rs` (rtnl_link_ops),
//! `dev.rs` (the device and its transmit path), `events.rs` (what the lower
//! device's events do) and `procfs.rs` (`/proc/net/vlan`).
//!
//! Receiving is the kernel's: as 8021q's, rvnet's VLAN devices sit in their
//! lower's `vlan_info` group, where the core's receive hook
//! (`vlan_do_receive()`, built in whenever `CONFIG_VLAN_8021Q` is y or m)
//! finds them before any rx_handler runs. So a VLAN does not take its
//! lower's single rx_handler slot: the lower may be, or later become, a
//! bridge port or a bond slave. See `glue/vlan_header.rs`.

// The core crate and the glue are shared by every rvnet module; each
// module uses part of them.
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod dev;
mod events;
mod netlink;
mod procfs;

use glue::link::LinkRegistration;
use glue::notifier::NotifierRegistration;
use glue::pernet::PernetRegistration;
use kernel::prelude::*;

module! {
    type: RvnetVlan,
    name: "rvnet_vlan",
    authors: ["rvnet developers"],
    description: "rvnet 802.1Q/802.1ad VLAN devices",
    license: "GPL",
    alias: ["rtnl-link-vlan"],
}

struct RvnetVlan {
    // Fields drop in declaration order: the link kind first (deleting every
    // VLAN device), then the notifier, then the /proc/net/vlan directories.
    _link: LinkRegistration<netlink::VlanKind>,
    _events: NotifierRegistration<events::LowerEvents>,
    _proc: PernetRegistration<procfs::VlanNet>,
}

impl kernel::Module for RvnetVlan {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let proc = PernetRegistration::new()?;
        let events = NotifierRegistration::new(events::LowerEvents)?;
        let link = LinkRegistration::new()?;
        Ok(RvnetVlan {
            _link: link,
            _events: events,
            _proc: proc,
        })
    }
}

#[kunit_tests(rvnet_vlan_core)]
mod tests {
    use crate::glue::netdev::LinkStats;
    use crate::glue::vlan_header::VlanStats;
    use crate::rvnet_core::vlan::{
        check_vid, parse_tag, pop_tag, push_tag, EgressQosMap, Tci, VlanProto, VLAN_HLEN,
    };
    use kernel::prelude::*;

    #[test]
    fn tag_push_and_pop_on_a_kernel_buffer() -> Result {
        let frame: [u8; 18] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1, 8, 0,
        ];
        let mut buf = KVec::with_capacity(frame.len() + VLAN_HLEN, GFP_KERNEL)?;
        buf.extend_from_slice(&frame, GFP_KERNEL)?;
        buf.extend_from_slice(&[0; VLAN_HLEN], GFP_KERNEL)?;
        let len = push_tag(
            &mut buf,
            frame.len(),
            VlanProto::Dot1AD,
            Tci::new(4094, 5 << 13),
        );
        assert_eq!(len, Some(frame.len() + VLAN_HLEN));
        let tag = parse_tag(&buf).ok_or(EINVAL)?;
        assert_eq!(tag.proto, VlanProto::Dot1AD);
        assert_eq!(tag.tci.vid(), 4094);
        assert_eq!(tag.tci.pcp(), 5);
        assert_eq!(tag.inner_type, 0x0806);
        let (_, len) = pop_tag(&mut buf, frame.len() + VLAN_HLEN).ok_or(EINVAL)?;
        assert_eq!(&buf[..len], &frame[..]);
        Ok(())
    }

    #[test]
    fn per_cpu_counters_add_up() -> Result {
        let stats = VlanStats::new()?;
        stats.count_rx(100, true);
        stats.count_rx(50, false);
        stats.count_tx(60);
        stats.count_tx_dropped();
        let mut sum = LinkStats::default();
        stats.fold(&mut sum);
        assert_eq!((sum.rx_packets, sum.rx_bytes, sum.multicast), (2, 150, 1));
        assert_eq!((sum.tx_packets, sum.tx_bytes, sum.tx_dropped), (1, 60, 1));
        Ok(())
    }

    #[test]
    fn vid_and_egress_bookkeeping() -> Result {
        assert!(check_vid(4094).is_ok());
        assert!(check_vid(4095).is_err());
        let mut map = KBox::new(EgressQosMap::default(), GFP_KERNEL)?;
        map.set(17, 3).map_err(|_| EINVAL)?;
        map.set(1, 7).map_err(|_| EINVAL)?;
        assert_eq!(map.qos_bits(17), 3 << 13);
        assert_eq!(map.mappings()[0].skb_prio, 1);
        map.set(1, 0).map_err(|_| EINVAL)?;
        assert_eq!(map.qos_bits(1), 0);
        Ok(())
    }
}
