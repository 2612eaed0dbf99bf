// SPDX-License-Identifier: GPL-2.0

//! Socket buffers, owned: each [`SkBuff`] is consumed or freed exactly once.

use super::bindings as b;
use super::netdev::NetDevice;
use crate::rvnet_core::ether::MacAddr;
use core::ptr::NonNull;

/// `PACKET_HOST`: the frame is for this host.
pub const PACKET_HOST: u8 = b::PACKET_HOST as u8;
/// `PACKET_MULTICAST`: the frame went to a multicast group.
pub const PACKET_MULTICAST: u8 = b::PACKET_MULTICAST as u8;
/// `PACKET_OTHERHOST`: the frame is for another host.
pub const PACKET_OTHERHOST: u8 = b::PACKET_OTHERHOST as u8;

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

    /// The device the skb is on.
    pub fn dev(&self) -> &NetDevice {
        // SAFETY: An skb in flight always has a valid device, kept alive by
        // the datapath's RCU section for as long as we hold the skb.
        unsafe { NetDevice::from_raw(b::rvnet_skb_dev(self.raw())) }
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

    /// Sets the queueing priority.
    pub fn set_priority(&mut self, prio: u32) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_set_priority(self.raw(), prio) }
    }

    /// The out-of-band (hwaccel) VLAN tag: TPID in host order and TCI.
    pub fn vlan_tag(&self) -> Option<(u16, u16)> {
        // SAFETY: We own a valid skb.
        unsafe {
            b::rvnet_skb_vlan_tag_present(self.raw()).then(|| {
                (
                    u16::from_be(b::rvnet_skb_vlan_proto(self.raw())),
                    b::rvnet_skb_vlan_tci(self.raw()),
                )
            })
        }
    }

    /// Sets the out-of-band VLAN tag (TPID in host order).
    pub fn put_vlan_tag(&mut self, proto: u16, tci: u16) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_vlan_put_tag(self.raw(), proto.to_be(), tci) }
    }

    /// Clears the out-of-band VLAN tag.
    pub fn clear_vlan_tag(&mut self) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_vlan_clear_tag(self.raw()) }
    }

    /// Whether the frame already carries a `proto` tag in its header.
    pub fn has_inband_vlan_tag(&self, proto: u16) -> bool {
        // SAFETY: We own a valid skb whose data starts at the MAC header.
        unsafe { b::rvnet_skb_has_inband_tag(self.raw(), proto.to_be()) }
    }

    /// Moves the out-of-band tag of a received skb back into its frame.
    /// The skb is freed on failure.
    pub fn reinsert_vlan_tag(self) -> Option<SkBuff> {
        // SAFETY: The helper consumes the skb and returns it, or a copy, or
        // null when it had to free it.
        unsafe { SkBuff::from_raw(b::rvnet_skb_reinsert_vlan_tag(self.into_raw())) }
    }

    /// The packet type (`PACKET_*`).
    pub fn pkt_type(&self) -> u8 {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_pkt_type(self.raw()) }
    }

    /// Sets the packet type.
    pub fn set_pkt_type(&mut self, t: u8) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_set_pkt_type(self.raw(), t) }
    }

    /// The destination address of a received frame.
    pub fn eth_dest(&self) -> MacAddr {
        let mut mac = MacAddr::ZERO;
        // SAFETY: A received skb has its MAC header set and at least an
        // Ethernet header in it.
        unsafe {
            core::ptr::copy_nonoverlapping(b::rvnet_skb_eth_dest(self.raw()), mac.0.as_mut_ptr(), 6)
        };
        mac
    }

    /// Makes sure the skb is not shared, cloning it if needed
    /// (`skb_share_check`). Frees it and returns `None` on failure.
    pub fn unshare(self) -> Option<SkBuff> {
        // SAFETY: The helper consumes the skb and returns an owned one.
        unsafe { SkBuff::from_raw(b::rvnet_skb_share_check(self.into_raw())) }
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
