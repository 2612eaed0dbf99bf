// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/vlan/config` and `/proc/net/vlan/DEV`, per namespace, in the
//! format of `net/8021q/vlanproc.c`.

use crate::glue::link::Dev;
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::{PernetId, PernetOps};
use crate::glue::procfs::{remove_net_dir, ProcDir, SeqWriter, ShowDevice, ShowNet, ROOT_ONLY};
use crate::netlink::VlanKind;
use crate::rvnet_core::vlan_proc::{
    write_config_entry, write_config_header, write_device, DevCounters, DevReport,
};
use core::fmt;
use kernel::prelude::*;

const DIR_NAME: &CStr = c"vlan";

static VLAN_NET_ID: PernetId = PernetId::new();

/// A namespace's `/proc/net/vlan` directory.
pub(crate) struct VlanNet {
    dir: ProcDir,
}

impl PernetOps for VlanNet {
    const ID: &'static PernetId = &VLAN_NET_ID;

    fn init(net: &Net) -> Result<VlanNet> {
        let dir = ProcDir::create_in_net(net, DIR_NAME)?;
        if let Err(e) = dir.create_net_file::<ConfigFile>(c"config") {
            remove_net_dir(net, DIR_NAME);
            return Err(e);
        }
        Ok(VlanNet { dir })
    }

    fn exit(self, net: &Net) {
        remove_net_dir(net, DIR_NAME);
    }
}

/// Creates (or re-creates, after a rename) `/proc/net/vlan/DEV`.
pub(crate) fn add_device(vlan: Dev<'_, VlanKind>) -> Result {
    let dir = VlanNet::of(vlan.net()).dir;
    vlan.state().proc_file.create::<DeviceFile>(&dir, &vlan)
}

struct ConfigFile;

impl ShowNet for ConfigFile {
    const MODE: u16 = ROOT_ONLY;

    fn show(w: &mut SeqWriter, net: &Net) -> fmt::Result {
        write_config_header(w)?;
        let mut result = Ok(());
        net.for_each_device(|dev| {
            if let Some(vlan) = Dev::<VlanKind>::of(dev) {
                let s = vlan.state();
                result = result.and_then(|()| {
                    write_config_entry(w, dev.name_str(), s.vid(), s.real_dev().name_str())
                });
            }
        });
        result
    }
}

struct DeviceFile;

impl ShowDevice for DeviceFile {
    const MODE: u16 = ROOT_ONLY;

    fn show(w: &mut SeqWriter, dev: &NetDevice) -> fmt::Result {
        let Some(vlan) = Dev::<VlanKind>::of(dev) else {
            return Ok(());
        };
        let s = vlan.state();
        let stats = dev.stats();
        let ingress = vlan.header().ingress();
        s.with_egress(|egress| {
            write_device(
                w,
                &DevReport {
                    name: dev.name_str(),
                    vid: s.vid(),
                    flags: vlan.header().flags(),
                    priv_flags: dev.priv_flags(),
                    counters: DevCounters {
                        rx_packets: stats.rx_packets,
                        rx_bytes: stats.rx_bytes,
                        multicast: stats.multicast,
                        tx_packets: stats.tx_packets,
                        tx_bytes: stats.tx_bytes,
                    },
                    real_dev: s.real_dev().name_str(),
                    ingress: &ingress,
                    egress,
                },
            )
        })
    }
}
