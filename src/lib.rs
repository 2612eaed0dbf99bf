// SPDX-License-Identifier: GPL-2.0

//! rvnet's core: everything in rvnet that is pure logic.
//!
//! This crate has no kernel dependency and does not allocate, so the same
//! source is host-tested with `cargo test` and compiled into every rvnet
//! kernel module (through `#[path]`).

// Kernel modules include this file as a module (`#[path]`); `MODULE` is
// set there and the crate they are in is no_std already.
#![cfg_attr(not(MODULE), no_std)]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

/// macvlan and ipvlan: option checks, delivery decisions, hashes.
pub mod alias;
pub mod bond;
pub mod bridge;
pub mod ether;
/// A heap sort without panic paths, for the modules' control paths.
pub mod sort;
/// TEQL: slave joining and opening rules, the slave ring, `/proc/net/teql`.
pub mod teql;
/// IPv4 tunnels: lookup order, ECN, TTL/TOS inheritance, MTU rules.
pub mod tunnel;
pub mod vlan;
pub mod vlan_proc;
pub mod xmit;
