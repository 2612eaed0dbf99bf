// SPDX-License-Identifier: GPL-2.0

//! Steering received IPv4 and IPv6 packets to the upper device that owns
//! their destination, on a lower that upper devices share without one
//! being its master (ipvlan's l3s, `ipvlan_l3s.c`): the lower's l3mdev
//! receive hook routes a packet as if its owner had received it, and a
//! `NF_INET_LOCAL_IN` hook in the lower's namespace then hands it to the
//! owner. The module names the owner ([`L3Steer`]).

use super::bindings as b;
use super::netdev::{Net, NetDevice};
use super::rcu::RcuSection;
use super::skb::SkBuff;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use kernel::error::Result;

/// Proof that the code holding it runs in the receive path (an RCU
/// read-side section).
pub struct L3Context(PhantomData<*const ()>);

impl RcuSection for L3Context {}

/// How a module names the owner of a received packet.
pub trait L3Steer: 'static {
    /// The device that owns the destination of `skb`, an IPv4 or IPv6
    /// packet received on `lower` (its data at the network header), if
    /// `lower` steers packets. `deliver`: the packet is being handed to
    /// that device now (the last call for it).
    fn steer<'a>(
        lower: &'a NetDevice,
        skb: &SkBuff,
        deliver: bool,
        ctx: &'a L3Context,
    ) -> Option<&'a NetDevice>;
}

/// The module's steering, in place while this lives (at most one per
/// module).
pub struct L3Steering<T: L3Steer>(PhantomData<T>);

impl<T: L3Steer> L3Steering<T> {
    /// Installs `T`'s steering.
    pub fn new() -> Self {
        // SAFETY: The function stays valid until `drop` removes it; no
        // lower steers without a registered owner (see `attach`).
        unsafe { b::rvnet_l3s_set_steer(Some(steer_callback::<T>)) };
        L3Steering(PhantomData)
    }
}

impl<T: L3Steer> Drop for L3Steering<T> {
    fn drop(&mut self) {
        // SAFETY: Clears what `new` set; hooks still running see either.
        unsafe { b::rvnet_l3s_set_steer(None) }
    }
}

/// Makes `lower`'s received packets go through the steering (`on`), or
/// stop. The caller keeps the hooks of `lower`'s namespace registered
/// meanwhile ([`register_hooks`]). RTNL.
pub fn attach(lower: &NetDevice, on: bool) {
    // SAFETY: `lower` is valid and the caller holds RTNL.
    unsafe { b::rvnet_l3s_attach(lower.as_raw(), on) }
}

/// Registers the `NF_INET_LOCAL_IN` hooks (IPv4, IPv6) in `net`; once per
/// namespace, balanced by [`unregister_hooks`]. RTNL.
pub fn register_hooks(net: &Net) -> Result {
    // SAFETY: `net` is valid; the hooks' tables are static.
    super::to_result(unsafe { b::rvnet_l3s_register_hooks(net.as_raw()) })
}

/// Unregisters what [`register_hooks`] registered in `net`. RTNL.
pub fn unregister_hooks(net: &Net) {
    // SAFETY: `net` is valid and its hooks are registered.
    unsafe { b::rvnet_l3s_unregister_hooks(net.as_raw()) }
}

/// # Safety
///
/// Called by the hooks in the receive path with a valid lower and skb.
unsafe extern "C" fn steer_callback<T: L3Steer>(
    lower: *mut b::net_device,
    skb: *mut b::sk_buff,
    deliver: bool,
) -> *mut b::net_device {
    // SAFETY: The hook's skb, borrowed for the call: never freed here.
    let Some(skb) = (unsafe { SkBuff::from_raw(skb) }).map(ManuallyDrop::new) else {
        return core::ptr::null_mut();
    };
    // SAFETY: The hook's device is valid during the call.
    let lower = unsafe { NetDevice::from_raw(lower) };
    let ctx = L3Context(PhantomData);
    T::steer(lower, &skb, deliver, &ctx).map_or(core::ptr::null_mut(), |d| d.as_raw())
}
