// SPDX-License-Identifier: GPL-2.0

//! Ethernet addresses and EtherTypes.

/// Length of an Ethernet (MAC) address in bytes.
pub const ETH_ALEN: usize = 6;
/// EtherType of an IEEE 802.1Q (customer) VLAN tag.
pub const ETH_P_8021Q: u16 = 0x8100;
/// EtherType of an IEEE 802.1ad (service) VLAN tag.
pub const ETH_P_8021AD: u16 = 0x88a8;

/// An Ethernet MAC address.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MacAddr(pub [u8; ETH_ALEN]);

impl MacAddr {
    /// The all-zero address.
    pub const ZERO: MacAddr = MacAddr([0; ETH_ALEN]);

    /// Whether this is a group (multicast or broadcast) address.
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 1 != 0
    }

    /// Whether this is the all-zero address.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; ETH_ALEN]
    }

    /// Whether this address may be assigned to an interface: not zero and
    /// not a group address (the kernel's `is_valid_ether_addr()`).
    pub fn is_valid_unicast(&self) -> bool {
        !self.is_zero() && !self.is_multicast()
    }

    /// The address as an integer (its bytes in the low 48 bits, first
    /// byte lowest), for use as a hash key.
    pub fn to_bits(self) -> u64 {
        let a = self.0;
        u64::from_le_bytes([a[0], a[1], a[2], a[3], a[4], a[5], 0, 0])
    }

    /// The address [`Self::to_bits`] gave `bits` for.
    pub fn from_bits(bits: u64) -> MacAddr {
        let b = bits.to_le_bytes();
        MacAddr([b[0], b[1], b[2], b[3], b[4], b[5]])
    }

    /// Reads an address from the first six bytes of `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Option<MacAddr> {
        bytes.get(..ETH_ALEN)?.try_into().ok().map(MacAddr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_bits() {
        let a = MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0xff]);
        assert_eq!(MacAddr::from_bits(a.to_bits()), a);
        assert_eq!(a.to_bits() >> 48, 0);
    }

    #[test]
    fn classifies_addresses() {
        assert!(MacAddr([0x01, 0, 0x5e, 0, 0, 1]).is_multicast());
        assert!(!MacAddr([0x01, 0, 0x5e, 0, 0, 1]).is_valid_unicast());
        assert!(!MacAddr::ZERO.is_valid_unicast());
        assert!(MacAddr([0x02, 0, 0, 0, 0, 1]).is_valid_unicast());
        assert_eq!(MacAddr::from_slice(&[1, 2, 3]), None);
    }
}
