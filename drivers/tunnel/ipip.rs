// SPDX-License-Identifier: GPL-2.0

//! ipip (`net/ipv4/ipip.c`): the kind (`ipip_link_ops`, `ipip_netdev_ops`,
//! `ipip_tunnel_setup()`, `ipip_newlink()`, `ipip_changelink()`,
//! `ipip_tunnel_ctl()`), its tunnel4 handler (`ipip_rcv()`,
//! `ipip_tunnel_rcv()`) and ICMP errors (`ipip_err()`).

use crate::glue::attr::{Attrs, ExtAck};
use crate::glue::bindings::{IFF_POINTOPOINT, IFLA_MTU};
use crate::glue::link::{Dev, KindHandle, NewLink, TxContext};
use crate::glue::netdev::{Net, NetDevice};
use crate::glue::pernet::PernetId;
use crate::glue::rcu::rcu_read;
use crate::glue::skb::SkBuff;
use crate::glue::timer::now_ms;
use crate::glue::tunnel::{cmd, IcmpError, RcvVerdict, RxPacket, Tunnel4Handler, TunnelParm};
use crate::iptunnel::{self, tunnel_device_ops, tunnel_link_ops, Creation};
use crate::netlink::{ipip_fill_info, ipip_info_size, ipip_request, ipip_validate, IPIP_POLICY};
use crate::rvnet_core::tunnel::lookup::PacketKey;
use crate::rvnet_core::tunnel::{
    ipip_err_action, ipip_ioctl_valid, ErrAction, IoctlIph, IPPROTO_IPIP,
};
use crate::table::{TunnelKind, TunnelNet};
use kernel::prelude::*;

/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;

/// The rtnl kind "ipip".
pub(crate) struct IpipKind;

/// Where the ipip kind's ops are published.
pub(crate) static IPIP_KIND: KindHandle<IpipKind> = KindHandle::new();

/// ipip's per-namespace state id (`ipip_net_id`).
static IPIP_NET_ID: PernetId = PernetId::new();

/// ipip's per-namespace tables.
pub(crate) type IpipNet = TunnelNet<IpipKind>;

impl TunnelKind for IpipKind {
    const LINK_TYPE: u16 = crate::glue::bindings::ARPHRD_TUNNEL as u16;
    const NET_ID: &'static PernetId = &IPIP_NET_ID;
    const FALLBACK_NAME: &'static CStr = c"tunl0";
    const HANDLE: &'static KindHandle<Self> = &IPIP_KIND;

    fn create_fallback(net: &Net) -> Result {
        iptunnel::create_fallback::<Self>(net)
    }
}

/// `ipip_changelink()`.
fn changelink(dev: Dev<'_, IpipKind>, tb: Option<Attrs<'_>>, data: Option<Attrs<'_>>) -> Result {
    let t = dev.state();
    if !dev.link_net_capable(t.net.get()) {
        return Err(EPERM);
    }
    let old = t.config();
    let how = Creation::Netlink {
        mtu_given: false,
        addr_given: false,
    };
    let r = ipip_request(data, old.fwmark, how)?;
    if r.encap_given {
        let mut cfg = old;
        cfg.encap = r.req.encap;
        t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    }
    if r.req.collect_md {
        return Err(EINVAL);
    }
    let p2p = dev.flags() & IFF_POINTOPOINT != 0;
    if p2p != (r.req.parms.daddr != 0) {
        return Err(EINVAL);
    }
    let keep_mtu = tb.is_some_and(|tb| tb.get(IFLA_MTU).is_some());
    iptunnel::changelink(dev, &r.req.parms, keep_mtu, r.req.fwmark)
}

/// `ipip_tunnel_ctl()`: ipip's checks, no keys or flags.
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
    iptunnel::tunnel_ctl(dev, parm, command)
}

tunnel_device_ops!(
    /// ipip devices' hooks (`ipip_netdev_ops`, `ipip_tunnel_setup()`).
    IpipKind {
        const DRIVER_NAME: &'static CStr = c"ipip";
        const VALIDATE_ETHER_ADDR: bool = false;

        fn setup(dev: &NetDevice) {
            dev.setup_ip_tunnel(Self::LINK_TYPE);
            dev.use_tstats();
        }

        fn init(dev: Dev<'_, Self>) -> Result {
            iptunnel::init(dev)
        }

        fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
            crate::xmit::ipip_xmit(dev, skb, ctx)
        }

        fn change_mtu(dev: Dev<'_, Self>, new_mtu: u32) -> Result {
            iptunnel::change_mtu(dev, new_mtu)
        }

        fn tunnel_ctl(dev: Dev<'_, Self>, parm: &mut TunnelParm, command: u32) -> Result {
            tunnel_ctl(dev, parm, command)
        }
    }
);

tunnel_link_ops!(
    /// The rtnl kind (`ipip_link_ops`).
    IpipKind {
        kind: c"ipip",
        policy: IPIP_POLICY,
        info: (ipip_info_size, ipip_fill_info),

        fn validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
            ipip_validate(data)
        }

        fn newlink(link: NewLink<'_, Self>, _extack: &ExtAck) -> Result {
            let mtu_given = link.tb().is_some_and(|tb| tb.get(IFLA_MTU).is_some());
            let how = Creation::Netlink {
                mtu_given,
                addr_given: false,
            };
            let r = ipip_request(link.data(), 0, how)?;
            let dev_net = link.device().net();
            let net = link.explicit_link_net().unwrap_or(dev_net);
            iptunnel::create(link, net, &r.req)
        }

        fn changelink_full(
            dev: Dev<'_, Self>,
            tb: Option<Attrs<'_>>,
            data: Option<Attrs<'_>>,
            _extack: &ExtAck,
        ) -> Result {
            changelink(dev, tb, data)
        }
    }
);

/// The IPv4-in-IPv4 handler (ipip.ko's, priority 1).
pub(crate) struct IpipHandler;

impl Tunnel4Handler for IpipHandler {
    fn rcv(pkt: RxPacket, net: &Net) -> RcvVerdict {
        let outer = pkt.outer();
        let ifindex = outer.ifindex();
        let (remote, local) = (outer.saddr(), outer.daddr());
        rcu_read(|ctx| {
            let table = IpipNet::of_net(net).table(ctx);
            let Some(dev) = table.lookup(ifindex, PacketKey::None, remote, local) else {
                return RcvVerdict::NotOurs(pkt.into_skb());
            };
            let t = dev.state();
            let proto = t.cfg.get(ctx).parms.protocol;
            if proto != IPPROTO_IPIP && proto != 0 {
                drop(pkt.into_skb());
                return RcvVerdict::Taken;
            }
            crate::rcv::decapsulate_rcv(dev, pkt, ETH_P_IP);
            RcvVerdict::Taken
        })
    }

    fn err(e: &IcmpError<'_>, info: u32) -> Result {
        let outer = e.outer();
        let (net, ifindex) = (outer.net(), outer.ifindex());
        rcu_read(|ctx| {
            // Our packet: its destination is the remote end.
            let table = IpipNet::of_net(net).table(ctx);
            let dev = table
                .lookup(ifindex, PacketKey::None, outer.daddr(), outer.saddr())
                .ok_or(ENOENT)?;
            let t = dev.state();
            let p = t.cfg.get(ctx).parms;
            match ipip_err_action(e.icmp_type(), e.icmp_code(), p.daddr, p.ttl) {
                ErrAction::Ignore => Ok(()),
                ErrAction::UpdatePmtu => {
                    e.update_pmtu(info, p.link);
                    Ok(())
                }
                ErrAction::Redirect => {
                    e.redirect(p.link);
                    Ok(())
                }
                ErrAction::NotOurs => Err(ENOENT),
                ErrAction::Count => {
                    t.set_errors(t.errors().record(now_ms()));
                    Ok(())
                }
            }
        })
    }
}
