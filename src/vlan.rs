// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.1Q / 802.1ad VLAN logic: ids, protocols, flags, tag control
//! information and the priority (QoS) maps, as `net/8021q` defines them.

use super::ether::{ETH_ALEN, ETH_P_8021AD, ETH_P_8021Q};

/// Length of one VLAN tag (TPID + TCI).
pub const VLAN_HLEN: usize = 4;
/// Number of VLAN ids (0..=4095).
pub const VLAN_N_VID: usize = 4096;
/// Mask of the VLAN id in a TCI; also the first id that may not be used.
pub const VLAN_VID_MASK: u16 = 0x0fff;
/// Shift of the priority code point in a TCI.
pub const VLAN_PRIO_SHIFT: u16 = 13;
/// Mask of the priority code point in a TCI.
pub const VLAN_PRIO_MASK: u16 = 0xe000;

/// Errors of VLAN configuration, each with the errno 8021q returns for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VlanError {
    /// The id is 4095 or above (`-ERANGE`).
    InvalidId,
    /// The protocol is neither 802.1Q nor 802.1ad (`-EPROTONOSUPPORT`).
    InvalidProtocol,
    /// A flag outside the known set (`-EINVAL`).
    InvalidFlags,
    /// The egress priority map is full (`-ENOBUFS`).
    EgressMapFull,
}

impl VlanError {
    /// The (positive) errno value that 8021q returns for this error.
    pub fn errno(self) -> i32 {
        match self {
            VlanError::InvalidId => 34,       // ERANGE
            VlanError::InvalidProtocol => 93, // EPROTONOSUPPORT
            VlanError::InvalidFlags => 22,    // EINVAL
            VlanError::EgressMapFull => 105,  // ENOBUFS
        }
    }

    /// The extack message 8021q gives for this error.
    pub fn message(self) -> &'static core::ffi::CStr {
        match self {
            VlanError::InvalidId => c"Invalid VLAN id",
            VlanError::InvalidProtocol => c"Invalid VLAN protocol",
            VlanError::InvalidFlags => c"Invalid VLAN flags",
            VlanError::EgressMapFull => c"Too many egress QoS mappings",
        }
    }
}

/// Checks a VLAN id from userspace: 0..=4094 are valid.
pub fn check_vid(id: u16) -> Result<u16, VlanError> {
    if id >= VLAN_VID_MASK {
        Err(VlanError::InvalidId)
    } else {
        Ok(id)
    }
}

/// The tag protocol of a VLAN device.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VlanProto {
    /// IEEE 802.1Q, TPID 0x8100.
    Dot1Q,
    /// IEEE 802.1ad (QinQ service tag), TPID 0x88a8.
    Dot1AD,
}

impl VlanProto {
    /// The protocol of a TPID in host byte order.
    pub fn from_ethertype(tpid: u16) -> Result<VlanProto, VlanError> {
        match tpid {
            ETH_P_8021Q => Ok(VlanProto::Dot1Q),
            ETH_P_8021AD => Ok(VlanProto::Dot1AD),
            _ => Err(VlanError::InvalidProtocol),
        }
    }

    /// The TPID in host byte order.
    pub fn ethertype(self) -> u16 {
        match self {
            VlanProto::Dot1Q => ETH_P_8021Q,
            VlanProto::Dot1AD => ETH_P_8021AD,
        }
    }

    /// A dense index (0 or 1), for per-protocol tables.
    pub fn index(self) -> usize {
        match self {
            VlanProto::Dot1Q => 0,
            VlanProto::Dot1AD => 1,
        }
    }
}

/// `VLAN_FLAG_REORDER_HDR`: the tag is kept out of the frame on the VLAN
/// device (it travels as metadata).
pub const VLAN_FLAG_REORDER_HDR: u32 = 0x1;
/// `VLAN_FLAG_GVRP`: register the VLAN with GVRP.
pub const VLAN_FLAG_GVRP: u32 = 0x2;
/// `VLAN_FLAG_LOOSE_BINDING`: the VLAN does not follow the lower's up/down.
pub const VLAN_FLAG_LOOSE_BINDING: u32 = 0x4;
/// `VLAN_FLAG_MVRP`: register the VLAN with MVRP.
pub const VLAN_FLAG_MVRP: u32 = 0x8;
/// `VLAN_FLAG_BRIDGE_BINDING`: the carrier follows bridge ports in the VLAN.
pub const VLAN_FLAG_BRIDGE_BINDING: u32 = 0x10;
/// Every flag 8021q knows.
pub const VLAN_FLAGS_KNOWN: u32 = VLAN_FLAG_REORDER_HDR
    | VLAN_FLAG_GVRP
    | VLAN_FLAG_LOOSE_BINDING
    | VLAN_FLAG_MVRP
    | VLAN_FLAG_BRIDGE_BINDING;

/// Checks the `IFLA_VLAN_FLAGS` (flags, mask) pair as `vlan_validate()` does:
/// only the bits that are both set and masked must be known.
pub fn validate_flags(flags: u32, mask: u32) -> Result<(), VlanError> {
    if flags & mask & !VLAN_FLAGS_KNOWN != 0 {
        Err(VlanError::InvalidFlags)
    } else {
        Ok(())
    }
}

/// Applies a (flags, mask) change to `old` as `vlan_dev_change_flags()`
/// does: any unknown bit in the mask is refused.
pub fn change_flags(old: u32, flags: u32, mask: u32) -> Result<u32, VlanError> {
    if mask & !VLAN_FLAGS_KNOWN != 0 {
        return Err(VlanError::InvalidFlags);
    }
    Ok((old & !mask) | (flags & mask))
}

/// Tag control information: priority, drop eligibility and VLAN id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Tci(pub u16);

impl Tci {
    /// Builds a TCI from a VLAN id and priority bits already in place
    /// (`vid | qos`, as 8021q does on transmit).
    pub fn new(vid: u16, qos: u16) -> Tci {
        Tci((vid & VLAN_VID_MASK) | (qos & VLAN_PRIO_MASK))
    }

    /// The VLAN id.
    pub fn vid(self) -> u16 {
        self.0 & VLAN_VID_MASK
    }

    /// The 3-bit priority code point.
    pub fn pcp(self) -> u8 {
        ((self.0 & VLAN_PRIO_MASK) >> VLAN_PRIO_SHIFT) as u8
    }
}

/// A VLAN tag found in a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VlanTag {
    /// The tag protocol.
    pub proto: VlanProto,
    /// The tag control information.
    pub tci: Tci,
    /// The EtherType of what follows the tag.
    pub inner_type: u16,
}

/// Parses the outer VLAN tag of an Ethernet frame, if it has one.
pub fn parse_tag(frame: &[u8]) -> Option<VlanTag> {
    let be16 = |at: usize| -> Option<u16> {
        Some(u16::from_be_bytes(frame.get(at..at + 2)?.try_into().ok()?))
    };
    let proto = VlanProto::from_ethertype(be16(2 * ETH_ALEN)?).ok()?;
    Some(VlanTag {
        proto,
        tci: Tci(be16(2 * ETH_ALEN + 2)?),
        inner_type: be16(2 * ETH_ALEN + VLAN_HLEN)?,
    })
}

/// Most VLAN tags [`network_protocol`] looks through (the kernel's
/// `VLAN_MAX_DEPTH`).
pub const VLAN_MAX_DEPTH: usize = 8;

/// The EtherType of what an Ethernet frame carries, looking through up to
/// [`VLAN_MAX_DEPTH`] VLAN tags (`__vlan_get_protocol()`); 0 when the frame
/// is too short to tell.
pub fn network_protocol(frame: &[u8]) -> u16 {
    let mut at = 2 * ETH_ALEN;
    for _ in 0..=VLAN_MAX_DEPTH {
        let Some(t) = frame.get(at..at + 2) else {
            return 0;
        };
        let ethertype = u16::from_be_bytes([t[0], t[1]]);
        if VlanProto::from_ethertype(ethertype).is_err() {
            return ethertype;
        }
        at += VLAN_HLEN;
    }
    0
}

/// Inserts a VLAN tag after the MAC addresses of the `len`-byte frame in
/// `buf`, which must have [`VLAN_HLEN`] bytes of room after the frame.
/// Returns the new length.
pub fn push_tag(buf: &mut [u8], len: usize, proto: VlanProto, tci: Tci) -> Option<usize> {
    let at = 2 * ETH_ALEN;
    if len < at || buf.len() < len + VLAN_HLEN {
        return None;
    }
    buf.copy_within(at..len, at + VLAN_HLEN);
    buf[at..at + 2].copy_from_slice(&proto.ethertype().to_be_bytes());
    buf[at + 2..at + 4].copy_from_slice(&tci.0.to_be_bytes());
    Some(len + VLAN_HLEN)
}

/// Removes the outer VLAN tag of the `len`-byte frame in `buf`, returning
/// the tag and the new length.
pub fn pop_tag(buf: &mut [u8], len: usize) -> Option<(VlanTag, usize)> {
    let tag = parse_tag(buf.get(..len)?)?;
    let at = 2 * ETH_ALEN;
    buf.copy_within(at + VLAN_HLEN..len, at);
    Some((tag, len - VLAN_HLEN))
}

/// The ingress priority map: VLAN priority (PCP) to skb priority.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct IngressQosMap {
    map: [u32; 8],
}

impl IngressQosMap {
    /// The map with `entries`, indexed by VLAN priority.
    pub fn from_entries(entries: [u32; 8]) -> IngressQosMap {
        IngressQosMap { map: entries }
    }

    /// Maps VLAN priority `vlan_prio` (its low three bits) to `skb_prio`; 0
    /// removes the mapping.
    pub fn set(&mut self, vlan_prio: u32, skb_prio: u32) {
        self.map[(vlan_prio & 7) as usize] = skb_prio;
    }

    /// The skb priority for a received TCI.
    pub fn priority(&self, tci: Tci) -> u32 {
        self.map[tci.pcp() as usize]
    }

    /// The whole map, indexed by VLAN priority.
    pub fn entries(&self) -> &[u32; 8] {
        &self.map
    }

    /// How many VLAN priorities have a mapping.
    pub fn len(&self) -> usize {
        self.map.iter().filter(|p| **p != 0).count()
    }

    /// Whether no priority has a mapping.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Most egress mappings one VLAN device holds.
pub const EGRESS_QOS_MAX: usize = 64;

/// One egress mapping: skb priority to VLAN priority.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EgressMapping {
    /// The skb priority.
    pub skb_prio: u32,
    /// The VLAN priority (0..=7).
    pub vlan_prio: u8,
}

/// The egress priority map: skb priority to VLAN priority.
///
/// Entries are kept in the order 8021q lists them (by `skb_prio & 0xf`,
/// newest first within that), so dumps match byte for byte.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EgressQosMap {
    len: usize,
    entries: [EgressMapping; EGRESS_QOS_MAX],
}

impl Default for EgressQosMap {
    fn default() -> Self {
        EgressQosMap {
            len: 0,
            entries: [EgressMapping::default(); EGRESS_QOS_MAX],
        }
    }
}

impl EgressQosMap {
    /// Maps `skb_prio` to VLAN priority `vlan_prio` (low three bits); 0
    /// removes the mapping, as `vlan_dev_set_egress_priority()` does.
    pub fn set(&mut self, skb_prio: u32, vlan_prio: u32) -> Result<(), VlanError> {
        let vlan_prio = (vlan_prio & 7) as u8;
        if let Some(i) = self.mappings().iter().position(|m| m.skb_prio == skb_prio) {
            if vlan_prio == 0 {
                self.entries.copy_within(i + 1..self.len, i);
                self.len -= 1;
            } else {
                self.entries[i].vlan_prio = vlan_prio;
            }
            return Ok(());
        }
        if vlan_prio == 0 {
            return Ok(());
        }
        if self.len == EGRESS_QOS_MAX {
            return Err(VlanError::EgressMapFull);
        }
        let bucket = skb_prio & 0xf;
        let at = self
            .mappings()
            .iter()
            .position(|m| m.skb_prio & 0xf >= bucket)
            .unwrap_or(self.len);
        self.entries.copy_within(at..self.len, at + 1);
        self.entries[at] = EgressMapping {
            skb_prio,
            vlan_prio,
        };
        self.len += 1;
        Ok(())
    }

    /// The priority bits (already shifted into TCI position) for an skb
    /// priority, 0 when unmapped.
    pub fn qos_bits(&self, skb_prio: u32) -> u16 {
        self.mappings()
            .iter()
            .find(|m| m.skb_prio == skb_prio)
            .map_or(0, |m| u16::from(m.vlan_prio) << VLAN_PRIO_SHIFT)
    }

    /// The mappings, in 8021q's listing order.
    pub fn mappings(&self) -> &[EgressMapping] {
        &self.entries[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vid_range_matches_8021q() {
        assert_eq!(check_vid(0), Ok(0));
        assert_eq!(check_vid(4094), Ok(4094));
        assert_eq!(check_vid(4095), Err(VlanError::InvalidId));
        assert_eq!(VlanError::InvalidId.errno(), 34);
    }

    #[test]
    fn flags() {
        assert!(validate_flags(VLAN_FLAG_LOOSE_BINDING, !0).is_ok());
        assert!(validate_flags(0x20, 0x20).is_err());
        assert!(validate_flags(0x20, 0).is_ok());
        assert_eq!(change_flags(1, 4, 4), Ok(5));
        assert_eq!(change_flags(5, 0, 1), Ok(4));
        assert!(change_flags(0, 0, 0x40).is_err());
    }

    #[test]
    fn network_protocol_looks_through_tags() {
        let mut f = [0u8; 24];
        f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
        assert_eq!(network_protocol(&f), 0x0800);
        f[12..14].copy_from_slice(&0x88a8u16.to_be_bytes());
        f[16..18].copy_from_slice(&0x8100u16.to_be_bytes());
        f[20..22].copy_from_slice(&0x86ddu16.to_be_bytes());
        assert_eq!(network_protocol(&f), 0x86dd);
        assert_eq!(network_protocol(&f[..19]), 0);
        let deep = [0x81u8, 0x00, 0, 1].repeat(12);
        let mut g = [0u8; 12].to_vec();
        g.extend_from_slice(&deep);
        assert_eq!(network_protocol(&g), 0);
    }

    #[test]
    fn protocols() {
        assert_eq!(VlanProto::from_ethertype(0x8100), Ok(VlanProto::Dot1Q));
        assert_eq!(VlanProto::from_ethertype(0x88a8), Ok(VlanProto::Dot1AD));
        assert_eq!(
            VlanProto::from_ethertype(0x0800),
            Err(VlanError::InvalidProtocol)
        );
    }

    #[test]
    fn egress_order_matches_8021q_buckets() {
        let mut m = EgressQosMap::default();
        m.set(17, 3).unwrap(); // bucket 1
        m.set(2, 5).unwrap(); // bucket 2
        m.set(1, 4).unwrap(); // bucket 1, newest first
        let order: [u32; 3] = core::array::from_fn(|i| m.mappings()[i].skb_prio);
        assert_eq!(order, [1, 17, 2]);
        assert_eq!(m.qos_bits(2), 5 << 13);
        m.set(17, 0).unwrap();
        assert_eq!(m.mappings().len(), 2);
        assert_eq!(m.qos_bits(17), 0);
        m.set(99, 0).unwrap();
        assert_eq!(m.mappings().len(), 2);
    }

    #[test]
    fn egress_map_is_bounded() {
        let mut m = EgressQosMap::default();
        for p in 0..EGRESS_QOS_MAX as u32 {
            m.set(p, 1).unwrap();
        }
        assert_eq!(m.set(1000, 1), Err(VlanError::EgressMapFull));
        assert!(m.set(5, 2).is_ok());
    }

    #[test]
    fn ingress_map() {
        let mut m = IngressQosMap::default();
        m.set(9, 7); // 9 & 7 == 1
        assert_eq!(m.priority(Tci(1 << 13 | 100)), 7);
        assert_eq!(m.len(), 1);
        m.set(1, 0);
        assert!(m.is_empty());
    }

    proptest! {
        #[test]
        fn push_then_pop_is_identity(payload in proptest::collection::vec(any::<u8>(), 14..200),
                                     vid in 0u16..4095, pcp in 0u16..8, ad in any::<bool>()) {
            let proto = if ad { VlanProto::Dot1AD } else { VlanProto::Dot1Q };
            let mut buf = payload.clone();
            buf.resize(payload.len() + VLAN_HLEN, 0);
            let tci = Tci::new(vid, pcp << VLAN_PRIO_SHIFT);
            let n = push_tag(&mut buf, payload.len(), proto, tci).unwrap();
            let tag = parse_tag(&buf[..n]).unwrap();
            prop_assert_eq!(tag.proto, proto);
            prop_assert_eq!(tag.tci.vid(), vid);
            prop_assert_eq!(u16::from(tag.tci.pcp()), pcp);
            let (_, m) = pop_tag(&mut buf, n).unwrap();
            prop_assert_eq!(&buf[..m], &payload[..]);
        }

        #[test]
        fn egress_lookup_agrees_with_a_model(ops in proptest::collection::vec((0u32..40, 0u32..8), 0..100)) {
            let mut m = EgressQosMap::default();
            let mut model = [0u16; 40];
            for (prio, qos) in ops {
                m.set(prio, qos).unwrap();
                model[prio as usize] = (qos as u16) << VLAN_PRIO_SHIFT;
            }
            for p in 0..40u32 {
                prop_assert_eq!(m.qos_bits(p), model[p as usize]);
            }
            let buckets: std::vec::Vec<u32> = m.mappings().iter().map(|e| e.skb_prio & 0xf).collect();
            prop_assert!(buckets.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
