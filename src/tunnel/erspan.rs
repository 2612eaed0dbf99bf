// SPDX-License-Identifier: GPL-2.0

//! ERSPAN over GRE (`net/ipv4/ip_gre.c`'s erspan kind,
//! `include/net/erspan.h`): type II (version 1) and type III (version 2)
//! headers built and parsed, the header lengths, and the `IFLA_GRE_ERSPAN_*`
//! rules of `erspan_validate()` and `erspan_netlink_parms()`.

use super::gre::{self, KEY, SEQ};

/// `ID_MASK`: the session id's 10 bits (the tunnel key).
pub const ID_MASK: u32 = 0x3ff;
/// `INDEX_MASK`: version 1's 20-bit port index.
pub const INDEX_MASK: u32 = 0xfffff;
/// The largest direction (`DIR_MASK >> DIR_OFFSET`).
pub const DIR_MAX: u8 = 1;
/// The largest hardware id (`HWID_MASK >> HWID_OFFSET`).
pub const HWID_MAX: u16 = 0x3f;
/// The longest ERSPAN header (version 2).
pub const MAX_HLEN: usize = 12;
/// `ETH_P_8021Q`.
const ETH_P_8021Q: u16 = 0x8100;
/// `ETH_ZLEN`: below it, version 2 calls a frame short.
const ETH_ZLEN: u32 = 60;
/// `ETH_FRAME_LEN`: above it, version 2 calls a frame oversized.
const ETH_FRAME_LEN: u32 = 1514;
/// `ERSPAN_ENCAP_INFRAME`: the frame keeps its VLAN tag (version 1).
const ENCAP_INFRAME: u8 = 3;

/// A GRE tunnel's ERSPAN settings (`t->erspan_ver`, `index`, `dir`,
/// `hwid`): all 0 for gre and gretap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The version: 0 (type I), 1 (type II), 2 (type III); more is kept
    /// as C keeps it after a refused change, and sends nothing.
    pub ver: u8,
    /// Version 1's port index.
    pub index: u32,
    /// Version 2's direction (0 ingress, 1 egress).
    pub dir: u8,
    /// Version 2's hardware id.
    pub hwid: u16,
}

impl Settings {
    /// A new erspan device's (`erspan_setup()`): version 1, the rest 0.
    pub const SETUP: Settings = Settings {
        ver: 1,
        index: 0,
        dir: 0,
        hwid: 0,
    };
}

/// `erspan_hdr_len()`: the ERSPAN header's length after GRE.
pub const fn hdr_len(ver: u8) -> u32 {
    match ver {
        0 => 0,
        1 => 8,
        _ => 12,
    }
}

/// `sizeof(struct erspan_base_hdr)`: the header before the version's
/// metadata (`struct erspan_md2` or version 1's index).
pub const BASE_HLEN: usize = 4;

/// How many bytes of a received header's metadata `erspan_rcv()` copies
/// into collect_md's ERSPAN options: version 1's index word
/// (`ERSPAN_V1_MDSIZE`), else `struct erspan_md2` (`ERSPAN_V2_MDSIZE`).
pub const fn md_len(ver: u8) -> usize {
    if ver == 1 {
        4
    } else {
        8
    }
}

/// `erspan_tunnel_init()`'s `t->hlen`: the GRE header (4 bytes for type
/// I, 8 with the sequence number otherwise) and the ERSPAN header.
pub const fn tunnel_hlen(ver: u8) -> u32 {
    let gre = if ver == 0 { 4 } else { 8 };
    gre + hdr_len(ver)
}

/// The GRE flags `erspan_xmit()` sends for transmit flags `o_flags`: no
/// key (the session id carries it), no sequence number for type I.
pub const fn gre_flags(ver: u8, o_flags: u16) -> u16 {
    if ver == 0 {
        o_flags & !(KEY | SEQ)
    } else {
        o_flags & !KEY
    }
}

/// The GRE payload protocol of a version.
pub const fn proto(ver: u8) -> u16 {
    if ver == 2 {
        gre::ETH_P_ERSPAN2
    } else {
        gre::ETH_P_ERSPAN
    }
}

/// What `erspan_build_header()` and `_v2()` read of the mirrored frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// `ip_hdr(skb)->tos`.
    pub tos: u8,
    /// The Ethernet header's EtherType.
    pub eth_proto: u16,
    /// The TCI after it (used when that is 802.1Q).
    pub tci: u16,
    /// The frame's length (after truncation).
    pub len: u32,
}

/// One ERSPAN header to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Version 1 or 2.
    pub ver: u8,
    /// The session id (the low 10 bits of the key).
    pub session_id: u16,
    /// Class of service (the TOS's top 3 bits).
    pub cos: u8,
    /// Version 1's encapsulation type, version 2's BSO.
    pub en: u8,
    /// Truncated.
    pub truncated: bool,
    /// The VLAN id (12 bits).
    pub vlan: u16,
    /// Version 1's index.
    pub index: u32,
    /// Version 2's timestamp (100 µs units).
    pub timestamp: u32,
    /// Version 2's direction.
    pub dir: u8,
    /// Version 2's hardware id.
    pub hwid: u16,
}

impl Header {
    /// The header `erspan_build_header()` (`s.ver` 1) or
    /// `erspan_build_header_v2()` (2) writes for `frame` with key `key`,
    /// truncated or not, at `timestamp` (version 2).
    pub fn for_frame(
        s: &Settings,
        key: u32,
        frame: &Frame,
        truncated: bool,
        timestamp: u32,
    ) -> Header {
        let vlan_tagged = frame.eth_proto == ETH_P_8021Q;
        let v1 = s.ver == 1;
        let en = if v1 {
            if vlan_tagged {
                ENCAP_INFRAME
            } else {
                0
            }
        } else if frame.len < ETH_ZLEN {
            1
        } else if frame.len > ETH_FRAME_LEN {
            2
        } else {
            0
        };
        Header {
            ver: s.ver,
            session_id: (key & ID_MASK) as u16,
            cos: frame.tos >> 5,
            en,
            truncated,
            vlan: if vlan_tagged { frame.tci & 0xfff } else { 0 },
            index: if v1 { s.index & INDEX_MASK } else { 0 },
            timestamp: if v1 { 0 } else { timestamp },
            dir: if v1 { 0 } else { s.dir & 1 },
            hwid: if v1 { 0 } else { s.hwid & HWID_MAX },
        }
    }

    /// Writes the header into the front of `buf`, returning its length.
    pub fn build(&self, buf: &mut [u8]) -> usize {
        let len = hdr_len(self.ver) as usize;
        buf[..len].fill(0);
        buf[0] = (self.ver << 4) | ((self.vlan >> 8) as u8 & 0xf);
        buf[1] = self.vlan as u8;
        buf[2] = (self.cos & 7) << 5
            | (self.en & 3) << 3
            | u8::from(self.truncated) << 2
            | ((self.session_id >> 8) as u8 & 3);
        buf[3] = self.session_id as u8;
        if self.ver == 1 {
            buf[4..8].copy_from_slice(&(self.index & INDEX_MASK).to_be_bytes());
        } else {
            buf[4..8].copy_from_slice(&self.timestamp.to_be_bytes());
            // SGT 0; P set, FT 0, the hardware id's top 2 bits; its low 4,
            // the direction, granularity 0 (100 µs), O 0.
            buf[10] = 0x80 | ((self.hwid >> 4) as u8 & 3);
            buf[11] = ((self.hwid as u8) & 0xf) << 4 | (self.dir & 1) << 3;
        }
        len
    }

    /// The fields of an ERSPAN version 1 or 2 header at the front of
    /// `bytes` (`None`: another version, or too short).
    pub fn parse(bytes: &[u8]) -> Option<Header> {
        let ver = *bytes.first()? >> 4;
        if !(1..=2).contains(&ver) || bytes.len() < hdr_len(ver) as usize {
            return None;
        }
        let word = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        let v2 = ver == 2;
        Some(Header {
            ver,
            session_id: base_session_id(bytes)?,
            cos: bytes[2] >> 5,
            en: (bytes[2] >> 3) & 3,
            truncated: bytes[2] & 4 != 0,
            vlan: u16::from(bytes[0] & 0xf) << 8 | u16::from(bytes[1]),
            index: if v2 { 0 } else { word & INDEX_MASK },
            timestamp: if v2 { word } else { 0 },
            dir: if v2 { (bytes[11] >> 3) & 1 } else { 0 },
            hwid: if v2 {
                u16::from(bytes[10] & 3) << 4 | u16::from(bytes[11] >> 4)
            } else {
                0
            },
        })
    }
}

/// `get_session_id()` of the base header at the front of `bytes`.
pub fn base_session_id(bytes: &[u8]) -> Option<u16> {
    let b = bytes.get(..4)?;
    Some(u16::from(b[2] & 3) << 8 | u16::from(b[3]))
}

/// `erspan_rcv()`: the bytes to pull after the outer IPv4 header, for a
/// GRE header of `gre_hdr_len` bytes and the version the packet's base
/// header gives (`None`: type I, a 4-byte GRE header and nothing more).
pub const fn rcv_pull_len(gre_hdr_len: u32, packet_ver: Option<u8>) -> u32 {
    match packet_ver {
        None => gre_hdr_len,
        Some(ver) => gre_hdr_len + hdr_len(ver),
    }
}

/// `is_erspan_type1()`: type I has a 4-byte GRE header and no ERSPAN
/// header.
pub const fn is_type1(gre_hdr_len: u32) -> bool {
    gre_hdr_len == 4
}

/// Whether an Ethernet frame of `len` bytes is truncated to `limit`
/// (`dev->mtu + dev->hard_header_len`) before `erspan_xmit()` sends it.
pub const fn truncates(len: u32, limit: u32) -> bool {
    len > limit
}

/// `erspan_validate()`'s own rules, after gretap's: unless version 0 is
/// asked, the flags (both directions together) must be exactly S|K when
/// not collect_md, and given keys fit the 10-bit session id (`EINVAL`).
pub fn validate(ver: Option<u8>, a: &gre::Attrs) -> bool {
    if ver == Some(0) {
        return true;
    }
    let flags = a.iflags.unwrap_or(0) | a.oflags.unwrap_or(0);
    if !a.collect_md && flags != SEQ | KEY {
        return false;
    }
    a.ikey.is_none_or(|k| k & !ID_MASK == 0) && a.okey.is_none_or(|k| k & !ID_MASK == 0)
}

/// The `IFLA_GRE_ERSPAN_*` attributes of a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attrs {
    /// `IFLA_GRE_ERSPAN_VER`.
    pub ver: Option<u8>,
    /// `IFLA_GRE_ERSPAN_INDEX`.
    pub index: Option<u32>,
    /// `IFLA_GRE_ERSPAN_DIR`.
    pub dir: Option<u8>,
    /// `IFLA_GRE_ERSPAN_HWID`.
    pub hwid: Option<u16>,
}

/// `erspan_netlink_parms()`'s part: the settings after `a` applies to
/// `cur` and whether it was accepted. As C, it stores each field before
/// checking it, so a refused change keeps what it stored until then
/// (`Err`): a version above 2, or for the version in force an index
/// above 20 bits, a direction above 1 or a hardware id above 6 bits.
pub fn netlink_parms(cur: Settings, a: &Attrs) -> Result<Settings, Settings> {
    let mut s = cur;
    if let Some(ver) = a.ver {
        s.ver = ver;
        if ver > 2 {
            return Err(s);
        }
    }
    if s.ver == 1 {
        if let Some(index) = a.index {
            s.index = index;
            if index & !INDEX_MASK != 0 {
                return Err(s);
            }
        }
    } else if s.ver == 2 {
        if let Some(dir) = a.dir {
            s.dir = dir;
            if dir > DIR_MAX {
                return Err(s);
            }
        }
        if let Some(hwid) = a.hwid {
            s.hwid = hwid;
            if hwid > HWID_MAX {
                return Err(s);
            }
        }
    }
    Ok(s)
}

/// `ipgre_fill_info()`'s transmit flags: an erspan tunnel (version not 0,
/// not collect_md) reports K, which it does not send.
pub const fn reported_o_flags(ver: u8, collect_md: bool, o_flags: u16) -> u16 {
    if ver != 0 && !collect_md {
        o_flags | KEY
    } else {
        o_flags
    }
}

/// `erspan_get_timestamp()` of a wall-clock time in nanoseconds: 100 µs
/// units, wrapping in 32 bits.
pub const fn timestamp(real_ns: u64) -> u32 {
    (real_ns / 100_000) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn frame(tos: u8, eth_proto: u16, tci: u16, len: u32) -> Frame {
        Frame {
            tos,
            eth_proto,
            tci,
            len,
        }
    }

    #[test]
    fn lengths() {
        assert_eq!((hdr_len(0), hdr_len(1), hdr_len(2)), (0, 8, 12));
        assert_eq!(hdr_len(3), 12, "as erspan_hdr_len() for a bad version");
        assert_eq!(
            (tunnel_hlen(0), tunnel_hlen(1), tunnel_hlen(2)),
            (4, 16, 20)
        );
        assert_eq!(gre_flags(1, SEQ | KEY), SEQ);
        assert_eq!(gre_flags(0, SEQ | KEY), 0);
        assert_eq!(proto(1), 0x88be);
        assert_eq!(proto(2), 0x22eb);
        assert_eq!(rcv_pull_len(8, Some(1)), 16);
        assert_eq!(rcv_pull_len(8, Some(2)), 20);
        assert_eq!(rcv_pull_len(4, None), 4);
        assert!(is_type1(4) && !is_type1(8));
        assert!(truncates(1465, 1464) && !truncates(1464, 1464));
    }

    #[test]
    fn version1_bytes() {
        let s = Settings {
            ver: 1,
            index: 488,
            ..Settings::SETUP
        };
        // TOS 0xb8 (EF): CoS 5; session 0x2ab; not tagged.
        let h = Header::for_frame(&s, 0x2ab, &frame(0xb8, 0x0800, 0, 98), false, 0);
        let mut buf = [0xffu8; MAX_HLEN];
        assert_eq!(h.build(&mut buf), 8);
        assert_eq!(buf[..8], [0x10, 0, 0xa2, 0xab, 0, 0, 0x01, 0xe8]);
        // Tagged (VLAN 0x123, in frame) and truncated.
        let h = Header::for_frame(&s, 1, &frame(0, 0x8100, 0xe123, 98), true, 0);
        h.build(&mut buf);
        assert_eq!(buf[..8], [0x11, 0x23, 0x1c, 0x01, 0, 0, 0x01, 0xe8]);
        assert_eq!(Header::parse(&buf[..8]), Some(h));
    }

    #[test]
    fn version2_bytes() {
        let s = Settings {
            ver: 2,
            dir: 1,
            hwid: 0x2b,
            ..Settings::SETUP
        };
        let h = Header::for_frame(&s, 102, &frame(0, 0x0800, 0, 98), false, 0x0102_0304);
        let mut buf = [0u8; MAX_HLEN];
        assert_eq!(h.build(&mut buf), 12);
        assert_eq!(buf, [0x20, 0, 0, 102, 1, 2, 3, 4, 0, 0, 0x82, 0xb8]);
        // BSO: short and oversized frames.
        assert_eq!(
            Header::for_frame(&s, 1, &frame(0, 0x800, 0, 59), false, 0).en,
            1
        );
        assert_eq!(
            Header::for_frame(&s, 1, &frame(0, 0x800, 0, 1515), false, 0).en,
            2
        );
        assert_eq!(
            Header::for_frame(&s, 1, &frame(0, 0x800, 0, 1514), false, 0).en,
            0
        );
        assert_eq!(Header::parse(&buf), Some(h));
        assert_eq!(Header::parse(&buf[..11]), None);
        assert_eq!(
            Header::parse(&[0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            None
        );
    }

    #[test]
    fn netlink_rules() {
        let ok = gre::Attrs {
            iflags: Some(SEQ | KEY),
            oflags: Some(SEQ | KEY),
            ikey: Some(0x3ff),
            okey: Some(0x3ff),
            ..gre::Attrs::default()
        };
        assert!(validate(None, &ok));
        assert!(!validate(
            None,
            &gre::Attrs {
                okey: Some(0x400),
                ..ok
            }
        ));
        assert!(!validate(
            None,
            &gre::Attrs {
                ikey: Some(0x400),
                ..ok
            }
        ));
        assert!(!validate(
            None,
            &gre::Attrs {
                iflags: Some(KEY),
                oflags: Some(KEY),
                ..ok
            }
        ));
        let csum = gre::Attrs {
            oflags: Some(SEQ | KEY | gre::CSUM),
            ..ok
        };
        assert!(!validate(Some(1), &csum));
        assert!(validate(Some(0), &csum), "version 0 skips the rules");
        let md = gre::Attrs {
            collect_md: true,
            ..gre::Attrs::default()
        };
        assert!(validate(None, &md));
        let d = Settings::SETUP;
        let v2 = Attrs {
            ver: Some(2),
            dir: Some(1),
            hwid: Some(0x3f),
            index: Some(u32::MAX),
        };
        let s = netlink_parms(d, &v2).unwrap();
        assert_eq!((s.ver, s.dir, s.hwid, s.index), (2, 1, 0x3f, 0));
        assert_eq!(
            netlink_parms(
                d,
                &Attrs {
                    ver: Some(3),
                    ..Attrs::default()
                }
            )
            .unwrap_err()
            .ver,
            3
        );
        let bad_index = Attrs {
            index: Some(0x10_0000),
            ..Attrs::default()
        };
        assert_eq!(netlink_parms(d, &bad_index).unwrap_err().index, 0x10_0000);
        assert!(netlink_parms(
            d,
            &Attrs {
                index: Some(0xf_ffff),
                ..Attrs::default()
            }
        )
        .is_ok());
        assert!(netlink_parms(
            d,
            &Attrs {
                ver: Some(2),
                dir: Some(2),
                ..Attrs::default()
            }
        )
        .is_err());
        assert!(netlink_parms(
            d,
            &Attrs {
                ver: Some(2),
                hwid: Some(0x40),
                ..Attrs::default()
            }
        )
        .is_err());
        // Version 1 ignores version 2's fields.
        assert_eq!(
            netlink_parms(
                d,
                &Attrs {
                    hwid: Some(0x40),
                    ..Attrs::default()
                }
            ),
            Ok(d)
        );
        assert_eq!(reported_o_flags(1, false, SEQ), SEQ | KEY);
        assert_eq!(reported_o_flags(0, false, SEQ), SEQ);
        assert_eq!(reported_o_flags(2, true, 0), 0);
        assert_eq!(timestamp(1_000_000_000), 10_000);
    }

    proptest! {
        #[test]
        fn build_parse_round_trip(
            ver in 1u8..=2, key in any::<u32>(), index in any::<u32>(), dir in any::<u8>(),
            hwid in any::<u16>(), tos in any::<u8>(), tagged in any::<bool>(), tci in any::<u16>(),
            len in 0u32..3000, truncated in any::<bool>(), ts in any::<u32>(),
        ) {
            let s = Settings { ver, index, dir, hwid };
            let f = frame(tos, if tagged { 0x8100 } else { 0x0800 }, tci, len);
            let h = Header::for_frame(&s, key, &f, truncated, ts);
            let mut buf = [0u8; MAX_HLEN];
            let n = h.build(&mut buf);
            prop_assert_eq!(n as u32, hdr_len(ver));
            let p = Header::parse(&buf[..n]).unwrap();
            prop_assert_eq!(p, h);
            prop_assert_eq!(u32::from(p.session_id), key & ID_MASK);
            prop_assert_eq!(base_session_id(&buf), Some(p.session_id));
            prop_assert_eq!(p.cos, tos >> 5);
            prop_assert_eq!(p.truncated, truncated);
            prop_assert_eq!(p.vlan, if tagged { tci & 0xfff } else { 0 });
            prop_assert!(Header::parse(&buf[..n - 1]).is_none());
        }
    }
}
