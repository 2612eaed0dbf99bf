// SPDX-License-Identifier: GPL-2.0

//! Receive handlers (`netdev_rx_handler_register`): the hook through which
//! an upper device takes frames arriving on its lower device, and the
//! RCU-published device slots such a handler looks frames up in.

use super::bindings as b;
use super::link::{Dev, LinkOps};
use super::netdev::NetDevice;
use super::skb::SkBuff;
use super::to_result;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::flags::GFP_KERNEL;
use kernel::error::Result;
use kernel::sync::{Arc, ArcBorrow};

/// What a receive handler did with a frame.
pub enum RxResult {
    /// The frame moved to another device: run the receive path again.
    Another(SkBuff),
    /// Not ours: let the stack go on with it on the same device.
    Pass(SkBuff),
    /// The handler took the frame (delivered or freed it).
    Consumed,
}

/// Proof that the code holding it runs inside the receive path's RCU
/// read-side section; borrows tied to it cannot escape the section.
pub struct RxContext(PhantomData<*const ()>);

/// A receive handler and the state it works with.
pub trait RxHandler: Send + Sync + Sized + 'static {
    /// Handles one frame arriving on the device.
    fn receive(&self, skb: SkBuff, ctx: &RxContext) -> RxResult;
}

/// Installs `handler` on `dev`, which holds a reference to it until
/// [`uninstall`]. Fails with `EBUSY` when the device's single rx_handler
/// slot is taken. RTNL.
pub fn install<H: RxHandler>(dev: &NetDevice, handler: H) -> Result<Arc<H>> {
    let handler = Arc::new(handler, GFP_KERNEL)?;
    let data = Arc::into_raw(handler.clone());
    // SAFETY: The caller holds RTNL; the reference `data` stands for is
    // dropped by `uninstall`, after the handler is unregistered.
    let ret = unsafe {
        b::netdev_rx_handler_register(
            dev.as_raw(),
            Some(rx_handler_callback::<H>),
            data.cast_mut().cast(),
        )
    };
    if let Err(e) = to_result(ret) {
        // SAFETY: Not installed: take the reference back.
        drop(unsafe { Arc::from_raw(data) });
        return Err(e);
    }
    Ok(handler)
}

/// The `H` installed on `dev`, if any. RTNL.
pub fn find<H: RxHandler>(dev: &NetDevice) -> Option<Arc<H>> {
    // SAFETY: `dev` is valid. The data is an `H` only when the handler is
    // `rx_handler_callback::<H>`, which the helper checks.
    let data = unsafe { b::rvnet_rx_handler_data(dev.as_raw(), Some(rx_handler_callback::<H>)) };
    // SAFETY: See above: `data` is the reference `install` leaked, alive
    // while installed, which RTNL guarantees for the call.
    (!data.is_null()).then(|| unsafe { ArcBorrow::from_raw(data.cast::<H>()) }.into())
}

/// Removes the `H` installed on `dev` by [`install`] and drops the
/// device's reference to it. RTNL.
pub fn uninstall<H: RxHandler>(dev: &NetDevice) {
    // SAFETY: `dev` is valid; see `find`.
    let data = unsafe { b::rvnet_rx_handler_data(dev.as_raw(), Some(rx_handler_callback::<H>)) };
    if data.is_null() {
        return;
    }
    // SAFETY: Ours (checked above); the caller holds RTNL. Unregistering
    // waits for in-flight handlers, after which the receive path no longer
    // uses the reference, so it can be dropped.
    unsafe {
        b::netdev_rx_handler_unregister(dev.as_raw());
        drop(Arc::from_raw(data.cast::<H>()));
    }
}

/// The C entry point of every [`RxHandler`].
///
/// # Safety
///
/// Called by the receive path with a valid `*pskb` on a device whose
/// handler data is an `H` (installed by [`install`]).
unsafe extern "C" fn rx_handler_callback<H: RxHandler>(
    pskb: *mut *mut b::sk_buff,
) -> b::rx_handler_result_t {
    // SAFETY: The receive path passes us ownership of a valid skb.
    let Some(skb) = (unsafe { SkBuff::from_raw(*pskb) }) else {
        return b::RX_HANDLER_PASS;
    };
    // SAFETY: Under the receive path's RCU section `skb->dev` is valid and
    // its handler data is an `H` (see the function's safety section). The
    // data is cleared only a grace period after the handler, so a running
    // handler always sees it.
    let handler = unsafe { &*b::rvnet_rx_handler_data_rcu(skb.dev().as_raw()).cast::<H>() };
    match handler.receive(skb, &RxContext(PhantomData)) {
        RxResult::Another(skb) => {
            // SAFETY: `pskb` is writable; ownership returns to the caller.
            unsafe { *pskb = skb.into_raw() };
            b::RX_HANDLER_ANOTHER
        }
        RxResult::Pass(skb) => {
            // SAFETY: As above.
            unsafe { *pskb = skb.into_raw() };
            b::RX_HANDLER_PASS
        }
        RxResult::Consumed => b::RX_HANDLER_CONSUMED,
    }
}

/// A slot publishing one device of kind `T` to the receive path.
///
/// Cleared before the device is unregistered; unregistration waits a grace
/// period before freeing, so readers in the receive path never see a
/// freed device.
pub struct DeviceSlot<T: LinkOps> {
    dev: AtomicPtr<b::net_device>,
    _p: PhantomData<T>,
}

impl<T: LinkOps> Default for DeviceSlot<T> {
    fn default() -> Self {
        DeviceSlot {
            dev: AtomicPtr::new(core::ptr::null_mut()),
            _p: PhantomData,
        }
    }
}

impl<T: LinkOps> DeviceSlot<T> {
    /// Publishes `dev` (or clears the slot). RTNL.
    pub fn set(&self, dev: Option<Dev<'_, T>>) {
        let p = dev.map_or(core::ptr::null_mut(), |d| d.as_raw());
        self.dev.store(p, Ordering::Release);
    }

    /// The device in the slot, for the receive path.
    pub fn get<'a>(&self, _ctx: &'a RxContext) -> Option<Dev<'a, T>> {
        let p = self.dev.load(Ordering::Acquire);
        // SAFETY: Only devices of kind `T` are published, and the RCU
        // section `_ctx` proves keeps them alive for `'a`.
        (!p.is_null())
            .then(|| unsafe { Dev::from_raw(p) })
            .flatten()
    }

    /// The device in the slot, under RTNL (which keeps it registered).
    pub fn get_rtnl(&self) -> Option<Dev<'_, T>> {
        let p = self.dev.load(Ordering::Acquire);
        // SAFETY: As in `get`, with RTNL keeping the device registered.
        (!p.is_null())
            .then(|| unsafe { Dev::from_raw(p) })
            .flatten()
    }
}
