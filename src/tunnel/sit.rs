// SPDX-License-Identifier: GPL-2.0

//! sit's rules (`net/ipv6/sit.c`, built without `CONFIG_IPV6_SIT_6RD` and
//! `CONFIG_MPLS`): the protocols a tunnel may carry, its netlink defaults,
//! its own table matching (`ipip6_tunnel_lookup()`,
//! `ipip6_tunnel_locate()`), the outer destination of an IPv6 packet
//! (configured, ISATAP, 6to4, IPv4-compatible next hop), the spoofing
//! checks on receive, ICMP errors and the MTU arithmetic.
//!
//! IPv6 addresses are their 16 bytes in network order; IPv4 addresses
//! host-order `u32`s as in the rest of the crate.

use super::lookup::Entry;
use super::mtu::{Underlay, IPV4_HLEN, IPV6_MIN_MTU, LL_MAX_HEADER, MAX_HEADROOM, MIN_MTU};
use super::{icmp, ip_tunnel_netlink_parms, IoctlIph, NetlinkAttrs, Parms, IPPROTO_IPIP, IP_DF};

/// `IPPROTO_IPV6`: IPv6 in IPv4, sit's own protocol.
pub const IPPROTO_IPV6: u8 = 41;

/// `SIT_ISATAP` in `i_flags` (the be16 flags' bit `0x0001` as stored, in
/// the crate's host-order view of the be16 value).
pub const SIT_ISATAP: u16 = u16::from_be(0x0001);

/// The TTL sit tunnels get unless told otherwise.
pub const DEFAULT_TTL: u8 = 64;

/// `IP6_MAX_MTU` (65535 plus the IPv6 header).
pub const IP6_MAX_MTU: u32 = 0xffff + 40;
/// A sit device's MTU before it is bound (`ETH_DATA_LEN - t_hlen`).
pub const DEFAULT_MTU: u32 = 1500 - IPV4_HLEN;
/// A sit device's `min_mtu` (`IPV6_MIN_MTU`).
pub const MIN_MTU_SIT: u32 = IPV6_MIN_MTU;
/// A sit device's `max_mtu` (`IP6_MAX_MTU - t_hlen`).
pub const MAX_MTU_SIT: u32 = IP6_MAX_MTU - IPV4_HLEN;

/// `ipip6_valid_ip_proto()` without MPLS: IPv6, IPv4 or any.
pub fn proto_valid(proto: u8) -> bool {
    matches!(proto, 0 | IPPROTO_IPIP | IPPROTO_IPV6)
}

/// `__ipip6_tunnel_ioctl_validate()`'s checks after the capability one.
pub fn ioctl_valid(iph: IoctlIph, protocol: u8) -> bool {
    proto_valid(protocol) && iph.version == 4 && iph.ihl == 5 && iph.frag_off & !IP_DF == 0
}

/// `ipip6_netlink_parms()`: IPv6, TTL 64, then the attributes given.
pub fn netlink_parms(a: Option<&NetlinkAttrs>) -> Parms {
    let mut p = Parms {
        protocol: IPPROTO_IPV6,
        ttl: DEFAULT_TTL,
        ..Parms::default()
    };
    if let Some(a) = a {
        ip_tunnel_netlink_parms(&mut p, a);
    }
    p
}

/// The fallback device's parameters (`ipip6_fb_tunnel_init()`).
pub fn fallback_parms() -> Parms {
    Parms {
        protocol: IPPROTO_IPV6,
        ttl: DEFAULT_TTL,
        ..Parms::default()
    }
}

/// Whether a tunnel bound to `link` may take a packet that came in on
/// `ifindex` (or, through an L3 master, `sifindex`).
fn link_ok(link: i32, ifindex: i32, sifindex: i32) -> bool {
    link == 0 || link == ifindex || link == sifindex
}

/// sit's hash of an address (`HASH()` of sit.c, on the network-order
/// value): 16 chains.
fn addr_hash(addr: u32) -> usize {
    let raw = addr.to_be();
    ((raw ^ (raw >> 4)) & 0xf) as usize
}

/// The chain of sit's table `prio` (0: wildcard, 1: local only, 2: remote
/// only, 3: both) and hash `h`.
fn chain_index(prio: usize, h: usize) -> usize {
    prio * 16 + h
}

/// `__ipip6_bucket()`: the chain of a tunnel with parameters `p`.
pub fn chain(p: &Parms) -> usize {
    let (mut prio, mut h) = (0, 0);
    if p.daddr != 0 {
        prio |= 2;
        h ^= addr_hash(p.daddr);
    }
    if p.saddr != 0 {
        prio |= 1;
        h ^= addr_hash(p.saddr);
    }
    chain_index(prio, h)
}

/// `ipip6_tunnel_lookup()` over the chains `chain(i)` (each newest
/// first): the first up tunnel with (local, remote), then (*, remote),
/// then (local, *), each bound to no link or the packet's; else the
/// newest wildcard tunnel (the fallback device, or one bound to a link) if
/// it is up, whatever its link.
pub fn lookup<'a, E: Entry + 'a, I: Iterator<Item = &'a E>>(
    chain: impl Fn(usize) -> I,
    ifindex: i32,
    sifindex: i32,
    remote: u32,
    local: u32,
) -> Option<&'a E> {
    let usable = |e: &E| link_ok(e.parms().link, ifindex, sifindex) && e.is_up();
    let pass = |index, matches: &dyn Fn(&Parms) -> bool| {
        chain(index).find(|e| matches(e.parms()) && usable(e))
    };
    let (h_remote, h_local) = (addr_hash(remote), addr_hash(local));
    pass(chain_index(3, h_remote ^ h_local), &|p| {
        p.saddr == local && p.daddr == remote
    })
    .or_else(|| pass(chain_index(2, h_remote), &|p| p.daddr == remote))
    .or_else(|| pass(chain_index(1, h_local), &|p| p.saddr == local))
    .or_else(|| chain(chain_index(0, 0)).next().filter(|e| e.is_up()))
}

/// `ipip6_tunnel_locate()` without creating: the tunnel with the same
/// local, remote and link, on its chain of `chain(i)`.
pub fn find<'a, E: Entry + 'a, I: Iterator<Item = &'a E>>(
    mut chain: impl FnMut(usize) -> I,
    p: &Parms,
) -> Option<&'a E> {
    chain(self::chain(p)).find(|e| {
        let t = e.parms();
        t.saddr == p.saddr && t.daddr == p.daddr && t.link == p.link
    })
}

/// An IPv6 address's IPv4 address in the 6to4 space (2002:V4ADDR::/48,
/// RFC 3056; `check_6rd()` without 6RD).
pub fn six_to_four(addr: &[u8; 16]) -> Option<u32> {
    (addr[0] == 0x20 && addr[1] == 0x02)
        .then(|| u32::from_be_bytes([addr[2], addr[3], addr[4], addr[5]]))
}

/// The last 32 bits of an IPv6 address, as an IPv4 address.
fn low32(addr: &[u8; 16]) -> u32 {
    u32::from_be_bytes([addr[12], addr[13], addr[14], addr[15]])
}

/// `ipv6_addr_is_isatap()`: an interface identifier of the form
/// `[02]00:5efe:V4ADDR`.
pub fn is_isatap(addr: &[u8; 16]) -> bool {
    [addr[8] | 0x02, addr[9], addr[10], addr[11]] == [0x02, 0x00, 0x5e, 0xfe]
}

/// The class of an IPv6 address, as far as sit looks at it
/// (`__ipv6_addr_type()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrClass {
    /// `::`.
    Any,
    /// `::V4ADDR` (IPv4-compatible, unicast).
    CompatV4,
    /// Any other unicast address (loopback included).
    Unicast,
    /// Multicast.
    Multicast,
    /// `::ffff:V4ADDR` (IPv4-mapped, not unicast).
    Mapped,
}

/// `__ipv6_addr_type()` reduced to [`AddrClass`].
pub fn addr_class(a: &[u8; 16]) -> AddrClass {
    if a[0] == 0xff {
        return AddrClass::Multicast;
    }
    if a[..8].iter().any(|&b| b != 0) {
        return AddrClass::Unicast;
    }
    if a[8..12].iter().all(|&b| b == 0) {
        return match low32(a) {
            0 => AddrClass::Any,
            1 => AddrClass::Unicast,
            _ => AddrClass::CompatV4,
        };
    }
    if a[8..12] == [0, 0, 0xff, 0xff] {
        return AddrClass::Mapped;
    }
    AddrClass::Unicast
}

impl AddrClass {
    /// Whether `IPV6_ADDR_UNICAST` is among the type's bits.
    pub fn is_unicast(self) -> bool {
        matches!(self, AddrClass::CompatV4 | AddrClass::Unicast)
    }
}

/// `ipip6_tunnel_xmit()`'s outer destination for an IPv6 packet to
/// `inner_daddr`: an ISATAP tunnel's from its next hop's ISATAP address
/// (required), else the configured remote, else the 6to4 address's, else
/// an IPv4-compatible next hop (or destination, when the next hop is
/// `::`). `neighbour` looks the next hop up (`None`: none), and is asked
/// at most once, only when needed. `None`: no destination
/// (a transmit error).
pub fn xmit_destination(
    configured: u32,
    isatap: bool,
    inner_daddr: &[u8; 16],
    mut neighbour: impl FnMut() -> Option<[u8; 16]>,
) -> Option<u32> {
    let mut dst = configured;
    if isatap {
        let n = neighbour()?;
        if !addr_class(&n).is_unicast() || !is_isatap(&n) {
            return None;
        }
        dst = low32(&n);
    }
    if dst == 0 {
        dst = six_to_four(inner_daddr).unwrap_or(0);
    }
    if dst == 0 {
        let n = neighbour()?;
        let addr = if addr_class(&n) == AddrClass::Any {
            inner_daddr
        } else {
            &n
        };
        if addr_class(addr) != AddrClass::CompatV4 {
            return None;
        }
        dst = low32(addr);
    }
    Some(dst)
}

/// `ipip6_tunnel_xmit()`'s TOS: the configured one, or with exactly 1 the
/// inner traffic class.
pub fn xmit_tos(configured: u8, inner_dsfield: u8) -> u8 {
    if configured == 1 {
        inner_dsfield
    } else {
        configured
    }
}

/// The path MTU `ipip6_tunnel_xmit()` applies with DF set, from the outer
/// route's MTU: `Some((mtu, df))` (below the IPv6 minimum the packet goes
/// at 1280 without DF), `None` when the route cannot carry even a minimal
/// IPv4 packet (counted as a collision).
pub fn xmit_pmtu(route_mtu: u32) -> Option<(u32, bool)> {
    let mtu = route_mtu.checked_sub(IPV4_HLEN)?;
    if mtu < MIN_MTU {
        return None;
    }
    if mtu < IPV6_MIN_MTU {
        return Some((IPV6_MIN_MTU, false));
    }
    Some((mtu, true))
}

/// `ipip6_tunnel_bind_dev()`: the MTU (`None`: keep the current one, no
/// underlay) and `needed_headroom` after choosing the underlay.
pub fn bind(underlay: Option<Underlay>) -> (Option<u32>, u32) {
    let (mtu, hlen) = match underlay {
        Some(u) => (
            Some(u.mtu.saturating_sub(IPV4_HLEN).max(IPV6_MIN_MTU)),
            u.headroom,
        ),
        None => (None, LL_MAX_HEADER),
    };
    (mtu, (IPV4_HLEN + hlen).min(MAX_HEADROOM))
}

/// `ipip6_newlink()`: whether an `IFLA_MTU` is applied after binding.
pub fn requested_mtu_ok(mtu: u32) -> bool {
    (IPV6_MIN_MTU..=IP6_MAX_MTU).contains(&mtu)
}

/// What `ipip6_rcv()`'s spoofing checks need to know about the tunnel
/// device's IPv6 addresses.
pub trait DeviceAddrs {
    /// `ipv6_chk_prefix()`: one of its addresses' prefixes covers `addr`.
    fn has_prefix_of(&self, addr: &[u8; 16]) -> bool;
    /// `ipv6_chk_custom_prefix()`: one of its addresses shares the first
    /// `len` bits with `addr`.
    fn shares_prefix(&self, addr: &[u8; 16], len: u8) -> bool;
}

/// The outer and inner addresses of a received IPv6-in-IPv4 packet.
#[derive(Clone, Copy, Debug)]
pub struct RxAddrs {
    /// Outer source.
    pub saddr: u32,
    /// Outer destination.
    pub daddr: u32,
    /// Inner source.
    pub saddr6: [u8; 16],
    /// Inner destination.
    pub daddr6: [u8; 16],
}

/// `packet_is_spoofed()`'s verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spoofing {
    /// Not spoofed.
    Accept,
    /// Accepted by an ISATAP tunnel from a host (`NDISC_NODETYPE_HOST`).
    AcceptIsatapHost,
    /// An ISATAP source that does not check out: dropped silently.
    IsatapSource,
    /// The inner 6to4 source does not embed the outer source: logged
    /// ("Src spoofed") and dropped.
    Source,
    /// The inner 6to4 destination does not embed the outer destination
    /// nor share a /48 with the device: logged ("Dst spoofed") and
    /// dropped.
    Destination,
}

/// `only_dnatted()`'s prefix length without 6RD.
pub const DNAT_PREFIX_LEN: u8 = 48;

/// `packet_is_spoofed()` (with an empty potential router list): ISATAP
/// tunnels accept ISATAP sources embedding the outer source under one of
/// the device's prefixes; point-to-point tunnels accept anything; the
/// others check the 6to4 addresses against the outer ones.
pub fn check_spoofing(
    a: &RxAddrs,
    isatap: bool,
    pointopoint: bool,
    dev: &impl DeviceAddrs,
) -> Spoofing {
    if isatap {
        return if is_isatap(&a.saddr6)
            && low32(&a.saddr6) == a.saddr
            && dev.has_prefix_of(&a.saddr6)
        {
            Spoofing::AcceptIsatapHost
        } else {
            Spoofing::IsatapSource
        };
    }
    if pointopoint {
        return Spoofing::Accept;
    }
    if six_to_four(&a.saddr6).is_some_and(|v4| v4 != a.saddr) {
        return Spoofing::Source;
    }
    if six_to_four(&a.daddr6).is_none_or(|v4| v4 == a.daddr)
        || dev.shares_prefix(&a.daddr6, DNAT_PREFIX_LEN)
    {
        return Spoofing::Accept;
    }
    Spoofing::Destination
}

/// What `ipip6_err()` does with an ICMP error about one of our packets,
/// before looking the tunnel up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrAction {
    /// Nothing, and no look-up (success).
    Ignore,
    /// `ipv4_update_pmtu()` for the tunnel.
    UpdatePmtu,
    /// `ipv4_redirect()` for the tunnel.
    Redirect,
    /// Translate it into an ICMPv6 error to the inner sender, whose
    /// quoted data is `data_len` bytes (RFC 4884); failing that, count it
    /// as [`counts_error`] says.
    Translate {
        /// The RFC 4884 length of the original datagram.
        data_len: u32,
    },
}

/// `ipip6_err()`'s classification of an ICMP `kind`/`code`;
/// `length_words` is the RFC 4884 length field (`un.reserved[1]`).
pub fn err_action(kind: u8, code: u8, length_words: u8) -> ErrAction {
    match kind {
        icmp::DEST_UNREACH if code == icmp::SR_FAILED => ErrAction::Ignore,
        icmp::DEST_UNREACH if code == icmp::FRAG_NEEDED => ErrAction::UpdatePmtu,
        icmp::DEST_UNREACH => ErrAction::Translate { data_len: 0 },
        icmp::TIME_EXCEEDED if code == icmp::EXC_TTL => ErrAction::Translate {
            data_len: u32::from(length_words) * 4,
        },
        icmp::REDIRECT => ErrAction::Redirect,
        _ => ErrAction::Ignore,
    }
}

/// After an untranslated error: whether it raises the tunnel's error
/// count (a connected tunnel, and not a TTL expiry of an inheriting one).
pub fn counts_error(kind: u8, daddr: u32, ttl: u8) -> bool {
    daddr != 0 && !(ttl == 0 && kind == icmp::TIME_EXCEEDED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    #[derive(Debug, Clone)]
    struct T {
        p: Parms,
        up: bool,
        id: usize,
    }

    impl Entry for T {
        fn parms(&self) -> &Parms {
            &self.p
        }
        fn is_up(&self) -> bool {
            self.up
        }
        fn dev_type(&self) -> u16 {
            776
        }
    }

    fn t(id: usize, saddr: u32, daddr: u32, link: i32) -> T {
        T {
            p: Parms {
                saddr,
                daddr,
                link,
                ..fallback_parms()
            },
            up: true,
            id,
        }
    }

    /// The chains of a list of tunnels (newest first).
    fn chains<'a>(table: &'a [T]) -> impl Fn(usize) -> std::vec::IntoIter<&'a T> + 'a {
        move |i| {
            table
                .iter()
                .filter(|e| chain(&e.p) == i)
                .collect::<Vec<_>>()
                .into_iter()
        }
    }

    const A: u32 = 0x0a00_0001;
    const B: u32 = 0x0a00_0002;
    const C: u32 = 0x0a00_0003;

    fn v6(s: &str) -> [u8; 16] {
        let a: std::net::Ipv6Addr = s.parse().unwrap();
        a.octets()
    }

    #[test]
    fn parms() {
        assert!(proto_valid(41) && proto_valid(4) && proto_valid(0));
        assert!(!proto_valid(137), "no MPLS in this kernel");
        assert!(!proto_valid(47));
        let p = netlink_parms(None);
        assert_eq!((p.protocol, p.ttl, p.df), (41, 64, false));
        let p = netlink_parms(Some(&NetlinkAttrs::default()));
        assert!(p.df);
        let p = netlink_parms(Some(&NetlinkAttrs {
            pmtudisc: Some(0),
            ..Default::default()
        }));
        assert!(!p.df && p.ttl == 64, "the default TTL does not force DF");
        let p = netlink_parms(Some(&NetlinkAttrs {
            pmtudisc: Some(0),
            ttl: Some(5),
            flags: Some(SIT_ISATAP),
            ..Default::default()
        }));
        assert!(p.df && p.i_flags & SIT_ISATAP != 0);
        let iph = IoctlIph {
            version: 4,
            ihl: 5,
            frag_off: IP_DF,
        };
        assert!(ioctl_valid(iph, 41));
        assert!(!ioctl_valid(iph, 47));
        assert!(!ioctl_valid(IoctlIph { version: 6, ..iph }, 41));
    }

    #[test]
    fn lookup_order() {
        let table = [t(0, A, B, 0), t(1, 0, B, 0), t(2, A, 0, 0), t(3, 0, 0, 0)];
        let find = |remote, local| lookup(chains(&table), 5, 0, remote, local).map(|e| e.id);
        assert_eq!(find(B, A), Some(0));
        assert_eq!(find(B, C), Some(1));
        assert_eq!(find(C, A), Some(2));
        assert_eq!(find(C, C), Some(3));
    }

    #[test]
    fn links_filter_but_wildcard_does_not() {
        let mut table = [t(0, A, B, 7), t(1, 0, 0, 9), t(2, 0, 0, 0)];
        assert_eq!(lookup(chains(&table), 7, 0, B, A).map(|e| e.id), Some(0));
        assert_eq!(lookup(chains(&table), 3, 7, B, A).map(|e| e.id), Some(0));
        // On another link: not the tunnel, but the newest wildcard one,
        // whatever its link.
        assert_eq!(lookup(chains(&table), 3, 0, B, A).map(|e| e.id), Some(1));
        // A down newest wildcard hides the older ones.
        table[1].up = false;
        assert_eq!(lookup(chains(&table), 3, 0, B, A).map(|e| e.id), None);
    }

    #[test]
    fn locate() {
        let table = [t(0, A, B, 0), t(1, 0, 0, 0)];
        let p = |s, d, l| Parms {
            saddr: s,
            daddr: d,
            link: l,
            ..Parms::default()
        };
        assert_eq!(find(chains(&table), &p(A, B, 0)).map(|e| e.id), Some(0));
        assert_eq!(find(chains(&table), &p(0, 0, 0)).map(|e| e.id), Some(1));
        assert!(find(chains(&table), &p(A, B, 3)).is_none());
    }

    #[test]
    fn addresses() {
        assert_eq!(six_to_four(&v6("2002:c000:0201::1")), Some(0xc000_0201));
        assert_eq!(six_to_four(&v6("2001:db8::1")), None);
        assert!(is_isatap(&v6("fe80::5efe:c000:201")));
        assert!(is_isatap(&v6("fe80::200:5efe:c000:201")));
        assert!(!is_isatap(&v6("fe80::100:5efe:c000:201")));
        assert_eq!(addr_class(&v6("::")), AddrClass::Any);
        assert_eq!(addr_class(&v6("::1")), AddrClass::Unicast);
        assert_eq!(addr_class(&v6("::10.0.0.1")), AddrClass::CompatV4);
        assert_eq!(addr_class(&v6("::ffff:10.0.0.1")), AddrClass::Mapped);
        assert_eq!(addr_class(&v6("ff02::1")), AddrClass::Multicast);
        assert_eq!(addr_class(&v6("fe80::1")), AddrClass::Unicast);
        assert_eq!(addr_class(&v6("2001:db8::1")), AddrClass::Unicast);
    }

    #[test]
    fn destinations() {
        let d6 = v6("2002:0a00:0002::1");
        let plain = v6("2001:db8::1");
        let mut asked = 0;
        let none = || None;
        assert_eq!(xmit_destination(C, false, &d6, none), Some(C));
        // 6to4 needs no next hop.
        assert_eq!(
            xmit_destination(0, false, &d6, || {
                asked += 1;
                None
            }),
            Some(B)
        );
        assert_eq!(asked, 0);
        assert_eq!(
            xmit_destination(0, false, &plain, || Some(v6("::10.0.0.3"))),
            Some(C)
        );
        assert_eq!(
            xmit_destination(0, false, &plain, || Some(v6("fe80::1"))),
            None
        );
        assert_eq!(xmit_destination(0, false, &plain, none), None);
        // A `::` next hop (on-link route) means the destination itself.
        let compat = v6("::10.0.0.2");
        assert_eq!(
            xmit_destination(0, false, &compat, || Some([0; 16])),
            Some(B)
        );
        // ISATAP: the next hop's embedded address, even over a remote.
        let isatap_hop = v6("fe80::5efe:a00:3");
        assert_eq!(
            xmit_destination(A, true, &plain, || Some(isatap_hop)),
            Some(C)
        );
        assert_eq!(
            xmit_destination(A, true, &plain, || Some(v6("fe80::1"))),
            None
        );
    }

    #[test]
    fn transmit_numbers() {
        assert_eq!(xmit_tos(1, 0x2e), 0x2e);
        assert_eq!(xmit_tos(0x11, 0x2e), 0x11);
        assert_eq!(xmit_pmtu(1500), Some((1480, true)));
        assert_eq!(xmit_pmtu(1000), Some((1280, false)));
        assert_eq!(xmit_pmtu(80), None);
        let eth = Underlay {
            mtu: 1500,
            headroom: 14,
        };
        assert_eq!(bind(Some(eth)), (Some(1480), 34));
        assert_eq!(bind(None), (None, 116));
        let small = Underlay {
            mtu: 1000,
            headroom: 14,
        };
        assert_eq!(bind(Some(small)).0, Some(1280));
        assert!(requested_mtu_ok(1280) && requested_mtu_ok(65575));
        assert!(!requested_mtu_ok(1279));
        assert_eq!((MIN_MTU_SIT, MAX_MTU_SIT, DEFAULT_MTU), (1280, 65555, 1480));
    }

    struct Dev(Vec<[u8; 16]>, u8);

    impl DeviceAddrs for Dev {
        fn has_prefix_of(&self, addr: &[u8; 16]) -> bool {
            self.shares_prefix(addr, self.1)
        }
        fn shares_prefix(&self, addr: &[u8; 16], len: u8) -> bool {
            let bits = |a: &[u8; 16]| u128::from_be_bytes(*a) >> (128 - u32::from(len));
            self.0.iter().any(|d| bits(d) == bits(addr))
        }
    }

    #[test]
    fn spoofing() {
        let dev = Dev(std::vec![v6("2002:a00:1:1::1")], 64);
        let rx = |s6: &str, d6: &str| RxAddrs {
            saddr: B,
            daddr: A,
            saddr6: v6(s6),
            daddr6: v6(d6),
        };
        let ok = rx("2002:a00:2::1", "2002:a00:1::1");
        assert_eq!(check_spoofing(&ok, false, false, &dev), Spoofing::Accept);
        let src = rx("2002:a00:3::1", "2002:a00:1::1");
        assert_eq!(check_spoofing(&src, false, false, &dev), Spoofing::Source);
        assert_eq!(check_spoofing(&src, false, true, &dev), Spoofing::Accept);
        let dst = rx("2001:db8::1", "2002:a00:9::1");
        assert_eq!(
            check_spoofing(&dst, false, false, &dev),
            Spoofing::Destination
        );
        // Destination NATed to one of the device's /48s: accepted.
        let natted = RxAddrs {
            daddr: C,
            ..rx("2001:db8::1", "2002:a00:1:1::5")
        };
        assert_eq!(
            check_spoofing(&natted, false, false, &dev),
            Spoofing::Accept
        );
        let isatap_dev = Dev(std::vec![v6("2001:db8:1::5efe:a00:1")], 64);
        let from_host = rx("2001:db8:1::5efe:a00:2", "2001:db8:1::1");
        assert_eq!(
            check_spoofing(&from_host, true, false, &isatap_dev),
            Spoofing::AcceptIsatapHost
        );
        let wrong_v4 = rx("2001:db8:1::5efe:a00:3", "2001:db8:1::1");
        assert_eq!(
            check_spoofing(&wrong_v4, true, false, &isatap_dev),
            Spoofing::IsatapSource
        );
        let other_prefix = rx("2001:db8:2::5efe:a00:2", "2001:db8:1::1");
        assert_eq!(
            check_spoofing(&other_prefix, true, false, &isatap_dev),
            Spoofing::IsatapSource
        );
    }

    #[test]
    fn errors() {
        assert_eq!(err_action(3, 5, 0), ErrAction::Ignore);
        assert_eq!(err_action(3, 4, 0), ErrAction::UpdatePmtu);
        assert_eq!(err_action(3, 1, 9), ErrAction::Translate { data_len: 0 });
        assert_eq!(err_action(11, 0, 3), ErrAction::Translate { data_len: 12 });
        assert_eq!(err_action(11, 1, 3), ErrAction::Ignore);
        assert_eq!(err_action(5, 1, 0), ErrAction::Redirect);
        assert_eq!(err_action(12, 0, 0), ErrAction::Ignore);
        assert!(counts_error(3, A, 0));
        assert!(!counts_error(3, 0, 64));
        assert!(!counts_error(11, A, 0));
        assert!(counts_error(11, A, 5));
    }

    /// The kernel's lookup, literally: per-bucket chains by which of
    /// local and remote are set, each newest first.
    fn model(table: &[T], ifindex: i32, remote: u32, local: u32) -> Option<usize> {
        let prio = |p: &Parms| (usize::from(p.daddr != 0) << 1) | usize::from(p.saddr != 0);
        let chain = |pr: usize| table.iter().filter(move |e| prio(&e.p) == pr);
        let ok = |e: &&T| (e.p.link == 0 || e.p.link == ifindex) && e.up;
        if let Some(e) = chain(3)
            .filter(ok)
            .find(|e| e.p.saddr == local && e.p.daddr == remote)
        {
            return Some(e.id);
        }
        if let Some(e) = chain(2).filter(ok).find(|e| e.p.daddr == remote) {
            return Some(e.id);
        }
        if let Some(e) = chain(1).filter(ok).find(|e| e.p.saddr == local) {
            return Some(e.id);
        }
        chain(0).next().filter(|e| e.up).map(|e| e.id)
    }

    proptest! {
        #[test]
        fn lookup_matches_model(
            specs in proptest::collection::vec((0usize..3, 0usize..3, 0i32..3, any::<bool>()), 0..8),
            ifindex in 1i32..3, r in 0usize..3, l in 0usize..3,
        ) {
            let addrs = [0u32, A, B];
            let table: Vec<T> = specs.iter().enumerate().map(|(id, &(s, d, lk, up))| {
                let mut e = t(id, addrs[s], addrs[d], lk);
                e.up = up;
                e
            }).collect();
            let (remote, local) = (addrs[r], addrs[l]);
            let got = lookup(chains(&table), ifindex, 0, remote, local).map(|e| e.id);
            prop_assert_eq!(got, model(&table, ifindex, remote, local));
        }

        /// 6to4 addresses round-trip their IPv4 address.
        #[test]
        fn six_to_four_round_trip(v4 in any::<u32>(), rest in any::<[u8; 10]>()) {
            let mut a = [0u8; 16];
            a[0] = 0x20;
            a[1] = 0x02;
            a[2..6].copy_from_slice(&v4.to_be_bytes());
            a[6..].copy_from_slice(&rest);
            prop_assert_eq!(six_to_four(&a), Some(v4));
        }
    }
}
