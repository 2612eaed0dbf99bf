// SPDX-License-Identifier: GPL-2.0

//! ipip's tunnel4 handler (`ipip_rcv()`, `ipip_tunnel_rcv()`,
//! `ipip_err()`).

use crate::glue::netdev::Net;
use crate::glue::rcu::rcu_read;
use crate::glue::timer::now_ms;
use crate::glue::tunnel::{DevStat, IcmpError, PullError, RcvVerdict, RxPacket, Tunnel4Handler};
use crate::rvnet_core::tunnel::lookup::PacketKey;
use crate::rvnet_core::tunnel::{ipip_err_action, ErrAction, IPPROTO_IPIP};
use crate::table::IpipNet;
use kernel::prelude::*;

/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;

/// The IPv4-in-IPv4 handler.
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
            match pkt.decapsulate(ETH_P_IP, t.collect_md) {
                Ok(d) => crate::rcv::tunnel_rcv(dev, d),
                Err(PullError::Truncated) => {
                    dev.count(DevStat::RxLengthErrors);
                    dev.count(DevStat::RxErrors);
                }
                Err(PullError::Malformed) => {}
            }
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
