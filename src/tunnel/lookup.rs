// SPDX-License-Identifier: GPL-2.0

//! The per-namespace tunnel table's matching rules: `ip_tunnel_lookup()`
//! (which tunnel receives a packet), `ip_tunnel_find()` (which tunnel has
//! the same parameters) and `ip_bucket()` (the hash chain a tunnel is on).
//!
//! A table is the kernel's hash chains, each newest first; the lookups
//! take a function giving the entries of one chain.

use super::{is_multicast, Parms, GRE_KEY};

/// `IP_TNL_HASH_BITS`.
pub const HASH_BITS: u32 = 7;

/// How many chains a table has (`IP_TNL_HASH_SIZE`; sit's four tables of
/// 16 chains fit in them too).
pub const CHAINS: usize = 1 << HASH_BITS;

/// `hash_32(key ^ remote, IP_TNL_HASH_BITS)` on the network-order
/// (big-endian) values, as `ip_tunnel_hash()`.
pub fn hash(key: u32, remote: u32) -> u32 {
    let raw = key.to_be() ^ remote.to_be();
    raw.wrapping_mul(0x61C8_8647) >> (32 - HASH_BITS)
}

/// `ip_bucket()`: the chain of a tunnel with parameters `p`.
pub fn bucket(p: &Parms) -> usize {
    let remote = if p.daddr != 0 && !is_multicast(p.daddr) {
        p.daddr
    } else {
        0
    };
    hash(p.i_key, remote) as usize
}

/// One tunnel as the table sees it.
pub trait Entry {
    /// Its parameters.
    fn parms(&self) -> &Parms;
    /// Whether its device is up.
    fn is_up(&self) -> bool;
    /// Its device type (`dev->type`).
    fn dev_type(&self) -> u16;
}

/// The key of a received packet (`flags`, `key` of `ip_tunnel_lookup()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketKey {
    /// No key information (`IP_TUNNEL_NO_KEY`: ipip, sit).
    None,
    /// A packet without a key.
    Absent,
    /// A packet with this key.
    Present(u32),
}

/// `ip_tunnel_key_match()`.
fn key_match(p: &Parms, key: PacketKey) -> bool {
    match key {
        PacketKey::Present(k) => p.i_flags & GRE_KEY != 0 && p.i_key == k,
        PacketKey::Absent | PacketKey::None => p.i_flags & GRE_KEY == 0,
    }
}

fn key_value(key: PacketKey) -> u32 {
    match key {
        PacketKey::Present(k) => k,
        _ => 0,
    }
}

/// `ip_tunnel_lookup()` over the chains `chain(i)` (each newest first):
/// the tunnel for a packet from `remote` to `local` received on `link`.
/// The four passes: (local, remote), (*, remote), (local, *) or a
/// multicast group equal to the local address, (*, *); the first two on
/// the remote's chain, the others on the chain of no remote. An equal
/// `link` wins at once; otherwise the first candidate (the last one of the
/// first pass) is kept. The caller falls back to the collect_md and
/// fallback devices when this finds nothing.
pub fn lookup<'a, E: Entry + 'a, I: Iterator<Item = &'a E>>(
    chain: impl Fn(usize) -> I,
    link: i32,
    key: PacketKey,
    remote: u32,
    local: u32,
) -> Option<&'a E> {
    let kv = key_value(key);
    let by_remote = hash(kv, remote) as usize;
    let any_remote = hash(kv, 0) as usize;
    let mut cand: Option<&E> = None;

    for e in chain(by_remote) {
        let p = e.parms();
        if local != p.saddr || remote != p.daddr || !e.is_up() || !key_match(p, key) {
            continue;
        }
        if p.link == link {
            return Some(e);
        }
        cand = Some(e);
    }
    for e in chain(by_remote) {
        let p = e.parms();
        if remote != p.daddr || p.saddr != 0 || !e.is_up() || !key_match(p, key) {
            continue;
        }
        if p.link == link {
            return Some(e);
        }
        cand = cand.or(Some(e));
    }
    for e in chain(any_remote) {
        let p = e.parms();
        if (local != p.saddr || p.daddr != 0) && (local != p.daddr || !is_multicast(local)) {
            continue;
        }
        if !e.is_up() || !key_match(p, key) {
            continue;
        }
        if p.link == link {
            return Some(e);
        }
        cand = cand.or(Some(e));
    }
    for e in chain(any_remote) {
        let p = e.parms();
        if (key != PacketKey::None && p.i_key != kv) || p.saddr != 0 || p.daddr != 0 || !e.is_up() {
            continue;
        }
        if p.link == link {
            return Some(e);
        }
        cand = cand.or(Some(e));
    }
    cand
}

/// `ip_tunnel_find()`: the tunnel with the same local, remote, link, type
/// and key as `p`, on its chain of `chain(i)`.
pub fn find<'a, E: Entry + 'a, I: Iterator<Item = &'a E>>(
    mut chain: impl FnMut(usize) -> I,
    p: &Parms,
    dev_type: u16,
) -> Option<&'a E> {
    let key = if p.i_flags & GRE_KEY != 0 {
        PacketKey::Present(p.i_key)
    } else {
        PacketKey::Absent
    };
    chain(bucket(p)).find(|e| {
        let t = e.parms();
        t.saddr == p.saddr
            && t.daddr == p.daddr
            && t.link == p.link
            && e.dev_type() == dev_type
            && key_match(t, key)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    #[derive(Debug, Clone)]
    struct T {
        p: Parms,
        up: bool,
        id: usize,
    }

    impl Entry for T {
        fn parms(&self) -> &Parms {
            &self.p
        }
        fn is_up(&self) -> bool {
            self.up
        }
        fn dev_type(&self) -> u16 {
            768
        }
    }

    fn t(id: usize, saddr: u32, daddr: u32, link: i32) -> T {
        T {
            p: Parms {
                saddr,
                daddr,
                link,
                ..Parms::default()
            },
            up: true,
            id,
        }
    }

    /// The chains of a list of tunnels (newest first).
    fn chains<'a>(table: &'a [T]) -> impl Fn(usize) -> std::vec::IntoIter<&'a T> + 'a {
        move |i| {
            table
                .iter()
                .filter(|e| bucket(&e.p) == i)
                .collect::<Vec<_>>()
                .into_iter()
        }
    }

    const A: u32 = 0x0a00_0001;
    const B: u32 = 0x0a00_0002;
    const C: u32 = 0x0a00_0003;

    #[test]
    fn order() {
        let table = [t(0, A, B, 0), t(1, 0, B, 0), t(2, A, 0, 0), t(3, 0, 0, 0)];
        let find =
            |remote, local| lookup(chains(&table), 0, PacketKey::None, remote, local).map(|e| e.id);
        assert_eq!(find(B, A), Some(0));
        assert_eq!(find(B, C), Some(1));
        assert_eq!(find(C, A), Some(2));
        assert_eq!(find(C, C), Some(3));
    }

    #[test]
    fn link_preferred_and_down_skipped() {
        let mut table = [t(0, A, B, 5), t(1, A, B, 7)];
        let find = |t: &[T], link| lookup(chains(t), link, PacketKey::None, B, A).map(|e| e.id);
        assert_eq!(find(&table, 7), Some(1));
        assert_eq!(find(&table, 5), Some(0));
        // Within the first pass the last candidate wins.
        assert_eq!(find(&table, 9), Some(1));
        table[1].up = false;
        assert_eq!(find(&table, 9), Some(0));
    }

    #[test]
    fn keys_isolate() {
        let mut keyed = t(0, A, B, 0);
        keyed.p.i_flags = GRE_KEY;
        keyed.p.i_key = 42;
        let table = [keyed, t(1, A, B, 0)];
        let id = |k| lookup(chains(&table), 0, k, B, A).map(|e| e.id);
        assert_eq!(id(PacketKey::Present(42)), Some(0));
        assert_eq!(id(PacketKey::Present(43)), None);
        assert_eq!(id(PacketKey::Absent), Some(1));
    }

    #[test]
    fn multicast_group() {
        let g = 0xe000_0001;
        let table = [t(0, 0, g, 0)];
        assert_eq!(
            lookup(chains(&table), 0, PacketKey::None, B, g).map(|e| e.id),
            Some(0)
        );
    }

    /// A straightforward model: for each pass, the candidates in order.
    fn model(table: &[T], link: i32, remote: u32, local: u32) -> Option<usize> {
        let up: Vec<&T> = table.iter().filter(|e| e.up).collect();
        let passes: [&dyn Fn(&Parms) -> bool; 4] = [
            &|p| p.saddr == local && p.daddr == remote,
            &|p| p.saddr == 0 && p.daddr == remote,
            &|p| (p.saddr == local && p.daddr == 0) || (p.daddr == local && is_multicast(local)),
            &|p| p.saddr == 0 && p.daddr == 0,
        ];
        let mut cand = None;
        for (i, pass) in passes.iter().enumerate() {
            let h = if i < 2 { hash(0, remote) } else { hash(0, 0) } as usize;
            let matching: Vec<&&T> = up
                .iter()
                .filter(|e| bucket(&e.p) == h && pass(&e.p))
                .collect();
            if let Some(e) = matching.iter().find(|e| e.p.link == link) {
                return Some(e.id);
            }
            if i == 0 {
                cand = matching.last().map(|e| e.id);
            } else if cand.is_none() {
                cand = matching.first().map(|e| e.id);
            }
        }
        cand
    }

    proptest! {
        #[test]
        fn lookup_matches_model(
            specs in proptest::collection::vec((0usize..3, 0usize..3, 0i32..3, any::<bool>()), 0..8),
            link in 0i32..3, r in 0usize..3, l in 0usize..3,
        ) {
            let addrs = [0u32, A, B];
            let table: Vec<T> = specs.iter().enumerate().map(|(id, &(s, d, lk, up))| {
                let mut e = t(id, addrs[s], addrs[d], lk);
                e.up = up;
                e
            }).collect();
            let (remote, local) = (addrs[r], addrs[l]);
            let got = lookup(chains(&table), link, PacketKey::None, remote, local).map(|e| e.id);
            prop_assert_eq!(got, model(&table, link, remote, local));
        }
    }
}
