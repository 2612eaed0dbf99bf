// SPDX-License-Identifier: GPL-2.0

//! rvnet TEQL: the true (or trivial) link equalizer, a drop-in for
//! `sch_teql`.
//!
//! Loading the module creates `max_equalizers` masters, `teql0`..., each
//! with a qdisc of the same name. `tc qdisc add dev DEV root teql0` makes
//! DEV a slave of `teql0`; what is sent through `teql0` goes out round
//! robin over its slaves.
//!
//! The module is laid out as `net/sched/sch_teql.c` is: `qdisc.rs` (the
//! slaves' `Qdisc_ops`), `dev.rs` (the master device and its transmit),
//! and `procfs.rs` (rvnet's `/proc/net/teql`, which sch_teql does not
//! have). The rules are the core crate's (`rvnet_core::teql`); the qdisc
//! registration and the slave ring are `glue/qdisc.rs`, the master device
//! `glue/device.rs`.

// The core crate and the glue are shared by every rvnet module; each
// module uses part of them.
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod dev;
mod procfs;
mod qdisc;

use glue::procfs::InitNetFile;
use kernel::prelude::*;
use kernel::sync::Arc;

module! {
    type: RvnetTeql,
    name: "rvnet_teql",
    authors: ["rvnet developers"],
    description: "True (or trivial) link equalizer qdisc",
    license: "GPL",
    // `modprobe sch_teql`; as sch_teql.ko, no `net-sch-teql0` alias, so
    // `tc qdisc add` does not load the module.
    alias: ["sch_teql"],
    params: {
        max_equalizers: i32 {
            default: 1,
            description: "Max number of link equalizers",
        },
    },
}

struct RvnetTeql {
    // Fields drop in declaration order: /proc/net/teql first, then the
    // equalizers (each its qdisc, then its device).
    _proc: InitNetFile<procfs::Equalizers>,
    _equalizers: Arc<procfs::Equalizers>,
}

impl kernel::Module for RvnetTeql {
    fn init(module: &'static ThisModule) -> Result<Self> {
        // As teql_init(): create masters until one fails; fail only if
        // none was created (ENODEV for a count of 0 or less).
        let mut list = KVec::new();
        let mut err = ENODEV;
        for _ in 0..module_parameters::max_equalizers.value().max(0) {
            match dev::Equalizer::new(module) {
                Ok(e) => list.push(e, GFP_KERNEL)?,
                Err(e) => {
                    err = e;
                    break;
                }
            }
        }
        if list.is_empty() {
            return Err(err);
        }
        let equalizers = Arc::new(procfs::Equalizers(list), GFP_KERNEL)?;
        Ok(RvnetTeql {
            _proc: InitNetFile::new(c"teql", equalizers.clone())?,
            _equalizers: equalizers,
        })
    }
}

#[kunit_tests(rvnet_teql_core)]
mod tests {
    use crate::glue::bindings as b;
    use crate::rvnet_core::teql::{self, ring, LinkParams, OpenError, SlaveParams};
    use crate::rvnet_core::xmit::{xmit_outcome, XmitOutcome};
    use kernel::prelude::*;

    #[test]
    fn core_flags_are_the_kernels() {
        assert_eq!(teql::IFF_UP, b::IFF_UP);
        assert_eq!(teql::IFF_BROADCAST, b::IFF_BROADCAST);
        assert_eq!(teql::IFF_POINTOPOINT, b::IFF_POINTOPOINT);
        assert_eq!(teql::IFF_MULTICAST, b::IFF_MULTICAST);
    }

    #[test]
    fn driver_codes_classify_as_in_the_kernel() {
        assert_eq!(xmit_outcome(b::NETDEV_TX_OK), XmitOutcome::Sent);
        assert_eq!(xmit_outcome(b::NETDEV_TX_BUSY), XmitOutcome::Busy);
        assert_eq!(xmit_outcome(ENOMEM.to_errno()), XmitOutcome::Dropped);
    }

    #[test]
    fn join_open_and_ring_order() -> Result {
        let eth = |mtu| LinkParams {
            flags: b::IFF_BROADCAST | b::IFF_MULTICAST,
            mtu,
        };
        let master = LinkParams {
            flags: b::IFF_NOARP,
            mtu: 1500,
        };
        let m = teql::join(master, eth(1400), true).map_err(|_| EINVAL)?;
        assert_eq!(m.flags, b::IFF_NOARP | b::IFF_BROADCAST);
        assert_eq!(m.mtu, 1400);
        let up = LinkParams {
            flags: m.flags | b::IFF_UP,
            ..m
        };
        assert!(teql::join(up, eth(1300), false).is_err());
        let slave = |mtu| SlaveParams {
            link: eth(mtu),
            hard_header_len: 14,
        };
        assert_eq!(teql::open(0, [], 96), Err(OpenError::NoSlaves));
        assert_eq!(
            teql::open(0, [slave(9000), slave(1400)], 96).map(|p| p.mtu),
            Ok(1400)
        );
        // Three slaves joining in turn: the ring is first, third, second.
        let mut order = KVec::new();
        let mut head = 0;
        for id in 1..=3 {
            let (at, h) = ring::insert(head, order.len());
            order.insert_within_capacity(at, id).or_else(|_| {
                order.reserve(1, GFP_KERNEL)?;
                order.insert_within_capacity(at, id).map_err(|_| ENOMEM)
            })?;
            head = h;
        }
        assert_eq!(&order[..], &[1, 3, 2]);
        Ok(())
    }
}
