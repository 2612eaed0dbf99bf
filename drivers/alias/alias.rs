// SPDX-License-Identifier: GPL-2.0

//! rvnet alias: several virtual interfaces on one Ethernet device, each
//! with its own MAC address (macvlan) or sharing the lower's and told
//! apart by IP address (ipvlan), a drop-in for macvlan.ko
//! (`drivers/net/macvlan.c`) and ipvlan.ko (`drivers/net/ipvlan/`).
//!
//! `ip link add link DEV name NAME [address MAC] type macvlan mode
//! private|vepa|bridge|passthru [nopromisc]|source [nodst] [bcqueuelen N]
//! [bclim N]`, `ip link set NAME type macvlan mode ...|macaddr ...`;
//! `ip link add link DEV name NAME type ipvlan mode l2|l3|l3s
//! [bridge|private|vepa]`, `ip link set NAME type ipvlan ...`.
//!
//! The files: `netlink.rs` (the macvlan kind), `dev.rs` (macvlans, their
//! port on the lower and the datapath), `events.rs` (lower device events)
//! and `procfs.rs` (`/proc/net/alias`); `ipvlan_netlink.rs`,
//! `ipvlan_dev.rs` and `ipvlan_events.rs` the same for ipvlan (lower
//! device and address events). The pure logic is the core crate's
//! (`rvnet_core::alias`); `glue/macvlan_header.rs` is the C view
//! (`struct macvlan_dev`) kernel code reads.

#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod dev;
mod events;
mod ipvlan_dev;
mod ipvlan_events;
mod ipvlan_netlink;
mod netlink;
mod procfs;

use glue::inetaddr::AddrNotifiers;
use glue::l3s::L3Steering;
use glue::link::LinkRegistration;
use glue::notifier::NotifierRegistration;
use glue::pernet::PernetRegistration;
use kernel::prelude::*;

module! {
    type: RvnetAlias,
    name: "rvnet_alias",
    authors: ["rvnet developers"],
    description: "rvnet macvlan and ipvlan devices",
    license: "GPL",
    alias: ["rtnl-link-macvlan", "rtnl-link-ipvlan"],
}

struct RvnetAlias {
    // Fields drop in declaration order: the link kinds first (deleting
    // every macvlan and ipvlan, and so every port), then the notifiers,
    // then the /proc/net/alias directories.
    _link: LinkRegistration<netlink::MacvlanKind>,
    _ipvlan: LinkRegistration<ipvlan_dev::IpvlanKind>,
    _events: NotifierRegistration<events::LowerEvents>,
    _ipvlan_events: NotifierRegistration<ipvlan_events::LowerEvents>,
    _ipvlan_addrs: AddrNotifiers<ipvlan_events::SlaveAddrs>,
    _l3s: L3Steering<ipvlan_dev::L3sSteer>,
    _proc: PernetRegistration<procfs::AliasNet>,
}

impl kernel::Module for RvnetAlias {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        ipvlan_dev::init_secret();
        let proc = PernetRegistration::new()?;
        let events = NotifierRegistration::new(events::LowerEvents)?;
        let ipvlan_events = NotifierRegistration::new(ipvlan_events::LowerEvents)?;
        let ipvlan_addrs = AddrNotifiers::new(ipvlan_events::SlaveAddrs)?;
        let l3s = L3Steering::new();
        let link = LinkRegistration::new()?;
        let ipvlan = LinkRegistration::new()?;
        Ok(RvnetAlias {
            _link: link,
            _ipvlan: ipvlan,
            _events: events,
            _ipvlan_events: ipvlan_events,
            _ipvlan_addrs: ipvlan_addrs,
            _l3s: l3s,
            _proc: proc,
        })
    }
}
