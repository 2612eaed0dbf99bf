// SPDX-License-Identifier: GPL-2.0

//! rvnet bond: link aggregation, a drop-in for `bonding`.
//!
//! `ip link add NAME type bond [mode MODE] [miimon MS] ...`, then
//! `ip link set DEV master NAME`.
//!
//! The module is laid out as `drivers/net/bonding`: `netlink.rs`
//! (rtnl_link_ops, `bond_netlink.c`), `options.rs` (`bond_options.c`),
//! `dev.rs` (enslaving, transmit, receive, MII monitoring:
//! `bond_main.c`), `arp.rs` (the ARP monitor), `ad.rs` (802.3ad: `bond_3ad.c`), `events.rs` (slave
//! events) and `procfs.rs` (`/proc/net/bonding`). The logic that needs no
//! kernel (hashing, option tables, state machines, the /proc text) is the
//! core crate's `bond` module.

// The core crate and the glue are shared by every rvnet module; each
// module uses part of them.
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod ad;
mod arp;
mod dev;
mod events;
mod netlink;
mod options;
mod procfs;

use glue::link::LinkRegistration;
use glue::notifier::NotifierRegistration;
use glue::pernet::PernetRegistration;
use kernel::prelude::*;

module! {
    type: RvnetBond,
    name: "rvnet_bond",
    authors: ["rvnet developers"],
    description: "rvnet link aggregation (bonding)",
    license: "GPL",
    alias: ["rtnl-link-bond"],
}

struct RvnetBond {
    // Fields drop in declaration order: the link kind first (deleting every
    // bond), then the notifier, then the /proc/net/bonding directories.
    _link: LinkRegistration<netlink::BondKind>,
    _events: NotifierRegistration<events::BondEvents>,
    _proc: PernetRegistration<procfs::BondNet>,
}

impl kernel::Module for RvnetBond {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let proc = PernetRegistration::new()?;
        let events = NotifierRegistration::new(events::BondEvents)?;
        let link = LinkRegistration::new()?;
        Ok(RvnetBond {
            _link: link,
            _events: events,
            _proc: proc,
        })
    }
}
