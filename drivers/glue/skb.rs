// SPDX-License-Identifier: GPL-2.0

//! Socket buffers, owned: each [`SkBuff`] is consumed or freed exactly once.

use super::bindings as b;
use super::netdev::NetDevice;
use crate::rvnet_core::ether::{MacAddr, ETH_ALEN};
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

    /// A new skb holding `frame` (an Ethernet frame with protocol
    /// `protocol`, host order) to send on `dev` at control priority.
    pub fn from_frame(dev: &NetDevice, frame: &[u8], protocol: u16) -> Option<SkBuff> {
        // SAFETY: `dev` is valid; the frame is copied into a new skb that
        // we own.
        unsafe {
            SkBuff::from_raw(b::rvnet_skb_from_frame(
                dev.as_raw(),
                frame.as_ptr(),
                frame.len() as u32,
                protocol,
            ))
        }
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

    /// The raw pointer, for the glue's helpers that do not take ownership.
    pub(crate) fn as_raw(&self) -> *mut b::sk_buff {
        self.raw()
    }

    /// Frees the skb as consumed, not dropped (`consume_skb`).
    pub fn consume(self) {
        // SAFETY: We own the skb; the call frees it.
        unsafe { b::rvnet_consume_skb(self.into_raw()) }
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

    /// The device the skb is on (raw, for the receive path).
    pub(crate) fn dev_raw(&self) -> *mut b::net_device {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_dev(self.raw()) }
    }

    /// Makes the skb private to us if it is shared (`skb_share_check`);
    /// `None` when that failed (the skb was freed).
    pub fn unshare(self) -> Option<SkBuff> {
        // SAFETY: We own the skb; the helper consumes it and returns an
        // owned one or NULL.
        unsafe { SkBuff::from_raw(b::rvnet_skb_share_check(self.into_raw())) }
    }

    /// A clone sharing the data (`skb_clone`, atomic allocation).
    pub fn try_clone(&self) -> Option<SkBuff> {
        // SAFETY: We own a valid skb; the clone is a new owned skb.
        unsafe { SkBuff::from_raw(b::rvnet_skb_clone(self.raw())) }
    }

    /// `skb->protocol`, host order.
    pub fn protocol(&self) -> u16 {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_protocol(self.raw()) }
    }

    /// Calls `f` with what transmit dispatch and receive handlers read of
    /// the skb, fetched in one call: its first `N` bytes from the MAC
    /// header (fewer if the frame is shorter) and the metadata next to
    /// them. The bytes are the linear data in place when it holds them;
    /// otherwise (rarely) a copy on the stack.
    pub fn with_view<const N: usize, R>(&self, f: impl FnOnce(&SkbView<'_>) -> R) -> R {
        let mut v = b::rvnet_skb_view::default();
        // SAFETY: We own a valid skb; `v` is writable.
        unsafe { b::rvnet_skb_view(self.raw(), &mut v) };
        // SAFETY: `mac` points at `mac_linear` linear bytes of the skb,
        // which live as long as our ownership of it.
        let linear = unsafe { core::slice::from_raw_parts(v.mac, v.mac_linear as usize) };
        if linear.len() >= N || linear.len() >= v.len as usize {
            return f(&SkbView::new(linear, &v));
        }
        self.with_copied_view::<N, R>(&v, f)
    }

    /// The destination and source Ethernet addresses at the MAC header,
    /// read in place, and whether the frame is one of ours coming back
    /// (`PACKET_LOOPBACK`); `None` when the linear data does not hold them.
    pub fn eth_addrs(&self) -> Option<(MacAddr, MacAddr, bool)> {
        let mut looped_back = false;
        // SAFETY: We own a valid skb; `looped_back` is writable.
        let hdr = unsafe { b::rvnet_skb_eth_addrs(self.raw(), &mut looped_back) };
        if hdr.is_null() {
            return None;
        }
        // SAFETY: `hdr` points at 12 linear bytes of the skb, which live as
        // long as our ownership of it.
        let [dst, src] = unsafe { *hdr.cast::<[[u8; ETH_ALEN]; 2]>() };
        Some((MacAddr(dst), MacAddr(src), looped_back))
    }

    #[cold]
    fn with_copied_view<const N: usize, R>(
        &self,
        v: &b::rvnet_skb_view,
        f: impl FnOnce(&SkbView<'_>) -> R,
    ) -> R {
        let mut buf = [0u8; N];
        // SAFETY: We own a valid skb and `buf` is writable for `N` bytes.
        let n = unsafe { b::rvnet_skb_copy_head(self.raw(), buf.as_mut_ptr(), N as u32) };
        f(&SkbView::new(buf.get(..n as usize).unwrap_or(&[]), v))
    }

    /// Sends the skb out by `to`, as a bridge forwards: a received frame
    /// (data after its Ethernet header: `received`) has the header pushed
    /// back and its receive checksum dropped; frames too big for `to` are
    /// dropped (`br_dev_queue_push_xmit()`).
    pub fn forward_to(self, to: &NetDevice, received: bool) {
        // SAFETY: We own the skb, which the call consumes; `to` is valid.
        unsafe { b::rvnet_skb_forward(self.into_raw(), to.as_raw(), received) }
    }

    /// Marks the frame as addressed to this host (`PACKET_HOST`).
    pub fn set_pkt_type_host(&mut self) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_set_pkt_type(self.raw(), b::PACKET_HOST as u8) }
    }

    /// Marks the frame as a group frame (`PACKET_BROADCAST` or
    /// `PACKET_MULTICAST`).
    pub fn set_pkt_type_group(&mut self, broadcast: bool) {
        let kind = if broadcast {
            b::PACKET_BROADCAST
        } else {
            b::PACKET_MULTICAST
        };
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_set_pkt_type(self.raw(), kind as u8) }
    }

    /// Queues the frame for the receive path of its device (`netif_rx`);
    /// whether it was queued.
    pub fn netif_rx(self) -> bool {
        // SAFETY: `netif_rx` consumes the skb in every case.
        unsafe { b::rvnet_netif_rx(self.into_raw()) }
    }

    /// Hands a frame being sent to `dev`'s receive path, as if `dev` had
    /// received it (`__dev_forward_skb()` then `netif_rx()`); whether it was
    /// queued.
    pub fn forward_into(self, dev: &NetDevice) -> bool {
        // SAFETY: Both calls together consume the skb; `dev` is valid.
        unsafe { b::rvnet_dev_forward_skb_rx(dev.as_raw(), self.into_raw()) }
    }

    /// Loops a frame being sent back through `dev`'s receive path
    /// (`dev_forward_skb()`), so that `dev`'s receive handler and taps see
    /// it.
    pub fn loop_through(self, dev: &NetDevice) {
        // SAFETY: `dev_forward_skb` consumes the skb; `dev` is valid.
        unsafe { b::rvnet_dev_forward_skb(dev.as_raw(), self.into_raw()) }
    }

    /// Reassembles an IPv4 fragment received on a macvlan port
    /// (`ip_check_defrag(..., IP_DEFRAG_MACVLAN)`): the whole frame, the
    /// frame itself when it is no fragment, or `None` while the rest is
    /// awaited (the fragment was queued) or on error (it was freed).
    pub fn defrag_macvlan(self) -> Option<SkBuff> {
        // SAFETY: We own the skb, which the call consumes, returning an
        // owned one or NULL.
        unsafe { SkBuff::from_raw(b::rvnet_ip_check_defrag_macvlan(self.into_raw())) }
    }

    /// Drops what must not follow a frame into another device's stack
    /// (`skb_scrub_packet()`); `xnet`: another namespace's.
    pub fn scrub(&mut self, xnet: bool) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_scrub(self.raw(), xnet) }
    }

    /// Makes the current data start the MAC header
    /// (`skb_reset_mac_header()`).
    pub fn reset_mac_header(&mut self) {
        // SAFETY: We own a valid skb.
        unsafe { b::rvnet_skb_reset_mac_header(self.raw()) }
    }

    /// Sends a unicast IPv4 or IPv6 frame as a router on `via` would
    /// (ipvlan's layer-3 transmit): scrubbed, its Ethernet header removed,
    /// routed in `via`'s namespace and sent with `ip_local_out()`. Failures
    /// count in `via`'s `tx_errors`. Returns the `NET_XMIT_*` code (or a
    /// negative errno from IPv6 routing).
    pub fn route_out(self, via: &NetDevice) -> i32 {
        // SAFETY: The helper consumes the skb in every case; `via` is
        // valid.
        unsafe { b::rvnet_skb_route_out(self.into_raw(), via.as_raw()) }
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

/// An skb's first bytes and the metadata next to them
/// ([`SkBuff::with_view`]).
pub struct SkbView<'a> {
    /// The frame from its MAC header on (possibly shortened).
    pub headers: &'a [u8],
    /// `skb->protocol`, host order.
    pub protocol: u16,
    /// The out-of-band VLAN tag's TCI, if any.
    pub vlan_tci: Option<u16>,
    /// `skb->hash` when it is a layer-4 hash.
    pub l4_hash: Option<u32>,
    /// Whether the frame is one of our own coming back
    /// (`PACKET_LOOPBACK`).
    pub looped_back: bool,
}

impl<'a> SkbView<'a> {
    fn new(headers: &'a [u8], v: &b::rvnet_skb_view) -> SkbView<'a> {
        SkbView {
            headers,
            protocol: v.protocol,
            vlan_tci: v.vlan_present.then_some(v.vlan_tci),
            l4_hash: v.l4_hash.then_some(v.hash),
            looped_back: u32::from(v.pkt_type) == b::PACKET_LOOPBACK,
        }
    }
}
