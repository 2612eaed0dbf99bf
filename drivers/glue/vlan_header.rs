// SPDX-License-Identifier: GPL-2.0

//! The C view of a VLAN device.
//!
//! The kernel's built-in VLAN helpers (`is_vlan_dev()`, `vlan_dev_real_dev()`,
//! `vlan_dev_vlan_id()`, bridge binding checks...) read `struct
//! vlan_dev_priv` from the private area of any device flagged
//! `IFF_802_1Q_VLAN`. A VLAN kind that sets the flag uses this header so
//! that those readers find what they expect.

use super::bindings as b;
use super::link::CHeader;
use super::netdev::NetDevice;
use kernel::types::Opaque;

/// `struct vlan_dev_priv`, zero-initialized, with the fields C reads kept
/// up to date.
#[repr(transparent)]
pub struct VlanHeader(Opaque<b::vlan_dev_priv>);

// SAFETY: Written under RTNL only; C readers tolerate racy reads.
unsafe impl Send for VlanHeader {}
// SAFETY: As above.
unsafe impl Sync for VlanHeader {}

impl CHeader for VlanHeader {}

/// `IFF_802_1Q_VLAN`: the private flag that makes C treat a device as a
/// VLAN device.
pub const IFF_802_1Q_VLAN: u32 = b::IFF_802_1Q_VLAN;

impl VlanHeader {
    /// Records the VLAN's identity. Before registration.
    pub fn set_identity(&self, real_dev: &NetDevice, proto: u16, vid: u16) {
        // SAFETY: The header is ours to write before registration.
        unsafe {
            let h = &mut *self.0.get();
            h.vlan_proto = proto.to_be();
            h.vlan_id = vid;
            h.real_dev = real_dev.as_raw();
        }
    }

    /// Records the VLAN flags (all fit in the C field). RTNL.
    pub fn set_flags(&self, flags: u32) {
        // SAFETY: Writers are serialized by RTNL.
        unsafe { (*self.0.get()).flags = flags as u16 }
    }
}
