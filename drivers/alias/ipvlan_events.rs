// SPDX-License-Identifier: GPL-2.0

//! What events do to ipvlans: events on a lower device
//! (`ipvlan_device_event()`: state, features, MTU and address propagate,
//! address and type changes may be vetoed, a lower that goes away takes
//! its slaves with it, not when it only moves to another namespace), and
//! addresses added to and removed from the slaves
//! (`ipvlan_addr{4,6}_event()`, `ipvlan_addr{4,6}_validator_event()`).

use crate::events::follow_lower;
use crate::glue::attr::ExtAck;
use crate::glue::inetaddr::{AddrEvents, InetAddr};
use crate::glue::link::Dev;
use crate::glue::netdev::NetDevice;
use crate::glue::notifier::{
    NetdevEvents, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU, NETDEV_CHANGENAME, NETDEV_REGISTER,
    NETDEV_UNREGISTER,
};
use crate::ipvlan_dev::{fail, follow_l3s_hooks, release_l3s_hooks, IpvPort, IpvlanKind};
use crate::procfs;
use crate::rvnet_core::alias::ipvlan::{check_new_addr, AddrKey};
use crate::rvnet_core::ether::MacAddr;
use kernel::prelude::*;

/// The module's netdevice notifier for ipvlan lowers.
pub(crate) struct LowerEvents;

impl NetdevEvents for LowerEvents {
    fn event(&self, event: u32, lower: &NetDevice) -> Result {
        let Some(port) = IpvPort::of(lower) else {
            return Ok(());
        };
        let slaves = || port.state().slave_list();
        if follow_lower(event, lower, slaves)? {
            return Ok(());
        }
        match event {
            // The lower's MTU, both ways, without notifications.
            NETDEV_CHANGEMTU => {
                for s in slaves().iter().filter_map(|s| s.get()) {
                    s.store_mtu(lower.mtu());
                }
            }
            NETDEV_CHANGEADDR => {
                for s in slaves().iter().filter_map(|s| s.get()) {
                    s.set_mac(&lower.mac());
                    s.notify(NETDEV_CHANGEADDR);
                }
            }
            NETDEV_UNREGISTER => {
                // Moving to another namespace: the file and the l3s hooks
                // move too.
                port.state().proc_file.remove();
                release_l3s_hooks(&port);
            }
            NETDEV_REGISTER | NETDEV_CHANGENAME => {
                if event == NETDEV_REGISTER {
                    follow_l3s_hooks(&port)?;
                }
                // The file is a view; the port works without it.
                let _ = procfs::add_ipvlan_port(&port);
            }
            _ => {}
        }
        Ok(())
    }

    /// The slaves share the lower's address: each may veto its change.
    fn pre_changeaddr(&self, lower: &NetDevice, addr: MacAddr, extack: &ExtAck) -> Result {
        let Some(port) = IpvPort::of(lower) else {
            return Ok(());
        };
        for s in port.state().slave_list().iter() {
            s.device().pre_changeaddr_notify(&addr, extack)?;
        }
        Ok(())
    }
}

/// The port-wide key of an interface address.
fn key_of(addr: InetAddr) -> AddrKey {
    match addr {
        InetAddr::V4(a) => AddrKey::V4(a),
        InetAddr::V6(a) => AddrKey::V6(a),
    }
}

/// The module's address notifiers: the slaves' addresses fill their
/// port's table, and no two slaves of a port may share one.
pub(crate) struct SlaveAddrs;

impl AddrEvents for SlaveAddrs {
    fn address(&self, dev: &NetDevice, addr: InetAddr, up: bool) -> Result {
        let Some(slave) = Dev::<IpvlanKind>::of(dev) else {
            return Ok(());
        };
        let p = slave.state().port.state();
        if up {
            p.add_addr(&slave, key_of(addr))
        } else {
            p.del_addr(&slave, key_of(addr));
            Ok(())
        }
    }

    fn validate(&self, dev: &NetDevice, addr: InetAddr, extack: &ExtAck) -> Result {
        let Some(slave) = Dev::<IpvlanKind>::of(dev) else {
            return Ok(());
        };
        let busy = slave.state().port.state().addr_busy(&key_of(addr));
        check_new_addr(busy).map_err(|e| fail(extack, e))
    }
}
