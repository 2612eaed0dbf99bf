// SPDX-License-Identifier: GPL-2.0

//! What events on slaves and on the bond itself do
//! (`bond_netdev_event`): a slave's unregistration releases it, its state
//! changes refresh the transmit table, a rename may change the primary; a
//! renamed bond moves its `/proc/net/bonding` file.

use crate::dev::{self, Slave};
use crate::glue::link::Dev;
use crate::glue::netdev::NetDevice;
use crate::glue::notifier::{
    NetdevEvents, NETDEV_CHANGE, NETDEV_CHANGENAME, NETDEV_DOWN, NETDEV_FEAT_CHANGE,
    NETDEV_RESEND_IGMP, NETDEV_UNREGISTER, NETDEV_UP,
};
use crate::glue::port::Port;
use crate::netlink::BondKind;
use kernel::prelude::*;

/// The module's netdevice notifier.
pub(crate) struct BondEvents;

impl NetdevEvents for BondEvents {
    fn event(&self, event: u32, dev: &NetDevice) -> Result {
        if let Some(bond) = Dev::<BondKind>::of(dev) {
            if event == NETDEV_CHANGENAME {
                bond.state().proc_file.remove();
                crate::procfs::add_device(bond);
            }
        }
        let Some(port) = Port::<Slave>::of(dev) else {
            return Ok(());
        };
        let Some(bond) = port.master_rtnl() else {
            return Ok(());
        };
        match event {
            NETDEV_UNREGISTER => {
                let _ = dev::release(bond, dev, true);
            }
            NETDEV_UP | NETDEV_CHANGE => dev::slave_changed(bond, dev, true),
            NETDEV_DOWN => dev::slave_changed(bond, dev, false),
            NETDEV_CHANGENAME => dev::slave_renamed(bond, dev),
            NETDEV_FEAT_CHANGE => bond.compute_upper_features(true),
            // Passed up to the bond (and to what sits on it).
            NETDEV_RESEND_IGMP => bond.notify(NETDEV_RESEND_IGMP),
            _ => {}
        }
        Ok(())
    }
}
