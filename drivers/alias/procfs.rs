// SPDX-License-Identifier: GPL-2.0

//! `/proc/net/alias/LOWER`, per namespace (the lower's): a read-only list
//! of the macvlans or ipvlans on the lower device `LOWER`, one line each
//! (the text is the core crate's, `rvnet_core::alias::proc`). macvlan.ko
//! and ipvlan.ko have none.

use crate::dev::{flags_of, mode_of, Port};
use crate::glue::l3s;
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::{PernetId, PernetOps};
use crate::glue::procfs::{remove_net_dir, ProcDir, SeqWriter, ShowDevice, ROOT_ONLY};
use crate::glue::rcu::rcu_read;
use crate::ipvlan_dev::IpvPort;
use crate::rvnet_core::alias::macvlan::Mode;
use crate::rvnet_core::alias::proc::{write_ipvlan, write_macvlan};
use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;

const DIR_NAME: &CStr = c"alias";

static ALIAS_NET_ID: PernetId = PernetId::new();

/// A namespace's alias state: its `/proc/net/alias` directory, and how
/// many l3s ipvlan ports hold its netfilter hooks (`ipvl_nf_hook_refcnt`).
pub(crate) struct AliasNet {
    dir: ProcDir,
    /// Ports in l3s mode on lowers of this namespace. RTNL.
    pub(crate) l3s_ports: AtomicU32,
}

impl PernetOps for AliasNet {
    const ID: &'static PernetId = &ALIAS_NET_ID;

    fn init(net: &Net) -> Result<AliasNet> {
        Ok(AliasNet {
            dir: ProcDir::create_in_net(net, DIR_NAME)?,
            l3s_ports: AtomicU32::new(0),
        })
    }

    fn exit(self, net: &Net) {
        remove_net_dir(net, DIR_NAME);
        // `ipvlan_ns_exit()`: lowers go before their namespace, so no port
        // should hold the hooks any more.
        if self.l3s_ports.load(Relaxed) != 0 {
            l3s::unregister_hooks(net);
        }
    }
}

/// Creates (or re-creates, after a rename or a move to another
/// namespace) the port's `/proc/net/alias/LOWER`.
pub(crate) fn add_port(port: &Port) -> Result {
    let lower = port.device();
    let dir = AliasNet::of(lower.net()).dir;
    port.state().proc_file.create::<LowerFile>(&dir, lower)
}

struct LowerFile;

impl ShowDevice for LowerFile {
    const MODE: u16 = ROOT_ONLY;

    fn show(w: &mut SeqWriter, lower: &NetDevice) -> fmt::Result {
        rcu_read(|ctx| {
            let Some(port) = Port::of_rcu(lower, ctx) else {
                return Ok(());
            };
            let p = port.state();
            let sources = p.sources(ctx);
            for v in p.vlans(ctx) {
                let Some(vlan) = v.get() else {
                    continue;
                };
                let mode = mode_of(&vlan);
                let listed = sources.of(&vlan).filter(|_| mode == Mode::Source);
                write_macvlan(
                    w,
                    vlan.name_str(),
                    mode,
                    flags_of(&vlan),
                    vlan.mac(),
                    listed,
                )?;
            }
            Ok(())
        })
    }
}

/// Creates (or re-creates) an ipvlan port's `/proc/net/alias/LOWER`.
pub(crate) fn add_ipvlan_port(port: &IpvPort) -> Result {
    let lower = port.device();
    let dir = AliasNet::of(lower.net()).dir;
    port.state()
        .proc_file
        .create::<IpvlanLowerFile>(&dir, lower)
}

struct IpvlanLowerFile;

impl ShowDevice for IpvlanLowerFile {
    const MODE: u16 = ROOT_ONLY;

    fn show(w: &mut SeqWriter, lower: &NetDevice) -> fmt::Result {
        rcu_read(|ctx| {
            let Some(port) = IpvPort::of_rcu(lower, ctx) else {
                return Ok(());
            };
            let p = port.state();
            for s in p.slaves(ctx).iter().filter_map(|s| s.get()) {
                write_ipvlan(w, s.name_str(), p.mode(), p.flags(), s.mac())?;
            }
            Ok(())
        })
    }
}
