// SPDX-License-Identifier: GPL-2.0

//! Ports of master devices (bond slaves, bridge ports): the lower device's
//! receive handler (`netdev_rx_handler_register`) and its link to the master
//! (`netdev_master_upper_dev_link`), set up and torn down together.
//!
//! A [`Port`] is shared between the master's control path (which keeps an
//! `Arc` to it) and the receive path on the lower device (which holds the
//! other reference, as the handler's data, while the port is attached).
//!
//! A [`LowerPort`] is the receive handler alone, for a lower device that
//! several upper devices share without one being its master (macvlan's
//! port); each upper links itself above the lower.

use super::attr::ExtAck;
use super::bindings as b;
use super::link::{Dev, DeviceOps};
use super::netdev::{NetDevice, NetDeviceRef};
use super::rcu::RcuSection;
use super::skb::SkBuff;
use super::to_result;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::Result;
use kernel::sync::{Arc, ArcBorrow};

/// What a port's receive handler did with a frame.
pub enum RxResult {
    /// The frame now belongs to another device (the master): run the
    /// receive path again on it.
    Another(SkBuff),
    /// Let the stack go on with the frame on the port itself.
    Pass(SkBuff),
    /// Deliver the frame only to protocols bound to the port itself.
    Exact(SkBuff),
    /// The handler took the frame (delivered or freed it).
    Consumed,
}

/// Proof that the code holding it runs inside the receive path's RCU
/// read-side section; borrows tied to it cannot escape the section.
pub struct RxContext(PhantomData<*const ()>);

impl super::rcu::RcuSection for RxContext {}

/// The per-port state a master keeps, and its receive handler.
pub trait PortOps: Send + Sync + Sized + 'static {
    /// The master's link kind.
    type Master: DeviceOps;

    /// Handles one frame arriving on the port.
    fn receive(
        master: Dev<'_, Self::Master>,
        port: &Port<Self>,
        skb: SkBuff,
        ctx: &RxContext,
    ) -> RxResult;
}

/// How a master distributes traffic over its ports, for the LAG
/// information the kernel passes to lower-device drivers
/// (`struct netdev_lag_upper_info`).
#[derive(Clone, Copy)]
pub struct LagInfo {
    /// `enum netdev_lag_tx_type`.
    pub tx_type: u32,
    /// `enum netdev_lag_hash`.
    pub hash_type: u32,
}

/// A lower device attached to a master, with the master's state for it.
pub struct Port<P: PortOps> {
    dev: KBox<NetDeviceRef>,
    master: *const b::net_device,
    state: P,
}

// SAFETY: `master` is only dereferenced while the port is attached, which
// the master's lifetime covers; the rest is `Send`/`Sync` by itself.
unsafe impl<P: PortOps> Send for Port<P> {}
// SAFETY: As above.
unsafe impl<P: PortOps> Sync for Port<P> {}

impl<P: PortOps> Port<P> {
    /// Attaches `lower` to `master` with `state`: installs the receive
    /// handler (`EBUSY` when the lower's single slot is taken) and links
    /// the master above the lower. Nothing is left behind on failure.
    /// RTNL.
    pub fn attach(
        master: Dev<'_, P::Master>,
        lower: &NetDevice,
        state: P,
        lag: Option<LagInfo>,
        extack: &ExtAck,
    ) -> Result<Arc<Port<P>>> {
        let port = Arc::new(
            Port {
                dev: NetDeviceRef::new(lower)?,
                master: master.as_raw(),
                state,
            },
            GFP_KERNEL,
        )?;
        let data = install_handler(lower, &port, rx_handler_callback::<P>)?;
        let (tx_type, hash_type) = lag.map_or((-1, 0), |l| (l.tx_type as i32, l.hash_type as i32));
        // SAFETY: Both devices are valid and the caller holds RTNL.
        let ret = unsafe {
            b::rvnet_master_upper_link(
                lower.as_raw(),
                master.as_raw(),
                tx_type,
                hash_type,
                extack.as_raw(),
            )
        };
        if let Err(e) = to_result(ret) {
            // SAFETY: Installed just above with `data`, under RTNL.
            unsafe { remove_handler(lower, data) };
            return Err(e);
        }
        Ok(port)
    }

    /// The port attached through `lower`, if `lower` is a port of a master
    /// of this kind. RTNL.
    pub fn of(lower: &NetDevice) -> Option<ArcBorrow<'_, Port<P>>> {
        installed(lower, rx_handler_callback::<P>)
    }

    /// Undoes [`Self::attach`]: unlinks the master and removes the receive
    /// handler, waiting for running handlers. RTNL.
    pub fn detach(&self) {
        let lower = self.device();
        if !is_installed(lower, rx_handler_callback::<P>, self) {
            return;
        }
        // SAFETY: Attached (checked above), under RTNL: the master is
        // linked above the lower, and the handler's data is `self`.
        unsafe {
            b::netdev_upper_dev_unlink(lower.as_raw(), self.master.cast_mut());
            remove_handler(lower, self);
        }
    }

    /// The lower device.
    pub fn device(&self) -> &NetDevice {
        &self.dev
    }

    /// The master's state for this port.
    pub fn state(&self) -> &P {
        &self.state
    }

    /// The master, for the control path (the caller holds RTNL, under
    /// which an attached port's master stays registered).
    pub fn master_rtnl(&self) -> Option<Dev<'_, P::Master>> {
        // SAFETY: See the method's description: the master outlives its
        // attached ports.
        unsafe { Dev::from_raw(self.master) }
    }
}

/// The C entry point of every port's receive handler.
///
/// # Safety
///
/// Called by the receive path with a valid `*pskb` on a device whose
/// handler data is a `Port<P>` (installed by [`Port::attach`]).
unsafe extern "C" fn rx_handler_callback<P: PortOps>(
    pskb: *mut *mut b::sk_buff,
) -> b::rx_handler_result_t {
    // SAFETY: The receive path passes us ownership of a valid skb.
    let Some(skb) = (unsafe { SkBuff::from_raw(*pskb) }) else {
        return b::RX_HANDLER_PASS;
    };
    // SAFETY: Under the receive path's RCU section `skb->dev` is valid and
    // its handler data is a `Port<P>` (see the function's safety section),
    // cleared only a grace period after the handler was removed.
    let port = unsafe { &*b::rvnet_rx_handler_data_rcu(skb.dev_raw()).cast::<Port<P>>() };
    // SAFETY: An attached port's master is registered until the port is
    // detached, which waits for this handler.
    let Some(master) = (unsafe { Dev::from_raw(port.master) }) else {
        // SAFETY: `pskb` is writable; ownership returns to the caller.
        unsafe { *pskb = skb.into_raw() };
        return b::RX_HANDLER_PASS;
    };
    let result = P::receive(master, port, skb, &RxContext(PhantomData));
    // SAFETY: `pskb` is the receive path's, writable.
    unsafe { hand_back(pskb, result) }
}

/// A receive handler's C entry point.
type Handler = unsafe extern "C" fn(*mut *mut b::sk_buff) -> b::rx_handler_result_t;

/// Installs `handler` on `lower` with `port` as its data: the receive path
/// then holds a reference to `port`, which the returned pointer stands for
/// until [`remove_handler`]. `EBUSY` when the lower's single slot is taken.
/// RTNL.
fn install_handler<T: Send + Sync>(
    lower: &NetDevice,
    port: &Arc<T>,
    handler: Handler,
) -> Result<*const T> {
    let data = Arc::into_raw(port.clone());
    // SAFETY: The caller holds RTNL; the reference `data` stands for is
    // dropped by `remove_handler` (or below), after the handler is gone.
    let ret = unsafe {
        b::netdev_rx_handler_register(lower.as_raw(), Some(handler), data.cast_mut().cast())
    };
    if let Err(e) = to_result(ret) {
        // SAFETY: Not installed: take the reference back.
        drop(unsafe { Arc::from_raw(data) });
        return Err(e);
    }
    Ok(data)
}

/// The data of `lower`'s receive handler when that handler is `handler`,
/// else null. RTNL.
fn handler_data(lower: &NetDevice, handler: Handler) -> *const core::ffi::c_void {
    // SAFETY: `lower` is valid and the caller holds RTNL.
    unsafe { b::rvnet_rx_handler_data(lower.as_raw(), Some(handler)) }
}

/// Whether `lower`'s receive handler is `handler` with `port` as its data.
/// RTNL.
fn is_installed<T>(lower: &NetDevice, handler: Handler, port: &T) -> bool {
    core::ptr::eq(
        handler_data(lower, handler),
        core::ptr::from_ref(port).cast(),
    )
}

/// The port `install_handler` gave `handler` on `lower`, if that handler is
/// installed there. RTNL.
fn installed<T: Send + Sync>(lower: &NetDevice, handler: Handler) -> Option<ArcBorrow<'_, T>> {
    let data = handler_data(lower, handler).cast::<T>();
    // SAFETY: Each handler is installed only by `install_handler`, with a
    // `T` of its own type parameter: `data` is the reference it leaked,
    // alive while the handler is installed, which RTNL guarantees for the
    // borrow.
    (!data.is_null()).then(|| unsafe { ArcBorrow::from_raw(data) })
}

/// Removes `lower`'s receive handler, waiting for running handlers, and
/// drops the receive path's reference to `port`.
///
/// # Safety
///
/// The handler must have been installed by [`install_handler`] with `port`
/// as its data, and the caller must hold RTNL.
unsafe fn remove_handler<T: Send + Sync>(lower: &NetDevice, port: *const T) {
    // SAFETY: Installed (see the safety section), under RTNL.
    // Unregistering waits for running handlers, after which the receive
    // path no longer uses the reference it held, which `port` stands for.
    unsafe {
        b::netdev_rx_handler_unregister(lower.as_raw());
        drop(Arc::from_raw(port));
    }
}

/// Turns a handler's [`RxResult`] into the C result, handing the frame
/// (if any is left) back through `pskb`.
///
/// # Safety
///
/// `pskb` must be the writable frame slot of a running receive handler.
unsafe fn hand_back(pskb: *mut *mut b::sk_buff, result: RxResult) -> b::rx_handler_result_t {
    let (skb, ret) = match result {
        RxResult::Another(skb) => (skb, b::RX_HANDLER_ANOTHER),
        RxResult::Pass(skb) => (skb, b::RX_HANDLER_PASS),
        RxResult::Exact(skb) => (skb, b::RX_HANDLER_EXACT),
        RxResult::Consumed => return b::RX_HANDLER_CONSUMED,
    };
    // SAFETY: `pskb` is writable (see above); ownership returns to the
    // caller.
    unsafe { *pskb = skb.into_raw() };
    ret
}

/// The receive handler of a lower device that upper devices share
/// without being its master (macvlan's port): one [`LowerPort`] per lower,
/// whatever the number of uppers.
pub trait LowerPortOps: Send + Sync + Sized + 'static {
    /// Handles one frame arriving on the lower.
    fn receive(port: &LowerPort<Self>, skb: SkBuff, ctx: &RxContext) -> RxResult;
}

/// A lower device's receive handler with its state, shared by the uppers
/// (each keeps an `Arc`) and the receive path (which holds one more
/// reference, as the handler's data, while attached).
pub struct LowerPort<P: LowerPortOps> {
    dev: KBox<NetDeviceRef>,
    state: P,
}

impl<P: LowerPortOps> LowerPort<P> {
    /// Installs the receive handler on `lower` with `state` (`EBUSY` when
    /// the lower's single slot is taken). RTNL.
    pub fn attach(lower: &NetDevice, state: P) -> Result<Arc<LowerPort<P>>> {
        let port = Arc::new(
            LowerPort {
                dev: NetDeviceRef::new(lower)?,
                state,
            },
            GFP_KERNEL,
        )?;
        install_handler(lower, &port, lower_rx_callback::<P>)?;
        Ok(port)
    }

    /// The port of `lower`, if it has one of this kind. RTNL.
    pub fn of(lower: &NetDevice) -> Option<ArcBorrow<'_, LowerPort<P>>> {
        installed(lower, lower_rx_callback::<P>)
    }

    /// The port of `lower`, if it has one of this kind, for a reader in
    /// the read-side section `ctx` proves (no RTNL).
    pub fn of_rcu<'a, S: RcuSection>(
        lower: &'a NetDevice,
        _ctx: &'a S,
    ) -> Option<&'a LowerPort<P>> {
        // SAFETY: `lower` is valid. The data is a `LowerPort<P>` only when
        // the handler is `lower_rx_callback::<P>`, which the helper checks.
        let data = unsafe {
            b::rvnet_rx_handler_data_if_rcu(lower.as_raw(), Some(lower_rx_callback::<P>))
        };
        // SAFETY: A handler seen installed in this section has its data's
        // reference dropped only after `detach`'s grace period, which waits
        // for the section `_ctx` proves.
        (!data.is_null()).then(|| unsafe { &*data.cast::<LowerPort<P>>() })
    }

    /// Undoes [`Self::attach`], waiting for running handlers. RTNL.
    pub fn detach(&self) {
        let lower = self.device();
        if is_installed(lower, lower_rx_callback::<P>, self) {
            // SAFETY: Installed with `self` as its data (checked above),
            // under RTNL.
            unsafe { remove_handler(lower, self) };
        }
    }

    /// The lower device.
    pub fn device(&self) -> &NetDevice {
        &self.dev
    }

    /// The port's state.
    pub fn state(&self) -> &P {
        &self.state
    }
}

/// The C entry point of every lower port's receive handler.
///
/// # Safety
///
/// Called by the receive path with a valid `*pskb` on a device whose
/// handler data is a `LowerPort<P>` (installed by [`LowerPort::attach`]).
unsafe extern "C" fn lower_rx_callback<P: LowerPortOps>(
    pskb: *mut *mut b::sk_buff,
) -> b::rx_handler_result_t {
    // SAFETY: The receive path passes us ownership of a valid skb.
    let Some(skb) = (unsafe { SkBuff::from_raw(*pskb) }) else {
        return b::RX_HANDLER_PASS;
    };
    // SAFETY: Under the receive path's RCU section `skb->dev` is valid and
    // its handler data is a `LowerPort<P>` (see the function's safety
    // section), released only a grace period after the handler was removed.
    let port = unsafe { &*b::rvnet_rx_handler_data_rcu(skb.dev_raw()).cast::<LowerPort<P>>() };
    let result = P::receive(port, skb, &RxContext(PhantomData));
    // SAFETY: `pskb` is the receive path's, writable.
    unsafe { hand_back(pskb, result) }
}
