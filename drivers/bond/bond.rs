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
    params: {
        max_bonds: i32 {
            default: 1,
            description: "Max number of bonded devices",
        },
    },
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
        let link = LinkRegistration::<netlink::BondKind>::new()?;
        // As bonding.ko: `max_bonds` bonds named bond%d in the initial
        // namespace (0 for none; a negative count means the default, 1).
        let max_bonds = module_parameters::max_bonds.value();
        for _ in 0..if max_bonds < 0 { 1 } else { max_bonds } {
            link.create_in_init_net(c"bond%d")?;
        }
        Ok(RvnetBond {
            _link: link,
            _events: events,
            _proc: proc,
        })
    }
}

#[kunit_tests(rvnet_bond_core)]
mod tests {
    use crate::glue::netdev::{counters, counters_mut, LinkStats};
    use crate::options::{Mode, Params, SetContext};
    use crate::rvnet_core::bond::hash::{bond_xmit_hash, SkbMeta, XmitHashPolicy};
    use crate::rvnet_core::bond::lacp::{build_lacpdu_frame, Lacpdu, Port, LACPDU_FRAME_LEN};
    use crate::rvnet_core::bond::options::{BondState, OptionId};
    use crate::rvnet_core::bond::stats::fold_counters;
    use crate::rvnet_core::ether::MacAddr;
    use kernel::prelude::*;

    /// An IPv4/UDP frame in a kernel buffer.
    fn udp_frame(src_mac: u8, sport: u16) -> Result<KVec<u8>> {
        let mut f = KVec::with_capacity(42, GFP_KERNEL)?;
        f.extend_from_slice(
            &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, src_mac, 8, 0],
            GFP_KERNEL,
        )?;
        f.extend_from_slice(
            &[
                0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
            ],
            GFP_KERNEL,
        )?;
        f.extend_from_slice(&sport.to_be_bytes(), GFP_KERNEL)?;
        f.extend_from_slice(&[0x07, 0xd0, 0, 8, 0, 0], GFP_KERNEL)?;
        Ok(f)
    }

    #[test]
    fn layer34_hash_follows_ports_not_macs() -> Result {
        let a = udp_frame(1, 1000)?;
        let b = udp_frame(9, 1000)?;
        let c = udp_frame(1, 1001)?;
        let h = |f: &KVec<u8>| bond_xmit_hash(XmitHashPolicy::Layer34, f, &SkbMeta::for_frame(f));
        assert_eq!(h(&a), h(&b));
        assert_ne!(h(&a), h(&c));
        let l2 = |f: &KVec<u8>| bond_xmit_hash(XmitHashPolicy::Layer2, f, &SkbMeta::for_frame(f));
        assert_ne!(l2(&a), l2(&b));
        Ok(())
    }

    #[test]
    fn lacpdu_frame_round_trips() -> Result {
        let mut buf = KVec::from_elem(0u8, LACPDU_FRAME_LEN, GFP_KERNEL)?;
        let pdu = Port::default().lacpdu();
        let len = build_lacpdu_frame(&mut buf, MacAddr([2, 0, 0, 0, 0, 7]), &pdu).ok_or(EINVAL)?;
        assert_eq!(len, LACPDU_FRAME_LEN);
        assert_eq!(&buf[..6], &[0x01, 0x80, 0xc2, 0, 0, 2]);
        assert_eq!(&buf[12..14], &[0x88, 0x09]);
        assert_eq!(Lacpdu::parse(&buf[14..len]), Some(pdu));
        Ok(())
    }

    #[test]
    fn counters_fold_through_the_kernel_struct() -> Result {
        let (mut total, mut prev, mut now) = (
            LinkStats::default(),
            LinkStats::default(),
            LinkStats::default(),
        );
        prev.tx_packets = 10;
        now.tx_packets = 15;
        now.rx_bytes = 100;
        fold_counters(
            counters_mut(&mut total),
            counters(&now),
            counters_mut(&mut prev),
        );
        assert_eq!((total.tx_packets, total.rx_bytes), (5, 100));
        assert_eq!(prev.tx_packets, 15);
        Ok(())
    }

    #[test]
    fn options_keep_bonding_ko_rules() -> Result {
        let mut p = Params::default();
        let ctx = SetContext {
            state: BondState::default(),
        };
        let none = crate::glue::attr::ExtAck::none();
        p.set(OptionId::Mode, 1, &ctx, &none)?;
        assert!(p.mode == Mode::ActiveBackup);
        // A mode without ARP monitoring gets miimon 100 ...
        p.set(OptionId::Mode, 4, &ctx, &none)?;
        assert_eq!(p.miimon, 100);
        // ... and delays are kept in miimon ticks.
        p.set(OptionId::Updelay, 250, &ctx, &none)?;
        assert_eq!(p.updelay, 2);
        assert!(p.set(OptionId::Mode, 7, &ctx, &none).is_err());
        Ok(())
    }
}
