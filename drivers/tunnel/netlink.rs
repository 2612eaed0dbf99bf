// SPDX-License-Identifier: GPL-2.0

//! The `IFLA_IPTUN_*` attributes of ipip and sit: `ipip_policy`,
//! `ipip_tunnel_validate()`, `ipip_netlink_parms()` with
//! `ip_tunnel_netlink_parms()` and `ip_tunnel_netlink_encap_parms()`,
//! `ipip_get_size()`, `ipip_fill_info()`; sit's `ipip6_policy`,
//! `ipip6_validate()`, `ipip6_netlink_parms()`, `ipip6_get_size()`,
//! `ipip6_fill_info()`.

use crate::glue::attr::{total_size, Attrs, NlMsg, Policy};
use crate::glue::bindings::{
    IFLA_IPTUN_COLLECT_METADATA, IFLA_IPTUN_ENCAP_DPORT, IFLA_IPTUN_ENCAP_FLAGS,
    IFLA_IPTUN_ENCAP_SPORT, IFLA_IPTUN_ENCAP_TYPE, IFLA_IPTUN_FLAGS, IFLA_IPTUN_FWMARK,
    IFLA_IPTUN_LINK, IFLA_IPTUN_LOCAL, IFLA_IPTUN_PMTUDISC, IFLA_IPTUN_PROTO, IFLA_IPTUN_REMOTE,
    IFLA_IPTUN_TOS, IFLA_IPTUN_TTL,
};
use crate::iptunnel::{Creation, Request};
use crate::rvnet_core::tunnel::{self as core_tunnel, ipip_proto_valid, sit, NetlinkAttrs, Parms};
use crate::table::Tunnel;
use kernel::prelude::*;

/// `ipip_policy`, indexed by `IFLA_IPTUN_*` (the attributes ipip.ko does
/// not list are `NLA_UNSPEC`).
pub(crate) static IPIP_POLICY: [Policy; 21] = [
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

/// `ipip_tunnel_validate()`.
pub(crate) fn ipip_validate(data: Option<Attrs<'_>>) -> Result {
    match data.and_then(|d| d.get(IFLA_IPTUN_PROTO)) {
        Some(a) if !ipip_proto_valid(a.u8()) => Err(EINVAL),
        _ => Ok(()),
    }
}

/// `ip_tunnel_netlink_encap_parms()` (`ipgre_netlink_encap_parms()`)
/// with `ip_tunnel_encap_setup()`, the attributes being `first` (the
/// type) and the flags, source and destination port after it: no
/// encapsulation type is registered in this kernel (no FOU), so only
/// `none` is accepted. `None`: no encapsulation attribute given.
pub(crate) fn encap_parms(data: Option<Attrs<'_>>, first: u32) -> Result<Option<[u16; 4]>> {
    let Some(d) = data else {
        return Ok(None);
    };
    let [kind, flags, sport, dport] = [first, first + 1, first + 2, first + 3];
    if [kind, flags, sport, dport]
        .iter()
        .all(|&k| d.get(k).is_none())
    {
        return Ok(None);
    }
    if d.get(kind).map_or(0, |a| a.u16()) != 0 {
        return Err(EINVAL);
    }
    Ok(Some([
        0,
        d.get(flags).map_or(0, |a| a.u16()),
        d.get(sport).map_or(0, |a| a.be16()),
        d.get(dport).map_or(0, |a| a.be16()),
    ]))
}

/// sit's `ipip6_policy` (without 6RD, which this kernel does not have).
pub(crate) static SIT_POLICY: [Policy; 21] = [
    Policy::UNSPEC,
    Policy::U32,    // IFLA_IPTUN_LINK
    Policy::U32,    // IFLA_IPTUN_LOCAL
    Policy::U32,    // IFLA_IPTUN_REMOTE
    Policy::U8,     // IFLA_IPTUN_TTL
    Policy::U8,     // IFLA_IPTUN_TOS
    Policy::UNSPEC, // IFLA_IPTUN_ENCAP_LIMIT
    Policy::UNSPEC, // IFLA_IPTUN_FLOWINFO
    Policy::U16,    // IFLA_IPTUN_FLAGS
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
    Policy::UNSPEC, // IFLA_IPTUN_COLLECT_METADATA
    Policy::U32,    // IFLA_IPTUN_FWMARK
];

/// `ipip6_validate()`.
pub(crate) fn sit_validate(data: Option<Attrs<'_>>) -> Result {
    match data.and_then(|d| d.get(IFLA_IPTUN_PROTO)) {
        Some(a) if !sit::proto_valid(a.u8()) => Err(EINVAL),
        _ => Ok(()),
    }
}

/// A tunnel request as its attributes say.
pub(crate) struct TunnelRequest {
    /// What to create, or the change.
    pub(crate) req: Request,
    /// Whether encapsulation attributes were given (changelink applies
    /// them).
    pub(crate) encap_given: bool,
}

/// `ipip_netlink_parms()` after the encapsulation attributes; `fwmark`
/// is kept unless given.
pub(crate) fn ipip_request(
    data: Option<Attrs<'_>>,
    fwmark: u32,
    how: Creation,
) -> Result<TunnelRequest> {
    request(data, fwmark, how, core_tunnel::ipip_netlink_parms)
}

/// `ipip6_netlink_parms()` after the encapsulation attributes; `fwmark`
/// is kept unless given. sit has no collect_md.
pub(crate) fn sit_request(
    data: Option<Attrs<'_>>,
    fwmark: u32,
    how: Creation,
) -> Result<TunnelRequest> {
    let mut r = request(data, fwmark, how, sit::netlink_parms)?;
    r.req.collect_md = false;
    Ok(r)
}

/// A kind's request: the encapsulation attributes, then its parameters as
/// `parms` reads them.
fn request(
    data: Option<Attrs<'_>>,
    fwmark: u32,
    how: Creation,
    parms: fn(Option<&NetlinkAttrs>) -> Parms,
) -> Result<TunnelRequest> {
    let encap = encap_parms(data, IFLA_IPTUN_ENCAP_TYPE)?;
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
    Ok(TunnelRequest {
        req: Request {
            parms: parms(attrs.as_ref()),
            fwmark: data
                .and_then(|d| d.get(IFLA_IPTUN_FWMARK))
                .map_or(fwmark, |a| a.u32()),
            collect_md: data.is_some_and(|d| d.get(IFLA_IPTUN_COLLECT_METADATA).is_some()),
            encap: encap.unwrap_or_default(),
            ignore_df: false,
            erspan: Default::default(),
            how,
        },
        encap_given: encap.is_some(),
    })
}

/// `ipip_get_size()`.
pub(crate) fn ipip_info_size() -> usize {
    4 * total_size(4) + 4 * total_size(1) + 4 * total_size(2) + total_size(0)
}

/// `ipip_fill_info()`.
pub(crate) fn ipip_fill_info(t: &Tunnel, msg: &mut NlMsg) -> Result {
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

/// `ipip6_get_size()` (without 6RD).
pub(crate) fn sit_info_size() -> usize {
    4 * total_size(4) + 4 * total_size(1) + 5 * total_size(2)
}

/// `ipip6_fill_info()` (without 6RD).
pub(crate) fn sit_fill_info(t: &Tunnel, msg: &mut NlMsg) -> Result {
    let c = t.config();
    let p = c.parms;
    msg.put_u32(IFLA_IPTUN_LINK, p.link as u32)?;
    msg.put_u32(IFLA_IPTUN_LOCAL, p.saddr.to_be())?;
    msg.put_u32(IFLA_IPTUN_REMOTE, p.daddr.to_be())?;
    msg.put_u8(IFLA_IPTUN_TTL, p.ttl)?;
    msg.put_u8(IFLA_IPTUN_TOS, p.tos)?;
    msg.put_u8(IFLA_IPTUN_PMTUDISC, u8::from(p.df))?;
    msg.put_u8(IFLA_IPTUN_PROTO, p.protocol)?;
    msg.put_be16(IFLA_IPTUN_FLAGS, p.i_flags)?;
    msg.put_u32(IFLA_IPTUN_FWMARK, c.fwmark)?;
    msg.put_u16(IFLA_IPTUN_ENCAP_TYPE, c.encap[0])?;
    msg.put_be16(IFLA_IPTUN_ENCAP_SPORT, c.encap[2])?;
    msg.put_be16(IFLA_IPTUN_ENCAP_DPORT, c.encap[3])?;
    msg.put_u16(IFLA_IPTUN_ENCAP_FLAGS, c.encap[1])?;
    Ok(())
}
