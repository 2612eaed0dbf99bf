// SPDX-License-Identifier: GPL-2.0

//! Link monitoring and active slave selection, as `bond_main.c` does them:
//! the MII monitor's per-slave link state machine with updelay/downdelay
//! (`bond_miimon_inspect`), and the choice of the active slave
//! (`bond_choose_primary_or_current`, `bond_find_best_slave`).

use super::proc::{DUPLEX_UNKNOWN, SPEED_UNKNOWN};

/// A slave's link state (`BOND_LINK_*`, the values netlink reports).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Link {
    /// Up.
    Up = 0,
    /// Went down; waiting out downdelay.
    Fail = 1,
    /// Down.
    Down = 2,
    /// Came back; waiting out updelay.
    Back = 3,
}

impl Link {
    /// The word `/proc/net/bonding` prints for the state (`bond_slave_link_status`).
    pub fn name(self) -> &'static str {
        match self {
            Link::Up => "up",
            Link::Fail => "going down",
            Link::Down => "down",
            Link::Back => "going back",
        }
    }
}

/// `primary_reselect` (`BOND_PRI_RESELECT_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum PrimaryReselect {
    /// The primary becomes active whenever it comes back.
    Always = 0,
    /// Only when it is faster (speed, then duplex) than the active slave.
    Better = 1,
    /// Only when the active slave fails.
    Failure = 2,
}

/// What the monitor knows of one slave.
#[derive(Clone, Copy, Debug)]
pub struct SlaveLink {
    /// The committed link state.
    pub link: Link,
    /// The state proposed by the last inspection, if it changes `link`.
    pub proposed: Option<Link>,
    /// Monitor ticks left before a `Fail` or `Back` state is committed.
    pub delay: i32,
    /// Whether the device is running with carrier (what the MII monitor
    /// samples).
    pub carrier: bool,
    /// The slave's priority (`prio`) for active slave selection.
    pub prio: i32,
    /// Link speed in Mb/s, or [`SPEED_UNKNOWN`].
    pub speed: u32,
    /// Duplex (`DUPLEX_*`), or [`DUPLEX_UNKNOWN`].
    pub duplex: u8,
}

impl SlaveLink {
    /// A slave in state `link`.
    pub fn new(link: Link, carrier: bool) -> SlaveLink {
        SlaveLink {
            link,
            proposed: None,
            delay: 0,
            carrier,
            prio: 0,
            speed: SPEED_UNKNOWN,
            duplex: DUPLEX_UNKNOWN,
        }
    }
}

/// One MII inspection pass (`bond_miimon_inspect`) over the slaves, with
/// delays in monitor ticks. `ignore_updelay` is set when the bond has no
/// usable slave (no active slave in active-backup), so the first slave
/// back is taken at once. Returns the number of proposed changes; apply
/// them with [`commit_proposed`] (intermediate `Fail`/`Back` states) and
/// act on the `Up`/`Down` ones.
pub fn inspect(
    slaves: &mut [SlaveLink],
    downdelay: i32,
    updelay: i32,
    mut ignore_updelay: bool,
) -> usize {
    let mut commit = 0;
    for s in slaves.iter_mut() {
        s.proposed = None;
        let up = s.carrier;
        let mut state = s.link;
        if state == Link::Up {
            if up {
                continue;
            }
            s.proposed = Some(Link::Fail);
            commit += 1;
            s.delay = downdelay;
            state = Link::Fail;
        }
        if state == Link::Fail {
            if up {
                s.proposed = Some(Link::Up);
                commit += 1;
                continue;
            }
            if s.delay <= 0 {
                s.proposed = Some(Link::Down);
                commit += 1;
                continue;
            }
            s.delay -= 1;
            continue;
        }
        if state == Link::Down {
            if !up {
                continue;
            }
            s.proposed = Some(Link::Back);
            commit += 1;
            s.delay = updelay;
            state = Link::Back;
        }
        if state == Link::Back {
            if !up {
                s.proposed = Some(Link::Down);
                commit += 1;
                continue;
            }
            if ignore_updelay {
                s.delay = 0;
            }
            if s.delay <= 0 {
                s.proposed = Some(Link::Up);
                commit += 1;
                ignore_updelay = false;
                continue;
            }
            s.delay -= 1;
        }
    }
    commit
}

/// Commits the states [`inspect`] proposed (`bond_commit_link_state`) and
/// calls `f` with each slave that went `Up` or `Down`, which the caller
/// must act on (`bond_miimon_commit`).
pub fn commit_proposed(slaves: &mut [SlaveLink], mut f: impl FnMut(usize, Link)) {
    for (i, s) in slaves.iter_mut().enumerate() {
        if let Some(new) = s.proposed.take() {
            s.link = new;
            if matches!(new, Link::Up | Link::Down) {
                f(i, new);
            }
        }
    }
}

/// `bond_choose_primary_or_current`: the primary or the current active
/// slave, if one of them should be active. `force_primary` is consumed.
pub fn choose_primary_or_current(
    slaves: &[SlaveLink],
    primary: Option<usize>,
    current: Option<usize>,
    force_primary: &mut bool,
    reselect: PrimaryReselect,
) -> Option<usize> {
    let is_up = |i: Option<usize>| {
        i.and_then(|i| slaves.get(i))
            .is_some_and(|s| s.link == Link::Up)
    };
    let mut prim = primary;
    if !is_up(prim) {
        let mut hprio: Option<usize> = None;
        for (i, s) in slaves.iter().enumerate() {
            if s.link == Link::Up {
                let h = *hprio.get_or_insert(i);
                if slaves.get(h).is_some_and(|h| s.prio > h.prio) {
                    hprio = Some(i);
                }
            }
        }
        if hprio.is_some() && hprio != current {
            prim = hprio;
        } else {
            return if is_up(current) { current } else { None };
        }
    } else if *force_primary {
        *force_primary = false;
        return prim;
    }
    if !is_up(current) {
        return prim;
    }
    let (Some(p), Some(c)) = (
        prim.and_then(|i| slaves.get(i)),
        current.and_then(|i| slaves.get(i)),
    ) else {
        return prim;
    };
    match reselect {
        PrimaryReselect::Always => prim,
        PrimaryReselect::Better => {
            if p.speed < c.speed || (p.speed == c.speed && p.duplex <= c.duplex) {
                current
            } else {
                prim
            }
        }
        PrimaryReselect::Failure => current,
    }
}

/// `bond_find_best_slave`: the slave that should be active, if any. A
/// slave coming back (`Back`) with the least delay left is taken when no
/// slave is up; `updelay` is in ticks.
pub fn find_best(
    slaves: &[SlaveLink],
    primary: Option<usize>,
    current: Option<usize>,
    force_primary: &mut bool,
    reselect: PrimaryReselect,
    updelay: i32,
) -> Option<usize> {
    if let Some(i) = choose_primary_or_current(slaves, primary, current, force_primary, reselect) {
        return Some(i);
    }
    let mut mintime = updelay;
    let mut best = None;
    for (i, s) in slaves.iter().enumerate() {
        if s.link == Link::Up {
            return Some(i);
        }
        if s.link == Link::Back && s.carrier && s.delay < mintime {
            mintime = s.delay;
            best = Some(i);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(s: &mut [SlaveLink], down: i32, up: i32) -> std::vec::Vec<(usize, Link)> {
        let mut v = std::vec::Vec::new();
        inspect(s, down, up, false);
        commit_proposed(s, |i, l| v.push((i, l)));
        v
    }

    #[test]
    fn downdelay_counts_ticks() {
        let mut s = [SlaveLink::new(Link::Up, true)];
        s[0].carrier = false;
        assert!(run(&mut s, 2, 0).is_empty());
        assert_eq!(s[0].link, Link::Fail);
        assert!(run(&mut s, 2, 0).is_empty());
        assert_eq!(run(&mut s, 2, 0), [(0, Link::Down)]);
    }

    #[test]
    fn no_downdelay_goes_down_at_once() {
        let mut s = [SlaveLink::new(Link::Up, false)];
        assert_eq!(run(&mut s, 0, 0), [(0, Link::Down)]);
        assert_eq!(s[0].link, Link::Down);
    }

    #[test]
    fn recovers_during_downdelay() {
        let mut s = [SlaveLink::new(Link::Up, false)];
        run(&mut s, 5, 0);
        s[0].carrier = true;
        assert_eq!(run(&mut s, 5, 0), [(0, Link::Up)]);
    }

    #[test]
    fn updelay_and_ignore_updelay() {
        let mut s = [SlaveLink::new(Link::Down, true)];
        assert!(run(&mut s, 0, 2).is_empty());
        assert_eq!(s[0].link, Link::Back);
        let mut t = [SlaveLink::new(Link::Down, true)];
        inspect(&mut t, 0, 2, true);
        assert_eq!(t[0].proposed, Some(Link::Up));
    }

    #[test]
    fn primary_and_reselect() {
        let mut s = [
            SlaveLink::new(Link::Up, true),
            SlaveLink::new(Link::Up, true),
        ];
        let mut force = false;
        let pick =
            |s: &[SlaveLink], r, f: &mut bool| choose_primary_or_current(s, Some(0), Some(1), f, r);
        assert_eq!(pick(&s, PrimaryReselect::Always, &mut force), Some(0));
        assert_eq!(pick(&s, PrimaryReselect::Failure, &mut force), Some(1));
        assert_eq!(pick(&s, PrimaryReselect::Better, &mut force), Some(1));
        s[0].speed = 1000;
        s[1].speed = 100;
        assert_eq!(pick(&s, PrimaryReselect::Better, &mut force), Some(0));
        force = true;
        assert_eq!(pick(&s, PrimaryReselect::Failure, &mut force), Some(0));
        assert!(!force);
    }

    #[test]
    fn highest_prio_wins_without_primary() {
        let mut s = [
            SlaveLink::new(Link::Up, true),
            SlaveLink::new(Link::Up, true),
        ];
        s[1].prio = 10;
        let mut force = false;
        assert_eq!(
            find_best(&s, None, Some(0), &mut force, PrimaryReselect::Always, 0),
            Some(1)
        );
        assert_eq!(
            find_best(&s, None, None, &mut force, PrimaryReselect::Always, 0),
            Some(1)
        );
    }

    #[test]
    fn back_slave_with_least_delay() {
        let mut s = [
            SlaveLink::new(Link::Back, true),
            SlaveLink::new(Link::Back, true),
        ];
        s[0].delay = 3;
        s[1].delay = 1;
        let mut force = false;
        assert_eq!(
            find_best(&s, None, None, &mut force, PrimaryReselect::Always, 5),
            Some(1)
        );
    }

    proptest! {
        #[test]
        fn down_is_reached_within_downdelay_ticks(down in 0i32..20) {
            let mut s = [SlaveLink::new(Link::Up, false)];
            let mut ticks = 0;
            while s[0].link != Link::Down {
                run(&mut s, down, 0);
                ticks += 1;
                prop_assert!(ticks <= down + 1);
            }
            prop_assert_eq!(ticks, down + 1);
        }

        #[test]
        fn best_is_up_when_any_is(links in proptest::collection::vec(0u8..4, 1..8)) {
            let s: std::vec::Vec<SlaveLink> = links.iter().map(|l| SlaveLink::new(match l {
                0 => Link::Up, 1 => Link::Fail, 2 => Link::Down, _ => Link::Back }, true)).collect();
            let mut force = false;
            let best = find_best(&s, None, None, &mut force, PrimaryReselect::Always, 0);
            if s.iter().any(|x| x.link == Link::Up) {
                prop_assert_eq!(best.map(|i| s[i].link), Some(Link::Up));
            }
        }
    }
}
