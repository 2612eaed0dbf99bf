// SPDX-License-Identifier: GPL-2.0

//! IPv4 tunnels' pure logic (`net/ipv4/ip_tunnel.c`, `ip_tunnel_core.c`,
//! `ipip.c`): tunnel parameters, the lookup order of `ip_tunnel_lookup()`,
//! ECN (RFC 6040) encapsulation and decapsulation, TTL/TOS inheritance,
//! and the MTU and headroom arithmetic.
//!
//! Addresses are IPv4 addresses in host order (`0xc0000201` is
//! 192.0.2.1); keys are host-order values as `ip` shows them.

pub mod ecn;
pub mod erspan;
pub mod gre;
pub mod lookup;
pub mod md;
pub mod mtu;
pub mod prl;
pub mod sit;

/// The errno values these rules return (positive).
pub mod errno {
    /// `EPERM`.
    pub const EPERM: i32 = 1;
    /// `ENOENT`.
    pub const ENOENT: i32 = 2;
    /// `E2BIG`.
    pub const E2BIG: i32 = 7;
    /// `EFAULT`.
    pub const EFAULT: i32 = 14;
    /// `EEXIST`.
    pub const EEXIST: i32 = 17;
    /// `ENODEV`.
    pub const ENODEV: i32 = 19;
    /// `EINVAL`.
    pub const EINVAL: i32 = 22;
}

/// `IPPROTO_IPIP`.
pub const IPPROTO_IPIP: u8 = 4;
/// `IPPROTO_MPLS`.
pub const IPPROTO_MPLS: u8 = 137;
/// `IP_DF` in `frag_off` (host order).
pub const IP_DF: u16 = 0x4000;
/// The GRE key flag (`TUNNEL_KEY`, host order of the be16 flags).
pub const GRE_KEY: u16 = 0x2000;

/// `ipv4_is_multicast()`: 224.0.0.0/4.
pub const fn is_multicast(addr: u32) -> bool {
    addr & 0xf000_0000 == 0xe000_0000
}

/// A tunnel's parameters (`struct ip_tunnel_parm_kern` without the name):
/// what the table matches on and what transmit puts in the outer header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parms {
    /// The underlay device's ifindex (0: any).
    pub link: i32,
    /// Receive flags (GRE bits, host order).
    pub i_flags: u16,
    /// Transmit flags (GRE bits, host order).
    pub o_flags: u16,
    /// Receive key.
    pub i_key: u32,
    /// Transmit key.
    pub o_key: u32,
    /// Outer source (0: any).
    pub saddr: u32,
    /// Outer destination (0: NBMA).
    pub daddr: u32,
    /// Outer TTL (0: inherit).
    pub ttl: u8,
    /// Outer TOS (bit 0: inherit).
    pub tos: u8,
    /// The inner protocol accepted (0: any).
    pub protocol: u8,
    /// `IP_DF` set in the outer header.
    pub df: bool,
}

/// The IPv4 header template of `struct ip_tunnel_parm` as the ioctls carry
/// it (host order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoctlIph {
    /// `version` (4).
    pub version: u8,
    /// `ihl` (5).
    pub ihl: u8,
    /// `frag_off`.
    pub frag_off: u16,
}

/// `ipip_tunnel_ctl()`'s check of an add or change request.
pub fn ipip_ioctl_valid(iph: IoctlIph, protocol: u8) -> bool {
    iph.version == 4
        && matches!(protocol, 0 | IPPROTO_IPIP)
        && iph.ihl == 5
        && iph.frag_off & !IP_DF == 0
}

/// `ipip_tunnel_validate()`: the protocols `IFLA_IPTUN_PROTO` may name
/// (`IPPROTO_MPLS` among them even without MPLS, as ipip.ko).
pub fn ipip_proto_valid(proto: u8) -> bool {
    matches!(proto, 0 | IPPROTO_IPIP | IPPROTO_MPLS)
}

/// The `IFLA_IPTUN_*` attributes of an ipip request, as given.
#[derive(Clone, Copy, Debug, Default)]
pub struct NetlinkAttrs {
    /// `IFLA_IPTUN_LINK`.
    pub link: Option<u32>,
    /// `IFLA_IPTUN_LOCAL`.
    pub local: Option<u32>,
    /// `IFLA_IPTUN_REMOTE`.
    pub remote: Option<u32>,
    /// `IFLA_IPTUN_TTL`.
    pub ttl: Option<u8>,
    /// `IFLA_IPTUN_TOS`.
    pub tos: Option<u8>,
    /// `IFLA_IPTUN_PROTO`.
    pub proto: Option<u8>,
    /// `IFLA_IPTUN_PMTUDISC`.
    pub pmtudisc: Option<u8>,
    /// `IFLA_IPTUN_FLAGS` (be16 bits, host order).
    pub flags: Option<u16>,
}

/// `ipip_netlink_parms()` with `ip_tunnel_netlink_parms()`: the
/// parameters a request describes (proto 4 unless given; with attributes,
/// DF unless `pmtudisc 0`, and DF whenever a TTL is set).
pub fn ipip_netlink_parms(a: Option<&NetlinkAttrs>) -> Parms {
    let mut p = Parms {
        protocol: IPPROTO_IPIP,
        ..Parms::default()
    };
    if let Some(a) = a {
        ip_tunnel_netlink_parms(&mut p, a);
    }
    p
}

/// `ip_tunnel_netlink_parms()`: the attributes given, over the kind's
/// defaults in `p` (DF unless `pmtudisc 0`, and whenever a non-zero TTL
/// is given).
pub fn ip_tunnel_netlink_parms(p: &mut Parms, a: &NetlinkAttrs) {
    if let Some(link) = a.link {
        p.link = link as i32;
    }
    if let Some(l) = a.local {
        p.saddr = l;
    }
    if let Some(r) = a.remote {
        p.daddr = r;
    }
    if let Some(ttl) = a.ttl {
        p.ttl = ttl;
        if ttl != 0 {
            p.df = true;
        }
    }
    if let Some(tos) = a.tos {
        p.tos = tos;
    }
    if a.pmtudisc != Some(0) {
        p.df = true;
    }
    if let Some(flags) = a.flags {
        p.i_flags = flags;
    }
    if let Some(proto) = a.proto {
        p.protocol = proto;
    }
}

/// The `IFF_POINTOPOINT`/`IFF_BROADCAST` a tunnel with remote `daddr`
/// has, as `ip_tunnel_changelink()` and `ip_tunnel_ctl()` compute them:
/// `(pointopoint, broadcast)`.
pub fn p2p_flags(daddr: u32) -> (bool, bool) {
    if is_multicast(daddr) {
        (false, true)
    } else {
        (daddr != 0, false)
    }
}

/// What an `ip tunnel add|change` request becomes before its look-up
/// (`ip_tunnel_ctl()`): a TTL forces DF, keys without the key flag are
/// zeroed.
pub fn ioctl_normalize(p: &mut Parms) {
    if p.ttl != 0 {
        p.df = true;
    }
    if p.i_flags & GRE_KEY == 0 {
        p.i_key = 0;
    }
    if p.o_flags & GRE_KEY == 0 {
        p.o_key = 0;
    }
}

/// The inner packet's fields the outer header inherits from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inner {
    /// IPv4: TOS, TTL and whether DF is set.
    Ipv4 {
        /// The DS field.
        tos: u8,
        /// TTL.
        ttl: u8,
        /// `IP_DF` set.
        df: bool,
    },
    /// IPv6: traffic class and hop limit.
    Ipv6 {
        /// The DS field (traffic class).
        dsfield: u8,
        /// Hop limit.
        hop_limit: u8,
    },
    /// Anything else.
    Other,
}

impl Inner {
    /// The DS field the outer header may inherit, if the payload has one.
    pub fn dsfield(self) -> Option<u8> {
        match self {
            Inner::Ipv4 { tos, .. } => Some(tos),
            Inner::Ipv6 { dsfield, .. } => Some(dsfield),
            Inner::Other => None,
        }
    }

    /// The TTL or hop limit, if the payload has one.
    pub fn ttl(self) -> Option<u8> {
        match self {
            Inner::Ipv4 { ttl, .. } => Some(ttl),
            Inner::Ipv6 { hop_limit, .. } => Some(hop_limit),
            Inner::Other => None,
        }
    }
}

/// `INET_DSCP_MASK`: the DSCP bits of a TOS byte.
pub const DSCP_MASK: u8 = 0xfc;

/// The TOS `ip_tunnel_xmit()` routes with and (before ECN) puts in the
/// outer header: the configured one, or the inner DS field when bit 0
/// asks to inherit. Also tells whether the result depends on the packet
/// (then the route cache is not used).
pub fn outer_tos(configured: u8, inner: Inner) -> (u8, bool) {
    if configured & 1 == 0 {
        return (configured, false);
    }
    match inner.dsfield() {
        Some(ds) => (ds, true),
        None => (configured & !1, false),
    }
}

/// The outer TTL: the configured one, else the inner packet's, else the
/// route's hop limit.
pub fn outer_ttl(configured: u8, inner: Inner, route_hoplimit: u8) -> u8 {
    if configured != 0 {
        configured
    } else {
        inner.ttl().unwrap_or(route_hoplimit)
    }
}

/// Whether the outer header gets DF: the tunnel's, or an IPv4 payload's
/// unless the tunnel ignores it.
pub fn outer_df(tunnel_df: bool, ignore_df: bool, inner: Inner) -> bool {
    tunnel_df || matches!(inner, Inner::Ipv4 { df: true, .. } if !ignore_df)
}

/// `IPTUNNEL_ERR_TIMEO`: how long after an ICMP error about a tunnel
/// packet transmit reports link failures, in milliseconds.
pub const ERR_TIMEOUT_MS: u64 = 30_000;

/// The ICMP error counter of a tunnel (`err_count`, `err_time`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrState {
    /// Errors left to report.
    pub count: u32,
    /// When the last error came (ms).
    pub time: u64,
}

impl ErrState {
    /// An ICMP error about a tunnel packet arrived at `now` (ms)
    /// (`ipip_err()`).
    pub fn record(self, now: u64) -> ErrState {
        let count = if now < self.time + ERR_TIMEOUT_MS {
            self.count + 1
        } else {
            1
        };
        ErrState { count, time: now }
    }

    /// Transmit at the time `now` gives (asked only when errors are
    /// counted, as `ip_tunnel_xmit()` reads jiffies): the new state and
    /// whether to report a link failure to the inner sender.
    pub fn on_xmit(self, now: impl FnOnce() -> u64) -> (ErrState, bool) {
        if self.count == 0 {
            (self, false)
        } else if now() < self.time + ERR_TIMEOUT_MS {
            (
                ErrState {
                    count: self.count - 1,
                    ..self
                },
                true,
            )
        } else {
            (ErrState { count: 0, ..self }, false)
        }
    }
}

/// ICMP types and codes `ipip_err()` looks at.
pub mod icmp {
    /// `ICMP_DEST_UNREACH`.
    pub const DEST_UNREACH: u8 = 3;
    /// `ICMP_REDIRECT`.
    pub const REDIRECT: u8 = 5;
    /// `ICMP_TIME_EXCEEDED`.
    pub const TIME_EXCEEDED: u8 = 11;
    /// `ICMP_FRAG_NEEDED`.
    pub const FRAG_NEEDED: u8 = 4;
    /// `ICMP_PORT_UNREACH`.
    pub const PORT_UNREACH: u8 = 3;
    /// `ICMP_SR_FAILED`.
    pub const SR_FAILED: u8 = 5;
    /// `ICMP_EXC_TTL`.
    pub const EXC_TTL: u8 = 0;
}

/// What `ipip_err()` does with an ICMP error about a tunnel packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrAction {
    /// Nothing.
    Ignore,
    /// Update the path MTU of the outer route.
    UpdatePmtu,
    /// Follow the redirect.
    Redirect,
    /// Count it (link failures reported for a while).
    Count,
    /// Not ours to handle (`-ENOENT`).
    NotOurs,
}

/// `ipip_err()`'s decision for an ICMP `kind`/`code` on a tunnel with
/// remote `daddr` and TTL `ttl`.
pub fn ipip_err_action(kind: u8, code: u8, daddr: u32, ttl: u8) -> ErrAction {
    match kind {
        icmp::DEST_UNREACH if code == icmp::SR_FAILED => return ErrAction::Ignore,
        icmp::DEST_UNREACH | icmp::REDIRECT => {}
        icmp::TIME_EXCEEDED if code == icmp::EXC_TTL => {}
        _ => return ErrAction::Ignore,
    }
    if kind == icmp::DEST_UNREACH && code == icmp::FRAG_NEEDED {
        return ErrAction::UpdatePmtu;
    }
    if kind == icmp::REDIRECT {
        return ErrAction::Redirect;
    }
    if daddr == 0 {
        return ErrAction::NotOurs;
    }
    if ttl == 0 && kind == icmp::TIME_EXCEEDED {
        return ErrAction::Ignore;
    }
    ErrAction::Count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netlink_defaults() {
        let p = ipip_netlink_parms(Some(&NetlinkAttrs::default()));
        assert_eq!(p.protocol, IPPROTO_IPIP);
        assert!(p.df);
        assert!(!ipip_netlink_parms(None).df);
        let p = ipip_netlink_parms(Some(&NetlinkAttrs {
            pmtudisc: Some(0),
            ..Default::default()
        }));
        assert!(!p.df);
        let p = ipip_netlink_parms(Some(&NetlinkAttrs {
            pmtudisc: Some(0),
            ttl: Some(3),
            ..Default::default()
        }));
        assert!(p.df, "a TTL keeps DF on, as ipip.ko");
    }

    #[test]
    fn inherit() {
        let v4 = Inner::Ipv4 {
            tos: 0x2e,
            ttl: 9,
            df: true,
        };
        assert_eq!(outer_tos(1, v4), (0x2e, true));
        assert_eq!(outer_tos(0x10, v4), (0x10, false));
        assert_eq!(outer_tos(0x11, Inner::Other), (0x10, false));
        assert_eq!(outer_ttl(0, v4, 64), 9);
        assert_eq!(outer_ttl(0, Inner::Other, 64), 64);
        assert_eq!(outer_ttl(7, v4, 64), 7);
        assert!(outer_df(false, false, v4));
        assert!(!outer_df(false, true, v4));
    }

    #[test]
    fn err_window() {
        let s = ErrState::default().record(1000).record(2000);
        assert_eq!(s.count, 2);
        let (s, fail) = s.on_xmit(|| 3000);
        assert!(fail);
        assert_eq!(s.count, 1);
        let (s, fail) = s.on_xmit(|| 2000 + ERR_TIMEOUT_MS);
        assert!(!fail);
        assert_eq!(s.count, 0);
    }

    #[test]
    fn err_actions() {
        assert_eq!(ipip_err_action(3, 4, 1, 0), ErrAction::UpdatePmtu);
        assert_eq!(ipip_err_action(3, 1, 0, 0), ErrAction::NotOurs);
        assert_eq!(ipip_err_action(3, 1, 1, 0), ErrAction::Count);
        assert_eq!(ipip_err_action(11, 0, 1, 0), ErrAction::Ignore);
        assert_eq!(ipip_err_action(11, 0, 1, 5), ErrAction::Count);
        assert_eq!(ipip_err_action(11, 1, 1, 5), ErrAction::Ignore);
        assert_eq!(ipip_err_action(5, 0, 0, 0), ErrAction::Redirect);
    }

    #[test]
    fn ioctl_checks() {
        let iph = IoctlIph {
            version: 4,
            ihl: 5,
            frag_off: IP_DF,
        };
        assert!(ipip_ioctl_valid(iph, 4));
        assert!(!ipip_ioctl_valid(iph, 41));
        assert!(!ipip_ioctl_valid(IoctlIph { ihl: 6, ..iph }, 4));
        assert!(!ipip_ioctl_valid(IoctlIph { frag_off: 1, ..iph }, 4));
    }
}
