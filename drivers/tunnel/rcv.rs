// SPDX-License-Identifier: GPL-2.0

//! Receive: `ip_tunnel_rcv()` after the lookup: ECN decapsulation
//! (RFC 6040), counters, scrubbing and GRO.

use crate::glue::link::Dev;
use crate::glue::tunnel::{log_ecn_error, log_non_ect, Decapsulated, DevStat, PullError, RxPacket};
use crate::rvnet_core::tunnel::ecn::{self, Decap};
use crate::table::TunnelKind;

/// Pulls the outer header off a packet for `dev` (its inner protocol
/// `inner_proto`), then delivers it as [`tunnel_rcv`]; an inner packet
/// shorter than its header counts as `rx_length_errors`.
pub(crate) fn decapsulate_rcv<K: TunnelKind>(dev: Dev<'_, K>, pkt: RxPacket, inner_proto: u16) {
    match pkt.decapsulate(inner_proto, dev.state().collect_md) {
        Ok(d) => tunnel_rcv(dev, d),
        Err(PullError::Truncated) => {
            dev.count(DevStat::RxLengthErrors);
            dev.count(DevStat::RxErrors);
        }
        Err(PullError::Malformed) => {}
    }
}

/// Delivers a decapsulated packet on `dev`, or drops it as `ip_tunnel_rcv()`
/// does.
pub(crate) fn tunnel_rcv<K: TunnelKind>(dev: Dev<'_, K>, mut pkt: Decapsulated) {
    let (outer_saddr, outer_tos) = (pkt.outer().saddr(), pkt.outer().tos());
    match ecn::decapsulate(outer_tos, pkt.inner_dsfield()) {
        Decap::Keep => {}
        Decap::SetCe => pkt.set_inner_ecn(true),
        Decap::SetEct1 => pkt.set_inner_ecn(false),
        verdict @ (Decap::Log | Decap::Drop) => {
            if log_ecn_error() {
                log_non_ect(outer_saddr, outer_tos);
            }
            if verdict == Decap::Drop {
                dev.count(DevStat::RxFrameErrors);
                dev.count(DevStat::RxErrors);
                return;
            }
        }
    }
    let t = dev.state();
    let xnet = !core::ptr::eq(t.net.get().as_raw(), dev.net().as_raw());
    pkt.deliver(&dev, &t.cells, xnet);
}
