// SPDX-License-Identifier: GPL-2.0

//! rvnet's glue: the one layer between rvnet's device code and the kernel's
//! C networking API.
//!
//! Every rvnet module compiles this source in. It is the only place with
//! `unsafe`; the device code on top of it is safe Rust. The shape follows
//! `rust/kernel/net/phy.rs`: a `#[vtable]` trait per C ops table, and an
//! adapter that turns the trait into a static C table.

pub mod attr;
pub mod bindings;
pub mod bridge;
pub mod buckets;
pub mod device;
pub mod frame_queue;
pub mod hash;
pub mod inetaddr;
pub mod l3s;
pub mod link;
pub mod macvlan_header;
pub mod netdev;
pub mod notifier;
pub mod pernet;
pub mod port;
pub mod procfs;
pub mod qdisc;
pub mod raw_lock;
pub mod rcu;
pub mod skb;
pub mod timer;
pub mod tunnel;
pub mod vlan_header;

/// Turns a kernel return value (0 or a negative errno) into a [`Result`].
///
/// [`Result`]: kernel::error::Result
pub(crate) fn to_result(ret: kernel::ffi::c_int) -> kernel::error::Result {
    kernel::error::to_result(ret)
}
