// SPDX-License-Identifier: GPL-2.0

//! ECN across a tunnel (RFC 6040, `include/net/inet_ecn.h`):
//! `INET_ECN_encapsulate()` and `INET_ECN_decapsulate()`.

/// `INET_ECN_MASK`.
pub const MASK: u8 = 3;
/// Not ECN-capable transport.
pub const NOT_ECT: u8 = 0;
/// ECT(1).
pub const ECT_1: u8 = 1;
/// ECT(0).
pub const ECT_0: u8 = 2;
/// Congestion experienced.
pub const CE: u8 = 3;

/// `INET_ECN_encapsulate()`: the outer TOS from the outer TOS and the
/// inner DS field (none for a payload without one): the inner ECN bits
/// are copied, except that CE becomes ECT(0).
pub fn encapsulate(outer: u8, inner: Option<u8>) -> u8 {
    let inner = inner.unwrap_or(0);
    let ecn = if inner & MASK == CE {
        ECT_0
    } else {
        inner & MASK
    };
    (outer & !MASK) | ecn
}

/// What decapsulation does to the inner packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decap {
    /// Leave it.
    Keep,
    /// Mark it CE.
    SetCe,
    /// Mark it ECT(1).
    SetEct1,
    /// Deliver it, but log "non-ECT from ... with TOS=..." (outer ECT over
    /// a not-ECT inner).
    Log,
    /// Log and drop it (outer CE over a not-ECT inner: rx_frame_errors).
    Drop,
}

/// `IP_ECN_decapsulate()`: the outer TOS and the inner DS field (`None`
/// for a payload that is neither IPv4 nor IPv6).
pub fn decapsulate(outer: u8, inner: Option<u8>) -> Decap {
    let Some(inner) = inner else {
        return Decap::Keep;
    };
    if inner & MASK == NOT_ECT {
        return match outer & MASK {
            NOT_ECT => Decap::Keep,
            CE => Decap::Drop,
            _ => Decap::Log,
        };
    }
    match outer & MASK {
        CE => Decap::SetCe,
        ECT_1 => Decap::SetEct1,
        _ => Decap::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc6040_table() {
        assert_eq!(decapsulate(CE, Some(NOT_ECT)), Decap::Drop);
        assert_eq!(decapsulate(ECT_0, Some(NOT_ECT)), Decap::Log);
        assert_eq!(decapsulate(ECT_1, Some(NOT_ECT)), Decap::Log);
        assert_eq!(decapsulate(NOT_ECT, Some(NOT_ECT)), Decap::Keep);
        assert_eq!(decapsulate(CE, Some(ECT_0)), Decap::SetCe);
        assert_eq!(decapsulate(ECT_1, Some(ECT_0)), Decap::SetEct1);
        assert_eq!(decapsulate(ECT_0, Some(ECT_1)), Decap::Keep);
        assert_eq!(decapsulate(CE, None), Decap::Keep);
        assert_eq!(encapsulate(0x10, Some(CE)), 0x10 | ECT_0);
        assert_eq!(encapsulate(0x13, Some(ECT_1)), 0x10 | ECT_1);
        assert_eq!(encapsulate(0x13, None), 0x10);
    }

    proptest! {
        /// Encapsulating then decapsulating never loses a CE mark and
        /// never drops an ECN-capable packet.
        #[test]
        fn round_trip(outer in any::<u8>(), inner in any::<u8>()) {
            let o = encapsulate(outer, Some(inner));
            prop_assert_eq!(o & !MASK, outer & !MASK);
            let d = decapsulate(o, Some(inner));
            prop_assert_ne!(d, Decap::Drop);
            if inner & MASK == CE {
                prop_assert_ne!(o & MASK, NOT_ECT);
            }
        }
    }
}
