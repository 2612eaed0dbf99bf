// SPDX-License-Identifier: GPL-2.0

//! Receive: `ip_tunnel_rcv()` after the lookup: GRE's checksum-flag and
//! sequence checks, ECN decapsulation (RFC 6040), counters, scrubbing and
//! GRO.

use crate::glue::link::Dev;
use crate::glue::tunnel::{
    log_ecn_error, log_non_ect, Decapsulated, DevStat, GreInfo, MdKey, RxPacket,
};
use crate::rvnet_core::tunnel::ecn::{self, Decap};
use crate::rvnet_core::tunnel::gre::{self, RxCheck};
use crate::table::TunnelKind;
use core::sync::atomic::Ordering;

/// Pulls the outer header off a packet for `dev` (its inner protocol
/// `inner_proto`), then delivers it as [`tunnel_rcv`] (ipip, sit); a
/// packet that cannot be pulled is dropped.
pub(crate) fn decapsulate_rcv<K: TunnelKind>(dev: Dev<'_, K>, pkt: RxPacket, inner_proto: u16) {
    let md = dev.state().collect_md.then_some(MdKey::default());
    if let Ok(d) = pkt.decapsulate(0, inner_proto, false, md) {
        tunnel_rcv(dev, d, None);
    }
}

/// Delivers a decapsulated packet on `dev` (`gre`: the GRE header it came
/// with), or drops it as `ip_tunnel_rcv()` does.
pub(crate) fn tunnel_rcv<K: TunnelKind>(
    dev: Dev<'_, K>,
    mut pkt: Decapsulated,
    gre: Option<&GreInfo>,
) {
    let t = dev.state();
    if let Some(g) = gre {
        let i_flags = t.cfg.read(|c| c.parms.i_flags);
        match gre::rx_check(i_flags, t.i_seqno.load(Ordering::Relaxed), g.flags, g.seq) {
            RxCheck::Accept(next) => {
                if let Some(n) = next {
                    t.i_seqno.store(n, Ordering::Relaxed);
                }
            }
            RxCheck::CsumMismatch => return count_drop(dev, DevStat::RxCrcErrors),
            RxCheck::BadSequence => return count_drop(dev, DevStat::RxFifoErrors),
        }
    }
    if pkt.pull_inner(K::ETH_HLEN != 0).is_err() {
        return count_drop(dev, DevStat::RxLengthErrors);
    }
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
                return count_drop(dev, DevStat::RxFrameErrors);
            }
        }
    }
    let xnet = !core::ptr::eq(t.net.get().as_raw(), dev.net().as_raw());
    pkt.deliver(&dev, &t.cells, xnet);
}

/// Counts a receive error of kind `stat` (and `rx_errors`); the packet is
/// dropped with its [`Decapsulated`].
fn count_drop<K: TunnelKind>(dev: Dev<'_, K>, stat: DevStat) {
    dev.count(stat);
    dev.count(DevStat::RxErrors);
}
