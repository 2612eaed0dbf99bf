// SPDX-License-Identifier: GPL-2.0

//! sit (`net/ipv6/sit.c`, without 6RD and MPLS, as this kernel is built):
//! the kind (`sit_link_ops`, `ipip6_netdev_ops`, `ipip6_tunnel_setup()`,
//! `ipip6_tunnel_init()`, `ipip6_newlink()`, `ipip6_changelink()`,
//! `ipip6_tunnel_ctl()`), the fallback device `sit0`, its tunnel4 handlers
//! (`ipip6_rcv()` for IPv6 in IPv4, `ipip_rcv()` for IPv4 in IPv4 after
//! ipip's) and ICMP errors (`ipip6_err()`). sit's own table matching,
//! spoofing checks and transmit decisions are the core crate's
//! (`rvnet_core::tunnel::sit`); transmit is in `xmit.rs`.

use crate::glue::attr::{Attrs, ExtAck};
use crate::glue::bindings::{IFF_POINTOPOINT, IFLA_MTU};
use crate::glue::link::{Dev, KindHandle, NewLink, TxContext};
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::PernetId;
use crate::glue::rcu::rcu_read;
use crate::glue::skb::SkBuff;
use crate::glue::timer::now_ms;
use crate::glue::tunnel::{
    cmd, log_sit_spoofed, DevStat, Flow, IcmpError, RcvVerdict, RxPacket, Tunnel4Handler,
    TunnelCells, TunnelParm,
};
use crate::iptunnel::{self, tunnel_device_ops, tunnel_link_ops, Creation, Request};
use crate::netlink::{sit_fill_info, sit_info_size, sit_request, sit_validate, SIT_POLICY};
use crate::rvnet_core::tunnel::mtu::Underlay;
use crate::rvnet_core::tunnel::sit::{
    self, ErrAction, RxAddrs, Spoofing, IPPROTO_IPV6, SIT_ISATAP,
};
use crate::rvnet_core::tunnel::{IoctlIph, Parms, DSCP_MASK, IPPROTO_IPIP, IP_DF};
use crate::table::{bind_dev, Config, Matching, Tunnel, TunnelKind, TunnelNet};
use kernel::prelude::*;

/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_IPV6`.
const ETH_P_IPV6: u16 = 0x86dd;
/// `NDISC_NODETYPE_HOST`: an ISATAP packet from a host.
const NDISC_NODETYPE_HOST: u8 = 1;

/// The rtnl kind "sit".
pub(crate) struct SitKind;

/// Where the sit kind's ops are published.
pub(crate) static SIT_KIND: KindHandle<SitKind> = KindHandle::new();

/// sit's per-namespace state id (`sit_net_id`).
static SIT_NET_ID: PernetId = PernetId::new();

/// sit's per-namespace tables.
pub(crate) type SitNet = TunnelNet<SitKind>;

impl TunnelKind for SitKind {
    const LINK_TYPE: u16 = crate::glue::bindings::ARPHRD_SIT as u16;
    const NET_ID: &'static PernetId = &SIT_NET_ID;
    const FALLBACK_NAME: &'static CStr = c"sit0";
    const HANDLE: &'static KindHandle<Self> = &SIT_KIND;
    const MATCHING: Matching = Matching::Sit;

    /// `ipip6_tunnel_bind_dev()`'s route: IPv6 in IPv4, no mark.
    fn underlay_flow(c: &Config) -> Flow {
        let p = c.parms;
        Flow {
            proto: IPPROTO_IPV6,
            daddr: p.daddr,
            saddr: p.saddr,
            key: 0,
            tos: p.tos & DSCP_MASK,
            oif: p.link,
            mark: 0,
            hash: 0,
        }
    }

    fn bind_mtu(underlay: Option<Underlay>, _c: &Config, current: u32) -> (u32, u32) {
        let (mtu, headroom) = sit::bind(underlay);
        (mtu.unwrap_or(current), headroom)
    }

    fn create_fallback(net: &Net) -> Result {
        let req = Request {
            parms: sit::fallback_parms(),
            ..Request::fallback()
        };
        SIT_KIND.create(net, Self::FALLBACK_NAME, false, |link| {
            create(link, net, &req).map(|_| ())
        })
    }
}

/// `ipip6_tunnel_create()` after `ipip6_tunnel_locate()`'s look-up: a
/// duplicate (local, remote, link) is `EEXIST`.
fn create<'a>(link: NewLink<'a, SitKind>, net: &Net, req: &Request) -> Result<Dev<'a, SitKind>> {
    let sitn = SitNet::of_net(net);
    if sitn.with_table(|t| t.find(&req.parms).is_some()) {
        return Err(EEXIST);
    }
    let fallback = req.how == Creation::Fallback;
    let dev = link.device();
    dev.set_tunnel_addrs(req.parms.saddr, req.parms.daddr);
    if req.parms.i_flags & SIT_ISATAP != 0 {
        dev.set_isatap();
    }
    if fallback {
        dev.set_netns_immutable();
    }
    let cfg = Config {
        parms: req.parms,
        fwmark: req.fwmark,
        encap: req.encap,
        name: [0; 16],
        ignore_df: false,
        erspan: Default::default(),
    };
    let state = Tunnel::new(net, cfg, false, TunnelCells::new(dev)?)?;
    let dev = link.register(state)?;
    sitn.add(dev, fallback)?;
    Ok(dev)
}

/// `ipip6_changelink()`.
fn changelink(dev: Dev<'_, SitKind>, data: Option<Attrs<'_>>) -> Result {
    let t = dev.state();
    if !dev.link_net_capable(t.net.get()) {
        return Err(EPERM);
    }
    if iptunnel::is_fallback(dev) {
        return Err(EINVAL);
    }
    let old = t.config();
    let how = Creation::Netlink {
        mtu_given: false,
        addr_given: false,
    };
    let r = sit_request(data, old.fwmark, how)?;
    if r.encap_given {
        let mut cfg = old;
        cfg.encap = r.req.encap;
        t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    }
    let p = r.req.parms;
    if (dev.flags() & IFF_POINTOPOINT != 0) != (p.daddr != 0) {
        return Err(EINVAL);
    }
    update(dev, p, r.req.fwmark)
}

/// `ipip6_tunnel_update()` of `dev` unless another tunnel has `p`'s
/// (local, remote, link) (`EEXIST`): keys and flags stay.
fn update(dev: Dev<'_, SitKind>, mut p: Parms, fwmark: u32) -> Result {
    let sitn = SitNet::of_net(dev.state().net.get());
    if sitn.with_table(|t| t.find(&p).is_some_and(|other| !other.ptr_eq(&dev))) {
        return Err(EEXIST);
    }
    let old = dev.state().config().parms;
    p.i_key = old.i_key;
    p.o_key = old.o_key;
    iptunnel::update(dev, &p, false, fwmark)
}

/// `ipip6_tunnel_ctl()`: show and delete as the IPv4 tunnels; add and
/// change with sit's checks and errnos. Asked for the potential router
/// list (`SIOCGETPRL`), whether the device has one: all but sit0 do
/// (always empty: adding to it is not supported).
fn tunnel_ctl(dev: Dev<'_, SitKind>, parm: &mut TunnelParm, command: u32) -> Result {
    if command == cmd::GET_PRL {
        return if iptunnel::is_fallback(dev) {
            Err(EINVAL)
        } else {
            Ok(())
        };
    }
    if command != cmd::ADD && command != cmd::CHG {
        return iptunnel::tunnel_ctl(dev, parm, command);
    }
    let net = dev.state().net.get();
    if !net.capable_net_admin() {
        return Err(EPERM);
    }
    let iph = IoctlIph {
        version: parm.version,
        ihl: parm.ihl,
        frag_off: parm.frag_off,
    };
    if !sit::ioctl_valid(iph, parm.protocol) {
        return Err(EINVAL);
    }
    if parm.ttl != 0 {
        parm.frag_off |= IP_DF;
    }
    let p = iptunnel::parms_from_ioctl(parm);
    if command == cmd::ADD {
        // Whatever fails (a duplicate, a bad name), sit.ko says ENOBUFS.
        return ioctl_add(net, parm, p).map_err(|_| ENOBUFS);
    }
    let found = SitNet::of_net(net).with_table(|t| t.find(&p).map(|f| f.ptr_eq(&dev)));
    if iptunnel::is_fallback(dev) {
        // sit.ko changes nothing through sit0, even when a tunnel matches.
        return found.map(|_| ()).ok_or(ENOENT);
    }
    if found.is_none() && (dev.flags() & IFF_POINTOPOINT != 0) != (p.daddr != 0) {
        return Err(EINVAL);
    }
    let fwmark = dev.state().config().fwmark;
    update(dev, p, fwmark)
}

/// `ipip6_tunnel_locate()` creating: named as asked, or `sit%d`; the name
/// given is reported back.
fn ioctl_add(net: &Net, parm: &mut TunnelParm, p: Parms) -> Result {
    let asked = parm.name;
    let name = match parm.name() {
        Some(_) if !parm.name_valid() => return Err(EINVAL),
        Some(_) => CStr::from_bytes_until_nul(&asked).map_err(|_| EINVAL)?,
        None => c"sit%d",
    };
    let req = Request {
        parms: p,
        how: Creation::Ioctl,
        ..Request::fallback()
    };
    let mut created = [0u8; 16];
    SIT_KIND.create(net, name, true, |link| {
        let dev = create(link, net, &req)?;
        let n = dev.name().to_bytes();
        let len = n.len().min(15);
        created[..len].copy_from_slice(&n[..len]);
        Ok(())
    })?;
    if asked[0] == 0 {
        parm.name = created;
    }
    Ok(())
}

tunnel_device_ops!(
    /// sit devices' hooks (`ipip6_netdev_ops`, `ipip6_tunnel_setup()`); no
    /// `ndo_change_mtu`: the core checks `min_mtu`/`max_mtu`.
    SitKind {
        const DRIVER_NAME: &'static CStr = c"sit";
        const VALIDATE_ETHER_ADDR: bool = false;
        const TUNNEL_PRL: bool = true;

        fn setup(dev: &NetDevice) {
            dev.setup_ip_tunnel(Self::LINK_TYPE);
            dev.use_tstats();
            dev.store_mtu(sit::DEFAULT_MTU);
            dev.set_mtu_range(sit::MIN_MTU_SIT, sit::MAX_MTU_SIT);
        }

        /// `ipip6_tunnel_init()`: the name for the ioctls, then the underlay.
        fn init(dev: Dev<'_, Self>) -> Result {
            iptunnel::init(dev)?;
            let mtu = bind_dev(dev);
            dev.store_mtu(mtu);
            Ok(())
        }

        fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
            crate::xmit::sit_xmit(dev, skb, ctx)
        }

        fn tunnel_ctl(dev: Dev<'_, Self>, parm: &mut TunnelParm, command: u32) -> Result {
            tunnel_ctl(dev, parm, command)
        }
    }
);

tunnel_link_ops!(
    /// The rtnl kind (`sit_link_ops`).
    SitKind {
        kind: c"sit",
        policy: SIT_POLICY,
        info: (sit_info_size, sit_fill_info),

        fn validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
            sit_validate(data)
        }

        /// `ipip6_newlink()`: an `IFLA_MTU` within sit's limits survives the
        /// binding.
        fn newlink(link: NewLink<'_, Self>, _extack: &ExtAck) -> Result {
            let mtu = link.tb().and_then(|tb| tb.get(IFLA_MTU)).map(|a| a.u32());
            let r = sit_request(
                link.data(),
                0,
                Creation::Netlink {
                    mtu_given: mtu.is_some(),
                    addr_given: false,
                },
            )?;
            let dev_net = link.device().net();
            let net = link.explicit_link_net().unwrap_or(dev_net);
            let dev = create(link, net, &r.req)?;
            if let Some(mtu) = mtu.filter(|&m| sit::requested_mtu_ok(m)) {
                dev.store_mtu(mtu);
            }
            Ok(())
        }

        fn changelink(dev: Dev<'_, Self>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
            changelink(dev, data)
        }
    }
);

/// A tunnel device's IPv6 addresses, for the spoofing checks.
struct DeviceAddrs<'a>(&'a NetDevice);

impl sit::DeviceAddrs for DeviceAddrs<'_> {
    fn has_prefix_of(&self, addr: &[u8; 16]) -> bool {
        self.0.ipv6_has_prefix_of(addr)
    }
    fn shares_prefix(&self, addr: &[u8; 16], len: u8) -> bool {
        self.0.ipv6_shares_prefix(addr, len)
    }
}

/// `ipip6_rcv()` (`ipproto` IPv6) and `sit_tunnel_rcv()` (IPv4): the
/// tunnel for the packet, which must carry `ipproto` (or any); IPv6
/// payloads pass the spoofing checks first.
fn sit_rcv(mut pkt: RxPacket, net: &Net, ipproto: u8) -> RcvVerdict {
    let outer = pkt.outer();
    let (ifindex, sifindex) = (outer.ifindex(), outer.sifindex());
    let (remote, local) = (outer.saddr(), outer.daddr());
    rcu_read(|ctx| {
        let table = SitNet::of_net(net).table(ctx);
        let Some(dev) = table.sit_lookup(ifindex, sifindex, remote, local) else {
            return RcvVerdict::NotOurs(pkt.into_skb());
        };
        let p = dev.state().cfg.get(ctx).parms;
        if p.protocol != ipproto && p.protocol != 0 {
            drop(pkt.into_skb());
            return RcvVerdict::Taken;
        }
        if ipproto == IPPROTO_IPIP {
            crate::rcv::decapsulate_rcv(dev, pkt, ETH_P_IP);
            return RcvVerdict::Taken;
        }
        let (saddr6, daddr6) = pkt.inner_ipv6_addrs();
        let a = RxAddrs {
            saddr: remote,
            daddr: local,
            saddr6,
            daddr6,
        };
        let isatap = p.i_flags & SIT_ISATAP != 0;
        let p2p = dev.flags() & IFF_POINTOPOINT != 0;
        match sit::check_spoofing(&a, isatap, p2p, &DeviceAddrs(&dev)) {
            Spoofing::Accept => {}
            Spoofing::AcceptIsatapHost => pkt.set_ndisc_nodetype(NDISC_NODETYPE_HOST),
            verdict => {
                if verdict != Spoofing::IsatapSource {
                    let source = verdict == Spoofing::Source;
                    log_sit_spoofed(source, a.saddr, &a.saddr6, a.daddr, &a.daddr6);
                }
                dev.count(DevStat::RxErrors);
                drop(pkt.into_skb());
                return RcvVerdict::Taken;
            }
        }
        crate::rcv::decapsulate_rcv(dev, pkt, ETH_P_IPV6);
        RcvVerdict::Taken
    })
}

/// `ipip6_err()`, for both handlers.
fn sit_err(e: &IcmpError<'_>, info: u32) -> Result {
    let action = sit::err_action(e.icmp_type(), e.icmp_code(), e.icmp_length());
    if action == ErrAction::Ignore {
        return Ok(());
    }
    let outer = e.outer();
    rcu_read(|ctx| {
        // Our packet: its destination is the remote end.
        let table = SitNet::of_net(outer.net()).table(ctx);
        let dev = table
            .sit_lookup(
                outer.ifindex(),
                outer.sifindex(),
                outer.daddr(),
                outer.saddr(),
            )
            .ok_or(ENOENT)?;
        let t = dev.state();
        let p = t.cfg.get(ctx).parms;
        match action {
            ErrAction::UpdatePmtu => e.update_pmtu(info, p.link),
            ErrAction::Redirect => e.redirect(p.link),
            ErrAction::Translate { data_len } => {
                if !e.translate_to_icmpv6(0, data_len)
                    && sit::counts_error(e.icmp_type(), p.daddr, p.ttl)
                {
                    t.set_errors(t.errors().record(now_ms()));
                }
            }
            ErrAction::Ignore => {}
        }
        Ok(())
    })
}

/// The IPv6-in-IPv4 handler (sit.ko's `sit_handler`, priority 1).
pub(crate) struct SitHandler;

impl Tunnel4Handler for SitHandler {
    fn rcv(pkt: RxPacket, net: &Net) -> RcvVerdict {
        sit_rcv(pkt, net, IPPROTO_IPV6)
    }

    fn err(e: &IcmpError<'_>, info: u32) -> Result {
        sit_err(e, info)
    }
}

/// sit's IPv4-in-IPv4 handler (sit.ko's `ipip_handler`, priority 2: after
/// ipip's).
pub(crate) struct SitIpipHandler;

impl Tunnel4Handler for SitIpipHandler {
    fn rcv(pkt: RxPacket, net: &Net) -> RcvVerdict {
        sit_rcv(pkt, net, IPPROTO_IPIP)
    }

    fn err(e: &IcmpError<'_>, info: u32) -> Result {
        sit_err(e, info)
    }
}
