// SPDX-License-Identifier: GPL-2.0

//! What events on ports and on the bridge itself do (`br_device_event()`):
//! a port's unregistration removes it; its up, down and carrier changes
//! enable or disable it in the spanning tree; its address and MTU changes
//! move its FDB entry, the bridge's address and MTU; a renamed bridge
//! moves its `/proc/net/bridge` file.

use crate::dev::{self, BridgePort};
use crate::glue::link::{Dev, DeviceOps};
use crate::glue::netdev::NetDevice;
use crate::glue::notifier::{
    NetdevEvents, NETDEV_CHANGE, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU, NETDEV_CHANGENAME,
    NETDEV_DOWN, NETDEV_FEAT_CHANGE, NETDEV_PRE_TYPE_CHANGE, NETDEV_REGISTER, NETDEV_UNREGISTER,
    NETDEV_UP,
};
use crate::glue::port::Port;
use crate::netlink::BridgeKind;
use crate::rvnet_core::bridge::fdb::BRIDGE_ITSELF;
use kernel::prelude::*;

/// The module's netdevice notifier.
pub(crate) struct BridgeEvents;

impl NetdevEvents for BridgeEvents {
    fn event(&self, event: u32, dev: &NetDevice) -> Result {
        if let Some(br) = Dev::<BridgeKind>::of(dev) {
            match event {
                // `br_fdb_change_mac_address()` at registration.
                NETDEV_REGISTER => {
                    let _ = br.state().fdb.add_local(&br, BRIDGE_ITSELF, br.mac());
                }
                NETDEV_CHANGENAME => {
                    br.state().proc_file.remove();
                    crate::procfs::add_device(br)?;
                }
                _ => {}
            }
        }
        let Some(port) = Port::<BridgePort>::of(dev) else {
            return Ok(());
        };
        let Some(br) = port.master_rtnl() else {
            return Ok(());
        };
        let s = br.state();
        let port_no = port.state().port_no;
        let mut notified = false;
        match event {
            NETDEV_CHANGEMTU => dev::mtu_auto_adjust(&br),
            NETDEV_CHANGEADDR => {
                if let Some(old) = s.stp.port_view(port_no).map(|v| v.port.mac) {
                    s.fdb.port_address_changed(&br, port_no, old, dev.mac());
                }
                if s.stp.port_address_changed(&br, port_no, dev.mac()) {
                    br.notify(NETDEV_CHANGEADDR);
                }
            }
            NETDEV_CHANGE => notified = s.stp.carrier_check(&br, &port),
            NETDEV_FEAT_CHANGE => br.update_features(),
            NETDEV_DOWN => {
                if br.is_up() {
                    s.stp.disable_port(&br, port_no);
                    notified = true;
                }
            }
            NETDEV_UP => {
                if br.is_running() && dev.oper_up() {
                    s.stp.enable_port(&br, port_no);
                    notified = true;
                }
            }
            NETDEV_UNREGISTER => {
                let _ = BridgeKind::del_slave(br, dev);
                return Ok(());
            }
            // A port's type may not change under the bridge.
            NETDEV_PRE_TYPE_CHANGE => return Err(EBUSY),
            _ => {}
        }
        if !notified
            && matches!(
                event,
                NETDEV_CHANGEADDR | NETDEV_UP | NETDEV_CHANGE | NETDEV_DOWN
            )
        {
            crate::netlink::notify_port(&br, &port, false);
        }
        Ok(())
    }
}
