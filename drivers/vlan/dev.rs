// SPDX-License-Identifier: GPL-2.0

//! The VLAN device: its state, its `net_device_ops` and its transmit path
//! (`net/8021q/vlan_dev.c`).

use crate::glue::link::{Dev, DeviceOps, HardHeader, SkBuffRef, TxContext};
use crate::glue::netdev::{
    feature_masks, intersect_features, LinkStats, NetDevice, NetDeviceRef, ETH_MAX_MTU,
    IFF_ALLMULTI, IFF_MASTER, IFF_NO_QUEUE, IFF_PROMISC, IFF_SLAVE, IFF_TX_SKB_SHARING,
    IFF_UNICAST_FLT, IFF_UP, IFF_XMIT_DST_RELEASE, NET_ADDR_STOLEN,
};
use crate::glue::notifier::NETDEV_CHANGEADDR;
use crate::glue::procfs::DeviceFile;
use crate::glue::rcu::RcuBox;
use crate::glue::skb::SkBuff;
use crate::glue::vlan_header::{VlanHeader, VlanStats, IFF_802_1Q_VLAN};
use crate::netlink::VlanKind;
use crate::rvnet_core::ether::MacAddr;
use crate::rvnet_core::vlan::{
    network_protocol, EgressQosMap, Tci, VlanProto, VLAN_FLAG_BRIDGE_BINDING,
    VLAN_FLAG_LOOSE_BINDING, VLAN_FLAG_REORDER_HDR, VLAN_HLEN,
};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use kernel::prelude::*;

/// Deferred work on a VLAN device, run by `ndo_work` (as 8021q's).
pub(crate) const WORK_LINK_STATE: u64 = 1 << 0;
/// The lower's MTU shrank below the VLAN's.
pub(crate) const WORK_MTU: u64 = 1 << 1;
/// The lower's features changed.
pub(crate) const WORK_FEATURES: u64 = 1 << 2;

/// `NET_XMIT_SUCCESS` and `NET_XMIT_CN`: the frame was queued.
const NET_XMIT_SUCCESS: i32 = 0;
const NET_XMIT_CN: i32 = 2;

/// The state of one VLAN device.
pub(crate) struct VlanDev {
    real_dev: KBox<NetDeviceRef>,
    proto: VlanProto,
    vid: u16,
    egress: RcuBox<EgressQosMap>,
    /// How many egress mappings there are, so that transmit skips the map
    /// when there are none (the usual case).
    egress_len: AtomicUsize,
    /// The lower's address when we last synced our unicast filter entry.
    real_dev_addr: AtomicU64,
    /// Per-CPU counters, shared with the kernel's receive hook.
    stats: VlanStats,
    /// `/proc/net/vlan/NAME`.
    pub(crate) proc_file: DeviceFile,
}

fn mac_to_u64(mac: &MacAddr) -> u64 {
    let mut b = [0u8; 8];
    b[..6].copy_from_slice(&mac.0);
    u64::from_ne_bytes(b)
}

impl VlanDev {
    /// The state of VLAN (`proto`, `vid`) on `real_dev`.
    pub(crate) fn new(real_dev: &NetDevice, proto: VlanProto, vid: u16) -> Result<KBox<VlanDev>> {
        Ok(KBox::new(
            VlanDev {
                real_dev: NetDeviceRef::new(real_dev)?,
                proto,
                vid,
                egress: RcuBox::new(KBox::new(EgressQosMap::default(), GFP_KERNEL)?),
                egress_len: AtomicUsize::new(0),
                real_dev_addr: AtomicU64::new(0),
                stats: VlanStats::new()?,
                proc_file: DeviceFile::default(),
            },
            GFP_KERNEL,
        )?)
    }

    /// The lower device.
    pub(crate) fn real_dev(&self) -> &NetDevice {
        &self.real_dev
    }

    /// The tag protocol.
    pub(crate) fn proto(&self) -> VlanProto {
        self.proto
    }

    /// The VLAN id.
    pub(crate) fn vid(&self) -> u16 {
        self.vid
    }

    /// The per-CPU counters.
    pub(crate) fn stats(&self) -> &VlanStats {
        &self.stats
    }

    /// Calls `f` with the egress map.
    pub(crate) fn with_egress<R>(&self, f: impl FnOnce(&EgressQosMap) -> R) -> R {
        self.egress.read(f)
    }

    /// The priority bits of the TCI for an skb of priority `skb_prio()`.
    fn egress_qos(&self, skb_prio: impl FnOnce() -> u32) -> u16 {
        if self.egress_len.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        self.egress.read(|m| m.qos_bits(skb_prio()))
    }

    /// Applies egress mappings (skb priority, VLAN priority). RTNL.
    pub(crate) fn set_egress(&self, mappings: impl Iterator<Item = (u32, u32)>) -> Result {
        let mut map = KBox::new(self.with_egress(|m| *m), GFP_KERNEL)?;
        let mut result = Ok(());
        for (skb_prio, vlan_prio) in mappings {
            if let Err(e) = map.set(skb_prio, vlan_prio) {
                result = Err(Error::from_errno(-e.errno()));
                break;
            }
        }
        // Like 8021q, mappings applied before a failure stay applied.
        let len = map.mappings().len();
        self.egress.replace(map);
        self.egress_len.store(len, Ordering::Relaxed);
        result
    }
}

/// Whether the VLAN has `flag` (`VLAN_FLAG_*`) set.
fn has_flag(dev: Dev<'_, VlanKind>, flag: u32) -> bool {
    dev.header().flags() & flag != 0
}

/// `vlan_dev_inherit_address()`: a VLAN whose address was taken from the
/// lower follows the lower's address.
fn inherit_address(dev: &NetDevice, real: &NetDevice) -> bool {
    if dev.addr_assign_type() != NET_ADDR_STOLEN {
        return false;
    }
    dev.set_mac(&real.mac());
    dev.notify(NETDEV_CHANGEADDR);
    true
}

/// The largest MTU a VLAN on `real` may have.
pub(crate) fn max_mtu(real: &NetDevice) -> u32 {
    if real.reduces_vlan_mtu() {
        real.mtu().saturating_sub(VLAN_HLEN as u32)
    } else {
        real.mtu()
    }
}

/// Carrier and operstate follow the lower, unless bridge binding rules.
pub(crate) fn transfer_operstate(dev: Dev<'_, VlanKind>) {
    if !has_flag(dev, VLAN_FLAG_BRIDGE_BINDING) {
        dev.transfer_operstate_from(dev.state().real_dev());
    }
}

/// `vlan_sync_address()`: the lower's address changed.
pub(crate) fn sync_address(dev: Dev<'_, VlanKind>) {
    let s = dev.state();
    let real = s.real_dev();
    let new = mac_to_u64(&real.mac());
    let old = s.real_dev_addr.load(Ordering::Relaxed);
    if old == new {
        return;
    }
    if !inherit_address(&dev, real) {
        let mine = mac_to_u64(&dev.mac());
        if mine != old && mine == new {
            // We no longer need our own filter entry.
            real.uc_del(&dev.mac());
        }
        if mine == old && mine != new {
            real.uc_add(&dev.mac()).ok();
        }
    }
    s.real_dev_addr.store(new, Ordering::Relaxed);
}

#[vtable]
impl DeviceOps for VlanKind {
    type Device = VlanDev;
    type Header = VlanHeader;
    const DRIVER_NAME: &'static CStr = c"802.1Q VLAN Support";
    const DRIVER_VERSION: &'static CStr = c"1.8";

    fn setup(dev: &NetDevice) {
        dev.setup_ethernet();
        dev.change_priv_flags(
            IFF_802_1Q_VLAN | IFF_NO_QUEUE | IFF_UNICAST_FLT,
            IFF_TX_SKB_SHARING,
        );
        dev.keep_dst();
        dev.set_mtu_range(0, ETH_MAX_MTU);
        dev.clear_broadcast();
    }

    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        Some(dev.state().real_dev())
    }

    /// `ndo_init` (`vlan_dev_init()`): takes the lower's flags, features and
    /// layout, and its address unless one was given.
    fn init(dev: Dev<'_, Self>) -> Result {
        let real = dev.state().real_dev();
        dev.set_carrier(false);
        dev.init_flags(
            real.flags() & !(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_MASTER | IFF_SLAVE),
        );
        let f = feature_masks();
        let (_, _, real_vlan_features) = real.feature_sets();
        let mut hw = f.hw_csum
            | f.sg
            | f.fraglist
            | f.gso_software
            | f.gso_encap_all
            | f.highdma
            | f.sctp_crc
            | f.fcoe_crc
            | f.fso;
        if real_vlan_features & f.hw_macsec != 0 {
            hw |= f.hw_macsec;
        }
        let (features, _, _) = dev.feature_sets();
        dev.set_feature_sets(
            features | hw,
            hw,
            real_vlan_features & !(f.fcoe_crc | f.fso),
        );
        dev.set_lltx();
        dev.inherit_layout(real, VLAN_HLEN as u16);
        if dev.mac().is_zero() {
            dev.set_mac(&real.mac());
            dev.set_addr_assign_type(NET_ADDR_STOLEN);
        }
        dev.inherit_broadcast(real);
        Ok(())
    }

    /// `ndo_open`.
    fn open(dev: Dev<'_, Self>) -> Result {
        let s = dev.state();
        let real = s.real_dev();
        if !real.is_up() && !has_flag(dev, VLAN_FLAG_LOOSE_BINDING) {
            return Err(ENETDOWN);
        }
        // The explicit open supersedes any deferred link-state sync.
        dev.cancel_work(WORK_LINK_STATE);
        if dev.mac() != real.mac() && !inherit_address(&dev, real) {
            if let Err(e) = real.uc_add(&dev.mac()) {
                dev.set_carrier(false);
                return Err(e);
            }
        }
        s.real_dev_addr
            .store(mac_to_u64(&real.mac()), Ordering::Relaxed);
        if real.carrier_ok() && !has_flag(dev, VLAN_FLAG_BRIDGE_BINDING) {
            dev.set_carrier(true);
        }
        Ok(())
    }

    /// `ndo_stop`.
    fn stop(dev: Dev<'_, Self>) -> Result {
        let s = dev.state();
        let real = s.real_dev();
        dev.cancel_work(WORK_LINK_STATE);
        real.unsync_addr_lists_from(&dev);
        if dev.mac() != real.mac() {
            real.uc_del(&dev.mac());
        }
        if !has_flag(dev, VLAN_FLAG_BRIDGE_BINDING) {
            dev.set_carrier(false);
        }
        Ok(())
    }

    /// `ndo_start_xmit`: tags the frame and sends it on the lower device.
    fn start_xmit(dev: Dev<'_, Self>, mut skb: SkBuff, _ctx: &TxContext) {
        let s = dev.state();
        let len = skb.len();
        let tpid = s.proto.ethertype();
        // Frames that already carry our tag in-band (REORDER_HDR off, or built
        // by the sender) go out as they are.
        if has_flag(dev, VLAN_FLAG_REORDER_HDR) || !skb.has_inband_vlan_tag(tpid) {
            let qos = s.egress_qos(|| skb.priority());
            skb.put_vlan_tag(tpid, Tci::new(s.vid, qos).0);
        }
        skb.set_dev(s.real_dev());
        match skb.queue_xmit() {
            NET_XMIT_SUCCESS | NET_XMIT_CN => s.stats.count_tx(len),
            _ => s.stats.count_tx_dropped(),
        }
    }

    /// `ndo_change_mtu`: capped by the lower's MTU.
    fn change_mtu(dev: Dev<'_, Self>, mtu: u32) -> Result {
        if mtu > max_mtu(dev.state().real_dev()) {
            return Err(ERANGE);
        }
        dev.store_mtu(mtu);
        Ok(())
    }

    /// `ndo_set_mac_address`: keeps the lower's unicast filter in step.
    fn set_mac_address(dev: Dev<'_, Self>, mac: MacAddr) -> Result {
        if !mac.is_valid_unicast() {
            return Err(EADDRNOTAVAIL);
        }
        let real = dev.state().real_dev();
        if dev.is_up() {
            if mac != real.mac() {
                real.uc_add(&mac)?;
            }
            if dev.mac() != real.mac() {
                real.uc_del(&dev.mac());
            }
        }
        dev.set_mac(&mac);
        Ok(())
    }

    /// `ndo_set_rx_mode`: the lower listens to what the VLAN listens to.
    fn set_rx_mode(dev: Dev<'_, Self>) {
        dev.state().real_dev().sync_addr_lists_from(&dev);
    }

    /// `ndo_change_rx_flags`: promiscuity and allmulti reach the lower.
    fn change_rx_flags(dev: Dev<'_, Self>, change: u32) {
        let real = dev.state().real_dev();
        let step = |flag: u32| if dev.flags() & flag != 0 { 1 } else { -1 };
        if change & IFF_ALLMULTI != 0 {
            real.adjust_allmulti(step(IFF_ALLMULTI));
        }
        if change & IFF_PROMISC != 0 {
            real.adjust_promiscuity(step(IFF_PROMISC));
        }
    }

    /// `ndo_fix_features`: what the lower can do for VLAN frames, plus the
    /// software features.
    fn fix_features(dev: Dev<'_, Self>, features: u64) -> u64 {
        let f = feature_masks();
        let (real_features, _, real_vlan_features) = dev.state().real_dev().feature_sets();
        let mut lower = intersect_features(real_vlan_features | f.rxcsum, real_features);
        // Keep the user's control of checksum offload on the VLAN device.
        if lower & (f.ip_csum | f.ipv6_csum) != 0 {
            lower |= f.hw_csum;
        }
        intersect_features(features, lower) | (features & (f.soft_features | f.gso_software))
    }

    /// `ndo_work`: the deferred effects of the lower's events.
    fn work(dev: Dev<'_, Self>, events: u64) {
        let s = dev.state();
        let real = s.real_dev();
        let loose = has_flag(dev, VLAN_FLAG_LOOSE_BINDING);
        if events & WORK_LINK_STATE != 0 {
            let change = if real.is_up() {
                !dev.is_up()
            } else {
                dev.is_up() && !loose
            };
            if change {
                if !loose {
                    // As 8021q, a refusal leaves the VLAN as it is.
                    let _ = dev.set_up(real.is_up());
                }
                transfer_operstate(dev);
            }
        }
        if events & WORK_MTU != 0 && dev.mtu() > real.mtu() {
            let _ = dev.set_mtu(real.mtu());
        }
        if events & WORK_FEATURES != 0 {
            dev.inherit_layout(real, VLAN_HLEN as u16);
            dev.change_priv_flags(
                real.priv_flags() & IFF_XMIT_DST_RELEASE,
                IFF_XMIT_DST_RELEASE,
            );
            dev.update_features();
        }
    }

    /// `header_ops->create` (`vlan_dev_hard_header()`): without REORDER_HDR the
    /// tag goes into the frame here, so that it is in-band on the VLAN device
    /// too; the rest is the lower's header, with the VLAN's address.
    fn create_header(dev: Dev<'_, Self>, mut header: HardHeader<'_>) -> i32 {
        let s = dev.state();
        let mut pushed = 0;
        if !has_flag(dev, VLAN_FLAG_REORDER_HDR) {
            let qos = s.egress_qos(|| header.priority());
            header.push_vlan_tag(s.proto.ethertype(), Tci::new(s.vid, qos).0);
            pushed = VLAN_HLEN as u32;
        }
        header.create_on(s.real_dev(), &dev, pushed)
    }

    /// `header_ops->parse_protocol`: the protocol under the tags.
    fn parse_protocol(skb: &SkBuffRef) -> u16 {
        network_protocol(skb.linear())
    }

    /// `ndo_get_stats64`.
    fn get_stats64(dev: Dev<'_, Self>, stats: &mut LinkStats) {
        dev.state().stats.fold(stats);
    }
}
