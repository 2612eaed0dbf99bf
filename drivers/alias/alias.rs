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

#[kunit_tests(rvnet_alias_core)]
mod tests {
    use crate::glue::bindings as b;
    use crate::rvnet_core::alias::ipvlan::{self, AddrKey, L3Frame, PortFlags, Tx};
    use crate::rvnet_core::alias::macvlan::{self, Mode};
    use crate::rvnet_core::alias::proc;
    use crate::rvnet_core::ether::MacAddr;
    use kernel::prelude::*;

    #[test]
    fn macvlan_modes_and_errnos_are_the_kernels() {
        let kernel = [
            b::MACVLAN_MODE_PRIVATE,
            b::MACVLAN_MODE_VEPA,
            b::MACVLAN_MODE_BRIDGE,
            b::MACVLAN_MODE_PASSTHRU,
            b::MACVLAN_MODE_SOURCE,
        ];
        for (mode, value) in Mode::ALL.into_iter().zip(kernel) {
            assert_eq!(mode.value(), value);
            assert_eq!(Mode::from_u32(value), Ok(mode));
        }
        assert!(Mode::from_u32(3).is_err());
        let errno = |e: macvlan::Error| -e.errno();
        assert_eq!(errno(macvlan::Error::AddressInUse), EADDRINUSE.to_errno());
        assert_eq!(errno(macvlan::Error::LowerBusy), EBUSY.to_errno());
        assert_eq!(
            errno(macvlan::Error::PortSettingsNeedCapability),
            EPERM.to_errno()
        );
        assert_eq!(errno(macvlan::Error::UnknownMode), EINVAL.to_errno());
    }

    /// An IPv4 header from `src` to `dst` and 8 bytes of payload, in a
    /// kernel buffer.
    fn ipv4(src: [u8; 4], dst: [u8; 4]) -> Result<KVec<u8>> {
        let mut p = KVec::with_capacity(28, GFP_KERNEL)?;
        p.extend_from_slice(&[0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0], GFP_KERNEL)?;
        p.extend_from_slice(&src, GFP_KERNEL)?;
        p.extend_from_slice(&dst, GFP_KERNEL)?;
        p.extend_from_slice(&[0; 8], GFP_KERNEL)?;
        Ok(p)
    }

    #[test]
    fn ipvlan_looks_up_by_the_right_address() -> Result {
        let p = ipv4([192, 0, 2, 1], [192, 0, 2, 9])?;
        let frame = L3Frame {
            protocol: ipvlan::ETH_P_IP,
            l3: &p,
            skb_len: p.len(),
            network_offset: 0,
            gso_tcp: false,
        };
        assert_eq!(
            ipvlan::lookup_key(&frame, true),
            Some(AddrKey::V4([192, 0, 2, 9]))
        );
        assert_eq!(
            ipvlan::lookup_key(&frame, false),
            Some(AddrKey::V4([192, 0, 2, 1]))
        );
        // A total length beyond the buffer: no lookup.
        let short = L3Frame {
            skb_len: 20,
            ..frame
        };
        assert_eq!(ipvlan::lookup_key(&short, true), None);
        Ok(())
    }

    #[test]
    fn ipvlan_transmit_decisions() {
        let shared = MacAddr([2, 0, 0, 0, 0, 1]);
        let other = MacAddr([2, 0, 0, 0, 0, 2]);
        let group = MacAddr([0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(ipvlan::xmit_l3(PortFlags::Bridge, true), Tx::Slave);
        assert_eq!(ipvlan::xmit_l3(PortFlags::Private, true), Tx::Drop);
        assert_eq!(ipvlan::xmit_l3(PortFlags::Vepa, true), Tx::Route);
        assert_eq!(
            ipvlan::xmit_l2(PortFlags::Bridge, shared, shared, false),
            Tx::Master
        );
        assert_eq!(
            ipvlan::xmit_l2(PortFlags::Bridge, group, shared, false),
            Tx::Backlog
        );
        assert_eq!(
            ipvlan::xmit_l2(PortFlags::Vepa, shared, shared, true),
            Tx::Out
        );
        assert_eq!(
            ipvlan::xmit_l2(PortFlags::Private, other, shared, true),
            Tx::Out
        );
    }

    /// A `core::fmt::Write` into a kernel vector.
    struct Text(KVec<u8>);

    impl core::fmt::Write for Text {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.0
                .extend_from_slice(s.as_bytes(), GFP_KERNEL)
                .map_err(|_| core::fmt::Error)
        }
    }

    #[test]
    fn proc_lines_in_a_kernel_buffer() -> Result {
        let mut t = Text(KVec::new());
        let mac = MacAddr([2, 0, 0, 0, 0, 0x0a]);
        let sources = [MacAddr([2, 0, 0, 0, 0, 1]), MacAddr([2, 0, 0, 0, 0, 2])];
        proc::write_macvlan(
            &mut t,
            "m0",
            Mode::Source,
            macvlan::Flags::NODST,
            mac,
            sources,
        )
        .map_err(|_| ENOMEM)?;
        proc::write_ipvlan(&mut t, "i0", ipvlan::Mode::L3s, PortFlags::Vepa, mac)
            .map_err(|_| ENOMEM)?;
        assert_eq!(
            &t.0[..],
            b"m0 kind macvlan mode source flags nodst mac 02:00:00:00:00:0a \
sources 02:00:00:00:00:01,02:00:00:00:00:02\n\
i0 kind ipvlan mode l3s flags vepa mac 02:00:00:00:00:0a\n"
        );
        Ok(())
    }
}
