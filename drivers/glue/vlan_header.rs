// SPDX-License-Identifier: GPL-2.0

//! The C view of a VLAN device, and the kernel's own VLAN receive hook.
//!
//! The kernel's built-in VLAN code (`net/8021q/vlan_core.c`: `is_vlan_dev()`,
//! `vlan_dev_real_dev()`, the bridge's binding checks, and the receive hook
//! `vlan_do_receive()`) reads `struct vlan_dev_priv` from the private area of
//! any device flagged `IFF_802_1Q_VLAN`. A VLAN kind that sets the flag uses
//! [`VlanHeader`] so that those readers find what they expect: identity,
//! flags, ingress priority map and per-CPU counters.
//!
//! The receive hook finds VLAN devices in the lower's `vlan_info` group
//! (created by `vlan_vid_add()`), before any rx_handler runs. [`CoreGroup`]
//! puts a device there. That is how 8021q's VLANs receive, and so a VLAN
//! leaves its lower's single rx_handler slot free: the lower can be a
//! bridge port or a bond slave, before or after the VLAN is created.

use super::bindings as b;
use super::link::{CHeader, Dev, LinkOps};
use super::netdev::{LinkStats, NetDevice};
use super::to_result;
use crate::rvnet_core::vlan::IngressQosMap;
use core::ptr::NonNull;
use kernel::error::{code::ENOMEM, Result};
use kernel::types::Opaque;

/// `IFF_802_1Q_VLAN`: the private flag that makes C treat a device as a
/// VLAN device.
pub const IFF_802_1Q_VLAN: u32 = b::IFF_802_1Q_VLAN;

/// A VLAN device's per-CPU counters (`struct vlan_pcpu_stats`), which both
/// rvnet's datapath and the kernel's receive hook update.
pub struct VlanStats(NonNull<b::vlan_pcpu_stats>);

// SAFETY: Per-CPU counters are updated from any CPU, each its own copy.
unsafe impl Send for VlanStats {}
// SAFETY: As above.
unsafe impl Sync for VlanStats {}

impl VlanStats {
    /// Allocates zeroed counters.
    pub fn new() -> Result<VlanStats> {
        // SAFETY: Plain allocation.
        NonNull::new(unsafe { b::rvnet_vlan_stats_alloc() })
            .map(VlanStats)
            .ok_or(ENOMEM)
    }

    pub(super) fn raw(&self) -> *mut b::vlan_pcpu_stats {
        self.0.as_ptr()
    }

    /// Counts a received frame of `len` bytes.
    pub fn count_rx(&self, len: u32, multicast: bool) {
        // SAFETY: The counters are live; the helper updates this CPU's.
        unsafe { b::rvnet_vlan_stats_rx(self.raw(), len, multicast) }
    }

    /// Counts a transmitted frame of `len` bytes.
    pub fn count_tx(&self, len: u32) {
        // SAFETY: As in `count_rx`.
        unsafe { b::rvnet_vlan_stats_tx(self.raw(), len) }
    }

    /// Counts a received frame that could not be delivered (`rx_errors`).
    pub fn count_rx_error(&self) {
        // SAFETY: As in `count_rx`.
        unsafe { b::rvnet_vlan_stats_rx_error(self.raw()) }
    }

    /// Counts a frame the lower refused.
    pub fn count_tx_dropped(&self) {
        // SAFETY: As in `count_rx`.
        unsafe { b::rvnet_vlan_stats_tx_dropped(self.raw()) }
    }

    /// Sums the counters of every CPU into `stats`.
    pub fn fold(&self, stats: &mut LinkStats) {
        // SAFETY: The counters are live; `stats` is writable.
        unsafe { b::rvnet_vlan_stats_fold(self.raw(), stats) }
    }
}

impl Drop for VlanStats {
    fn drop(&mut self) {
        // SAFETY: Allocated in `new`; the owner drops it once nothing
        // (datapath or receive hook) can reach the device any more.
        unsafe { b::rvnet_vlan_stats_free(self.raw()) }
    }
}

/// `struct vlan_dev_priv`, zero-initialized, with the fields C reads kept
/// up to date.
#[repr(transparent)]
pub struct VlanHeader(Opaque<b::vlan_dev_priv>);

// SAFETY: Written under RTNL only; C readers tolerate racy reads.
unsafe impl Send for VlanHeader {}
// SAFETY: As above.
unsafe impl Sync for VlanHeader {}

impl CHeader for VlanHeader {}

impl VlanHeader {
    /// Records the VLAN's identity and counters. Before registration; the
    /// counters must outlive the device's registration.
    pub fn set_identity(&self, real_dev: &NetDevice, proto: u16, vid: u16, stats: &VlanStats) {
        // SAFETY: The header is ours to write before registration.
        unsafe {
            let h = &mut *self.0.get();
            h.vlan_proto = proto.to_be();
            h.vlan_id = vid;
            h.real_dev = real_dev.as_raw();
            h.vlan_pcpu_stats = stats.raw();
        }
    }

    /// The VLAN flags (`VLAN_FLAG_*`).
    pub fn flags(&self) -> u32 {
        // SAFETY: A plain read of a field written under RTNL; racy readers
        // see the old or the new value.
        unsafe { u32::from(core::ptr::read_volatile(&(*self.0.get()).flags)) }
    }

    /// Records the VLAN flags (all fit the C field). RTNL.
    pub fn set_flags(&self, flags: u32) {
        // SAFETY: Writers are serialized by RTNL; see `flags`.
        unsafe { core::ptr::write_volatile(&mut (*self.0.get()).flags, flags as u16) }
    }

    /// The ingress priority map, which the kernel's receive hook applies.
    pub fn ingress(&self) -> IngressQosMap {
        // SAFETY: As in `flags`.
        IngressQosMap::from_entries(unsafe {
            core::ptr::read_volatile(&(*self.0.get()).ingress_priority_map)
        })
    }

    /// Records the ingress priority map. RTNL.
    pub fn set_ingress(&self, ingress: &IngressQosMap) {
        // SAFETY: As in `set_flags`; the receive hook reads each word
        // racily, as it does 8021q's.
        unsafe {
            let h = &mut *self.0.get();
            core::ptr::write_volatile(&mut h.ingress_priority_map, *ingress.entries());
            h.nr_ingress_mappings = ingress.len() as u32;
        }
    }
}

/// The VLAN devices of a lower device's `vlan_info` group, where the
/// kernel's receive hook looks tagged frames up.
pub struct CoreGroup;

impl CoreGroup {
    /// Publishes `dev` as VLAN (`proto`, `vid`) of `real`, whose filter
    /// already holds the id (`vlan_vid_add`). RTNL.
    pub fn attach<T: LinkOps<Header = VlanHeader>>(
        real: &NetDevice,
        proto: u16,
        vid: u16,
        dev: Dev<'_, T>,
    ) -> Result {
        // SAFETY: Both devices are valid and the caller holds RTNL; `dev`
        // has a `vlan_dev_priv` header (the bound on `T`).
        to_result(unsafe {
            b::rvnet_vlan_core_attach(real.as_raw(), proto.to_be(), vid, dev.as_raw())
        })
    }

    /// Withdraws VLAN (`proto`, `vid`) of `real`. RTNL.
    pub fn detach(real: &NetDevice, proto: u16, vid: u16) {
        // SAFETY: `real` is valid and the caller holds RTNL.
        unsafe { b::rvnet_vlan_core_detach(real.as_raw(), proto.to_be(), vid) }
    }

    /// The device of kind `T` at (`proto`, `vid`) of `real`. RTNL.
    pub fn device<T: LinkOps<Header = VlanHeader>>(
        real: &NetDevice,
        proto: u16,
        vid: u16,
    ) -> Option<Dev<'_, T>> {
        // SAFETY: `real` is valid and the caller holds RTNL, which keeps a
        // published device registered.
        let dev = unsafe { b::rvnet_vlan_core_get(real.as_raw(), proto.to_be(), vid) };
        // SAFETY: See above.
        (!dev.is_null())
            .then(|| Dev::of(unsafe { NetDevice::from_raw(dev) }))
            .flatten()
    }

    /// Calls `f` on every device of kind `T` in `real`'s group. RTNL.
    pub fn for_each<T: LinkOps<Header = VlanHeader>>(
        real: &NetDevice,
        mut f: impl FnMut(Dev<'_, T>),
    ) {
        let mut pos = 0;
        loop {
            // SAFETY: `real` is valid and the caller holds RTNL; the helper
            // only reads the group.
            let dev = unsafe { b::rvnet_vlan_core_next(real.as_raw(), &mut pos) };
            if dev.is_null() {
                break;
            }
            // SAFETY: RTNL keeps a published device registered.
            if let Some(d) = Dev::of(unsafe { NetDevice::from_raw(dev) }) {
                f(d);
            }
        }
    }

    /// Whether VLAN 0 was added to `real`'s filter automatically (8021q's
    /// `auto_vid0`). RTNL.
    pub fn auto_vid0(real: &NetDevice) -> bool {
        // SAFETY: `real` is valid and the caller holds RTNL.
        unsafe { b::rvnet_vlan_core_auto_vid0(real.as_raw()) }
    }

    /// Records whether VLAN 0 was added automatically; needs the group,
    /// which adding any VLAN id to the filter creates. RTNL.
    pub fn set_auto_vid0(real: &NetDevice, on: bool) {
        // SAFETY: `real` is valid and the caller holds RTNL.
        unsafe { b::rvnet_vlan_core_set_auto_vid0(real.as_raw(), on) }
    }

    /// Whether `real` has VLAN devices in its group. RTNL.
    pub fn is_used(real: &NetDevice) -> bool {
        // SAFETY: `real` is valid and the caller holds RTNL.
        unsafe { b::rvnet_vlan_core_count(real.as_raw()) > 0 }
    }
}
