// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/bridge/BRIDGE`, per namespace: a read-only view of a
//! bridge's spanning tree, ports and forwarding database (the text is the
//! core crate's, `rvnet_core::bridge::proc`).

use crate::glue::link::Dev;
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::{PernetId, PernetOps};
use crate::glue::procfs::{remove_net_dir, ProcDir, SeqWriter, ShowDevice, ROOT_ONLY};
use crate::glue::rcu::rcu_read;
use crate::glue::timer::{hz, jiffies};
use crate::netlink::BridgeKind;
use crate::rvnet_core::bridge::fdb::{FdbKey, LOCAL, STATIC};
use crate::rvnet_core::bridge::options::jiffies_to_clock_t;
use crate::rvnet_core::bridge::proc::{
    write_bridge, write_fdb, write_port, BridgeLine, FdbLine, PortLine,
};
use core::fmt;
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

const DIR_NAME: &CStr = c"bridge";

static BRIDGE_NET_ID: PernetId = PernetId::new();

/// A namespace's `/proc/net/bridge` directory.
pub(crate) struct BridgeNet {
    dir: ProcDir,
}

impl PernetOps for BridgeNet {
    const ID: &'static PernetId = &BRIDGE_NET_ID;

    fn init(net: &Net) -> Result<BridgeNet> {
        Ok(BridgeNet {
            dir: ProcDir::create_in_net(net, DIR_NAME)?,
        })
    }

    fn exit(self, net: &Net) {
        remove_net_dir(net, DIR_NAME);
    }
}

/// Creates (or re-creates, after a rename) `/proc/net/bridge/BRIDGE`.
pub(crate) fn add_device(br: Dev<'_, BridgeKind>) -> Result {
    let dir = BridgeNet::of(br.net()).dir;
    br.state().proc_file.create::<DeviceFile>(&dir, &br)
}

struct DeviceFile;

impl ShowDevice for DeviceFile {
    const MODE: u16 = ROOT_ONLY;

    fn show(w: &mut SeqWriter, dev: &NetDevice) -> fmt::Result {
        let Some(br) = Dev::<BridgeKind>::of(dev) else {
            return Ok(());
        };
        let s = br.state();
        let (stp, _) = s.stp.bridge_view();
        write_bridge(
            w,
            &BridgeLine {
                name: dev.name_str(),
                id: stp.bridge_id,
                root: stp.designated_root,
                root_port: stp.root_port,
                root_path_cost: stp.root_path_cost,
                stp_state: stp.stp_enabled as u32,
                topology_change: stp.topology_change,
                ageing_time: jiffies_to_clock_t(s.fdb.ageing_time.load(Relaxed), hz()),
                learned: s.fdb.learned(),
                max_learned: s.fdb.max_learned.load(Relaxed),
            },
        )?;
        for p in s.port_list().iter() {
            let Some(v) = s.stp.port_view(p.state().port_no) else {
                continue;
            };
            write_port(
                w,
                &PortLine {
                    no: v.port.port_no,
                    name: p.device().name_str(),
                    state: v.port.state,
                    priority: v.port.priority,
                    cost: v.port.path_cost,
                    flags: p.state().flags(),
                },
            )?;
        }
        let now = jiffies();
        rcu_read(|ctx| {
            let ports = s.ports.get(ctx);
            for e in s.fdb.walk(ctx) {
                let key = FdbKey::from_bits(e.key());
                let v = e.value();
                let kind = if v.has(LOCAL) {
                    "local"
                } else if v.has(STATIC) {
                    "static"
                } else {
                    "dynamic"
                };
                let port = ports
                    .get(v.port())
                    .map_or(dev.name_str(), |p| p.device().name_str());
                write_fdb(
                    w,
                    &FdbLine {
                        addr: key.addr,
                        vid: key.vid,
                        port,
                        kind,
                        updated: jiffies_to_clock_t(now.wrapping_sub(v.updated()), hz()),
                    },
                )?;
            }
            Ok(())
        })
    }
}
