// SPDX-License-Identifier: GPL-2.0

//! The bond device, as `bond_main.c`: enslaving and releasing slaves, the
//! device's ops, the transmit dispatch of each mode, the receive handler on
//! the slaves, and the choice of the active slave.
//!
//! Locking: the control state ([`BondCtl`]) sits in a mutex taken under
//! RTNL, and never across a call into the stack that may come back into
//! rvnet (a notifier): callers take a snapshot of the slaves and drop the
//! lock first. The datapath reads an RCU-published [`TxTable`], rebuilt
//! whenever the slaves' states change; the receive handler reads the
//! per-slave atomics of [`Slave`].

use crate::ad::AdState;
use crate::arp::{self, ArpRx, ArpTimes};
use crate::glue::attr::ExtAck;
use crate::glue::link::{Dev, DeviceOps, TxContext};
use crate::glue::netdev::{
    counters, counters_mut, LinkStats, NetDevice, ARPHRD_ETHER, ETH_MAX_MTU, IFF_ALLMULTI,
    IFF_BONDING, IFF_MASTER, IFF_NO_ADDRCONF, IFF_NO_QUEUE, IFF_PROMISC, IFF_SLAVE,
    IFF_TX_SKB_SHARING, IFF_UNICAST_FLT, IFF_UP, IFF_XMIT_DST_RELEASE, NET_ADDR_STOLEN,
};
use crate::glue::notifier::{
    NETDEV_BONDING_FAILOVER, NETDEV_CHANGEADDR, NETDEV_JOIN, NETDEV_NOTIFY_PEERS, NETDEV_RELEASE,
    NETDEV_RESEND_IGMP,
};
use crate::glue::port::{LagInfo, Port, PortOps, RxContext, RxResult};
use crate::glue::procfs::DeviceFile;
use crate::glue::rcu::RcuBox;
use crate::glue::skb::{SkBuff, SkbView};
use crate::glue::timer::now_ms;
use crate::netlink::{BondHeader, BondKind};
use crate::options::{Mode, Params};
use crate::rvnet_core::bond::hash::{
    bond_xmit_hash, rr_gen_slave_id, rr_is_igmp, RrState, SkbMeta,
};
use crate::rvnet_core::bond::lacp::{ETH_P_SLOW, LACPDU_MCAST_ADDR as LACPDU_MCAST};
use crate::rvnet_core::bond::monitor::{self, Link, SlaveLink};
use crate::rvnet_core::bond::options::{check_deps, BondState, OptionId};
use crate::rvnet_core::bond::proc::{DUPLEX_FULL, DUPLEX_UNKNOWN, SPEED_UNKNOWN};
use crate::rvnet_core::bond::stats::fold_counters;
use crate::rvnet_core::ether::MacAddr;
use core::pin::Pin;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::{Arc, Mutex, SpinLock};
use kernel::{new_mutex, new_spinlock};

/// `ndo_work` event: the MII link monitor is due.
pub(crate) const WORK_MII: u64 = 1 << 0;
/// `ndo_work` event: the 802.3ad state machines are due.
pub(crate) const WORK_AD: u64 = 1 << 1;
/// `ndo_work` event: the ARP monitor is due.
pub(crate) const WORK_ARP: u64 = 1 << 2;

/// `BOND_STATE_ACTIVE` / `BOND_STATE_BACKUP`, as netlink reports them.
pub(crate) const STATE_ACTIVE: u8 = 0;
/// See [`STATE_ACTIVE`].
pub(crate) const STATE_BACKUP: u8 = 1;

/// A slave as the datapath sees it: the receive handler's data.
pub(crate) struct Slave {
    /// Stable id (1, 2, ... in enslave order; the 802.3ad port number).
    pub(crate) id: u32,
    /// The address the slave had before it was enslaved.
    pub(crate) perm_hwaddr: MacAddr,
    /// The MTU the slave had before it was enslaved.
    pub(crate) original_mtu: u32,
    /// Deliver only exact-match traffic (`slave->inactive`).
    inactive: AtomicBool,
    /// May transmit: link up and not a backup (`bond_is_active_slave`).
    tx_enabled: AtomicBool,
    /// `BOND_LINK_*` mirror of the control state, for the datapath.
    link: AtomicU8,
    /// ARP monitor times.
    pub(crate) arp: ArpTimes,
}

impl Slave {
    /// Whether the slave may transmit (`bond_is_active_slave`).
    pub(crate) fn is_active(&self) -> bool {
        self.tx_enabled.load(Relaxed)
    }

    /// Whether the slave's link is up by the monitor's account.
    pub(crate) fn link_up(&self) -> bool {
        self.link.load(Relaxed) == Link::Up as u8
    }
}

/// A slave's port: the lower device plus its [`Slave`] state.
pub(crate) type SlavePort = Port<Slave>;

/// Whether a slave device is running with carrier (`bond_slave_is_up`).
fn device_is_up(dev: &NetDevice) -> bool {
    dev.is_running() && dev.carrier_ok()
}

/// `bond_slave_can_tx`.
fn can_tx(port: &SlavePort) -> bool {
    let s = port.state();
    device_is_up(port.device()) && s.link_up() && s.tx_enabled.load(Relaxed)
}

impl PortOps for Slave {
    type Master = BondKind;

    fn receive(
        bond: Dev<'_, BondKind>,
        port: &SlavePort,
        skb: SkBuff,
        ctx: &RxContext,
    ) -> RxResult {
        let Some(mut skb) = skb.unshare() else {
            return RxResult::Consumed;
        };
        let state = bond.state();
        if skb.protocol() == ETH_P_SLOW && state.mode() == Mode::Ieee8023ad {
            if skb.with_view::<128, _>(|v| state.ad.receive(&bond, port, v.headers)) {
                drop(skb);
                return RxResult::Consumed;
            }
        }
        let t = state.tx.get(ctx);
        if let Some(rx) = &t.arp {
            let arp_slave = state.arp_slave_rx.load(Relaxed);
            let probe = t
                .all
                .iter()
                .find(|p| arp_slave != 0 && p.state().id == arp_slave);
            arp::receive(
                &bond,
                rx,
                port,
                &skb,
                t.active.as_deref(),
                probe.map(|p| &**p),
            );
        }
        if port.state().inactive.load(Relaxed) {
            let link_local = skb.with_view::<6, _>(
                |v| matches!(v.headers, [0x01, 0x80, 0xc2, 0, 0, x, ..] if *x & 0xf0 == 0),
            );
            return if link_local {
                RxResult::Pass(skb)
            } else {
                RxResult::Exact(skb)
            };
        }
        skb.set_dev(&bond);
        RxResult::Another(skb)
    }
}

/// What the control path keeps for each slave.
pub(crate) struct SlaveEntry {
    /// The port (shared with the receive handler).
    pub(crate) port: Arc<SlavePort>,
    /// The link monitor's view.
    pub(crate) link: SlaveLink,
    /// `link_failure_count`.
    pub(crate) link_failure_count: u32,
    /// `queue_id`.
    pub(crate) queue_id: u16,
}

impl SlaveEntry {
    /// The slave's device.
    pub(crate) fn device(&self) -> &NetDevice {
        self.port.device()
    }

    /// `bond_slave_state`.
    pub(crate) fn state(&self) -> u8 {
        if !self.port.state().tx_enabled.load(Relaxed) {
            STATE_BACKUP
        } else {
            STATE_ACTIVE
        }
    }

    /// Publishes the entry's link state to the datapath's atomics.
    pub(crate) fn publish(&self) {
        self.port.state().link.store(self.link.link as u8, Relaxed);
    }

    /// Stores what [`read_speed`] read; false when it is not known.
    fn set_speed(&mut self, known: Option<(u32, u8)>) -> bool {
        let (speed, duplex) = known.unwrap_or((SPEED_UNKNOWN, DUPLEX_UNKNOWN));
        self.link.speed = speed;
        self.link.duplex = duplex;
        known.is_some()
    }
}

/// A slave's speed and duplex as `bond_update_speed_duplex` reads them: a
/// speed of 0 or unknown, or a duplex other than half or full, counts as
/// not known. Outside a notifier this takes the slave's instance lock, so
/// the bond's lock must not be held (`fill_slave_info` nests them the
/// other way).
fn read_speed(dev: &NetDevice, in_notifier: bool) -> Option<(u32, u8)> {
    dev.speed_duplex(in_notifier)
        .filter(|&(speed, duplex)| speed != 0 && speed != SPEED_UNKNOWN && duplex <= DUPLEX_FULL)
}

/// The control state of a bond, under [`Bond::ctl`].
pub(crate) struct BondCtl {
    /// The options.
    pub(crate) params: Params,
    /// The slaves, in enslave order.
    pub(crate) slaves: KVec<SlaveEntry>,
    /// Id of the active slave (`curr_active_slave`).
    pub(crate) active: Option<u32>,
    /// Id of the primary slave, when `params.primary` names a slave.
    pub(crate) primary: Option<u32>,
    /// Make the primary active at the next selection.
    force_primary: bool,
    /// Id for the next slave.
    next_id: u32,
    /// The slave the active-backup ARP monitor probes through while no
    /// slave is active (`current_arp_slave`).
    pub(crate) arp_slave: Option<u32>,
    /// Peer notifications (gratuitous ARP / unsolicited NA) left to send.
    pub(crate) peer_notifs_left: u32,
}

impl BondCtl {
    /// Index of the slave with `id`.
    pub(crate) fn index_of(&self, id: Option<u32>) -> Option<usize> {
        let id = id?;
        self.slaves.iter().position(|e| e.port.state().id == id)
    }

    /// Index of the slave whose device is `dev`.
    pub(crate) fn index_of_dev(&self, dev: &NetDevice) -> Option<usize> {
        self.slaves.iter().position(|e| e.device().ptr_eq(dev))
    }

    /// The active slave's entry.
    pub(crate) fn active_entry(&self) -> Option<&SlaveEntry> {
        self.index_of(self.active).and_then(|i| self.slaves.get(i))
    }

    fn links(&self) -> KVec<SlaveLink> {
        let mut v = KVec::with_capacity(self.slaves.len(), GFP_KERNEL).unwrap_or_default();
        for e in self.slaves.iter() {
            let _ = v.push(e.link, GFP_KERNEL);
        }
        v
    }

    /// Marks slave `i` active or backup (`bond_set_slave_{active,inactive}_flags`).
    pub(crate) fn set_backup(&mut self, i: usize, backup: bool) {
        let all_active = self.params.all_slaves_active;
        let lb = matches!(self.params.mode, Mode::Tlb | Mode::Alb);
        if let Some(e) = self.slaves.get(i) {
            let s = e.port.state();
            if !(backup && lb) {
                s.tx_enabled.store(!backup, Relaxed);
            }
            s.inactive.store(backup && !all_active, Relaxed);
            e.publish();
        }
    }
}

/// What the datapath sees: rebuilt and republished whole on each change.
pub(crate) struct TxTable {
    mode: Mode,
    policy: crate::rvnet_core::bond::hash::XmitHashPolicy,
    rr: RrState,
    /// The active slave (active-backup; IGMP in balance-rr).
    active: Option<Arc<SlavePort>>,
    /// The slaves transmit hashing picks from (`usable_slaves`).
    usable: KVec<Arc<SlavePort>>,
    /// Every slave, in order.
    all: KVec<Arc<SlavePort>>,
    /// The ARP monitor's receive-side settings, when it runs.
    arp: Option<ArpRx>,
}

/// Counters folded from the slaves (`bond_get_stats`).
struct StatsFold {
    total: LinkStats,
    last: KVec<(u32, LinkStats)>,
}

/// A bond: the Rust state of each device of kind `bond`.
pub(crate) struct Bond {
    /// Control state.
    pub(crate) ctl: Pin<KBox<Mutex<BondCtl>>>,
    /// The transmit table.
    tx: RcuBox<TxTable>,
    /// Mode, for the receive path.
    mode: AtomicU8,
    /// balance-rr's counter (`rr_tx_counter`).
    rr_counter: AtomicU32,
    /// Id of the ARP monitor's probing slave, for the receive path (0:
    /// none).
    arp_slave_rx: AtomicU32,
    stats: Pin<KBox<SpinLock<StatsFold>>>,
    /// 802.3ad state.
    pub(crate) ad: AdState,
    /// `/proc/net/bonding/BOND`.
    pub(crate) proc_file: DeviceFile,
}

impl Bond {
    /// A bond with `params` and no slave.
    pub(crate) fn new(params: Params) -> Result<KBox<Bond>> {
        let mode = params.mode;
        let tx = TxTable {
            mode,
            policy: params.xmit_policy,
            rr: RrState::new(params.packets_per_slave),
            active: None,
            usable: KVec::new(),
            all: KVec::new(),
            arp: ArpRx::of(&params),
        };
        let ctl = BondCtl {
            params,
            slaves: KVec::new(),
            active: None,
            primary: None,
            force_primary: false,
            next_id: 1,
            arp_slave: None,
            peer_notifs_left: 0,
        };
        Ok(KBox::new(
            Bond {
                ctl: KBox::pin_init(new_mutex!(ctl), GFP_KERNEL)?,
                tx: RcuBox::new(KBox::new(tx, GFP_KERNEL)?),
                mode: AtomicU8::new(mode.value()),
                rr_counter: AtomicU32::new(0),
                arp_slave_rx: AtomicU32::new(0),
                stats: KBox::pin_init(
                    new_spinlock!(StatsFold {
                        total: LinkStats::default(),
                        last: KVec::new()
                    }),
                    GFP_KERNEL,
                )?,
                ad: AdState::new()?,
                proc_file: DeviceFile::default(),
            },
            GFP_KERNEL,
        )?)
    }

    /// The bonding mode.
    pub(crate) fn mode(&self) -> Mode {
        Mode::from_value(self.mode.load(Relaxed).into()).unwrap_or_default()
    }

    /// Publishes a new mode (changing it requires no slaves).
    pub(crate) fn set_mode_published(&self, mode: Mode) {
        self.mode.store(mode.value(), Relaxed);
    }

    /// Publishes the ARP monitor's probing slave to the receive path.
    pub(crate) fn set_arp_slave_rx(&self, id: Option<u32>) {
        self.arp_slave_rx.store(id.unwrap_or(0), Relaxed);
    }

    /// The slaves' ports, in order, without holding the lock afterwards.
    pub(crate) fn ports(&self) -> KVec<Arc<SlavePort>> {
        let ctl = self.ctl.lock();
        let mut v = KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).unwrap_or_default();
        for e in ctl.slaves.iter() {
            let _ = v.push(e.port.clone(), GFP_KERNEL);
        }
        v
    }
}

/// Rebuilds the transmit table from the control state and publishes it
/// (`bond_update_slave_arr`). Sleeps (waits for readers of the old one).
pub(crate) fn update_tx(bond: Dev<'_, BondKind>) {
    let b = bond.state();
    let table = {
        let ctl = b.ctl.lock();
        for e in ctl.slaves.iter() {
            e.publish();
        }
        let mut all = KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).unwrap_or_default();
        let mut usable = KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).unwrap_or_default();
        let ad_agg = b.ad.active_ports(&ctl);
        for e in ctl.slaves.iter() {
            let _ = all.push(e.port.clone(), GFP_KERNEL);
            let use_it = match ctl.params.mode {
                Mode::Ieee8023ad => ad_agg.contains(&e.port.state().id) && device_is_up(e.device()),
                _ => can_tx(&e.port),
            };
            if use_it {
                let _ = usable.push(e.port.clone(), GFP_KERNEL);
            }
        }
        TxTable {
            mode: ctl.params.mode,
            policy: ctl.params.xmit_policy,
            rr: RrState::new(ctl.params.packets_per_slave),
            active: ctl.active_entry().map(|e| e.port.clone()),
            usable,
            all,
            arp: ArpRx::of(&ctl.params),
        }
    };
    match KBox::new(table, GFP_KERNEL) {
        Ok(t) => b.tx.replace(t),
        Err(_) => pr_warn!(
            "{}: out of memory updating the slave array\n",
            bond.name_str()
        ),
    }
}

/// Sends `skb` through `port` (`bond_dev_queue_xmit`).
fn xmit_on(port: &SlavePort, mut skb: SkBuff) {
    skb.set_dev(port.device());
    skb.queue_xmit();
}

/// Drops a frame the bond cannot send (`bond_tx_drop`).
fn tx_drop(bond: &NetDevice, skb: SkBuff) {
    bond.count_tx_dropped();
    drop(skb);
}

/// balance-rr's pick (`bond_xmit_roundrobin_slave_get`): IGMP through the
/// active slave, the rest to the next slave that can send.
fn round_robin<'a>(b: &Bond, t: &'a TxTable, view: &SkbView<'_>) -> Option<&'a Arc<SlavePort>> {
    if rr_is_igmp(view.headers, &skb_meta(view)) {
        return t.active.as_ref().or(t.all.first());
    }
    let n = t.all.len();
    if n == 0 {
        return None;
    }
    let mut rr = t.rr;
    rr.counter = b.rr_counter.fetch_add(1, Relaxed);
    // `packets_per_slave 0` picks a random slave.
    let random = if rr.packets_per_slave == 0 {
        crate::glue::netdev::random_u32()
    } else {
        0
    };
    let id = rr_gen_slave_id(&mut rr, random) as usize % n;
    (0..n)
        .filter_map(|i| t.all.get((id + i) % n))
        .find(|p| can_tx(p))
}

/// broadcast: a copy to every slave that is up (`bond_xmit_broadcast`).
fn broadcast(bond: &NetDevice, t: &TxTable, skb: SkBuff) {
    let mut targets = t
        .all
        .iter()
        .filter(|p| device_is_up(p.device()) && p.state().link_up());
    let Some(mut last) = targets.next() else {
        return tx_drop(bond, skb);
    };
    for p in targets {
        match skb.try_clone() {
            Some(c) => xmit_on(last, c),
            None => bond.count_tx_dropped(),
        }
        last = p;
    }
    xmit_on(last, skb);
}

/// What `bond_xmit_hash()` reads of the skb besides its bytes.
fn skb_meta(view: &SkbView<'_>) -> SkbMeta {
    let mut meta = SkbMeta::for_frame(view.headers);
    meta.protocol = view.protocol;
    meta.vlan_tci = view.vlan_tci;
    meta.l4_hash = view.l4_hash;
    meta
}

/// Whether the mode has an active slave (`bond_uses_primary`).
pub(crate) fn uses_primary(mode: Mode) -> bool {
    matches!(mode, Mode::ActiveBackup | Mode::Tlb | Mode::Alb)
}

fn lag_info(p: &Params) -> LagInfo {
    use crate::glue::bindings as bb;
    let tx_type = match p.mode {
        Mode::RoundRobin => bb::NETDEV_LAG_TX_TYPE_ROUNDROBIN,
        Mode::ActiveBackup => bb::NETDEV_LAG_TX_TYPE_ACTIVEBACKUP,
        Mode::Broadcast => bb::NETDEV_LAG_TX_TYPE_BROADCAST,
        Mode::Xor | Mode::Ieee8023ad => bb::NETDEV_LAG_TX_TYPE_HASH,
        Mode::Tlb | Mode::Alb => bb::NETDEV_LAG_TX_TYPE_UNKNOWN,
    };
    let hash_type = if tx_type != bb::NETDEV_LAG_TX_TYPE_HASH {
        bb::NETDEV_LAG_HASH_NONE
    } else {
        use crate::rvnet_core::bond::hash::XmitHashPolicy as P;
        match p.xmit_policy {
            P::Layer2 => bb::NETDEV_LAG_HASH_L2,
            P::Layer34 => bb::NETDEV_LAG_HASH_L34,
            P::Layer23 => bb::NETDEV_LAG_HASH_L23,
            P::Encap23 => bb::NETDEV_LAG_HASH_E23,
            P::Encap34 => bb::NETDEV_LAG_HASH_E34,
            P::VlanSrcMac => bb::NETDEV_LAG_HASH_VLAN_SRCMAC,
        }
    };
    LagInfo { tx_type, hash_type }
}

/// Tells the stack a slave's link/transmit state (`bond_lower_state_changed`).
pub(crate) fn notify_lower_state(port: &SlavePort) {
    let s = port.state();
    let link = s.link.load(Relaxed);
    port.device().lower_state_changed(
        link == Link::Up as u8 || link == Link::Fail as u8,
        s.tx_enabled.load(Relaxed),
    );
}

/// `ndo_del_slave` and the slave's unregistration (`__bond_release_one`).
pub(crate) fn release(bond: Dev<'_, BondKind>, slave: &NetDevice, unregistering: bool) -> Result {
    let b = bond.state();
    let Some(port) = Port::<Slave>::of(slave).map(Arc::from) else {
        return Err(EINVAL);
    };
    if !port.master_rtnl().is_some_and(|m| m.ptr_eq(&bond)) || slave.flags() & IFF_SLAVE == 0 {
        return Err(EINVAL);
    }
    let id = port.state().id;
    let (mode, fail_over_mac, was_active) = {
        let mut ctl = b.ctl.lock();
        let Some(i) = ctl.index_of(Some(id)) else {
            return Err(EINVAL);
        };
        ctl.set_backup(i, true);
        (
            ctl.params.mode,
            ctl.params.fail_over_mac,
            ctl.active == Some(id),
        )
    };
    fold_stats(bond);
    if mode == Mode::Ieee8023ad {
        b.ad.unbind(&bond, &port);
    }
    port.detach();
    slave.change_flags_raw(0, IFF_SLAVE);
    pr_info!(
        "{}: ({}): Releasing {} interface\n",
        bond.name_str(),
        slave.name_str(),
        if was_active || !uses_primary(mode) {
            "active"
        } else {
            "backup"
        }
    );
    let empty = {
        let mut ctl = b.ctl.lock();
        if ctl.primary == Some(id) {
            ctl.primary = None;
        }
        if let Some(i) = ctl.index_of(Some(id)) {
            ctl.slaves.remove(i)?;
        }
        ctl.slaves.is_empty()
    };
    b.stats.lock().last.retain(|(i, _)| *i != id);
    if was_active {
        change_active_slave(bond, None);
        select_active_slave(bond);
    }
    update_tx(bond);
    set_carrier(bond);
    if empty {
        bond.set_random_mac();
        bond.notify(NETDEV_CHANGEADDR);
        bond.notify(NETDEV_RELEASE);
    }
    bond.compute_upper_features(true);
    slave.del_vids_of(&bond);
    if !uses_primary(mode) {
        if bond.flags() & IFF_PROMISC != 0 {
            slave.adjust_promiscuity(-1);
        }
        if bond.flags() & IFF_ALLMULTI != 0 {
            slave.adjust_allmulti(-1);
        }
        if bond.flags() & IFF_UP != 0 {
            flush_addr_lists(&bond, slave, mode);
        }
    }
    slave.close();
    slave.change_priv_flags(0, IFF_NO_ADDRCONF);
    if fail_over_mac != crate::options::FOM_ACTIVE || mode != Mode::ActiveBackup {
        let _ = slave.change_mac(&port.state().perm_hwaddr, &ExtAck::none());
    }
    if unregistering {
        slave.store_mtu(port.state().original_mtu);
    } else {
        let _ = slave.change_mtu(port.state().original_mtu);
    }
    if slave.flags() & IFF_MASTER == 0 {
        slave.change_priv_flags(0, IFF_BONDING);
    }
    Ok(())
}

/// `bond_hw_addr_flush`.
fn flush_addr_lists(bond: &NetDevice, slave: &NetDevice, mode: Mode) {
    slave.unsync_addr_lists_from(bond);
    if mode == Mode::Ieee8023ad {
        slave.mc_del(&LACPDU_MCAST);
    }
}

/// Releases every slave (bond deletion, `bond_uninit`).
pub(crate) fn release_all(bond: Dev<'_, BondKind>) {
    for port in bond.state().ports().iter() {
        let _ = release(bond, port.device(), false);
    }
}

/// `bond_set_carrier`: on when a slave is up (802.3ad: per aggregator).
pub(crate) fn set_carrier(bond: Dev<'_, BondKind>) -> bool {
    let b = bond.state();
    let on = {
        let ctl = b.ctl.lock();
        if ctl.slaves.is_empty() {
            false
        } else if ctl.params.mode == Mode::Ieee8023ad {
            b.ad.carrier(&ctl)
        } else {
            ctl.slaves.iter().any(|e| e.link.link == Link::Up)
        }
    };
    if on == bond.carrier_ok() {
        return false;
    }
    bond.set_carrier(on);
    true
}

/// `bond_change_active_slave`.
pub(crate) fn change_active_slave(bond: Dev<'_, BondKind>, new: Option<u32>) {
    let b = bond.state();
    let (old_port, new_port, mode, notify_peers) = {
        let mut ctl = b.ctl.lock();
        let old = ctl.active;
        if old == new {
            return;
        }
        let mode = ctl.params.mode;
        if let Some(i) = ctl.index_of(new) {
            if let Some(e) = ctl.slaves.get_mut(i) {
                if e.link.link == Link::Back {
                    e.link.delay = 0;
                    e.link.link = Link::Up;
                }
            }
        }
        ctl.active = new;
        let mut peers = false;
        if mode == Mode::ActiveBackup {
            if let Some(i) = ctl.index_of(old) {
                ctl.set_backup(i, true);
            }
            if let Some(i) = ctl.index_of(new) {
                ctl.set_backup(i, false);
                if bond.is_running() {
                    ctl.peer_notifs_left = ctl.params.num_peer_notif.into();
                    peers = ctl.peer_notifs_left > 0;
                }
            }
        } else if matches!(mode, Mode::Tlb | Mode::Alb) {
            // Only the active slave receives (`bond_alb_handle_active_change`).
            if let Some(i) = ctl.index_of(old) {
                ctl.set_backup(i, true);
            }
            if let Some(i) = ctl.index_of(new) {
                ctl.set_backup(i, false);
            }
        }
        let port = |id| {
            ctl.index_of(id)
                .and_then(|i| ctl.slaves.get(i))
                .map(|e| e.port.clone())
        };
        (port(old), port(new), mode, peers)
    };
    if let Some(n) = &new_port {
        n.state().arp.last_link_up.store(now_ms(), Relaxed);
        if uses_primary(mode) {
            pr_info!(
                "{}: ({}): making interface the new active one\n",
                bond.name_str(),
                n.device().name_str()
            );
        }
    }
    if uses_primary(mode) {
        swap_addr_lists(bond, new_port.as_deref(), old_port.as_deref());
    }
    if mode == Mode::ActiveBackup {
        if let Some(o) = &old_port {
            notify_lower_state(o);
        }
        if let Some(n) = &new_port {
            notify_lower_state(n);
            fail_over_mac(bond, n, old_port.as_deref());
            update_tx(bond);
            bond.notify(NETDEV_BONDING_FAILOVER);
            if notify_peers {
                b.ctl.lock().peer_notifs_left -= 1;
                bond.notify(NETDEV_NOTIFY_PEERS);
            }
        }
    }
    // Multicast memberships are announced again through the new active
    // slave (`bond_resend_igmp_join_requests_delayed`, once).
    let resend_igmp = b.ctl.lock().params.resend_igmp;
    if bond.is_running()
        && resend_igmp > 0
        && ((uses_primary(mode) && new_port.is_some()) || mode == Mode::RoundRobin)
    {
        bond.notify(NETDEV_RESEND_IGMP);
    }
}

/// `bond_do_fail_over_mac`: moves addresses as `fail_over_mac` asks.
fn fail_over_mac(bond: Dev<'_, BondKind>, new: &SlavePort, old: Option<&SlavePort>) {
    let fom = bond.state().ctl.lock().params.fail_over_mac;
    match fom {
        crate::options::FOM_ACTIVE => {
            let mac = new.device().mac();
            if mac != bond.mac() {
                bond.set_mac(&mac);
                bond.notify(NETDEV_CHANGEADDR);
            }
        }
        crate::options::FOM_FOLLOW => {
            let Some(old) = old else {
                let _ = new.device().change_mac(&bond.mac(), &ExtAck::none());
                return;
            };
            let new_mac = new.device().mac();
            let old_mac = old.device().mac();
            if old_mac == bond.mac() {
                let _ = new.device().change_mac(&bond.mac(), &ExtAck::none());
                let _ = old.device().change_mac(&new_mac, &ExtAck::none());
            } else {
                let _ = new.device().change_mac(&bond.mac(), &ExtAck::none());
            }
        }
        _ => {}
    }
}

/// `bond_hw_addr_swap`: promiscuity, allmulti and address lists follow the
/// active slave.
fn swap_addr_lists(bond: Dev<'_, BondKind>, new: Option<&SlavePort>, old: Option<&SlavePort>) {
    let mode = bond.state().mode();
    if let Some(old) = old {
        if bond.flags() & IFF_PROMISC != 0 {
            old.device().adjust_promiscuity(-1);
        }
        if bond.flags() & IFF_ALLMULTI != 0 {
            old.device().adjust_allmulti(-1);
        }
        if bond.flags() & IFF_UP != 0 {
            flush_addr_lists(&bond, old.device(), mode);
        }
    }
    if let Some(new) = new {
        if bond.flags() & IFF_PROMISC != 0 {
            new.device().adjust_promiscuity(1);
        }
        if bond.flags() & IFF_ALLMULTI != 0 {
            new.device().adjust_allmulti(1);
        }
        if bond.flags() & IFF_UP != 0 {
            new.device().sync_addr_lists_multiple(&bond);
        }
    }
}

/// `bond_select_active_slave`.
pub(crate) fn select_active_slave(bond: Dev<'_, BondKind>) {
    let b = bond.state();
    let (best, current) = {
        let mut ctl = b.ctl.lock();
        let links = ctl.links();
        let prim = ctl.index_of(ctl.primary);
        let cur = ctl.index_of(ctl.active);
        let mut force = ctl.force_primary;
        let best = monitor::find_best(
            &links,
            prim,
            cur,
            &mut force,
            ctl.params.primary_reselect,
            ctl.params.updelay_ticks(),
        );
        ctl.force_primary = force;
        (
            best.and_then(|i| ctl.slaves.get(i))
                .map(|e| e.port.state().id),
            ctl.active,
        )
    };
    if best != current {
        change_active_slave(bond, best);
        if set_carrier(bond) {
            if bond.carrier_ok() {
                pr_info!("{}: active interface up!\n", bond.name_str());
            } else {
                pr_info!(
                    "{}: now running without any active interface!\n",
                    bond.name_str()
                );
            }
        }
    }
}

/// The MII monitor tick (`bond_mii_monitor`): inspects carriers, commits
/// link changes, fails over, and re-arms.
pub(crate) fn mii_monitor(bond: Dev<'_, BondKind>) {
    let b = bond.state();
    let mut went_up = KVec::<u32>::new();
    let mut went_down = KVec::<u32>::new();
    let (miimon, mode) = {
        let mut ctl = b.ctl.lock();
        let p = ctl.params;
        if !ctl.slaves.is_empty() {
            let mut links = ctl.links();
            for (l, e) in links.iter_mut().zip(ctl.slaves.iter()) {
                l.carrier = device_is_up(e.device());
            }
            let ignore_updelay = if p.mode == Mode::ActiveBackup {
                ctl.active.is_none()
            } else {
                !ctl.slaves.iter().any(|e| can_tx(&e.port))
            };
            if monitor::inspect(
                &mut links,
                p.downdelay_ticks(),
                p.updelay_ticks(),
                ignore_updelay,
            ) != 0
            {
                monitor::commit_proposed(&mut links, |i, l| {
                    let id = ctl.slaves.get(i).map_or(0, |e| e.port.state().id);
                    let _ = if l == Link::Up {
                        went_up.push(id, GFP_KERNEL)
                    } else {
                        went_down.push(id, GFP_KERNEL)
                    };
                });
            }
            // The delays count down even when nothing is committed.
            for (e, l) in ctl.slaves.iter_mut().zip(links.iter()) {
                e.link.link = l.link;
                e.link.delay = l.delay;
                e.link.carrier = l.carrier;
                e.publish();
            }
        }
        (p.miimon, p.mode)
    };
    let mut failover = false;
    for id in went_up.iter() {
        let Some(port) = port_by_id(&bond, *id) else {
            continue;
        };
        let speed = read_speed(port.device(), false);
        let mut ctl = b.ctl.lock();
        let Some(i) = ctl.index_of(Some(*id)) else {
            continue;
        };
        let Some(e) = ctl.slaves.get_mut(i) else {
            continue;
        };
        if !e.set_speed(speed) && mode == Mode::Ieee8023ad {
            e.link.link = Link::Down;
            continue;
        }
        let speed_mbps = if e.link.speed == SPEED_UNKNOWN {
            0
        } else {
            e.link.speed
        };
        let full = e.link.duplex == DUPLEX_FULL;
        match mode {
            Mode::Ieee8023ad => ctl.set_backup(i, true),
            Mode::ActiveBackup => {}
            _ => ctl.set_backup(i, false),
        }
        let active_prio = ctl.active_entry().map(|a| a.link.prio);
        let prio = ctl.slaves.get(i).map_or(0, |e| e.link.prio);
        if ctl.active.is_none() || ctl.primary == Some(*id) || active_prio.is_some_and(|a| prio > a)
        {
            failover = true;
        }
        let port = ctl.slaves.get(i).map(|e| e.port.clone());
        drop(ctl);
        if let Some(port) = port {
            pr_info!(
                "{}: ({}): link status definitely up, {} Mbps {} duplex\n",
                bond.name_str(),
                port.device().name_str(),
                speed_mbps,
                if full { "full" } else { "half" }
            );
            if mode == Mode::Ieee8023ad {
                b.ad.link_changed(&bond, &port, true);
            }
            notify_lower_state(&port);
        }
    }
    for id in went_down.iter() {
        let mut ctl = b.ctl.lock();
        let Some(i) = ctl.index_of(Some(*id)) else {
            continue;
        };
        if let Some(e) = ctl.slaves.get_mut(i) {
            e.link_failure_count = e.link_failure_count.saturating_add(1);
        }
        if matches!(mode, Mode::ActiveBackup | Mode::Ieee8023ad) {
            ctl.set_backup(i, true);
        }
        if ctl.active == Some(*id) {
            failover = true;
        }
        let port = ctl.slaves.get(i).map(|e| e.port.clone());
        drop(ctl);
        if let Some(port) = port {
            pr_info!(
                "{}: ({}): link status definitely down, disabling slave\n",
                bond.name_str(),
                port.device().name_str()
            );
            if mode == Mode::Ieee8023ad {
                b.ad.link_changed(&bond, &port, false);
            }
            notify_lower_state(&port);
        }
    }
    if failover {
        select_active_slave(bond);
    }
    if !went_up.is_empty() || !went_down.is_empty() {
        update_tx(bond);
        set_carrier(bond);
    }
    send_peer_notif(bond);
    if miimon != 0 && bond.is_running() {
        bond.header().mii.arm(miimon);
    }
}

/// Sends one more of the pending peer notifications, if any.
fn send_peer_notif(bond: Dev<'_, BondKind>) {
    let send = {
        let mut ctl = bond.state().ctl.lock();
        let send = ctl.peer_notifs_left > 0 && bond.carrier_ok();
        if send {
            ctl.peer_notifs_left -= 1;
        }
        send
    };
    if send {
        bond.notify(NETDEV_NOTIFY_PEERS);
    }
}

/// Folds the slaves' counters into the bond's (`bond_get_stats`). The
/// slaves' counters are read without the lock, so stacked bonds never nest
/// it.
fn fold_stats(bond: Dev<'_, BondKind>) -> LinkStats {
    let b = bond.state();
    b.tx.read(|t| {
        let mut now = KVec::with_capacity(t.all.len(), GFP_ATOMIC).unwrap_or_default();
        for p in t.all.iter() {
            let _ = now.push((p.state().id, p.device().stats()), GFP_ATOMIC);
        }
        let mut fold = b.stats.lock();
        let StatsFold { total, last } = &mut *fold;
        for (id, stats) in now.iter() {
            if let Some((_, prev)) = last.iter_mut().find(|(i, _)| i == id) {
                fold_counters(counters_mut(total), counters(stats), counters_mut(prev));
            }
        }
        *total
    })
}

/// A slave device's state changed (up, down, carrier): refresh what the
/// notifier path of `bond_slave_netdev_event` refreshes.
pub(crate) fn slave_changed(bond: Dev<'_, BondKind>, slave: &NetDevice, up_or_change: bool) {
    let b = bond.state();
    // In a notifier the slave's instance lock is held already; the slave's
    // ethtool op may still take its own lower's (a VLAN's), so the bond's
    // lock is not held while reading.
    let speed = up_or_change.then(|| read_speed(slave, true));
    let (mode, port) = {
        let mut ctl = b.ctl.lock();
        let Some(i) = ctl.index_of_dev(slave) else {
            return;
        };
        let mode = ctl.params.mode;
        let Some(e) = ctl.slaves.get_mut(i) else {
            return;
        };
        if let Some(speed) = speed {
            e.set_speed(speed);
        }
        (mode, e.port.clone())
    };
    if up_or_change && mode == Mode::Ieee8023ad {
        b.ad.speed_changed(&bond, &port);
    }
    if matches!(mode, Mode::Xor | Mode::Ieee8023ad) {
        update_tx(bond);
    }
}

/// A slave was renamed: it may now be, or no longer be, the primary.
pub(crate) fn slave_renamed(bond: Dev<'_, BondKind>, slave: &NetDevice) {
    let b = bond.state();
    {
        let mut ctl = b.ctl.lock();
        if !uses_primary(ctl.params.mode) || !ctl.params.has_primary() {
            return;
        }
        let Some(i) = ctl.index_of_dev(slave) else {
            return;
        };
        let id = ctl.slaves.get(i).map(|e| e.port.state().id);
        if ctl.primary == id {
            ctl.primary = None;
        } else if ctl.params.primary_name_is(slave.name_str()) {
            ctl.primary = id;
        } else {
            return;
        }
    }
    select_active_slave(bond);
}

/// The port of the slave with `id`, if it is still enslaved.
pub(crate) fn port_by_id(bond: &Dev<'_, BondKind>, id: u32) -> Option<Arc<SlavePort>> {
    bond.state()
        .tx
        .read(|t| t.all.iter().find(|p| p.state().id == id).cloned())
}

/// Sets a slave's backup and inactive flags from any context (802.3ad).
pub(crate) fn set_slave_flags(port: &SlavePort, backup: bool, inactive: bool) {
    let s = port.state();
    s.tx_enabled.store(!backup, Relaxed);
    s.inactive.store(inactive, Relaxed);
}

/// `active_slave IFINDEX` (`bond_option_active_slave_set`): makes that
/// slave active; `0` clears the active slave and picks one anew.
pub(crate) fn set_active_by_ifindex(
    bond: Dev<'_, BondKind>,
    ifindex: i32,
    state: &BondState,
    extack: &ExtAck,
) -> Result {
    check_deps(OptionId::ActiveSlave.option(), state)
        .map_err(|e| extack.fail(Error::from_errno(-e.errno()), e.message()))?;
    let invalid = || extack.fail(EINVAL, c"invalid option value");
    if ifindex == 0 {
        change_active_slave(bond, None);
        select_active_slave(bond);
        return Ok(());
    }
    let dev = bond.net().device_by_index(ifindex).ok_or(ENODEV)?;
    let b = bond.state();
    let (id, current, usable) = {
        let ctl = b.ctl.lock();
        let e = ctl
            .index_of_dev(dev)
            .and_then(|i| ctl.slaves.get(i))
            .ok_or_else(invalid)?;
        (
            e.port.state().id,
            ctl.active,
            e.link.link == Link::Up && device_is_up(e.device()),
        )
    };
    if current == Some(id) {
        return Ok(());
    }
    if current.is_none() || !usable {
        return Err(invalid());
    }
    change_active_slave(bond, Some(id));
    update_tx(bond);
    Ok(())
}

/// `bond_enslave()` up to its `err_undo_flags`: checks `slave`, takes it
/// over and makes it a slave of `bond`, undoing what it did on failure.
fn enslave(bond: Dev<'_, BondKind>, slave: &NetDevice, extack: &ExtAck) -> Result {
    let b = bond.state();
    if slave.flags() & IFF_MASTER != 0 && slave.priv_flags() & IFF_BONDING == 0 {
        return Err(extack.fail(EPERM, c"Device type (master device) cannot be enslaved"));
    }
    if slave.rx_handler_busy() {
        return Err(extack.fail(EBUSY, c"Device is in use and cannot be enslaved"));
    }
    if bond.ptr_eq(slave) {
        return Err(extack.fail(EPERM, c"Cannot enslave bond to itself."));
    }
    if slave.features() & crate::glue::netdev::feature_masks().vlan_challenged != 0
        && bond.has_vlans()
    {
        return Err(extack.fail(
            EPERM,
            c"Can not enslave VLAN challenged device to VLAN enabled bond",
        ));
    }
    if slave.flags() & IFF_UP != 0 {
        return Err(extack.fail(EPERM, c"Device can not be enslaved while up"));
    }
    let (mode, first, fail_over_mac) = {
        let ctl = b.ctl.lock();
        let p = &ctl.params;
        (p.mode, ctl.slaves.is_empty(), p.fail_over_mac)
    };
    if slave.link_type() != ARPHRD_ETHER as u16 {
        if first && mode == Mode::Ieee8023ad {
            return Err(extack.fail(EINVAL, c"8023AD mode requires Ethernet devices"));
        }
        return Err(extack.fail(EINVAL, c"Device type is different from other slaves"));
    }

    slave.notify(NETDEV_JOIN);
    if first && bond.addr_assign_type() == crate::glue::netdev::NET_ADDR_RANDOM {
        bond.set_mac(&slave.mac());
        bond.set_addr_assign_type(NET_ADDR_STOLEN);
        bond.notify(NETDEV_CHANGEADDR);
    }

    let original_mtu = slave.mtu();
    slave.change_mtu(bond.mtu())?;
    let perm_hwaddr = slave.mac();
    let undo_mtu = |e: Error| {
        let _ = slave.change_mtu(original_mtu);
        e
    };
    let set_mac = if fail_over_mac == 0 || mode != Mode::ActiveBackup {
        Some(bond.mac())
    } else if fail_over_mac == crate::options::FOM_FOLLOW && !first && slave.mac() == bond.mac() {
        Some(crate::glue::netdev::random_mac())
    } else {
        None
    };
    if let Some(mac) = set_mac {
        slave.change_mac(&mac, extack).map_err(undo_mtu)?;
    }
    let undo_mac = |e: Error| {
        if set_mac.is_some() {
            let _ = slave.change_mac(&perm_hwaddr, &ExtAck::none());
        }
        undo_mtu(e)
    };
    slave.change_priv_flags(IFF_NO_ADDRCONF, 0);
    if let Err(e) = slave.open(extack) {
        slave.change_priv_flags(0, IFF_NO_ADDRCONF);
        return Err(undo_mac(e));
    }
    slave.change_priv_flags(IFF_BONDING, 0);
    let undo_open = |e: Error| {
        slave.close();
        slave.change_priv_flags(0, IFF_NO_ADDRCONF | IFF_BONDING);
        undo_mac(e)
    };
    slave.add_vids_of(&bond).map_err(undo_open)?;
    let undo_vids = |e: Error| {
        slave.del_vids_of(&bond);
        undo_open(e)
    };
    if slave.features() & crate::glue::netdev::feature_masks().lro != 0
        && bond.features() & crate::glue::netdev::feature_masks().lro == 0
    {
        slave.disable_lro();
    }

    let id = {
        let mut ctl = b.ctl.lock();
        let id = ctl.next_id;
        ctl.next_id = ctl.next_id.wrapping_add(1).max(1);
        id
    };
    let state = Slave {
        id,
        perm_hwaddr,
        original_mtu,
        inactive: AtomicBool::new(false),
        tx_enabled: AtomicBool::new(false),
        link: AtomicU8::new(Link::Down as u8),
        arp: ArpTimes::new(b.ctl.lock().params.arp_interval),
    };
    let lag = lag_info(&b.ctl.lock().params);
    let port = Port::attach(bond, slave, state, Some(lag), extack).map_err(undo_vids)?;
    slave.change_flags_raw(IFF_SLAVE, 0);

    let stats = slave.stats();
    {
        let mut fold = b.stats.lock();
        if fold.last.push((id, stats), GFP_ATOMIC).is_err() {
            drop(fold);
            slave.change_flags_raw(0, IFF_SLAVE);
            port.detach();
            return Err(undo_vids(ENOMEM));
        }
    }

    let mut entry = SlaveEntry {
        port: port.clone(),
        link: SlaveLink::new(Link::Up, device_is_up(slave)),
        link_failure_count: 0,
        queue_id: 0,
    };
    let speed_ok = entry.set_speed(read_speed(slave, false));
    {
        let mut ctl = b.ctl.lock();
        let p = &ctl.params;
        let up = device_is_up(slave);
        entry.link.link = if p.miimon != 0 {
            if up && p.updelay != 0 {
                entry.link.delay = p.updelay_ticks();
                Link::Back
            } else if up {
                Link::Up
            } else {
                Link::Down
            }
        } else if p.arp_interval != 0 {
            if slave.carrier_ok() {
                Link::Up
            } else {
                Link::Down
            }
        } else {
            Link::Up
        };
        if !speed_ok && mode == Mode::Ieee8023ad {
            entry.link.link = Link::Down;
        }
        if uses_primary(mode) && p.primary_name_is(slave.name_str()) {
            ctl.primary = Some(id);
            ctl.force_primary = true;
        }
        if ctl.slaves.push(entry, GFP_KERNEL).is_err() {
            drop(ctl);
            b.stats.lock().last.retain(|(i, _)| *i != id);
            slave.change_flags_raw(0, IFF_SLAVE);
            port.detach();
            return Err(undo_vids(ENOMEM));
        }
        let i = ctl.slaves.len() - 1;
        match mode {
            Mode::ActiveBackup | Mode::Ieee8023ad => ctl.set_backup(i, true),
            Mode::Tlb | Mode::Alb => ctl.set_backup(i, true),
            _ => {
                ctl.set_backup(i, false);
                if ctl.active.is_none()
                    && ctl.slaves.get(i).is_some_and(|e| e.link.link == Link::Up)
                {
                    ctl.active = Some(id);
                }
            }
        }
        if let Some(e) = ctl.slaves.get(i) {
            e.publish();
        }
    }
    if mode == Mode::Ieee8023ad {
        b.ad.bind(&bond, &port);
    }
    notify_lower_state(&port);

    if !uses_primary(mode) {
        if bond.flags() & IFF_PROMISC != 0 {
            slave.adjust_promiscuity(1);
        }
        if bond.flags() & IFF_ALLMULTI != 0 {
            slave.adjust_allmulti(1);
        }
        if bond.flags() & IFF_UP != 0 {
            slave.sync_addr_lists_multiple(&bond);
            if mode == Mode::Ieee8023ad {
                let _ = slave.mc_add(&LACPDU_MCAST);
            }
        }
    }
    bond.compute_upper_features(true);
    set_carrier(bond);
    if uses_primary(mode) {
        select_active_slave(bond);
    }
    update_tx(bond);
    pr_info!(
        "{}: ({}): Enslaving as {} interface with {} link\n",
        bond.name_str(),
        slave.name_str(),
        if port.state().tx_enabled.load(Relaxed) {
            "an active"
        } else {
            "a backup"
        },
        if port.state().link_up() {
            "an up"
        } else {
            "a down"
        }
    );
    Ok(())
}

#[vtable]
impl DeviceOps for BondKind {
    type Device = Bond;
    type Header = BondHeader;
    const DRIVER_NAME: &'static CStr = c"bonding";
    const DRIVER_VERSION: &'static CStr = c"7.3.4";

    fn setup(dev: &NetDevice) {
        dev.setup_ethernet();
        dev.set_mtu_range(68, ETH_MAX_MTU);
        dev.change_flags_raw(IFF_MASTER, 0);
        dev.change_priv_flags(
            IFF_BONDING | IFF_UNICAST_FLT | IFF_NO_QUEUE,
            IFF_XMIT_DST_RELEASE | IFF_TX_SKB_SHARING,
        );
        dev.set_lltx();
        dev.set_netns_immutable();
        dev.set_bond_features();
    }

    fn lower<'a>(_dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        None
    }

    fn uninit(dev: Dev<'_, Self>) {
        let h = dev.header();
        h.mii.stop();
        h.ad.stop();
        h.arp.stop();
        release_all(dev);
        dev.state().proc_file.remove();
    }

    /// `ndo_open` (`bond_open`).
    fn open(bond: Dev<'_, Self>) -> Result {
        let b = bond.state();
        let (miimon, mode) = {
            let mut ctl = b.ctl.lock();
            let mode = ctl.params.mode;
            let active = ctl.active;
            for i in 0..ctl.slaves.len() {
                let id = ctl.slaves.get(i).map(|e| e.port.state().id);
                if uses_primary(mode) && id != active {
                    ctl.set_backup(i, true);
                } else if mode != Mode::Ieee8023ad {
                    ctl.set_backup(i, false);
                }
            }
            (ctl.params.miimon, mode)
        };
        if miimon != 0 {
            bond.header().mii.arm(0);
        }
        if b.ctl.lock().params.arp_interval != 0 {
            bond.header().arp.arm(0);
        }
        if mode == Mode::Ieee8023ad {
            b.ad.open(&bond);
            bond.header().ad.arm(0);
            for p in b.ports().iter() {
                let _ = p.device().mc_add(&LACPDU_MCAST);
            }
        }
        update_tx(bond);
        Ok(())
    }

    /// `ndo_stop` (`bond_close`).
    fn stop(bond: Dev<'_, Self>) -> Result {
        let h = bond.header();
        h.mii.stop();
        h.ad.stop();
        h.arp.stop();
        bond.cancel_work(WORK_MII | WORK_AD | WORK_ARP | crate::ad::WORK_SLAVE_ARRAY);
        // The bond's address lists leave the slaves (set_rx_mode puts them
        // back on open).
        let mode = bond.state().mode();
        let targets = if uses_primary(mode) {
            let ctl = bond.state().ctl.lock();
            let mut v = KVec::new();
            if let Some(e) = ctl.active_entry() {
                let _ = v.push(e.port.clone(), GFP_KERNEL);
            }
            v
        } else {
            bond.state().ports()
        };
        for p in targets.iter() {
            flush_addr_lists(&bond, p.device(), mode);
        }
        Ok(())
    }

    /// `ndo_start_xmit`: each mode's dispatch.
    fn start_xmit(bond: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
        let b = bond.state();
        let t = b.tx.get(ctx);
        if t.mode == Mode::Broadcast {
            return broadcast(&bond, t, skb);
        }
        let pick = skb.with_view::<256, _>(|view| {
            match t.mode {
                Mode::ActiveBackup => t.active.as_ref(),
                Mode::RoundRobin => round_robin(b, t, view),
                Mode::Xor | Mode::Ieee8023ad => {
                    let n = t.usable.len();
                    let hash = bond_xmit_hash(t.policy, view.headers, &skb_meta(view));
                    (n != 0).then(|| t.usable.get(hash as usize % n)).flatten()
                }
                // balance-tlb/alb without dynamic rebalancing (as with
                // `tlb_dynamic_lb 0`): unicast is hashed over the usable
                // slaves, the rest goes through the active one.
                Mode::Tlb | Mode::Alb => {
                    let multicast = view.headers.first().is_some_and(|b| b & 1 != 0);
                    let hashed = if multicast || t.usable.is_empty() {
                        None
                    } else {
                        let hash = bond_xmit_hash(t.policy, view.headers, &skb_meta(view));
                        t.usable.get(hash as usize % t.usable.len())
                    };
                    hashed.or(t.active.as_ref()).filter(|p| can_tx(p))
                }
                Mode::Broadcast => None,
            }
        });
        match pick {
            Some(p) => xmit_on(p, skb),
            None => tx_drop(&bond, skb),
        }
    }

    /// `ndo_change_mtu`: every slave first, rolled back on failure.
    fn change_mtu(bond: Dev<'_, Self>, mtu: u32) -> Result {
        let ports = bond.state().ports();
        for (n, p) in ports.iter().enumerate() {
            if let Err(e) = p.device().change_mtu(mtu) {
                for q in ports.iter().take(n) {
                    let _ = q.device().change_mtu(bond.mtu());
                }
                return Err(e);
            }
        }
        bond.store_mtu(mtu);
        Ok(())
    }

    /// `ndo_set_mac_address`: every slave takes it, unless fail_over_mac=active.
    fn set_mac_address(bond: Dev<'_, Self>, mac: MacAddr) -> Result {
        let b = bond.state();
        let (mode, fom) = {
            let ctl = b.ctl.lock();
            (ctl.params.mode, ctl.params.fail_over_mac)
        };
        if !(mode == Mode::ActiveBackup && fom == crate::options::FOM_ACTIVE) {
            let old = bond.mac();
            let ports = b.ports();
            for (n, p) in ports.iter().enumerate() {
                if let Err(e) = p.device().change_mac(&mac, &ExtAck::none()) {
                    for q in ports.iter().take(n) {
                        let _ = q.device().change_mac(&old, &ExtAck::none());
                    }
                    return Err(e);
                }
            }
        }
        bond.set_mac(&mac);
        Ok(())
    }

    /// `ndo_set_rx_mode`: the bond's address lists go to the active slave, or
    /// to every slave in modes without one.
    fn set_rx_mode(bond: Dev<'_, Self>) {
        bond.state().tx.read(|t| {
            if uses_primary(t.mode) {
                if let Some(a) = &t.active {
                    a.device().sync_addr_lists_from(&bond);
                }
            } else {
                for p in t.all.iter() {
                    p.device().sync_addr_lists_from_shared(&bond);
                }
            }
        })
    }

    /// `ndo_change_rx_flags`: promiscuity and allmulti follow the bond.
    fn change_rx_flags(bond: Dev<'_, Self>, change: u32) {
        let b = bond.state();
        let targets = if uses_primary(b.mode()) {
            let ctl = b.ctl.lock();
            let mut v = KVec::new();
            if let Some(e) = ctl.active_entry() {
                let _ = v.push(e.port.clone(), GFP_KERNEL);
            }
            v
        } else {
            b.ports()
        };
        for p in targets.iter() {
            if change & IFF_PROMISC != 0 {
                p.device()
                    .adjust_promiscuity(if bond.flags() & IFF_PROMISC != 0 {
                        1
                    } else {
                        -1
                    });
            }
            if change & IFF_ALLMULTI != 0 {
                p.device()
                    .adjust_allmulti(if bond.flags() & IFF_ALLMULTI != 0 {
                        1
                    } else {
                        -1
                    });
            }
        }
    }

    /// `ndo_get_stats64`.
    fn get_stats64(bond: Dev<'_, Self>, stats: &mut LinkStats) {
        *stats = fold_stats(bond);
    }

    fn work(dev: Dev<'_, Self>, events: u64) {
        if events & WORK_MII != 0 {
            mii_monitor(dev);
        }
        if events & WORK_ARP != 0 {
            crate::arp::monitor(dev);
        }
        if events & WORK_AD != 0 {
            crate::ad::state_machine_tick(dev);
        }
        if events & crate::ad::WORK_SLAVE_ARRAY != 0 {
            update_tx(dev);
            set_carrier(dev);
        }
    }

    /// `ndo_add_slave` (`bond_enslave`): on failure, a bond still without
    /// slaves that took the slave's address for its own gets a random one
    /// again (`err_undo_flags`).
    fn add_slave(bond: Dev<'_, Self>, slave: &NetDevice, extack: &ExtAck) -> Result {
        let res = enslave(bond, slave, extack);
        if res.is_err() && bond.state().ctl.lock().slaves.is_empty() && bond.mac() == slave.mac() {
            bond.set_random_mac();
        }
        res
    }

    fn del_slave(dev: Dev<'_, Self>, port: &NetDevice) -> Result {
        release(dev, port, false)
    }

    /// `ndo_vlan_rx_add_vid`: every slave filters the id too.
    fn vlan_rx_add_vid(bond: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        let ports = bond.state().ports();
        for (n, p) in ports.iter().enumerate() {
            if let Err(e) = p.device().vlan_vid_add(proto, vid) {
                for q in ports.iter().take(n) {
                    q.device().vlan_vid_del(proto, vid);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `ndo_vlan_rx_kill_vid`.
    fn vlan_rx_kill_vid(bond: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        for p in bond.state().ports().iter() {
            p.device().vlan_vid_del(proto, vid);
        }
        Ok(())
    }

    /// ethtool's link settings: the sum of the transmitting slaves' speeds
    /// (the fastest in broadcast mode), the first known duplex.
    fn link_settings(bond: Dev<'_, Self>) -> (u32, u8) {
        let b = bond.state();
        let mut speeds = KVec::new();
        for p in b.ports().iter().filter(|p| can_tx(p)) {
            let _ = speeds.push((p.state().id, read_speed(p.device(), false)), GFP_KERNEL);
        }
        let mut ctl = b.ctl.lock();
        let broadcast = ctl.params.mode == Mode::Broadcast;
        let (mut speed, mut duplex) = (0u32, DUPLEX_UNKNOWN);
        for e in ctl.slaves.iter_mut() {
            let Some((_, known)) = speeds.iter().find(|(id, _)| *id == e.port.state().id) else {
                continue;
            };
            e.set_speed(*known);
            if e.link.speed != SPEED_UNKNOWN {
                speed = if broadcast {
                    speed.max(e.link.speed)
                } else {
                    speed.saturating_add(e.link.speed)
                };
            }
            if duplex == DUPLEX_UNKNOWN && e.link.duplex != DUPLEX_UNKNOWN {
                duplex = e.link.duplex;
            }
        }
        (if speed == 0 { SPEED_UNKNOWN } else { speed }, duplex)
    }
}
