// SPDX-License-Identifier: GPL-2.0

//! The forwarding database: which port each MAC address was last seen on
//! (`net/bridge/br_fdb.c`).
//!
//! Entries are read without locks on the datapath, so their mutable parts
//! are atomics. The table itself is a [`FdbStore`]: the kernel module's is
//! an RCU hash table with a newest-first list, the tests' a vector. The
//! functions here are `br_fdb.c`'s, in its order of checks, run on any
//! store while the caller holds the store's writer lock.

use super::super::ether::MacAddr;
use core::sync::atomic::{AtomicU16, AtomicU64, Ordering::Relaxed};

/// The owner of an entry that points at the bridge device itself (the
/// C's `fdb->dst == NULL`).
pub const BRIDGE_ITSELF: u16 = 0;

/// `BR_FDB_LOCAL`: the address is the bridge's own or a port's own.
pub const LOCAL: u16 = 1 << 0;
/// `BR_FDB_STATIC`: never ages out.
pub const STATIC: u16 = 1 << 1;
/// `BR_FDB_STICKY`: never moves to another port.
pub const STICKY: u16 = 1 << 2;
/// `BR_FDB_ADDED_BY_USER`: added through netlink.
pub const ADDED_BY_USER: u16 = 1 << 3;
/// `BR_FDB_DYNAMIC_LEARNED`: counted in the learned entries.
pub const DYNAMIC_LEARNED: u16 = 1 << 4;

/// `NUD_PERMANENT` (an `ndm_state` bit): a local entry.
pub const NUD_PERMANENT: u16 = 0x80;
/// `NUD_NOARP`: a static entry.
pub const NUD_NOARP: u16 = 0x40;
/// `NUD_STALE`: an expired dynamic entry.
pub const NUD_STALE: u16 = 0x04;
/// `NUD_REACHABLE`: a live dynamic entry.
pub const NUD_REACHABLE: u16 = 0x02;
/// `NTF_STICKY` (an `ndm_flags` bit).
pub const NTF_STICKY: u8 = 0x40;
/// `NLM_F_EXCL`.
pub const NLM_F_EXCL: u16 = 0x200;
/// `NLM_F_CREATE`.
pub const NLM_F_CREATE: u16 = 0x400;

const EINVAL: i32 = 22;
const ENOENT: i32 = 2;
const ENOMEM: i32 = 12;
const EEXIST: i32 = 17;
const EPERM: i32 = 1;

/// An entry's key: address and VLAN id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FdbKey {
    /// The MAC address.
    pub addr: MacAddr,
    /// The VLAN id (0 without VLAN filtering).
    pub vid: u16,
}

impl FdbKey {
    /// The key of `addr` in VLAN `vid`.
    pub fn new(addr: MacAddr, vid: u16) -> FdbKey {
        FdbKey { addr, vid }
    }

    /// The key as the 8 bytes a hash table hashes: address, then VLAN id
    /// in host order.
    pub fn to_bits(self) -> u64 {
        let a = self.addr.0;
        u64::from_le_bytes([a[0], a[1], a[2], a[3], a[4], a[5], 0, 0]) | (u64::from(self.vid) << 48)
    }

    /// The key [`Self::to_bits`] made.
    pub fn from_bits(bits: u64) -> FdbKey {
        let b = bits.to_le_bytes();
        FdbKey {
            addr: MacAddr([b[0], b[1], b[2], b[3], b[4], b[5]]),
            vid: (bits >> 48) as u16,
        }
    }
}

/// One entry. Times are in jiffies.
#[derive(Debug)]
pub struct FdbEntry {
    port: AtomicU16,
    flags: AtomicU16,
    updated: AtomicU64,
    used: AtomicU64,
}

impl FdbEntry {
    /// A new entry on `port` (a port number, or [`BRIDGE_ITSELF`]) with
    /// `flags`, created at `now`.
    pub fn new(port: u16, flags: u16, now: u64) -> FdbEntry {
        FdbEntry {
            port: AtomicU16::new(port),
            flags: AtomicU16::new(flags),
            updated: AtomicU64::new(now),
            used: AtomicU64::new(now),
        }
    }

    /// The port number the address is behind ([`BRIDGE_ITSELF`]: the
    /// bridge device).
    pub fn port(&self) -> u16 {
        self.port.load(Relaxed)
    }

    /// The entry's flags (`LOCAL`, `STATIC`, ...).
    pub fn flags(&self) -> u16 {
        self.flags.load(Relaxed)
    }

    /// Whether any of `flags` is set.
    pub fn has(&self, flags: u16) -> bool {
        self.flags() & flags != 0
    }

    fn set(&self, flags: u16) {
        self.flags.fetch_or(flags, Relaxed);
    }

    fn clear(&self, flags: u16) {
        self.flags.fetch_and(!flags, Relaxed);
    }

    /// When the entry was last refreshed by traffic from its address.
    pub fn updated(&self) -> u64 {
        self.updated.load(Relaxed)
    }

    /// When the entry last forwarded a frame.
    pub fn used(&self) -> u64 {
        self.used.load(Relaxed)
    }

    /// Records that the entry forwarded a frame at `now` (written only when
    /// it changes, as the C does, to keep the cache line clean).
    pub fn mark_used(&self, now: u64) {
        if self.used() != now {
            self.used.store(now, Relaxed);
        }
    }

    /// Whether a dynamic entry is older than `hold` at `now`
    /// (`has_expired()`).
    pub fn has_expired(&self, now: u64, hold: u64) -> bool {
        !self.has(STATIC) && self.updated().wrapping_add(hold) <= now
    }

    /// The `ndm_state` reported for the entry (`fdb_to_nud()`).
    pub fn nud_state(&self, now: u64, hold: u64) -> u16 {
        if self.has(LOCAL) {
            NUD_PERMANENT
        } else if self.has(STATIC) {
            NUD_NOARP
        } else if self.has_expired(now, hold) {
            NUD_STALE
        } else {
            NUD_REACHABLE
        }
    }
}

/// The hold time of dynamic entries (`hold_time()`): the forward delay
/// while the spanning tree reports a topology change, else the ageing time.
pub fn hold_time(topology_change: bool, forward_delay: u64, ageing_time: u64) -> u64 {
    if topology_change {
        forward_delay
    } else {
        ageing_time
    }
}

/// What an ageing pass does with one entry (`br_fdb_cleanup()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ageing {
    /// Static: never ages.
    Keep,
    /// Still live: look again after this many jiffies.
    LiveFor(u64),
    /// Expired: delete it.
    Expire,
}

/// Decides the fate of `entry` in an ageing pass at `now`.
pub fn age(entry: &FdbEntry, now: u64, hold: u64) -> Ageing {
    if entry.has(STATIC) {
        return Ageing::Keep;
    }
    let expires = entry.updated().wrapping_add(hold);
    if expires > now {
        Ageing::LiveFor(expires - now)
    } else {
        Ageing::Expire
    }
}

/// The delay before the next ageing pass: the soonest expiry seen, at least
/// 10 ms (`br_fdb_cleanup()`'s `max_t(..., msecs_to_jiffies(10))`).
pub fn next_ageing_pass(soonest: u64, ten_ms: u64) -> u64 {
    soonest.max(ten_ms)
}

/// Why the FDB logic tells the store about an entry (`fdb_notify()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// `RTM_NEWNEIGH`: created or changed.
    New,
    /// `RTM_DELNEIGH`: about to be removed.
    Del,
}

/// The table the FDB logic runs on, with the caller holding its writer
/// lock (the C's `br->hash_lock`).
pub trait FdbStore {
    /// The entry for `key`.
    fn find(&self, key: FdbKey) -> Option<&FdbEntry>;
    /// Inserts `entry` first in the newest-first order; false when out of
    /// memory or when `key` is taken.
    fn insert(&mut self, key: FdbKey, entry: FdbEntry) -> bool;
    /// Removes the entry for `key`, telling listeners ([`Event::Del`]).
    fn remove(&mut self, key: FdbKey);
    /// Removes, telling listeners, every entry for which `remove` says
    /// true, visiting newest first.
    fn remove_if(&mut self, remove: &mut dyn FnMut(FdbKey, &FdbEntry) -> bool);
    /// Tells listeners about `key` (`fdb_notify()`).
    fn notify(&self, key: FdbKey, entry: &FdbEntry, event: Event);
    /// The number of learned (not user-added, not local) entries.
    fn learned(&self) -> u32;
    /// Counts one more (`+1`) or one less (`-1`) learned entry.
    fn count_learned(&mut self, delta: i32);
}

/// The other owners of an address, for when a local entry's owner goes
/// (`fdb_delete_local()`): the port numbers whose device has it, and
/// whether the bridge device has it.
pub trait AddrOwners {
    /// A port other than `except` whose device address is `addr`.
    fn other_port_with(&self, addr: MacAddr, except: u16) -> Option<u16>;
    /// Whether the bridge device's address is `addr`.
    fn bridge_has(&self, addr: MacAddr) -> bool;
}

/// The learned-entry limit (`fdb_max_learned`, 0: none) and the clock, for
/// the functions that create entries.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// Now, in jiffies.
    pub now: u64,
    /// `fdb_max_learned`.
    pub max_learned: u32,
}

/// Creates an entry (`fdb_create()`), counting learned ones and refusing
/// them past the limit. Returns whether it was created.
fn create(store: &mut dyn FdbStore, key: FdbKey, port: u16, flags: u16, clock: Clock) -> bool {
    let learned = flags & (ADDED_BY_USER | LOCAL) == 0;
    let mut flags = flags;
    if learned {
        if clock.max_learned != 0 && store.learned() >= clock.max_learned {
            return false;
        }
        flags |= DYNAMIC_LEARNED;
    }
    if !store.insert(key, FdbEntry::new(port, flags, clock.now)) {
        return false;
    }
    if learned {
        store.count_learned(1);
    }
    true
}

/// What [`learn`] found out about an entry already in the table; the
/// datapath calls it without the lock.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Learned {
    /// The address is the bridge's or a port's own: the frame came back
    /// (bridge.ko warns "received packet on ... with own address").
    OwnAddress,
    /// Refreshed; `moved` when it changed ports (listeners must hear).
    Refreshed {
        /// It moved to the frame's port.
        moved: bool,
    },
}

/// Refreshes an existing entry for a frame from its address on `port` at
/// `now` (`br_fdb_update()`'s fast path), moving it unless sticky.
pub fn learn(entry: &FdbEntry, port: u16, now: u64) -> Learned {
    if entry.has(LOCAL) {
        return Learned::OwnAddress;
    }
    if entry.updated() != now {
        entry.updated.store(now, Relaxed);
    }
    let moved = entry.port() != port && !entry.has(STICKY);
    if moved {
        entry.port.store(port, Relaxed);
    }
    Learned::Refreshed { moved }
}

/// Learns `key` on `port` when the lock-free lookup missed
/// (`br_fdb_update()`'s slow path, under the lock). A lost race (the key
/// appeared meanwhile) or the learning limit leave the table as it is.
pub fn learn_new(store: &mut dyn FdbStore, key: FdbKey, port: u16, clock: Clock) {
    if create(store, key, port, 0, clock) {
        if let Some(e) = store.find(key) {
            store.notify(key, e, Event::New);
        }
    }
}

/// Deletes a local entry whose owner (`port`, or [`BRIDGE_ITSELF`]) no
/// longer has the address, unless another port or the bridge has it, in
/// which case it moves there (`fdb_delete_local()`).
fn delete_local(store: &mut dyn FdbStore, owners: &dyn AddrOwners, port: u16, key: FdbKey) {
    let Some(entry) = store.find(key) else {
        return;
    };
    if let Some(other) = owners.other_port_with(key.addr, port) {
        entry.port.store(other, Relaxed);
        entry.clear(ADDED_BY_USER);
        return;
    }
    if port != BRIDGE_ITSELF && owners.bridge_has(key.addr) {
        entry.port.store(BRIDGE_ITSELF, Relaxed);
        entry.clear(ADDED_BY_USER);
        return;
    }
    store.remove(key);
}

/// Adds the local (permanent) entry of `addr` owned by `port` or the
/// bridge (`fdb_add_local()`): an existing learned entry is replaced, an
/// existing local one kept.
pub fn add_local(
    store: &mut dyn FdbStore,
    port: u16,
    addr: MacAddr,
    clock: Clock,
) -> Result<(), i32> {
    if !addr.is_valid_unicast() {
        return Err(EINVAL);
    }
    let key = FdbKey::new(addr, 0);
    if let Some(e) = store.find(key) {
        if e.has(LOCAL) {
            return Ok(());
        }
        store.remove(key);
    }
    if !create(store, key, port, LOCAL | STATIC, clock) {
        return Err(ENOMEM);
    }
    if let Some(e) = store.find(key) {
        store.notify(key, e, Event::New);
    }
    Ok(())
}

/// A port's device address changed from `old` to `new`
/// (`br_fdb_changeaddr()`): its automatic local entry moves.
pub fn port_address_changed(
    store: &mut dyn FdbStore,
    owners: &dyn AddrOwners,
    port: u16,
    old: MacAddr,
    new: MacAddr,
    clock: Clock,
) {
    let key = FdbKey::new(old, 0);
    if let Some(e) = store.find(key) {
        if e.port() == port && e.has(LOCAL) && !e.has(ADDED_BY_USER) {
            delete_local(store, owners, port, key);
        }
    }
    // An invalid or duplicate address is refused, as in the C.
    let _ = add_local(store, port, new, clock);
}

/// The bridge device's address changed from `old` to `new`
/// (`br_fdb_change_mac_address()`).
pub fn bridge_address_changed(
    store: &mut dyn FdbStore,
    owners: &dyn AddrOwners,
    old: MacAddr,
    new: MacAddr,
    clock: Clock,
) {
    let key = FdbKey::new(old, 0);
    if let Some(e) = store.find(key) {
        if e.has(LOCAL) && e.port() == BRIDGE_ITSELF && !e.has(ADDED_BY_USER) {
            delete_local(store, owners, BRIDGE_ITSELF, key);
        }
    }
    let _ = add_local(store, BRIDGE_ITSELF, new, clock);
}

/// Removes `port`'s entries (`br_fdb_delete_by_port()`): the dynamic ones,
/// or with `all` the static and local ones too (local ones move to another
/// owner of the address if there is one).
pub fn delete_by_port(store: &mut dyn FdbStore, owners: &dyn AddrOwners, port: u16, all: bool) {
    let mut locals = LocalBatch::default();
    store.remove_if(&mut |key, e| {
        if e.port() != port || (!all && e.has(STATIC)) {
            return false;
        }
        if e.has(LOCAL) {
            // Handled below: they may move rather than go.
            locals.push(key);
            return false;
        }
        true
    });
    for key in locals.keys() {
        delete_local(store, owners, port, key);
    }
    if locals.overflowed {
        // More local entries than one batch holds (many addresses on one
        // port, all user-added): go again until none is left.
        delete_by_port(store, owners, port, all);
    }
}

/// Local entries found in one pass, handled after it.
#[derive(Default)]
struct LocalBatch {
    keys: [Option<FdbKey>; 8],
    len: usize,
    overflowed: bool,
}

impl LocalBatch {
    fn push(&mut self, key: FdbKey) {
        match self.keys.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(key);
                self.len += 1;
            }
            None => self.overflowed = true,
        }
    }

    fn keys(&self) -> impl Iterator<Item = FdbKey> + '_ {
        self.keys.iter().flatten().copied()
    }
}

/// Which entries a flush removes (`struct net_bridge_fdb_flush_desc`).
#[derive(Clone, Copy, Default, Debug)]
pub struct FlushFilter {
    /// Only entries with `flags & flags_mask == flags` (mask 0: all).
    pub flags: u16,
    /// See `flags`.
    pub flags_mask: u16,
    /// Only entries of this port number, if set.
    pub port: Option<u16>,
}

/// The filter `ip link set BR type bridge fdb_flush` uses: every entry
/// that is not static (`br_changelink()`'s `IFLA_BR_FDB_FLUSH`).
pub const FLUSH_DYNAMIC: FlushFilter = FlushFilter {
    flags: 0,
    flags_mask: STATIC,
    port: None,
};

/// Removes the entries `filter` matches (`br_fdb_flush()`).
pub fn flush(store: &mut dyn FdbStore, filter: FlushFilter) {
    store.remove_if(&mut |_, e| {
        filter.port.is_none_or(|p| p == e.port())
            && (filter.flags_mask == 0 || e.flags() & filter.flags_mask == filter.flags)
    });
}

/// A user's `RTM_NEWNEIGH` for the bridge (`fdb_add_entry()`).
#[derive(Clone, Copy, Debug)]
pub struct UserAdd {
    /// The key.
    pub key: FdbKey,
    /// The port number, or [`BRIDGE_ITSELF`] when the target is the bridge.
    pub port: u16,
    /// Whether that port is learning or forwarding.
    pub port_learns: bool,
    /// `ndm_state`.
    pub state: u16,
    /// `ndm_flags`.
    pub ndm_flags: u8,
    /// `nlmsg_flags`.
    pub nlh_flags: u16,
}

/// Adds or updates an entry for the user (`fdb_add_entry()`), returning the
/// errno bridge.ko returns on refusal.
pub fn user_add(store: &mut dyn FdbStore, req: UserAdd, clock: Clock) -> Result<(), i32> {
    let sticky = req.ndm_flags & NTF_STICKY != 0;
    let source = req.port != BRIDGE_ITSELF;
    if source && req.state & (NUD_PERMANENT | NUD_NOARP) == 0 && !req.port_learns {
        return Err(EPERM);
    }
    if !source && req.state & NUD_PERMANENT == 0 {
        return Err(EINVAL);
    }
    if sticky && req.state & NUD_PERMANENT != 0 {
        return Err(EINVAL);
    }
    let mut modified = false;
    match store.find(req.key) {
        None => {
            if req.nlh_flags & NLM_F_CREATE == 0 {
                return Err(ENOENT);
            }
            if !create(store, req.key, req.port, ADDED_BY_USER, clock) {
                return Err(ENOMEM);
            }
            modified = true;
        }
        Some(e) => {
            if req.nlh_flags & NLM_F_EXCL != 0 {
                return Err(EEXIST);
            }
            if e.port() != req.port {
                e.port.store(req.port, Relaxed);
                modified = true;
            }
            e.set(ADDED_BY_USER);
            if e.has(DYNAMIC_LEARNED) {
                e.clear(DYNAMIC_LEARNED);
                store.count_learned(-1);
            }
        }
    }
    let Some(e) = store.find(req.key) else {
        return Err(ENOMEM);
    };
    // The hold time only matters for the STALE state, which a request
    // never asks for; any value gives the C's answer for the others.
    if e.nud_state(clock.now, u64::MAX) != req.state {
        if req.state & NUD_PERMANENT != 0 {
            e.set(LOCAL | STATIC);
        } else if req.state & NUD_NOARP != 0 {
            e.clear(LOCAL);
            e.set(STATIC);
        } else {
            e.clear(LOCAL | STATIC);
        }
        modified = true;
    }
    if sticky != e.has(STICKY) {
        e.flags.fetch_xor(STICKY, Relaxed);
        modified = true;
    }
    e.used.store(clock.now, Relaxed);
    if modified {
        e.updated.store(clock.now, Relaxed);
        store.notify(req.key, e, Event::New);
    }
    Ok(())
}

/// A user's `RTM_DELNEIGH` (`fdb_delete_by_addr_and_port()`): the entry
/// must be on `port`.
pub fn user_delete(store: &mut dyn FdbStore, key: FdbKey, port: u16) -> Result<(), i32> {
    match store.find(key) {
        Some(e) if e.port() == port => {
            store.remove(key);
            Ok(())
        }
        _ => Err(ENOENT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    /// A vector store, newest first, recording notifications.
    #[derive(Default)]
    struct VecStore {
        entries: Vec<(FdbKey, FdbEntry)>,
        learned: u32,
        events: std::cell::RefCell<Vec<(FdbKey, Event)>>,
        full: bool,
    }

    impl FdbStore for VecStore {
        fn find(&self, key: FdbKey) -> Option<&FdbEntry> {
            self.entries.iter().find(|(k, _)| *k == key).map(|(_, e)| e)
        }
        fn insert(&mut self, key: FdbKey, entry: FdbEntry) -> bool {
            if self.full || self.find(key).is_some() {
                return false;
            }
            self.entries.insert(0, (key, entry));
            true
        }
        fn remove(&mut self, key: FdbKey) {
            if let Some(i) = self.entries.iter().position(|(k, _)| *k == key) {
                let (k, e) = self.entries.remove(i);
                if e.has(DYNAMIC_LEARNED) {
                    self.learned -= 1;
                }
                self.events.borrow_mut().push((k, Event::Del));
            }
        }
        fn remove_if(&mut self, remove: &mut dyn FnMut(FdbKey, &FdbEntry) -> bool) {
            let keys: Vec<FdbKey> = self
                .entries
                .iter()
                .filter(|(k, e)| remove(*k, e))
                .map(|(k, _)| *k)
                .collect();
            for k in keys {
                self.remove(k);
            }
        }
        fn notify(&self, key: FdbKey, _entry: &FdbEntry, event: Event) {
            self.events.borrow_mut().push((key, event));
        }
        fn learned(&self) -> u32 {
            self.learned
        }
        fn count_learned(&mut self, delta: i32) {
            self.learned = self.learned.wrapping_add_signed(delta);
        }
    }

    /// Ports 1..=4 own addresses 02:00:00:00:00:0N; the bridge has `br`.
    struct Owners {
        ports: Vec<(u16, MacAddr)>,
        br: MacAddr,
    }

    impl AddrOwners for Owners {
        fn other_port_with(&self, addr: MacAddr, except: u16) -> Option<u16> {
            self.ports
                .iter()
                .find(|(p, a)| *p != except && *a == addr)
                .map(|(p, _)| *p)
        }
        fn bridge_has(&self, addr: MacAddr) -> bool {
            self.br == addr
        }
    }

    fn mac(n: u8) -> MacAddr {
        MacAddr([2, 0, 0, 0, 0, n])
    }

    fn key(n: u8) -> FdbKey {
        FdbKey::new(mac(n), 0)
    }

    /// A user's request creating or replacing `key` on `port` in `state`.
    fn user(key: FdbKey, port: u16, state: u16) -> UserAdd {
        UserAdd {
            key,
            port,
            port_learns: true,
            state,
            ndm_flags: 0,
            nlh_flags: NLM_F_CREATE,
        }
    }

    const CLOCK: Clock = Clock {
        now: 1000,
        max_learned: 0,
    };

    /// The frame-receive path: refresh or learn.
    fn receive(store: &mut VecStore, src: u8, port: u16, clock: Clock) {
        match store.find(key(src)) {
            Some(e) => {
                learn(e, port, clock.now);
            }
            None => learn_new(store, key(src), port, clock),
        }
    }

    #[test]
    fn key_bits_round_trip() {
        let k = FdbKey::new(MacAddr([1, 2, 3, 4, 5, 0xff]), 4094);
        assert_eq!(FdbKey::from_bits(k.to_bits()), k);
        assert_ne!(FdbKey::new(mac(1), 1).to_bits(), key(1).to_bits());
    }

    #[test]
    fn learns_refreshes_and_moves() {
        let mut s = VecStore::default();
        receive(&mut s, 1, 1, CLOCK);
        assert_eq!(s.find(key(1)).unwrap().port(), 1);
        assert_eq!(s.learned(), 1);
        let later = Clock { now: 2000, ..CLOCK };
        let e = s.find(key(1)).unwrap();
        assert_eq!(learn(e, 2, later.now), Learned::Refreshed { moved: true });
        assert_eq!(e.port(), 2);
        assert_eq!(e.updated(), 2000);
        assert_eq!(learn(e, 2, later.now), Learned::Refreshed { moved: false });
    }

    #[test]
    fn own_addresses_are_not_learned() {
        let mut s = VecStore::default();
        add_local(&mut s, 1, mac(1), CLOCK).unwrap();
        let e = s.find(key(1)).unwrap();
        assert_eq!(learn(e, 2, 5000), Learned::OwnAddress);
        assert_eq!(e.port(), 1);
        assert_eq!(e.nud_state(5000, 10), NUD_PERMANENT);
        assert_eq!(s.learned(), 0);
    }

    #[test]
    fn sticky_entries_stay() {
        let mut s = VecStore::default();
        let req = UserAdd {
            key: key(9),
            port: 1,
            port_learns: true,
            state: NUD_NOARP,
            ndm_flags: NTF_STICKY,
            nlh_flags: NLM_F_CREATE,
        };
        user_add(&mut s, req, CLOCK).unwrap();
        let e = s.find(key(9)).unwrap();
        assert_eq!(learn(e, 3, 2000), Learned::Refreshed { moved: false });
        assert_eq!(e.port(), 1);
    }

    #[test]
    fn ageing_uses_the_hold_time() {
        let mut s = VecStore::default();
        receive(&mut s, 1, 1, CLOCK);
        let e = s.find(key(1)).unwrap();
        assert_eq!(age(e, 1000, 300), Ageing::LiveFor(300));
        assert_eq!(age(e, 1299, 300), Ageing::LiveFor(1));
        assert_eq!(age(e, 1300, 300), Ageing::Expire);
        assert_eq!(e.nud_state(1300, 300), NUD_STALE);
        assert_eq!(hold_time(true, 15, 300), 15);
        assert_eq!(hold_time(false, 15, 300), 300);
        assert_eq!(next_ageing_pass(1, 3), 3);
    }

    #[test]
    fn user_add_follows_fdb_add_entry() {
        let mut s = VecStore::default();
        let mut req = UserAdd {
            key: key(5),
            port: 2,
            port_learns: false,
            state: NUD_REACHABLE,
            ndm_flags: 0,
            nlh_flags: NLM_F_CREATE | NLM_F_EXCL,
        };
        // A dynamic entry needs a learning port.
        assert_eq!(user_add(&mut s, req, CLOCK), Err(EPERM));
        req.state = NUD_NOARP;
        user_add(&mut s, req, CLOCK).unwrap();
        assert_eq!(s.find(key(5)).unwrap().nud_state(0, 0), NUD_NOARP);
        assert_eq!(user_add(&mut s, req, CLOCK), Err(EEXIST));
        // Replace: static to permanent.
        req.nlh_flags = NLM_F_CREATE;
        req.state = NUD_PERMANENT;
        user_add(&mut s, req, CLOCK).unwrap();
        assert!(s.find(key(5)).unwrap().has(LOCAL | STATIC));
        // No create flag and no entry.
        req.key = key(6);
        req.nlh_flags = 0;
        assert_eq!(user_add(&mut s, req, CLOCK), Err(ENOENT));
        // Towards the bridge: permanent only; sticky and permanent clash.
        req.nlh_flags = NLM_F_CREATE;
        req.port = BRIDGE_ITSELF;
        req.state = NUD_NOARP;
        assert_eq!(user_add(&mut s, req, CLOCK), Err(EINVAL));
        req.port = 1;
        req.state = NUD_PERMANENT;
        req.ndm_flags = NTF_STICKY;
        assert_eq!(user_add(&mut s, req, CLOCK), Err(EINVAL));
    }

    #[test]
    fn user_add_takes_over_a_learned_entry() {
        let mut s = VecStore::default();
        receive(&mut s, 7, 1, CLOCK);
        assert_eq!(s.learned(), 1);
        let req = user(key(7), 3, NUD_NOARP);
        user_add(&mut s, req, CLOCK).unwrap();
        let e = s.find(key(7)).unwrap();
        assert_eq!((e.port(), e.has(STATIC | ADDED_BY_USER)), (3, true));
        assert_eq!(s.learned(), 0);
    }

    #[test]
    fn user_delete_needs_the_right_port() {
        let mut s = VecStore::default();
        receive(&mut s, 1, 1, CLOCK);
        assert_eq!(user_delete(&mut s, key(1), 2), Err(ENOENT));
        assert_eq!(user_delete(&mut s, key(2), 1), Err(ENOENT));
        user_delete(&mut s, key(1), 1).unwrap();
        assert!(s.find(key(1)).is_none());
        assert_eq!(s.learned(), 0);
    }

    #[test]
    fn local_entries_move_to_other_owners() {
        let owners = Owners {
            ports: std::vec![(1, mac(1)), (2, mac(1))],
            br: mac(1),
        };
        let mut s = VecStore::default();
        add_local(&mut s, 1, mac(1), CLOCK).unwrap();
        add_local(&mut s, 2, mac(1), CLOCK).unwrap();
        assert_eq!(s.entries.len(), 1);
        delete_by_port(&mut s, &owners, 1, true);
        assert_eq!(s.find(key(1)).unwrap().port(), 2);
        let owners = Owners {
            ports: std::vec![(2, mac(1))],
            br: mac(1),
        };
        delete_by_port(&mut s, &owners, 2, true);
        assert_eq!(s.find(key(1)).unwrap().port(), BRIDGE_ITSELF);
        let owners = Owners {
            ports: std::vec![],
            br: mac(9),
        };
        bridge_address_changed(&mut s, &owners, mac(1), mac(9), CLOCK);
        assert!(s.find(key(1)).is_none());
        assert_eq!(s.find(key(9)).unwrap().port(), BRIDGE_ITSELF);
    }

    #[test]
    fn port_address_change_moves_its_local_entry() {
        let owners = Owners {
            ports: std::vec![(1, mac(2))],
            br: mac(8),
        };
        let mut s = VecStore::default();
        add_local(&mut s, 1, mac(1), CLOCK).unwrap();
        port_address_changed(&mut s, &owners, 1, mac(1), mac(2), CLOCK);
        assert!(s.find(key(1)).is_none());
        assert!(s.find(key(2)).unwrap().has(LOCAL));
    }

    #[test]
    fn delete_by_port_keeps_static_unless_all() {
        let owners = Owners {
            ports: std::vec![],
            br: mac(99),
        };
        let mut s = VecStore::default();
        receive(&mut s, 1, 1, CLOCK);
        receive(&mut s, 2, 2, CLOCK);
        let req = user(key(3), 1, NUD_NOARP);
        user_add(&mut s, req, CLOCK).unwrap();
        delete_by_port(&mut s, &owners, 1, false);
        assert!(s.find(key(1)).is_none());
        assert!(s.find(key(3)).is_some());
        assert!(s.find(key(2)).is_some());
        delete_by_port(&mut s, &owners, 1, true);
        assert!(s.find(key(3)).is_none());
    }

    #[test]
    fn many_local_entries_on_one_port_all_go() {
        let owners = Owners {
            ports: std::vec![],
            br: mac(200),
        };
        let mut s = VecStore::default();
        for n in 1..=20 {
            let req = user(key(n), 1, NUD_PERMANENT);
            user_add(&mut s, req, CLOCK).unwrap();
        }
        delete_by_port(&mut s, &owners, 1, true);
        assert!(s.entries.is_empty());
    }

    #[test]
    fn flush_keeps_static_entries() {
        let mut s = VecStore::default();
        receive(&mut s, 1, 1, CLOCK);
        add_local(&mut s, 2, mac(2), CLOCK).unwrap();
        let req = user(key(3), 1, NUD_NOARP);
        user_add(&mut s, req, CLOCK).unwrap();
        flush(&mut s, FLUSH_DYNAMIC);
        assert!(s.find(key(1)).is_none());
        assert!(s.find(key(2)).is_some() && s.find(key(3)).is_some());
    }

    #[test]
    fn learning_limit() {
        let mut s = VecStore::default();
        let clock = Clock {
            now: 0,
            max_learned: 2,
        };
        for n in 1..=3 {
            receive(&mut s, n, 1, clock);
        }
        assert_eq!(s.learned(), 2);
        assert!(s.find(key(3)).is_none());
        // User entries do not count against the limit.
        let req = user(key(4), 1, NUD_NOARP);
        user_add(&mut s, req, clock).unwrap();
    }

    #[test]
    fn out_of_memory_is_enomem() {
        let mut s = VecStore {
            full: true,
            ..Default::default()
        };
        assert_eq!(add_local(&mut s, 1, mac(1), CLOCK), Err(ENOMEM));
        assert_eq!(add_local(&mut s, 1, MacAddr::ZERO, CLOCK), Err(EINVAL));
    }

    proptest! {
        /// Learning from any sequence of frames leaves exactly one entry per
        /// source, on the port it was last seen on, updated at that time,
        /// and counted once; ageing then removes exactly the entries older
        /// than the hold time.
        #[test]
        fn learning_and_ageing_match_a_model(
            frames in proptest::collection::vec((0u8..16, 1u16..5, 0u64..50), 0..200),
            hold in 1u64..400,
        ) {
            let mut s = VecStore::default();
            let mut model = std::collections::BTreeMap::new();
            let mut now = 0;
            for (src, port, dt) in frames {
                now += dt;
                receive(&mut s, src, port, Clock { now, max_learned: 0 });
                model.insert(src, (port, now));
            }
            prop_assert_eq!(s.entries.len(), model.len());
            prop_assert_eq!(s.learned() as usize, model.len());
            for (src, (port, at)) in &model {
                let e = s.find(key(*src)).unwrap();
                prop_assert_eq!((e.port(), e.updated()), (*port, *at));
            }
            let check = now + hold / 2;
            s.remove_if(&mut |_, e| age(e, check, hold) == Ageing::Expire);
            for (src, (_, at)) in &model {
                prop_assert_eq!(s.find(key(*src)).is_some(), at + hold > check);
            }
        }

        /// Per-port flushes remove only that port's dynamic entries.
        #[test]
        fn delete_by_port_is_exact(
            frames in proptest::collection::vec((0u8..32, 1u16..5), 0..100),
            victim in 1u16..5,
        ) {
            let owners = Owners { ports: std::vec![], br: mac(250) };
            let mut s = VecStore::default();
            for (src, port) in &frames {
                receive(&mut s, *src, *port, CLOCK);
            }
            let before: Vec<(FdbKey, u16)> = s.entries.iter().map(|(k, e)| (*k, e.port())).collect();
            delete_by_port(&mut s, &owners, victim, false);
            for (k, port) in before {
                prop_assert_eq!(s.find(k).is_some(), port != victim);
            }
        }
    }
}
