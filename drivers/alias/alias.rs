// SPDX-License-Identifier: GPL-2.0

//! rvnet alias: several virtual interfaces on one Ethernet device, each
//! with its own address (macvlan), a drop-in for macvlan.ko
//! (`drivers/net/macvlan.c`).
//!
//! `ip link add link DEV name NAME [address MAC] type macvlan mode
//! private|vepa|bridge|passthru [nopromisc]|source [nodst] [bcqueuelen N]
//! [bclim N]`, `ip link set NAME type macvlan mode ...|macaddr ...`.
//!
//! The files: `netlink.rs` (the rtnl kind), `dev.rs` (the devices, their
//! port on the lower and the datapath), `events.rs` (lower device events)
//! and `procfs.rs` (`/proc/net/alias`). The pure logic is the core
//! crate's (`rvnet_core::alias`); `glue/macvlan_header.rs` is the C view
//! (`struct macvlan_dev`) kernel code reads.

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
    type: RvnetAlias,
    name: "rvnet_alias",
    authors: ["rvnet developers"],
    description: "rvnet macvlan devices",
    license: "GPL",
    alias: ["rtnl-link-macvlan"],
}

struct RvnetAlias {
    // Fields drop in declaration order: the link kind first (deleting every
    // macvlan, and so every port), then the notifier, then the
    // /proc/net/alias directories.
    _link: LinkRegistration<netlink::MacvlanKind>,
    _events: NotifierRegistration<events::LowerEvents>,
    _proc: PernetRegistration<procfs::AliasNet>,
}

impl kernel::Module for RvnetAlias {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let proc = PernetRegistration::new()?;
        let events = NotifierRegistration::new(events::LowerEvents)?;
        let link = LinkRegistration::new()?;
        Ok(RvnetAlias {
            _link: link,
            _events: events,
            _proc: proc,
        })
    }
}
