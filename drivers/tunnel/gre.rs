// SPDX-License-Identifier: GPL-2.0

//! GRE over IPv4 (`net/ipv4/ip_gre.c`): the kinds gre (`ipgre_link_ops`,
//! `ipgre_netdev_ops`), gretap (`ipgre_tap_ops`, `gre_tap_netdev_ops`)
//! and erspan (`erspan_link_ops`, `erspan_netdev_ops`), their transmit
//! (`ipgre_xmit()`, `gre_tap_xmit()`, `erspan_xmit()`, `__gre_xmit()`),
//! changes (`ipgre_changelink()`, `erspan_changelink()`,
//! `ipgre_link_update()`, `ipgre_tunnel_ctl()`), and the handler in
//! gre.ko's version 0 slot (`gre_rcv()`, `ipgre_rcv()`, `erspan_rcv()`,
//! `gre_err()`, `ipgre_err()`).

use crate::glue::attr::{Attrs, ExtAck};
use crate::glue::bindings::{
    ARPHRD_ETHER, ARPHRD_IPGRE, ARPHRD_NONE, IFLA_ADDRESS, IFLA_GRE_COLLECT_METADATA, IFLA_MTU,
    SKB_GSO_GRE, SKB_GSO_GRE_CSUM,
};
use crate::glue::link::{Dev, HardHeader, KindHandle, NewLink, SkBuffRef, TxContext, MAX_ADDR_LEN};
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::PernetId;
use crate::glue::rcu::rcu_read;
use crate::glue::skb::SkBuff;
use crate::glue::timer::now_ms;
use crate::glue::tunnel::{
    cmd, real_time_ns, DevStat, ErspanMd, GreHandler, GreInfo, GreVerdict, IcmpError, MdKey,
    RxPacket, TunnelParm, TxPacket,
};
use crate::gre_netlink::{
    erspan_fill_info, erspan_settings, erspan_validate, gre_fill_info, gre_info_size, gre_request,
    gre_validate, gretap_validate, GRE_POLICY,
};
use crate::iptunnel::{self, tunnel_device_ops, tunnel_link_ops, Creation, Request};
use crate::rvnet_core::tunnel::erspan::{self, Settings};
use crate::rvnet_core::tunnel::gre::{self, Header, LinkHeader};
use crate::rvnet_core::tunnel::lookup::PacketKey;
use crate::rvnet_core::tunnel::mtu::MIN_MTU;
use crate::rvnet_core::tunnel::{icmp, md, IoctlIph};
use crate::table::{TunnelKind, TunnelNet};
use core::sync::atomic::Ordering;
use kernel::prelude::*;

/// `ETH_P_IPV6`.
const ETH_P_IPV6: u16 = 0x86dd;

/// The rtnl kind "gre": IP (and anything else with an EtherType) over GRE.
pub(crate) struct GreKind;

/// The rtnl kind "gretap": Ethernet over GRE.
pub(crate) struct GreTapKind;

/// The rtnl kind "erspan": mirrored Ethernet frames in ERSPAN type II or
/// III over GRE.
pub(crate) struct ErspanKind;

/// Where the gre kind's ops are published.
pub(crate) static GRE_KIND: KindHandle<GreKind> = KindHandle::new();
/// Where the gretap kind's ops are published.
pub(crate) static GRETAP_KIND: KindHandle<GreTapKind> = KindHandle::new();

/// Where the erspan kind's ops are published.
pub(crate) static ERSPAN_KIND: KindHandle<ErspanKind> = KindHandle::new();

/// gre's per-namespace state id (`ipgre_net_id`).
static GRE_NET_ID: PernetId = PernetId::new();
/// gretap's (`gre_tap_net_id`).
static GRETAP_NET_ID: PernetId = PernetId::new();

/// gre's per-namespace tables.
pub(crate) type GreNet = TunnelNet<GreKind>;
/// gretap's.
pub(crate) type GreTapNet = TunnelNet<GreTapKind>;
/// erspan's.
pub(crate) type ErspanNet = TunnelNet<ErspanKind>;

/// erspan's per-namespace state id (`erspan_net_id`).
static ERSPAN_NET_ID: PernetId = PernetId::new();

impl TunnelKind for GreKind {
    const LINK_TYPE: u16 = ARPHRD_IPGRE as u16;
    const NET_ID: &'static PernetId = &GRE_NET_ID;
    const FALLBACK_NAME: &'static CStr = c"gre0";
    const HANDLE: &'static KindHandle<Self> = &GRE_KIND;

    fn hlen(cfg: &crate::table::Config) -> u32 {
        gre::hlen(cfg.parms.o_flags)
    }

    fn create_fallback(net: &Net) -> Result {
        iptunnel::create_fallback::<Self>(net)
    }
}

impl TunnelKind for GreTapKind {
    const LINK_TYPE: u16 = ARPHRD_ETHER as u16;
    const NET_ID: &'static PernetId = &GRETAP_NET_ID;
    const FALLBACK_NAME: &'static CStr = c"gretap0";
    const HANDLE: &'static KindHandle<Self> = &GRETAP_KIND;
    const ETH_HLEN: u32 = 14;

    fn hlen(cfg: &crate::table::Config) -> u32 {
        gre::hlen(cfg.parms.o_flags)
    }

    fn create_fallback(net: &Net) -> Result {
        iptunnel::create_fallback::<Self>(net)
    }
}

impl TunnelKind for ErspanKind {
    const LINK_TYPE: u16 = ARPHRD_ETHER as u16;
    const NET_ID: &'static PernetId = &ERSPAN_NET_ID;
    const FALLBACK_NAME: &'static CStr = c"erspan0";
    const HANDLE: &'static KindHandle<Self> = &ERSPAN_KIND;
    const ETH_HLEN: u32 = 14;

    /// `erspan_tunnel_init()`'s: the GRE header and the version's ERSPAN
    /// header.
    fn hlen(cfg: &crate::table::Config) -> u32 {
        erspan::tunnel_hlen(cfg.erspan.ver)
    }

    /// `erspan0`, made by `erspan_setup()`: version 1.
    fn create_fallback(net: &Net) -> Result {
        let req = Request {
            erspan: Settings::SETUP,
            ..Request::fallback()
        };
        ERSPAN_KIND.create(net, Self::FALLBACK_NAME, false, |link| {
            iptunnel::create(link, net, &req)
        })
    }
}

/// `__gre_tunnel_init()` after `ip_tunnel_init()`: protocol GRE, GSO
/// unless sequence numbers go out.
fn gre_init<K: TunnelKind>(dev: Dev<'_, K>) -> Result {
    iptunnel::init(dev)?;
    let t = dev.state();
    let mut cfg = t.config();
    cfg.parms.protocol = gre::IPPROTO_GRE;
    t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    dev.set_gso_software(gre::gso_allowed(cfg.parms.o_flags));
    Ok(())
}

/// Whether a gre device has `ipgre_header_ops` (`ipgre_tunnel_init()`):
/// NBMA (no remote) and not collect_md, so that neighbour entries give
/// the remote (`ip neigh add A lladdr REMOTE dev gre1`).
fn nbma_header_ops(dev: Dev<'_, GreKind>) -> bool {
    let t = dev.state();
    !t.collect_md && t.config().parms.daddr == 0
}

/// `ipgre_tunnel_init()`: `__gre_tunnel_init()`, and with header ops the
/// outer IPv4 and GRE headers as the link-layer header
/// (`hard_header_len`) rather than headroom.
fn ipgre_init(dev: Dev<'_, GreKind>) -> Result {
    gre_init(dev)?;
    if nbma_header_ops(dev) {
        let o_flags = dev.state().config().parms.o_flags;
        dev.set_hard_header_len(LinkHeader::len(o_flags) as u32);
        dev.set_needed_headroom(0);
    }
    Ok(())
}

/// `ipgre_header()`: the tunnel's outer IPv4 header, addressed as the
/// neighbour entry (or sender) says, and the GRE base header; its length,
/// negative without a destination.
fn ipgre_header(dev: Dev<'_, GreKind>, mut header: HardHeader<'_>) -> i32 {
    let p = dev.state().config().parms;
    let addr = |a: Option<[u8; 4]>| a.map(u32::from_be_bytes);
    let h = LinkHeader::new(&p, addr(header.saddr()), addr(header.daddr()));
    let len = LinkHeader::len(p.o_flags);
    let proto = header.ethertype();
    let Some(buf) = header.push(len) else {
        return -(len as i32);
    };
    h.build(p.o_flags, proto, buf);
    if h.daddr != 0 {
        len as i32
    } else {
        -(len as i32)
    }
}

/// Drops a packet before encapsulation, as `ipgre_xmit()` does
/// (`tx_dropped`).
fn drop_early<K: TunnelKind>(dev: Dev<'_, K>, skb: SkBuff) {
    dev.count(DevStat::TxDropped);
    drop(skb);
}

/// `ipgre_xmit()` and `gre_tap_xmit()` with `__gre_xmit()`: the GRE
/// header for payload `proto` (host order), then `ip_tunnel_xmit()`; on a
/// collect_md tunnel `gre_fb_xmit()` and `ip_md_tunnel_xmit()`. With
/// `link_header` (gre's header ops) the packet starts with the outer
/// header they built, which gives the tunnel parameters.
fn gre_xmit<K: TunnelKind>(
    dev: Dev<'_, K>,
    skb: SkBuff,
    proto: u16,
    ctx: &TxContext,
    link_header: bool,
) {
    let t = dev.state();
    let p = t.cfg.get(ctx).parms;
    let csum = p.o_flags & gre::CSUM != 0;
    let gso = if csum { SKB_GSO_GRE_CSUM } else { SKB_GSO_GRE };
    let mut pkt = match TxPacket::new(skb, gre::IPPROTO_GRE, gso) {
        Ok(p) => p,
        Err(skb) => return drop_early(dev, skb),
    };
    let mut tnl = None;
    if link_header && !t.collect_md {
        let mut buf = [0u8; LinkHeader::len(gre::CSUM | gre::KEY | gre::SEQ)];
        let len = LinkHeader::len(p.o_flags);
        if !pkt.pull_link_header(&mut buf[..len]) {
            return drop_early(dev, pkt.into_skb());
        }
        tnl = LinkHeader::parse(&buf);
    }
    let mut pkt = match pkt.reserve(dev.needed_headroom()) {
        Ok(p) => p,
        Err(skb) => return drop_early(dev, skb),
    };
    // collect_md (`gre_fb_xmit()`): flags and key from the packet's
    // tunnel key, dropped without one.
    let (flags, key, md_key) = if t.collect_md {
        let Some(k) = pkt.tunnel_key() else {
            return drop_early(dev, pkt.into_skb());
        };
        (md::gre_flags(k.gre_flags), md::key32(k.id), Some(k))
    } else {
        (p.o_flags, p.o_key, None)
    };
    let seq = if flags & gre::SEQ != 0 {
        t.o_seqno.fetch_add(1, Ordering::Relaxed)
    } else {
        0
    };
    let header = Header {
        flags,
        proto,
        key,
        seq,
    };
    let mut buf = [0u8; gre::MAX_HLEN];
    let len = header.build(&mut buf);
    pkt.push_gre(&buf[..len], proto, flags & gre::CSUM != 0);
    match md_key {
        Some(k) => crate::xmit::md_xmit(dev, pkt, k, gre::IPPROTO_GRE, len as u32),
        None => crate::xmit::tunnel_xmit_with(dev, pkt, gre::IPPROTO_GRE, ctx, tnl),
    }
}

/// `erspan_tunnel_init()` after `ip_tunnel_init()`: protocol GRE, GSO
/// left off.
fn erspan_init(dev: Dev<'_, ErspanKind>) -> Result {
    iptunnel::init(dev)?;
    let t = dev.state();
    let mut cfg = t.config();
    cfg.parms.protocol = gre::IPPROTO_GRE;
    t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    Ok(())
}

/// `erspan_xmit()`: the frame cut to the MTU (and marked truncated), the
/// ERSPAN header of the tunnel's version behind a GRE header without key
/// (the session id carries it), then `ip_tunnel_xmit()`. On a collect_md
/// tunnel `erspan_fb_xmit()`: the version, index, direction and hardware
/// id from the metadata's ERSPAN options and the session id from its key,
/// GRE with S only, then `ip_md_tunnel_xmit()`; without those options the
/// packet is dropped.
fn erspan_xmit(dev: Dev<'_, ErspanKind>, skb: SkBuff, ctx: &TxContext) {
    let t = dev.state();
    let c = *t.cfg.get(ctx);
    let pkt = match TxPacket::new(skb, gre::IPPROTO_GRE, SKB_GSO_GRE) {
        Ok(p) => p,
        Err(skb) => return drop_early(dev, skb),
    };
    let (s, key, o_flags, md_key) = if t.collect_md {
        let Some((k, e)) = pkt.tunnel_key().and_then(|k| Some((k, k.erspan?))) else {
            return drop_early(dev, pkt.into_skb());
        };
        let s = Settings {
            ver: e.ver,
            index: e.index,
            dir: e.dir,
            hwid: e.hwid.into(),
        };
        (s, md::key32(k.id), gre::SEQ, Some(k))
    } else {
        (c.erspan, c.parms.o_key, c.parms.o_flags, None)
    };
    let mut pkt = match pkt.reserve(dev.needed_headroom()) {
        Ok(p) => p,
        Err(skb) => return drop_early(dev, skb),
    };
    let limit = dev.mtu() + dev.hard_header_len();
    let mut truncated = erspan::truncates(pkt.erspan_frame().len, limit);
    if truncated {
        pkt = match pkt.trim(limit) {
            Ok(p) => p,
            Err(skb) => return drop_early(dev, skb),
        };
    }
    if md_key.is_some() {
        truncated |= pkt.inner_truncated();
    }
    if s.ver > 2 || (md_key.is_some() && s.ver == 0) {
        return drop_early(dev, pkt.into_skb());
    }
    let flags = erspan::gre_flags(s.ver, o_flags);
    let seq = if flags & gre::SEQ != 0 {
        t.o_seqno.fetch_add(1, Ordering::Relaxed)
    } else {
        0
    };
    let proto = erspan::proto(s.ver);
    let gre_header = Header {
        flags,
        proto,
        key: 0,
        seq,
    };
    let mut buf = [0u8; gre::MAX_HLEN + erspan::MAX_HLEN];
    let mut gre_buf = [0u8; gre::MAX_HLEN];
    let gre_len = gre_header.build(&mut gre_buf);
    buf[..gre_len].copy_from_slice(&gre_buf[..gre_len]);
    let mut len = gre_len;
    if s.ver != 0 {
        let f = pkt.erspan_frame();
        let frame = erspan::Frame {
            tos: f.tos,
            eth_proto: f.eth_proto,
            tci: f.tci,
            len: f.len,
        };
        let stamp = erspan::timestamp(real_time_ns());
        let h = erspan::Header::for_frame(&s, key, &frame, truncated, stamp);
        len += h.build(&mut buf[gre_len..]);
    }
    pkt.push_gre(&buf[..len], proto, flags & gre::CSUM != 0);
    match md_key {
        Some(k) => crate::xmit::md_xmit(dev, pkt, k, gre::IPPROTO_GRE, len as u32),
        None => crate::xmit::tunnel_xmit(dev, pkt, gre::IPPROTO_GRE, ctx),
    }
}

/// `ipgre_link_update()`: the device's header room and (with `set_mtu`)
/// MTU follow a change of the transmit flags from `old_o_flags`; GSO as
/// the new flags allow.
fn link_update<K: TunnelKind>(dev: Dev<'_, K>, old_o_flags: u16, set_mtu: bool) {
    let o_flags = dev.state().config().parms.o_flags;
    let delta = gre::hlen(o_flags) as i32 - gre::hlen(old_o_flags) as i32;
    // gre's header ops carry the GRE header in the link-layer header.
    if K::LINK_TYPE == ARPHRD_IPGRE as u16 && dev.has_header_ops() {
        let len = dev.hard_header_len() as i32 + delta;
        dev.set_hard_header_len(len.max(0) as u32);
    } else {
        let headroom = dev.needed_headroom() as i32 + delta;
        dev.set_needed_headroom(headroom.max(0) as u32);
    }
    if set_mtu {
        let mtu = (dev.mtu() as i32 - delta).max(MIN_MTU as i32);
        dev.store_mtu(mtu as u32);
    }
    dev.set_gso_software(gre::gso_allowed(o_flags));
}

/// `ipgre_changelink()`, for gre and gretap, and `erspan_changelink()`
/// (`erspan`: the ERSPAN attributes too, and the MTU and header room stay).
fn changelink<K: TunnelKind>(
    dev: Dev<'_, K>,
    tb: Option<Attrs<'_>>,
    data: Option<Attrs<'_>>,
    extack: &ExtAck,
    erspan: bool,
) -> Result {
    let t = dev.state();
    if !dev.link_net_capable(t.net.get()) {
        return Err(EPERM);
    }
    if data.is_some_and(|d| d.get(IFLA_GRE_COLLECT_METADATA).is_some()) && !t.collect_md {
        return Err(extack.fail(
            EOPNOTSUPP,
            c"Enabling collect_md on an existing device is not supported",
        ));
    }
    let old = t.config();
    let how = Creation::Netlink {
        mtu_given: false,
        addr_given: false,
    };
    let r = gre_request(data, old.ignore_df, old.fwmark, how)?;
    let mut cfg = old;
    if let Some(encap) = r.encap {
        cfg.encap = encap;
    }
    cfg.ignore_df = r.req.ignore_df;
    // A refused ERSPAN change keeps what C stored before refusing.
    let refused = erspan
        && match erspan_settings(data, old.erspan) {
            Ok(s) => {
                cfg.erspan = s;
                false
            }
            Err(s) => {
                cfg.erspan = s;
                true
            }
        };
    t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    if refused {
        return Err(EINVAL);
    }
    let keep_mtu = tb.is_some_and(|tb| tb.get(IFLA_MTU).is_some());
    let p = r.req.parms;
    iptunnel::changelink(dev, &p, keep_mtu, r.req.fwmark)?;
    iptunnel::set_flags(dev, p.i_flags, p.o_flags)?;
    if !erspan {
        link_update(dev, old.parms.o_flags, !keep_mtu);
    }
    Ok(())
}

/// `ipgre_newlink()`, for gre and gretap: collect_md gre devices are
/// `ARPHRD_NONE`; `erspan_newlink()` (`erspan`) with the ERSPAN
/// attributes.
fn newlink<K: TunnelKind>(link: NewLink<'_, K>, erspan: bool) -> Result {
    let tb = link.tb();
    let has = |k| tb.is_some_and(|tb| tb.get(k).is_some());
    let how = Creation::Netlink {
        mtu_given: has(IFLA_MTU),
        addr_given: has(IFLA_ADDRESS),
    };
    let mut r = gre_request(link.data(), false, 0, how)?;
    if erspan {
        r.req.erspan = erspan_settings(link.data(), Settings::SETUP).map_err(|_| EINVAL)?;
    }
    if r.req.collect_md && K::LINK_TYPE == ARPHRD_IPGRE as u16 {
        link.device().set_link_type(ARPHRD_NONE as u16);
    }
    let dev_net = link.device().net();
    let net = link.explicit_link_net().unwrap_or(dev_net);
    iptunnel::create(link, net, &r.req)
}

/// `ipgre_tunnel_ctl()`: GRE's checks, then `ip_tunnel_ctl()`; a change
/// takes the flags too.
fn tunnel_ctl(dev: Dev<'_, GreKind>, parm: &mut TunnelParm, command: u32) -> Result {
    if command == cmd::ADD || command == cmd::CHG {
        let iph = IoctlIph {
            version: parm.version,
            ihl: parm.ihl,
            frag_off: parm.frag_off,
        };
        if !gre::ioctl_valid(iph, parm.protocol, parm.i_flags, parm.o_flags) {
            return Err(EINVAL);
        }
    }
    parm.i_flags = gre::normalize(parm.i_flags);
    parm.o_flags = gre::normalize(parm.o_flags);
    let old_o_flags = dev.state().config().parms.o_flags;
    iptunnel::tunnel_ctl(dev, parm, command)?;
    if command == cmd::CHG {
        iptunnel::set_flags(dev, parm.i_flags, parm.o_flags)?;
        link_update(dev, old_o_flags, true);
    }
    Ok(())
}

tunnel_device_ops!(
    /// gre devices' hooks (`ipgre_netdev_ops`, `ipgre_tunnel_setup()`).
    GreKind {
        const DRIVER_NAME: &'static CStr = c"gre";
        const VALIDATE_ETHER_ADDR: bool = false;

        fn setup(dev: &NetDevice) {
            dev.setup_gre(Self::LINK_TYPE, false);
            dev.use_tstats();
        }

        fn init(dev: Dev<'_, Self>) -> Result {
            ipgre_init(dev)
        }

        fn keeps_header_ops(dev: Dev<'_, Self>) -> bool {
            nbma_header_ops(dev)
        }

        fn create_header(dev: Dev<'_, Self>, header: HardHeader<'_>) -> i32 {
            ipgre_header(dev, header)
        }

        /// `ipgre_header_parse()`: the outer source, the link-layer header
        /// being the outer IPv4 header on receive.
        fn parse_header(
            _dev: Dev<'_, Self>,
            skb: &SkBuffRef,
            haddr: &mut [u8; MAX_ADDR_LEN],
        ) -> usize {
            match LinkHeader::source(skb.mac_header()) {
                Some(a) => {
                    haddr[..4].copy_from_slice(&a);
                    4
                }
                None => 0,
            }
        }

        fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
            let proto = skb.protocol();
            let link_header = dev.has_header_ops();
            gre_xmit(dev, skb, proto, ctx, link_header)
        }

        fn change_mtu(dev: Dev<'_, Self>, new_mtu: u32) -> Result {
            iptunnel::change_mtu(dev, new_mtu)
        }

        fn tunnel_ctl(dev: Dev<'_, Self>, parm: &mut TunnelParm, command: u32) -> Result {
            tunnel_ctl(dev, parm, command)
        }
    }
);

tunnel_device_ops!(
    /// gretap devices' hooks (`gre_tap_netdev_ops`, `ipgre_tap_setup()`).
    GreTapKind {
        const DRIVER_NAME: &'static CStr = c"gretap";
        const ETH_MAC_ADDR: bool = true;

        fn setup(dev: &NetDevice) {
            dev.setup_gre(Self::LINK_TYPE, true);
            dev.use_tstats();
        }

        fn init(dev: Dev<'_, Self>) -> Result {
            gre_init(dev)
        }

        fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
            gre_xmit(dev, skb, gre::ETH_P_TEB, ctx, false)
        }

        fn change_mtu(dev: Dev<'_, Self>, new_mtu: u32) -> Result {
            iptunnel::change_mtu(dev, new_mtu)
        }
    }
);

tunnel_device_ops!(
    /// erspan devices' hooks (`erspan_netdev_ops`, `erspan_setup()`).
    ErspanKind {
        const DRIVER_NAME: &'static CStr = c"erspan";
        const ETH_MAC_ADDR: bool = true;

        fn setup(dev: &NetDevice) {
            dev.setup_gre(Self::LINK_TYPE, true);
            dev.use_tstats();
        }

        fn init(dev: Dev<'_, Self>) -> Result {
            erspan_init(dev)
        }

        fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
            erspan_xmit(dev, skb, ctx)
        }

        fn change_mtu(dev: Dev<'_, Self>, new_mtu: u32) -> Result {
            iptunnel::change_mtu(dev, new_mtu)
        }
    }
);

/// The rtnl kind of a GRE kind (`ipgre_link_ops`, `ipgre_tap_ops`,
/// `erspan_link_ops`): the same policy and attributes; `$validate` checks
/// a request's attributes (`tb`, `data`), `$fill` reports them, `$erspan`
/// says whether the ERSPAN ones are the kind's.
macro_rules! gre_link_ops {
    ($kind:ty, $name:literal, $doc:literal, $validate:path, $fill:path, $erspan:literal) => {
        tunnel_link_ops!(
            #[doc = $doc]
            $kind {
                kind: $name,
                policy: GRE_POLICY,
                info: (gre_info_size, $fill),

                fn validate(tb: Attrs<'_>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
                    $validate(tb, data)
                }

                fn newlink(link: NewLink<'_, Self>, _extack: &ExtAck) -> Result {
                    newlink(link, $erspan)
                }

                fn changelink_full(
                    dev: Dev<'_, Self>,
                    tb: Option<Attrs<'_>>,
                    data: Option<Attrs<'_>>,
                    extack: &ExtAck,
                ) -> Result {
                    changelink(dev, tb, data, extack, $erspan)
                }
            }
        );
    };
}

gre_link_ops!(
    GreKind,
    c"gre",
    "The rtnl kind gre (`ipgre_link_ops`).",
    gre_validate,
    gre_fill_info,
    false
);
gre_link_ops!(
    GreTapKind,
    c"gretap",
    "The rtnl kind gretap (`ipgre_tap_ops`).",
    gretap_validate,
    gre_fill_info,
    false
);
gre_link_ops!(
    ErspanKind,
    c"erspan",
    "The rtnl kind erspan (`erspan_link_ops`).",
    erspan_validate,
    erspan_fill_info,
    true
);

/// The key a GRE header carries, as the tables match it.
fn packet_key(flags: u16, key: u32) -> PacketKey {
    if flags & gre::KEY != 0 {
        PacketKey::Present(key)
    } else {
        PacketKey::Absent
    }
}

/// `__ipgre_rcv()` on the tables of kind `K`: `Err` gives the packet back
/// when no tunnel matches (`raw`: the payload is not looked into).
fn rcv_on<K: TunnelKind>(
    pkt: RxPacket,
    g: &GreInfo,
    net: &Net,
    raw: bool,
) -> core::result::Result<(), RxPacket> {
    let outer = pkt.outer();
    let (ifindex, remote, local) = (outer.ifindex(), outer.saddr(), outer.daddr());
    rcu_read(|ctx| {
        let table = TunnelNet::<K>::of_net(net).table(ctx);
        let Some(dev) = table.lookup(ifindex, packet_key(g.flags, g.key), remote, local) else {
            return Err(pkt);
        };
        let t = dev.state();
        let nbma = t.cfg.get(ctx).parms.daddr == 0;
        let md = (t.collect_md || nbma).then_some(MdKey {
            flags: g.flags & (gre::CSUM | gre::KEY),
            key: g.key,
            erspan: None,
        });
        // A packet that cannot be pulled is dropped.
        if let Ok(mut d) = pkt.decapsulate(g.hdr_len, g.proto, raw, md) {
            // `ipgre_header_parse()` reads the outer header.
            if K::LINK_TYPE == ARPHRD_IPGRE as u16 && dev.has_header_ops() {
                d.pop_mac_header();
            }
            crate::rcv::tunnel_rcv(dev, d, Some(g));
        }
        Ok(())
    })
}

/// `erspan_rcv()`: type I (a 4-byte GRE header) looked up without key,
/// types II and III by their session id (`gre_parse_header()` put it in
/// the key); the ERSPAN header pulled with the GRE header, the frame
/// delivered as Ethernet. A packet too short for its headers or without
/// a tunnel is rejected.
fn erspan_rcv(mut pkt: RxPacket, g: &GreInfo, net: &Net) -> GreVerdict {
    let mut bytes = [0u8; gre::MAX_HLEN + erspan::MAX_HLEN];
    let (key, packet_ver) = if erspan::is_type1(g.hdr_len) {
        (PacketKey::None, None)
    } else {
        let at = g.hdr_len as usize;
        if !pkt.peek(0, &mut bytes[..at + 4]) {
            return GreVerdict::Reject(pkt);
        }
        (PacketKey::Present(g.key), Some(bytes[at] >> 4))
    };
    let outer = pkt.outer();
    let (ifindex, remote, local) = (outer.ifindex(), outer.saddr(), outer.daddr());
    rcu_read(|ctx| {
        let table = ErspanNet::of_net(net).table(ctx);
        let Some(dev) = table.lookup(ifindex, key, remote, local) else {
            return GreVerdict::Reject(pkt);
        };
        let len = erspan::rcv_pull_len(g.hdr_len, packet_ver);
        if !pkt.peek(0, &mut bytes[..len as usize]) {
            return GreVerdict::Reject(pkt);
        }
        // collect_md: the key and the ERSPAN options (the version and the
        // header's bytes after its base header; type I: whatever follows).
        let md = dev.state().collect_md.then(|| {
            let ver = packet_ver.unwrap_or(0);
            let at = g.hdr_len as usize + erspan::BASE_HLEN;
            let mut opts = [0u8; 8];
            let n = erspan::md_len(ver);
            // A type I frame too short leaves zeros.
            let _ = pkt.peek(at as u32, &mut opts[..n]);
            MdKey {
                flags: g.flags | gre::KEY,
                key: g.key,
                erspan: Some(ErspanMd {
                    version: ver,
                    md: opts,
                }),
            }
        });
        // A packet that cannot be pulled is dropped.
        if let Ok(d) = pkt.decapsulate(len, gre::ETH_P_TEB, false, md) {
            crate::rcv::tunnel_rcv(dev, d, Some(g));
        }
        GreVerdict::Taken
    })
}

/// ip_gre.ko's handler in gre.ko's version 0 slot.
pub(crate) struct IpGreHandler;

impl GreHandler for IpGreHandler {
    /// `gre_rcv()` and `ipgre_rcv()`: ERSPAN to the erspan tables;
    /// Ethernet payloads to the gretap tables, then (collect_md gre takes
    /// them raw) gre's; the rest to gre's.
    fn rcv(pkt: RxPacket, g: GreInfo, net: &Net) -> GreVerdict {
        if g.proto == gre::ETH_P_ERSPAN || g.proto == gre::ETH_P_ERSPAN2 {
            return erspan_rcv(pkt, &g, net);
        }
        let res = if g.proto == gre::ETH_P_TEB {
            rcv_on::<GreTapKind>(pkt, &g, net, false)
                .or_else(|pkt| rcv_on::<GreKind>(pkt, &g, net, true))
        } else {
            rcv_on::<GreKind>(pkt, &g, net, false)
        };
        match res {
            Ok(()) => GreVerdict::Taken,
            Err(pkt) => GreVerdict::Reject(pkt),
        }
    }

    /// `gre_err()` and `ipgre_err()`.
    fn err(e: &IcmpError<'_>, info: u32) {
        let mut buf = [0u8; gre::MAX_HLEN];
        let Some((h, hdr_len)) = Header::parse(e.quote(&mut buf)) else {
            return;
        };
        let outer = e.outer();
        let (kind, code) = (e.icmp_type(), e.icmp_code());
        if kind == icmp::DEST_UNREACH && code == icmp::FRAG_NEEDED {
            e.update_pmtu(info, outer.ifindex());
            return;
        }
        if kind == icmp::REDIRECT {
            e.redirect(outer.ifindex());
            return;
        }
        if h.proto == gre::ETH_P_TEB {
            err_on::<GreTapKind>(e, &h, hdr_len as u32);
        } else if h.proto == gre::ETH_P_ERSPAN || h.proto == gre::ETH_P_ERSPAN2 {
            err_on::<ErspanKind>(e, &h, hdr_len as u32);
        } else {
            err_on::<GreKind>(e, &h, hdr_len as u32);
        }
    }
}

/// `ipgre_err()` on the tables of kind `K`: our packet went from the
/// outer source to the outer destination.
fn err_on<K: TunnelKind>(e: &IcmpError<'_>, h: &Header, hdr_len: u32) {
    let outer = e.outer();
    let (net, ifindex) = (outer.net(), outer.ifindex());
    let (kind, code) = (e.icmp_type(), e.icmp_code());
    rcu_read(|ctx| {
        let table = TunnelNet::<K>::of_net(net).table(ctx);
        let key = packet_key(h.flags, h.key);
        let Some(dev) = table.lookup(ifindex, key, outer.daddr(), outer.saddr()) else {
            return;
        };
        if !gre::err_relevant(kind, code) {
            return;
        }
        // RFC 4884 4.1: the original datagram's length, in 32-bit words.
        let data_len = if kind == icmp::TIME_EXCEEDED {
            u32::from(e.icmp_length()) * 4
        } else {
            0
        };
        if h.proto == ETH_P_IPV6 && e.translate_to_icmpv6(hdr_len, data_len) {
            return;
        }
        let t = dev.state();
        let p = t.cfg.get(ctx).parms;
        if gre::err_counts(kind, p.daddr, p.ttl) {
            t.set_errors(t.errors().record(now_ms()));
        }
    })
}
