// SPDX-License-Identifier: GPL-2.0

//! GRE over IPv4 (`net/ipv4/ip_gre.c`, `include/net/gre.h`): the header's
//! flags, length, building and parsing, the receive-side checksum-flag
//! and sequence checks of `ip_tunnel_rcv()`, the `IFLA_GRE_*` rules of
//! `ipgre_tunnel_validate()`, `ipgre_tap_validate()` and
//! `ipgre_netlink_parms()`, `ipgre_tunnel_ctl()`'s checks and the ICMP
//! error decision of `ipgre_err()`.
//!
//! Flags are the be16 GRE header bits in host order (`0x2000` is K).

use super::icmp;
use super::{is_multicast, Parms};

/// `GRE_CSUM`: a checksum word follows.
pub const CSUM: u16 = 0x8000;
/// `GRE_ROUTING`: routing present (refused).
pub const ROUTING: u16 = 0x4000;
/// `GRE_KEY`: a key word follows.
pub const KEY: u16 = 0x2000;
/// `GRE_SEQ`: a sequence number follows.
pub const SEQ: u16 = 0x1000;
/// `GRE_STRICT`: strict source route.
pub const STRICT: u16 = 0x0800;
/// `GRE_REC`: recursion control.
pub const REC: u16 = 0x0700;
/// `GRE_VERSION`: the version (0 for GRE).
pub const VERSION: u16 = 0x0007;
/// The bits `gre_flags_to_tnl_flags()` keeps (the others are lost on the
/// way to the kernel's tunnel flags and back).
pub const KEPT: u16 = CSUM | ROUTING | KEY | SEQ | STRICT | REC | VERSION;

/// `IPPROTO_GRE`.
pub const IPPROTO_GRE: u8 = 47;
/// `ETH_P_TEB`: transparent Ethernet bridging (gretap's payload).
pub const ETH_P_TEB: u16 = 0x6558;
/// `ETH_P_ERSPAN`: ERSPAN type II.
pub const ETH_P_ERSPAN: u16 = 0x88be;
/// `ETH_P_ERSPAN2`: ERSPAN type III.
pub const ETH_P_ERSPAN2: u16 = 0x22eb;
/// The longest GRE header without routing: base, checksum, key, sequence.
pub const MAX_HLEN: usize = 16;

/// `gre_tnl_flags_to_gre_flags(gre_flags_to_tnl_flags(flags))`: the flags
/// as the kernel keeps them.
pub const fn normalize(flags: u16) -> u16 {
    flags & KEPT
}

/// Whether flags are acceptable to GRE version 0 (no version, no
/// routing): `ipgre_tunnel_validate()`, `gre_parse_header()`.
pub const fn flags_valid(flags: u16) -> bool {
    flags & (VERSION | ROUTING) == 0
}

/// `gre_calc_hlen()`: the header length the flags make.
pub const fn hlen(flags: u16) -> u32 {
    let mut len = 4;
    if flags & CSUM != 0 {
        len += 4;
    }
    if flags & KEY != 0 {
        len += 4;
    }
    if flags & SEQ != 0 {
        len += 4;
    }
    len
}

/// A GRE header's fields (the checksum word, when present, is computed
/// over the packet by whoever sends it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The flags.
    pub flags: u16,
    /// The payload's EtherType.
    pub proto: u16,
    /// The key (with `KEY`).
    pub key: u32,
    /// The sequence number (with `SEQ`).
    pub seq: u32,
}

impl Header {
    /// `gre_build_header()`: writes the header into the front of `buf`
    /// with a zero checksum word, returning its length.
    pub fn build(&self, buf: &mut [u8; MAX_HLEN]) -> usize {
        buf[0..2].copy_from_slice(&self.flags.to_be_bytes());
        buf[2..4].copy_from_slice(&self.proto.to_be_bytes());
        let mut at = 4;
        if self.flags & CSUM != 0 {
            buf[at..at + 4].fill(0);
            at += 4;
        }
        if self.flags & KEY != 0 {
            buf[at..at + 4].copy_from_slice(&self.key.to_be_bytes());
            at += 4;
        }
        if self.flags & SEQ != 0 {
            buf[at..at + 4].copy_from_slice(&self.seq.to_be_bytes());
            at += 4;
        }
        at
    }

    /// The fields of a GRE version 0 header at the front of `bytes` and
    /// its length, as `gre_parse_header()` reads them (without the
    /// checksum verification); `None` for a version or routing bit or a
    /// header longer than `bytes`.
    pub fn parse(bytes: &[u8]) -> Option<(Header, usize)> {
        let word = |at: usize| -> Option<u32> {
            let b = bytes.get(at..at + 4)?;
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let base = word(0)?;
        let flags = (base >> 16) as u16;
        if !flags_valid(flags) {
            return None;
        }
        let len = hlen(flags) as usize;
        if bytes.len() < len {
            return None;
        }
        let mut at = 4;
        if flags & CSUM != 0 {
            at += 4;
        }
        let mut key = 0;
        if flags & KEY != 0 {
            key = word(at)?;
            at += 4;
        }
        let seq = if flags & SEQ != 0 { word(at)? } else { 0 };
        let h = Header {
            flags,
            proto: base as u16,
            key,
            seq,
        };
        Some((h, len))
    }
}

/// What `ip_tunnel_rcv()` makes of a GRE packet's flags on a tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RxCheck {
    /// Accepted; the tunnel's next expected sequence number, if it
    /// checks them.
    Accept(Option<u32>),
    /// The checksum flag differs from the tunnel's `icsum`
    /// (rx_crc_errors).
    CsumMismatch,
    /// No sequence number, or an old one, on an `iseq` tunnel
    /// (rx_fifo_errors).
    BadSequence,
}

/// `ip_tunnel_rcv()`'s checks of a packet with `flags` and `seq` on a
/// tunnel with `i_flags` expecting sequence number `i_seqno` (0: any).
pub fn rx_check(i_flags: u16, i_seqno: u32, flags: u16, seq: u32) -> RxCheck {
    if (i_flags & CSUM != 0) != (flags & CSUM != 0) {
        return RxCheck::CsumMismatch;
    }
    if i_flags & SEQ == 0 {
        return RxCheck::Accept(None);
    }
    if flags & SEQ == 0 || (i_seqno != 0 && (seq.wrapping_sub(i_seqno) as i32) < 0) {
        return RxCheck::BadSequence;
    }
    RxCheck::Accept(Some(seq.wrapping_add(1)))
}

/// The `IFLA_GRE_*` attributes of a request, as given.
#[derive(Clone, Copy, Debug, Default)]
pub struct Attrs {
    /// `IFLA_GRE_LINK`.
    pub link: Option<u32>,
    /// `IFLA_GRE_IFLAGS`.
    pub iflags: Option<u16>,
    /// `IFLA_GRE_OFLAGS`.
    pub oflags: Option<u16>,
    /// `IFLA_GRE_IKEY` (host order).
    pub ikey: Option<u32>,
    /// `IFLA_GRE_OKEY` (host order).
    pub okey: Option<u32>,
    /// `IFLA_GRE_LOCAL`.
    pub local: Option<u32>,
    /// `IFLA_GRE_REMOTE`.
    pub remote: Option<u32>,
    /// `IFLA_GRE_TTL`.
    pub ttl: Option<u8>,
    /// `IFLA_GRE_TOS`.
    pub tos: Option<u8>,
    /// `IFLA_GRE_PMTUDISC`.
    pub pmtudisc: Option<u8>,
    /// `IFLA_GRE_IGNORE_DF`.
    pub ignore_df: Option<u8>,
    /// `IFLA_GRE_COLLECT_METADATA` present.
    pub collect_md: bool,
    /// `IFLA_GRE_ENCAP_TYPE`.
    pub encap_type: Option<u16>,
}

/// `ipgre_tunnel_validate()`: no version or routing bit, no collect_md
/// with an encapsulation (`EINVAL`).
pub fn validate(a: &Attrs) -> bool {
    let flags = a.iflags.unwrap_or(0) | a.oflags.unwrap_or(0);
    flags_valid(flags) && !(a.collect_md && a.encap_type.is_some_and(|t| t != 0))
}

/// `ipgre_tap_validate()`'s own rule before gre's: a given remote is not
/// 0.0.0.0 (`EINVAL`).
pub fn tap_validate(a: &Attrs) -> bool {
    a.remote != Some(0) && validate(a)
}

/// A gre request's parameters (`ipgre_netlink_parms()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// The tunnel parameters.
    pub parms: Parms,
    /// `ignore-df`.
    pub ignore_df: bool,
    /// `external`.
    pub collect_md: bool,
}

/// `ipgre_netlink_parms()`: the parameters `a` describes for a tunnel
/// whose `ignore_df` is now `ignore_df` (false for a new one); `None`
/// where it answers `EINVAL` (path MTU discovery with `ignore-df`).
/// Unlike ipip, a TTL does not force DF.
pub fn netlink_parms(a: Option<&Attrs>, ignore_df: bool) -> Option<Request> {
    let mut r = Request {
        parms: Parms {
            protocol: IPPROTO_GRE,
            ..Parms::default()
        },
        ignore_df,
        collect_md: false,
    };
    let Some(a) = a else {
        return Some(r);
    };
    let p = &mut r.parms;
    if let Some(link) = a.link {
        p.link = link as i32;
    }
    if let Some(f) = a.iflags {
        p.i_flags = normalize(f);
    }
    if let Some(f) = a.oflags {
        p.o_flags = normalize(f);
    }
    if let Some(k) = a.ikey {
        p.i_key = k;
    }
    if let Some(k) = a.okey {
        p.o_key = k;
    }
    if let Some(l) = a.local {
        p.saddr = l;
    }
    if let Some(r) = a.remote {
        p.daddr = r;
    }
    if let Some(ttl) = a.ttl {
        p.ttl = ttl;
    }
    if let Some(tos) = a.tos {
        p.tos = tos;
    }
    if a.pmtudisc != Some(0) {
        if ignore_df {
            return None;
        }
        p.df = true;
    }
    r.collect_md = a.collect_md;
    if let Some(v) = a.ignore_df {
        if v != 0 && r.parms.df {
            return None;
        }
        r.ignore_df = v != 0;
    }
    Some(r)
}

/// `ipgre_tunnel_ctl()`'s check of an add or change request: an IPv4 GRE
/// template with only DF in `frag_off` and no version or routing bits.
pub fn ioctl_valid(iph: super::IoctlIph, protocol: u8, i_flags: u16, o_flags: u16) -> bool {
    iph.version == 4
        && protocol == IPPROTO_GRE
        && iph.ihl == 5
        && iph.frag_off & !super::IP_DF == 0
        && flags_valid(i_flags | o_flags)
}

/// Whether `ipgre_link_update()` (and `__gre_tunnel_init()`) leave GSO
/// on: not with output sequence numbers (no encapsulation exists here to
/// forbid it with checksums).
pub const fn gso_allowed(o_flags: u16) -> bool {
    o_flags & SEQ == 0
}

/// Whether `ipgre_err()` goes on with an ICMP error of `kind`/`code`
/// about a tunnel packet (fragmentation needed and redirects were taken
/// by `gre_err()` already).
pub fn err_relevant(kind: u8, code: u8) -> bool {
    match kind {
        icmp::DEST_UNREACH => code != icmp::SR_FAILED && code != icmp::PORT_UNREACH,
        icmp::REDIRECT => true,
        icmp::TIME_EXCEEDED => code == icmp::EXC_TTL,
        _ => false,
    }
}

/// Whether `ipgre_err()` counts a relevant error of `kind` on a tunnel
/// with remote `daddr` and TTL `ttl` (link failures reported for a
/// while): not on NBMA or multicast tunnels, nor TTL expiry with an
/// inherited TTL.
pub fn err_counts(kind: u8, daddr: u32, ttl: u8) -> bool {
    if daddr == 0 || is_multicast(daddr) {
        return false;
    }
    !(ttl == 0 && kind == icmp::TIME_EXCEEDED)
}

/// The outer IPv4 header's length.
const IPV4_HLEN: usize = 20;

/// What the link-layer header of an NBMA gre device (`ipgre_header_ops`)
/// carries: a copy of the tunnel's outer IPv4 header with the addresses
/// the neighbour entry (or the sender) gave, which `ipgre_xmit()` then
/// takes as the tunnel parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkHeader {
    /// Outer source (0: any).
    pub saddr: u32,
    /// Outer destination (0: none given).
    pub daddr: u32,
    /// Outer TOS (bit 0: inherit).
    pub tos: u8,
    /// Outer TTL (0: inherit).
    pub ttl: u8,
    /// `IP_DF`.
    pub df: bool,
}

impl LinkHeader {
    /// The header of a tunnel with parameters `p`, addressed `saddr` and
    /// `daddr` where given (`ipgre_header()`).
    pub fn new(p: &Parms, saddr: Option<u32>, daddr: Option<u32>) -> LinkHeader {
        LinkHeader {
            saddr: saddr.unwrap_or(p.saddr),
            daddr: daddr.unwrap_or(p.daddr),
            tos: p.tos,
            ttl: p.ttl,
            df: p.df,
        }
    }

    /// Its length on a tunnel sending flags `o_flags`: the IPv4 header
    /// and the GRE header (`tunnel->hlen + sizeof(struct iphdr)`).
    pub const fn len(o_flags: u16) -> usize {
        IPV4_HLEN + hlen(o_flags) as usize
    }

    /// Writes it into `buf` (of [`Self::len`] bytes): the IPv4 header, then
    /// the GRE base header with flags `o_flags` and payload protocol
    /// `proto` (the rest of the GRE header is written on transmit).
    pub fn build(&self, o_flags: u16, proto: u16, buf: &mut [u8]) {
        buf.fill(0);
        buf[0] = 0x45;
        buf[1] = self.tos;
        if self.df {
            buf[6] = 0x40;
        }
        buf[8] = self.ttl;
        buf[9] = IPPROTO_GRE;
        buf[12..16].copy_from_slice(&self.saddr.to_be_bytes());
        buf[16..20].copy_from_slice(&self.daddr.to_be_bytes());
        buf[20..22].copy_from_slice(&o_flags.to_be_bytes());
        buf[22..24].copy_from_slice(&proto.to_be_bytes());
    }

    /// Reads the header at the front of `bytes` (`tnl_params = skb->data`
    /// in `ipgre_xmit()`); `None` if it is shorter than an IPv4 header.
    pub fn parse(bytes: &[u8]) -> Option<LinkHeader> {
        let b = bytes.get(..IPV4_HLEN)?;
        let addr = |at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        Some(LinkHeader {
            saddr: addr(12),
            daddr: addr(16),
            tos: b[1],
            ttl: b[8],
            df: b[6] & 0x40 != 0,
        })
    }

    /// The source address `ipgre_header_parse()` reports of a received
    /// packet whose link-layer header is its outer IPv4 header.
    pub fn source(outer: &[u8]) -> Option<[u8; 4]> {
        outer.get(12..16)?.try_into().ok()
    }

    /// The tunnel parameters `p` with this header's addresses, TOS, TTL
    /// and DF, as `ip_tunnel_xmit()` reads `tnl_params`.
    pub fn apply(&self, p: &Parms) -> Parms {
        Parms {
            saddr: self.saddr,
            daddr: self.daddr,
            tos: self.tos,
            ttl: self.ttl,
            df: self.df,
            ..*p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nbma_link_header() {
        let p = Parms {
            saddr: 0x0a00_0001,
            ttl: 9,
            tos: 0x10,
            df: true,
            o_flags: KEY,
            ..Parms::default()
        };
        assert_eq!(LinkHeader::len(p.o_flags), 28);
        let h = LinkHeader::new(&p, None, Some(0x0a00_0003));
        let mut buf = [0xffu8; 28];
        h.build(p.o_flags, 0x0800, &mut buf);
        assert_eq!(
            buf[..24],
            [
                0x45, 0x10, 0, 0, 0, 0, 0x40, 0, 9, 47, 0, 0, 10, 0, 0, 1, 10, 0, 0, 3, 0x20, 0, 8,
                0
            ]
        );
        assert_eq!(LinkHeader::parse(&buf), Some(h));
        assert_eq!(LinkHeader::source(&buf), Some([10, 0, 0, 1]));
        let q = h.apply(&p);
        assert_eq!(
            (q.saddr, q.daddr, q.o_flags),
            (0x0a00_0001, 0x0a00_0003, KEY)
        );
        // No neighbour address: the tunnel's (none, for NBMA).
        assert_eq!(LinkHeader::new(&p, None, None).daddr, 0);
        assert_eq!(LinkHeader::parse(&buf[..19]), None);
    }

    #[test]
    fn lengths() {
        assert_eq!(hlen(0), 4);
        assert_eq!(hlen(KEY), 8);
        assert_eq!(hlen(KEY | CSUM), 12);
        assert_eq!(hlen(KEY | CSUM | SEQ), 16);
        assert_eq!(hlen(STRICT | REC), 4);
    }

    #[test]
    fn bytes_on_the_wire() {
        let h = Header {
            flags: CSUM | KEY | SEQ,
            proto: 0x0800,
            key: 0x0102_0304,
            seq: 7,
        };
        let mut buf = [0xffu8; MAX_HLEN];
        assert_eq!(h.build(&mut buf), 16);
        assert_eq!(buf, [0xb0, 0, 8, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 7]);
        let short = Header {
            flags: KEY,
            proto: ETH_P_TEB,
            key: 42,
            seq: 0,
        };
        assert_eq!(short.build(&mut buf), 8);
        assert_eq!(buf[..8], [0x20, 0, 0x65, 0x58, 0, 0, 0, 42]);
        assert_eq!(Header::parse(&buf[..7]), None);
        assert_eq!(Header::parse(&[0x40, 0, 8, 0]), None, "routing");
        assert_eq!(Header::parse(&[0, 1, 8, 0]), None, "version 1");
    }

    #[test]
    fn receive_checks() {
        assert_eq!(rx_check(0, 0, 0, 0), RxCheck::Accept(None));
        assert_eq!(rx_check(CSUM, 0, 0, 0), RxCheck::CsumMismatch);
        assert_eq!(rx_check(0, 0, CSUM, 0), RxCheck::CsumMismatch);
        assert_eq!(rx_check(SEQ, 0, 0, 0), RxCheck::BadSequence);
        assert_eq!(rx_check(SEQ, 0, SEQ, 5), RxCheck::Accept(Some(6)));
        assert_eq!(rx_check(SEQ, 6, SEQ, 5), RxCheck::BadSequence);
        assert_eq!(rx_check(SEQ, 6, SEQ, 6), RxCheck::Accept(Some(7)));
        // Serial number arithmetic across the wrap.
        assert_eq!(rx_check(SEQ, u32::MAX, SEQ, 1), RxCheck::Accept(Some(2)));
        // Without iseq the packet's sequence number is ignored.
        assert_eq!(rx_check(0, 9, SEQ, 1), RxCheck::Accept(None));
    }

    #[test]
    fn netlink_rules() {
        let a = Attrs::default();
        let r = netlink_parms(Some(&a), false).unwrap();
        assert!(r.parms.df && r.parms.protocol == IPPROTO_GRE);
        assert!(!netlink_parms(None, false).unwrap().parms.df);
        // ignore-df needs nopmtudisc, and a tunnel with it refuses pmtudisc.
        let mut a = Attrs {
            ignore_df: Some(1),
            ..Attrs::default()
        };
        assert_eq!(netlink_parms(Some(&a), false), None);
        a.pmtudisc = Some(0);
        assert!(netlink_parms(Some(&a), false).unwrap().ignore_df);
        assert_eq!(netlink_parms(Some(&Attrs::default()), true), None);
        // A TTL does not force DF (unlike ipip).
        let a = Attrs {
            ttl: Some(9),
            pmtudisc: Some(0),
            ..Attrs::default()
        };
        assert!(!netlink_parms(Some(&a), false).unwrap().parms.df);
        // Unknown low bits are dropped, STRICT and REC kept.
        let a = Attrs {
            oflags: Some(KEY | STRICT | REC | 0x00f8),
            ..Attrs::default()
        };
        assert_eq!(
            netlink_parms(Some(&a), false).unwrap().parms.o_flags,
            KEY | STRICT | REC
        );
        assert!(!validate(&Attrs {
            iflags: Some(1),
            ..Attrs::default()
        }));
        assert!(!validate(&Attrs {
            oflags: Some(ROUTING),
            ..Attrs::default()
        }));
        assert!(!validate(&Attrs {
            collect_md: true,
            encap_type: Some(1),
            ..Attrs::default()
        }));
        assert!(!tap_validate(&Attrs {
            remote: Some(0),
            ..Attrs::default()
        }));
        assert!(tap_validate(&Attrs::default()));
    }

    #[test]
    fn icmp_errors() {
        assert!(err_relevant(icmp::DEST_UNREACH, 1));
        assert!(!err_relevant(icmp::DEST_UNREACH, icmp::PORT_UNREACH));
        assert!(!err_relevant(icmp::DEST_UNREACH, icmp::SR_FAILED));
        assert!(err_relevant(icmp::TIME_EXCEEDED, icmp::EXC_TTL));
        assert!(!err_relevant(icmp::TIME_EXCEEDED, 1));
        assert!(!err_relevant(12, 0), "parameter problem");
        assert!(err_counts(icmp::DEST_UNREACH, 1, 0));
        assert!(!err_counts(icmp::DEST_UNREACH, 0, 0), "NBMA");
        assert!(!err_counts(icmp::DEST_UNREACH, 0xe000_0001, 0));
        assert!(!err_counts(icmp::TIME_EXCEEDED, 1, 0));
        assert!(err_counts(icmp::TIME_EXCEEDED, 1, 64));
    }

    proptest! {
        #[test]
        fn build_parse_round_trip(
            flags in any::<u16>(), proto in any::<u16>(), key in any::<u32>(), seq in any::<u32>(),
        ) {
            let flags = flags & !(VERSION | ROUTING);
            let h = Header { flags, proto, key, seq };
            let mut buf = [0u8; MAX_HLEN];
            let len = h.build(&mut buf);
            prop_assert_eq!(len as u32, hlen(flags));
            let want = Header {
                key: if flags & KEY != 0 { key } else { 0 },
                seq: if flags & SEQ != 0 { seq } else { 0 },
                ..h
            };
            prop_assert_eq!(Header::parse(&buf[..len]), Some((want, len)));
            prop_assert_eq!(Header::parse(&buf[..len - 1]), None);
        }

        #[test]
        fn parse_refuses_version_and_routing(bytes in proptest::collection::vec(any::<u8>(), 4..20)) {
            let flags = u16::from_be_bytes([bytes[0], bytes[1]]);
            if let Some((h, len)) = Header::parse(&bytes) {
                prop_assert!(flags_valid(flags));
                prop_assert_eq!(len as u32, hlen(flags));
                let mut buf = [0u8; MAX_HLEN];
                prop_assert_eq!(h.build(&mut buf), len);
            } else {
                prop_assert!(!flags_valid(flags) || bytes.len() < hlen(flags) as usize);
            }
        }
    }
}
