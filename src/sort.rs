// SPDX-License-Identifier: GPL-2.0

//! An in-place heap sort for the modules' control paths.
//!
//! core's `sort_unstable*` may end in `panic_on_ord_violation()`, a
//! function the kernel's objtool (7.3) does not know never returns, so a
//! module calling it fails its build's objtool check. This sort has no
//! panic path: O(n log n), no allocation, not stable.

/// Sorts `v` by `key`, smallest first.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    let less = |v: &[T], a: usize, b: usize| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => key(x) < key(y),
        _ => false,
    };
    // Restores the max-heap below `root` within `v[..end]`.
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(v, child, child + 1) {
            child += 1;
        }
        if !less(v, root, child) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let len = v.len();
    for root in (0..len / 2).rev() {
        sift_down(v, root, len);
    }
    for end in (1..len).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    proptest! {
        #[test]
        fn sorts_as_the_standard_sort(mut v in proptest::collection::vec((0u8..16, any::<u32>()), 0..64)) {
            let mut want = v.clone();
            want.sort_by_key(|e| e.0);
            sort_by_key(&mut v, |e| e.0);
            let keys = |s: &[(u8, u32)]| s.iter().map(|e| e.0).collect::<Vec<_>>();
            prop_assert_eq!(keys(&v), keys(&want));
            let mut got_all = v.clone();
            got_all.sort();
            let mut want_all = want.clone();
            want_all.sort();
            prop_assert_eq!(got_all, want_all);
        }
    }
}
