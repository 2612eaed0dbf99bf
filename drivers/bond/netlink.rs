// SPDX-License-Identifier: GPL-2.0

//! The bond link kind: `ip link add|set|del ... type bond ...` and the
//! slaves' `bond_slave` attributes, as `bond_netlink.c`.

use crate::dev::{self, Bond};
use crate::glue::attr::{total_size, Attr, Attrs, ExtAck, NlMsg, Policy, Range};
use crate::glue::bindings as b;
use crate::glue::link::{CHeader, Dev, LinkOps, NewLink};
use crate::glue::netdev::{NetDevice, UnregisterQueue, IFF_UP};
use crate::glue::timer::WorkTimer;
use crate::options::{Mode, Params, SetContext, MAX_ARP_TARGETS};
use crate::rvnet_core::bond::options::{BondState, OptionId};
use crate::rvnet_core::ether::MacAddr;
use kernel::prelude::*;

/// The bond's C-visible header: its monitors' timers.
#[repr(C)]
pub(crate) struct BondHeader {
    /// The MII monitor.
    pub(crate) mii: WorkTimer,
    /// The 802.3ad state machines.
    pub(crate) ad: WorkTimer,
    /// The ARP monitor.
    pub(crate) arp: WorkTimer,
}

impl CHeader for BondHeader {}

/// `delay_range`: peer notification delays up to 300 s.
static DELAY_RANGE: Range = Range::new(0, 300_000);

/// `bond_policy`, indexed by `IFLA_BOND_*`.
static BOND_POLICY: [Policy; b::__IFLA_BOND_MAX as usize] = {
    let mut p = [const { Policy::UNSPEC }; b::__IFLA_BOND_MAX as usize];
    p[b::IFLA_BOND_MODE as usize] = Policy::U8;
    p[b::IFLA_BOND_ACTIVE_SLAVE as usize] = Policy::U32;
    p[b::IFLA_BOND_MIIMON as usize] = Policy::U32;
    p[b::IFLA_BOND_UPDELAY as usize] = Policy::U32;
    p[b::IFLA_BOND_DOWNDELAY as usize] = Policy::U32;
    p[b::IFLA_BOND_USE_CARRIER as usize] = Policy::U8;
    p[b::IFLA_BOND_ARP_INTERVAL as usize] = Policy::U32;
    p[b::IFLA_BOND_ARP_IP_TARGET as usize] = Policy::NESTED;
    p[b::IFLA_BOND_ARP_VALIDATE as usize] = Policy::U32;
    p[b::IFLA_BOND_ARP_ALL_TARGETS as usize] = Policy::U32;
    p[b::IFLA_BOND_PRIMARY as usize] = Policy::U32;
    p[b::IFLA_BOND_PRIMARY_RESELECT as usize] = Policy::U8;
    p[b::IFLA_BOND_FAIL_OVER_MAC as usize] = Policy::U8;
    p[b::IFLA_BOND_XMIT_HASH_POLICY as usize] = Policy::U8;
    p[b::IFLA_BOND_RESEND_IGMP as usize] = Policy::U32;
    p[b::IFLA_BOND_NUM_PEER_NOTIF as usize] = Policy::U8;
    p[b::IFLA_BOND_ALL_SLAVES_ACTIVE as usize] = Policy::U8;
    p[b::IFLA_BOND_MIN_LINKS as usize] = Policy::U32;
    p[b::IFLA_BOND_LP_INTERVAL as usize] = Policy::U32;
    p[b::IFLA_BOND_PACKETS_PER_SLAVE as usize] = Policy::U32;
    p[b::IFLA_BOND_AD_LACP_ACTIVE as usize] = Policy::U8;
    p[b::IFLA_BOND_AD_LACP_RATE as usize] = Policy::U8;
    p[b::IFLA_BOND_AD_SELECT as usize] = Policy::U8;
    p[b::IFLA_BOND_AD_INFO as usize] = Policy::NESTED;
    p[b::IFLA_BOND_AD_ACTOR_SYS_PRIO as usize] = Policy::U16;
    p[b::IFLA_BOND_AD_USER_PORT_KEY as usize] = Policy::U16;
    p[b::IFLA_BOND_AD_ACTOR_SYSTEM as usize] = Policy::binary(6);
    p[b::IFLA_BOND_TLB_DYNAMIC_LB as usize] = Policy::U8;
    p[b::IFLA_BOND_PEER_NOTIF_DELAY as usize] = Policy::u32_in(&DELAY_RANGE);
    p[b::IFLA_BOND_MISSED_MAX as usize] = Policy::U8;
    p[b::IFLA_BOND_NS_IP6_TARGET as usize] = Policy::NESTED;
    p[b::IFLA_BOND_COUPLED_CONTROL as usize] = Policy::U8;
    p[b::IFLA_BOND_BROADCAST_NEIGH as usize] = Policy::U8;
    p[b::IFLA_BOND_LACP_STRICT as usize] = Policy::U8;
    p
};

/// `bond_slave_policy`, indexed by `IFLA_BOND_SLAVE_*`.
static SLAVE_POLICY: [Policy; b::__IFLA_BOND_SLAVE_MAX as usize] = {
    let mut p = [const { Policy::UNSPEC }; b::__IFLA_BOND_SLAVE_MAX as usize];
    p[b::IFLA_BOND_SLAVE_QUEUE_ID as usize] = Policy::U16;
    p[b::IFLA_BOND_SLAVE_PRIO as usize] = Policy::S32;
    p[b::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO as usize] = Policy::U16;
    p
};

/// The numeric options netlink sets, in `bond_changelink()`'s order
/// (`IFLA_BOND_MODE` first: the others are checked against the new mode).
const NUMERIC_OPTIONS: [(u32, OptionId); 27] = [
    (b::IFLA_BOND_MODE, OptionId::Mode),
    (b::IFLA_BOND_MIIMON, OptionId::Miimon),
    (b::IFLA_BOND_UPDELAY, OptionId::Updelay),
    (b::IFLA_BOND_DOWNDELAY, OptionId::Downdelay),
    (b::IFLA_BOND_PEER_NOTIF_DELAY, OptionId::PeerNotifDelay),
    (b::IFLA_BOND_USE_CARRIER, OptionId::UseCarrier),
    (b::IFLA_BOND_ARP_INTERVAL, OptionId::ArpInterval),
    (b::IFLA_BOND_ARP_VALIDATE, OptionId::ArpValidate),
    (b::IFLA_BOND_ARP_ALL_TARGETS, OptionId::ArpAllTargets),
    (b::IFLA_BOND_PRIMARY_RESELECT, OptionId::PrimaryReselect),
    (b::IFLA_BOND_FAIL_OVER_MAC, OptionId::FailOverMac),
    (b::IFLA_BOND_XMIT_HASH_POLICY, OptionId::XmitHash),
    (b::IFLA_BOND_RESEND_IGMP, OptionId::ResendIgmp),
    (b::IFLA_BOND_NUM_PEER_NOTIF, OptionId::NumPeerNotif),
    (b::IFLA_BOND_ALL_SLAVES_ACTIVE, OptionId::AllSlavesActive),
    (b::IFLA_BOND_MIN_LINKS, OptionId::MinLinks),
    (b::IFLA_BOND_LP_INTERVAL, OptionId::LpInterval),
    (b::IFLA_BOND_PACKETS_PER_SLAVE, OptionId::PacketsPerSlave),
    (b::IFLA_BOND_AD_LACP_ACTIVE, OptionId::LacpActive),
    (b::IFLA_BOND_AD_LACP_RATE, OptionId::LacpRate),
    (b::IFLA_BOND_AD_SELECT, OptionId::AdSelect),
    (b::IFLA_BOND_AD_ACTOR_SYS_PRIO, OptionId::AdActorSysPrio),
    (b::IFLA_BOND_AD_USER_PORT_KEY, OptionId::AdUserPortKey),
    (b::IFLA_BOND_TLB_DYNAMIC_LB, OptionId::TlbDynamicLb),
    (b::IFLA_BOND_MISSED_MAX, OptionId::MissedMax),
    (b::IFLA_BOND_COUPLED_CONTROL, OptionId::CoupledControl),
    (b::IFLA_BOND_LACP_STRICT, OptionId::LacpStrict),
];

/// The value of a numeric option's attribute (u8, u16 or u32 wide).
fn numeric(attr: Attr<'_>) -> u64 {
    match attr.data().len() {
        1 => attr.u8().into(),
        2 => attr.u16().into(),
        _ => attr.u32().into(),
    }
}

/// Applies the attributes of `ip link add|set ... type bond` to `params`
/// (`bond_changelink`). `bond` is the registered device, if any, for the
/// options that name slaves. Returns the active slave to switch to.
fn apply(
    params: &mut Params,
    state: BondState,
    net_dev: &NetDevice,
    data: Attrs<'_>,
    extack: &ExtAck,
) -> Result<Option<i32>> {
    let mut ctx = SetContext { state };
    let mut active = None;
    for (kind, id) in NUMERIC_OPTIONS {
        let Some(attr) = data.get(kind) else { continue };
        let value = numeric(attr);
        match id {
            OptionId::UseCarrier if value != 1 => {
                return Err(extack.fail(EINVAL, c"option obsolete, use_carrier cannot be disabled"));
            }
            OptionId::ArpInterval
                if value != 0 && params.miimon != 0 && data.get(b::IFLA_BOND_MIIMON).is_some() =>
            {
                return Err(
                    extack.fail(EINVAL, c"ARP monitoring cannot be used with MII monitoring")
                );
            }
            OptionId::ArpValidate
                if value != 0 && params.miimon != 0 && data.get(b::IFLA_BOND_MIIMON).is_some() =>
            {
                return Err(
                    extack.fail(EINVAL, c"ARP validating cannot be used with MII monitoring")
                );
            }
            _ => {}
        }
        params.set(id, value, &ctx, extack)?;
        if id == OptionId::Mode {
            ctx.state.mode = params.mode;
        }
        if id == OptionId::Miimon {
            if let Some(a) = data.get(b::IFLA_BOND_ACTIVE_SLAVE) {
                active = Some(a.u32() as i32);
            }
        }
    }
    if active.is_none() {
        if let Some(a) = data.get(b::IFLA_BOND_ACTIVE_SLAVE) {
            active = Some(a.u32() as i32);
        }
    }
    if let Some(a) = data.get(b::IFLA_BOND_ARP_IP_TARGET) {
        let targets = a.nested().map(|t| {
            u32::from_ne_bytes(
                t.data()
                    .get(..4)
                    .and_then(|d| d.try_into().ok())
                    .unwrap_or([0; 4]),
            )
        });
        params.set_arp_targets(targets, &ctx, extack)?;
    }
    if let Some(a) = data.get(b::IFLA_BOND_NS_IP6_TARGET) {
        let mut targets = [[0u8; 16]; MAX_ARP_TARGETS];
        for (slot, t) in targets.iter_mut().zip(a.nested()) {
            *slot = t
                .data()
                .get(..16)
                .and_then(|d| d.try_into().ok())
                .ok_or_else(|| extack.fail(EINVAL, c"Invalid IPv6 address"))?;
        }
        params.set_ns_targets(targets, &ctx, extack)?;
    }
    if let Some(a) = data.get(b::IFLA_BOND_PRIMARY) {
        let ifindex = a.u32() as i32;
        let name = net_dev.net().device_by_index(ifindex).map(|d| d.name_str());
        params.set_primary(name.unwrap_or(""), &ctx, extack)?;
    }
    if let Some(a) = data.get(b::IFLA_BOND_AD_ACTOR_SYSTEM) {
        crate::rvnet_core::bond::options::check_deps(OptionId::AdActorSystem.option(), &ctx.state)
            .map_err(|e| extack.fail(Error::from_errno(-e.errno()), e.message()))?;
        let mac = MacAddr::from_slice(a.data()).ok_or(EINVAL)?;
        if !mac.is_valid_unicast() {
            return Err(extack.fail(EINVAL, c"Invalid MAC address."));
        }
        params.ad_actor_system = mac.0;
    }
    if let Some(a) = data.get(b::IFLA_BOND_BROADCAST_NEIGH) {
        params.set(OptionId::BroadcastNeigh, a.u8().into(), &ctx, extack)?;
    }
    Ok(active)
}

fn bond_state(dev: &NetDevice, params: &Params, has_slaves: bool) -> BondState {
    BondState {
        mode: params.mode,
        has_slaves,
        up: dev.flags() & IFF_UP != 0,
    }
}

/// The rtnl kind "bond".
pub(crate) struct BondKind;

#[vtable]
impl LinkOps for BondKind {
    const KIND: &'static CStr = c"bond";
    const POLICY: &'static [Policy] = &BOND_POLICY;
    const SLAVE_POLICY: &'static [Policy] = &SLAVE_POLICY;
    /// `tx_queues` (`BOND_DEFAULT_TX_QUEUES`).
    const NUM_QUEUES: u32 = 16;

    fn validate(tb: Attrs<'_>, _data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
        if let Some(addr) = tb.get(b::IFLA_ADDRESS) {
            let mac = MacAddr::from_slice(addr.data()).ok_or(EINVAL)?;
            if addr.data().len() != 6 {
                return Err(EINVAL);
            }
            if !mac.is_valid_unicast() {
                return Err(EADDRNOTAVAIL);
            }
        }
        Ok(())
    }

    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        let dev = link.device();
        let mut params = Params::default();
        if let Some(data) = link.data() {
            let state = bond_state(dev, &params, false);
            apply(&mut params, state, dev, data, extack)?;
        }
        let h = link.header();
        h.mii.init(dev, dev::WORK_MII);
        h.ad.init(dev, dev::WORK_AD);
        h.arp.init(dev, dev::WORK_ARP);
        if link.tb().and_then(|tb| tb.get(b::IFLA_ADDRESS)).is_none() {
            dev.set_random_mac();
        }
        let bond = link.register(Bond::new(params)?)?;
        bond.set_carrier(false);
        crate::procfs::add_device(bond);
        Ok(())
    }

    fn changelink(dev: Dev<'_, Self>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        let Some(data) = data else { return Ok(()) };
        let s = dev.state();
        let (old, mut params, has_slaves) = {
            let ctl = s.ctl.lock();
            (ctl.params, ctl.params, !ctl.slaves.is_empty())
        };
        // As bonding.ko, the options before a refused one stay applied.
        let state = bond_state(&dev, &old, has_slaves);
        let applied = apply(&mut params, state, &dev, data, extack);
        {
            let mut ctl = s.ctl.lock();
            ctl.params = params;
            if params.primary != old.primary {
                let name = params.primary_name();
                ctl.primary = ctl
                    .slaves
                    .iter()
                    .find(|e| params.has_primary() && e.device().name_str() == name)
                    .map(|e| e.port.state().id);
            }
        }
        s.set_mode_published(params.mode);
        let active = match applied {
            Ok(active) => active,
            Err(e) => {
                dev::update_tx(dev);
                return Err(e);
            }
        };
        if dev.flags() & IFF_UP != 0 {
            if params.miimon != old.miimon {
                if params.miimon == 0 {
                    dev.header().mii.stop();
                } else {
                    dev.header().arp.stop();
                    dev.header().mii.arm(0);
                }
            }
            if params.arp_interval != old.arp_interval {
                if params.arp_interval == 0 {
                    dev.header().arp.stop();
                } else {
                    dev.header().mii.stop();
                    dev.header().arp.arm(0);
                }
            }
        }
        if let Some(ifindex) = active {
            let state = bond_state(&dev, &params, has_slaves);
            dev::set_active_by_ifindex(dev, ifindex, &state, extack)?;
        }
        if params.primary != old.primary || params.primary_reselect != old.primary_reselect {
            dev::select_active_slave(dev);
        }
        dev::update_tx(dev);
        Ok(())
    }

    fn dellink(dev: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        dev.unregister(Some(queue));
    }

    fn info_size(_dev: Dev<'_, Self>) -> usize {
        total_size(1) * 16
            + total_size(4) * 16
            + total_size(0) * 3
            + total_size(4) * 16
            + total_size(16) * 16
            + total_size(2) * 6
            + total_size(6) * 2
    }

    /// `bond_fill_info`.
    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let s = dev.state();
        let ctl = s.ctl.lock();
        let p = &ctl.params;
        msg.put_u8(b::IFLA_BOND_MODE, p.mode.value())?;
        if p.mode.uses_primary() {
            if let Some(a) = ctl.active_entry() {
                msg.put_u32(b::IFLA_BOND_ACTIVE_SLAVE, a.device().ifindex() as u32)?;
            }
        }
        msg.put_u32(b::IFLA_BOND_MIIMON, p.miimon)?;
        msg.put_u32(b::IFLA_BOND_UPDELAY, p.updelay * p.miimon)?;
        msg.put_u32(b::IFLA_BOND_DOWNDELAY, p.downdelay * p.miimon)?;
        msg.put_u32(b::IFLA_BOND_PEER_NOTIF_DELAY, p.peer_notif_delay * p.miimon)?;
        msg.put_u8(b::IFLA_BOND_USE_CARRIER, 1)?;
        msg.put_u32(b::IFLA_BOND_ARP_INTERVAL, p.arp_interval)?;
        if p.arp_target_count() != 0 {
            msg.nest(b::IFLA_BOND_ARP_IP_TARGET, |m| {
                for (i, t) in p.arp_targets.iter().enumerate().filter(|(_, t)| **t != 0) {
                    m.put(i as u32, &t.to_ne_bytes())?;
                }
                Ok(())
            })?;
        }
        if p.ns_targets.iter().any(|t| *t != [0; 16]) {
            msg.nest(b::IFLA_BOND_NS_IP6_TARGET, |m| {
                for (i, t) in p
                    .ns_targets
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t != [0; 16])
                {
                    m.put(i as u32, t)?;
                }
                Ok(())
            })?;
        }
        msg.put_u32(b::IFLA_BOND_ARP_VALIDATE, p.arp_validate)?;
        msg.put_u32(b::IFLA_BOND_ARP_ALL_TARGETS, p.arp_all_targets)?;
        if let Some(e) = ctl.index_of(ctl.primary).and_then(|i| ctl.slaves.get(i)) {
            msg.put_u32(b::IFLA_BOND_PRIMARY, e.device().ifindex() as u32)?;
        }
        msg.put_u8(b::IFLA_BOND_PRIMARY_RESELECT, p.primary_reselect as u8)?;
        msg.put_u8(b::IFLA_BOND_FAIL_OVER_MAC, p.fail_over_mac)?;
        msg.put_u8(b::IFLA_BOND_XMIT_HASH_POLICY, p.xmit_policy.value())?;
        msg.put_u32(b::IFLA_BOND_RESEND_IGMP, p.resend_igmp)?;
        msg.put_u8(b::IFLA_BOND_NUM_PEER_NOTIF, p.num_peer_notif)?;
        msg.put_u8(b::IFLA_BOND_ALL_SLAVES_ACTIVE, p.all_slaves_active.into())?;
        msg.put_u32(b::IFLA_BOND_MIN_LINKS, p.min_links)?;
        msg.put_u32(b::IFLA_BOND_LP_INTERVAL, p.lp_interval)?;
        msg.put_u32(b::IFLA_BOND_PACKETS_PER_SLAVE, p.packets_per_slave)?;
        msg.put_u8(b::IFLA_BOND_AD_LACP_ACTIVE, p.lacp_active.into())?;
        msg.put_u8(b::IFLA_BOND_AD_LACP_RATE, p.lacp_fast.into())?;
        msg.put_u8(b::IFLA_BOND_AD_SELECT, p.ad_select)?;
        msg.put_u8(b::IFLA_BOND_TLB_DYNAMIC_LB, p.tlb_dynamic_lb.into())?;
        msg.put_u8(b::IFLA_BOND_MISSED_MAX, p.missed_max)?;
        msg.put_u8(b::IFLA_BOND_COUPLED_CONTROL, p.coupled_control.into())?;
        msg.put_u8(b::IFLA_BOND_BROADCAST_NEIGH, p.broadcast_neighbor.into())?;
        msg.put_u8(b::IFLA_BOND_LACP_STRICT, p.lacp_strict.into())?;
        if p.mode == Mode::Ieee8023ad {
            msg.put_u16(b::IFLA_BOND_AD_ACTOR_SYS_PRIO, p.ad_actor_sys_prio)?;
            msg.put_u16(b::IFLA_BOND_AD_USER_PORT_KEY, p.ad_user_port_key)?;
            msg.put(b::IFLA_BOND_AD_ACTOR_SYSTEM, &p.ad_actor_system)?;
            if let Some(info) = s.ad.active_agg_info() {
                msg.nest(b::IFLA_BOND_AD_INFO, |m| {
                    m.put_u16(b::IFLA_BOND_AD_INFO_AGGREGATOR, info.aggregator_id)?;
                    m.put_u16(b::IFLA_BOND_AD_INFO_NUM_PORTS, info.ports)?;
                    m.put_u16(b::IFLA_BOND_AD_INFO_ACTOR_KEY, info.actor_key)?;
                    m.put_u16(b::IFLA_BOND_AD_INFO_PARTNER_KEY, info.partner_key)?;
                    m.put(b::IFLA_BOND_AD_INFO_PARTNER_MAC, &info.partner_system)
                })?;
            }
        }
        Ok(())
    }

    fn slave_info_size(_dev: Dev<'_, Self>, _port: &NetDevice) -> usize {
        total_size(1) * 5 + total_size(4) * 2 + total_size(32) + total_size(2) * 4
    }

    /// `bond_fill_slave_info`.
    fn fill_slave_info(dev: Dev<'_, Self>, port: &NetDevice, msg: &mut NlMsg) -> Result {
        let s = dev.state();
        let ctl = s.ctl.lock();
        // A slave being enslaved is announced before it is on the list.
        let Some(e) = ctl.index_of_dev(port).and_then(|i| ctl.slaves.get(i)) else {
            return Ok(());
        };
        msg.put_u8(b::IFLA_BOND_SLAVE_STATE, e.state())?;
        msg.put_u8(b::IFLA_BOND_SLAVE_MII_STATUS, e.link.link as u8)?;
        msg.put_u32(b::IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, e.link_failure_count)?;
        msg.put(
            b::IFLA_BOND_SLAVE_PERM_HWADDR,
            &e.port.state().perm_hwaddr.0,
        )?;
        msg.put_u16(b::IFLA_BOND_SLAVE_QUEUE_ID, e.queue_id)?;
        msg.put_s32(b::IFLA_BOND_SLAVE_PRIO, e.link.prio)?;
        if ctl.params.mode == Mode::Ieee8023ad {
            if let Some(ad) = s.ad.port_info(e.port.state().id) {
                if let Some(agg) = ad.aggregator_id {
                    msg.put_u16(b::IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, agg)?;
                    msg.put_u8(b::IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, ad.actor_state)?;
                    msg.put_u16(
                        b::IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE,
                        ad.partner_state.into(),
                    )?;
                    msg.put_u8(b::IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE, ad.churn_actor)?;
                    msg.put_u8(b::IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE, ad.churn_partner)?;
                }
                msg.put_u16(b::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO, ad.port_priority)?;
            }
        }
        Ok(())
    }

    fn slave_changelink(
        dev: Dev<'_, Self>,
        port: &NetDevice,
        data: Option<Attrs<'_>>,
        extack: &ExtAck,
    ) -> Result {
        let Some(data) = data else { return Ok(()) };
        let s = dev.state();
        let mut ctl = s.ctl.lock();
        let state = bond_state(&dev, &ctl.params, true);
        let i = ctl.index_of_dev(port).ok_or(EINVAL)?;
        if let Some(a) = data.get(b::IFLA_BOND_SLAVE_QUEUE_ID) {
            crate::rvnet_core::bond::options::check_deps(OptionId::QueueId.option(), &state)
                .map_err(|e| extack.fail(Error::from_errno(-e.errno()), e.message()))?;
            // `bond_option_queue_id_set`: an id beyond the bond's queues,
            // or one another slave has, is refused with EPERM.
            let q = a.u16();
            let taken = ctl
                .slaves
                .iter()
                .any(|e| q != 0 && e.queue_id == q && !e.device().ptr_eq(port));
            if u32::from(q) > dev.tx_queues() || taken {
                return Err(EPERM);
            }
            if let Some(e) = ctl.slaves.get_mut(i) {
                e.queue_id = q;
            }
        }
        if let Some(a) = data.get(b::IFLA_BOND_SLAVE_PRIO) {
            crate::rvnet_core::bond::options::check_deps(OptionId::Prio.option(), &state)
                .map_err(|e| extack.fail(Error::from_errno(-e.errno()), e.message()))?;
            if let Some(e) = ctl.slaves.get_mut(i) {
                e.link.prio = a.u32() as i32;
            }
            drop(ctl);
            dev::select_active_slave(dev);
            return Ok(());
        }
        Ok(())
    }
}
