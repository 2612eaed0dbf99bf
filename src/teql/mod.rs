// SPDX-License-Identifier: GPL-2.0

//! TEQL, the true (or trivial) link equalizer of `net/sched/sch_teql.c`:
//! the rules a slave joins its master by, what the master takes from its
//! slaves when it opens, the order of the slave ring, and the text of
//! rvnet's `/proc/net/teql`.

pub mod proc;
pub mod ring;

/// `IFF_UP`.
pub const IFF_UP: u32 = 0x1;
/// `IFF_BROADCAST`.
pub const IFF_BROADCAST: u32 = 0x2;
/// `IFF_POINTOPOINT`.
pub const IFF_POINTOPOINT: u32 = 0x10;
/// `IFF_MULTICAST`.
pub const IFF_MULTICAST: u32 = 0x1000;
/// The flags a master copies from its first slave and ANDs over all of
/// them when it opens (`FMASK`).
pub const FMASK: u32 = IFF_BROADCAST | IFF_POINTOPOINT;
/// The flags a slave must share with a master that is up.
const JOIN_MASK: u32 = FMASK | IFF_MULTICAST;

/// The flags and MTU of a device, as the equalizer sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkParams {
    /// `dev->flags`.
    pub flags: u32,
    /// `dev->mtu`.
    pub mtu: u32,
}

/// A slave that may not join a master that is up: it lacks one of the
/// master's point-to-point, broadcast or multicast flags, or its MTU is
/// smaller (`teql_qdisc_init()`'s `-EINVAL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incompatible;

/// What the master becomes when `slave` joins it (`teql_qdisc_init()`,
/// under the ring lock). The first slave is not checked: the master takes
/// its MTU and its broadcast and point-to-point flags. Later slaves of a
/// master that is up must match it; of a master that is down they clear
/// the flags they lack and lower the MTU to theirs.
pub fn join(
    master: LinkParams,
    slave: LinkParams,
    first: bool,
) -> Result<LinkParams, Incompatible> {
    if first {
        return Ok(LinkParams {
            flags: (master.flags & !FMASK) | (slave.flags & FMASK),
            mtu: slave.mtu,
        });
    }
    if master.flags & IFF_UP != 0 {
        let missing = master.flags & JOIN_MASK & !slave.flags;
        if missing != 0 || slave.mtu < master.mtu {
            return Err(Incompatible);
        }
        return Ok(master);
    }
    Ok(LinkParams {
        flags: master.flags & !(JOIN_MASK & !slave.flags),
        mtu: master.mtu.min(slave.mtu),
    })
}

/// What a slave contributes to [`open`].
#[derive(Clone, Copy, Debug)]
pub struct SlaveParams {
    /// The slave's flags and MTU.
    pub link: LinkParams,
    /// The slave's `hard_header_len`.
    pub hard_header_len: u32,
}

/// Why the master cannot open (`teql_master_open()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// No slaves (`-EUNATCH`).
    NoSlaves,
    /// A slave's link header is longer than `LL_MAX_HEADER` (`-EINVAL`).
    HeaderTooLong,
}

/// The largest MTU a master opens with (`teql_master_open()`'s start).
pub const OPEN_MTU_CEILING: u32 = 0xFFFE;

/// The master's flags and MTU when it opens over `slaves`: the smallest
/// slave MTU; broadcast or point-to-point only if every slave is (else
/// NBMA); multicast left as it is.
pub fn open(
    master_flags: u32,
    slaves: impl IntoIterator<Item = SlaveParams>,
    ll_max_header: u32,
) -> Result<LinkParams, OpenError> {
    let mut mtu = OPEN_MTU_CEILING;
    let mut flags = FMASK;
    let mut any = false;
    for s in slaves {
        any = true;
        mtu = mtu.min(s.link.mtu);
        if s.hard_header_len > ll_max_header {
            return Err(OpenError::HeaderTooLong);
        }
        flags &= s.link.flags;
    }
    if !any {
        return Err(OpenError::NoSlaves);
    }
    Ok(LinkParams {
        flags: (master_flags & !FMASK) | flags,
        mtu,
    })
}

/// Whether the master may take `mtu` (`teql_master_mtu()`): not above any
/// slave's.
pub fn mtu_fits(mtu: u32, slave_mtus: impl IntoIterator<Item = u32>) -> bool {
    slave_mtus.into_iter().all(|m| mtu <= m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETH: u32 = IFF_BROADCAST | IFF_MULTICAST;
    const PTP: u32 = IFF_POINTOPOINT | IFF_MULTICAST;

    fn p(flags: u32, mtu: u32) -> LinkParams {
        LinkParams { flags, mtu }
    }

    #[test]
    fn first_slave_is_unchecked_and_sets_mtu_and_fmask() {
        let m = p(IFF_UP | 0x80 | IFF_MULTICAST, 1500);
        let r = join(m, p(IFF_POINTOPOINT, 1400), true).unwrap();
        assert_eq!(r, p(IFF_UP | 0x80 | IFF_MULTICAST | IFF_POINTOPOINT, 1400));
        // Above the master's MTU too: the master takes it.
        assert_eq!(join(p(0, 1500), p(ETH, 9000), true).unwrap().mtu, 9000);
    }

    #[test]
    fn up_master_rejects_missing_flags_and_smaller_mtu() {
        let m = p(IFF_UP | ETH, 1500);
        assert_eq!(join(m, p(ETH, 1500), false), Ok(m));
        assert_eq!(join(m, p(ETH, 9000), false), Ok(m));
        assert_eq!(join(m, p(IFF_BROADCAST, 1500), false), Err(Incompatible));
        assert_eq!(join(m, p(ETH, 1499), false), Err(Incompatible));
        assert_eq!(
            join(p(IFF_UP | PTP, 1500), p(ETH, 1500), false),
            Err(Incompatible)
        );
    }

    #[test]
    fn down_master_narrows() {
        let r = join(p(ETH, 1500), p(PTP, 1400), false).unwrap();
        assert_eq!(r, p(IFF_MULTICAST, 1400));
        let r = join(p(ETH, 1400), p(0, 9000), false).unwrap();
        assert_eq!(r, p(0, 1400));
    }

    #[test]
    fn open_takes_smallest_mtu_and_common_flags() {
        let s = |flags, mtu| SlaveParams {
            link: p(flags, mtu),
            hard_header_len: 14,
        };
        assert_eq!(open(0, [], 96), Err(OpenError::NoSlaves));
        let r = open(IFF_MULTICAST | 0x80, [s(ETH, 1500), s(ETH, 1400)], 96).unwrap();
        assert_eq!(r, p(IFF_MULTICAST | 0x80 | IFF_BROADCAST, 1400));
        let r = open(IFF_MULTICAST, [s(ETH, 70000), s(PTP, 1480)], 96).unwrap();
        assert_eq!(r, p(IFF_MULTICAST, 1480));
        assert_eq!(open(0, [s(ETH, 70000)], 96).unwrap().mtu, OPEN_MTU_CEILING);
        let long = SlaveParams {
            link: p(ETH, 1500),
            hard_header_len: 97,
        };
        assert_eq!(open(0, [long], 96), Err(OpenError::HeaderTooLong));
    }

    #[test]
    fn mtu() {
        assert!(mtu_fits(1500, [1500, 9000]));
        assert!(!mtu_fits(1501, [1500, 9000]));
        assert!(mtu_fits(9000, []));
    }
}
