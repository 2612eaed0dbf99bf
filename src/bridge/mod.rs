// SPDX-License-Identifier: GPL-2.0

//! The bridge's pure logic: forwarding database, forwarding decisions,
//! options, and IEEE 802.1D spanning tree (`net/bridge`).

pub mod bpdu;
pub mod fdb;
pub mod forward;
pub mod options;
pub mod proc;
pub mod stp;
