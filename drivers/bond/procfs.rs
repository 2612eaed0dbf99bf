// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/bonding/BOND`, per namespace, in the format of
//! `bond_procfs.c` (the text itself is the core crate's).

use crate::glue::link::Dev;
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::{PernetId, PernetOps};
use crate::glue::procfs::{remove_net_dir, ProcDir, SeqWriter, ShowDevice, WORLD_READABLE};
use crate::netlink::BondKind;
use crate::options::MAX_ARP_TARGETS;
use crate::rvnet_core::bond::proc::{write_bond, AdBondView, BondView, SlaveView};
use core::fmt;
use kernel::prelude::*;

const DIR_NAME: &CStr = c"bonding";

/// The driver version line's version, as bonding.ko prints it.
const VERSION: &str = "7.3.4";

static BOND_NET_ID: PernetId = PernetId::new();

/// A namespace's `/proc/net/bonding` directory.
pub(crate) struct BondNet {
    dir: ProcDir,
}

impl PernetOps for BondNet {
    const ID: &'static PernetId = &BOND_NET_ID;

    fn init(net: &Net) -> Result<BondNet> {
        Ok(BondNet {
            dir: ProcDir::create_in_net(net, DIR_NAME)?,
        })
    }

    fn exit(self, net: &Net) {
        remove_net_dir(net, DIR_NAME);
    }
}

/// Creates (or re-creates, after a rename) `/proc/net/bonding/BOND`. The
/// file is a view: without memory for it the bond works on and only a
/// warning says so (`bond_create_proc_entry()`).
pub(crate) fn add_device(bond: Dev<'_, BondKind>) {
    let dir = BondNet::of(bond.net()).dir;
    if bond
        .state()
        .proc_file
        .create::<DeviceFile>(&dir, &bond)
        .is_err()
    {
        pr_warn!(
            "{}: Cannot create /proc/net/bonding/{}\n",
            bond.name_str(),
            bond.name_str()
        );
    }
}

struct DeviceFile;

impl ShowDevice for DeviceFile {
    const MODE: u16 = WORLD_READABLE;

    fn show(w: &mut SeqWriter, dev: &NetDevice) -> fmt::Result {
        let Some(bond) = Dev::<BondKind>::of(dev) else {
            return Ok(());
        };
        let s = bond.state();
        let ctl = s.ctl.lock();
        let p = &ctl.params;
        let mut slaves =
            KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).map_err(|_| fmt::Error)?;
        for e in ctl.slaves.iter() {
            let slave = SlaveView {
                name: e.device().name_str(),
                link: e.link.link as i8,
                speed: e.link.speed,
                duplex: e.link.duplex,
                link_failure_count: e.link_failure_count,
                perm_hwaddr: &e.port.state().perm_hwaddr.0,
                queue_id: e.queue_id,
                ad: s.ad.slave_view(e.port.state().id),
            };
            slaves.push(slave, GFP_KERNEL).map_err(|_| fmt::Error)?;
        }
        let mut targets = [[0u8; 4]; MAX_ARP_TARGETS];
        for (t, v) in targets.iter_mut().zip(p.arp_targets.iter()) {
            *t = v.to_ne_bytes();
        }
        let primary = ctl
            .index_of(ctl.primary)
            .and_then(|i| ctl.slaves.get(i))
            .map(|e| e.device().name_str());
        let view = BondView {
            version: VERSION,
            name: dev.name_str(),
            mode: p.mode,
            fail_over_mac: p.fail_over_mac.into(),
            xmit_policy: p.xmit_policy.value().into(),
            tlb_dynamic_lb: p.tlb_dynamic_lb,
            primary: primary.or(p.has_primary().then(|| p.primary_name())),
            primary_reselect: p.primary_reselect as u64,
            active: ctl.active_entry().map(|e| e.device().name_str()),
            carrier: dev.carrier_ok(),
            miimon: p.miimon as i32,
            updelay: p.updelay as i32,
            downdelay: p.downdelay as i32,
            peer_notif_delay: p.peer_notif_delay as i32,
            arp_interval: p.arp_interval as i32,
            missed_max: p.missed_max,
            arp_targets: &targets[..p.arp_target_count()],
            ns_targets: &p.ns_targets,
            net_admin: true,
            ad: AdBondView {
                lacp_active: p.lacp_active,
                lacp_fast: p.lacp_fast,
                min_links: p.min_links,
                ad_select: p.ad_select.into(),
                system_priority: p.ad_actor_sys_prio,
                system_mac: s.ad.system_mac(&bond, p),
                active_aggregator: s.ad.active_agg_info(),
            },
            slaves: &slaves,
        };
        write_bond(w, &view)
    }
}
