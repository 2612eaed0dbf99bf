// SPDX-License-Identifier: GPL-2.0

//! An ISATAP tunnel's potential router list (`net/ipv6/sit.c`: the
//! `SIOC{ADD,CHG,DEL,GET}PRL` ioctls, `ipip6_tunnel_add_prl()`,
//! `ipip6_tunnel_del_prl()`, `ipip6_tunnel_get_prl()` and
//! `isatap_chksrc()`'s use of it). The list is newest first, as sit.ko
//! links new entries at its head; the caller stores it and applies the
//! [`PrlEdit`] these rules decide.

/// `PRL_DEFAULT`: the router may be a default router.
pub const PRL_DEFAULT: u16 = 0x0001;

/// The size of `struct ip_tunnel_prl`, the unit of `SIOCGETPRL`'s
/// `datalen`.
pub const PRL_ENTRY_SIZE: u32 = 16;

/// `NDISC_NODETYPE_HOST`: an ISATAP packet from a host.
pub const NDISC_NODETYPE_HOST: u8 = 1;
/// `NDISC_NODETYPE_NODEFAULT`: from a listed router that is not a default
/// router.
pub const NDISC_NODETYPE_NODEFAULT: u8 = 2;
/// `NDISC_NODETYPE_DEFAULT`: from a listed default router.
pub const NDISC_NODETYPE_DEFAULT: u8 = 3;

/// One router of the list (`struct ip_tunnel_prl_entry`): its IPv4
/// address (host order) and flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrlEntry {
    /// The router's IPv4 address.
    pub addr: u32,
    /// `PRL_DEFAULT` or not (other bits are kept as given).
    pub flags: u16,
}

impl PrlEntry {
    /// `isatap_chksrc()`'s node type for a packet from this router.
    pub fn ndisc_nodetype(&self) -> u8 {
        if self.flags & PRL_DEFAULT != 0 {
            NDISC_NODETYPE_DEFAULT
        } else {
            NDISC_NODETYPE_NODEFAULT
        }
    }
}

/// Why a change to the list is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrlError {
    /// Adding or changing address 0.0.0.0: `EINVAL`.
    AnyAddress,
    /// Adding an address already listed: `EEXIST`.
    Exists,
    /// Changing or deleting an address not listed: `ENXIO`.
    NotListed,
}

/// The change to make to the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrlEdit {
    /// Put the entry at the head.
    Insert(PrlEntry),
    /// Set the flags of the entry at this index.
    SetFlags(usize, u16),
    /// Remove the entry at this index.
    Remove(usize),
    /// Empty the list.
    Clear,
}

/// `__ipip6_tunnel_locate_prl()`: the entry for `addr`.
pub fn locate(list: &[PrlEntry], addr: u32) -> Option<PrlEntry> {
    list.iter().copied().find(|e| e.addr == addr)
}

/// `ipip6_tunnel_add_prl()`: `SIOCADDPRL` (`change` false) or
/// `SIOCCHGPRL` (`change` true) of `req`.
pub fn add(list: &[PrlEntry], req: PrlEntry, change: bool) -> Result<PrlEdit, PrlError> {
    if req.addr == 0 {
        return Err(PrlError::AnyAddress);
    }
    match (list.iter().position(|e| e.addr == req.addr), change) {
        (Some(i), true) => Ok(PrlEdit::SetFlags(i, req.flags)),
        (Some(_), false) => Err(PrlError::Exists),
        (None, true) => Err(PrlError::NotListed),
        (None, false) => Ok(PrlEdit::Insert(req)),
    }
}

/// `ipip6_tunnel_del_prl()`: `SIOCDELPRL` of `addr`; 0.0.0.0 empties the
/// list (even an empty one).
pub fn delete(list: &[PrlEntry], addr: u32) -> Result<PrlEdit, PrlError> {
    if addr == 0 {
        return Ok(PrlEdit::Clear);
    }
    list.iter()
        .position(|e| e.addr == addr)
        .map(PrlEdit::Remove)
        .ok_or(PrlError::NotListed)
}

/// `ipip6_tunnel_get_prl()`'s limit: how many entries the caller's buffer
/// of `datalen` bytes after the request takes; asking for one address
/// gets at most one.
pub fn get_limit(addr: u32, datalen: u32) -> usize {
    let cmax = (datalen / PRL_ENTRY_SIZE) as usize;
    if cmax > 1 && addr != 0 {
        1
    } else {
        cmax
    }
}

/// `ipip6_tunnel_get_prl()`'s answer: the first `limit` entries, or only
/// `addr`'s unless it is 0.0.0.0.
pub fn select(list: &[PrlEntry], addr: u32, limit: usize) -> impl Iterator<Item = PrlEntry> + '_ {
    list.iter()
        .copied()
        .filter(move |e| addr == 0 || e.addr == addr)
        .take(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn apply(list: &mut Vec<PrlEntry>, edit: PrlEdit) {
        match edit {
            PrlEdit::Insert(e) => list.insert(0, e),
            PrlEdit::SetFlags(i, f) => list[i].flags = f,
            PrlEdit::Remove(i) => {
                list.remove(i);
            }
            PrlEdit::Clear => list.clear(),
        }
    }

    fn entry(addr: u32, flags: u16) -> PrlEntry {
        PrlEntry { addr, flags }
    }

    #[test]
    fn add_change_delete_as_sit() {
        let mut l = Vec::new();
        assert_eq!(add(&l, entry(0, 1), false), Err(PrlError::AnyAddress));
        assert_eq!(add(&l, entry(0, 1), true), Err(PrlError::AnyAddress));
        assert_eq!(add(&l, entry(5, 1), true), Err(PrlError::NotListed));
        let e = add(&l, entry(5, 1), false).unwrap();
        apply(&mut l, e);
        let e = add(&l, entry(6, 0), false).unwrap();
        apply(&mut l, e);
        assert_eq!(l, [entry(6, 0), entry(5, 1)]);
        assert_eq!(add(&l, entry(5, 0), false), Err(PrlError::Exists));
        let e = add(&l, entry(5, 0), true).unwrap();
        apply(&mut l, e);
        assert_eq!(locate(&l, 5), Some(entry(5, 0)));
        assert_eq!(locate(&l, 7), None);
        assert_eq!(delete(&l, 7), Err(PrlError::NotListed));
        let e = delete(&l, 6).unwrap();
        apply(&mut l, e);
        assert_eq!(l, [entry(5, 0)]);
        assert_eq!(delete(&l, 0), Ok(PrlEdit::Clear));
        assert_eq!(delete(&[], 0), Ok(PrlEdit::Clear));
    }

    #[test]
    fn node_types() {
        assert_eq!(
            entry(1, PRL_DEFAULT).ndisc_nodetype(),
            NDISC_NODETYPE_DEFAULT
        );
        assert_eq!(entry(1, 0).ndisc_nodetype(), NDISC_NODETYPE_NODEFAULT);
        assert_eq!(entry(1, 2).ndisc_nodetype(), NDISC_NODETYPE_NODEFAULT);
    }

    #[test]
    fn get_as_sit() {
        let l = [entry(3, 0), entry(2, 1), entry(1, 0)];
        assert_eq!(get_limit(0, 16 * 5), 5);
        assert_eq!(get_limit(2, 16 * 5), 1);
        assert_eq!(get_limit(2, 0), 0);
        assert_eq!(get_limit(0, 31), 1);
        let all: Vec<_> = select(&l, 0, get_limit(0, 16 * 5)).collect();
        assert_eq!(all, l);
        let two: Vec<_> = select(&l, 0, 2).collect();
        assert_eq!(two, [entry(3, 0), entry(2, 1)]);
        let one: Vec<_> = select(&l, 2, get_limit(2, 64)).collect();
        assert_eq!(one, [entry(2, 1)]);
        assert_eq!(select(&l, 9, 1).count(), 0);
    }

    proptest! {
        /// Against a model: a list of distinct, non-zero addresses, newest
        /// first, whatever the sequence of commands.
        #[test]
        fn model(ops in proptest::collection::vec((0u8..3, 0u32..5, 0u16..2), 0..40)) {
            let mut l: Vec<PrlEntry> = Vec::new();
            for (op, addr, flags) in ops {
                let before = l.clone();
                let r = match op {
                    0 => add(&l, entry(addr, flags), false),
                    1 => add(&l, entry(addr, flags), true),
                    _ => delete(&l, addr),
                };
                match r {
                    Ok(edit) => apply(&mut l, edit),
                    Err(_) => prop_assert_eq!(&l, &before),
                }
                let listed = before.iter().any(|e| e.addr == addr);
                match (op, addr, listed) {
                    (0 | 1, 0, _) => prop_assert_eq!(r, Err(PrlError::AnyAddress)),
                    (0, _, true) => prop_assert_eq!(r, Err(PrlError::Exists)),
                    (0, _, false) => prop_assert_eq!(l[0], entry(addr, flags)),
                    (1, _, true) => prop_assert_eq!(locate(&l, addr), Some(entry(addr, flags))),
                    (1 | 2, _, false) if addr != 0 => prop_assert_eq!(r, Err(PrlError::NotListed)),
                    (2, 0, _) => prop_assert!(l.is_empty()),
                    _ => prop_assert_eq!(locate(&l, addr), None),
                }
                let mut addrs: Vec<_> = l.iter().map(|e| e.addr).collect();
                addrs.sort();
                addrs.dedup();
                prop_assert_eq!(addrs.len(), l.len());
                prop_assert!(l.iter().all(|e| e.addr != 0));
            }
        }
    }
}
