// SPDX-License-Identifier: GPL-2.0

//! rvnet's Ethernet bridge: a drop-in for bridge.ko (`net/bridge`), with
//! learning, ageing, flooding, FDB management, 802.1D spanning tree and a
//! `/proc/net/bridge` view.
//!
//! The files follow `net/bridge`: `netlink.rs` (`br_netlink.c`), `dev.rs`
//! (`br_device.c`, `br_if.c`, `br_input.c`, `br_forward.c`), `fdb.rs`
//! (`br_fdb.c`), `stp.rs` (`br_stp_if.c`, `br_stp_timer.c`), `events.rs`
//! (`br.c`'s notifier) and `procfs.rs`. The pure logic is the core crate's
//! (`rvnet_core::bridge`).

#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod dev;
mod events;
mod fdb;
mod netlink;
mod procfs;
mod stp;

use glue::link::LinkRegistration;
use glue::notifier::NotifierRegistration;
use glue::pernet::PernetRegistration;
use kernel::prelude::*;

module! {
    type: RvnetBridge,
    name: "rvnet_bridge",
    authors: ["rvnet developers"],
    description: "rvnet Ethernet bridge",
    license: "GPL",
    alias: ["rtnl-link-bridge"],
}

struct RvnetBridge {
    _link: LinkRegistration<netlink::BridgeKind>,
    _events: NotifierRegistration<events::BridgeEvents>,
    _proc: PernetRegistration<procfs::BridgeNet>,
}

impl kernel::Module for RvnetBridge {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let proc = PernetRegistration::new()?;
        let events = NotifierRegistration::new(events::BridgeEvents)?;
        let link = LinkRegistration::<netlink::BridgeKind>::new()?;
        Ok(RvnetBridge {
            _link: link,
            _events: events,
            _proc: proc,
        })
    }
}

#[kunit_tests(rvnet_bridge_core)]
mod tests {
    use crate::glue::hash::RcuHash;
    use crate::glue::rcu::rcu_read;
    use crate::rvnet_core::bridge::bpdu::{self, build_config_frame, ConfigBpdu, CONFIG_FRAME_LEN};
    use crate::rvnet_core::bridge::fdb::{FdbEntry, FdbKey};
    use crate::rvnet_core::ether::MacAddr;
    use kernel::prelude::*;

    fn key(n: u32) -> u64 {
        let b = n.to_be_bytes();
        FdbKey::new(MacAddr([2, 0, b[0], b[1], b[2], b[3]]), 0).to_bits()
    }

    #[test]
    fn hash_table_finds_walks_and_removes() -> Result {
        let t = RcuHash::<FdbEntry>::new()?;
        {
            let mut w = t.lock();
            for n in 0..1000 {
                w.insert(key(n), FdbEntry::new((n % 7) as u16, 0, u64::from(n)))?;
            }
            assert!(w.insert(key(5), FdbEntry::new(1, 0, 0)).is_err());
        }
        rcu_read(|ctx| {
            assert_eq!(
                t.get(key(999), ctx).map(|e| e.port()),
                Some((999 % 7) as u16)
            );
            assert!(t.get(key(1000), ctx).is_none());
            // Newest first.
            let first: KVec<u64> = {
                let mut v = KVec::new();
                for e in t.walk(ctx).take(2) {
                    let _ = v.push(e.key(), GFP_KERNEL);
                }
                v
            };
            assert_eq!(&first[..], &[key(999), key(998)]);
        });
        {
            let mut w = t.lock();
            w.remove_if(|_, e| e.port() == 0);
            assert!(!w.remove(key(0)));
            assert!(w.remove(key(1)));
        }
        rcu_read(|ctx| {
            assert_eq!(t.walk(ctx).count(), 1000 - 143 - 1);
            assert!(t.get(key(7), ctx).is_none());
        });
        Ok(())
    }

    #[test]
    fn bpdu_frame_round_trips() -> Result {
        let mut buf = KVec::from_elem(0u8, CONFIG_FRAME_LEN, GFP_KERNEL)?;
        let b = ConfigBpdu::default();
        let len = build_config_frame(
            &mut buf,
            bpdu::STP_GROUP_ADDR,
            MacAddr([2, 0, 0, 0, 0, 7]),
            &b,
        )
        .ok_or(EINVAL)?;
        assert_eq!(len, CONFIG_FRAME_LEN);
        assert_eq!(&buf[12..17], &[0, 38, 0x42, 0x42, 0x03]);
        let rx = bpdu::parse(&buf[..len]).ok_or(EINVAL)?;
        assert_eq!(rx.bpdu, bpdu::Bpdu::Config(b));
        Ok(())
    }
}
