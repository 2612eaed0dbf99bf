// SPDX-License-Identifier: GPL-2.0

//! Bonding logic, as `drivers/net/bonding` defines it: option values,
//! transmit hashing and slave selection, the 802.3ad (LACP) state machines
//! and the text of `/proc/net/bonding`.

pub mod arpmon;
pub mod hash;
pub mod lacp;
pub mod monitor;
pub mod options;
pub mod proc;
pub mod stats;
