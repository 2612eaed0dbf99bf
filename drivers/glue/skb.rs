// SPDX-License-Identifier: GPL-2.0

//! Socket buffers, owned: each [`SkBuff`] is consumed or freed exactly once.

use super::bindings as b;
use super::netdev::NetDevice;
use core::ptr::NonNull;

/// An owned socket buffer. Dropping it frees it (`kfree_skb`).
pub struct SkBuff(NonNull<b::sk_buff>);

// SAFETY: An skb we own may be handed to any CPU.
unsafe impl Send for SkBuff {}

impl SkBuff {
    /// Takes ownership of `skb`.
    ///
    /// # Safety
    ///
    /// `skb` must be a valid skb whose ownership the caller passes on.
    pub(crate) unsafe fn from_raw(skb: *mut b::sk_buff) -> Option<SkBuff> {
        NonNull::new(skb).map(SkBuff)
    }

    /// Gives up ownership, returning the raw pointer.
    pub(crate) fn into_raw(self) -> *mut b::sk_buff {
        let p = self.0.as_ptr();
        core::mem::forget(self);
        p
    }

    fn raw(&self) -> *mut b::sk_buff {
        self.0.as_ptr()
    }

    /// Length of the data in bytes.
    pub fn len(&self) -> u32 {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_len(self.raw()) }
    }

    /// Whether the skb holds no data.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the skb to `dev`.
    pub fn set_dev(&mut self, dev: &NetDevice) {
        // SAFETY: We own the skb; `dev` is valid.
        unsafe { b::rvnet_skb_set_dev(self.raw(), dev.as_raw()) }
    }

    /// The queueing priority.
    pub fn priority(&self) -> u32 {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_priority(self.raw()) }
    }

    /// Sets the out-of-band VLAN tag (TPID in host order).
    pub fn put_vlan_tag(&mut self, proto: u16, tci: u16) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_vlan_put_tag(self.raw(), proto.to_be(), tci) }
    }

    /// Whether the frame already carries a `proto` tag in its header.
    pub fn has_inband_vlan_tag(&self, proto: u16) -> bool {
        // SAFETY: We own a valid skb whose data starts at the MAC header.
        unsafe { b::rvnet_skb_has_inband_tag(self.raw(), proto.to_be()) }
    }

    /// Queues the skb for transmission on its device (`dev_queue_xmit`);
    /// returns the `NET_XMIT_*` code.
    pub fn queue_xmit(self) -> i32 {
        // SAFETY: `dev_queue_xmit` consumes the skb in every case.
        unsafe { b::rvnet_dev_queue_xmit(self.into_raw()) }
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: We own the skb and release it exactly once.
        unsafe { b::rvnet_kfree_skb(self.0.as_ptr()) }
    }
}
