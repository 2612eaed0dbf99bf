// SPDX-License-Identifier: GPL-2.0

//! The bond's counters as the sum of its slaves' (`bond_fold_stats`).

/// Adds what each counter of `now` grew by since `prev` to `total`, and
/// moves `prev` forward. As `bond_fold_stats`, a counter that never went
/// past 32 bits is taken as a 32-bit counter (so it may wrap), and a
/// counter that went backwards (a driver reset) adds nothing. Unlike the
/// C, `prev` never moves backwards either, so a snapshot read before a
/// newer one was folded cannot count the same packets twice.
pub fn fold_counters(total: &mut [u64], now: &[u64], prev: &mut [u64]) {
    for ((t, &nv), ov) in total.iter_mut().zip(now.iter()).zip(prev.iter_mut()) {
        let delta = if (nv | *ov) >> 32 == 0 {
            i64::from((nv as u32).wrapping_sub(*ov as u32) as i32)
        } else {
            nv.wrapping_sub(*ov) as i64
        };
        if delta > 0 {
            *t = t.wrapping_add(delta as u64);
            *ov = nv;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn growth_is_added_resets_are_not() {
        let (mut t, mut p) = ([10u64, 0], [5u64, 100]);
        fold_counters(&mut t, &[8, 20], &mut p);
        assert_eq!(t, [13, 0]);
        assert_eq!(p, [8, 100]);
    }

    #[test]
    fn a_32_bit_counter_wraps() {
        let (mut t, mut p) = ([0u64], [u64::from(u32::MAX) - 1]);
        fold_counters(&mut t, &[2], &mut p);
        assert_eq!(t, [4]);
    }

    proptest! {
        #[test]
        fn stale_snapshots_never_count_twice(a in 0u64..1000, b in 0u64..1000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let (mut t, mut p) = ([0u64], [0u64]);
            fold_counters(&mut t, &[hi], &mut p);
            fold_counters(&mut t, &[lo], &mut p);
            fold_counters(&mut t, &[hi], &mut p);
            prop_assert_eq!(t[0], hi);
        }
    }
}
