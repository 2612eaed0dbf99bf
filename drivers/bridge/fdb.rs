// SPDX-License-Identifier: GPL-2.0

//! The forwarding database, as `br_fdb.c`: the core crate's FDB logic run
//! on the glue's RCU hash table. The datapath looks entries up and
//! refreshes them without locks; creating and deleting entries takes the
//! table's writer lock. Ageing walks the table under RCU and takes the
//! lock only for each expired entry, so a sweep of a large table never
//! holds up learning.

use crate::dev::BrPort;
use crate::glue::bridge::{FdbDump, FdbRecord, FdbRequest};
use crate::glue::hash::{HashWriter, RcuHash};
use crate::glue::link::Dev;
use crate::glue::netdev::NetDevice;
use crate::glue::rcu::{rcu_read, RcuSection};
use crate::glue::timer::{hz, jiffies};
use crate::netlink::BridgeKind;
use crate::rvnet_core::bridge::fdb::{
    self, age, AddrOwners, Ageing, Clock, Event, FdbEntry, FdbKey, FdbStore, FlushFilter, Learned,
    UserAdd, BRIDGE_ITSELF, DYNAMIC_LEARNED, NTF_STICKY, STICKY,
};
use crate::rvnet_core::bridge::options::jiffies_to_clock_t;
use crate::rvnet_core::bridge::stp::PortState;
use crate::rvnet_core::ether::MacAddr;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;

/// `NTF_EXT_LOCKED` in `NDA_FLAGS_EXT`.
const NTF_EXT_LOCKED: u32 = 1 << 1;
/// `NTF_USE`, `NTF_EXT_LEARNED` in `ndm_flags`: not supported here.
const NTF_USE: u8 = 0x01;
const NTF_EXT_LEARNED: u8 = 0x10;

/// A bridge's forwarding database.
pub(crate) struct Fdb {
    table: RcuHash<FdbEntry>,
    /// Learned entries (`fdb_n_learned`).
    n_learned: AtomicU32,
    /// `fdb_max_learned` (0: no limit).
    pub(crate) max_learned: AtomicU32,
    /// The configured ageing time, jiffies (`bridge_ageing_time`).
    pub(crate) bridge_ageing_time: AtomicU64,
    /// The ageing time in force, jiffies (`ageing_time`; twice the forward
    /// delay during a topology change).
    pub(crate) ageing_time: AtomicU64,
    /// The forward delay in force, jiffies, for [`Self::hold_time`].
    pub(crate) forward_delay: AtomicU64,
    /// The spanning tree's topology change flag.
    pub(crate) topology_change: AtomicBool,
    /// When the next ageing pass runs, jiffies (0: none scheduled).
    pub(crate) gc_at: AtomicU64,
}

/// The default ageing time, 300 s, in jiffies.
fn default_ageing() -> u64 {
    300 * hz()
}

impl Fdb {
    /// An empty database.
    pub(crate) fn new() -> Result<Fdb> {
        Ok(Fdb {
            table: RcuHash::new()?,
            n_learned: AtomicU32::new(0),
            max_learned: AtomicU32::new(0),
            bridge_ageing_time: AtomicU64::new(default_ageing()),
            ageing_time: AtomicU64::new(default_ageing()),
            forward_delay: AtomicU64::new(15 * hz()),
            topology_change: AtomicBool::new(false),
            gc_at: AtomicU64::new(0),
        })
    }

    /// `hold_time()`.
    pub(crate) fn hold_time(&self) -> u64 {
        fdb::hold_time(
            self.topology_change.load(Relaxed),
            self.forward_delay.load(Relaxed),
            self.ageing_time.load(Relaxed),
        )
    }

    /// The number of learned entries.
    pub(crate) fn learned(&self) -> u32 {
        self.n_learned.load(Relaxed)
    }

    fn clock(&self) -> Clock {
        Clock {
            now: jiffies(),
            max_learned: self.max_learned.load(Relaxed),
        }
    }

    /// The entries, newest first, in the read-side section `ctx` proves.
    pub(crate) fn walk<'a, S: RcuSection>(
        &'a self,
        ctx: &'a S,
    ) -> crate::glue::hash::Walk<'a, FdbEntry> {
        self.table.walk(ctx)
    }

    /// The entry for `key`, in the read-side section `ctx` proves.
    pub(crate) fn get<'a, S: RcuSection>(
        &'a self,
        key: FdbKey,
        ctx: &'a S,
    ) -> Option<&'a FdbEntry> {
        self.table.get(key.to_bits(), ctx)
    }

    /// Runs `f` on the table under its writer lock, with `br` for
    /// notifications and the other owners of addresses.
    fn with_store<R>(
        &self,
        br: &Dev<'_, BridgeKind>,
        f: impl FnOnce(&mut Store<'_, '_>, &Owners<'_>) -> R,
    ) -> R {
        let owners = Owners { br };
        let mut store = Store {
            fdb: self,
            br,
            w: self.table.lock(),
        };
        f(&mut store, &owners)
    }

    /// `br_fdb_update()`: a frame from `addr` arrived on port `port_no`.
    pub(crate) fn learn<S: RcuSection>(
        &self,
        br: &Dev<'_, BridgeKind>,
        addr: MacAddr,
        port_no: u16,
        ctx: &S,
    ) {
        // "Some users want to always flood."
        if self.hold_time() == 0 {
            return;
        }
        let key = FdbKey::new(addr, 0);
        match self.get(key, ctx) {
            Some(e) => {
                if fdb::learn(e, port_no, jiffies()) == (Learned::Refreshed { moved: true }) {
                    notify(br, key, e, false);
                }
            }
            None => {
                let clock = self.clock();
                self.with_store(br, |s, _| fdb::learn_new(s, key, port_no, clock));
            }
        }
    }

    /// `br_fdb_add_local()`: the permanent entry of a port's (or, with
    /// [`BRIDGE_ITSELF`], the bridge's) own address.
    pub(crate) fn add_local(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        addr: MacAddr,
    ) -> Result {
        let clock = self.clock();
        self.with_store(br, |s, _| fdb::add_local(s, port_no, addr, clock))
            .map_err(errno)
    }

    /// `br_fdb_changeaddr()`.
    pub(crate) fn port_address_changed(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        old: MacAddr,
        new: MacAddr,
    ) {
        let clock = self.clock();
        self.with_store(br, |s, o| {
            fdb::port_address_changed(s, o, port_no, old, new, clock)
        });
    }

    /// `br_fdb_change_mac_address()`.
    pub(crate) fn bridge_address_changed(
        &self,
        br: &Dev<'_, BridgeKind>,
        old: MacAddr,
        new: MacAddr,
    ) {
        let clock = self.clock();
        self.with_store(br, |s, o| {
            fdb::bridge_address_changed(s, o, old, new, clock)
        });
    }

    /// `br_fdb_delete_by_port()`.
    pub(crate) fn delete_by_port(&self, br: &Dev<'_, BridgeKind>, port_no: u16, all: bool) {
        self.with_store(br, |s, o| fdb::delete_by_port(s, o, port_no, all));
    }

    /// `br_fdb_flush()`.
    pub(crate) fn flush(&self, br: &Dev<'_, BridgeKind>, filter: FlushFilter) {
        self.with_store(br, |s, _| fdb::flush(s, filter));
    }

    /// Schedules ageing passes while the bridge is up, the first one
    /// `br_stp_enable_bridge()`'s 100 ms from now.
    pub(crate) fn start_gc(&self, br: &Dev<'_, BridgeKind>) {
        self.schedule_gc(br, hz() / 10);
    }

    /// Runs an ageing pass at once (`br_set_ageing_time()`).
    pub(crate) fn gc_now(&self, br: &Dev<'_, BridgeKind>) {
        self.schedule_gc(br, 0);
    }

    fn schedule_gc(&self, br: &Dev<'_, BridgeKind>, delay: u64) {
        self.gc_at
            .store(jiffies().wrapping_add(delay).max(1), Relaxed);
        br.header().gc.arm(jiffies_to_ms(delay));
    }

    /// `br_fdb_cleanup()`: one ageing pass, then the next one is scheduled
    /// for the soonest expiry.
    pub(crate) fn gc(&self, br: &Dev<'_, BridgeKind>) {
        let hold = self.hold_time();
        let now = jiffies();
        let mut soonest = hold;
        rcu_read(|ctx| {
            for e in self.table.walk(ctx) {
                match age(e.value(), now, hold) {
                    Ageing::Keep => {}
                    Ageing::LiveFor(left) => soonest = soonest.min(left),
                    Ageing::Expire => {
                        let key = FdbKey::from_bits(e.key());
                        let value = e.value();
                        let mut w = self.table.lock();
                        let learned = value.has(DYNAMIC_LEARNED);
                        notify(br, key, value, true);
                        if w.remove_entry(e) && learned {
                            self.n_learned.fetch_sub(1, Relaxed);
                        }
                    }
                }
            }
        });
        if br.is_up() {
            let ten_ms = (hz() / 100).max(1);
            self.schedule_gc(br, fdb::next_ageing_pass(soonest, ten_ms));
        }
    }

    /// `br_fdb_add()`: `bridge fdb add ADDR dev TARGET master [static|...]`.
    pub(crate) fn user_add(
        &self,
        br: &Dev<'_, BridgeKind>,
        target: &NetDevice,
        req: &FdbRequest,
        extack: &crate::glue::attr::ExtAck,
    ) -> Result {
        if req.state & (fdb::NUD_PERMANENT | fdb::NUD_NOARP | fdb::NUD_REACHABLE) == 0 {
            pr_info!("bridge: RTM_NEWNEIGH with invalid state {:#x}\n", req.state);
            return Err(EINVAL);
        }
        if req.addr.is_zero() {
            pr_info!("bridge: RTM_NEWNEIGH with invalid ether address\n");
            return Err(EINVAL);
        }
        let (port_no, port_learns) = match target_port(br, target) {
            Target::Bridge => (BRIDGE_ITSELF, false),
            Target::Port(p) => (
                p.state().port_no,
                matches!(
                    p.state().state(),
                    PortState::Learning | PortState::Forwarding
                ),
            ),
            Target::Foreign => {
                pr_info!(
                    "bridge: RTM_NEWNEIGH {} not a bridge port\n",
                    target.name_str()
                );
                return Err(EINVAL);
            }
        };
        if req.ext_flags & NTF_EXT_LOCKED != 0 {
            return Err(extack.fail(EINVAL, c"Cannot add FDB entry with \"locked\" flag set"));
        }
        if req.vid != 0 {
            // Without VLAN filtering no VLAN is configured.
            pr_info!(
                "bridge: RTM_NEWNEIGH with unconfigured vlan {} on {}\n",
                req.vid,
                target.name_str()
            );
            return Err(EINVAL);
        }
        if req.ndm_flags & (NTF_USE | NTF_EXT_LEARNED) != 0 {
            return Err(extack.fail(
                EOPNOTSUPP,
                c"rvnet_bridge: NTF_USE and externally learned entries are not supported",
            ));
        }
        let add = UserAdd {
            key: FdbKey::new(req.addr, 0),
            port: port_no,
            port_learns,
            state: req.state,
            ndm_flags: req.ndm_flags,
            nlh_flags: req.nlh_flags,
        };
        let clock = self.clock();
        self.with_store(br, |s, _| fdb::user_add(s, add, clock))
            .map_err(errno)
    }

    /// `br_fdb_delete()`: `bridge fdb del ADDR dev TARGET master`.
    pub(crate) fn user_delete(
        &self,
        br: &Dev<'_, BridgeKind>,
        target: &NetDevice,
        addr: MacAddr,
        vid: u16,
    ) -> Result {
        let port_no = match target_port(br, target) {
            Target::Bridge => BRIDGE_ITSELF,
            Target::Port(p) => p.state().port_no,
            Target::Foreign => {
                pr_info!(
                    "bridge: RTM_DELNEIGH {} not a bridge port\n",
                    target.name_str()
                );
                return Err(EINVAL);
            }
        };
        self.with_store(br, |s, _| {
            fdb::user_delete(s, FdbKey::new(addr, vid), port_no)
        })
        .map_err(errno)
    }

    /// The netlink view of the entry for `addr` in `vid` (`br_fdb_get()`).
    pub(crate) fn find_record(
        &self,
        br: &Dev<'_, BridgeKind>,
        addr: MacAddr,
        vid: u16,
    ) -> Option<FdbRecord> {
        let key = FdbKey::new(addr, vid);
        rcu_read(|ctx| {
            let e = self.get(key, ctx)?;
            let port = br.state().ports.get(ctx).get(e.port()).map(|p| p.device());
            Some(record(br, port, key, e, jiffies(), self.hold_time()))
        })
    }

    /// `br_fdb_dump()`: the entries on `filter` (a port, or the bridge
    /// itself for its own entries), or with none the bridge's own
    /// addresses and its own entries.
    pub(crate) fn dump(
        &self,
        br: &Dev<'_, BridgeKind>,
        filter: Option<&NetDevice>,
        dump: &mut FdbDump,
    ) -> Result {
        if filter.is_none() {
            dump.own_addresses(br)?;
        }
        let hold = self.hold_time();
        let now = jiffies();
        rcu_read(|ctx| {
            let ports = br.state().ports.get(ctx);
            for e in self.table.walk(ctx) {
                if dump.already_sent() {
                    dump.skip();
                    continue;
                }
                let v = e.value();
                let on = v.port();
                let keep = match filter {
                    None => on == BRIDGE_ITSELF,
                    Some(f) if f.ptr_eq(br) => on == BRIDGE_ITSELF,
                    Some(f) => ports.get(on).is_some_and(|p| p.device().ptr_eq(f)),
                };
                if keep {
                    let port = ports.get(on).map(|p| p.device());
                    dump.entry(&record(br, port, FdbKey::from_bits(e.key()), v, now, hold))?;
                } else {
                    dump.skip();
                }
            }
            Ok(())
        })
    }
}

/// What an FDB request names.
enum Target {
    /// The bridge device itself.
    Bridge,
    /// One of its ports.
    Port(kernel::sync::Arc<BrPort>),
    /// Something else.
    Foreign,
}

fn target_port(br: &Dev<'_, BridgeKind>, target: &NetDevice) -> Target {
    if target.ptr_eq(br) {
        return Target::Bridge;
    }
    match br.state().port_of(target) {
        Some(p) => Target::Port(p),
        None => Target::Foreign,
    }
}

fn jiffies_to_ms(j: u64) -> u32 {
    crate::stp::jiffies_to_ms(j).min(u64::from(u32::MAX)) as u32
}

/// The netlink view of an entry (`fdb_fill_info()`).
fn record(
    br: &NetDevice,
    port: Option<&NetDevice>,
    key: FdbKey,
    e: &FdbEntry,
    now: u64,
    hold: u64,
) -> FdbRecord {
    let ct = |then: u64| jiffies_to_clock_t(now.wrapping_sub(then), hz()) as u32;
    let mut flags = 0;
    if e.has(STICKY) {
        flags |= NTF_STICKY;
    }
    FdbRecord {
        addr: key.addr,
        vid: key.vid,
        state: e.nud_state(now, hold),
        flags,
        ifindex: port.unwrap_or(br).ifindex(),
        master: br.ifindex(),
        used: ct(e.used()),
        updated: ct(e.updated()),
    }
}

/// Tells `bridge monitor` about an entry (`fdb_notify()`).
fn notify(br: &Dev<'_, BridgeKind>, key: FdbKey, e: &FdbEntry, deleted: bool) {
    let fdb = &br.state().fdb;
    rcu_read(|ctx| {
        let ports = br.state().ports.get(ctx);
        let port = ports.get(e.port()).map(|p| p.device());
        record(br, port, key, e, jiffies(), fdb.hold_time()).notify(br, deleted);
    });
}

/// The table under its writer lock, as the core's FDB logic sees it.
struct Store<'a, 'b> {
    fdb: &'a Fdb,
    br: &'a Dev<'b, BridgeKind>,
    w: HashWriter<'a, FdbEntry>,
}

impl FdbStore for Store<'_, '_> {
    fn find(&self, key: FdbKey) -> Option<&FdbEntry> {
        self.w.get(key.to_bits())
    }

    fn insert(&mut self, key: FdbKey, entry: FdbEntry) -> bool {
        self.w.insert(key.to_bits(), entry).is_ok()
    }

    fn remove(&mut self, key: FdbKey) {
        if let Some(e) = self.w.get(key.to_bits()) {
            notify(self.br, key, e, true);
            if e.has(DYNAMIC_LEARNED) {
                self.fdb.n_learned.fetch_sub(1, Relaxed);
            }
        }
        self.w.remove(key.to_bits());
    }

    fn remove_if(&mut self, remove: &mut dyn FnMut(FdbKey, &FdbEntry) -> bool) {
        let (fdb, br) = (self.fdb, self.br);
        self.w.remove_if(|bits, e| {
            let key = FdbKey::from_bits(bits);
            let gone = remove(key, e);
            if gone {
                notify(br, key, e, true);
                if e.has(DYNAMIC_LEARNED) {
                    fdb.n_learned.fetch_sub(1, Relaxed);
                }
            }
            gone
        });
    }

    fn notify(&self, key: FdbKey, entry: &FdbEntry, event: Event) {
        notify(self.br, key, entry, event == Event::Del);
    }

    fn learned(&self) -> u32 {
        self.fdb.learned()
    }

    fn count_learned(&mut self, delta: i32) {
        if delta >= 0 {
            self.fdb.n_learned.fetch_add(delta as u32, Relaxed);
        } else {
            self.fdb.n_learned.fetch_sub(delta.unsigned_abs(), Relaxed);
        }
    }
}

/// The other owners of an address: the ports' and the bridge's devices.
struct Owners<'a> {
    br: &'a NetDevice,
}

impl AddrOwners for Owners<'_> {
    fn other_port_with(&self, addr: MacAddr, except: u16) -> Option<u16> {
        let br = Dev::<BridgeKind>::of(self.br)?;
        rcu_read(|ctx| {
            br.state()
                .ports
                .get(ctx)
                .list
                .iter()
                .find(|p| p.state().port_no != except && p.device().mac() == addr)
                .map(|p| p.state().port_no)
        })
    }

    fn bridge_has(&self, addr: MacAddr) -> bool {
        self.br.mac() == addr
    }
}

fn errno(e: i32) -> Error {
    Error::from_errno(-e)
}
