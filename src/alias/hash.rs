// SPDX-License-Identifier: GPL-2.0

//! The kernel hash functions macvlan and ipvlan use: `hash_32()` and
//! `hash_64()` of `include/linux/hash.h` (generic versions, 64-bit
//! `BITS_PER_LONG`) and `jhash_1word()` / `jhash2()` of
//! `include/linux/jhash.h`.

/// `GOLDEN_RATIO_32`.
pub const GOLDEN_RATIO_32: u32 = 0x61C8_8647;
/// `GOLDEN_RATIO_64`.
pub const GOLDEN_RATIO_64: u64 = 0x61C8_8646_80B5_83EB;
/// `JHASH_INITVAL`.
pub const JHASH_INITVAL: u32 = 0xdead_beef;

/// `hash_32(val, bits)`: the top `bits` bits of `val * GOLDEN_RATIO_32`
/// (`bits` is clamped to 1..=32; the kernel never passes anything else).
pub fn hash_32(val: u32, bits: u32) -> u32 {
    let bits = bits.clamp(1, 32);
    val.wrapping_mul(GOLDEN_RATIO_32) >> (32 - bits)
}

/// `hash_64(val, bits)` on a 64-bit kernel (`hash_64_generic()`): the top
/// `bits` bits of `val * GOLDEN_RATIO_64` (`bits` clamped to 1..=32).
pub fn hash_64(val: u64, bits: u32) -> u32 {
    let bits = bits.clamp(1, 32);
    // At most 32 bits remain after the shift.
    (val.wrapping_mul(GOLDEN_RATIO_64) >> (64 - bits)) as u32
}

/// `__jhash_final(a, b, c)`, returning `c`.
fn jhash_final(mut a: u32, mut b: u32, mut c: u32) -> u32 {
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(14));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(11));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(25));
    c ^= b;
    c = c.wrapping_sub(b.rotate_left(16));
    a ^= c;
    a = a.wrapping_sub(c.rotate_left(4));
    b ^= a;
    b = b.wrapping_sub(a.rotate_left(14));
    c ^= b;
    c.wrapping_sub(b.rotate_left(24))
}

/// One line of `__jhash_mix()`: `x -= z; x ^= rol32(z, r); z += y;`.
fn mix_step(x: &mut u32, y: u32, z: &mut u32, r: u32) {
    *x = x.wrapping_sub(*z);
    *x ^= z.rotate_left(r);
    *z = z.wrapping_add(y);
}

/// `__jhash_mix(a, b, c)`.
fn jhash_mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    mix_step(a, *b, c, 4);
    mix_step(b, *c, a, 6);
    mix_step(c, *a, b, 8);
    mix_step(a, *b, c, 16);
    mix_step(b, *c, a, 19);
    mix_step(c, *a, b, 4);
}

/// `jhash_1word(a, initval)`.
pub fn jhash_1word(a: u32, initval: u32) -> u32 {
    let init = initval.wrapping_add(JHASH_INITVAL).wrapping_add(1 << 2);
    jhash_final(a.wrapping_add(init), init, init)
}

/// `jhash2(k, length, initval)` over 32-bit words.
pub fn jhash2(k: &[u32], initval: u32) -> u32 {
    // The kernel passes a u32 length; longer keys do not occur.
    let len = u32::try_from(k.len()).unwrap_or(u32::MAX);
    let start = JHASH_INITVAL
        .wrapping_add(len.wrapping_shl(2))
        .wrapping_add(initval);
    let (mut a, mut b, mut c) = (start, start, start);
    let mut rest = k;
    // All but the last one to three words.
    while let [x, y, z, tail @ ..] = rest {
        if tail.is_empty() {
            break;
        }
        a = a.wrapping_add(*x);
        b = b.wrapping_add(*y);
        c = c.wrapping_add(*z);
        jhash_mix(&mut a, &mut b, &mut c);
        rest = tail;
    }
    match *rest {
        [x, y, z] => jhash_final(a.wrapping_add(x), b.wrapping_add(y), c.wrapping_add(z)),
        [x, y] => jhash_final(a.wrapping_add(x), b.wrapping_add(y), c),
        [x] => jhash_final(a.wrapping_add(x), b, c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Expected values come from a line-by-line transcription of the C
    // macros (`hash.h`, `jhash.h`) in Python arbitrary-precision integers.

    #[test]
    fn golden_ratio_hashes() {
        assert_eq!(hash_32(0x1234_5678, 8), 119);
        assert_eq!(hash_32(1, 32), GOLDEN_RATIO_32);
        assert_eq!(hash_64(1, 8), 0x61);
        // u64::MAX * phi64 = -phi64 mod 2^64; its top half.
        assert_eq!(hash_64(u64::MAX, 32), 0x9e37_79b9);
    }

    #[test]
    fn jenkins_hashes() {
        assert_eq!(jhash_1word(0, 0), 0x0493_96b8);
        assert_eq!(
            jhash_1word(u32::from_le_bytes([192, 168, 1, 10]), 0x1234_5678),
            0x9938_cf0c
        );
        // No words: the initial value, unmixed.
        assert_eq!(jhash2(&[], 7), 0xdead_bef6);
        // Seven words: two mixing rounds, then the final of one word.
        assert_eq!(jhash2(&[1, 2, 3, 4, 5, 6, 7], 0), 0x3e60_6a2c);
    }

    proptest! {
        /// Both hashes stay below `1 << bits`.
        #[test]
        fn hashes_fit_their_bits(v: u64, bits in 1u32..32) {
            prop_assert!(hash_32(v as u32, bits) < 1 << bits);
            prop_assert!(hash_64(v, bits) < 1 << bits);
        }
    }
}
