// SPDX-License-Identifier: GPL-2.0

//! rvnet VLAN: IEEE 802.1Q / 802.1ad VLAN devices, a drop-in for `8021q`.
//!
//! `ip link add link DEV name NAME type vlan id VID [protocol 802.1Q|802.1ad]
//! [reorder_hdr on|off] [loose_binding on|off] [ingress-qos-map ...]
//! [egress-qos-map ...]`.
//!
//! The module is laid out as `net/8021q` is: `netlink.rs` (rtnl_link_ops),
//! `dev.rs` (the device and its transmit path), `port.rs` (the lower
//! device's VLAN table and receive path), `events.rs` (what the lower
//! device's events do) and `procfs.rs` (`/proc/net/vlan`).

// The core crate and the glue are shared by every rvnet module; each
// module uses part of them.
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub)]
#[path = "../glue/mod.rs"]
mod glue;

mod dev;
mod events;
mod netlink;
mod port;
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
