// SPDX-License-Identifier: GPL-2.0

//! The C view of a macvlan device and of its lower's port flag.
//!
//! Kernel code outside macvlan.ko reads `struct macvlan_dev` from the
//! private area of any device flagged `IFF_MACVLAN`: `macvlan_dev_real_dev()`
//! (bonding's ALB, VLAN and bridge helpers, drivers with L2 forwarding
//! offload), `macvlan_count_rx()` and the mode. A kind that sets the flag
//! uses [`MacvlanHeader`] so that those readers find the device, its lower,
//! its counters, mode and flags where they expect them. The macvlan kind
//! keeps those values here only: the header is their single copy.

use super::bindings as b;
use super::link::CHeader;
use super::netdev::NetDevice;
use super::vlan_header::VlanStats;
use kernel::types::Opaque;

/// `IFF_MACVLAN`: the private flag of a macvlan device.
pub const IFF_MACVLAN: u32 = b::IFF_MACVLAN;
/// `IFF_MACVLAN_PORT`: the private flag of a device macvlans sit on.
pub const IFF_MACVLAN_PORT: u32 = b::IFF_MACVLAN_PORT;

/// `L1_CACHE_SHIFT` on x86-64, as `macvlan_hash_mix()` uses it.
const L1_CACHE_SHIFT: u32 = 6;

/// `struct macvlan_dev`, zero-initialized, with the fields C reads kept up
/// to date.
#[repr(transparent)]
pub struct MacvlanHeader(Opaque<b::macvlan_dev>);

// SAFETY: Written under RTNL only (or before registration); the datapath
// and C readers read single words, racily, as macvlan.ko's `READ_ONCE`s.
unsafe impl Send for MacvlanHeader {}
// SAFETY: As above.
unsafe impl Sync for MacvlanHeader {}

impl CHeader for MacvlanHeader {}

impl MacvlanHeader {
    /// Records the device, its lower and its counters. Before
    /// registration; the counters must outlive the device's registration.
    pub fn set_identity(&self, dev: &NetDevice, lower: &NetDevice, stats: &VlanStats) {
        // SAFETY: The header is ours to write before registration.
        unsafe {
            let h = &mut *self.0.get();
            h.dev = dev.as_raw();
            h.lowerdev = lower.as_raw();
            h.pcpu_stats = stats.raw();
        }
    }

    /// The mode (`MACVLAN_MODE_*`).
    pub fn mode(&self) -> u32 {
        // SAFETY: A word written under RTNL; racy readers see the old or
        // the new value (`READ_ONCE`).
        unsafe { core::ptr::read_volatile(&(*self.0.get()).mode) }
    }

    /// Records the mode. RTNL.
    pub fn set_mode(&self, mode: u32) {
        // SAFETY: Writers are serialized by RTNL (`WRITE_ONCE`).
        unsafe { core::ptr::write_volatile(&mut (*self.0.get()).mode, mode) }
    }

    /// The flags (`MACVLAN_FLAG_*`).
    pub fn flags(&self) -> u16 {
        // SAFETY: As in `mode`.
        unsafe { core::ptr::read_volatile(&(*self.0.get()).flags) }
    }

    /// Records the flags. RTNL.
    pub fn set_flags(&self, flags: u16) {
        // SAFETY: As in `set_mode`.
        unsafe { core::ptr::write_volatile(&mut (*self.0.get()).flags, flags) }
    }

    /// The number of source addresses (source mode).
    pub fn macaddr_count(&self) -> u32 {
        // SAFETY: As in `mode`.
        unsafe { core::ptr::read_volatile(&(*self.0.get()).macaddr_count) }
    }

    /// Records the number of source addresses. RTNL.
    pub fn set_macaddr_count(&self, count: u32) {
        // SAFETY: As in `set_mode`.
        unsafe { core::ptr::write_volatile(&mut (*self.0.get()).macaddr_count, count) }
    }

    /// The broadcast queue length this macvlan asked for.
    pub fn bc_queue_len_req(&self) -> u32 {
        // SAFETY: As in `mode`.
        unsafe { core::ptr::read_volatile(&(*self.0.get()).bc_queue_len_req) }
    }

    /// Records the broadcast queue length asked for. RTNL.
    pub fn set_bc_queue_len_req(&self, len: u32) {
        // SAFETY: As in `set_mode`.
        unsafe { core::ptr::write_volatile(&mut (*self.0.get()).bc_queue_len_req, len) }
    }

    /// `macvlan_hash_mix()`: the per-device salt of its multicast filter,
    /// from the header's address.
    pub fn hash_mix(&self) -> u32 {
        (self.0.get() as usize >> L1_CACHE_SHIFT) as u32
    }
}
