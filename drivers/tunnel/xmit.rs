// SPDX-License-Identifier: GPL-2.0

//! Transmit: `ipip_tunnel_xmit()` and `ip_tunnel_xmit()` with
//! `tnl_update_pmtu()`; sit's `sit_tunnel_xmit()` and
//! `ipip6_tunnel_xmit()`; `ip_md_tunnel_xmit()` for collect_md tunnels.
//! The decisions (destination, TOS, TTL, DF, path
//! MTU, ECN, error window) are the core crate's.

use crate::glue::link::{Dev, TxContext};
use crate::glue::skb::SkBuff;
use crate::glue::timer::now_ms;
use crate::glue::tunnel::{DevStat, Flow, InnerInfo, MdRouteError, Route, TxPacket, TxTunnelKey};
use crate::ipip::IpipKind;
use crate::rvnet_core::tunnel::gre::LinkHeader;
use crate::rvnet_core::tunnel::mtu::{self, IPV4_HLEN, IPV6_MIN_MTU};
use crate::rvnet_core::tunnel::sit::{self, IPPROTO_IPV6};
use crate::rvnet_core::tunnel::{
    ecn, is_multicast, md, outer_df, outer_tos, outer_ttl, Inner, DSCP_MASK, IPPROTO_IPIP,
};
use crate::sit::SitKind;
use crate::table::TunnelKind;

/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_IPV6`.
const ETH_P_IPV6: u16 = 0x86dd;
/// `SKB_GSO_IPXIP4`.
const SKB_GSO_IPXIP4: i32 = 1 << 8;

/// The inner packet as the core crate sees it.
fn inner_of(i: &InnerInfo) -> Inner {
    match i.protocol {
        ETH_P_IP => Inner::Ipv4 {
            tos: i.tos,
            ttl: i.ttl,
            df: i.df,
        },
        ETH_P_IPV6 => Inner::Ipv6 {
            dsfield: i.tos,
            hop_limit: i.ttl,
        },
        _ => Inner::Other,
    }
}

/// Drops `skb`, counting `stat` (and `tx_errors` for the error kinds).
pub(crate) fn drop_counted<K: TunnelKind>(dev: Dev<'_, K>, skb: SkBuff, stat: Option<DevStat>) {
    if let Some(s) = stat {
        dev.count(s);
    }
    dev.count(DevStat::TxErrors);
    drop(skb);
}

/// `ipip_tunnel_xmit()`: IPv4 payloads only, of the tunnel's protocol.
pub(crate) fn ipip_xmit(dev: Dev<'_, IpipKind>, skb: SkBuff, ctx: &TxContext) {
    let t = dev.state();
    let cfg = t.cfg.get(ctx);
    if skb.protocol() != ETH_P_IP || (cfg.parms.protocol != IPPROTO_IPIP && cfg.parms.protocol != 0)
    {
        return drop_counted(dev, skb, None);
    }
    let pkt = match TxPacket::new(skb, IPPROTO_IPIP, SKB_GSO_IPXIP4) {
        Ok(p) => p,
        Err(skb) => return drop_counted(dev, skb, None),
    };
    if t.collect_md {
        let Some(key) = pkt.tunnel_key() else {
            return drop_counted(dev, pkt.into_skb(), None);
        };
        return md_xmit(dev, pkt, key, IPPROTO_IPIP, 0);
    }
    tunnel_xmit(dev, pkt, IPPROTO_IPIP, ctx)
}

/// `sit_tunnel_xmit()`: IPv6 payloads as sit's own (`ipip6_tunnel_xmit()`),
/// IPv4 ones through `ip_tunnel_xmit()`, whatever the tunnel's mode.
pub(crate) fn sit_xmit(dev: Dev<'_, SitKind>, skb: SkBuff, ctx: &TxContext) {
    let (ipproto, ipv6) = match skb.protocol() {
        ETH_P_IP => (IPPROTO_IPIP, false),
        ETH_P_IPV6 => (IPPROTO_IPV6, true),
        _ => return drop_counted(dev, skb, None),
    };
    match TxPacket::new(skb, ipproto, SKB_GSO_IPXIP4) {
        Ok(pkt) if ipv6 => ipip6_xmit(dev, pkt, ctx),
        Ok(pkt) => tunnel_xmit(dev, pkt, ipproto, ctx),
        Err(skb) => drop_counted(dev, skb, None),
    }
}

/// `ipip6_tunnel_xmit()`: the destination from the tunnel, its ISATAP
/// next hop, the 6to4 address or an IPv4-compatible next hop; the route
/// cache whatever the destination (as sit.ko); DF dropped below the IPv6
/// minimum MTU.
fn ipip6_xmit(dev: Dev<'_, SitKind>, pkt: TxPacket, ctx: &TxContext) {
    let t = dev.state();
    let cfg = t.cfg.get(ctx);
    let p = cfg.parms;
    let info = pkt.inner(&dev);
    let inner = inner_of(&info);
    let tos = sit::xmit_tos(p.tos, info.tos);
    let isatap = p.i_flags & sit::SIT_ISATAP != 0;
    let daddr6 = pkt.inner_ipv6_daddr();
    let Some(dst) = sit::xmit_destination(p.daddr, isatap, &daddr6, || pkt.ipv6_neighbour()) else {
        return drop_counted(dev, pkt.into_skb(), None);
    };
    let flow = Flow {
        proto: IPPROTO_IPV6,
        daddr: dst,
        saddr: p.saddr,
        key: 0,
        tos: tos & DSCP_MASK,
        oif: p.link,
        mark: cfg.fwmark,
        hash: 0,
    };
    let (rt, saddr) = match Route::cached(&t.cells) {
        Some(r) => r,
        None => match Route::output(t.net.get(), &flow) {
            Some((rt, saddr)) => {
                rt.cache_in(&t.cells, saddr);
                (rt, saddr)
            }
            None => {
                pkt.link_failure();
                return drop_counted(dev, pkt.into_skb(), Some(DevStat::TxCarrierErrors));
            }
        },
    };
    if !rt.is_unicast_or_local() {
        drop(rt);
        pkt.link_failure();
        return drop_counted(dev, pkt.into_skb(), Some(DevStat::TxCarrierErrors));
    }
    if rt.device().ptr_eq(&dev) {
        drop(rt);
        return drop_counted(dev, pkt.into_skb(), Some(DevStat::Collisions));
    }
    let mut df = p.df;
    if df {
        let Some((mtu, keep_df)) = sit::xmit_pmtu(rt.mtu()) else {
            drop(rt);
            return drop_counted(dev, pkt.into_skb(), Some(DevStat::Collisions));
        };
        df = keep_df;
        if p.daddr != 0 {
            pkt.update_pmtu(mtu);
        }
        if info.len > mtu && !info.gso {
            pkt.icmpv6_too_big(mtu);
            drop(rt);
            return drop_counted(dev, pkt.into_skb(), None);
        }
    }
    let (errs, fail) = t.errors().on_xmit(now_ms);
    if errs != t.errors() {
        t.set_errors(errs);
    }
    if fail {
        pkt.link_failure();
    }
    let pkt = match pkt.reserve(rt.headroom() + IPV4_HLEN) {
        Ok(p) => p,
        Err(skb) => {
            drop(rt);
            dev.count(DevStat::TxDropped);
            drop(skb);
            return;
        }
    };
    let ttl = outer_ttl(p.ttl, inner, rt.hoplimit());
    let tos = ecn::encapsulate(tos, inner.dsfield());
    let xnet = !core::ptr::eq(t.net.get().as_raw(), dev.net().as_raw());
    pkt.send(rt, saddr, dst, IPPROTO_IPV6, tos, ttl, df, xnet);
}

/// `ip_tunnel_xmit()`: `pkt` carries the kind's own header already.
pub(crate) fn tunnel_xmit<K: TunnelKind>(
    dev: Dev<'_, K>,
    pkt: TxPacket,
    protocol: u8,
    ctx: &TxContext,
) {
    tunnel_xmit_with(dev, pkt, protocol, ctx, None)
}

/// `ip_tunnel_xmit()` with `tnl_params` from the link-layer header `tnl`
/// (addresses, TOS, TTL, DF) instead of the tunnel's own.
pub(crate) fn tunnel_xmit_with<K: TunnelKind>(
    dev: Dev<'_, K>,
    pkt: TxPacket,
    protocol: u8,
    ctx: &TxContext,
    tnl: Option<LinkHeader>,
) {
    let t = dev.state();
    let cfg = t.cfg.get(ctx);
    let own = cfg.parms;
    let p = tnl.map_or(own, |h| h.apply(&own));
    let info = pkt.inner(&dev);
    let inner = inner_of(&info);
    let mut connected = own.daddr != 0;
    let mut dst = p.daddr;
    if dst == 0 {
        // NBMA: the route's next hop.
        if !info.has_dst {
            return drop_counted(dev, pkt.into_skb(), Some(DevStat::TxFifoErrors));
        }
        // Transmit metadata with a destination (a lightweight-tunnel
        // route) gives it; C then caches the route in the metadata, rvnet
        // looks it up for each packet (the tunnel's own cache is for its
        // remote only).
        let md_dst = pkt.tunnel_key().map_or(0, |k| k.dst);
        match info.protocol {
            _ if md_dst != 0 => dst = md_dst,
            ETH_P_IP => dst = pkt.ipv4_nexthop(info.daddr),
            ETH_P_IPV6 => match pkt.ipv6_nexthop() {
                Ok(a) => dst = a,
                Err(report) => {
                    if report {
                        pkt.link_failure();
                    }
                    return drop_counted(dev, pkt.into_skb(), None);
                }
            },
            _ => return drop_counted(dev, pkt.into_skb(), None),
        }
        connected = false;
    }
    let (tos, per_packet) = outer_tos(p.tos, inner);
    if per_packet {
        connected = false;
    }
    let flow = Flow {
        proto: protocol,
        daddr: dst,
        saddr: p.saddr,
        key: p.o_key,
        tos: tos & DSCP_MASK,
        oif: p.link,
        mark: cfg.fwmark,
        hash: info.hash,
    };
    let cached = if connected {
        Route::cached(&t.cells)
    } else {
        None
    };
    let (rt, saddr) = match cached {
        Some(r) => r,
        None => match Route::output(t.net.get(), &flow) {
            Some((rt, saddr)) => {
                if connected {
                    rt.cache_in(&t.cells, saddr);
                }
                (rt, saddr)
            }
            None => {
                return drop_counted(dev, pkt.into_skb(), Some(DevStat::TxCarrierErrors));
            }
        },
    };
    if rt.device().ptr_eq(&dev) {
        drop(rt);
        return drop_counted(dev, pkt.into_skb(), Some(DevStat::Collisions));
    }
    let df = outer_df(p.df, cfg.ignore_df, inner);
    let hlen = K::hlen(cfg);
    if update_pmtu(&pkt, &rt, df, hlen, K::ETH_HLEN, &info, own.daddr).is_err() {
        drop(rt);
        return drop_counted(dev, pkt.into_skb(), None);
    }
    let (errs, fail) = t.errors().on_xmit(now_ms);
    if errs != t.errors() {
        t.set_errors(errs);
    }
    if fail {
        pkt.link_failure();
    }
    let outer = Outer {
        saddr,
        daddr: dst,
        protocol,
        tos: ecn::encapsulate(tos, inner.dsfield()),
        ttl: outer_ttl(p.ttl, inner, rt.hoplimit()),
        df,
    };
    send_on(dev, pkt, rt, outer);
}

/// `ip_md_tunnel_xmit()`: the outer header from the packet's tunnel key
/// `key` (read by the caller) instead of the tunnel's parameters. `pkt`
/// carries the kind's own header of `hlen` bytes already (0 for ipip:
/// the key's encapsulation header counts). No route cache of the tunnel
/// (the key's own is used) and no ICMP error window.
pub(crate) fn md_xmit<K: TunnelKind>(
    dev: Dev<'_, K>,
    pkt: TxPacket,
    key: TxTunnelKey,
    protocol: u8,
    hlen: u32,
) {
    let t = dev.state();
    let info = pkt.inner(&dev);
    let inner = inner_of(&info);
    let tos = md::tos(key.tos, inner);
    let hlen = if hlen == 0 {
        md::ipip_hlen(key.encap_hlen)
    } else {
        hlen
    };
    let mut protocol = protocol;
    let (rt, saddr, daddr) = match pkt.route_md(t.net.get(), &mut protocol, tos & DSCP_MASK) {
        Ok(r) => r,
        Err(MdRouteError::NoRoute) => {
            return drop_counted(dev, pkt.into_skb(), Some(DevStat::TxCarrierErrors));
        }
        Err(MdRouteError::Encap) => return drop_counted(dev, pkt.into_skb(), None),
    };
    if rt.device().ptr_eq(&dev) {
        drop(rt);
        return drop_counted(dev, pkt.into_skb(), Some(DevStat::Collisions));
    }
    if update_pmtu(&pkt, &rt, key.df, hlen, K::ETH_HLEN, &info, key.dst).is_err() {
        drop(rt);
        return drop_counted(dev, pkt.into_skb(), None);
    }
    let outer = Outer {
        saddr,
        daddr,
        protocol,
        tos: ecn::encapsulate(tos, inner.dsfield()),
        ttl: md::ttl(key.ttl, inner, rt.hoplimit()),
        df: key.df,
    };
    send_on(dev, pkt, rt, outer);
}

/// The outer IPv4 header's fields.
struct Outer {
    saddr: u32,
    daddr: u32,
    protocol: u8,
    tos: u8,
    ttl: u8,
    df: bool,
}

/// The end of `ip_tunnel_xmit()` and `ip_md_tunnel_xmit()`: room for the
/// outer header on `rt` (the device's `needed_headroom` grown to it), then
/// `iptunnel_xmit()`.
fn send_on<K: TunnelKind>(dev: Dev<'_, K>, pkt: TxPacket, rt: Route, o: Outer) {
    let headroom = rt.headroom() + IPV4_HLEN;
    let pkt = match pkt.reserve(headroom) {
        Ok(p) => p,
        Err(skb) => {
            drop(rt);
            dev.count(DevStat::TxDropped);
            drop(skb);
            return;
        }
    };
    if let Some(h) = mtu::grown_headroom(dev.needed_headroom(), headroom) {
        dev.set_needed_headroom(h);
    }
    let xnet = !core::ptr::eq(dev.state().net.get().as_raw(), dev.net().as_raw());
    pkt.send(rt, o.saddr, o.daddr, o.protocol, o.tos, o.ttl, o.df, xnet);
}

/// `tnl_update_pmtu()`: lowers the inner route's MTU and answers packets
/// that cannot pass (ICMP fragmentation needed, ICMPv6 packet too big).
fn update_pmtu(
    pkt: &TxPacket,
    rt: &Route,
    df: bool,
    hlen: u32,
    eth_hlen: u32,
    info: &InnerInfo,
    daddr: u32,
) -> Result<(), ()> {
    let pkt_size = info.len.saturating_sub(hlen + eth_hlen);
    let mtu = mtu::path_mtu(df, rt.mtu(), hlen, eth_hlen, info.mtu);
    pkt.update_pmtu(mtu);
    match info.protocol {
        ETH_P_IP if !info.gso && info.df && mtu < pkt_size => {
            pkt.icmp_frag_needed(mtu);
            Err(())
        }
        ETH_P_IPV6 => {
            pkt.update_pmtu6(mtu, daddr != 0 && !is_multicast(daddr));
            if !info.gso && mtu >= IPV6_MIN_MTU && mtu < pkt_size {
                pkt.icmpv6_too_big(mtu);
                return Err(());
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
