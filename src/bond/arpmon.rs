// SPDX-License-Identifier: GPL-2.0

//! The ARP monitor's decisions, as `bond_main.c` makes them: which slaves
//! the load-balancing monitor (`bond_loadbalance_arp_mon`) and the
//! active-backup one (`bond_ab_arp_inspect`, `bond_ab_arp_probe`) bring
//! up or down, from the times each slave last sent a probe and last
//! received traffic; and the ARP fields the receive-side validation reads.
//!
//! Times are milliseconds on any monotonic clock.

use super::monitor::Link;

/// `bond_time_in_interval()`: whether `last` lies within `mult` intervals
/// (plus half an interval of slack) before `now`.
pub fn in_interval(now: u64, last: u64, mult: u64, interval: u64) -> bool {
    let lo = last.saturating_sub(interval);
    let hi = last
        .saturating_add(mult.saturating_mul(interval))
        .saturating_add(interval / 2);
    lo <= now && now <= hi
}

/// What the ARP monitor knows of one slave.
#[derive(Clone, Copy, Debug)]
pub struct ArpSlave {
    /// Committed link state.
    pub link: Link,
    /// State proposed by the last inspection.
    pub proposed: Option<Link>,
    /// Whether the slave is active (`bond_is_active_slave`).
    pub active: bool,
    /// Running with carrier (`bond_slave_is_up`).
    pub dev_up: bool,
    /// When it last sent a probe (`slave_last_tx`).
    pub last_tx: u64,
    /// When it last received validated traffic (`slave_last_rx`).
    pub last_rx: u64,
    /// When its link last came up (`last_link_up`).
    pub last_link_up: u64,
}

/// The monitor's settings.
#[derive(Clone, Copy, Debug)]
pub struct ArpParams {
    /// `arp_interval` in ms.
    pub interval: u64,
    /// `arp_missed_max`.
    pub missed_max: u64,
}

/// The outcome of one load-balancing monitor pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LbOutcome {
    /// Some slave's state is proposed to change.
    pub state_changed: bool,
    /// The active slave must be chosen anew.
    pub failover: bool,
}

/// One pass of `bond_loadbalance_arp_mon` (before sending the probes,
/// which go out on every slave that is up). `current` is the active
/// slave's index.
pub fn loadbalance_inspect(
    slaves: &mut [ArpSlave],
    current: Option<usize>,
    now: u64,
    p: ArpParams,
) -> LbOutcome {
    let mut out = LbOutcome::default();
    for (i, s) in slaves.iter_mut().enumerate() {
        s.proposed = None;
        if s.link != Link::Up {
            if in_interval(now, s.last_tx, 1, p.interval)
                && in_interval(now, s.last_rx, 1, p.interval)
            {
                s.proposed = Some(Link::Up);
                out.state_changed = true;
                if current.is_none() {
                    out.failover = true;
                }
            }
        } else if !in_interval(now, s.last_tx, p.missed_max, p.interval)
            || !in_interval(now, s.last_rx, p.missed_max, p.interval)
        {
            s.proposed = Some(Link::Down);
            out.state_changed = true;
            if current == Some(i) {
                out.failover = true;
            }
        }
    }
    out
}

/// `bond_ab_arp_inspect`: proposes link changes for active-backup; returns
/// how many. `has_arp_slave` tells whether a probe slave is set
/// (`current_arp_slave`).
pub fn ab_inspect(slaves: &mut [ArpSlave], has_arp_slave: bool, now: u64, p: ArpParams) -> usize {
    let mut commit = 0;
    for s in slaves.iter_mut() {
        s.proposed = None;
        if s.link != Link::Up {
            if in_interval(now, s.last_rx, 1, p.interval) {
                s.proposed = Some(Link::Up);
                commit += 1;
            } else if s.link == Link::Back {
                s.proposed = Some(Link::Fail);
                commit += 1;
            }
            continue;
        }
        if in_interval(now, s.last_link_up, 2, p.interval) {
            continue;
        }
        if !s.active && !has_arp_slave && !in_interval(now, s.last_rx, p.missed_max + 1, p.interval)
        {
            s.proposed = Some(Link::Down);
            commit += 1;
        }
        if s.active
            && (!in_interval(now, s.last_tx, p.missed_max, p.interval)
                || !in_interval(now, s.last_rx, p.missed_max, p.interval))
        {
            s.proposed = Some(Link::Down);
            commit += 1;
        }
    }
    commit
}

/// `bond_ab_arp_probe` without an active slave: the slave to probe next
/// after `current_arp` (the first up slave after it, wrapping around), or
/// `None` when no slave is up.
pub fn ab_next_probe_slave(slaves: &[ArpSlave], current_arp: Option<usize>) -> Option<usize> {
    let cur = current_arp.unwrap_or(0);
    let after = slaves
        .iter()
        .enumerate()
        .skip(cur.saturating_add(1))
        .find(|(_, s)| s.dev_up)
        .map(|(i, _)| i);
    after.or_else(|| {
        slaves
            .iter()
            .enumerate()
            .take(cur.saturating_add(1))
            .find(|(_, s)| s.dev_up)
            .map(|(i, _)| i)
    })
}

/// The fields of an Ethernet/IPv4 ARP packet the validation reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpInfo {
    /// `ar_op`.
    pub op: u16,
    /// Sender IP, as the bytes on the wire.
    pub sip: [u8; 4],
    /// Target IP, as the bytes on the wire.
    pub tip: [u8; 4],
}

/// `ARPOP_REQUEST`.
pub const ARPOP_REQUEST: u16 = 1;
/// `ARPOP_REPLY`.
pub const ARPOP_REPLY: u16 = 2;

/// Parses the ARP packet `arp` (after the Ethernet header) as
/// `bond_arp_rcv` does: Ethernet hardware, IPv4 protocol, 6-byte hardware
/// and 4-byte protocol addresses, or nothing.
pub fn parse_arp(arp: &[u8]) -> Option<ArpInfo> {
    let hrd = u16::from_be_bytes([*arp.first()?, *arp.get(1)?]);
    let pro = u16::from_be_bytes([*arp.get(2)?, *arp.get(3)?]);
    let (hln, pln) = (*arp.get(4)?, *arp.get(5)?);
    if hrd != 1 || pro != 0x0800 || hln != 6 || pln != 4 {
        return None;
    }
    let op = u16::from_be_bytes([*arp.get(6)?, *arp.get(7)?]);
    let sip = arp.get(14..18)?.try_into().ok()?;
    let tip = arp.get(24..28)?.try_into().ok()?;
    Some(ArpInfo { op, sip, tip })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: ArpParams = ArpParams {
        interval: 100,
        missed_max: 2,
    };

    fn slave(link: Link, tx: u64, rx: u64) -> ArpSlave {
        ArpSlave {
            link,
            proposed: None,
            active: true,
            dev_up: true,
            last_tx: tx,
            last_rx: rx,
            last_link_up: 0,
        }
    }

    #[test]
    fn interval_has_half_an_interval_of_slack() {
        assert!(in_interval(1150, 1000, 1, 100));
        assert!(!in_interval(1151, 1000, 1, 100));
        assert!(in_interval(1250, 1000, 2, 100));
    }

    #[test]
    fn loadbalance_up_and_down() {
        let mut s = [slave(Link::Down, 950, 960), slave(Link::Up, 500, 500)];
        let out = loadbalance_inspect(&mut s, Some(1), 1000, P);
        assert_eq!(s[0].proposed, Some(Link::Up));
        assert_eq!(s[1].proposed, Some(Link::Down));
        assert_eq!(
            out,
            LbOutcome {
                state_changed: true,
                failover: true
            }
        );
    }

    #[test]
    fn active_backup_active_slave_goes_down_without_replies() {
        let mut s = [slave(Link::Up, 990, 500)];
        assert_eq!(ab_inspect(&mut s, false, 1000, P), 1);
        assert_eq!(s[0].proposed, Some(Link::Down));
        // Just up: given two intervals.
        let mut t = [slave(Link::Up, 990, 500)];
        t[0].last_link_up = 900;
        assert_eq!(ab_inspect(&mut t, false, 1000, P), 0);
    }

    #[test]
    fn probe_rotates_over_up_slaves() {
        let mut s = [
            slave(Link::Down, 0, 0),
            slave(Link::Down, 0, 0),
            slave(Link::Down, 0, 0),
        ];
        s[1].dev_up = false;
        assert_eq!(ab_next_probe_slave(&s, Some(0)), Some(2));
        assert_eq!(ab_next_probe_slave(&s, Some(2)), Some(0));
        for x in s.iter_mut() {
            x.dev_up = false;
        }
        assert_eq!(ab_next_probe_slave(&s, Some(0)), None);
    }

    #[test]
    fn arp_fields() {
        let mut a = [0u8; 28];
        a[..8].copy_from_slice(&[0, 1, 8, 0, 6, 4, 0, 2]);
        a[14..18].copy_from_slice(&[192, 0, 2, 1]);
        a[24..28].copy_from_slice(&[192, 0, 2, 2]);
        let info = parse_arp(&a).unwrap();
        assert_eq!(
            (info.op, info.sip, info.tip),
            (ARPOP_REPLY, [192, 0, 2, 1], [192, 0, 2, 2])
        );
        a[4] = 8;
        assert_eq!(parse_arp(&a), None);
        assert_eq!(parse_arp(&a[..20]), None);
    }

    proptest! {
        #[test]
        fn recent_traffic_keeps_a_slave_up(tx in 0u64..100, rx in 0u64..100) {
            let now = 10_000;
            let mut s = [slave(Link::Up, now - tx, now - rx)];
            let out = loadbalance_inspect(&mut s, Some(0), now, P);
            prop_assert!(!out.state_changed);
        }

        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_arp(&bytes);
        }
    }
}
