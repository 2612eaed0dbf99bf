// SPDX-License-Identifier: GPL-2.0

//! macvlan devices and their port on the lower device, as
//! `drivers/net/macvlan.c`: the port's tables, receiving on the lower
//! (unicast demux by destination address, source-mode lists, group frames
//! flooded per mode), transmitting (bridge-mode siblings reached directly),
//! and the device's own hooks (open, stop, addresses, MTU, statistics).
//!
//! Group frames whose destination is in the port's `bc_filter`
//! (broadcast, and groups more than `bc_cutoff` macvlans joined) go
//! through the port's broadcast queue and are flooded by a work item, as
//! `macvlan_process_broadcast()` does; other groups are flooded at once.

use crate::glue::attr::ExtAck;
use crate::glue::bindings::NLM_F_REPLACE;
use crate::glue::bridge::FdbRequest;
use crate::glue::buckets::RcuBuckets;
use crate::glue::frame_queue::{FrameQueue, FrameQueueOps};
use crate::glue::link::{Dev, DevRef, DeviceOps, SkBuffRef, TxContext};
use crate::glue::macvlan_header::{MacvlanHeader, IFF_MACVLAN_PORT};
use crate::glue::netdev::{
    LinkStats, NetDevice, ETH_MAX_MTU, IFF_ALLMULTI, IFF_NO_QUEUE, IFF_PROMISC, IFF_TX_SKB_SHARING,
    IFF_UNICAST_FLT,
};
use crate::glue::port::{LowerPort, LowerPortOps, RxContext, RxResult};
use crate::glue::procfs::DeviceFile;
use crate::glue::rcu::{rcu_read, RcuBox, RcuSection};
use crate::glue::skb::SkBuff;
use crate::glue::vlan_header::VlanStats;
use crate::netlink::MacvlanKind;
use crate::rvnet_core::alias::macvlan::{
    self, addr_busy, bc_filter, compute_filter, eth_hash, floods, group_rx, mc_hash,
    port_mc_filter, unicast_rx, xmit, Error as MacvlanError, Flags, Flood, GroupRx, McAddr,
    McFilter, Mode, SetMac, SourceList, SourceOwner, Target, UnicastRx, Xmit, DEFAULT_BC_CUTOFF,
    MC_FILTER_SIZE, MIN_MTU,
};
use crate::rvnet_core::ether::MacAddr;
use crate::rvnet_core::sort;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// `ETH_HLEN`: what macvlan.ko adds to `skb->len` when counting received
/// bytes.
const ETH_HLEN: u32 = 14;
/// `NET_XMIT_SUCCESS` and `NET_XMIT_CN`: transmit results that count as
/// sent.
const NET_XMIT_SUCCESS: i32 = 0;
const NET_XMIT_CN: i32 = 2;

/// A macvlan's port: the lower device's receive handler and state.
pub(crate) type Port = LowerPort<MacvlanPort>;

/// A macvlan as the port's tables hold it: shared, so that copying a
/// table (under RCU, where nothing may sleep) allocates nothing per
/// macvlan.
pub(crate) type VlanRef = Arc<DevRef<MacvlanKind>>;

/// A multicast filter the datapath reads while the control path rewrites
/// it (`DECLARE_BITMAP` with `test_bit`).
pub(crate) struct SharedFilter([AtomicU64; MC_FILTER_SIZE / 64]);

impl SharedFilter {
    pub(crate) const fn new() -> SharedFilter {
        SharedFilter([const { AtomicU64::new(0) }; MC_FILTER_SIZE / 64])
    }

    /// Publishes `filter`.
    pub(crate) fn store(&self, filter: &McFilter) {
        for (word, value) in self.0.iter().zip(filter.words()) {
            word.store(value, Relaxed);
        }
    }

    /// Whether `bit` is set.
    pub(crate) fn test(&self, bit: u32) -> bool {
        self.0
            .get(bit as usize / 64)
            .is_some_and(|w| w.load(Relaxed) & (1 << (bit % 64)) != 0)
    }
}

/// One address of a source-mode macvlan's list, in the port's table.
struct SourceEntry {
    addr: MacAddr,
    /// Order of addition, newest highest: within a hash bucket the newest
    /// comes first, as in macvlan.ko's lists (and so in its dumps).
    seq: u64,
    vlan: VlanRef,
}

impl SourceEntry {
    /// The sort key: bucket, then newest first.
    fn order(&self) -> (u32, core::cmp::Reverse<u64>) {
        (eth_hash(self.addr), core::cmp::Reverse(self.seq))
    }
}

/// Every source-mode list of a port (`vlan_source_hash`), sorted as
/// macvlan.ko's hash walks it: by bucket, newest first in a bucket.
/// Replaced whole on every change.
#[derive(Default)]
pub(crate) struct SourceTable {
    entries: KVec<SourceEntry>,
    next_seq: u64,
}

impl SourceTable {
    /// The entries listing `addr`.
    fn listing(&self, addr: MacAddr) -> impl Iterator<Item = &SourceEntry> {
        let bucket = eth_hash(addr);
        let start = self.entries.partition_point(|e| eth_hash(e.addr) < bucket);
        self.entries
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |e| eth_hash(e.addr) == bucket)
            .filter(move |e| e.addr == addr)
    }

    /// The addresses `vlan` lists, in dump order.
    pub(crate) fn of<'a>(&'a self, vlan: &'a NetDevice) -> impl Iterator<Item = MacAddr> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.vlan.device().ptr_eq(vlan))
            .map(|e| e.addr)
    }
}

/// One macvlan's list being edited: its addresses with their order.
struct ListEdit {
    addrs: KVec<(MacAddr, u64)>,
    next_seq: u64,
}

impl SourceList for ListEdit {
    fn contains(&self, addr: MacAddr) -> bool {
        self.addrs.iter().any(|(a, _)| *a == addr)
    }

    fn insert(&mut self, addr: MacAddr) -> core::result::Result<(), MacvlanError> {
        self.addrs
            .push((addr, self.next_seq), GFP_KERNEL)
            .map_err(|_| MacvlanError::NoMemory)?;
        self.next_seq += 1;
        Ok(())
    }

    fn remove(&mut self, addr: MacAddr) {
        self.addrs.retain(|(a, _)| *a != addr);
    }

    fn clear(&mut self) {
        self.addrs.clear();
    }
}

/// A lower device's macvlan state (`struct macvlan_port`): the receive
/// handler's data.
pub(crate) struct MacvlanPort {
    /// The broadcast queue (`bc_queue`, `bc_work`); first, so that it
    /// stops before the rest goes.
    bc_queue: FrameQueue<Port>,
    /// Every macvlan on the port, oldest first (`port->vlans`).
    vlans: RcuBox<KVec<VlanRef>>,
    /// The macvlans that are up, by address (`vlan_hash`: bucket
    /// `eth_hash`, key the address's bits).
    by_addr: RcuBuckets<DevRef<MacvlanKind>>,
    /// Source-mode lists.
    sources: RcuBox<SourceTable>,
    /// Groups whose frames take the (deferred, in macvlan.ko) broadcast
    /// path.
    bc_filter: SharedFilter,
    /// Groups at least one macvlan subscribed.
    mc_filter: SharedFilter,
    /// The largest queue length its macvlans asked for.
    pub(crate) bc_queue_len_used: AtomicU32,
    /// `bc_cutoff`.
    pub(crate) bc_cutoff: AtomicI32,
    /// `MACVLAN_F_PASSTHRU`.
    passthru: AtomicBool,
    /// `MACVLAN_F_ADDRCHANGE`: the passthru macvlan is changing the
    /// lower's address.
    addr_change: AtomicBool,
    /// The lower's address before a passthru macvlan changed it.
    perm_addr: AtomicU64,
    /// `port->count`: registered macvlans.
    count: AtomicU32,
    /// `/proc/net/alias/LOWER`.
    pub(crate) proc_file: DeviceFile,
}

impl MacvlanPort {
    fn new(lower: &NetDevice) -> Result<MacvlanPort> {
        Ok(MacvlanPort {
            bc_queue: FrameQueue::new()?,
            vlans: RcuBox::new(KBox::new(KVec::new(), GFP_KERNEL)?),
            by_addr: RcuBuckets::new()?,
            sources: RcuBox::new(KBox::new(SourceTable::default(), GFP_KERNEL)?),
            bc_filter: SharedFilter::new(),
            mc_filter: SharedFilter::new(),
            bc_queue_len_used: AtomicU32::new(0),
            bc_cutoff: AtomicI32::new(DEFAULT_BC_CUTOFF),
            passthru: AtomicBool::new(false),
            addr_change: AtomicBool::new(false),
            perm_addr: AtomicU64::new(lower.mac().to_bits()),
            count: AtomicU32::new(0),
            proc_file: DeviceFile::default(),
        })
    }

    /// Whether the port belongs to a passthru macvlan.
    pub(crate) fn passthru(&self) -> bool {
        self.passthru.load(Relaxed)
    }

    /// The number of registered macvlans.
    pub(crate) fn count(&self) -> u32 {
        self.count.load(Relaxed)
    }

    /// The macvlans, oldest first, as a list the caller owns (control
    /// path).
    pub(crate) fn vlan_list(&self) -> KVec<VlanRef> {
        // RTNL keeps the list as it is between the two reads; the copy
        // fits the capacity reserved outside the read-side section.
        let len = self.vlans.read(|list| list.len());
        let mut out = KVec::with_capacity(len, GFP_KERNEL).unwrap_or_default();
        self.vlans.read(|list| {
            for v in list.iter().take(out.capacity()) {
                let _ = out.push(v.clone(), GFP_ATOMIC);
            }
        });
        out
    }

    /// The macvlans in the read-side section `ctx` proves.
    pub(crate) fn vlans<'a, S: RcuSection>(&'a self, ctx: &'a S) -> &'a [VlanRef] {
        self.vlans.get(ctx)
    }

    /// The source table in the read-side section `ctx` proves.
    pub(crate) fn sources<'a, S: RcuSection>(&'a self, ctx: &'a S) -> &'a SourceTable {
        self.sources.get(ctx)
    }

    /// Publishes the list with `vlan` added last. RTNL.
    fn add_vlan(&self, vlan: Dev<'_, MacvlanKind>) -> Result {
        let mut list = self.vlan_list();
        list.push(Arc::new(DevRef::new(vlan)?, GFP_KERNEL)?, GFP_KERNEL)?;
        self.vlans.replace(KBox::new(list, GFP_KERNEL)?);
        Ok(())
    }

    /// Publishes the list without `vlan`. RTNL.
    fn remove_vlan(&self, vlan: &NetDevice) -> Result {
        let mut list = self.vlan_list();
        list.retain(|v| !v.device().ptr_eq(vlan));
        self.vlans.replace(KBox::new(list, GFP_KERNEL)?);
        Ok(())
    }

    /// The up macvlan with address `addr` (`macvlan_hash_lookup()`).
    fn lookup<'a, S: RcuSection>(
        &'a self,
        addr: MacAddr,
        ctx: &'a S,
    ) -> Option<Dev<'a, MacvlanKind>> {
        self.by_addr.get(eth_hash(addr), addr.to_bits(), ctx)?.get()
    }

    /// `macvlan_addr_busy()`: `addr` is the lower's or an up macvlan's.
    /// RTNL.
    fn addr_busy(&self, lower: &NetDevice, addr: MacAddr) -> bool {
        let in_table = self
            .by_addr
            .lock()
            .get(eth_hash(addr), addr.to_bits())
            .is_some();
        addr_busy(
            self.passthru(),
            self.addr_change.load(Relaxed),
            lower.mac(),
            addr,
            in_table,
        )
    }

    /// `update_port_bc_queue_len()`. RTNL.
    pub(crate) fn update_bc_queue_len(&self) {
        let used = rcu_read(|ctx| {
            macvlan::bc_queue_len_used(
                self.vlans(ctx)
                    .iter()
                    .filter_map(|v| v.get())
                    .map(|v| v.header().bc_queue_len_req()),
            )
        });
        self.bc_queue_len_used.store(used, Relaxed);
    }

    /// `update_port_bc_cutoff()`. RTNL.
    pub(crate) fn update_bc_cutoff(&self, lower: &NetDevice, cutoff: i32) {
        if self.bc_cutoff.swap(cutoff, Relaxed) != cutoff {
            self.recompute_bc_filter(lower);
        }
    }

    /// `macvlan_recompute_bc_filter()`.
    fn recompute_bc_filter(&self, lower: &NetDevice) {
        let cutoff = self.bc_cutoff.load(Relaxed);
        let filter = bc_filter(
            cutoff,
            all_groups(lower),
            mc_addrs(lower),
            lower.broadcast(),
        );
        self.bc_filter.store(&filter);
    }

    /// Replaces `vlan`'s source list by `edit`'s. RTNL.
    fn publish_sources(&self, vlan: Dev<'_, MacvlanKind>, edit: ListEdit) -> Result {
        let this = Arc::new(DevRef::new(vlan)?, GFP_KERNEL)?;
        let mut entries = KVec::new();
        let next_seq = rcu_read(|ctx| -> Result<u64> {
            let old = self.sources(ctx);
            for e in old
                .entries
                .iter()
                .filter(|e| !e.vlan.device().ptr_eq(&vlan))
            {
                entries.push(
                    SourceEntry {
                        addr: e.addr,
                        seq: e.seq,
                        vlan: e.vlan.clone(),
                    },
                    GFP_ATOMIC,
                )?;
            }
            Ok(old.next_seq.max(edit.next_seq))
        })?;
        for (addr, seq) in edit.addrs.iter() {
            entries.push(
                SourceEntry {
                    addr: *addr,
                    seq: *seq,
                    vlan: this.clone(),
                },
                GFP_KERNEL,
            )?;
        }
        sort::sort_by_key(&mut entries, SourceEntry::order);
        vlan.header().set_macaddr_count(edit.addrs.len() as u32);
        self.sources
            .replace(KBox::new(SourceTable { entries, next_seq }, GFP_KERNEL)?);
        Ok(())
    }

    /// `vlan`'s source list, to edit. RTNL.
    fn edit_sources(&self, vlan: &NetDevice) -> Result<ListEdit> {
        rcu_read(|ctx| {
            let table = self.sources(ctx);
            let mut addrs = KVec::new();
            for e in table
                .entries
                .iter()
                .filter(|e| e.vlan.device().ptr_eq(vlan))
            {
                addrs.push((e.addr, e.seq), GFP_ATOMIC)?;
            }
            Ok(ListEdit {
                addrs,
                next_seq: table.next_seq,
            })
        })
    }
}

/// Whether the device takes every group (`IFF_PROMISC | IFF_ALLMULTI`).
pub(crate) fn all_groups(dev: &NetDevice) -> bool {
    dev.flags() & (IFF_PROMISC | IFF_ALLMULTI) != 0
}

/// The device's multicast addresses with their `synced` counts.
pub(crate) fn mc_addrs(dev: &NetDevice) -> KVec<McAddr> {
    let mut out = KVec::new();
    dev.for_each_mc_addr(|addr, synced| {
        let _ = out.push(McAddr { addr, synced }, GFP_ATOMIC);
    });
    out
}

/// A macvlan: the Rust state of each device of kind `macvlan` (mode,
/// flags and the other fields C reads live in its [`MacvlanHeader`]).
///
/// [`MacvlanHeader`]: crate::glue::macvlan_header::MacvlanHeader
pub(crate) struct Macvlan {
    /// The port on the lower device.
    pub(crate) port: Arc<Port>,
    /// Per-CPU counters, shared with C through the header.
    pub(crate) stats: VlanStats,
    /// The groups this macvlan subscribed (`vlan->mc_filter`).
    mc_filter: SharedFilter,
}

impl Macvlan {
    /// The state of a new macvlan on `port`.
    pub(crate) fn new(port: Arc<Port>) -> Result<KBox<Macvlan>> {
        Ok(KBox::new(
            Macvlan {
                port,
                stats: VlanStats::new()?,
                mc_filter: SharedFilter::new(),
            },
            GFP_KERNEL,
        )?)
    }

    /// The lower device.
    pub(crate) fn lower(&self) -> &NetDevice {
        self.port.device()
    }
}

/// A macvlan's mode, as its header holds it.
pub(crate) fn mode_of(vlan: &Dev<'_, MacvlanKind>) -> Mode {
    Mode::from_u32(vlan.header().mode()).unwrap_or_default()
}

/// A macvlan's flags, as its header holds them.
pub(crate) fn flags_of(vlan: &Dev<'_, MacvlanKind>) -> Flags {
    Flags::from_u16(vlan.header().flags()).unwrap_or_default()
}

/// `macvlan_port_create()`: the port of `lower`, new. RTNL.
pub(crate) fn create_port(lower: &NetDevice) -> Result<Arc<Port>> {
    let port = Port::attach(lower, MacvlanPort::new(lower)?)?;
    port.state().bc_queue.start(port.clone());
    lower.change_priv_flags(IFF_MACVLAN_PORT, 0);
    // The file is a view; the port works without it.
    let _ = crate::procfs::add_port(&port);
    Ok(port)
}

/// `macvlan_port_destroy()`: detaches the port and gives the lower back
/// the address a passthru macvlan changed. RTNL.
pub(crate) fn destroy_port(port: &Port) {
    let lower = port.device();
    let p = port.state();
    lower.change_priv_flags(0, IFF_MACVLAN_PORT);
    port.detach();
    // No frame can be queued any more.
    p.bc_queue.stop();
    p.proc_file.remove();
    let perm = MacAddr::from_bits(p.perm_addr.load(Relaxed));
    if p.passthru() && lower.mac() != perm {
        let _ = lower.change_mac(&perm, &ExtAck::none());
    }
}

/// Marks the port as a passthru macvlan's. RTNL.
pub(crate) fn set_passthru(port: &Port) {
    port.state().passthru.store(true, Relaxed);
}

/// Lists a new, registered macvlan on its port (after `register` and the
/// upper link). RTNL.
pub(crate) fn link_into_port(vlan: Dev<'_, MacvlanKind>) -> Result {
    let p = vlan.state().port.state();
    p.add_vlan(vlan)?;
    p.update_bc_queue_len();
    Ok(())
}

/// Unlists a macvlan being deleted (`macvlan_dellink()`). RTNL.
pub(crate) fn unlink_from_port(vlan: Dev<'_, MacvlanKind>) {
    let p = vlan.state().port.state();
    if mode_of(&vlan) == Mode::Source {
        flush_sources(vlan);
    }
    let _ = p.remove_vlan(&vlan);
    p.update_bc_queue_len();
}

/// `macvlan_flush_sources()`. RTNL.
pub(crate) fn flush_sources(vlan: Dev<'_, MacvlanKind>) {
    if vlan.header().macaddr_count() == 0 {
        return;
    }
    let p = vlan.state().port.state();
    let empty = ListEdit {
        addrs: KVec::new(),
        next_seq: 0,
    };
    if p.publish_sources(vlan, empty).is_err() {
        pr_warn!("{}: could not flush the source list\n", vlan.name_str());
    }
}

/// `macvlan_changelink_sources()`: applies a source command. RTNL.
pub(crate) fn change_sources(
    vlan: Dev<'_, MacvlanKind>,
    mode: macvlan::MacaddrMode,
    req: &macvlan::Request<'_>,
) -> core::result::Result<(), MacvlanError> {
    let p = vlan.state().port.state();
    let mut edit = p.edit_sources(&vlan).map_err(|_| MacvlanError::NoMemory)?;
    let applied = macvlan::apply_sources(&mut edit, mode, req);
    // What was applied before a failure stays, as in macvlan.ko.
    p.publish_sources(vlan, edit)
        .map_err(|_| MacvlanError::NoMemory)?;
    applied
}

/// `macvlan_hash_add()`.
fn hash_add(vlan: Dev<'_, MacvlanKind>) -> Result {
    let p = vlan.state().port.state();
    let r = DevRef::new(vlan)?;
    let addr = vlan.mac();
    p.by_addr.lock().insert(eth_hash(addr), addr.to_bits(), r)
}

/// `macvlan_hash_del()`; the entry goes after a grace period.
fn hash_del(vlan: &Dev<'_, MacvlanKind>, addr: MacAddr) {
    vlan.state()
        .port
        .state()
        .by_addr
        .lock()
        .remove(eth_hash(addr), addr.to_bits());
}

/// `macvlan_sync_address()`: gives the macvlan `addr`, moving its entry in
/// the lower's filter and the port's table when up. RTNL.
pub(crate) fn sync_address(vlan: Dev<'_, MacvlanKind>, addr: MacAddr) -> Result {
    let s = vlan.state();
    let lower = s.lower();
    let p = s.port.state();
    if !vlan.is_up() {
        vlan.set_mac(&addr);
    } else {
        if p.addr_busy(lower, addr) {
            return Err(EADDRINUSE);
        }
        if !p.passthru() {
            lower.uc_add(&addr)?;
            lower.uc_del(&vlan.mac());
        }
        hash_del(&vlan, vlan.mac());
        vlan.set_mac(&addr);
        hash_add(vlan)?;
    }
    if p.passthru() && !p.addr_change.load(Relaxed) {
        // The lower changed its address: remember it, to restore.
        p.perm_addr.store(lower.mac().to_bits(), Relaxed);
    }
    p.addr_change.store(false, Relaxed);
    Ok(())
}

/// Counts a frame delivered (or not) to `vlan` (`macvlan_count_rx()`).
fn count_rx(vlan: &Dev<'_, MacvlanKind>, len: u32, success: bool, multicast: bool) {
    if success {
        vlan.state().stats.count_rx(len, multicast);
    } else {
        vlan.state().stats.count_rx_error();
    }
}

/// `macvlan_broadcast()`: a copy of `skb` (destination `dst`) to each up
/// macvlan `flood` reaches whose filter has the group; `sender` is the
/// macvlan it came from, if any.
fn broadcast<S: RcuSection>(
    port: &MacvlanPort,
    skb: &SkBuff,
    dst: MacAddr,
    sender: Option<&NetDevice>,
    flood: Flood,
    ctx: &S,
) {
    if !floods(skb.protocol()) {
        return;
    }
    for entry in port.by_addr.walk(ctx) {
        let Some(vlan) = entry.get() else {
            continue;
        };
        let is_sender = sender.is_some_and(|s| s.ptr_eq(&vlan));
        let hit = vlan
            .state()
            .mc_filter
            .test(mc_hash(dst, vlan.header().hash_mix()));
        if !flood.reaches(mode_of(&vlan), is_sender, hit) {
            continue;
        }
        let delivered = match skb.try_clone() {
            Some(clone) if flood.forward => clone.forward_into(&vlan),
            Some(mut clone) => {
                clone.set_dev(&vlan);
                clone.set_pkt_type_group(dst == vlan.broadcast());
                clone.netif_rx()
            }
            None => false,
        };
        count_rx(&vlan, skb.len() + ETH_HLEN, delivered, true);
    }
}

/// `macvlan_forward_source()`: clones of `skb` to the up source-mode
/// macvlans listing `src`; whether one of them (`nodst`) consumes it.
fn forward_source<S: RcuSection>(
    port: &MacvlanPort,
    skb: &SkBuff,
    src: MacAddr,
    dst: MacAddr,
    ctx: &S,
) -> bool {
    let table = port.sources(ctx);
    if table.entries.is_empty() {
        return false;
    }
    let mut consumed = false;
    for e in table.listing(src) {
        let Some(vlan) = e.vlan.get() else {
            continue;
        };
        let owner = SourceOwner {
            nodst: flags_of(&vlan).contains(Flags::NODST),
            up: vlan.is_up(),
        };
        consumed |= macvlan::source_consumes([owner]);
        if !owner.up {
            continue;
        }
        let Some(mut clone) = skb.try_clone() else {
            continue;
        };
        let len = clone.len() + ETH_HLEN;
        clone.set_dev(&vlan);
        if dst == vlan.mac() {
            clone.set_pkt_type_host();
        }
        let delivered = clone.netif_rx();
        count_rx(&vlan, len, delivered, false);
    }
    consumed
}

impl LowerPortOps for MacvlanPort {
    /// `macvlan_handle_frame()`.
    fn receive(port: &Port, skb: SkBuff, ctx: &RxContext) -> RxResult {
        let Some((dst, src, looped)) = skb.eth_addrs() else {
            return RxResult::Pass(skb);
        };
        if looped {
            return RxResult::Pass(skb);
        }
        let p = port.state();
        if dst.is_multicast() {
            let Some(skb) = skb.defrag_macvlan() else {
                return RxResult::Consumed;
            };
            receive_group(p, skb, dst, src, ctx)
        } else {
            receive_unicast(p, skb, dst, src, ctx)
        }
    }
}

/// The group half of `macvlan_handle_frame()`.
fn receive_group(
    p: &MacvlanPort,
    skb: SkBuff,
    dst: MacAddr,
    src: MacAddr,
    ctx: &RxContext,
) -> RxResult {
    let consumed = forward_source(p, &skb, src, dst, ctx);
    let sender = if consumed { None } else { p.lookup(src, ctx) };
    let sender_mode = sender.as_ref().map(mode_of);
    let hash = mc_hash(dst, 0);
    match group_rx(
        consumed,
        sender_mode,
        p.bc_filter.test(hash),
        p.mc_filter.test(hash),
    ) {
        GroupRx::Consumed => RxResult::Consumed,
        GroupRx::ToSender => {
            let Some(vlan) = sender else {
                return RxResult::Pass(skb);
            };
            let mut skb = skb;
            skb.set_dev(&vlan);
            skb.set_pkt_type_group(dst == vlan.broadcast());
            let delivered = skb.netif_rx();
            // macvlan.ko counts this delivery with a length of 0.
            count_rx(&vlan, 0, delivered, false);
            RxResult::Consumed
        }
        GroupRx::Queue => {
            let limit = p.bc_queue_len_used.load(Relaxed);
            p.bc_queue.add(&skb, limit, sender.as_deref());
            RxResult::Pass(skb)
        }
        GroupRx::Flood => {
            multicast_rx(p, &skb, dst, sender, ctx);
            RxResult::Pass(skb)
        }
        GroupRx::LowerOnly => RxResult::Pass(skb),
    }
}

/// `macvlan_multicast_rx()`: floods a group frame from `sender` (a
/// macvlan, or `None` for an outside source) by the sender's mode.
fn multicast_rx<S: RcuSection>(
    p: &MacvlanPort,
    skb: &SkBuff,
    dst: MacAddr,
    sender: Option<Dev<'_, MacvlanKind>>,
    ctx: &S,
) {
    let flood = Flood::received(sender.as_ref().map(mode_of));
    let skip = sender.as_ref().filter(|_| flood.skip_sender);
    broadcast(p, skb, dst, skip.map(|d| &**d), flood, ctx);
}

impl FrameQueueOps for Port {
    /// `macvlan_process_broadcast()`, for one queued frame.
    fn process(&self, skb: SkBuff, src: Option<&NetDevice>) {
        if let Some((dst, _, _)) = skb.eth_addrs() {
            rcu_read(|ctx| {
                let sender = src.and_then(Dev::<MacvlanKind>::of);
                multicast_rx(self.state(), &skb, dst, sender, ctx)
            });
        }
        skb.consume();
    }
}

/// The unicast half of `macvlan_handle_frame()`.
fn receive_unicast(
    p: &MacvlanPort,
    skb: SkBuff,
    dst: MacAddr,
    src: MacAddr,
    ctx: &RxContext,
) -> RxResult {
    if forward_source(p, &skb, src, dst, ctx) {
        return RxResult::Consumed;
    }
    let vlan = if p.passthru() {
        p.vlans(ctx).first().and_then(|v| v.get())
    } else {
        p.lookup(dst, ctx)
    };
    let target = vlan.as_ref().map(|v| Target {
        mode: mode_of(v),
        up: v.is_up(),
    });
    match (unicast_rx(false, target), vlan) {
        (UnicastRx::Deliver, Some(vlan)) => {
            let len = skb.len() + ETH_HLEN;
            let Some(mut skb) = skb.unshare() else {
                count_rx(&vlan, len, false, false);
                return RxResult::Consumed;
            };
            skb.set_dev(&vlan);
            skb.set_pkt_type_host();
            count_rx(&vlan, len, true, false);
            RxResult::Another(skb)
        }
        (UnicastRx::Drop | UnicastRx::Consumed, _) => RxResult::Consumed,
        _ => RxResult::Pass(skb),
    }
}

#[vtable]
impl DeviceOps for MacvlanKind {
    type Device = Macvlan;
    type Header = MacvlanHeader;
    const DRIVER_NAME: &'static CStr = c"macvlan";
    const DRIVER_VERSION: &'static CStr = c"0.1";
    const FIRMWARE_VERSION: &'static CStr = c"";

    /// `macvlan_setup()`.
    fn setup(dev: &NetDevice) {
        dev.setup_ethernet();
        dev.set_mtu_range(MIN_MTU, ETH_MAX_MTU);
        dev.change_priv_flags(IFF_UNICAST_FLT | IFF_NO_QUEUE, IFF_TX_SKB_SHARING);
        dev.keep_dst();
        dev.allow_proto_down();
    }

    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        Some(dev.state().lower())
    }

    /// `macvlan_init()`: counts the macvlan on its port and takes the lower's
    /// features.
    fn init(vlan: Dev<'_, Self>) -> Result {
        let s = vlan.state();
        vlan.init_macvlan_features(s.lower());
        s.port.state().count.fetch_add(1, Relaxed);
        Ok(())
    }

    /// `macvlan_uninit()`: the last macvlan takes its port with it.
    fn uninit(vlan: Dev<'_, Self>) {
        let port = &vlan.state().port;
        flush_sources(vlan);
        if port.state().count.fetch_sub(1, Relaxed) == 1 {
            destroy_port(port);
        }
    }

    /// `macvlan_open()`.
    fn open(vlan: Dev<'_, Self>) -> Result {
        let s = vlan.state();
        let lower = s.lower();
        let p = s.port.state();
        let promisc = macvlan::open(
            p.passthru(),
            flags_of(&vlan),
            !p.passthru() && p.addr_busy(lower, vlan.mac()),
        )
        .map_err(|e| Error::from_errno(-e.errno()))?;
        if p.passthru() {
            if promisc {
                lower.adjust_promiscuity(1);
            }
        } else {
            lower.uc_add(&vlan.mac())?;
            if vlan.flags() & IFF_ALLMULTI != 0 {
                lower.adjust_allmulti(1);
            }
            if vlan.flags() & IFF_PROMISC != 0 {
                lower.adjust_promiscuity(1);
            }
        }
        hash_add(vlan)
    }

    /// `macvlan_stop()`.
    fn stop(vlan: Dev<'_, Self>) -> Result {
        let s = vlan.state();
        let lower = s.lower();
        lower.unsync_addr_lists_from(&vlan);
        if s.port.state().passthru() {
            if !flags_of(&vlan).contains(Flags::NOPROMISC) {
                lower.adjust_promiscuity(-1);
            }
        } else {
            if vlan.flags() & IFF_ALLMULTI != 0 {
                lower.adjust_allmulti(-1);
            }
            if vlan.flags() & IFF_PROMISC != 0 {
                lower.adjust_promiscuity(-1);
            }
            lower.uc_del(&vlan.mac());
        }
        hash_del(&vlan, vlan.mac());
        Ok(())
    }

    /// `macvlan_start_xmit()` and `macvlan_queue_xmit()`.
    fn start_xmit(vlan: Dev<'_, Self>, mut skb: SkBuff, ctx: &TxContext) {
        let s = vlan.state();
        let lower = s.lower();
        let p = s.port.state();
        let len = skb.len();
        let mode = mode_of(&vlan);
        let dst = skb.eth_addrs().map_or(MacAddr::ZERO, |(dst, _, _)| dst);
        let dest_mode = if mode == Mode::Bridge && !dst.is_multicast() {
            p.lookup(dst, ctx).as_ref().map(mode_of)
        } else {
            None
        };
        let ret = match xmit(mode, dst, dest_mode) {
            Xmit::LoopThroughLower => {
                skb.loop_through(lower);
                NET_XMIT_SUCCESS
            }
            route => {
                if route == Xmit::FloodThenLower {
                    broadcast(p, &skb, dst, Some(&vlan), Flood::BRIDGE_XMIT, ctx);
                }
                skb.set_dev(lower);
                skb.queue_xmit()
            }
        };
        if ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN {
            s.stats.count_tx(len);
        } else {
            s.stats.count_tx_dropped();
        }
    }

    /// `macvlan_change_mtu()`.
    fn change_mtu(vlan: Dev<'_, Self>, mtu: u32) -> Result {
        macvlan::check_mtu(vlan.state().lower().mtu(), mtu)
            .map_err(|e| Error::from_errno(-e.errno()))?;
        vlan.store_mtu(mtu);
        Ok(())
    }

    /// `macvlan_set_mac_address()`.
    fn set_mac_address(vlan: Dev<'_, Self>, addr: MacAddr) -> Result {
        let s = vlan.state();
        let p = s.port.state();
        let busy = p.addr_busy(s.lower(), addr);
        match macvlan::set_mac_address(vlan.mac(), addr, mode_of(&vlan), busy) {
            Err(e) => Err(Error::from_errno(-e.errno())),
            Ok(SetMac::Unchanged) => Ok(()),
            Ok(SetMac::ChangeLower) => {
                p.addr_change.store(true, Relaxed);
                s.lower().change_mac(&addr, &ExtAck::none())
            }
            Ok(SetMac::Sync) => sync_address(vlan, addr),
        }
    }

    /// `macvlan_set_mac_lists()` (`ndo_set_rx_mode`): the macvlan's filter,
    /// its lists synced down, then the port's filters.
    fn set_rx_mode(vlan: Dev<'_, Self>) {
        let s = vlan.state();
        let lower = s.lower();
        let p = s.port.state();
        let own = compute_filter(
            all_groups(&vlan),
            mc_addrs(&vlan),
            vlan.broadcast(),
            Some(vlan.header().hash_mix()),
            0,
        );
        s.mc_filter.store(&own);
        lower.sync_addr_lists_from(&vlan);
        let port = port_mc_filter(all_groups(lower), mc_addrs(lower), lower.broadcast());
        p.mc_filter.store(&port);
        p.recompute_bc_filter(lower);
    }

    /// `macvlan_change_rx_flags()`.
    fn change_rx_flags(vlan: Dev<'_, Self>, change: u32) {
        if !vlan.is_up() {
            return;
        }
        let s = vlan.state();
        let lower = s.lower();
        let inc = |flag: u32| if vlan.flags() & flag != 0 { 1 } else { -1 };
        if change & IFF_ALLMULTI != 0 {
            lower.adjust_allmulti(inc(IFF_ALLMULTI));
        }
        if !s.port.state().passthru() && change & IFF_PROMISC != 0 {
            lower.adjust_promiscuity(inc(IFF_PROMISC));
        }
    }

    fn fix_features(dev: Dev<'_, Self>, features: u64) -> u64 {
        dev.fix_macvlan_features(dev.state().lower(), features)
    }

    /// `macvlan_dev_get_stats64()`.
    fn get_stats64(vlan: Dev<'_, Self>, stats: &mut LinkStats) {
        vlan.state().stats.fold(stats);
        stats.rx_dropped = stats.rx_errors;
    }

    fn vlan_rx_add_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_add(proto, vid)
    }

    fn vlan_rx_kill_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_del(proto, vid);
        Ok(())
    }

    const FDB_NOTIFIES: bool = false;

    /// `macvlan_fdb_add()`: `bridge fdb add ADDR dev MACVLAN`.
    fn fdb_add(
        dev: Dev<'_, Self>,
        _target: &NetDevice,
        req: &FdbRequest,
        _extack: &ExtAck,
    ) -> Result {
        let replace = u32::from(req.nlh_flags) & NLM_F_REPLACE != 0;
        let passthru = dev.state().port.state().passthru();
        macvlan::check_fdb(passthru, req.addr, replace)
            .map_err(|e| Error::from_errno(-e.errno()))?;
        if req.addr.is_multicast() {
            dev.mc_add_excl(&req.addr)
        } else {
            dev.uc_add_excl(&req.addr)
        }
    }

    /// `macvlan_fdb_del()`.
    fn fdb_del(dev: Dev<'_, Self>, _target: &NetDevice, addr: MacAddr, _vid: u16) -> Result {
        let passthru = dev.state().port.state().passthru();
        macvlan::check_fdb(passthru, addr, false).map_err(|e| Error::from_errno(-e.errno()))?;
        dev.addr_del(&addr)
    }

    fn parse_protocol(skb: &SkBuffRef) -> u16 {
        // `eth_header_parse_protocol()`.
        match skb.linear().get(12..14) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        }
    }
}
