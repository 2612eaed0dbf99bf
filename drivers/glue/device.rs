// SPDX-License-Identifier: GPL-2.0

//! Devices a module creates itself at load time, without a link kind:
//! `ip link add` cannot make them and `ip link del` gets `EOPNOTSUPP`
//! (sch_teql's `teqlN` masters, `alloc_netdev()` + `register_netdev()`).
//!
//! A module implements [`OwnDeviceOps`]; [`OwnDeviceRegistration`] allocates and
//! registers one device with those `net_device_ops` and its shared state
//! ([`OwnDeviceOps::State`]), and unregisters and frees it on drop.
//!
//! Unlike a link kind's devices (`link.rs`'s `DeviceOps`), these have no
//! `rtnl_link_ops`, no address validation and no ethtool ops of their own,
//! and their transmit may hand a packet back (`NETDEV_TX_BUSY`).

use super::bindings as b;
use super::link::TxContext;
use super::netdev::{LinkStats, NetDevice, NetDeviceRef};
use super::skb::SkBuff;
use crate::rvnet_core::xmit::{xmit_outcome, XmitOutcome};
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::alloc::KBox;
use kernel::error::{code::ENOMEM, Result, VTABLE_DEFAULT_ERROR};
use kernel::ffi::{c_int, CStr};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The fixed fields of a new device (set in its `setup`).
pub struct DeviceSetup {
    /// `type` (`ARPHRD_*`).
    pub link_type: u16,
    /// `mtu`, `min_mtu` and `max_mtu`.
    pub mtu: (u32, u32, u32),
    /// `tx_queue_len`.
    pub tx_queue_len: u32,
    /// `flags` (`IFF_*`).
    pub flags: u32,
    /// `hard_header_len`.
    pub hard_header_len: HeaderLen,
    /// Whether the stack keeps the route on the packets it sends
    /// (`netif_keep_dst()`).
    pub keep_dst: bool,
}

/// A device's `hard_header_len`.
pub enum HeaderLen {
    /// This many bytes.
    Bytes(u16),
    /// `LL_MAX_HEADER`, the longest link-layer header of the kernel's
    /// configuration (sch_teql's masters: room for any slave's).
    LinkLayerMax,
}

/// `LL_MAX_HEADER`.
pub fn ll_max_header() -> u32 {
    // SAFETY: A constant the helpers define.
    unsafe { b::rvnet_ll_max_header }
}

/// What `ndo_start_xmit` did with a packet.
pub enum Transmit {
    /// Sent, dropped or otherwise consumed: `NETDEV_TX_OK`.
    Done,
    /// Not taken: handed back to the core (`NETDEV_TX_BUSY`), which
    /// requeues it; the device should have stopped its queue.
    Busy(SkBuff),
}

/// Hooks of a module's own devices.
#[vtable]
pub trait OwnDeviceOps: Sized + 'static {
    /// The state of each device.
    type State: Send + Sync;
    /// The device's fixed fields.
    const SETUP: DeviceSetup;

    /// `ndo_open`.
    fn open(_dev: OwnDevice<'_, Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_stop`.
    fn stop(_dev: OwnDevice<'_, Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_start_xmit`.
    fn start_xmit(dev: OwnDevice<'_, Self>, skb: SkBuff, ctx: &TxContext) -> Transmit;

    /// `ndo_get_stats64`: adds the device's counters to `stats` (zeroed).
    fn get_stats64(_dev: OwnDevice<'_, Self>, _stats: &mut LinkStats) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_change_mtu`: checks `mtu` (already within the device's
    /// bounds) and stores it.
    fn change_mtu(_dev: OwnDevice<'_, Self>, _mtu: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// A device of `T` with its state.
pub struct OwnDevice<'a, T: OwnDeviceOps> {
    dev: &'a NetDevice,
    state: &'a T::State,
}

impl<T: OwnDeviceOps> Clone for OwnDevice<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: OwnDeviceOps> Copy for OwnDevice<'_, T> {}

impl<'a, T: OwnDeviceOps> OwnDevice<'a, T> {
    /// # Safety
    ///
    /// `dev` must be a registered device of `T` (state installed), valid
    /// for `'a`.
    unsafe fn from_raw(dev: *const b::net_device) -> OwnDevice<'a, T> {
        // SAFETY: The private area of a device of `T` holds the state
        // pointer from `Arc::into_raw`, installed before registration and
        // released only after unregistration.
        unsafe {
            OwnDevice {
                dev: NetDevice::from_raw(dev),
                state: &**state_slot::<T>(dev),
            }
        }
    }

    /// The device's state.
    pub fn state(&self) -> &'a T::State {
        self.state
    }
}

impl<T: OwnDeviceOps> core::ops::Deref for OwnDevice<'_, T> {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        self.dev
    }
}

/// The state pointer in the private area of a device of `T`.
///
/// # Safety
///
/// `dev` must be a device of `T`.
unsafe fn state_slot<T: OwnDeviceOps>(dev: *const b::net_device) -> *mut *const T::State {
    // SAFETY: The private area is the flexible array `priv` at the end of
    // `struct net_device`, sized for one pointer.
    unsafe {
        core::ptr::addr_of!((*dev).priv_)
            .cast::<*const T::State>()
            .cast_mut()
    }
}

/// A registered device of `T`; unregistered and freed on drop.
pub struct OwnDeviceRegistration<T: OwnDeviceOps> {
    dev: NonNull<b::net_device>,
    _p: PhantomData<T>,
}

// SAFETY: The registration only unregisters the device, from any thread.
unsafe impl<T: OwnDeviceOps> Send for OwnDeviceRegistration<T> {}
// SAFETY: Shared access only reads the device through `NetDevice`.
unsafe impl<T: OwnDeviceOps> Sync for OwnDeviceRegistration<T> {}

impl<T: OwnDeviceOps> OwnDeviceRegistration<T> {
    /// Creates and registers a device named after `name` (which may hold a
    /// `%d`) in the initial namespace, with one queue. Takes RTNL.
    pub fn new(name: &CStr, state: Arc<T::State>) -> Result<Self> {
        // SAFETY: Allocates a device with room for the state pointer and
        // our setup.
        let dev = unsafe {
            b::alloc_netdev_mqs(
                core::mem::size_of::<*const T::State>() as c_int,
                name.as_char_ptr(),
                b::rvnet_net_name_unknown,
                Some(setup_callback::<T>),
                1,
                1,
            )
        };
        let dev = NonNull::new(dev).ok_or(ENOMEM)?;
        // SAFETY: The device is new and ours; the state pointer is taken
        // back in `drop` or below.
        unsafe { *state_slot::<T>(dev.as_ptr()) = Arc::into_raw(state) };
        let reg = OwnDeviceRegistration {
            dev,
            _p: PhantomData,
        };
        // SAFETY: A set-up, unregistered device; takes RTNL itself.
        let ret = unsafe { b::register_netdev(dev.as_ptr()) };
        if ret < 0 {
            reg.free();
            core::mem::forget(reg);
            return Err(kernel::error::Error::from_errno(ret));
        }
        Ok(reg)
    }

    /// The device with its state.
    pub fn get(&self) -> OwnDevice<'_, T> {
        // SAFETY: Registered with its state until `drop`.
        unsafe { OwnDevice::from_raw(self.dev.as_ptr()) }
    }

    /// A counted reference to the device and its state, for tables that
    /// outlive a borrow of the registration (dropped before it).
    pub fn hold(&self) -> Result<OwnDeviceHold<T>> {
        Ok(OwnDeviceHold {
            dev: NetDeviceRef::new(self.get().dev)?,
            _p: PhantomData,
        })
    }

    /// Releases the state and frees the unregistered device.
    fn free(&self) {
        let dev = self.dev.as_ptr();
        // SAFETY: The device is unregistered (or never was): nobody calls
        // its ops any more, so the state pointer is ours to release once.
        unsafe {
            let slot = state_slot::<T>(dev);
            drop(Arc::from_raw(*slot));
            *slot = core::ptr::null();
            b::free_netdev(dev);
        }
    }
}

impl<T: OwnDeviceOps> Drop for OwnDeviceRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`; takes RTNL and waits for the
        // device's last user.
        unsafe { b::unregister_netdev(self.dev.as_ptr()) };
        self.free();
    }
}

/// A counted reference to a registered device of `T` (`netdev_hold()`),
/// taken from its [`OwnDeviceRegistration`] and dropped before it.
pub struct OwnDeviceHold<T: OwnDeviceOps> {
    dev: KBox<NetDeviceRef>,
    _p: PhantomData<T>,
}

impl<T: OwnDeviceOps> OwnDeviceHold<T> {
    /// The device with its state.
    pub fn get(&self) -> OwnDevice<'_, T> {
        // SAFETY: Made from a registered device of `T`, whose registration
        // (and state) outlives this reference: the device's unregistration
        // waits for it.
        unsafe { OwnDevice::from_raw(self.dev.as_raw()) }
    }
}

// The callbacks below are called by the kernel on devices of `T` (their
// ops tables are only installed by `setup_callback::<T>`), registered and
// with their state, under the locks their C contracts name.

struct Adapter<T: OwnDeviceOps>(PhantomData<T>);

impl<T: OwnDeviceOps> Adapter<T> {
    const NETDEV_OPS: b::net_device_ops = {
        // SAFETY: All-zero is a valid, empty ops table.
        let mut o: b::net_device_ops = unsafe { core::mem::zeroed() };
        if T::HAS_OPEN {
            o.ndo_open = Some(ndo_open::<T>);
        }
        if T::HAS_STOP {
            o.ndo_stop = Some(ndo_stop::<T>);
        }
        o.ndo_start_xmit = Some(ndo_start_xmit::<T>);
        if T::HAS_GET_STATS64 {
            o.ndo_get_stats64 = Some(ndo_get_stats64::<T>);
        }
        if T::HAS_CHANGE_MTU {
            o.ndo_change_mtu = Some(ndo_change_mtu::<T>);
        }
        o
    };
}

fn errno(r: Result) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// Called by `alloc_netdev_mqs()` on a new device of `T`.
unsafe extern "C" fn setup_callback<T: OwnDeviceOps>(dev: *mut b::net_device) {
    let s = &T::SETUP;
    // SAFETY: `dev` was just allocated; nobody else sees it yet.
    unsafe {
        let d = &mut *dev;
        d.netdev_ops = &Adapter::<T>::NETDEV_OPS;
        d.type_ = s.link_type;
        d.mtu = s.mtu.0;
        d.min_mtu = s.mtu.1;
        d.max_mtu = s.mtu.2;
        d.tx_queue_len = s.tx_queue_len;
        d.flags = s.flags;
        d.hard_header_len = match s.hard_header_len {
            HeaderLen::Bytes(n) => n,
            HeaderLen::LinkLayerMax => ll_max_header() as u16,
        };
        if s.keep_dst {
            b::rvnet_netdev_keep_dst(dev);
        }
    }
}

/// # Safety
///
/// See the note above the callbacks.
unsafe extern "C" fn ndo_open<T: OwnDeviceOps>(dev: *mut b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    errno(T::open(unsafe { OwnDevice::from_raw(dev) }))
}

/// # Safety
///
/// See the note above the callbacks.
unsafe extern "C" fn ndo_stop<T: OwnDeviceOps>(dev: *mut b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    errno(T::stop(unsafe { OwnDevice::from_raw(dev) }))
}

/// # Safety
///
/// See the note above the callbacks.
unsafe extern "C" fn ndo_start_xmit<T: OwnDeviceOps>(
    skb: *mut b::sk_buff,
    dev: *mut b::net_device,
) -> b::netdev_tx_t {
    // SAFETY: The stack hands us ownership of a valid skb.
    let Some(skb) = (unsafe { SkBuff::from_raw(skb) }) else {
        return b::NETDEV_TX_OK;
    };
    // SAFETY: See the note above the callbacks; the core calls
    // `ndo_start_xmit` with bottom halves off, an RCU read-side section.
    match T::start_xmit(unsafe { OwnDevice::from_raw(dev) }, skb, &TxContext::new()) {
        Transmit::Done => b::NETDEV_TX_OK,
        Transmit::Busy(skb) => {
            // The core keeps the skb and retries it.
            let _ = skb.into_raw();
            b::NETDEV_TX_BUSY
        }
    }
}

/// # Safety
///
/// See the note above the callbacks.
unsafe extern "C" fn ndo_get_stats64<T: OwnDeviceOps>(
    dev: *mut b::net_device,
    stats: *mut LinkStats,
) {
    // SAFETY: See the note above the callbacks; `stats` is the caller's
    // zeroed buffer.
    unsafe { T::get_stats64(OwnDevice::from_raw(dev), &mut *stats) }
}

/// # Safety
///
/// See the note above the callbacks.
unsafe extern "C" fn ndo_change_mtu<T: OwnDeviceOps>(dev: *mut b::net_device, mtu: c_int) -> c_int {
    // SAFETY: See the note above the callbacks.
    errno(T::change_mtu(
        unsafe { OwnDevice::from_raw(dev) },
        mtu as u32,
    ))
}

/// How building a slave's link-layer header for a packet went
/// ([`SkBuff::resolve_header`]).
pub enum HeaderResolution {
    /// Built, or the device needs none: send it.
    Ready(SkBuff),
    /// The neighbour is being resolved and took the packet.
    Pending,
    /// No header: try another device.
    Failed(SkBuff),
}

impl SkBuff {
    /// Builds `dev`'s link-layer header for the neighbour of the packet's
    /// route (`__teql_resolve()`); with `hand_over`, an unresolved
    /// neighbour takes the packet and resolves. Fails if `dev`'s root qdisc
    /// is `noop_qdisc` (down or being deleted).
    #[inline]
    pub fn resolve_header(self, dev: &NetDevice, hand_over: bool) -> HeaderResolution {
        // SAFETY: `dev` is valid; the pointer is only compared.
        if unsafe { b::rvnet_dev_root_qdisc_is_noop(dev.as_raw()) } {
            return HeaderResolution::Failed(self);
        }
        let res = if hand_over {
            self.as_raw()
        } else {
            core::ptr::null_mut()
        };
        // SAFETY: We own the skb; `dev` is valid. On 1 the neighbour took
        // `res`, which is the skb.
        match unsafe { b::rvnet_neigh_resolve_header(self.as_raw(), res, dev.as_raw()) } {
            0 => HeaderResolution::Ready(self),
            1 => {
                let _ = self.into_raw();
                HeaderResolution::Pending
            }
            _ => HeaderResolution::Failed(self),
        }
    }

    /// Hands the packet to `dev`'s driver on its first queue, bypassing
    /// its qdisc, if the queue's lock is free and the queue runs. `Ok` with
    /// how it ended (sent or dropped) when the driver took the packet;
    /// `Err` with the packet when not (its `dev` is then `dev`).
    #[inline]
    pub fn xmit_direct(self, dev: &NetDevice) -> core::result::Result<XmitOutcome, SkBuff> {
        // SAFETY: We own the skb; `dev` is valid. The driver consumed it
        // unless the code says it was not taken.
        let rc = unsafe { b::rvnet_dev_xmit_direct_trylock(self.as_raw(), dev.as_raw()) };
        match xmit_outcome(rc) {
            XmitOutcome::Busy => Err(self),
            taken => {
                let _ = self.into_raw();
                Ok(taken)
            }
        }
    }

    /// Gives the packet back to `dev` with its data at the network header,
    /// after a failed attempt on another device.
    #[inline]
    pub fn back_to_network(&mut self, dev: &NetDevice) {
        // SAFETY: We own the skb; `dev` is valid.
        unsafe { b::rvnet_skb_back_to_network(self.as_raw(), dev.as_raw()) }
    }

    /// The transmit queue the stack picked (`skb_get_queue_mapping()`).
    pub fn queue_mapping(&self) -> u16 {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_skb_queue_mapping(self.as_raw()) }
    }

    /// The length qdiscs account (`qdisc_pkt_len()`).
    pub fn pkt_len(&self) -> u32 {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_qdisc_pkt_len(self.as_raw()) }
    }
}

impl NetDevice {
    /// Wakes the transmit queue (`netif_wake_queue()`).
    pub fn wake_queue(&self) {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netif_wake_queue(self.as_raw()) }
    }

    /// Stops the transmit queue (`netif_stop_queue()`).
    pub fn stop_queue(&self) {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netif_stop_queue(self.as_raw()) }
    }

    /// Starts the transmit queue (`netif_start_queue()`).
    pub fn start_queue(&self) {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netif_start_queue(self.as_raw()) }
    }

    /// Whether transmit queue `queue` is stopped (`netif_xmit_stopped()`);
    /// a queue the device does not have counts as its first.
    pub fn tx_queue_stopped(&self, queue: u16) -> bool {
        let queue = if u32::from(queue) < self.tx_queues() {
            queue
        } else {
            0
        };
        // SAFETY: `self` is valid and has the queue.
        unsafe { b::rvnet_netif_tx_stopped(self.as_raw(), queue) }
    }

    /// `tx_queue_len`.
    pub fn tx_queue_len(&self) -> u32 {
        // SAFETY: `self` is valid; read with `READ_ONCE`.
        unsafe { b::rvnet_dev_tx_queue_len(self.as_raw()) }
    }

    /// `hard_header_len`.
    pub fn hard_header_len(&self) -> u32 {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_dev_hard_header_len(self.as_raw()) }
    }

    /// Empties the qdisc of the first transmit queue (`dev_reset_queue()`).
    pub fn reset_root_queue(&self) {
        // SAFETY: `self` is valid; the helper takes the qdisc's lock.
        unsafe { b::rvnet_dev_reset_root_queue(self.as_raw()) }
    }
}
