// SPDX-License-Identifier: GPL-2.0

//! The bridge device and its ports, as `br_device.c`, `br_if.c`,
//! `br_input.c` and `br_forward.c`: adding and removing ports, receiving
//! on a port (learning, then local delivery, forwarding or flooding), and
//! the bridge's own transmit.

use crate::fdb::Fdb;
use crate::glue::attr::{ExtAck, NlMsg};
use crate::glue::bindings as b;
use crate::glue::bridge::{FdbDump, FdbRecord, FdbRequest, PortRequest};
use crate::glue::link::{Dev, DeviceOps, TxContext};
use crate::glue::netdev::{
    LinkStats, NetDevice, ARPHRD_ETHER, ETH_MAX_MTU, IFF_BRIDGE_PORT, IFF_DONT_BRIDGE, IFF_EBRIDGE,
    IFF_LOOPBACK, IFF_NO_QUEUE, IFF_PROMISC, IFF_UP, NET_ADDR_SET,
};
use crate::glue::notifier::{NETDEV_CHANGEADDR, NETDEV_JOIN};
use crate::glue::port::{Port, PortOps, RxContext, RxResult};
use crate::glue::procfs::DeviceFile;
use crate::glue::rcu::{RcuBox, RcuSection};
use crate::glue::skb::SkBuff;
use crate::glue::timer::jiffies;
use crate::netlink::{fill_port_attrs, notify_port, set_port, BridgeHeader, BridgeKind, WORK_GC};
use crate::rvnet_core::bridge::fdb::{FdbKey, LOCAL};
use crate::rvnet_core::bridge::forward::{
    self, delivery, floods_to, ingress, should_deliver, Egress, Ingress, IngressConfig, PktType,
};
use crate::rvnet_core::bridge::options::{boolopt, port_flags, DEFAULT_GROUP_ADDR};
use crate::rvnet_core::bridge::stp::PortState;
use crate::rvnet_core::ether::MacAddr;
use crate::stp::StpState;
use core::sync::atomic::{
    AtomicBool, AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering::Relaxed,
};
use kernel::prelude::*;
use kernel::sync::Arc;

/// `ETH_DATA_LEN`: the MTU of a bridge without ports.
const ETH_DATA_LEN: u32 = 1500;

/// A port as the datapath sees it: the receive handler's data.
pub(crate) struct BridgePort {
    /// The port number (1..1023).
    pub(crate) port_no: u16,
    /// The STP state (`BR_STATE_*`), mirrored from the spanning tree.
    state: AtomicU8,
    /// `port_flags::*`.
    pub(crate) flags: AtomicU32,
    /// The port's link-local forward mask.
    pub(crate) group_fwd_mask: AtomicU16,
}

impl BridgePort {
    /// The port's STP state.
    pub(crate) fn state(&self) -> PortState {
        PortState::from_u8(self.state.load(Relaxed)).unwrap_or(PortState::Disabled)
    }

    /// Publishes a new STP state to the datapath.
    pub(crate) fn set_state(&self, state: PortState) {
        self.state.store(state.as_u8(), Relaxed);
    }

    /// The port's flags.
    pub(crate) fn flags(&self) -> u32 {
        self.flags.load(Relaxed)
    }
}

/// A port: the lower device plus its [`BridgePort`] state.
pub(crate) type BrPort = Port<BridgePort>;

/// The ports, as the datapath reads them; replaced whole on every change.
pub(crate) struct PortTable {
    /// Newest first, as bridge.ko's `port_list` (the flooding order).
    pub(crate) list: KVec<Arc<BrPort>>,
    /// Indexed by port number.
    by_no: KVec<Option<Arc<BrPort>>>,
}

impl PortTable {
    fn new(list: KVec<Arc<BrPort>>) -> Result<PortTable> {
        let top = list.iter().map(|p| p.state().port_no).max().unwrap_or(0);
        let mut by_no = KVec::with_capacity(usize::from(top) + 1, GFP_KERNEL)?;
        for _ in 0..=top {
            by_no.push(None, GFP_KERNEL)?;
        }
        for p in list.iter() {
            if let Some(slot) = by_no.get_mut(usize::from(p.state().port_no)) {
                *slot = Some(p.clone());
            }
        }
        Ok(PortTable { list, by_no })
    }

    /// The port numbered `port_no`.
    pub(crate) fn get(&self, port_no: u16) -> Option<&Arc<BrPort>> {
        self.by_no.get(usize::from(port_no))?.as_ref()
    }

    /// The port on `dev`.
    pub(crate) fn of_dev(&self, dev: &NetDevice) -> Option<&Arc<BrPort>> {
        self.list.iter().find(|p| p.device().ptr_eq(dev))
    }
}

/// Bridge options the datapath reads (the rest live with the spanning
/// tree).
pub(crate) struct Settings {
    /// Kernel STP runs (`stp_enabled == BR_KERNEL_STP`).
    pub(crate) stp_on: AtomicBool,
    /// `group_fwd_mask`.
    pub(crate) group_fwd_mask: AtomicU16,
    /// The BPDU group address, in the low 6 bytes.
    group_addr: AtomicU64,
    /// The user set the group address (`BROPT_GROUP_ADDR_SET`).
    pub(crate) group_addr_set: AtomicBool,
    /// `IFLA_BR_MULTI_BOOLOPT` values.
    pub(crate) boolopts: AtomicU32,
    /// `stp_mode`, kept and shown.
    pub(crate) stp_mode: AtomicU32,
    /// The MTU was set by the user (`BROPT_MTU_SET_BY_USER`).
    pub(crate) mtu_set_by_user: AtomicBool,
}

impl Settings {
    /// The BPDU group address.
    pub(crate) fn group_addr(&self) -> MacAddr {
        let b = self.group_addr.load(Relaxed).to_le_bytes();
        MacAddr([b[0], b[1], b[2], b[3], b[4], b[5]])
    }

    /// Sets the BPDU group address.
    pub(crate) fn set_group_addr(&self, a: MacAddr) {
        let a = a.0;
        let v = u64::from_le_bytes([a[0], a[1], a[2], a[3], a[4], a[5], 0, 0]);
        self.group_addr.store(v, Relaxed);
    }
}

/// A bridge: the Rust state of each device of kind `bridge`.
pub(crate) struct Bridge {
    /// The ports, for the datapath; written under RTNL.
    pub(crate) ports: RcuBox<PortTable>,
    /// The forwarding database.
    pub(crate) fdb: Fdb,
    /// The spanning tree.
    pub(crate) stp: StpState,
    /// Options the datapath reads.
    pub(crate) settings: Settings,
    /// `/proc/net/bridge/BRIDGE`.
    pub(crate) proc_file: DeviceFile,
}

impl Bridge {
    /// A bridge without ports.
    pub(crate) fn new() -> Result<KBox<Bridge>> {
        let settings = Settings {
            stp_on: AtomicBool::new(false),
            group_fwd_mask: AtomicU16::new(0),
            group_addr: AtomicU64::new(0),
            group_addr_set: AtomicBool::new(false),
            boolopts: AtomicU32::new(0),
            stp_mode: AtomicU32::new(0),
            mtu_set_by_user: AtomicBool::new(false),
        };
        settings.set_group_addr(MacAddr(DEFAULT_GROUP_ADDR));
        Ok(KBox::new(
            Bridge {
                ports: RcuBox::new(KBox::new(PortTable::new(KVec::new())?, GFP_KERNEL)?),
                fdb: Fdb::new()?,
                stp: StpState::new()?,
                settings,
                proc_file: DeviceFile::default(),
            },
            GFP_KERNEL,
        )?)
    }

    /// The ports, newest first, as a list the caller owns (control path).
    pub(crate) fn port_list(&self) -> KVec<Arc<BrPort>> {
        self.ports.read(|t| {
            let mut v = KVec::with_capacity(t.list.len(), GFP_KERNEL).unwrap_or_default();
            for p in t.list.iter() {
                let _ = v.push(p.clone(), GFP_KERNEL);
            }
            v
        })
    }

    /// The port on `dev`, if it is one of this bridge's.
    pub(crate) fn port_of(&self, dev: &NetDevice) -> Option<Arc<BrPort>> {
        self.ports.read(|t| t.of_dev(dev).cloned())
    }

    /// The port numbered `port_no`.
    pub(crate) fn port_by_no(&self, port_no: u16) -> Option<Arc<BrPort>> {
        self.ports.read(|t| t.get(port_no).cloned())
    }

    /// Publishes `list` (newest first) as the datapath's port table.
    /// Sleeps (waits for readers of the old one).
    fn publish_ports(&self, list: KVec<Arc<BrPort>>) -> Result {
        self.ports
            .replace(KBox::new(PortTable::new(list)?, GFP_KERNEL)?);
        Ok(())
    }
}

/// Whether a device is running and operationally up (`netif_running() &&
/// netif_oper_up()`), the condition for a port to take part.
pub(crate) fn port_usable(dev: &NetDevice) -> bool {
    dev.is_running() && dev.oper_up()
}

impl PortOps for BridgePort {
    type Master = BridgeKind;

    fn receive(br: Dev<'_, BridgeKind>, port: &BrPort, skb: SkBuff, ctx: &RxContext) -> RxResult {
        let Some((dst, src, looped)) = skb.with_view::<12, _>(|v| {
            Some((
                MacAddr::from_slice(v.headers)?,
                MacAddr::from_slice(v.headers.get(6..)?)?,
                v.looped_back,
            ))
        }) else {
            return RxResult::Consumed;
        };
        if looped {
            return RxResult::Pass(skb);
        }
        let Some(mut skb) = skb.unshare() else {
            return RxResult::Consumed;
        };
        let s = br.state();
        let p = port.state();
        let cfg = IngressConfig {
            stp_on: s.settings.stp_on.load(Relaxed),
            group_fwd_mask: s.settings.group_fwd_mask.load(Relaxed),
        };
        let state = p.state();
        match ingress(cfg, p.group_fwd_mask.load(Relaxed), state, src, dst) {
            Ingress::Drop => RxResult::Consumed,
            Ingress::Host => {
                // `__br_handle_local_finish()`.
                if forward::learns(state, p.flags())
                    && s.settings.boolopts.load(Relaxed) & boolopt::NO_LL_LEARN == 0
                {
                    s.fdb.learn(&br, src, p.port_no, ctx);
                }
                if cfg.stp_on && dst == s.settings.group_addr() {
                    crate::stp::receive(&br, port, &skb);
                }
                RxResult::Pass(skb)
            }
            Ingress::Bridge => {
                if dst == br.mac() {
                    skb.set_pkt_type_host();
                }
                bridge_frame(br, port, skb, state, dst, src, ctx)
            }
        }
    }
}

/// `br_handle_frame_finish()`: learns the source, then delivers locally,
/// forwards or floods.
fn bridge_frame(
    br: Dev<'_, BridgeKind>,
    port: &BrPort,
    skb: SkBuff,
    state: PortState,
    dst: MacAddr,
    src: MacAddr,
    ctx: &RxContext,
) -> RxResult {
    let s = br.state();
    let p = port.state();
    if forward::learns(state, p.flags()) {
        s.fdb.learn(&br, src, p.port_no, ctx);
    }
    let promisc = br.flags() & IFF_PROMISC != 0;
    let Some(d) = delivery(state, dst, promisc) else {
        return RxResult::Consumed;
    };
    let from = Source::Port(port);
    if d.lookup {
        if let Some(e) = s.fdb.get(FdbKey::new(dst, 0), ctx) {
            if e.has(LOCAL) {
                return pass_up(&br, skb);
            }
            e.mark_used(jiffies());
            let table = s.ports.get(ctx);
            let to = table.get(e.port()).filter(|to| deliverable(to, from));
            return match (to, d.local) {
                (Some(to), true) => {
                    if let Some(c) = skb.try_clone() {
                        c.forward_to(to.device(), true);
                    }
                    pass_up(&br, skb)
                }
                (Some(to), false) => {
                    skb.forward_to(to.device(), true);
                    RxResult::Consumed
                }
                (None, true) => pass_up(&br, skb),
                (None, false) => RxResult::Consumed,
            };
        }
    }
    let rest = flood(&br, skb, PktType::of(dst), from, d.local, ctx);
    match rest {
        Some(skb) => pass_up(&br, skb),
        None => RxResult::Consumed,
    }
}

/// `br_pass_frame_up()`: the frame goes up the bridge device.
fn pass_up(br: &Dev<'_, BridgeKind>, mut skb: SkBuff) -> RxResult {
    br.count_rx(skb.len());
    skb.set_dev(br);
    RxResult::Another(skb)
}

/// Where a frame came from, for [`should_deliver`].
#[derive(Clone, Copy)]
enum Source<'a> {
    /// Received on this port.
    Port(&'a BrPort),
    /// Sent by the bridge device itself.
    Bridge,
}

/// `should_deliver()` for port `to` and a frame from `from`.
fn deliverable(to: &BrPort, from: Source<'_>) -> bool {
    let t = to.state();
    let (is_ingress, from_isolated) = match from {
        Source::Port(p) => (
            core::ptr::eq(p, to),
            p.state().flags() & port_flags::ISOLATED != 0,
        ),
        Source::Bridge => (false, false),
    };
    should_deliver(
        Egress {
            state: t.state(),
            flags: t.flags(),
            is_ingress,
        },
        from_isolated,
    )
}

/// `br_flood()`: sends `skb` out of every port that takes floods of `pkt`.
/// With `local`, the frame is also for the host: it comes back (a clone
/// went to each port); else it is consumed.
fn flood<S: RcuSection>(
    br: &Dev<'_, BridgeKind>,
    skb: SkBuff,
    pkt: PktType,
    from: Source<'_>,
    local: bool,
    ctx: &S,
) -> Option<SkBuff> {
    let received = matches!(from, Source::Port(_));
    let table = br.state().ports.get(ctx);
    let mut prev: Option<&Arc<BrPort>> = None;
    for p in table.list.iter() {
        if !floods_to(pkt, p.state().flags(), !received) || !deliverable(p, from) {
            continue;
        }
        if let Some(prev) = prev {
            match skb.try_clone() {
                Some(c) => c.forward_to(prev.device(), received),
                None => {
                    br.count_tx_dropped();
                    return local.then_some(skb);
                }
            }
        }
        prev = Some(p);
    }
    match prev {
        Some(last) if local => {
            if let Some(c) = skb.try_clone() {
                c.forward_to(last.device(), received);
            }
            Some(skb)
        }
        Some(last) => {
            skb.forward_to(last.device(), received);
            None
        }
        None => local.then_some(skb),
    }
}

/// `del_nbp()`: takes `port` out of the bridge.
fn del_port(br: &Dev<'_, BridgeKind>, port: &Arc<BrPort>) {
    let s = br.state();
    let dev = port.device();
    let port_no = port.state().port_no;
    dev.adjust_promiscuity(-1);
    dev.adjust_allmulti(-1);
    s.stp.remove_port(br, port_no);
    crate::netlink::notify_port(br, port, true);
    let mut list = s.port_list();
    list.retain(|p| !Arc::ptr_eq(p, port));
    // On failure to allocate the smaller table the port stays visible to
    // the datapath until the next change; its entries are gone and it is
    // not forwarding any more (disabled above).
    let _ = s.publish_ports(list);
    s.fdb.delete_by_port(br, port_no, true);
    dev.change_priv_flags(0, IFF_BRIDGE_PORT);
    port.detach();
}

/// Removes every port (`br_dev_delete()`), before the bridge goes.
pub(crate) fn del_all_ports(br: Dev<'_, BridgeKind>) {
    for p in br.state().port_list().iter() {
        del_port(&br, p);
    }
    br.state().fdb.delete_by_port(&br, 0, true);
}

/// `br_mtu_auto_adjust()`: unless the user set it, the bridge's MTU is its
/// ports' smallest.
pub(crate) fn mtu_auto_adjust(br: &Dev<'_, BridgeKind>) {
    let s = br.state();
    if s.settings.mtu_set_by_user.load(Relaxed) {
        return;
    }
    let mtu = s
        .port_list()
        .iter()
        .map(|p| p.device().mtu())
        .min()
        .unwrap_or(ETH_DATA_LEN);
    let _ = br.set_mtu(mtu);
    s.settings.mtu_set_by_user.store(false, Relaxed);
}

/// The bridge's address becomes `mac` (the spanning tree's
/// `BridgeAddr` action, from `br_stp_change_bridge_id()`): the FDB's own
/// entry moves, then the device address changes.
pub(crate) fn set_bridge_addr(br: &Dev<'_, BridgeKind>, mac: MacAddr) {
    let s = br.state();
    s.fdb.bridge_address_changed(br, br.mac(), mac);
    br.set_mac(&mac);
}

/// Whether the user chose the bridge's address (`NET_ADDR_SET`).
pub(crate) fn addr_set_by_user(br: &NetDevice) -> bool {
    br.addr_assign_type() == NET_ADDR_SET
}

#[vtable]
impl DeviceOps for BridgeKind {
    type Device = Bridge;
    type Header = BridgeHeader;
    const DRIVER_NAME: &'static CStr = c"bridge";
    const DRIVER_VERSION: &'static CStr = c"2.3";

    fn setup(dev: &NetDevice) {
        dev.set_random_mac();
        dev.setup_ethernet();
        dev.change_priv_flags(IFF_EBRIDGE | IFF_NO_QUEUE, 0);
        dev.set_lltx();
        dev.set_netns_immutable();
        dev.set_mtu_range(68, ETH_MAX_MTU);
        dev.use_tstats();
        dev.set_bridge_features();
    }

    fn lower<'a>(_br: Dev<'a, Self>) -> Option<&'a NetDevice> {
        None
    }

    fn uninit(br: Dev<'_, Self>) {
        br.header().stp.stop();
        br.header().gc.stop();
        br.state().proc_file.remove();
    }

    /// `br_dev_open()`.
    fn open(br: Dev<'_, Self>) -> Result {
        br.update_features();
        br.state().stp.enable_bridge(&br);
        br.state().fdb.start_gc(&br);
        Ok(())
    }

    /// `br_dev_stop()`.
    fn stop(br: Dev<'_, Self>) -> Result {
        br.state().stp.disable_bridge(&br);
        Ok(())
    }

    /// `br_dev_xmit()`: what the bridge device itself sends.
    fn start_xmit(br: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
        br.count_tx(skb.len());
        let Some(dst) = skb.with_view::<6, _>(|v| MacAddr::from_slice(v.headers)) else {
            return;
        };
        let s = br.state();
        let pkt = PktType::of(dst);
        if pkt == PktType::Unicast {
            if let Some(e) = s.fdb.get(FdbKey::new(dst, 0), ctx) {
                let table = s.ports.get(ctx);
                if let Some(to) = table
                    .get(e.port())
                    .filter(|to| deliverable(to, Source::Bridge))
                {
                    skb.forward_to(to.device(), false);
                }
                return;
            }
        }
        flood(&br, skb, pkt, Source::Bridge, false, ctx);
    }

    /// `br_change_mtu()`.
    fn change_mtu(br: Dev<'_, Self>, mtu: u32) -> Result {
        br.store_mtu(mtu);
        br.state().settings.mtu_set_by_user.store(true, Relaxed);
        Ok(())
    }

    /// `br_set_mac_address()`: the user's address; ports no longer decide it.
    fn set_mac_address(br: Dev<'_, Self>, mac: MacAddr) -> Result {
        if !mac.is_valid_unicast() {
            return Err(EADDRNOTAVAIL);
        }
        if !br.is_registered() {
            return Err(EBUSY);
        }
        if br.mac() != mac {
            br.state().stp.change_bridge_id(&br, mac);
        }
        Ok(())
    }

    fn get_stats64(br: Dev<'_, Self>, stats: &mut LinkStats) {
        br.tstats(stats)
    }

    fn work(br: Dev<'_, Self>, events: u64) {
        if events & crate::stp::WORK_STP != 0 {
            br.state().stp.tick(&br);
        }
        if events & WORK_GC != 0 {
            br.state().fdb.gc(&br);
        }
    }

    /// `br_add_if()`: makes `dev` a port.
    fn add_slave(br: Dev<'_, Self>, dev: &NetDevice, extack: &ExtAck) -> Result {
        let s = br.state();
        if dev.flags() & IFF_LOOPBACK != 0
            || dev.link_type() != ARPHRD_ETHER as u16
            || dev.addr_len() != 6
            || !dev.mac().is_valid_unicast()
        {
            return Err(EINVAL);
        }
        if Dev::<BridgeKind>::of(dev).is_some() {
            return Err(extack.fail(ELOOP, c"Can not enslave a bridge to a bridge"));
        }
        if dev.master().is_some() {
            return Err(EBUSY);
        }
        if dev.priv_flags() & IFF_DONT_BRIDGE != 0 {
            return Err(extack.fail(EOPNOTSUPP, c"Device does not allow enslaving to a bridge"));
        }
        let list = s.port_list();
        let port_no = s.stp.free_port_no().ok_or(EXFULL)?;
        dev.notify(NETDEV_JOIN);
        dev.adjust_allmulti(1);
        let state = BridgePort {
            port_no,
            state: AtomicU8::new(PortState::Disabled.as_u8()),
            flags: AtomicU32::new(port_flags::DEFAULT),
            group_fwd_mask: AtomicU16::new(0),
        };
        let port = match Port::attach(br, dev, state, None, extack) {
            Ok(p) => p,
            Err(e) => {
                dev.adjust_allmulti(-1);
                return Err(e);
            }
        };
        dev.change_priv_flags(IFF_BRIDGE_PORT, 0);
        dev.disable_lro();
        // All ports are promiscuous: without VLAN filtering the bridge must see
        // every frame (`br_manage_promisc()`).
        dev.adjust_promiscuity(1);
        let mut new_list = KVec::with_capacity(list.len() + 1, GFP_KERNEL)?;
        let undo = |e: Error| {
            dev.adjust_promiscuity(-1);
            dev.change_priv_flags(0, IFF_BRIDGE_PORT);
            port.detach();
            dev.adjust_allmulti(-1);
            e
        };
        new_list
            .push(port.clone(), GFP_KERNEL)
            .map_err(|e| undo(e.into()))?;
        for p in list.iter() {
            new_list
                .push(p.clone(), GFP_KERNEL)
                .map_err(|e| undo(e.into()))?;
        }
        let cost = crate::stp::port_cost(dev, false);
        s.stp
            .add_port(&br, port_no, dev.mac(), cost)
            .map_err(&undo)?;
        if let Err(e) = s.publish_ports(new_list) {
            s.stp.remove_port(&br, port_no);
            return Err(undo(e));
        }
        if s.fdb.add_local(&br, port_no, dev.mac()).is_err() {
            pr_err!(
                "{}: failed insert local address bridge forwarding table\n",
                dev.name_str()
            );
        }
        let changed = s.stp.recalculate_bridge_id(&br);
        if port_usable(dev) && br.flags() & IFF_UP != 0 {
            s.stp.enable_port(&br, port_no);
        }
        crate::netlink::notify_port(&br, &port, false);
        if changed {
            br.notify(NETDEV_CHANGEADDR);
        }
        mtu_auto_adjust(&br);
        br.compute_upper_features(false);
        Ok(())
    }

    /// `br_del_if()`: `dev` stops being a port.
    fn del_slave(br: Dev<'_, Self>, dev: &NetDevice) -> Result {
        let s = br.state();
        let Some(port) = s.port_of(dev) else {
            return Err(EINVAL);
        };
        del_port(&br, &port);
        mtu_auto_adjust(&br);
        if s.stp.recalculate_bridge_id(&br) {
            br.notify(NETDEV_CHANGEADDR);
        }
        br.update_features();
        Ok(())
    }

    fn fdb_add(br: Dev<'_, Self>, target: &NetDevice, req: &FdbRequest, extack: &ExtAck) -> Result {
        br.state().fdb.user_add(&br, target, req, extack)
    }

    fn fdb_del(br: Dev<'_, Self>, target: &NetDevice, addr: MacAddr, vid: u16) -> Result {
        br.state().fdb.user_delete(&br, target, addr, vid)
    }

    fn fdb_get(br: Dev<'_, Self>, addr: MacAddr, vid: u16, extack: &ExtAck) -> Result<FdbRecord> {
        br.state()
            .fdb
            .find_record(&br, addr, vid)
            .ok_or_else(|| extack.fail(ENOENT, c"Fdb entry not found"))
    }

    fn fdb_dump(br: Dev<'_, Self>, filter: Option<&NetDevice>, dump: &mut FdbDump) -> Result {
        br.state().fdb.dump(&br, filter, dump)
    }

    fn bridge_getlink(br: Dev<'_, Self>, port: &NetDevice, msg: &mut NlMsg) -> Result {
        let Some(p) = br.state().port_of(port) else {
            return Ok(());
        };
        msg.nest_flagged(b::IFLA_PROTINFO, |m| fill_port_attrs(&br, &p, m))
    }

    fn bridge_setlink(
        br: Dev<'_, Self>,
        port: &NetDevice,
        req: PortRequest<'_>,
        extack: &ExtAck,
    ) -> Result {
        let p = br.state().port_of(port).ok_or(EINVAL)?;
        match req {
            PortRequest::Attrs(data) => set_port(&br, &p, data, extack)?,
            PortRequest::State(state) => br.state().stp.set_port_state(&br, &p, state)?,
        }
        notify_port(&br, &p, false);
        Ok(())
    }

    /// `br_get_link_ksettings()`: the fastest running port's speed.
    fn link_settings(br: Dev<'_, Self>) -> (u32, u8) {
        const SPEED_UNKNOWN: u32 = u32::MAX;
        const DUPLEX_UNKNOWN: u8 = 0xff;
        let speed = br
            .state()
            .port_list()
            .iter()
            .filter(|p| port_usable(p.device()))
            .filter_map(|p| p.device().speed_duplex(false))
            .map(|(speed, _)| speed)
            .filter(|s| *s != SPEED_UNKNOWN)
            .max()
            .unwrap_or(SPEED_UNKNOWN);
        (speed, DUPLEX_UNKNOWN)
    }
}
