// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state (`register_pernet_subsys` with
//! `net_generic` storage).

use super::bindings as b;
use super::netdev::{Net, UnregisterQueue};
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::Result;
use kernel::ffi::{c_int, c_uint};
use kernel::types::Opaque;

/// The `net_generic` id of a module's per-namespace state; one `static`
/// per module.
pub struct PernetId(Opaque<c_uint>);

// SAFETY: Written once by the namespace core at registration, read after.
unsafe impl Sync for PernetId {}

impl PernetId {
    /// A not yet assigned id.
    pub const fn new() -> PernetId {
        PernetId(Opaque::zeroed())
    }
}

impl Default for PernetId {
    fn default() -> Self {
        PernetId::new()
    }
}

/// A module's per-namespace state.
pub trait PernetOps: Send + Sync + Sized + 'static {
    /// Where the namespace core keeps this state's id.
    const ID: &'static PernetId;

    /// Builds the state for a new namespace.
    fn init(net: &Net) -> Result<Self>;

    /// Runs once the state is in place (it may create devices that use
    /// it); an error undoes the state and fails the namespace.
    fn after_init(&self, _net: &Net) -> Result {
        Ok(())
    }

    /// Tears the state down as the namespace goes away.
    fn exit(self, net: &Net);

    /// Whether this is a device's state (`register_pernet_device`: set up
    /// after and torn down before the namespace's devices are deleted).
    const DEVICE: bool = false;

    /// Whether [`Self::exit_rtnl`] is wanted.
    const HAS_EXIT_RTNL: bool = false;

    /// Under RTNL as the namespace goes away, before [`Self::exit`]: queues
    /// the devices to delete with it (`exit_rtnl`).
    fn exit_rtnl(&self, _net: &Net, _queue: &mut UnregisterQueue) {}

    /// The state of `net`, which must have been set up.
    fn of(net: &Net) -> &Self {
        // SAFETY: The id was assigned at registration and `init` stored a
        // `Self` in this slot; it lives as long as the namespace.
        unsafe { &*b::rvnet_net_generic(net.as_raw(), *Self::ID.0.get()).cast::<Self>() }
    }
}

/// Registered per-namespace operations; unregistered (tearing every
/// namespace's state down) on drop.
pub struct PernetRegistration<P: PernetOps> {
    ops: KBox<Opaque<b::pernet_operations>>,
    _p: core::marker::PhantomData<P>,
}

// SAFETY: The ops table is only touched by the namespace core, under its
// locks.
unsafe impl<P: PernetOps> Send for PernetRegistration<P> {}
// SAFETY: As above.
unsafe impl<P: PernetOps> Sync for PernetRegistration<P> {}

impl<P: PernetOps> PernetRegistration<P> {
    /// Registers `P`, running `P::init` on every existing namespace.
    pub fn new() -> Result<Self> {
        let ops = KBox::new(Opaque::<b::pernet_operations>::zeroed(), GFP_KERNEL)?;
        // SAFETY: Ours to fill before registering.
        unsafe {
            let o = &mut *ops.get();
            o.init = Some(pernet_init::<P>);
            o.exit = Some(pernet_exit::<P>);
            o.id = P::ID.0.get();
            o.size = core::mem::size_of::<P>();
            if P::HAS_EXIT_RTNL {
                o.exit_rtnl = Some(pernet_exit_rtnl::<P>);
            }
        }
        // SAFETY: `ops` stays valid (boxed) until `drop` unregisters it.
        super::to_result(unsafe {
            if P::DEVICE {
                b::register_pernet_device(ops.get())
            } else {
                b::register_pernet_subsys(ops.get())
            }
        })?;
        Ok(PernetRegistration {
            ops,
            _p: core::marker::PhantomData,
        })
    }
}

impl<P: PernetOps> Drop for PernetRegistration<P> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`.
        unsafe {
            if P::DEVICE {
                b::unregister_pernet_device(self.ops.get())
            } else {
                b::unregister_pernet_subsys(self.ops.get())
            }
        }
    }
}

/// # Safety
///
/// Called by the namespace core with a live `net` whose generic slot for
/// `P::ID` has `size_of::<P>()` bytes.
unsafe extern "C" fn pernet_init<P: PernetOps>(net: *mut b::net) -> c_int {
    // SAFETY: See the function's safety section.
    let n = unsafe { Net::from_raw(net) };
    match P::init(n) {
        Ok(state) => {
            // SAFETY: `net` is live and the id assigned.
            let slot = unsafe { b::rvnet_net_generic(net, *P::ID.0.get()) }.cast::<P>();
            // SAFETY: The slot is ours, sized and aligned for a `P`.
            unsafe { slot.write(state) };
            match P::of(n).after_init(n) {
                Ok(()) => 0,
                Err(e) => {
                    // SAFETY: Written just above; read out once.
                    unsafe { slot.read() }.exit(n);
                    e.to_errno()
                }
            }
        }
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// Called by the namespace core on a namespace `pernet_init` succeeded on.
unsafe extern "C" fn pernet_exit<P: PernetOps>(net: *mut b::net) {
    // SAFETY: `pernet_init` wrote a `P` there; it is read out once.
    let state = unsafe { b::rvnet_net_generic(net, *P::ID.0.get()).cast::<P>().read() };
    // SAFETY: See the function's safety section.
    state.exit(unsafe { Net::from_raw(net) })
}

/// # Safety
///
/// Called by the namespace core, under RTNL, on a namespace `pernet_init`
/// succeeded on, with the list of devices to delete.
unsafe extern "C" fn pernet_exit_rtnl<P: PernetOps>(net: *mut b::net, kill: *mut b::list_head) {
    // SAFETY: See the function's safety section.
    let n = unsafe { Net::from_raw(net) };
    let mut queue = UnregisterQueue(kill);
    P::of(n).exit_rtnl(n, &mut queue)
}
