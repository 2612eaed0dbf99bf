// SPDX-License-Identifier: GPL-2.0

//! The bridge's and its ports' options: defaults, checks and the time
//! units of the netlink interface (`br_netlink.c`, `br.c`, `br_if.c`).

/// `USER_HZ`: netlink carries bridge times in `clock_t`, 1/100 s.
pub const USER_HZ: u64 = 100;

/// Converts jiffies to `clock_t` as the kernel's `jiffies_to_clock_t()`.
pub fn jiffies_to_clock_t(j: u64, hz: u64) -> u64 {
    if hz % USER_HZ == 0 {
        j.checked_div(hz / USER_HZ).unwrap_or(0)
    } else {
        j.saturating_mul(USER_HZ).checked_div(hz).unwrap_or(0)
    }
}

/// Converts `clock_t` to jiffies as the kernel's `clock_t_to_jiffies()`
/// (saturating at `u64::MAX`).
pub fn clock_t_to_jiffies(x: u64, hz: u64) -> u64 {
    if hz % USER_HZ == 0 {
        x.saturating_mul(hz / USER_HZ)
    } else {
        x.checked_mul(hz).map_or(u64::MAX, |v| v / USER_HZ)
    }
}

/// The default ageing time: 300 s (`BR_DEFAULT_AGEING_TIME`), in `clock_t`.
pub const DEFAULT_AGEING_TIME_CT: u64 = 300 * USER_HZ;

/// The link-local group bits that can never be forwarded: STP, MAC pause
/// and LACP (`BR_GROUPFWD_RESTRICTED`).
pub const GROUPFWD_RESTRICTED: u16 = 0b111;

/// Checks a bridge `group_fwd_mask` (`br_changelink()`: `EINVAL`).
pub fn check_group_fwd_mask(mask: u16) -> Result<(), i32> {
    if mask & GROUPFWD_RESTRICTED != 0 {
        Err(22)
    } else {
        Ok(())
    }
}

/// Checks a port `group_fwd_mask` (`br_setport()`: only MAC pause is
/// refused there, `EINVAL`).
pub fn check_port_group_fwd_mask(mask: u16) -> Result<(), i32> {
    if mask & 0b10 != 0 {
        Err(22)
    } else {
        Ok(())
    }
}

/// Checks a new BPDU group address (`br_changelink()`): link-local, and
/// not pause, LACP or 802.1X (`EINVAL`).
pub fn check_group_addr(addr: &[u8]) -> Result<[u8; 6], i32> {
    let a: [u8; 6] = addr.try_into().map_err(|_| 22)?;
    if a[..5] != [0x01, 0x80, 0xc2, 0, 0] || a[5] & 0xf0 != 0 || matches!(a[5], 1..=3) {
        return Err(22);
    }
    Ok(a)
}

/// The default BPDU group address, 01:80:C2:00:00:00.
pub const DEFAULT_GROUP_ADDR: [u8; 6] = [0x01, 0x80, 0xc2, 0, 0, 0];

/// The boolean options of `IFLA_BR_MULTI_BOOLOPT` (`enum br_boolopt_id`).
pub mod boolopt {
    /// `no_linklocal_learn`: do not learn from link-local frames.
    pub const NO_LL_LEARN: u32 = 1 << 0;
    /// `mcast_vlan_snooping`.
    pub const MCAST_VLAN_SNOOPING: u32 = 1 << 1;
    /// `mst_enabled`.
    pub const MST_ENABLE: u32 = 1 << 2;
    /// `mdb_offload_fail_notification`.
    pub const MDB_OFFLOAD_FAIL_NOTIFICATION: u32 = 1 << 3;
    /// `fdb_local_vlan_0`.
    pub const FDB_LOCAL_VLAN_0: u32 = 1 << 4;
    /// Every option this kernel knows (`BR_BOOLOPT_MAX` bits).
    pub const ALL: u32 = 0x1f;
}

/// Applies a `struct br_boolopt_multi` to `current` as
/// `br_boolopt_multi_toggle()`: an unknown bit is `EINVAL` with "Unknown
/// boolean option N"; `supported` names the options that may be turned
/// on (the others need VLAN filtering or multicast snooping, which this
/// bridge lacks: `EOPNOTSUPP`, as bridge.ko built without them).
pub fn apply_boolopts(
    current: u32,
    optval: u32,
    optmask: u32,
    supported: u32,
) -> Result<u32, BoolOptError> {
    if let Some(bit) = (0..32).find(|b| optmask & !boolopt::ALL & (1 << b) != 0) {
        return Err(BoolOptError::Unknown(bit));
    }
    let mut v = current;
    for bit in (0..5).map(|b| 1u32 << b).filter(|b| optmask & b != 0) {
        if optval & bit != 0 {
            if supported & bit == 0 {
                return Err(BoolOptError::NotSupported);
            }
            v |= bit;
        } else {
            v &= !bit;
        }
    }
    Ok(v)
}

/// Why [`apply_boolopts`] refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BoolOptError {
    /// An option number this kernel does not know.
    Unknown(u32),
    /// An option that needs a feature this bridge lacks.
    NotSupported,
}

/// Per-port flags (`BR_*` port flags), shown as `IFLA_BRPORT_*`.
pub mod port_flags {
    /// `BR_HAIRPIN_MODE`: frames may go back out the port they came in by.
    pub const HAIRPIN: u32 = 1 << 0;
    /// `BR_BPDU_GUARD`: a BPDU disables the port.
    pub const BPDU_GUARD: u32 = 1 << 1;
    /// `BR_ROOT_BLOCK`: the port may not become root port.
    pub const ROOT_BLOCK: u32 = 1 << 2;
    /// `BR_LEARNING`.
    pub const LEARNING: u32 = 1 << 3;
    /// `BR_FLOOD`: unknown unicast is flooded to the port.
    pub const FLOOD: u32 = 1 << 4;
    /// `BR_MCAST_FLOOD`.
    pub const MCAST_FLOOD: u32 = 1 << 5;
    /// `BR_BCAST_FLOOD`.
    pub const BCAST_FLOOD: u32 = 1 << 6;
    /// `BR_ISOLATED`: no forwarding to other isolated ports.
    pub const ISOLATED: u32 = 1 << 7;
    /// A new port's flags (`new_nbp()`).
    pub const DEFAULT: u32 = LEARNING | FLOOD | MCAST_FLOOD | BCAST_FLOOD;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clock_t_conversions_match_the_kernel_at_250_hz() {
        // 250 is not a multiple of 100: x * 250 / 100, then j * 100 / 250.
        assert_eq!(clock_t_to_jiffies(1500, 250), 3750);
        assert_eq!(clock_t_to_jiffies(301, 250), 752);
        assert_eq!(jiffies_to_clock_t(752, 250), 300);
        assert_eq!(clock_t_to_jiffies(u64::MAX, 250), u64::MAX);
        assert_eq!(clock_t_to_jiffies(7, 1000), 70);
        assert_eq!(jiffies_to_clock_t(75, 1000), 7);
    }

    #[test]
    fn group_masks_and_addresses() {
        assert_eq!(check_group_fwd_mask(1), Err(22));
        assert_eq!(check_group_fwd_mask(4), Err(22));
        assert_eq!(check_group_fwd_mask(1 << 14), Ok(()));
        assert_eq!(check_port_group_fwd_mask(1), Ok(()));
        assert_eq!(check_port_group_fwd_mask(2), Err(22));
        assert_eq!(check_port_group_fwd_mask(4), Ok(()));
        assert_eq!(check_port_group_fwd_mask(4), Ok(()));
        assert!(check_group_addr(&[1, 0x80, 0xc2, 0, 0, 8]).is_ok());
        assert!(check_group_addr(&[1, 0x80, 0xc2, 0, 0, 2]).is_err());
        assert!(check_group_addr(&[1, 0x80, 0xc2, 0, 0, 0x10]).is_err());
        assert!(check_group_addr(&[1, 0x80, 0xc2, 0, 0]).is_err());
    }

    #[test]
    fn boolopts() {
        use boolopt::*;
        assert_eq!(
            apply_boolopts(0, NO_LL_LEARN, NO_LL_LEARN, NO_LL_LEARN),
            Ok(NO_LL_LEARN)
        );
        assert_eq!(
            apply_boolopts(NO_LL_LEARN, 0, NO_LL_LEARN, NO_LL_LEARN),
            Ok(0)
        );
        assert_eq!(
            apply_boolopts(0, 0, 1 << 7, ALL),
            Err(BoolOptError::Unknown(7))
        );
        assert_eq!(
            apply_boolopts(0, MST_ENABLE, MST_ENABLE, NO_LL_LEARN),
            Err(BoolOptError::NotSupported)
        );
        // Turning an unsupported option off is fine.
        assert_eq!(apply_boolopts(0, 0, MST_ENABLE, NO_LL_LEARN), Ok(0));
    }

    proptest! {
        /// Whole seconds survive the round trip at any common HZ.
        #[test]
        fn whole_seconds_round_trip(s in 0u64..100_000, hz in prop::sample::select(&[100u64, 250, 300, 1000][..])) {
            let ct = s * USER_HZ;
            prop_assert_eq!(jiffies_to_clock_t(clock_t_to_jiffies(ct, hz), hz), ct);
        }
    }
}
