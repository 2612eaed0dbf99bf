// SPDX-License-Identifier: GPL-2.0

//! A pointer the datapath reads under RCU and the control path replaces.

use super::bindings as b;
use super::netdev::synchronize_net;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::KBox;

/// Proof that the code holding it runs inside an RCU read-side section
/// (the receive handler, `ndo_start_xmit`): values an [`RcuBox`] hands out
/// against it stay valid for as long as the proof is borrowed.
pub trait RcuSection {}

/// A boxed value that readers see without locks and writers (serialized
/// by RTNL) replace whole, freeing the old one after a grace period.
pub struct RcuBox<T> {
    ptr: AtomicPtr<T>,
}

impl<T> RcuBox<T> {
    /// Wraps an initial value.
    pub fn new(value: KBox<T>) -> RcuBox<T> {
        RcuBox {
            ptr: AtomicPtr::new(KBox::into_raw(value)),
        }
    }

    /// Calls `f` with the current value, inside an RCU read-side section.
    pub fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        // SAFETY: The value is freed only a grace period after it was
        // replaced (see `replace`), and we read it inside `rcu_read_lock`.
        unsafe {
            b::rvnet_rcu_read_lock();
            let r = f(&*self.ptr.load(Ordering::Acquire));
            b::rvnet_rcu_read_unlock();
            r
        }
    }

    /// The current value, inside the read-side section `section` proves.
    pub fn get<'a, S: RcuSection>(&'a self, _section: &'a S) -> &'a T {
        // SAFETY: The value is freed only a grace period after it was
        // replaced (see `replace`), and `_section` proves we are in a
        // read-side section for `'a`.
        unsafe { &*self.ptr.load(Ordering::Acquire) }
    }

    /// Publishes `value` and frees the old one once no reader can see it.
    /// Sleeps; writers must be serialized (RTNL).
    pub fn replace(&self, value: KBox<T>) {
        let old = self.ptr.swap(KBox::into_raw(value), Ordering::AcqRel);
        synchronize_net();
        // SAFETY: `old` came from `KBox::into_raw` and, after the grace
        // period, nothing refers to it.
        drop(unsafe { KBox::from_raw(old) });
    }
}

impl<T> Drop for RcuBox<T> {
    fn drop(&mut self) {
        // SAFETY: The owner drops the box once no reader can reach it.
        drop(unsafe { KBox::from_raw(*self.ptr.get_mut()) });
    }
}

/// An RCU read-side section entered by [`rcu_read`].
pub struct RcuReadSection(core::marker::PhantomData<*const ()>);

impl RcuSection for RcuReadSection {}

/// Runs `f` inside an RCU read-side section (`rcu_read_lock()`).
pub fn rcu_read<R>(f: impl FnOnce(&RcuReadSection) -> R) -> R {
    // SAFETY: Balanced with the unlock below; `f` cannot keep the proof.
    unsafe { b::rvnet_rcu_read_lock() };
    let r = f(&RcuReadSection(core::marker::PhantomData));
    // SAFETY: Locked above.
    unsafe { b::rvnet_rcu_read_unlock() };
    r
}
