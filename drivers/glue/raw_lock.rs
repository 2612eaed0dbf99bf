// SPDX-License-Identifier: GPL-2.0

//! A `raw_spinlock_t` taken with interrupts off (`raw_spin_lock_irqsave()`)
//! as a backend of the kernel crate's `Lock`: a lock that stays a spinning
//! lock on PREEMPT_RT too, for data a hard-interrupt-context sender
//! (netpoll) may reach (sch_teql's `slaves_lock`).

use super::bindings as b;
use kernel::ffi::{c_char, c_ulong};
use kernel::sync::lock::{Backend, Lock};

/// A `raw_spinlock_t` held with interrupts off.
pub struct RawSpinLockIrqBackend;

/// A value behind a [`RawSpinLockIrqBackend`] lock.
pub type RawSpinLockIrq<T> = Lock<T, RawSpinLockIrqBackend>;

/// A new [`RawSpinLockIrq`] holding `$inner`, with a lock class of its own
/// for lockdep.
macro_rules! new_raw_spinlock_irq {
    ($inner:expr, $name:literal $(,)?) => {
        kernel::sync::lock::Lock::<_, $crate::glue::raw_lock::RawSpinLockIrqBackend>::new(
            $inner,
            $name,
            kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_raw_spinlock_irq;

// SAFETY: The C calls below give `raw_spin_lock_irqsave()`'s mutual
// exclusion; `init` sets the lock up before any other call (as `Lock::new`
// guarantees), and the guard state is the saved interrupt flags.
unsafe impl Backend for RawSpinLockIrqBackend {
    type State = b::raw_spinlock;
    type GuardState = c_ulong;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const c_char,
        key: *mut kernel::bindings::lock_class_key,
    ) {
        // SAFETY: The caller gives a writable lock and a static name and key.
        unsafe { b::rvnet_raw_spin_lock_init(ptr, name, key.cast()) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The caller guarantees that `init` ran.
        unsafe { b::rvnet_raw_spin_lock_irqsave(ptr) }
    }

    unsafe fn try_lock(ptr: *mut Self::State) -> Option<Self::GuardState> {
        let mut flags = 0;
        // SAFETY: The caller guarantees that `init` ran.
        unsafe { b::rvnet_raw_spin_trylock_irqsave(ptr, &mut flags) }.then_some(flags)
    }

    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        // SAFETY: The caller owns the lock, taken with these flags.
        unsafe { b::rvnet_raw_spin_unlock_irqrestore(ptr, *guard_state) }
    }

    unsafe fn assert_is_held(ptr: *mut Self::State) {
        // SAFETY: The caller guarantees that `init` ran.
        unsafe { b::rvnet_raw_spin_assert_held(ptr) }
    }
}
