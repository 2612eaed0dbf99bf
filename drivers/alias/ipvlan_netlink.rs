// SPDX-License-Identifier: GPL-2.0

//! The ipvlan link kind: `ip link add|set|del ... type ipvlan`
//! (`ipvlan_nl_validate()`, `ipvlan_link_new()`, `ipvlan_nl_changelink()`,
//! `ipvlan_link_delete()`, `ipvlan_nl_fillinfo()`), and the slaves'
//! device and ethtool hooks (`ipvlan_netdev_ops`, `ipvlan_ethtool_ops`).

use crate::glue::attr::{total_size, Attrs, ExtAck, NlMsg, Policy};
use crate::glue::bindings::{IFLA_IPVLAN_FLAGS, IFLA_IPVLAN_MODE, IFLA_LINK, IFLA_MTU};
use crate::glue::link::{Dev, HardHeader, LinkOps, NewLink, SkBuffRef, TxContext};
use crate::glue::netdev::{
    LinkStats, NetDevice, UnregisterQueue, ARPHRD_ETHER, ETH_MAX_MTU, IFF_LOOPBACK, IFF_NO_QUEUE,
    IFF_NO_RX_HANDLER, IFF_TX_SKB_SHARING, IFF_UNICAST_FLT, IFF_XMIT_DST_RELEASE,
};
use crate::glue::skb::SkBuff;
use crate::ipvlan_dev::{self as dev, fail, IpvPort, Ipvlan};
use crate::rvnet_core::alias::ipvlan::{self, Lower, Request};
use crate::rvnet_core::alias::macvlan::MIN_MTU;
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

/// `ipvlan_nl_policy`, indexed by `IFLA_IPVLAN_*`.
static IPVLAN_POLICY: [Policy; 3] = [
    Policy::UNSPEC,
    Policy::U16, // IFLA_IPVLAN_MODE
    Policy::U16, // IFLA_IPVLAN_FLAGS
];

/// The rtnl kind "ipvlan".
pub(crate) struct IpvlanKind;

/// `ipvlan_nl_validate()`, typed.
fn request(data: Option<Attrs<'_>>, extack: &ExtAck) -> Result<Request> {
    let mode = data.and_then(|d| d.get(IFLA_IPVLAN_MODE)).map(|a| a.u16());
    let flags = data.and_then(|d| d.get(IFLA_IPVLAN_FLAGS)).map(|a| a.u16());
    ipvlan::validate(mode, flags).map_err(|e| fail(extack, e))
}

#[vtable]
impl LinkOps for IpvlanKind {
    type Device = Ipvlan;
    type Header = ();
    const KIND: &'static CStr = c"ipvlan";
    const POLICY: &'static [Policy] = &IPVLAN_POLICY;
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

    fn validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        request(data, extack).map(|_| ())
    }

    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        newlink(link, extack)
    }

    fn changelink(dev: Dev<'_, Self>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        changelink(dev, data, extack)
    }

    fn dellink(dev: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        dellink(dev, queue)
    }

    fn info_size(_dev: Dev<'_, Self>) -> usize {
        2 * total_size(2)
    }

    /// `ipvlan_nl_fillinfo()`: the port's mode and flags.
    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let p = dev.state().port.state();
        msg.put_u16(IFLA_IPVLAN_MODE, p.mode().value())?;
        msg.put_u16(IFLA_IPVLAN_FLAGS, p.flags().value())
    }

    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice> {
        Some(dev.state().lower())
    }

    fn init(dev: Dev<'_, Self>) -> Result {
        dev::init(dev)
    }

    fn uninit(dev: Dev<'_, Self>) {
        dev::uninit(dev)
    }

    fn open(dev: Dev<'_, Self>) -> Result {
        dev::open(dev)
    }

    fn stop(dev: Dev<'_, Self>) -> Result {
        dev::stop(dev)
    }

    fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext) {
        dev::start_xmit(dev, skb, ctx)
    }

    fn set_rx_mode(dev: Dev<'_, Self>) {
        dev::set_rx_mode(dev)
    }

    fn change_rx_flags(dev: Dev<'_, Self>, change: u32) {
        dev::change_rx_flags(dev, change)
    }

    fn fix_features(dev: Dev<'_, Self>, features: u64) -> u64 {
        NetDevice::fix_ipvlan_features(dev.state().lower(), features)
    }

    fn get_stats64(dev: Dev<'_, Self>, stats: &mut LinkStats) {
        dev::get_stats64(dev, stats)
    }

    fn vlan_rx_add_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_add(proto, vid)
    }

    fn vlan_rx_kill_vid(dev: Dev<'_, Self>, proto: u16, vid: u16) -> Result {
        dev.state().lower().vlan_vid_del(proto, vid);
        Ok(())
    }

    /// `ipvlan_hard_header()`: the lower's header, from the shared address.
    fn create_header(dev: Dev<'_, Self>, header: HardHeader<'_>) -> i32 {
        header.create_on(dev.state().lower(), &dev, 0)
    }

    fn parse_protocol(skb: &SkBuffRef) -> u16 {
        // `eth_header_parse_protocol()`.
        match skb.linear().get(12..14) {
            Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
            _ => 0,
        }
    }

    fn get_msglevel(dev: Dev<'_, Self>) -> u32 {
        dev.state().msg_enable.load(Relaxed)
    }

    fn set_msglevel(dev: Dev<'_, Self>, level: u32) {
        dev.state().msg_enable.store(level, Relaxed)
    }
}

/// The device `IFLA_LINK` names, as `ipvlan_link_new()`'s checks read it
/// (an ipvlan stands for its lower).
fn describe_lower(lower: &NetDevice, via_ipvlan: bool) -> Lower {
    Lower {
        via_ipvlan,
        capable: lower.net().capable_net_admin(),
        is_port: IpvPort::of(lower).is_some(),
        is_ether: u32::from(lower.link_type()) == ARPHRD_ETHER,
        is_loopback: lower.flags() & IFF_LOOPBACK != 0,
        rx_handler_busy: lower.rx_handler_busy(),
    }
}

/// `ipvlan_link_new()`.
fn newlink(link: NewLink<'_, IpvlanKind>, extack: &ExtAck) -> Result {
    let tb = link.tb();
    let dev = link.device();
    let req = request(link.data(), extack)?;
    let ifindex = tb.and_then(|tb| tb.get(IFLA_LINK)).map(|a| a.u32() as i32);
    let named = ifindex.and_then(|i| link.link_net().device_by_index(i));
    // An ipvlan on an ipvlan sits on the real device.
    let (lower, via_ipvlan) = match named.and_then(Dev::<IpvlanKind>::of) {
        Some(v) => (v.state().lower(), true),
        None => (named.unwrap_or(dev), false),
    };
    let described = named.map(|_| describe_lower(lower, via_ipvlan));
    let plan = ipvlan::newlink(ifindex.is_some(), described.as_ref(), &req).map_err(|e| {
        if let Some(msg) = e.log() {
            lower.log_err(msg);
        }
        fail(extack, e)
    })?;

    if tb.and_then(|tb| tb.get(IFLA_MTU)).is_none() {
        dev.store_mtu(lower.mtu());
    }
    // Every slave shares its lower's address (IFLA_ADDRESS is ignored).
    dev.set_mac(&lower.mac());
    dev.change_priv_flags(IFF_NO_RX_HANDLER, 0);
    let (port, created) = match IpvPort::of(lower) {
        Some(p) => (p.into(), false),
        None => (dev::create_port(lower)?, true),
    };
    let registered = Ipvlan::new(port.clone()).and_then(|state| link.register(state));
    let slave = match registered {
        Ok(v) => v,
        Err(e) => {
            // A port no slave got registered on goes (`ndo_uninit` took it
            // if one was counted).
            if created && port.state().count() == 0 && IpvPort::of(lower).is_some() {
                dev::destroy_port(&port);
            }
            return Err(e);
        }
    };
    let p = port.state();
    if let Err(e) = dev::assign_dev_id(&slave, p).and_then(|()| slave.link_upper_of(lower, extack))
    {
        slave.unregister(None);
        return Err(e);
    }
    // Flags and mode are the port's: the last writer's win, and the flags
    // stay even when the mode then fails.
    if let Some(flags) = plan.flags {
        p.set_flags(flags);
    }
    if let Err(e) =
        dev::set_port_mode(&port, plan.mode, extack).and_then(|()| dev::link_into_port(slave))
    {
        slave.unlink_upper_of(lower);
        slave.unregister(None);
        return Err(e);
    }
    slave.transfer_operstate_from(lower);
    Ok(())
}

/// `__ipvlan_link_delete()`.
pub(crate) fn dellink(slave: Dev<'_, IpvlanKind>, queue: &mut UnregisterQueue) {
    dev::unlink_from_port(slave);
    slave.unregister(Some(queue));
    slave.unlink_upper_of(slave.state().lower());
}

/// `ipvlan_nl_changelink()`: mode, then (if that worked) flags, for the
/// whole port.
fn changelink(slave: Dev<'_, IpvlanKind>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
    let req = request(data, extack)?;
    let port = &slave.state().port;
    let p = port.state();
    let capable = slave.state().lower().net().capable_net_admin();
    let plan = ipvlan::changelink(data.is_some(), capable, &req, p.mode(), true)
        .map_err(|e| fail(extack, e))?;
    if let Some(mode) = plan.new_mode {
        dev::set_port_mode(port, mode, extack)?;
    }
    if let Some(flags) = plan.flags {
        p.set_flags(flags);
    }
    Ok(())
}
