// SPDX-License-Identifier: GPL-2.0

//! Netdevice notifiers: how a module hears of events on devices it does
//! not own (down, up, MTU or address change, unregister).

use super::attr::ExtAck;
use super::bindings as b;
use super::netdev::NetDevice;
use crate::rvnet_core::ether::MacAddr;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::{Error, Result};
use kernel::ffi::{c_int, c_ulong, c_void};
use kernel::types::Opaque;

/// The events a [`NetdevEvents`] handler receives (`NETDEV_*`).
pub use b::{
    NETDEV_BONDING_FAILOVER, NETDEV_CHANGE, NETDEV_CHANGEADDR, NETDEV_CHANGEMTU, NETDEV_CHANGENAME,
    NETDEV_DOWN, NETDEV_FEAT_CHANGE, NETDEV_JOIN, NETDEV_NOTIFY_PEERS, NETDEV_PRE_CHANGEADDR,
    NETDEV_PRE_TYPE_CHANGE, NETDEV_REGISTER, NETDEV_RELEASE, NETDEV_RESEND_IGMP, NETDEV_UNREGISTER,
    NETDEV_UP,
};

/// A handler of netdevice events.
pub trait NetdevEvents: Send + Sync + 'static {
    /// Handles `event` on `dev`, under RTNL. An error vetoes events that
    /// can be vetoed (e.g. `NETDEV_PRE_TYPE_CHANGE`).
    fn event(&self, event: u32, dev: &NetDevice) -> Result;

    /// `NETDEV_PRE_CHANGEADDR`: `dev` is about to take `addr`; an error
    /// (with a message on `extack`) vetoes it. RTNL.
    fn pre_changeaddr(&self, _dev: &NetDevice, _addr: MacAddr, _extack: &ExtAck) -> Result {
        Ok(())
    }
}

#[repr(C)]
struct Block<E> {
    nb: Opaque<b::notifier_block>,
    events: E,
}

/// A registered netdevice notifier; unregistered on drop.
pub struct NotifierRegistration<E: NetdevEvents> {
    block: KBox<Block<E>>,
}

// SAFETY: The block is only touched by the notifier core, under its lock.
unsafe impl<E: NetdevEvents> Send for NotifierRegistration<E> {}
// SAFETY: As above; `E` itself is `Sync`.
unsafe impl<E: NetdevEvents> Sync for NotifierRegistration<E> {}

impl<E: NetdevEvents> NotifierRegistration<E> {
    /// Registers `events`. The kernel replays `NETDEV_REGISTER` and
    /// `NETDEV_UP` for the devices that exist already.
    pub fn new(events: E) -> Result<Self> {
        let block = KBox::new(
            Block {
                nb: Opaque::zeroed(),
                events,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `nb` is zeroed and ours to fill before registering.
        unsafe { (*block.nb.get()).notifier_call = Some(notifier_callback::<E>) };
        // SAFETY: `nb` stays valid (boxed) until `drop` unregisters it.
        super::to_result(unsafe { b::register_netdevice_notifier(block.nb.get()) })?;
        Ok(NotifierRegistration { block })
    }
}

impl<E: NetdevEvents> Drop for NotifierRegistration<E> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`.
        unsafe { b::unregister_netdevice_notifier(self.block.nb.get()) };
    }
}

/// # Safety
///
/// Called by the notifier chain with `nb` inside a `Block<E>` and `info`
/// a `netdev_notifier_info`.
unsafe extern "C" fn notifier_callback<E: NetdevEvents>(
    nb: *mut b::notifier_block,
    event: c_ulong,
    info: *mut c_void,
) -> c_int {
    // SAFETY: `nb` is the first field of a `#[repr(C)] Block<E>`.
    let block = unsafe { &*nb.cast::<Block<E>>() };
    // SAFETY: Netdevice notifiers always get a valid device in `info`.
    let dev = unsafe { NetDevice::from_raw(b::rvnet_netdev_notifier_info_to_dev(info)) };
    let r = if event as u32 == b::NETDEV_PRE_CHANGEADDR {
        // SAFETY: A `NETDEV_PRE_CHANGEADDR` notification's `info` is a
        // `netdev_notifier_pre_changeaddr_info`, whose address is the
        // device's address length (6 for the Ethernet devices handlers
        // care about) and outlives the call.
        let addr = unsafe { &*b::rvnet_pre_changeaddr_addr(info).cast::<[u8; 6]>() };
        // SAFETY: `info` is a `netdev_notifier_info`.
        let extack = ExtAck::from_raw(unsafe { b::rvnet_netdev_notifier_info_to_extack(info) });
        block.events.pre_changeaddr(dev, MacAddr(*addr), &extack)
    } else {
        block.events.event(event as u32, dev)
    };
    match r {
        Ok(()) => b::NOTIFY_DONE as c_int,
        Err(e) => notifier_from_errno(e),
    }
}

/// `notifier_from_errno()`: encodes an error as a notifier stop code.
pub(crate) fn notifier_from_errno(e: Error) -> c_int {
    (b::NOTIFY_STOP_MASK as c_int) | (b::NOTIFY_OK as c_int - e.to_errno())
}
