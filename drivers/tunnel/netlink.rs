// SPDX-License-Identifier: GPL-2.0

//! The ipip link kind and its ioctls: `ipip_policy`,
//! `ipip_tunnel_validate()`, `ipip_newlink()`, `ipip_changelink()`,
//! `ipip_fill_info()`, `ipip_tunnel_ctl()`, and what they call of
//! `ip_tunnel.c` (`ip_tunnel_newlink()`, `_changelink()`, `_update()`,
//! `_ctl()`, `_dellink()`, `_uninit()`).

use crate::glue::attr::{total_size, Attrs, ExtAck, NlMsg, Policy};
use crate::glue::bindings::{
    IFF_BROADCAST, IFF_POINTOPOINT, IFLA_IPTUN_COLLECT_METADATA, IFLA_IPTUN_ENCAP_DPORT,
    IFLA_IPTUN_ENCAP_FLAGS, IFLA_IPTUN_ENCAP_SPORT, IFLA_IPTUN_ENCAP_TYPE, IFLA_IPTUN_FLAGS,
    IFLA_IPTUN_FWMARK, IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_PMTUDISC, IFLA_IPTUN_PROTO,
    IFLA_IPTUN_REMOTE, IFLA_IPTUN_TOS, IFLA_IPTUN_TTL, IFLA_MTU,
};
use crate::glue::link::{Dev, KindHandle, LinkOps, NewLink, TxContext};
use crate::glue::netdev::{Net, NetDevice, UnregisterQueue};
use crate::glue::skb::SkBuff;
use crate::glue::tunnel::{cmd, ns_capable_net_admin, TunnelCells, TunnelParm};
use crate::rvnet_core::tunnel::mtu::{self, MIN_MTU};
use crate::rvnet_core::tunnel::{
    self as core_tunnel, ioctl_normalize, ipip_ioctl_valid, ipip_proto_valid, p2p_flags, IoctlIph,
    NetlinkAttrs, Parms, IP_DF,
};
use crate::table::{bind_dev, Config, IpipNet, Tunnel, ARPHRD_TUNNEL};
use kernel::prelude::*;

/// Where the ipip kind's ops are found to create fallback devices and
/// `ip tunnel add`'s.
pub(crate) static IPIP_KIND: KindHandle<IpipKind> = KindHandle::new();

/// `ipip_policy`, indexed by `IFLA_IPTUN_*` (the attributes ipip.ko does
/// not list are `NLA_UNSPEC`).
static IPIP_POLICY: [Policy; 21] = [
    Policy::UNSPEC,
    Policy::U32,    // IFLA_IPTUN_LINK
    Policy::U32,    // IFLA_IPTUN_LOCAL
    Policy::U32,    // IFLA_IPTUN_REMOTE
    Policy::U8,     // IFLA_IPTUN_TTL
    Policy::U8,     // IFLA_IPTUN_TOS
    Policy::UNSPEC, // IFLA_IPTUN_ENCAP_LIMIT
    Policy::UNSPEC, // IFLA_IPTUN_FLOWINFO
    Policy::UNSPEC, // IFLA_IPTUN_FLAGS
    Policy::U8,     // IFLA_IPTUN_PROTO
    Policy::U8,     // IFLA_IPTUN_PMTUDISC
    Policy::UNSPEC, // IFLA_IPTUN_6RD_PREFIX
    Policy::UNSPEC, // IFLA_IPTUN_6RD_RELAY_PREFIX
    Policy::UNSPEC, // IFLA_IPTUN_6RD_PREFIXLEN
    Policy::UNSPEC, // IFLA_IPTUN_6RD_RELAY_PREFIXLEN
    Policy::U16,    // IFLA_IPTUN_ENCAP_TYPE
    Policy::U16,    // IFLA_IPTUN_ENCAP_FLAGS
    Policy::U16,    // IFLA_IPTUN_ENCAP_SPORT
    Policy::U16,    // IFLA_IPTUN_ENCAP_DPORT
    Policy::FLAG,   // IFLA_IPTUN_COLLECT_METADATA
    Policy::U32,    // IFLA_IPTUN_FWMARK
];

/// The rtnl kind "ipip".
pub(crate) struct IpipKind;

/// A tunnel to create or the change to apply.
pub(crate) struct Request {
    parms: Parms,
    fwmark: u32,
    collect_md: bool,
    /// The encapsulation attributes, if any was given.
    encap: Option<[u16; 4]>,
    how: Creation,
}

/// Which path creates a tunnel: they differ in MTU handling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Creation {
    /// `ip link add` (`IFLA_MTU` given or not).
    Netlink { mtu_given: bool },
    /// A namespace's fallback device.
    Fallback,
    /// `ip tunnel add`.
    Ioctl,
}

impl Request {
    /// The fallback device's: all-zero parameters.
    pub(crate) fn fallback() -> Request {
        Request {
            parms: Parms::default(),
            fwmark: 0,
            collect_md: false,
            encap: None,
            how: Creation::Fallback,
        }
    }
}

/// `ip_tunnel_netlink_encap_parms()` with `ip_tunnel_encap_setup()`: no
/// encapsulation type is registered in this kernel (no FOU), so only
/// `none` is accepted.
fn encap_parms(data: Option<Attrs<'_>>) -> Result<Option<[u16; 4]>> {
    let Some(d) = data else {
        return Ok(None);
    };
    let kinds = [
        IFLA_IPTUN_ENCAP_TYPE,
        IFLA_IPTUN_ENCAP_FLAGS,
        IFLA_IPTUN_ENCAP_SPORT,
        IFLA_IPTUN_ENCAP_DPORT,
    ];
    if kinds.iter().all(|&k| d.get(k).is_none()) {
        return Ok(None);
    }
    let kind = d.get(IFLA_IPTUN_ENCAP_TYPE).map_or(0, |a| a.u16());
    if kind != 0 {
        return Err(EINVAL);
    }
    Ok(Some([
        0,
        d.get(IFLA_IPTUN_ENCAP_FLAGS).map_or(0, |a| a.u16()),
        d.get(IFLA_IPTUN_ENCAP_SPORT).map_or(0, |a| a.be16()),
        d.get(IFLA_IPTUN_ENCAP_DPORT).map_or(0, |a| a.be16()),
    ]))
}

/// `ipip_netlink_parms()`.
fn netlink_request(data: Option<Attrs<'_>>, fwmark: u32, how: Creation) -> Result<Request> {
    let encap = encap_parms(data)?;
    let attrs = data.map(|d| NetlinkAttrs {
        link: d.get(IFLA_IPTUN_LINK).map(|a| a.u32()),
        local: d.get(IFLA_IPTUN_LOCAL).map(|a| u32::from_be(a.u32())),
        remote: d.get(IFLA_IPTUN_REMOTE).map(|a| u32::from_be(a.u32())),
        ttl: d.get(IFLA_IPTUN_TTL).map(|a| a.u8()),
        tos: d.get(IFLA_IPTUN_TOS).map(|a| a.u8()),
        proto: d.get(IFLA_IPTUN_PROTO).map(|a| a.u8()),
        pmtudisc: d.get(IFLA_IPTUN_PMTUDISC).map(|a| a.u8()),
        flags: d.get(IFLA_IPTUN_FLAGS).map(|a| a.be16()),
    });
    Ok(Request {
        parms: core_tunnel::ipip_netlink_parms(attrs.as_ref()),
        fwmark: data
            .and_then(|d| d.get(IFLA_IPTUN_FWMARK))
            .map_or(fwmark, |a| a.u32()),
        collect_md: data.is_some_and(|d| d.get(IFLA_IPTUN_COLLECT_METADATA).is_some()),
        encap,
        how,
    })
}

/// `ip_tunnel_newlink()`, `__ip_tunnel_create()` + `ip_tunnel_create()`,
/// and `ip_tunnel_init_net()`'s creation of the fallback device: checks
/// for a duplicate, registers the device in `dev`'s namespace with link
/// namespace `net`, sets its MTU and adds it to `net`'s table.
pub(crate) fn create(link: NewLink<'_, IpipKind>, net: &Net, req: &Request) -> Result {
    let itn = IpipNet::of_net(net);
    let dup = itn.with_table(|t| {
        if req.collect_md {
            t.has_collect_md()
        } else {
            t.find(&req.parms, ARPHRD_TUNNEL).is_some()
        }
    });
    if dup {
        return Err(EEXIST);
    }
    let dev = link.device();
    let cfg = Config {
        parms: req.parms,
        fwmark: req.fwmark,
        encap: req.encap.unwrap_or_default(),
        name: [0; 16],
    };
    dev.set_tunnel_addrs(req.parms.saddr, req.parms.daddr);
    if req.collect_md {
        dev.keep_dst();
    }
    let state = Tunnel::new(net, cfg, req.collect_md, TunnelCells::new(dev)?)?;
    let dev = link.register(state)?;
    let mtu = bind_dev(dev);
    match req.how {
        Creation::Fallback => {
            dev.set_netns_immutable();
            dev.store_mtu(mtu);
        }
        Creation::Netlink { mtu_given } => {
            let mtu = if mtu_given {
                mtu::clamp_requested(dev.mtu(), 0, 0)
            } else {
                mtu
            };
            dev.set_mtu(mtu)?;
        }
        Creation::Ioctl => {
            dev.set_mtu(mtu)?;
            dev.set_mtu_range(MIN_MTU, mtu::max_mtu(0, 0));
        }
    }
    itn.add(dev, req.how == Creation::Fallback)
}

/// `ip_tunnel_update()`: new endpoints, keys, TTL, TOS and DF; a new link
/// or mark rebinds the device (and sets the MTU unless `keep_mtu`).
fn update(dev: Dev<'_, IpipKind>, p: &Parms, keep_mtu: bool, fwmark: u32) -> Result {
    let t = dev.state();
    let itn = IpipNet::of_net(t.net.get());
    let old = t.config();
    let mut cfg = old;
    cfg.parms.saddr = p.saddr;
    cfg.parms.daddr = p.daddr;
    cfg.parms.i_key = p.i_key;
    cfg.parms.o_key = p.o_key;
    cfg.parms.ttl = p.ttl;
    cfg.parms.tos = p.tos;
    cfg.parms.df = p.df;
    cfg.parms.link = p.link;
    cfg.fwmark = fwmark;
    itn.remove(&dev, false)?;
    dev.set_tunnel_addrs(p.saddr, p.daddr);
    t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    itn.add(dev, false)?;
    if old.parms.link != p.link || old.fwmark != fwmark {
        let mtu = bind_dev(dev);
        if !keep_mtu {
            dev.store_mtu(mtu);
        }
    }
    t.cells.reset_route();
    dev.state_change();
    Ok(())
}

/// Whether `dev`'s point-to-point/broadcast flags fit a remote `daddr`
/// (`ip_tunnel_changelink()`, `ip_tunnel_ctl()`).
fn flags_fit(dev: &NetDevice, daddr: u32) -> bool {
    let (p2p, bcast) = p2p_flags(daddr);
    let mut want = 0;
    if p2p {
        want |= IFF_POINTOPOINT;
    }
    if bcast {
        want |= IFF_BROADCAST;
    }
    (dev.flags() ^ want) & (IFF_POINTOPOINT | IFF_BROADCAST) == 0
}

fn is_fallback(dev: Dev<'_, IpipKind>) -> bool {
    IpipNet::of_net(dev.state().net.get()).with_table(|t| t.is_fallback(&dev))
}

/// `ipip_changelink()` with `ip_tunnel_changelink()`.
fn changelink(dev: Dev<'_, IpipKind>, tb: Option<Attrs<'_>>, data: Option<Attrs<'_>>) -> Result {
    let t = dev.state();
    if !dev.link_net_capable(t.net.get()) {
        return Err(EPERM);
    }
    let old = t.config();
    let req = netlink_request(data, old.fwmark, Creation::Netlink { mtu_given: false })?;
    if let Some(encap) = req.encap {
        let mut cfg = t.config();
        cfg.encap = encap;
        t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    }
    if req.collect_md {
        return Err(EINVAL);
    }
    let p2p = dev.flags() & IFF_POINTOPOINT != 0;
    if p2p != (req.parms.daddr != 0) {
        return Err(EINVAL);
    }
    if is_fallback(dev) {
        return Err(EINVAL);
    }
    let itn = IpipNet::of_net(t.net.get());
    let clash = itn.with_table(|tb| {
        tb.find(&req.parms, dev.link_type())
            .map(|other| !other.ptr_eq(&dev))
    });
    match clash {
        Some(true) => return Err(EEXIST),
        Some(false) => {}
        None if !flags_fit(&dev, req.parms.daddr) => return Err(EINVAL),
        None => {}
    }
    let keep_mtu = tb.is_some_and(|tb| tb.get(IFLA_MTU).is_some());
    update(dev, &req.parms, keep_mtu, req.fwmark)
}

/// The ioctl block of a tunnel (`memcpy(p, &t->parms, ...)`).
fn parm_of(dev: Dev<'_, IpipKind>) -> TunnelParm {
    let c = dev.state().config();
    let p = c.parms;
    TunnelParm {
        name: c.name,
        link: p.link,
        i_flags: p.i_flags,
        o_flags: p.o_flags,
        i_key: p.i_key,
        o_key: p.o_key,
        version: 4,
        ihl: 5,
        tos: p.tos,
        ttl: p.ttl,
        protocol: p.protocol,
        frag_off: if p.df { IP_DF } else { 0 },
        saddr: p.saddr,
        daddr: p.daddr,
    }
}

fn parms_from_ioctl(parm: &TunnelParm) -> Parms {
    Parms {
        link: parm.link,
        i_flags: parm.i_flags,
        o_flags: parm.o_flags,
        i_key: parm.i_key,
        o_key: parm.o_key,
        saddr: parm.saddr,
        daddr: parm.daddr,
        ttl: parm.ttl,
        tos: parm.tos,
        protocol: parm.protocol,
        df: parm.frag_off & IP_DF != 0,
    }
}

/// `ipip_tunnel_ctl()` with `ip_tunnel_ctl()`.
fn tunnel_ctl(dev: Dev<'_, IpipKind>, parm: &mut TunnelParm, command: u32) -> Result {
    if command == cmd::ADD || command == cmd::CHG {
        let iph = IoctlIph {
            version: parm.version,
            ihl: parm.ihl,
            frag_off: parm.frag_off,
        };
        if !ipip_ioctl_valid(iph, parm.protocol) {
            return Err(EINVAL);
        }
    }
    parm.i_key = 0;
    parm.o_key = 0;
    parm.i_flags = 0;
    parm.o_flags = 0;
    let net = dev.state().net.get();
    let itn = IpipNet::of_net(net);
    let fallback = is_fallback(dev);
    match command {
        cmd::GET => {
            let p = parms_from_ioctl(parm);
            *parm = itn.with_table(|t| {
                let found = if fallback {
                    t.find(&p, ARPHRD_TUNNEL)
                } else {
                    None
                };
                parm_of(found.unwrap_or(dev))
            });
            Ok(())
        }
        cmd::ADD | cmd::CHG => {
            if !ns_capable_net_admin(net) {
                return Err(EPERM);
            }
            let mut p = parms_from_ioctl(parm);
            ioctl_normalize(&mut p);
            parm.frag_off = if p.df { IP_DF } else { parm.frag_off };
            let found = itn.with_table(|t| {
                t.find(&p, ARPHRD_TUNNEL)
                    .map(|d| crate::glue::link::DevRef::new(d))
            });
            let found = found.transpose()?;
            if command == cmd::ADD {
                if found.is_some() {
                    return Err(EEXIST);
                }
                return ioctl_add(net, parm, p);
            }
            let target = if !fallback {
                match &found {
                    Some(f) if !f.device().ptr_eq(&dev) => return Err(EEXIST),
                    Some(_) => Some(dev),
                    None if !flags_fit(&dev, p.daddr) => return Err(EINVAL),
                    None => Some(dev),
                }
            } else {
                found.as_ref().and_then(|f| f.get())
            };
            match target {
                Some(t) => update(t, &p, false, 0),
                None => Err(ENOENT),
            }
        }
        cmd::DEL => {
            if !ns_capable_net_admin(net) {
                return Err(EPERM);
            }
            if !fallback {
                dev.unregister(None);
                return Ok(());
            }
            let p = parms_from_ioctl(parm);
            let found = itn
                .with_table(|t| {
                    t.find(&p, ARPHRD_TUNNEL)
                        .map(crate::glue::link::DevRef::new)
                })
                .transpose()?;
            let Some(found) = found else {
                return Err(ENOENT);
            };
            if found.device().ptr_eq(&dev) {
                return Err(EPERM);
            }
            found.device().unregister(None);
            Ok(())
        }
        _ => Err(EINVAL),
    }
}

/// `ip_tunnel_create()` for `ip tunnel add`: named as asked, or `ipip%d`.
fn ioctl_add(net: &Net, parm: &TunnelParm, p: Parms) -> Result {
    let req = Request {
        parms: p,
        fwmark: 0,
        collect_md: false,
        encap: None,
        how: Creation::Ioctl,
    };
    let name = match parm.name() {
        Some(_) if !parm.name_valid() => return Err(E2BIG),
        Some(n) => n,
        None => c"ipip%d",
    };
    IPIP_KIND.create(net, name, true, |link| create(link, net, &req))
}

#[vtable]
impl LinkOps for IpipKind {
    type Device = Tunnel;
    type Header = ();
    const KIND: &'static CStr = c"ipip";
    const POLICY: &'static [Policy] = &IPIP_POLICY;
    const DRIVER_NAME: &'static CStr = c"ipip";
    const DRIVER_VERSION: &'static CStr = c"";
    const VALIDATE_ETHER_ADDR: bool = false;

    fn setup(dev: &NetDevice) {
        dev.setup_ip_tunnel(ARPHRD_TUNNEL);
        dev.use_tstats();
    }

    fn validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
        match data.and_then(|d| d.get(IFLA_IPTUN_PROTO)) {
            Some(a) if !ipip_proto_valid(a.u8()) => Err(EINVAL),
            _ => Ok(()),
        }
    }

    fn newlink(link: NewLink<'_, Self>, _extack: &ExtAck) -> Result {
        let mtu_given = link.tb().is_some_and(|tb| tb.get(IFLA_MTU).is_some());
        let req = netlink_request(link.data(), 0, Creation::Netlink { mtu_given })?;
        let dev_net = link.device().net();
        let net = link.explicit_link_net().unwrap_or(dev_net);
        create(link, net, &req)
    }

    fn changelink_full(
        dev: Dev<'_, Self>,
        tb: Option<Attrs<'_>>,
        data: Option<Attrs<'_>>,
        _extack: &ExtAck,
    ) -> Result {
        changelink(dev, tb, data)
    }

    fn dellink(dev: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        // `ip_tunnel_dellink()`: the fallback device stays.
        if !is_fallback(dev) {
            let _ = IpipNet::of_net(dev.state().net.get()).remove(&dev, false);
            dev.unregister(Some(queue));
        }
    }

    fn info_size(_dev: Dev<'_, Self>) -> usize {
        // `ipip_get_size()`.
        4 * total_size(4) + 4 * total_size(1) + 4 * total_size(2) + total_size(0)
    }

    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let t = dev.state();
        let c = t.config();
        let p = c.parms;
        msg.put_u32(IFLA_IPTUN_LINK, p.link as u32)?;
        msg.put_u32(IFLA_IPTUN_LOCAL, p.saddr.to_be())?;
        msg.put_u32(IFLA_IPTUN_REMOTE, p.daddr.to_be())?;
        msg.put_u8(IFLA_IPTUN_TTL, p.ttl)?;
        msg.put_u8(IFLA_IPTUN_TOS, p.tos)?;
        msg.put_u8(IFLA_IPTUN_PROTO, p.protocol)?;
        msg.put_u8(IFLA_IPTUN_PMTUDISC, u8::from(p.df))?;
        msg.put_u32(IFLA_IPTUN_FWMARK, c.fwmark)?;
        msg.put_u16(IFLA_IPTUN_ENCAP_TYPE, c.encap[0])?;
        msg.put_be16(IFLA_IPTUN_ENCAP_SPORT, c.encap[2])?;
        msg.put_be16(IFLA_IPTUN_ENCAP_DPORT, c.encap[3])?;
        msg.put_u16(IFLA_IPTUN_ENCAP_FLAGS, c.encap[1])?;
        if t.collect_md {
            msg.put(IFLA_IPTUN_COLLECT_METADATA, &[])?;
        }
        Ok(())
    }

    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        let t = dev.state();
        let link = t.config().parms.link;
        if link == 0 {
            return None;
        }
        t.net.get().device_by_index(link)
    }

    fn iflink(dev: Dev<'_, Self>) -> i32 {
        dev.state().config().parms.link
    }

    fn link_net<'a>(dev: Dev<'a, Self>) -> &'a Net {
        dev.state().net.get()
    }

    fn init(dev: Dev<'_, Self>) -> Result {
        // `__ip_tunnel_init()`: the ioctls report the name at registration.
        let t = dev.state();
        let mut cfg = t.config();
        let name = dev.name().to_bytes();
        let n = name.len().min(15);
        cfg.name = [0; 16];
        cfg.name[..n].copy_from_slice(&name[..n]);
        t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
        Ok(())
    }

    fn uninit(dev: Dev<'_, Self>) {
        // `ip_tunnel_uninit()`.
        let t = dev.state();
        let _ = IpipNet::of_net(t.net.get()).remove(&dev, true);
        t.cells.reset_route();
    }

    fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
        crate::xmit::ipip_xmit(dev, skb, ctx)
    }

    fn change_mtu(dev: Dev<'_, Self>, new_mtu: u32) -> Result {
        // `ip_tunnel_change_mtu()`.
        if !mtu::change_mtu_ok(new_mtu, 0, 0) {
            return Err(EINVAL);
        }
        dev.store_mtu(new_mtu);
        Ok(())
    }

    fn tunnel_ctl(dev: Dev<'_, Self>, parm: &mut TunnelParm, command: u32) -> Result {
        tunnel_ctl(dev, parm, command)
    }
}
