// SPDX-License-Identifier: GPL-2.0

//! What events on devices do to VLANs (`vlan_device_event()`): the lower's
//! state, address, MTU and features propagate to its VLANs, and a lower
//! that goes away takes its VLANs with it.

use crate::dev::{self, WORK_FEATURES, WORK_LINK_STATE, WORK_MTU};
use crate::glue::link::Dev;
use crate::glue::link::LinkOps;
use crate::glue::netdev::{feature_masks, NetDevice, UnregisterQueue};
use crate::glue::notifier::{
    NetdevEvents, NETDEV_BONDING_FAILOVER, NETDEV_CHANGE, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU,
    NETDEV_CHANGENAME, NETDEV_DOWN, NETDEV_FEAT_CHANGE, NETDEV_NOTIFY_PEERS,
    NETDEV_PRE_TYPE_CHANGE, NETDEV_REGISTER, NETDEV_RESEND_IGMP, NETDEV_UNREGISTER, NETDEV_UP,
};
use crate::glue::vlan_header::CoreGroup;
use crate::netlink::VlanKind;
use crate::procfs;
use crate::rvnet_core::ether::ETH_P_8021Q;
use kernel::prelude::*;

/// The module's netdevice notifier.
pub(crate) struct LowerEvents;

impl NetdevEvents for LowerEvents {
    fn event(&self, event: u32, dev: &NetDevice) -> Result {
        if let Some(vlan) = Dev::<VlanKind>::of(dev) {
            vlan_event(event, vlan)?;
        }
        match event {
            NETDEV_UP => add_vid0(dev),
            NETDEV_DOWN => del_vid0(dev),
            _ => {}
        }
        if CoreGroup::is_used(dev) {
            lower_event(event, dev)?;
        }
        Ok(())
    }
}

/// `vlan_vid0_add()`: a device that filters VLANs in hardware gets VLAN 0
/// in its filter while up, so that priority-tagged frames pass.
fn add_vid0(dev: &NetDevice) {
    if dev.features() & feature_masks().hw_vlan_ctag_filter == 0 {
        return;
    }
    pr_info!("adding VLAN 0 to HW filter on device {}\n", dev.name_str());
    if dev.vlan_vid_add(ETH_P_8021Q, 0).is_ok() {
        CoreGroup::set_auto_vid0(dev, true);
    }
}

/// `vlan_vid0_del()`: undoes [`add_vid0`] when the device goes down.
fn del_vid0(dev: &NetDevice) {
    if CoreGroup::auto_vid0(dev) {
        CoreGroup::set_auto_vid0(dev, false);
        dev.vlan_vid_del(ETH_P_8021Q, 0);
    }
}

/// Calls `f` on every VLAN of `lower`. RTNL.
fn for_each_vlan(lower: &NetDevice, f: impl FnMut(Dev<'_, VlanKind>)) {
    CoreGroup::for_each(lower, f)
}

/// Events on a VLAN device itself: its `/proc/net/vlan` file.
fn vlan_event(event: u32, vlan: Dev<'_, VlanKind>) -> Result {
    match event {
        NETDEV_REGISTER | NETDEV_CHANGENAME => procfs::add_device(vlan),
        NETDEV_UNREGISTER => {
            vlan.state().proc_file.remove();
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Events on a device that has VLANs.
fn lower_event(event: u32, lower: &NetDevice) -> Result {
    match event {
        NETDEV_CHANGE => for_each_vlan(lower, dev::transfer_operstate),
        NETDEV_CHANGEADDR => for_each_vlan(lower, |vlan| {
            if vlan.is_up() {
                dev::sync_address(vlan)
            }
        }),
        NETDEV_CHANGEMTU => for_each_vlan(lower, |vlan| {
            if vlan.mtu() > lower.mtu() {
                vlan.schedule_work(WORK_MTU)
            }
        }),
        NETDEV_FEAT_CHANGE => for_each_vlan(lower, |vlan| vlan.schedule_work(WORK_FEATURES)),
        NETDEV_DOWN | NETDEV_UP => for_each_vlan(lower, |vlan| vlan.schedule_work(WORK_LINK_STATE)),
        NETDEV_UNREGISTER => {
            // A move to another namespace keeps the VLANs.
            if lower.is_unregistering() {
                UnregisterQueue::run(|queue| {
                    for_each_vlan(lower, |vlan| VlanKind::dellink(vlan, queue))
                });
            }
        }
        // The lower may not change its type under its VLANs.
        NETDEV_PRE_TYPE_CHANGE => return Err(EPERM),
        NETDEV_NOTIFY_PEERS | NETDEV_BONDING_FAILOVER | NETDEV_RESEND_IGMP => {
            for_each_vlan(lower, |vlan| vlan.notify(event))
        }
        _ => {}
    }
    Ok(())
}
