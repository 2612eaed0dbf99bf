// SPDX-License-Identifier: GPL-2.0

//! Transmit hashing and slave selection, as `bond_main.c` does it:
//! `bond_xmit_hash()` for every `xmit_hash_policy`, the xor/802.3ad slave
//! pick and balance-rr's slave id generation.
//!
//! The hash is computed on a linear frame (a byte slice starting at the
//! Ethernet header) plus the few facts of the `sk_buff` the kernel looks at
//! ([`SkbMeta`]). Like the kernel, the result depends on the host's byte
//! order: addresses and ports are loaded as native-endian 32-bit words
//! (`memcpy(&hash, &flow.ports.ports, sizeof(hash))`, `(__force u32)` of a
//! `__be32`), so a frame hashes to the same value as the kernel on the same
//! CPU.
//!
//! For the `encap2+3` and `encap3+4` policies, the kernel runs the flow
//! dissector (`__skb_flow_dissect()` with the bonding key set and no flags);
//! [`bond_xmit_hash`] follows it through 802.1Q/802.1ad tags (hardware
//! accelerated or in the frame), PPPoE sessions, HSR/PRP tags,
//! batman-adv unicast, IPv4 and IPv6 (with hop-by-hop, routing, destination
//! and fragment extension headers), IPIP, IPv6-in-IP, MPLS-in-IP and GRE
//! (version 0 with IP or transparent Ethernet payload, version 1 PPTP), and
//! it reads the ports (TCP, UDP, DCCP, ESP, SCTP, UDP-Lite, AH) and ICMP
//! type/code/identifier the way the kernel does. MPLS, ARP, RARP, FCoE,
//! PTP, CFM and TIPC end the dissection as the kernel ends it. Not
//! reproduced: a BPF flow dissector attached to the namespace (it replaces
//! the whole dissection in the kernel) and DSA tag handling (only when the
//! kernel passes no data pointer, which bonding never does).

use super::super::ether::{ETH_ALEN, ETH_P_8021AD, ETH_P_8021Q};

/// `BOND_XMIT_POLICY_LAYER2`: MAC addresses and EtherType.
pub const BOND_XMIT_POLICY_LAYER2: u8 = 0;
/// `BOND_XMIT_POLICY_LAYER34`: IP addresses and ports.
pub const BOND_XMIT_POLICY_LAYER34: u8 = 1;
/// `BOND_XMIT_POLICY_LAYER23`: MAC and IP addresses.
pub const BOND_XMIT_POLICY_LAYER23: u8 = 2;
/// `BOND_XMIT_POLICY_ENCAP23`: layer 2+3 of the innermost headers.
pub const BOND_XMIT_POLICY_ENCAP23: u8 = 3;
/// `BOND_XMIT_POLICY_ENCAP34`: layer 3+4 of the innermost headers.
pub const BOND_XMIT_POLICY_ENCAP34: u8 = 4;
/// `BOND_XMIT_POLICY_VLAN_SRCMAC`: VLAN id and source MAC.
pub const BOND_XMIT_POLICY_VLAN_SRCMAC: u8 = 5;

const ETH_HLEN: usize = 14;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86dd;
const ETH_P_ARP: u16 = 0x0806;
const ETH_P_RARP: u16 = 0x8035;
const ETH_P_BATMAN: u16 = 0x4305;
const ETH_P_TEB: u16 = 0x6558;
const ETH_P_MPLS_UC: u16 = 0x8847;
const ETH_P_MPLS_MC: u16 = 0x8848;
const ETH_P_PPP_SES: u16 = 0x8864;
const ETH_P_TIPC: u16 = 0x88ca;
const ETH_P_1588: u16 = 0x88f7;
const ETH_P_PRP: u16 = 0x88fb;
const ETH_P_CFM: u16 = 0x8902;
const ETH_P_FCOE: u16 = 0x8906;
const ETH_P_HSR: u16 = 0x892f;

const IPPROTO_HOPOPTS: u8 = 0;
const IPPROTO_ICMP: u8 = 1;
const IPPROTO_IGMP: u8 = 2;
const IPPROTO_IPIP: u8 = 4;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_DCCP: u8 = 33;
const IPPROTO_IPV6: u8 = 41;
const IPPROTO_ROUTING: u8 = 43;
const IPPROTO_FRAGMENT: u8 = 44;
const IPPROTO_GRE: u8 = 47;
const IPPROTO_ESP: u8 = 50;
const IPPROTO_AH: u8 = 51;
const IPPROTO_ICMPV6: u8 = 58;
const IPPROTO_DSTOPTS: u8 = 60;
const IPPROTO_SCTP: u8 = 132;
const IPPROTO_UDPLITE: u8 = 136;
const IPPROTO_MPLS: u8 = 137;

/// `MAX_FLOW_DISSECT_HDRS`.
const MAX_FLOW_DISSECT_HDRS: u32 = 15;

/// A transmit hash policy (`xmit_hash_policy`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum XmitHashPolicy {
    /// `layer2`.
    Layer2,
    /// `layer3+4`.
    Layer34,
    /// `layer2+3`.
    Layer23,
    /// `encap2+3`.
    Encap23,
    /// `encap3+4`.
    Encap34,
    /// `vlan+srcmac`.
    VlanSrcMac,
}

impl XmitHashPolicy {
    /// The policy with a `BOND_XMIT_POLICY_*` value.
    pub fn from_value(value: u64) -> Option<XmitHashPolicy> {
        match value {
            0 => Some(XmitHashPolicy::Layer2),
            1 => Some(XmitHashPolicy::Layer34),
            2 => Some(XmitHashPolicy::Layer23),
            3 => Some(XmitHashPolicy::Encap23),
            4 => Some(XmitHashPolicy::Encap34),
            5 => Some(XmitHashPolicy::VlanSrcMac),
            _ => None,
        }
    }

    /// The `BOND_XMIT_POLICY_*` value.
    pub fn value(self) -> u8 {
        match self {
            XmitHashPolicy::Layer2 => BOND_XMIT_POLICY_LAYER2,
            XmitHashPolicy::Layer34 => BOND_XMIT_POLICY_LAYER34,
            XmitHashPolicy::Layer23 => BOND_XMIT_POLICY_LAYER23,
            XmitHashPolicy::Encap23 => BOND_XMIT_POLICY_ENCAP23,
            XmitHashPolicy::Encap34 => BOND_XMIT_POLICY_ENCAP34,
            XmitHashPolicy::VlanSrcMac => BOND_XMIT_POLICY_VLAN_SRCMAC,
        }
    }
}

/// What `bond_xmit_hash()` reads of the `sk_buff` besides its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SkbMeta {
    /// `skb->protocol`, in host byte order.
    pub protocol: u16,
    /// `skb_network_offset(skb)`: where the network header starts.
    pub network_offset: usize,
    /// The hardware-accelerated VLAN TCI, when `skb_vlan_tag_present()`.
    pub vlan_tci: Option<u16>,
    /// `skb->hash` when `skb->l4_hash` is set.
    pub l4_hash: Option<u32>,
    /// The random key the flow dissector draws for a TIPC keepalive
    /// message (`get_random_bytes()`), as a native-endian word.
    pub random: u32,
}

impl SkbMeta {
    /// The facts of an untagged skb whose protocol is the frame's
    /// EtherType and whose network header follows the Ethernet header.
    pub fn for_frame(frame: &[u8]) -> SkbMeta {
        SkbMeta {
            protocol: be16(frame, 2 * ETH_ALEN).unwrap_or(0),
            network_offset: ETH_HLEN,
            vlan_tci: None,
            l4_hash: None,
            random: 0,
        }
    }
}

fn be16(f: &[u8], at: usize) -> Option<u16> {
    let b = f.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

fn be32(f: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes4(f, at)?))
}

fn bytes4(f: &[u8], at: usize) -> Option<[u8; 4]> {
    f.get(at..at.checked_add(4)?)?.try_into().ok()
}

fn bytes16(f: &[u8], at: usize) -> Option<[u8; 16]> {
    f.get(at..at.checked_add(16)?)?.try_into().ok()
}

fn byte(f: &[u8], at: usize) -> Option<u8> {
    f.get(at).copied()
}

/// Whether `len` bytes are readable at `at` (`__skb_header_pointer()`).
fn has(f: &[u8], at: usize, len: usize) -> bool {
    at.checked_add(len).is_some_and(|end| end <= f.len())
}

/// `flow_keys.control.addr_type`, as far as the hash reads it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum AddrType {
    #[default]
    None,
    V4,
    V6,
    Tipc,
}

/// The parts of `struct flow_keys` the bond hash reads.
#[derive(Clone, Copy, Debug, Default)]
struct Flow {
    addr_type: AddrType,
    /// IPv4 source and destination, or the TIPC key in the first word.
    v4: [[u8; 4]; 2],
    v6: [[u8; 16]; 2],
    tipc: [u8; 4],
    /// `ports.ports`: source then destination port, network order.
    ports: [u8; 4],
    icmp_type: u8,
    icmp_code: u8,
    icmp_id: u16,
}

/// `ipv6_addr_hash()`: the XOR of the four native-endian words (both the
/// 64-bit and the 32-bit variant compute this).
fn ipv6_addr_hash(a: &[u8; 16]) -> u32 {
    a.chunks_exact(4).fold(0, |h, w| {
        h ^ u32::from_ne_bytes(w.try_into().unwrap_or([0; 4]))
    })
}

impl Flow {
    /// `flow_get_u32_src()`.
    fn u32_src(&self) -> u32 {
        match self.addr_type {
            AddrType::V4 => u32::from_ne_bytes(self.v4[0]),
            AddrType::V6 => ipv6_addr_hash(&self.v6[0]),
            AddrType::Tipc => u32::from_ne_bytes(self.tipc),
            AddrType::None => 0,
        }
    }

    /// `flow_get_u32_dst()` (a TIPC key has no destination: 0).
    fn u32_dst(&self) -> u32 {
        match self.addr_type {
            AddrType::V4 => u32::from_ne_bytes(self.v4[1]),
            AddrType::V6 => ipv6_addr_hash(&self.v6[1]),
            AddrType::Tipc | AddrType::None => 0,
        }
    }

    /// `memcpy(&hash, &flow.icmp, sizeof(hash))`.
    fn icmp_word(&self) -> u32 {
        let id = self.icmp_id.to_ne_bytes();
        u32::from_ne_bytes([self.icmp_type, self.icmp_code, id[0], id[1]])
    }

    /// `iph_to_flow_copy_v4addrs()`, from an IPv4 header at `at`.
    fn copy_v4(&mut self, f: &[u8], at: usize) -> Option<()> {
        self.v4 = [bytes4(f, at + 12)?, bytes4(f, at + 16)?];
        self.addr_type = AddrType::V4;
        Some(())
    }

    /// `iph_to_flow_copy_v6addrs()`, from an IPv6 header at `at`.
    fn copy_v6(&mut self, f: &[u8], at: usize) -> Option<()> {
        self.v6 = [bytes16(f, at + 8)?, bytes16(f, at + 24)?];
        self.addr_type = AddrType::V6;
        Some(())
    }
}

/// `proto_ports_offset()`.
fn proto_ports_offset(ip_proto: u8) -> Option<usize> {
    match ip_proto {
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_DCCP | IPPROTO_ESP | IPPROTO_SCTP | IPPROTO_UDPLITE => {
            Some(0)
        }
        IPPROTO_AH => Some(4),
        _ => None,
    }
}

/// `skb_flow_get_ports()`: the raw 4 bytes at the ports offset, or zero.
fn get_ports(f: &[u8], thoff: usize, ip_proto: u8) -> [u8; 4] {
    proto_ports_offset(ip_proto)
        .and_then(|poff| bytes4(f, thoff.checked_add(poff)?))
        .unwrap_or([0; 4])
}

/// `icmp_has_id()` (it does not look at whether the header is ICMP or
/// ICMPv6).
fn icmp_has_id(t: u8) -> bool {
    matches!(t, 0 | 8 | 13 | 14 | 128 | 129)
}

/// `skb_flow_get_icmp_tci()`: needs a whole 8-byte `struct icmphdr`.
fn get_icmp_tci(f: &[u8], fk: &mut Flow, thoff: usize) {
    if !has(f, thoff, 8) {
        return;
    }
    fk.icmp_type = byte(f, thoff).unwrap_or(0);
    fk.icmp_code = byte(f, thoff + 1).unwrap_or(0);
    fk.icmp_id = if icmp_has_id(fk.icmp_type) {
        match be16(f, thoff + 4).unwrap_or(0) {
            0 => 1,
            id => id,
        }
    } else {
        0
    };
}

/// `icmp_is_err()`.
fn icmp_is_err(t: u8) -> bool {
    matches!(t, 3 | 4 | 5 | 11 | 12)
}

/// `icmpv6_is_err()`.
fn icmpv6_is_err(t: u8) -> bool {
    matches!(t, 1..=4)
}

/// `bond_eth_hash()` (with `mhoff` 0).
fn eth_hash(f: &[u8]) -> u32 {
    if f.len() < ETH_HLEN {
        return 0;
    }
    let d5 = byte(f, 5).unwrap_or(0);
    let s5 = byte(f, 11).unwrap_or(0);
    u32::from(d5 ^ s5) ^ u32::from(be16(f, 12).unwrap_or(0))
}

/// `bond_vlan_srcmac_hash()`.
fn vlan_srcmac_hash(f: &[u8], vlan_tci: Option<u16>) -> u32 {
    let Some(src) = f.get(ETH_ALEN..2 * ETH_ALEN) else {
        return 0;
    };
    if f.len() < ETH_HLEN {
        return 0;
    }
    let word = |b: &[u8]| b.iter().fold(0u32, |w, &x| (w << 8) | u32::from(x));
    let vendor = word(src.get(..3).unwrap_or(&[]));
    let dev = word(src.get(3..).unwrap_or(&[]));
    u32::from(vlan_tci.unwrap_or(0)) ^ vendor ^ dev
}

/// `bond_flow_ip()`: `ip_proto` is -1 until known (`None`).
fn flow_ip(
    f: &[u8],
    fk: &mut Flow,
    l2_proto: u16,
    nhoff: &mut usize,
    ip_proto: &mut Option<u8>,
    l34: bool,
) -> bool {
    let at = *nhoff;
    if l2_proto == ETH_P_IP {
        if !has(f, at, 20) || fk.copy_v4(f, at).is_none() {
            return false;
        }
        let ihl = usize::from(byte(f, at).unwrap_or(0) & 0xf);
        *nhoff = at + (ihl << 2);
        // ip_is_fragment(): IP_MF | IP_OFFSET.
        if be16(f, at + 6).unwrap_or(0) & 0x3fff == 0 {
            *ip_proto = byte(f, at + 9);
        }
    } else if l2_proto == ETH_P_IPV6 {
        if !has(f, at, 40) || fk.copy_v6(f, at).is_none() {
            return false;
        }
        *nhoff = at + 40;
        *ip_proto = byte(f, at + 6);
    } else {
        return false;
    }
    if let (true, Some(p)) = (l34, *ip_proto) {
        fk.ports = get_ports(f, *nhoff, p);
    }
    true
}

/// `bond_flow_dissect()` for the layer2+3 and layer3+4 policies: fills
/// `fk` (zeroed) and tells whether the frame could be dissected.
fn flow_dissect_plain(f: &[u8], fk: &mut Flow, l34: bool, l2_proto: u16, nhoff: usize) -> bool {
    let mut nhoff = nhoff;
    let mut ip_proto = None;
    if !flow_ip(f, fk, l2_proto, &mut nhoff, &mut ip_proto, l34) {
        return false;
    }
    // ICMP errors carry the start of the offending packet: hash on it.
    let is_err = match ip_proto {
        Some(IPPROTO_ICMP) => {
            get_icmp_tci(f, fk, nhoff);
            icmp_is_err(fk.icmp_type)
        }
        Some(IPPROTO_ICMPV6) => {
            get_icmp_tci(f, fk, nhoff);
            icmpv6_is_err(fk.icmp_type)
        }
        _ => return true,
    };
    if !is_err {
        return true;
    }
    let Some(mut nhoff) = nhoff.checked_add(8) else {
        return false;
    };
    flow_ip(f, fk, l2_proto, &mut nhoff, &mut ip_proto, l34)
}

/// What one step of the flow dissector asks for next (`enum
/// flow_dissect_ret`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ret {
    OutGood,
    OutBad,
    ProtoAgain,
    IpProtoAgain,
    Continue,
}

/// State of `__skb_flow_dissect()` with the bonding keys.
struct Dissector<'a> {
    f: &'a [u8],
    meta: Option<&'a SkbMeta>,
    fk: &'a mut Flow,
    proto: u16,
    nhoff: usize,
    ip_proto: u8,
    /// 0: no VLAN seen yet, 1: `FLOW_DISSECTOR_KEY_VLAN`, 2: `..._CVLAN`.
    vlan_depth: u8,
    fragment: bool,
}

impl Dissector<'_> {
    fn advance(&mut self, n: usize) -> bool {
        match self.nhoff.checked_add(n) {
            Some(v) => {
                self.nhoff = v;
                true
            }
            None => false,
        }
    }

    /// The network-protocol switch of `__skb_flow_dissect()`.
    fn l3(&mut self) -> Ret {
        let f = self.f;
        let at = self.nhoff;
        match self.proto {
            ETH_P_IP => {
                let ihl = usize::from(byte(f, at).unwrap_or(0) & 0xf);
                if !has(f, at, 20) || ihl < 5 {
                    return Ret::OutBad;
                }
                self.nhoff = at + ihl * 4;
                self.ip_proto = byte(f, at + 9).unwrap_or(0);
                if self.fk.copy_v4(f, at).is_none() {
                    return Ret::OutBad;
                }
                if be16(f, at + 6).unwrap_or(0) & 0x3fff != 0 {
                    // Later fragments, and first ones without
                    // FLOW_DISSECTOR_F_PARSE_1ST_FRAG, stop here.
                    self.fragment = true;
                    return Ret::OutGood;
                }
                Ret::Continue
            }
            ETH_P_IPV6 => {
                if !has(f, at, 40) || self.fk.copy_v6(f, at).is_none() {
                    return Ret::OutBad;
                }
                self.ip_proto = byte(f, at + 6).unwrap_or(0);
                self.nhoff = at + 40;
                Ret::Continue
            }
            ETH_P_8021Q | ETH_P_8021AD => {
                let accel = self.meta.filter(|m| m.vlan_tci.is_some());
                match (self.vlan_depth, accel) {
                    (0, Some(m)) => self.proto = m.protocol,
                    _ => {
                        let Some(inner) = be16(f, at.wrapping_add(2)).filter(|_| has(f, at, 4))
                        else {
                            return Ret::OutBad;
                        };
                        self.proto = inner;
                        self.nhoff = at + 4;
                    }
                }
                if self.vlan_depth < 2 {
                    self.vlan_depth += 1;
                }
                Ret::ProtoAgain
            }
            ETH_P_PPP_SES => {
                if !has(f, at, 8) {
                    return Ret::OutBad;
                }
                // ver == 1, type == 1 (one byte), code == 0.
                if byte(f, at) != Some(0x11) || byte(f, at + 1) != Some(0) {
                    return Ret::OutBad;
                }
                let ppp = be16(f, at + 6).unwrap_or(0);
                self.nhoff = at + 8;
                let next = match ppp {
                    0x0021 => ETH_P_IP,
                    0x0057 => ETH_P_IPV6,
                    0x0281 => ETH_P_MPLS_UC,
                    0x0283 => ETH_P_MPLS_MC,
                    p if p & 0x0101 == 0x0001 => return Ret::OutGood,
                    _ => return Ret::OutBad,
                };
                self.proto = next;
                Ret::ProtoAgain
            }
            ETH_P_TIPC => {
                // struct tipc_basic_hdr: four 32-bit words.
                if !has(f, at, 16) {
                    return Ret::OutBad;
                }
                let (Some(w0), Some(w3)) = (be32(f, at), bytes4(f, at + 12)) else {
                    return Ret::OutBad;
                };
                const KEEPALIVE_MSG_MASK: u32 = 0x0e08_0000;
                self.fk.tipc = if w0 & KEEPALIVE_MSG_MASK == KEEPALIVE_MSG_MASK {
                    self.meta.map_or(0, |m| m.random).to_ne_bytes()
                } else {
                    w3
                };
                self.fk.addr_type = AddrType::Tipc;
                Ret::OutGood
            }
            ETH_P_MPLS_UC | ETH_P_MPLS_MC => {
                // The bonding keys have no MPLS key: done.
                self.advance(4);
                Ret::OutGood
            }
            ETH_P_FCOE => {
                const FCOE_HEADER_LEN: usize = 38;
                if !has(f, at, FCOE_HEADER_LEN) {
                    return Ret::OutBad;
                }
                self.nhoff = at + FCOE_HEADER_LEN;
                Ret::OutGood
            }
            ETH_P_ARP | ETH_P_RARP | ETH_P_CFM => Ret::OutGood,
            ETH_P_BATMAN => {
                // struct batadv_unicast_packet (10) + struct ethhdr (14).
                if !has(f, at, 24) {
                    return Ret::OutBad;
                }
                if byte(f, at + 1) != Some(15) || byte(f, at) != Some(0x40) {
                    return Ret::OutBad;
                }
                self.proto = be16(f, at + 22).unwrap_or(0);
                self.nhoff = at + 24;
                Ret::ProtoAgain
            }
            ETH_P_1588 => {
                if !has(f, at, 34) {
                    return Ret::OutBad;
                }
                self.nhoff = at + 34;
                Ret::OutGood
            }
            ETH_P_PRP | ETH_P_HSR => {
                let Some(p) = be16(f, at.wrapping_add(4)).filter(|_| has(f, at, 6)) else {
                    return Ret::OutBad;
                };
                self.proto = p;
                self.nhoff = at + 6;
                Ret::ProtoAgain
            }
            _ => Ret::OutBad,
        }
    }

    /// `__skb_flow_dissect_gre()` with no flags.
    fn gre(&mut self) -> Ret {
        const GRE_CSUM: u16 = 0x8000;
        const GRE_ROUTING: u16 = 0x4000;
        const GRE_KEY: u16 = 0x2000;
        const GRE_SEQ: u16 = 0x1000;
        const GRE_ACK: u16 = 0x0080;
        const GRE_VERSION: u16 = 0x0007;
        const GRE_PROTO_PPP: u16 = 0x880b;
        let f = self.f;
        let at = self.nhoff;
        let (Some(flags), Some(proto)) = (be16(f, at), be16(f, at.wrapping_add(2))) else {
            return Ret::OutBad;
        };
        if flags & GRE_ROUTING != 0 {
            return Ret::OutGood;
        }
        let ver = flags & GRE_VERSION;
        if ver > 1 {
            return Ret::OutGood;
        }
        self.proto = proto;
        if ver == 1 && !(proto == GRE_PROTO_PPP && flags & GRE_KEY != 0) {
            return Ret::OutGood;
        }
        let mut offset = 4;
        if flags & GRE_CSUM != 0 {
            offset += 4;
        }
        if flags & GRE_KEY != 0 {
            if !has(f, at + offset, 4) {
                return Ret::OutBad;
            }
            offset += 4;
        }
        if flags & GRE_SEQ != 0 {
            offset += 4;
        }
        if ver == 0 {
            if self.proto == ETH_P_TEB {
                let Some(p) = be16(f, at + offset + 12).filter(|_| has(f, at + offset, 14)) else {
                    return Ret::OutBad;
                };
                self.proto = p;
                offset += 14;
            }
        } else {
            if flags & GRE_ACK != 0 {
                offset += 4;
            }
            if !has(f, at + offset, 4) {
                return Ret::OutBad;
            }
            match be16(f, at + offset + 2) {
                Some(0x0021) => self.proto = ETH_P_IP,
                Some(0x0057) => self.proto = ETH_P_IPV6,
                _ => {}
            }
            offset += 4;
        }
        self.nhoff = at + offset;
        Ret::ProtoAgain
    }

    /// The IP-protocol switch of `__skb_flow_dissect()`.
    fn l4(&mut self) -> Ret {
        let f = self.f;
        let at = self.nhoff;
        match self.ip_proto {
            IPPROTO_GRE => self.gre(),
            IPPROTO_HOPOPTS | IPPROTO_ROUTING | IPPROTO_DSTOPTS => {
                if self.proto != ETH_P_IPV6 {
                    return Ret::Continue;
                }
                let (Some(next), Some(len)) = (byte(f, at), byte(f, at.wrapping_add(1))) else {
                    return Ret::OutBad;
                };
                self.ip_proto = next;
                if !self.advance((usize::from(len) + 1) << 3) {
                    return Ret::OutBad;
                }
                Ret::IpProtoAgain
            }
            IPPROTO_FRAGMENT => {
                if self.proto != ETH_P_IPV6 {
                    return Ret::Continue;
                }
                if !has(f, at, 8) {
                    return Ret::OutBad;
                }
                self.fragment = true;
                self.nhoff = at + 8;
                self.ip_proto = byte(f, at).unwrap_or(0);
                Ret::OutGood
            }
            IPPROTO_IPIP => {
                self.proto = ETH_P_IP;
                Ret::ProtoAgain
            }
            IPPROTO_IPV6 => {
                self.proto = ETH_P_IPV6;
                Ret::ProtoAgain
            }
            IPPROTO_MPLS => {
                self.proto = ETH_P_MPLS_UC;
                Ret::ProtoAgain
            }
            IPPROTO_ICMP | IPPROTO_ICMPV6 => {
                get_icmp_tci(f, self.fk, at);
                Ret::Continue
            }
            _ => Ret::Continue,
        }
    }

    /// Runs the dissector: whether `__skb_flow_dissect()` returns true.
    fn run(mut self) -> bool {
        let mut num_hdrs = 0u32;
        let mut allowed = || {
            num_hdrs += 1;
            num_hdrs <= MAX_FLOW_DISSECT_HDRS
        };
        let mut at_l4 = false;
        let good = loop {
            if !at_l4 {
                match self.l3() {
                    Ret::OutGood => break true,
                    Ret::OutBad => break false,
                    Ret::ProtoAgain => {
                        if allowed() {
                            continue;
                        }
                        break true;
                    }
                    Ret::Continue | Ret::IpProtoAgain => at_l4 = true,
                }
            }
            let ret = self.l4();
            if !self.fragment {
                self.fk.ports = get_ports(self.f, self.nhoff, self.ip_proto);
            }
            match ret {
                Ret::ProtoAgain => {
                    if !allowed() {
                        break true;
                    }
                    at_l4 = false;
                }
                Ret::IpProtoAgain => {
                    if !allowed() {
                        break true;
                    }
                }
                Ret::OutGood | Ret::Continue => break true,
                Ret::OutBad => break false,
            }
        };
        let thoff = self.nhoff.min(self.f.len());
        good && thoff <= usize::from(u16::MAX)
    }
}

/// `bond_ip_hash()`.
fn ip_hash(hash: u32, flow: &Flow, policy: XmitHashPolicy) -> u32 {
    let mut hash = hash ^ flow.u32_dst() ^ flow.u32_src();
    hash ^= hash >> 16;
    hash ^= hash >> 8;
    match policy {
        XmitHashPolicy::Layer34 | XmitHashPolicy::Encap34 => hash >> 1,
        _ => hash,
    }
}

/// `__bond_xmit_hash()` with `mhoff` 0.
fn xmit_hash(
    policy: XmitHashPolicy,
    f: &[u8],
    l2_proto: u16,
    nhoff: usize,
    meta: Option<&SkbMeta>,
) -> u32 {
    // Filled in place: a returned flow would be copied (a memcpy call in
    // the kernel, which keeps vector registers out of its code).
    let mut flow = Flow::default();
    let dissected = match policy {
        XmitHashPolicy::VlanSrcMac => {
            return vlan_srcmac_hash(f, meta.and_then(|m| m.vlan_tci));
        }
        XmitHashPolicy::Layer2 => false,
        XmitHashPolicy::Layer23 => flow_dissect_plain(f, &mut flow, false, l2_proto, nhoff),
        XmitHashPolicy::Layer34 => flow_dissect_plain(f, &mut flow, true, l2_proto, nhoff),
        XmitHashPolicy::Encap23 | XmitHashPolicy::Encap34 => Dissector {
            f,
            meta,
            fk: &mut flow,
            proto: l2_proto,
            nhoff,
            ip_proto: 0,
            vlan_depth: 0,
            fragment: false,
        }
        .run(),
    };
    if !dissected {
        return eth_hash(f);
    }
    let hash = match policy {
        XmitHashPolicy::Layer23 | XmitHashPolicy::Encap23 => eth_hash(f),
        _ if flow.icmp_id != 0 => flow.icmp_word(),
        _ => u32::from_ne_bytes(flow.ports),
    };
    ip_hash(hash, &flow, policy)
}

/// `bond_xmit_hash()`: the transmit hash of `frame` (starting at the
/// Ethernet header) under `policy`.
pub fn bond_xmit_hash(policy: XmitHashPolicy, frame: &[u8], meta: &SkbMeta) -> u32 {
    if let (XmitHashPolicy::Encap34, Some(h)) = (policy, meta.l4_hash) {
        return h;
    }
    xmit_hash(
        policy,
        frame,
        meta.protocol,
        meta.network_offset,
        Some(meta),
    )
}

/// `bond_xmit_hash_xdp()`: the hash of an XDP frame (no skb: protocol from
/// the Ethernet header, no accelerated VLAN tag, no L4 hash).
pub fn bond_xmit_hash_xdp(policy: XmitHashPolicy, frame: &[u8]) -> u32 {
    let Some(proto) = be16(frame, 2 * ETH_ALEN) else {
        return 0;
    };
    xmit_hash(policy, frame, proto, ETH_HLEN, None)
}

/// `bond_xmit_3ad_xor_slave_get()`: the index into the usable-slaves array
/// for `hash` (`hash % count`), or `None` when there is no usable slave.
pub fn xor_slave_index(hash: u32, count: usize) -> Option<usize> {
    let count = u32::try_from(count).ok().filter(|&c| c != 0)?;
    usize::try_from(hash % count).ok()
}

/// `struct reciprocal_value`: a precomputed divisor.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ReciprocalValue {
    /// The multiplier.
    pub m: u32,
    /// The first shift.
    pub sh1: u8,
    /// The second shift.
    pub sh2: u8,
}

/// `reciprocal_value()` of `lib/math/reciprocal_div.c`. A divisor of 0
/// gives the all-zero value bonding stores for `packets_per_slave` 0.
pub fn reciprocal_value(d: u32) -> ReciprocalValue {
    if d == 0 {
        return ReciprocalValue::default();
    }
    // fls(d - 1)
    let l = 32 - (d - 1).leading_zeros();
    let m = (1u64 << 32).wrapping_mul((1u64 << l) - u64::from(d)) / u64::from(d) + 1;
    ReciprocalValue {
        m: m as u32,
        sh1: l.min(1) as u8,
        sh2: l.saturating_sub(1) as u8,
    }
}

/// `reciprocal_divide()`: `a / d` for the `d` that `r` was made from.
pub fn reciprocal_divide(a: u32, r: ReciprocalValue) -> u32 {
    let t = ((u64::from(a) * u64::from(r.m)) >> 32) as u32;
    let sum = t.wrapping_add(a.wrapping_sub(t).checked_shr(r.sh1.into()).unwrap_or(0));
    sum.checked_shr(r.sh2.into()).unwrap_or(0)
}

/// balance-rr's per-bond state for [`rr_gen_slave_id`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RrState {
    /// `packets_per_slave`.
    pub packets_per_slave: u32,
    /// `reciprocal_packets_per_slave`, as `bond_option_pps_set()` sets it.
    pub reciprocal: ReciprocalValue,
    /// `rr_tx_counter` (the kernel keeps one per CPU).
    pub counter: u32,
}

impl RrState {
    /// The state after setting `packets_per_slave` (counter kept).
    pub fn new(packets_per_slave: u32) -> RrState {
        RrState {
            packets_per_slave,
            reciprocal: reciprocal_value(packets_per_slave),
            counter: 0,
        }
    }
}

/// `bond_rr_gen_slave_id()`: `random` (a `get_random_u32()` draw) when
/// `packets_per_slave` is 0; otherwise the incremented counter, divided by
/// `packets_per_slave` through its reciprocal when that is above 1.
pub fn rr_gen_slave_id(state: &mut RrState, random: u32) -> u32 {
    match state.packets_per_slave {
        0 => random,
        1 => {
            state.counter = state.counter.wrapping_add(1);
            state.counter
        }
        _ => {
            state.counter = state.counter.wrapping_add(1);
            reciprocal_divide(state.counter, state.reciprocal)
        }
    }
}

/// balance-rr's slave index: `slave_id % slave_cnt`, `None` without slaves.
pub fn rr_slave_index(slave_id: u32, slave_cnt: usize) -> Option<usize> {
    xor_slave_index(slave_id, slave_cnt)
}

/// Whether balance-rr sends this frame on the current active slave instead
/// of the next one: an IPv4 IGMP packet (`bond_xmit_roundrobin_slave_get()`).
pub fn rr_is_igmp(frame: &[u8], meta: &SkbMeta) -> bool {
    let noff = meta.network_offset;
    meta.protocol == ETH_P_IP && has(frame, noff, 20) && byte(frame, noff + 9) == Some(IPPROTO_IGMP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
    const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

    fn eth(dst: [u8; 6], src: [u8; 6], ethertype: u16) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&dst);
        f.extend_from_slice(&src);
        f.extend_from_slice(&ethertype.to_be_bytes());
        f
    }

    fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], frag_off: u16) -> Vec<u8> {
        let mut h = std::vec![0x45, 0, 0, 40, 0, 0];
        h.extend_from_slice(&frag_off.to_be_bytes());
        h.extend_from_slice(&[64, proto, 0, 0]);
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn ipv6(next: u8, src: [u8; 16], dst: [u8; 16]) -> Vec<u8> {
        let mut h = std::vec![0x60, 0, 0, 0, 0, 20, next, 64];
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn ports(sport: u16, dport: u16) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(&sport.to_be_bytes());
        h.extend_from_slice(&dport.to_be_bytes());
        h.extend_from_slice(&[0; 16]);
        h
    }

    fn tcp4(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16) -> Vec<u8> {
        let mut f = eth(DST, SRC, 0x0800);
        f.extend(ipv4(6, src, dst, 0));
        f.extend(ports(sport, dport));
        f
    }

    fn hash(policy: XmitHashPolicy, f: &[u8]) -> u32 {
        bond_xmit_hash(policy, f, &SkbMeta::for_frame(f))
    }

    const A: [u8; 4] = [10, 0, 0, 1];
    const B: [u8; 4] = [10, 0, 0, 2];

    #[test]
    fn layer2_by_hand() {
        // h_dest[5] ^ h_source[5] ^ ethertype = 0x0a ^ 0x0b ^ 0x0800.
        let f = tcp4(A, B, 1000, 80);
        assert_eq!(hash(XmitHashPolicy::Layer2, &f), 0x0801);
        // A runt frame hashes to 0.
        assert_eq!(hash(XmitHashPolicy::Layer2, &f[..13]), 0);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn layer34_by_hand() {
        // ports word, little-endian load of 03 e8 00 50 = 0x5000e803.
        // src 0a000001 -> 0x0100000a, dst 0a000002 -> 0x0200000a;
        // their xor is 0x03000000, hash = 0x5000e803 ^ 0x03000000
        // = 0x5300e803; ^= >>16 (0x5300): 0x5300bb03; ^= >>8 (0x5300bb):
        // 0x5353bbb8; >> 1 = 0x29a9dddc.
        let f = tcp4(A, B, 1000, 80);
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x29a9_dddc);
        // encap3+4 dissects the same headers: same value.
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x29a9_dddc);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn layer23_by_hand() {
        // eth hash 0x0801 ^ 0x03000000 = 0x03000801; ^= >>16 (0x0300):
        // 0x03000b01; ^= >>8 (0x03000b): 0x03030b0a; no final shift.
        let f = tcp4(A, B, 1000, 80);
        assert_eq!(hash(XmitHashPolicy::Layer23, &f), 0x0303_0b0a);
        assert_eq!(hash(XmitHashPolicy::Encap23, &f), 0x0303_0b0a);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn fragments_have_no_ports() {
        // More-fragments set: no ports, hash = 0x03000000 folded:
        // ^>>16: 0x03000300, ^>>8: 0x03030303, >>1 = 0x01818181.
        let mut f = eth(DST, SRC, 0x0800);
        f.extend(ipv4(6, A, B, 0x2000));
        f.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x0181_8181);
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x0181_8181);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn ipv6_by_hand() {
        // ipv6_addr_hash(2001:db8::1) = 0xb80d0120 ^ 0x01000000
        // = 0xb90d0120; of 2001:db8::2 = 0xba0d0120; xor = 0x03000000.
        // Ports 1000 -> 80 as before: identical to the IPv4 case.
        let mut s = [0u8; 16];
        s[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        let mut d = s;
        s[15] = 1;
        d[15] = 2;
        let mut f = eth(DST, SRC, 0x86dd);
        f.extend(ipv6(17, s, d));
        f.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x29a9_dddc);
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x29a9_dddc);
        // An IPv6 fragment header: layer3+4 takes nexthdr 44 as is (no
        // ports), the dissector marks it a fragment (no ports either).
        let mut g = eth(DST, SRC, 0x86dd);
        g.extend(ipv6(44, s, d));
        g.extend_from_slice(&[17, 0, 0, 1, 0, 0, 0, 1]);
        g.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Layer34, &g), 0x0181_8181);
        assert_eq!(hash(XmitHashPolicy::Encap34, &g), 0x0181_8181);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn icmp_echo_uses_type_code_id() {
        // Echo request id 0x1234: icmp word = 08 00 | id 0x1234 native =
        // 0x12340008; ^ 0x03000000 = 0x11340008; ^>>16 (0x1134):
        // 0x1134113c; ^>>8 (0x113411): 0x1125252d; >>1 = 0x08929296.
        let mut f = eth(DST, SRC, 0x0800);
        f.extend(ipv4(1, A, B, 0));
        f.extend_from_slice(&[8, 0, 0, 0, 0x12, 0x34, 0, 1]);
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x0892_9296);
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x0892_9296);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn icmp_error_hashes_on_the_quoted_packet() {
        // Port unreachable from router 10.0.0.9 about 10.0.0.1:1000 ->
        // 10.0.0.2:80. layer3+4 re-parses the quoted header: addresses
        // and ports are those of the quoted packet: as tcp4(A, B, ..).
        let mut f = eth(DST, SRC, 0x0800);
        f.extend(ipv4(1, [10, 0, 0, 9], A, 0));
        f.extend_from_slice(&[3, 3, 0, 0, 0, 0, 0, 0]);
        f.extend(ipv4(6, A, B, 0));
        f.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x29a9_dddc);
        // The flow dissector does not: outer addresses, no ports, icmp id
        // 0: 0x0900000a ^ 0x0100000a = 0x08000000, folded 0x08080808,
        // >> 1 = 0x04040404.
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x0404_0404);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn encap_follows_ipip_and_gre() {
        let mut outer = eth(DST, SRC, 0x0800);
        outer.extend(ipv4(4, [192, 168, 0, 1], [192, 168, 0, 2], 0));
        let mut ipip = outer.clone();
        ipip.extend(ipv4(6, A, B, 0));
        ipip.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Encap34, &ipip), 0x29a9_dddc);
        assert_eq!(hash(XmitHashPolicy::Encap23, &ipip), 0x0303_0b0a);
        // layer3+4 stays on the outer header: IPIP has no ports.
        // 0x0100a8c0 ^ 0x0200a8c0 = 0x03000000 -> 0x01818181.
        assert_eq!(hash(XmitHashPolicy::Layer34, &ipip), 0x0181_8181);

        // GRE with a key, carrying Ethernet carrying IPv4/TCP.
        let mut gre = eth(DST, SRC, 0x0800);
        gre.extend(ipv4(47, [192, 168, 0, 1], [192, 168, 0, 2], 0));
        gre.extend_from_slice(&[0x20, 0, 0x65, 0x58, 0, 0, 0, 7]);
        gre.extend(tcp4(A, B, 1000, 80));
        assert_eq!(hash(XmitHashPolicy::Encap34, &gre), 0x29a9_dddc);
        // GRE v0 carrying IPv4 directly, with checksum and sequence.
        let mut gre_ip = eth(DST, SRC, 0x0800);
        gre_ip.extend(ipv4(47, [192, 168, 0, 1], [192, 168, 0, 2], 0));
        gre_ip.extend_from_slice(&[0x90, 0, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        gre_ip.extend(ipv4(6, A, B, 0));
        gre_ip.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Encap34, &gre_ip), 0x29a9_dddc);
        // GRE with routing is not entered: outer addresses, no ports.
        let mut routed = gre.clone();
        if let Some(b) = routed.get_mut(34) {
            *b = 0x60;
        }
        assert_eq!(hash(XmitHashPolicy::Encap34, &routed), 0x0181_8181);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn vlan_tags_in_frame() {
        // layer3+4 with skb->protocol 0x8100: not IP -> layer2 hash:
        // 0x0a ^ 0x0b ^ 0x8100 = 0x8101. encap3+4 skips the tag.
        let mut f = eth(DST, SRC, 0x8100);
        f.extend_from_slice(&[0, 5, 0x08, 0]);
        f.extend(ipv4(6, A, B, 0));
        f.extend(ports(1000, 80));
        let meta = SkbMeta::for_frame(&f);
        assert_eq!(bond_xmit_hash(XmitHashPolicy::Layer34, &f, &meta), 0x8101);
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::Encap34, &f, &meta),
            0x29a9_dddc
        );
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn encap_through_pppoe_hop_by_hop_and_tags() {
        // PPPoE session (ver 1, type 1, code 0), PPP protocol 0x0021.
        let mut f = eth(DST, SRC, 0x8864);
        f.extend_from_slice(&[0x11, 0, 0, 1, 0, 40, 0, 0x21]);
        f.extend(ipv4(6, A, B, 0));
        f.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0x29a9_dddc);
        // IPv6 with a hop-by-hop header (8 bytes) before UDP: the same
        // value as ipv6_by_hand.
        let mut s = [0u8; 16];
        s[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        let mut d = s;
        s[15] = 1;
        d[15] = 2;
        let mut g = eth(DST, SRC, 0x86dd);
        g.extend(ipv6(0, s, d));
        g.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
        g.extend(ports(1000, 80));
        assert_eq!(hash(XmitHashPolicy::Encap34, &g), 0x29a9_dddc);
        // layer3+4 takes nexthdr 0 as the L4 protocol: no ports.
        assert_eq!(hash(XmitHashPolicy::Layer34, &g), 0x0181_8181);
        // An accelerated tag with skb->protocol 0x8100 and a tag still in
        // the frame: the first pass consumes the accelerated one.
        let mut t = eth(DST, SRC, 0x8100);
        t.extend_from_slice(&[0, 7, 0x08, 0]);
        t.extend(ipv4(6, A, B, 0));
        t.extend(ports(1000, 80));
        let mut meta = SkbMeta::for_frame(&t);
        meta.vlan_tci = Some(5);
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::Encap34, &t, &meta),
            0x29a9_dddc
        );
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn encap_tipc_key() {
        // TIPC key = word 3 (01 02 03 04, native 0x04030201), no dst.
        // eth hash 0x0a ^ 0x0b ^ 0x88ca = 0x88cb; ^ key = 0x04038aca;
        // ^>>16 (0x0403): 0x04038ec9; ^>>8 (0x0004038e): 0x04078d47.
        let mut f = eth(DST, SRC, 0x88ca);
        f.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
        assert_eq!(hash(XmitHashPolicy::Encap23, &f), 0x0407_8d47);
        // A keepalive (w0 has 0x0e080000) takes the random word instead.
        f[14] = 0x0e;
        f[15] = 0x08;
        let mut meta = SkbMeta::for_frame(&f);
        meta.random = 0x0403_0201;
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::Encap23, &f, &meta),
            0x0407_8d47
        );
        meta.random = 0;
        assert_ne!(
            bond_xmit_hash(XmitHashPolicy::Encap23, &f, &meta),
            0x0407_8d47
        );
        // Truncated: not dissected, layer2 hash.
        assert_eq!(hash(XmitHashPolicy::Encap23, &f[..29]), 0x88cb);
    }

    #[test]
    fn huge_network_offset_is_harmless() {
        let f = tcp4(A, B, 1000, 80);
        let mut meta = SkbMeta::for_frame(&f);
        meta.network_offset = usize::MAX;
        for p in 0..6 {
            let policy = XmitHashPolicy::from_value(p).unwrap();
            let _ = bond_xmit_hash(policy, &f, &meta);
        }
        assert!(!rr_is_igmp(&f, &meta));
    }

    #[test]
    fn encap34_returns_l4_hash() {
        let f = tcp4(A, B, 1000, 80);
        let mut meta = SkbMeta::for_frame(&f);
        meta.l4_hash = Some(0xdead_beef);
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::Encap34, &f, &meta),
            0xdead_beef
        );
        assert_ne!(
            bond_xmit_hash(XmitHashPolicy::Layer34, &f, &meta),
            0xdead_beef
        );
    }

    #[test]
    fn vlan_srcmac_by_hand() {
        // vendor 0x020000, dev 0x00000b, tci 0x2005:
        // 0x2005 ^ 0x020000 ^ 0x00000b = 0x02200e.
        let f = tcp4(A, B, 1000, 80);
        let mut meta = SkbMeta::for_frame(&f);
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::VlanSrcMac, &f, &meta),
            0x02_000b
        );
        meta.vlan_tci = Some(0x2005);
        assert_eq!(
            bond_xmit_hash(XmitHashPolicy::VlanSrcMac, &f, &meta),
            0x02_200e
        );
        assert_eq!(
            bond_xmit_hash_xdp(XmitHashPolicy::VlanSrcMac, &f),
            0x02_000b
        );
    }

    #[test]
    fn non_ip_falls_back_to_layer2() {
        let mut f = eth(DST, SRC, 0x0806);
        f.extend_from_slice(&[0; 28]);
        // 0x0a ^ 0x0b ^ 0x0806 = 0x0807 for layer2+3 and layer3+4.
        assert_eq!(hash(XmitHashPolicy::Layer34, &f), 0x0807);
        assert_eq!(hash(XmitHashPolicy::Layer23, &f), 0x0807);
        // The dissector accepts ARP without keys: 0x0807 folded for
        // encap2+3 (0x0807 ^ 0x08 = 0x080f), 0 for encap3+4.
        assert_eq!(hash(XmitHashPolicy::Encap23, &f), 0x080f);
        assert_eq!(hash(XmitHashPolicy::Encap34, &f), 0);
        // Truncated IPv4: layer2.
        let g = tcp4(A, B, 1, 2);
        assert_eq!(hash(XmitHashPolicy::Layer34, &g[..30]), 0x0801);
        assert_eq!(hash(XmitHashPolicy::Encap34, &g[..30]), 0x0801);
    }

    #[test]
    fn slave_selection() {
        assert_eq!(xor_slave_index(7, 3), Some(1));
        assert_eq!(xor_slave_index(7, 0), None);
        assert_eq!(rr_slave_index(u32::MAX, 2), Some(1));
        let f = {
            let mut f = eth(DST, SRC, 0x0800);
            f.extend(ipv4(2, A, B, 0));
            f
        };
        assert!(rr_is_igmp(&f, &SkbMeta::for_frame(&f)));
        assert!(!rr_is_igmp(&tcp4(A, B, 1, 2), &SkbMeta::for_frame(&f)));
    }

    #[test]
    fn reciprocal_by_hand() {
        // d = 3: l = fls(2) = 2, m = 2^32 * (4 - 3) / 3 + 1 = 0x55555556,
        // sh1 = 1, sh2 = 1.
        assert_eq!(
            reciprocal_value(3),
            ReciprocalValue {
                m: 0x5555_5556,
                sh1: 1,
                sh2: 1
            }
        );
        // d = 1: l = 0, m = 0 + 1 = 1, sh1 = sh2 = 0.
        assert_eq!(
            reciprocal_value(1),
            ReciprocalValue {
                m: 1,
                sh1: 0,
                sh2: 0
            }
        );
        assert_eq!(reciprocal_divide(10, reciprocal_value(3)), 3);
    }

    #[test]
    fn rr_ids() {
        let mut s = RrState::new(1);
        assert_eq!(rr_gen_slave_id(&mut s, 99), 1);
        assert_eq!(rr_gen_slave_id(&mut s, 99), 2);
        let mut s = RrState::new(0);
        assert_eq!(rr_gen_slave_id(&mut s, 99), 99);
        assert_eq!(s.counter, 0);
        let mut s = RrState::new(3);
        let ids: Vec<u32> = (0..7).map(|_| rr_gen_slave_id(&mut s, 0)).collect();
        assert_eq!(ids, [0, 0, 1, 1, 1, 2, 2]);
    }

    proptest! {
        #[test]
        fn reciprocal_matches_division(a: u32, d in 1u32..=65535) {
            prop_assert_eq!(reciprocal_divide(a, reciprocal_value(d)), a / d);
        }

        #[test]
        fn reciprocal_matches_division_any_divisor(a: u32, d in 1u32..) {
            prop_assert_eq!(reciprocal_divide(a, reciprocal_value(d)), a / d);
        }

        #[test]
        fn layer2_depends_only_on_macs_and_type(
            dst: [u8; 6], src: [u8; 6], ty: u16,
            body in proptest::collection::vec(any::<u8>(), 0..80),
            body2 in proptest::collection::vec(any::<u8>(), 0..80),
        ) {
            let mut f = eth(dst, src, ty);
            f.extend(&body);
            let mut g = eth(dst, src, ty);
            g.extend(&body2);
            let h = hash(XmitHashPolicy::Layer2, &f);
            prop_assert_eq!(h, hash(XmitHashPolicy::Layer2, &g));
            prop_assert_eq!(h, u32::from(dst[5] ^ src[5]) ^ u32::from(ty));
        }

        #[test]
        fn layer34_ignores_macs(
            dst: [u8; 6], src: [u8; 6], sa: [u8; 4], da: [u8; 4], sp: u16, dp: u16,
        ) {
            let f = tcp4(sa, da, sp, dp);
            let mut g = f.clone();
            g[..6].copy_from_slice(&dst);
            g[6..12].copy_from_slice(&src);
            prop_assert_eq!(hash(XmitHashPolicy::Layer34, &f), hash(XmitHashPolicy::Layer34, &g));
            prop_assert_eq!(hash(XmitHashPolicy::Encap34, &f), hash(XmitHashPolicy::Encap34, &g));
        }

        #[test]
        fn layer34_reference(sa: [u8; 4], da: [u8; 4], sp: u16, dp: u16) {
            // The C expression, on native-endian words.
            let f = tcp4(sa, da, sp, dp);
            let mut pw = [0u8; 4];
            pw[..2].copy_from_slice(&sp.to_be_bytes());
            pw[2..].copy_from_slice(&dp.to_be_bytes());
            let mut h = u32::from_ne_bytes(pw) ^ u32::from_ne_bytes(da) ^ u32::from_ne_bytes(sa);
            h ^= h >> 16;
            h ^= h >> 8;
            prop_assert_eq!(hash(XmitHashPolicy::Layer34, &f), h >> 1);
        }

        #[test]
        fn xdp_matches_skb_for_plain_frames(
            sa: [u8; 4], da: [u8; 4], sp: u16, dp: u16, p in 0u8..6,
        ) {
            let f = tcp4(sa, da, sp, dp);
            let policy = XmitHashPolicy::from_value(p.into()).unwrap();
            prop_assert_eq!(hash(policy, &f), bond_xmit_hash_xdp(policy, &f));
        }

        #[test]
        fn arbitrary_frames_never_panic(
            f in proptest::collection::vec(any::<u8>(), 0..200), p in 0u8..6,
            tag: Option<u16>, nh in 0usize..40,
        ) {
            let policy = XmitHashPolicy::from_value(p.into()).unwrap();
            let mut meta = SkbMeta::for_frame(&f);
            meta.vlan_tci = tag;
            meta.network_offset = nh;
            let _ = bond_xmit_hash(policy, &f, &meta);
            let _ = bond_xmit_hash_xdp(policy, &f);
        }
    }
}
