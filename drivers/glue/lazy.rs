// SPDX-License-Identifier: GPL-2.0

//! A box allocated on first use and read without locks afterwards.

use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::KBox;
use kernel::error::Result;

/// A value allocated on first use by a (serialized) writer, then readable
/// lock-free by anyone for as long as the `LazyBox` lives.
pub struct LazyBox<T> {
    ptr: AtomicPtr<T>,
}

impl<T> Default for LazyBox<T> {
    fn default() -> Self {
        LazyBox {
            ptr: AtomicPtr::new(core::ptr::null_mut()),
        }
    }
}

impl<T> LazyBox<T> {
    /// The value, if allocated.
    pub fn get(&self) -> Option<&T> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: A non-null pointer came from `KBox::into_raw` in
        // `get_or_try_init` and is freed only by `drop`, so it lives as
        // long as `self`.
        (!p.is_null()).then(|| unsafe { &*p })
    }

    /// The value, allocated with `init` if needed. Writers must be
    /// serialized (RTNL).
    pub fn get_or_try_init(&self, init: impl FnOnce() -> Result<KBox<T>>) -> Result<&T> {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        self.ptr.store(KBox::into_raw(init()?), Ordering::Release);
        self.get().ok_or(kernel::error::code::ENOMEM)
    }
}

impl<T> Drop for LazyBox<T> {
    fn drop(&mut self) {
        let p = *self.ptr.get_mut();
        if !p.is_null() {
            // SAFETY: See `get`; nothing can reach the value any more.
            drop(unsafe { KBox::from_raw(p) });
        }
    }
}
