// SPDX-License-Identifier: GPL-2.0

//! What events on a lower device do to its macvlans
//! (`macvlan_device_event()`): state, features and MTU propagate, a
//! passthru macvlan follows its lower's address, the lower's type may not
//! change, and a lower that goes away takes its macvlans with it (not when
//! it only moves to another namespace). The port's `/proc/net/alias` file
//! follows the lower's name and namespace. [`follow_lower`] is the part
//! ipvlan's notifier shares.

use crate::dev::{self, Port};
use crate::glue::link::{DevRef, LinkOps};
use crate::glue::netdev::{NetDevice, UnregisterQueue};
use crate::glue::notifier::{
    NetdevEvents, NETDEV_BONDING_FAILOVER, NETDEV_CHANGE, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU,
    NETDEV_CHANGENAME, NETDEV_DOWN, NETDEV_FEAT_CHANGE, NETDEV_NOTIFY_PEERS,
    NETDEV_PRE_TYPE_CHANGE, NETDEV_REGISTER, NETDEV_RESEND_IGMP, NETDEV_UNREGISTER, NETDEV_UP,
};
use crate::procfs;
use crate::rvnet_core::alias::macvlan::mtu_after_lower_change;
use kernel::prelude::*;
use kernel::sync::Arc;

/// What macvlan's and ipvlan's notifiers do alike on `event` of `lower`,
/// whose uppers `uppers` lists: state, features and peer notifications
/// propagate, a lower going away takes its uppers with it, and the lower
/// may not change its type. `Ok(false)` for the events each kind handles
/// its own way.
pub(crate) fn follow_lower<K: LinkOps>(
    event: u32,
    lower: &NetDevice,
    uppers: impl Fn() -> KVec<Arc<DevRef<K>>>,
) -> Result<bool> {
    match event {
        NETDEV_UP | NETDEV_DOWN | NETDEV_CHANGE => {
            for v in uppers().iter().filter_map(|v| v.get()) {
                v.transfer_operstate_from(lower);
            }
        }
        NETDEV_FEAT_CHANGE => {
            for v in uppers().iter().filter_map(|v| v.get()) {
                v.inherit_macvlan_layout(lower);
                v.update_features();
            }
        }
        NETDEV_UNREGISTER if lower.is_unregistering() => {
            let list = uppers();
            UnregisterQueue::run(|queue| {
                for v in list.iter().filter_map(|v| v.get()) {
                    K::dellink(v, queue);
                }
            });
        }
        // The lower may not change its type under its uppers.
        NETDEV_PRE_TYPE_CHANGE => return Err(EPERM),
        NETDEV_NOTIFY_PEERS | NETDEV_BONDING_FAILOVER | NETDEV_RESEND_IGMP => {
            for v in uppers().iter().filter_map(|v| v.get()) {
                v.notify(event);
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The module's netdevice notifier.
pub(crate) struct LowerEvents;

impl NetdevEvents for LowerEvents {
    fn event(&self, event: u32, lower: &NetDevice) -> Result {
        let Some(port) = Port::of(lower) else {
            return Ok(());
        };
        let vlans = || port.state().vlan_list();
        if follow_lower(event, lower, vlans)? {
            return Ok(());
        }
        match event {
            NETDEV_CHANGEMTU => {
                for v in vlans().iter().filter_map(|v| v.get()) {
                    if let Some(mtu) = mtu_after_lower_change(v.mtu(), lower.mtu()) {
                        let _ = v.change_mtu(mtu);
                    }
                }
            }
            NETDEV_CHANGEADDR if port.state().passthru() => {
                let list = vlans();
                if let Some(v) = list.first().and_then(|v| v.get()) {
                    dev::sync_address(v, lower.mac()).map_err(|_| EPERM)?;
                }
            }
            // Moving to another namespace: the file moves too.
            NETDEV_UNREGISTER => port.state().proc_file.remove(),
            NETDEV_REGISTER | NETDEV_CHANGENAME => {
                // The file is a view; the port works without it.
                let _ = procfs::add_port(&port);
            }
            _ => {}
        }
        Ok(())
    }
}
