// SPDX-License-Identifier: GPL-2.0

//! Transmit on a collect_md (`external`) tunnel: what
//! `ip_md_tunnel_xmit()` and `gre_fb_xmit()` take from the packet's tunnel
//! key (`struct ip_tunnel_key`) rather than from the tunnel's parameters.

use super::gre;
use super::{outer_ttl, Inner};

/// The key's TOS that asks to inherit the inner DS field.
pub const INHERIT_TOS: u8 = 1;

/// The outer TOS (before ECN): the key's, or with [`INHERIT_TOS`] the
/// inner IPv4 TOS or IPv6 traffic class; a payload without one keeps the
/// key's value (the route takes its DSCP bits only).
pub fn tos(key_tos: u8, inner: Inner) -> u8 {
    if key_tos == INHERIT_TOS {
        inner.dsfield().unwrap_or(key_tos)
    } else {
        key_tos
    }
}

/// The outer TTL: the key's, or with 0 the inner packet's, else the
/// route's hop limit.
pub fn ttl(key_ttl: u8, inner: Inner, route_hoplimit: u8) -> u8 {
    outer_ttl(key_ttl, inner, route_hoplimit)
}

/// `tunnel_id_to_key32()`: the GRE key (and flow key) is the low 32 bits
/// of the tunnel id.
pub const fn key32(tun_id: u64) -> u32 {
    tun_id as u32
}

/// The GRE flags `gre_fb_xmit()` sends: the key's checksum, key and
/// sequence flags, nothing else.
pub const fn gre_flags(key_flags: u16) -> u16 {
    key_flags & (gre::CSUM | gre::KEY | gre::SEQ)
}

/// The tunnel header length `tnl_update_pmtu()` counts for ipip: the
/// metadata's encapsulation header (`ip_encap_hlen()`), none when it has
/// no known one (its transmit then fails before this matters).
pub fn ipip_hlen(encap_hlen: i32) -> u32 {
    u32::try_from(encap_hlen).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const V4: Inner = Inner::Ipv4 {
        tos: 0xb9,
        ttl: 17,
        df: true,
    };
    const V6: Inner = Inner::Ipv6 {
        dsfield: 0x2e,
        hop_limit: 33,
    };

    #[test]
    fn tos_inherits_with_one() {
        assert_eq!(tos(1, V4), 0xb9);
        assert_eq!(tos(1, V6), 0x2e);
        assert_eq!(tos(1, Inner::Other), 1);
        assert_eq!(tos(0, V4), 0);
        assert_eq!(tos(0x10, V4), 0x10);
        // Only exactly 1 inherits (ip_tunnel_xmit() looks at bit 0).
        assert_eq!(tos(0x11, V4), 0x11);
    }

    #[test]
    fn ttl_zero_inherits() {
        assert_eq!(ttl(64, V4, 5), 64);
        assert_eq!(ttl(0, V4, 5), 17);
        assert_eq!(ttl(0, V6, 5), 33);
        assert_eq!(ttl(0, Inner::Other, 5), 5);
    }

    #[test]
    fn key_is_low_32_bits() {
        assert_eq!(key32(42), 42);
        assert_eq!(key32(0x1234_5678_9abc_def0), 0x9abc_def0);
    }

    #[test]
    fn gre_flags_kept() {
        assert_eq!(gre_flags(0xffff), gre::CSUM | gre::KEY | gre::SEQ);
        assert_eq!(gre_flags(gre::KEY | gre::STRICT), gre::KEY);
        assert_eq!(gre::hlen(gre_flags(gre::KEY | gre::CSUM)), 12);
    }

    #[test]
    fn ipip_hlen_from_encap() {
        assert_eq!(ipip_hlen(0), 0);
        assert_eq!(ipip_hlen(8), 8);
        assert_eq!(ipip_hlen(-22), 0);
    }

    proptest! {
        #[test]
        fn tos_not_one_is_kept(t in any::<u8>(), ds in any::<u8>()) {
            prop_assume!(t != 1);
            prop_assert_eq!(tos(t, Inner::Ipv6 { dsfield: ds, hop_limit: 1 }), t);
        }
    }
}
