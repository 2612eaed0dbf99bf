// SPDX-License-Identifier: GPL-2.0

//! ipvlan devices and their port on the lower device, as
//! `drivers/net/ipvlan/ipvlan_main.c` (the devices' hooks, the port) and
//! `ipvlan_core.c` (the address table, receiving, transmitting, the
//! deferred multicast delivery).
//!
//! Every slave shares its lower's MAC; frames are told apart by IP
//! address. The port keeps one table of all its slaves' addresses (the
//! slaves' `addrs` lists and the `hlhead` hash of ipvlan.ko in one): an
//! entry is visible to the datapath while its slave is up.

use crate::dev::{all_groups, mc_addrs, SharedFilter};
use crate::glue::attr::ExtAck;
use crate::glue::frame_queue::{FrameQueue, FrameQueueOps};
use crate::glue::hash::RcuHash;
use crate::glue::inetaddr::ipv6_key;
use crate::glue::l3s::{self, L3Context, L3Steer};
use crate::glue::link::{Dev, DevRef, DeviceOps, HardHeader, SkBuffRef, TxContext};
use crate::glue::netdev::{
    random_u32, LinkStats, NetDevice, ETH_MAX_MTU, IFF_ALLMULTI, IFF_NOARP, IFF_NO_QUEUE,
    IFF_TX_SKB_SHARING, IFF_UNICAST_FLT, IFF_XMIT_DST_RELEASE,
};
use crate::glue::pernet::PernetOps;
use crate::glue::port::{LowerPort, LowerPortOps, RxContext, RxResult};
use crate::glue::procfs::DeviceFile;
use crate::glue::rcu::{rcu_read, RcuBox, RcuSection};
use crate::glue::skb::SkBuff;
use crate::glue::vlan_header::VlanStats;
use crate::procfs::AliasNet;
use crate::rvnet_core::alias::ipvlan::{
    self, external_frame, lookup_key, mac_filter, mac_hash, routes, rx, xmit_l2, xmit_l3, AddrKey,
    L3Frame, Mode, PortFlags, Rx, RxFrame, Tx, QBACKLOG_LIMIT,
};
use crate::rvnet_core::alias::macvlan::{ETH_P_PAUSE, MIN_MTU};
use crate::rvnet_core::ether::MacAddr;
use core::sync::atomic::{AtomicBool, AtomicU16, AtomicU32, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// `ETH_HLEN`.
const ETH_HLEN: u32 = 14;
/// What the datapath reads of a frame: the Ethernet header and the
/// longest layer-3 header a lookup needs (IPv6, ICMPv6, a solicitation's
/// target).
const VIEW_LEN: usize = 14 + 64;
/// `NET_XMIT_SUCCESS`, `NET_XMIT_DROP` and `NET_XMIT_CN`.
const NET_XMIT_SUCCESS: i32 = 0;
const NET_XMIT_DROP: i32 = 1;
const NET_XMIT_CN: i32 = 2;

/// An ipvlan port: the lower device's receive handler and state.
pub(crate) type IpvPort = LowerPort<IpvlanPort>;

/// A slave as the port's tables hold it.
pub(crate) type SlaveRef = Arc<DevRef<IpvlanKind>>;

/// `ipvlan_jhash_secret`: the salt of the slaves' multicast filters.
static SECRET: AtomicU32 = AtomicU32::new(0);

/// `ipvlan_init_secret()`: picks the salt, at module load.
pub(crate) fn init_secret() {
    SECRET.store(random_u32(), Relaxed);
}

fn secret() -> u32 {
    SECRET.load(Relaxed)
}

/// One address of a slave (`struct ipvl_addr`).
pub(crate) struct AddrEntry {
    addr: AddrKey,
    slave: SlaveRef,
    /// Whether the datapath sees it: its slave is up
    /// (`ipvlan_ht_addr_add()`, `ipvlan_ht_addr_del()`).
    active: AtomicBool,
}

/// A lower device's ipvlan state (`struct ipvl_port`).
pub(crate) struct IpvlanPort {
    /// Group frames waiting for delivery to the slaves (`backlog`, `wq`);
    /// first, so that it stops before the rest goes.
    backlog: FrameQueue<IpvPort>,
    /// Every slave, oldest first (`ipvlans`).
    slaves: RcuBox<KVec<SlaveRef>>,
    /// Every slave's addresses, by [`table_key`].
    addrs: RcuHash<AddrEntry>,
    /// `IPVLAN_MODE_*`, the port's (the last writer's).
    mode: AtomicU16,
    /// `IPVLAN_F_*`, the port's (the last writer's).
    flags: AtomicU16,
    /// Where the next `dev_id` search starts.
    dev_id_start: AtomicU16,
    /// Registered slaves (`count`).
    count: AtomicU32,
    /// The port (in l3s mode) holds its namespace's netfilter hooks.
    l3s_hooks: AtomicBool,
    /// `/proc/net/alias/LOWER`.
    pub(crate) proc_file: DeviceFile,
}

/// The key of `addr` in a port's address table.
fn table_key(addr: &AddrKey) -> u64 {
    addr.table_key(ipv6_key)
}

impl IpvlanPort {
    fn new() -> Result<IpvlanPort> {
        Ok(IpvlanPort {
            backlog: FrameQueue::new()?,
            slaves: RcuBox::new(KBox::new(KVec::new(), GFP_KERNEL)?),
            addrs: RcuHash::new()?,
            mode: AtomicU16::new(Mode::L3.value()),
            flags: AtomicU16::new(0),
            dev_id_start: AtomicU16::new(ipvlan::DEV_ID_MIN),
            count: AtomicU32::new(0),
            l3s_hooks: AtomicBool::new(false),
            proc_file: DeviceFile::default(),
        })
    }

    /// The port's mode.
    pub(crate) fn mode(&self) -> Mode {
        Mode::from_u16(self.mode.load(Relaxed)).unwrap_or_default()
    }

    /// The port's flags.
    pub(crate) fn flags(&self) -> PortFlags {
        PortFlags::from_u16(self.flags.load(Relaxed)).unwrap_or_default()
    }

    /// The number of registered slaves.
    pub(crate) fn count(&self) -> u32 {
        self.count.load(Relaxed)
    }

    /// Sets the port's flags. RTNL.
    pub(crate) fn set_flags(&self, flags: PortFlags) {
        self.flags.store(flags.value(), Relaxed);
    }

    /// The slaves, oldest first, as a list the caller owns (control path).
    pub(crate) fn slave_list(&self) -> KVec<SlaveRef> {
        // RTNL keeps the list as it is between the two reads; the copy
        // fits the capacity reserved outside the read-side section.
        let len = self.slaves.read(|list| list.len());
        let mut out = KVec::with_capacity(len, GFP_KERNEL).unwrap_or_default();
        self.slaves.read(|list| {
            for v in list.iter().take(out.capacity()) {
                let _ = out.push(v.clone(), GFP_ATOMIC);
            }
        });
        out
    }

    /// The slaves in the read-side section `ctx` proves.
    pub(crate) fn slaves<'a, S: RcuSection>(&'a self, ctx: &'a S) -> &'a [SlaveRef] {
        self.slaves.get(ctx)
    }

    /// The up slave owning `key` (`ipvlan_addr_lookup()`).
    fn lookup<'a, S: RcuSection>(
        &'a self,
        key: &AddrKey,
        ctx: &'a S,
    ) -> Option<Dev<'a, IpvlanKind>> {
        let e = self.addrs.get(table_key(key), ctx)?;
        if e.addr != *key || !e.active.load(Relaxed) {
            return None;
        }
        e.slave.get()
    }

    /// `ipvlan_addr_busy()`: whether any slave of the port has `addr`.
    pub(crate) fn addr_busy(&self, addr: &AddrKey) -> bool {
        // A key taken by another address (a hash collision) counts as
        // busy too: the table holds one address per key.
        self.addrs.lock().get(table_key(addr)).is_some()
    }

    /// `ipvlan_add_addr{4,6}()`: gives `slave` the address `addr`, unless
    /// a slave of the port has it (`EADDRINUSE`). Any context.
    pub(crate) fn add_addr(&self, slave: &NetDevice, addr: AddrKey) -> Result {
        let Some(owner) = rcu_read(|ctx| {
            self.slaves(ctx)
                .iter()
                .find(|s| s.device().ptr_eq(slave))
                .cloned()
        }) else {
            return Ok(());
        };
        let mut table = self.addrs.lock();
        let key = table_key(&addr);
        if table.get(key).is_some() {
            return Err(EADDRINUSE);
        }
        table.insert(
            key,
            AddrEntry {
                addr,
                slave: owner,
                active: AtomicBool::new(slave.is_running()),
            },
        )
    }

    /// `ipvlan_del_addr()`: `slave` no longer has `addr`. Any context.
    pub(crate) fn del_addr(&self, slave: &NetDevice, addr: AddrKey) {
        let mut table = self.addrs.lock();
        let key = table_key(&addr);
        if table
            .get(key)
            .is_some_and(|e| e.addr == addr && e.slave.device().ptr_eq(slave))
        {
            table.remove(key);
        }
    }

    /// Shows or hides `slave`'s addresses to the datapath (`ipvlan_open()`,
    /// `ipvlan_stop()`).
    fn activate_addrs(&self, slave: &NetDevice, active: bool) {
        let table = self.addrs.lock();
        for e in table.walk() {
            let entry = e.value();
            if entry.slave.device().ptr_eq(slave) {
                entry.active.store(active, Relaxed);
            }
        }
    }

    /// Removes every address of `slave` (`__ipvlan_link_delete()`).
    fn remove_addrs(&self, slave: &NetDevice) {
        self.addrs
            .lock()
            .remove_if(|_, e| e.slave.device().ptr_eq(slave));
    }

    /// Publishes the list with `slave` added last. RTNL.
    fn add_slave(&self, slave: Dev<'_, IpvlanKind>) -> Result {
        let mut list = self.slave_list();
        list.push(Arc::new(DevRef::new(slave)?, GFP_KERNEL)?, GFP_KERNEL)?;
        self.slaves.replace(KBox::new(list, GFP_KERNEL)?);
        Ok(())
    }

    /// Publishes the list without `slave`. RTNL.
    fn remove_slave(&self, slave: &NetDevice) -> Result {
        let mut list = self.slave_list();
        list.retain(|v| !v.device().ptr_eq(slave));
        self.slaves.replace(KBox::new(list, GFP_KERNEL)?);
        Ok(())
    }
}

/// An ipvlan slave's Rust state.
pub(crate) struct Ipvlan {
    /// The port on the lower device.
    pub(crate) port: Arc<IpvPort>,
    /// Per-CPU counters.
    stats: VlanStats,
    /// The groups the slave takes (`mac_filters`).
    mc_filter: SharedFilter,
    /// `msg_enable` (`ethtool -s DEV msglvl`).
    pub(crate) msg_enable: AtomicU32,
}

impl Ipvlan {
    /// The state of a new slave on `port`.
    pub(crate) fn new(port: Arc<IpvPort>) -> Result<KBox<Ipvlan>> {
        Ok(KBox::new(
            Ipvlan {
                port,
                stats: VlanStats::new()?,
                mc_filter: SharedFilter::new(),
                msg_enable: AtomicU32::new(0),
            },
            GFP_KERNEL,
        )?)
    }

    /// The lower device.
    pub(crate) fn lower(&self) -> &NetDevice {
        self.port.device()
    }
}

/// `ipvlan_port_create()`: the port of `lower`, new. RTNL.
pub(crate) fn create_port(lower: &NetDevice) -> Result<Arc<IpvPort>> {
    let port = IpvPort::attach(lower, IpvlanPort::new()?)?;
    port.state().backlog.start(port.clone());
    // The file is a view; the port works without it.
    let _ = crate::procfs::add_ipvlan_port(&port);
    Ok(port)
}

/// `ipvlan_port_destroy()`. RTNL.
pub(crate) fn destroy_port(port: &IpvPort) {
    if port.state().mode() == Mode::L3s {
        l3s_unregister(port);
    }
    port.detach();
    // No frame can be queued any more.
    port.state().backlog.stop();
    port.state().proc_file.remove();
}

/// `ipvlan_link_new()`'s `dev_id`: the lowest free id from the port's
/// start, wrapping; `ENOSPC` when all are taken. RTNL.
pub(crate) fn assign_dev_id(slave: &NetDevice, port: &IpvlanPort) -> Result {
    let list = port.slave_list();
    let in_use = |id: u16| list.iter().any(|s| s.device().dev_id() == id);
    let (id, next) = ipvlan::next_dev_id(port.dev_id_start.load(Relaxed), in_use)
        .map_err(|e| Error::from_errno(-e.errno()))?;
    slave.set_dev_id(id);
    port.dev_id_start.store(next, Relaxed);
    Ok(())
}

/// Lists a new, registered slave on its port. RTNL.
pub(crate) fn link_into_port(slave: Dev<'_, IpvlanKind>) -> Result {
    slave.state().port.state().add_slave(slave)
}

/// Unlists a slave being deleted and drops its addresses. RTNL.
pub(crate) fn unlink_from_port(slave: Dev<'_, IpvlanKind>) {
    let p = slave.state().port.state();
    p.remove_addrs(&slave);
    let _ = p.remove_slave(&slave);
}

/// An ipvlan error as the errno (and extack message) ipvlan.ko gives.
pub(crate) fn fail(extack: &ExtAck, e: ipvlan::Error) -> Error {
    let err = Error::from_errno(-e.errno());
    match e.extack() {
        Some(msg) => extack.fail(err, msg),
        None => err,
    }
}

/// `ipvlan_set_port_mode()`: applies `mode` to the whole port, turning
/// `IFF_NOARP` on or off on every slave and the l3s hooks on or off; on
/// failure the slaves changed so far are put back. RTNL.
pub(crate) fn set_port_mode(port: &IpvPort, mode: Mode, extack: &ExtAck) -> Result {
    let p = port.state();
    let change = ipvlan::set_port_mode(p.mode(), mode, true).map_err(|e| fail(extack, e))?;
    let Some(change) = change else {
        return Ok(());
    };
    let list = p.slave_list();
    let mut done = 0;
    let mut result = Ok(());
    for s in list.iter() {
        result = s.device().set_noarp(change.noarp, extack);
        if result.is_err() {
            break;
        }
        done += 1;
    }
    if result.is_ok() && change.register_l3s {
        result = l3s_register(port);
    }
    if let Err(e) = result {
        let old = p.mode().noarp();
        for s in list.iter().take(done) {
            let _ = s.device().set_noarp(old, &ExtAck::none());
        }
        return Err(e);
    }
    if change.unregister_l3s {
        l3s_unregister(port);
    }
    p.mode.store(mode.value(), Relaxed);
    Ok(())
}

/// `ipvlan_register_nf_hook()`: the port holds the hooks of its lower's
/// namespace (registered by the first). RTNL.
fn hold_l3s_hooks(port: &IpvPort) -> Result {
    let p = port.state();
    if p.l3s_hooks.load(Relaxed) {
        return Ok(());
    }
    let net = port.device().net();
    let users = &AliasNet::of(net).l3s_ports;
    if users.load(Relaxed) == 0 {
        l3s::register_hooks(net)?;
    }
    users.fetch_add(1, Relaxed);
    p.l3s_hooks.store(true, Relaxed);
    Ok(())
}

/// `ipvlan_unregister_nf_hook()`: the last port lets the hooks of its
/// lower's namespace go. RTNL.
pub(crate) fn release_l3s_hooks(port: &IpvPort) {
    let p = port.state();
    if !p.l3s_hooks.swap(false, Relaxed) {
        return;
    }
    let net = port.device().net();
    if AliasNet::of(net).l3s_ports.fetch_sub(1, Relaxed) == 1 {
        l3s::unregister_hooks(net);
    }
}

/// `ipvlan_migrate_l3s_hook()`'s second half: a port in l3s mode whose
/// lower arrived in another namespace holds that namespace's hooks. RTNL.
pub(crate) fn follow_l3s_hooks(port: &IpvPort) -> Result {
    if port.state().mode() == Mode::L3s {
        hold_l3s_hooks(port)?;
    }
    Ok(())
}

/// `ipvlan_l3s_register()`. RTNL.
fn l3s_register(port: &IpvPort) -> Result {
    hold_l3s_hooks(port)?;
    l3s::attach(port.device(), true);
    Ok(())
}

/// `ipvlan_l3s_unregister()`. RTNL.
fn l3s_unregister(port: &IpvPort) {
    l3s::attach(port.device(), false);
    release_l3s_hooks(port);
}

/// How l3s finds a received packet's slave (`ipvlan_skb_to_addr()`), and
/// counts it when it is handed over (`ipvlan_nf_input()`).
pub(crate) struct L3sSteer;

impl L3Steer for L3sSteer {
    fn steer<'a>(
        lower: &'a NetDevice,
        skb: &SkBuff,
        deliver: bool,
        ctx: &'a L3Context,
    ) -> Option<&'a NetDevice> {
        let port = IpvPort::of_rcu(lower, ctx)?;
        let p = port.state();
        if p.mode() != Mode::L3s {
            return None;
        }
        let (_, key) = heads(skb, 0, true)?;
        let slave = p.lookup(&key?, ctx)?;
        if deliver {
            count_rx(&slave, skb.len() + ETH_HLEN, true, false);
        }
        Some(slave.net_device())
    }
}

/// `ipvlan_count_rx()`.
fn count_rx(slave: &Dev<'_, IpvlanKind>, len: u32, success: bool, multicast: bool) {
    if success {
        slave.state().stats.count_rx(len, multicast);
    } else {
        slave.state().stats.count_rx_error();
    }
}

/// What the datapath reads of a frame: its addresses and the key of its
/// destination (`use_dest`) or source address.
struct Heads {
    dst: MacAddr,
    src: MacAddr,
    protocol: u16,
    looped_back: bool,
}

/// The Ethernet addresses of `skb` and the key of its layer-3
/// destination (`use_dest`) or source, as `ipvlan_get_L3_hdr()` and
/// `ipvlan_addr_lookup()` find it; `network_offset` is 0 on receive, 14
/// on transmit.
fn heads(skb: &SkBuff, network_offset: usize, use_dest: bool) -> Option<(Heads, Option<AddrKey>)> {
    let skb_len = skb.len() as usize;
    skb.with_view::<VIEW_LEN, _>(|v| {
        let heads = Heads {
            dst: MacAddr::from_slice(v.headers)?,
            src: MacAddr::from_slice(v.headers.get(6..)?)?,
            protocol: v.protocol,
            looped_back: v.looped_back,
        };
        let frame = L3Frame {
            protocol: v.protocol,
            l3: v.headers.get(ETH_HLEN as usize..).unwrap_or_default(),
            skb_len,
            network_offset,
            gso_tcp: false,
        };
        Some((heads, lookup_key(&frame, use_dest)))
    })
}

impl LowerPortOps for IpvlanPort {
    /// `ipvlan_handle_frame()`.
    fn receive(port: &IpvPort, skb: SkBuff, ctx: &RxContext) -> RxResult {
        let p = port.state();
        let mode = p.mode();
        if mode == Mode::L3s {
            return RxResult::Pass(skb);
        }
        let Some((h, dst_key)) = heads(&skb, 0, true) else {
            return RxResult::Pass(skb);
        };
        let target = dst_key.and_then(|k| p.lookup(&k, ctx));
        let group = h.dst.is_multicast();
        let external = group && mode == Mode::L2 && {
            let from_slave = h.src == port.device().mac()
                && heads(&skb, 0, false)
                    .and_then(|(_, k)| k)
                    .is_some_and(|k| p.lookup(&k, ctx).is_some());
            external_frame(h.src == port.device().mac(), from_slave)
        };
        let frame = RxFrame {
            loopback: h.looped_back,
            dst_multicast: group,
            dst_local: target.is_some(),
            external,
        };
        match (rx(mode, &frame), target) {
            (Rx::Slave, Some(slave)) => {
                let mut skb = skb;
                count_rx(&slave, skb.len() + ETH_HLEN, true, false);
                skb.set_dev(&slave);
                RxResult::Another(skb)
            }
            (Rx::PassAndBacklog, _) => {
                if h.protocol != ETH_P_PAUSE {
                    p.backlog.add(&skb, QBACKLOG_LIMIT, None);
                }
                RxResult::Pass(skb)
            }
            _ => RxResult::Pass(skb),
        }
    }
}

impl FrameQueueOps for IpvPort {
    /// `ipvlan_process_multicast()`, for one queued frame: a copy to each
    /// up slave whose filter takes the group (not back to its sender);
    /// a frame a slave sent then leaves by the lower.
    fn process(&self, mut skb: SkBuff, sender: Option<&NetDevice>) {
        let lower = self.device();
        let sent = sender.is_some();
        skb.scrub(true);
        let Some((h, _)) = heads(&skb, 0, true) else {
            return;
        };
        let broadcast = h.dst == lower.broadcast();
        let bit = mac_hash(h.dst, secret());
        let len = skb.len() + ETH_HLEN;
        rcu_read(|ctx| {
            for s in self.state().slaves(ctx) {
                let Some(slave) = s.get() else {
                    continue;
                };
                let is_sender = sender.is_some_and(|d| d.ptr_eq(&slave));
                let hit = slave.state().mc_filter.test(bit);
                if !ipvlan::multicast_reaches(sent, is_sender, hit, slave.is_up()) {
                    continue;
                }
                let delivered = match skb.try_clone() {
                    Some(mut copy) => {
                        copy.set_pkt_type_group(broadcast);
                        copy.set_dev(&slave);
                        if sent {
                            copy.forward_into(&slave)
                        } else {
                            copy.netif_rx()
                        }
                    }
                    None => false,
                };
                count_rx(&slave, len, delivered, true);
            }
        });
        if sent {
            skb.set_dev(lower);
            skb.set_pkt_type_group(broadcast);
            skb.queue_xmit();
        } else {
            skb.consume();
        }
    }
}

/// `ipvlan_rcv_frame(.., local)`: hands a frame a slave sent to the slave
/// owning its destination.
fn deliver_local(to: Dev<'_, IpvlanKind>, skb: SkBuff) {
    let len = skb.len() + ETH_HLEN;
    if !to.is_up() {
        drop(skb);
        count_rx(&to, len, false, false);
        return;
    }
    let delivered = match skb.unshare() {
        Some(mut skb) => {
            skb.set_pkt_type_host();
            skb.forward_into(&to)
        }
        None => false,
    };
    count_rx(&to, len, delivered, false);
}

/// `ipvlan_xmit_mode_l3()`.
fn xmit_mode_l3<S: RcuSection>(slave: &Dev<'_, IpvlanKind>, skb: SkBuff, ctx: &S) -> i32 {
    let p = slave.state().port.state();
    let Some((h, key)) = heads(&skb, ETH_HLEN as usize, true) else {
        return NET_XMIT_DROP;
    };
    let flags = p.flags();
    let local = match flags {
        PortFlags::Vepa => None,
        _ => key.and_then(|k| p.lookup(&k, ctx)),
    };
    match (xmit_l3(flags, local.is_some()), local) {
        (Tx::Slave, Some(to)) => {
            deliver_local(to, skb);
            NET_XMIT_SUCCESS
        }
        (Tx::Drop, _) => {
            skb.consume();
            NET_XMIT_DROP
        }
        _ if routes(h.dst, h.protocol) => skb.route_out(slave.state().lower()),
        _ => NET_XMIT_DROP,
    }
}

/// `ipvlan_xmit_mode_l2()`.
fn xmit_mode_l2<S: RcuSection>(slave: &Dev<'_, IpvlanKind>, mut skb: SkBuff, ctx: &S) -> i32 {
    let s = slave.state();
    let p = s.port.state();
    let Some((h, key)) = heads(&skb, ETH_HLEN as usize, true) else {
        return NET_XMIT_DROP;
    };
    let flags = p.flags();
    let local = if flags != PortFlags::Vepa && h.dst == h.src {
        key.and_then(|k| p.lookup(&k, ctx))
    } else {
        None
    };
    match (xmit_l2(flags, h.dst, h.src, local.is_some()), local) {
        (Tx::Slave, Some(to)) => {
            deliver_local(to, skb);
            NET_XMIT_SUCCESS
        }
        (Tx::Drop, _) => {
            skb.consume();
            NET_XMIT_DROP
        }
        (Tx::Master, _) => match skb.unshare() {
            Some(skb) => {
                skb.loop_through(s.lower());
                NET_XMIT_SUCCESS
            }
            None => NET_XMIT_DROP,
        },
        (Tx::Backlog, _) => {
            if h.protocol != ETH_P_PAUSE {
                skb.reset_mac_header();
                p.backlog.add(&skb, QBACKLOG_LIMIT, Some(slave));
            }
            skb.consume();
            NET_XMIT_SUCCESS
        }
        _ => {
            skb.set_dev(s.lower());
            skb.queue_xmit()
        }
    }
}

/// The kind of ipvlan slaves.
pub(crate) struct IpvlanKind;

#[vtable]
impl DeviceOps for IpvlanKind {
    type Device = Ipvlan;
    type Header = ();
    const DRIVER_NAME: &'static CStr = c"ipvlan";
    const DRIVER_VERSION: &'static CStr = c"0.1";
    const FIRMWARE_VERSION: &'static CStr = c"";

    /// `ipvlan_link_setup()`.
    fn setup(dev: &NetDevice) {
        dev.setup_ethernet();
        dev.set_mtu_range(MIN_MTU, ETH_MAX_MTU);
        dev.change_priv_flags(
            IFF_UNICAST_FLT | IFF_NO_QUEUE,
            IFF_XMIT_DST_RELEASE | IFF_TX_SKB_SHARING,
        );
    }

    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        Some(dev.state().lower())
    }

    /// `ipvlan_init()`: takes the lower's features and counts the slave on
    /// its port.
    fn init(slave: Dev<'_, Self>) -> Result {
        let s = slave.state();
        slave.init_ipvlan_features(s.lower());
        s.port.state().count.fetch_add(1, Relaxed);
        Ok(())
    }

    /// `ipvlan_uninit()`: the last slave takes its port with it.
    fn uninit(slave: Dev<'_, Self>) {
        let port = &slave.state().port;
        if port.state().count.fetch_sub(1, Relaxed) == 1 {
            destroy_port(port);
        }
    }

    /// `ipvlan_open()`.
    fn open(slave: Dev<'_, Self>) -> Result {
        let p = slave.state().port.state();
        if p.mode().noarp() {
            slave.change_flags_raw(IFF_NOARP, 0);
        } else {
            slave.change_flags_raw(0, IFF_NOARP);
        }
        p.activate_addrs(&slave, true);
        Ok(())
    }

    /// `ipvlan_stop()`.
    fn stop(slave: Dev<'_, Self>) -> Result {
        let s = slave.state();
        s.lower().unsync_addr_lists_from(&slave);
        s.port.state().activate_addrs(&slave, false);
        Ok(())
    }

    /// `ipvlan_start_xmit()` and `ipvlan_queue_xmit()`.
    fn start_xmit(slave: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
        let len = skb.len();
        let ret = if len < ETH_HLEN {
            drop(skb);
            NET_XMIT_DROP
        } else if slave.state().port.state().mode() == Mode::L2 {
            xmit_mode_l2(&slave, skb, ctx)
        } else {
            xmit_mode_l3(&slave, skb, ctx)
        };
        let stats = &slave.state().stats;
        if ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN {
            stats.count_tx(len);
        } else {
            stats.count_tx_dropped();
        }
    }

    /// `ipvlan_set_multicast_mac_filter()` (`ndo_set_rx_mode`).
    fn set_rx_mode(slave: Dev<'_, Self>) {
        let s = slave.state();
        let groups = mc_addrs(&slave);
        let filter = mac_filter(
            all_groups(&slave),
            groups.iter().map(|g| g.addr),
            slave.broadcast(),
            secret(),
        );
        s.mc_filter.store(&filter);
        s.lower().sync_addr_lists_from(&slave);
    }

    /// `ipvlan_change_rx_flags()`.
    fn change_rx_flags(slave: Dev<'_, Self>, change: u32) {
        if change & IFF_ALLMULTI != 0 {
            let inc = if slave.flags() & IFF_ALLMULTI != 0 {
                1
            } else {
                -1
            };
            slave.state().lower().adjust_allmulti(inc);
        }
    }

    /// `ipvlan_get_stats64()`.
    fn get_stats64(slave: Dev<'_, Self>, stats: &mut LinkStats) {
        slave.state().stats.fold(stats);
        stats.rx_dropped = stats.rx_errors;
    }

    /// `ipvlan_fix_features()`.
    fn fix_features(dev: Dev<'_, Self>, features: u64) -> u64 {
        NetDevice::fix_ipvlan_features(dev.state().lower(), features)
    }

    /// `ipvlan_vlan_rx_add_vid()`.
    fn vlan_rx_add_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_add(proto, vid)
    }

    /// `ipvlan_vlan_rx_kill_vid()`.
    fn vlan_rx_kill_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_del(proto, vid);
        Ok(())
    }

    /// `ipvlan_hard_header()`: the lower's header, from the shared address.
    fn create_header(dev: Dev<'_, Self>, header: HardHeader<'_>) -> i32 {
        header.create_on(dev.state().lower(), &dev, 0)
    }

    /// `eth_header_parse_protocol()`.
    fn parse_protocol(skb: &SkBuffRef) -> u16 {
        match skb.linear().get(12..14) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        }
    }

    /// `ipvlan_ethtool_get_msglevel()`.
    fn get_msglevel(dev: Dev<'_, Self>) -> u32 {
        dev.state().msg_enable.load(Relaxed)
    }

    /// `ipvlan_ethtool_set_msglevel()`.
    fn set_msglevel(dev: Dev<'_, Self>, level: u32) {
        dev.state().msg_enable.store(level, Relaxed)
    }
}
