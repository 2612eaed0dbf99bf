// SPDX-License-Identifier: GPL-2.0

//! Periodic device work: a timer that schedules the device's `ndo_work`
//! (which the core runs under RTNL) with a set of event bits.
//!
//! Device monitors (bonding's MII, ARP and 802.3ad timers, the bridge's
//! STP timers) run from `ndo_work`, so they never race the control path,
//! and stopping a timer under RTNL cannot deadlock with a running monitor.

use super::bindings as b;
use super::netdev::NetDevice;
use kernel::types::Opaque;

/// A timer in a device's C header that, when it fires, schedules the
/// device's `ndo_work` with its event bits.
#[repr(transparent)]
pub struct WorkTimer(Opaque<b::rvnet_work_timer>);

// SAFETY: The timer is driven through the kernel's timer API, which is
// safe to call from any thread.
unsafe impl Send for WorkTimer {}
// SAFETY: As above.
unsafe impl Sync for WorkTimer {}

impl WorkTimer {
    /// Binds the timer to `dev` and `events`. Must be called once, before
    /// the device is registered (the timer lives in the device's header,
    /// which does not move).
    pub fn init(&self, dev: &NetDevice, events: u64) {
        // SAFETY: The timer is not armed yet and its memory is stable.
        unsafe {
            b::rvnet_work_timer_init(self.0.get(), dev.as_raw(), events as kernel::ffi::c_ulong)
        }
    }

    /// (Re)arms the timer to fire in `delay_ms` milliseconds.
    pub fn arm(&self, delay_ms: u32) {
        // SAFETY: Initialized by `init` (a precondition of device set-up).
        unsafe { b::rvnet_work_timer_arm(self.0.get(), delay_ms) }
    }

    /// Stops the timer and waits for a running expiry (which only
    /// schedules work) to finish.
    pub fn stop(&self) {
        // SAFETY: As in `arm`.
        unsafe { b::rvnet_work_timer_stop(self.0.get()) }
    }
}

/// Milliseconds since boot, from jiffies.
pub fn now_ms() -> u64 {
    // SAFETY: Reads the jiffies counter.
    unsafe { b::rvnet_jiffies64_ms() }
}

/// The jiffies counter (64 bits).
pub fn jiffies() -> u64 {
    // SAFETY: Reads the clock.
    unsafe { b::rvnet_jiffies64() }
}

/// Jiffies per second (`HZ`).
pub fn hz() -> u64 {
    // SAFETY: Returns a constant.
    u64::from(unsafe { b::rvnet_hz() })
}
