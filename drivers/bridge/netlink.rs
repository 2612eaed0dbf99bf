// SPDX-License-Identifier: GPL-2.0

//! The bridge link kind, as `br_netlink.c`: `ip link add|set|del ... type
//! bridge ...`, the ports' `bridge_slave` attributes, `bridge link` and
//! `bridge fdb`.
//!
//! The attributes shown are those of a bridge.ko built without multicast
//! snooping and VLAN filtering (`CONFIG_BRIDGE_IGMP_SNOOPING`,
//! `CONFIG_BRIDGE_VLAN_FILTERING` off), which rvnet does not implement.

use crate::dev::{self, BrPort, Bridge};
use crate::glue::attr::{total_size, Attrs, ExtAck, NlMsg, Policy, Range};
use crate::glue::bindings as b;
use crate::glue::bridge::notify_port as notify_port_msg;
use crate::glue::link::{CHeader, Dev, LinkOps, NewLink};
use crate::glue::netdev::{NetDevice, UnregisterQueue};
use crate::glue::timer::WorkTimer;
use crate::rvnet_core::bridge::fdb::FLUSH_DYNAMIC;
use crate::rvnet_core::bridge::options::{
    apply_boolopts, boolopt, check_group_addr, check_group_fwd_mask, check_port_group_fwd_mask,
    clock_t_to_jiffies, jiffies_to_clock_t, port_flags, BoolOptError,
};
use crate::rvnet_core::ether::MacAddr;
use crate::stp::{ms_to_clock_t, timer_value};
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;

/// The bridge's C-visible header: its timers.
#[repr(C)]
pub(crate) struct BridgeHeader {
    /// The spanning tree's timers (one, armed for the earliest).
    pub(crate) stp: WorkTimer,
    /// FDB ageing.
    pub(crate) gc: WorkTimer,
}

impl CHeader for BridgeHeader {}

/// `ndo_work` event: an ageing pass is due.
pub(crate) const WORK_GC: u64 = 1 << 1;

/// `BR_STP_MODE_AUTO` ..= `BR_STP_MODE_KERNEL`.
static STP_MODE_RANGE: Range = Range::new(0, 2);
/// A `u8` that is 0 or 1 (`NLA_POLICY_MAX(NLA_U8, 1)`).
static BOOL_RANGE: Range = Range::new(0, 1);
/// `BR_STP_MODE_USER`.
const STP_MODE_USER: u32 = 1;

/// `br_policy`, indexed by `IFLA_BR_*`.
static BR_POLICY: [Policy; b::__IFLA_BR_MAX as usize] = {
    let mut p = [const { Policy::UNSPEC }; b::__IFLA_BR_MAX as usize];
    p[b::IFLA_BR_FORWARD_DELAY as usize] = Policy::U32;
    p[b::IFLA_BR_HELLO_TIME as usize] = Policy::U32;
    p[b::IFLA_BR_MAX_AGE as usize] = Policy::U32;
    p[b::IFLA_BR_AGEING_TIME as usize] = Policy::U32;
    p[b::IFLA_BR_STP_STATE as usize] = Policy::U32;
    p[b::IFLA_BR_PRIORITY as usize] = Policy::U16;
    p[b::IFLA_BR_VLAN_FILTERING as usize] = Policy::U8;
    p[b::IFLA_BR_VLAN_PROTOCOL as usize] = Policy::U16;
    p[b::IFLA_BR_GROUP_FWD_MASK as usize] = Policy::U16;
    p[b::IFLA_BR_GROUP_ADDR as usize] = Policy::binary(6);
    p[b::IFLA_BR_MCAST_ROUTER as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_SNOOPING as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_QUERY_USE_IFADDR as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_QUERIER as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_HASH_ELASTICITY as usize] = Policy::U32;
    p[b::IFLA_BR_MCAST_HASH_MAX as usize] = Policy::U32;
    p[b::IFLA_BR_MCAST_LAST_MEMBER_CNT as usize] = Policy::U32;
    p[b::IFLA_BR_MCAST_STARTUP_QUERY_CNT as usize] = Policy::U32;
    p[b::IFLA_BR_MCAST_LAST_MEMBER_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_MCAST_MEMBERSHIP_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_MCAST_QUERIER_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_MCAST_QUERY_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_MCAST_QUERY_RESPONSE_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_MCAST_STARTUP_QUERY_INTVL as usize] = Policy::U64;
    p[b::IFLA_BR_NF_CALL_IPTABLES as usize] = Policy::U8;
    p[b::IFLA_BR_NF_CALL_IP6TABLES as usize] = Policy::U8;
    p[b::IFLA_BR_NF_CALL_ARPTABLES as usize] = Policy::U8;
    p[b::IFLA_BR_VLAN_DEFAULT_PVID as usize] = Policy::U16;
    p[b::IFLA_BR_VLAN_STATS_ENABLED as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_STATS_ENABLED as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_IGMP_VERSION as usize] = Policy::U8;
    p[b::IFLA_BR_MCAST_MLD_VERSION as usize] = Policy::U8;
    p[b::IFLA_BR_VLAN_STATS_PER_PORT as usize] = Policy::U8;
    p[b::IFLA_BR_MULTI_BOOLOPT as usize] = Policy::exact_len(8);
    p[b::IFLA_BR_FDB_N_LEARNED as usize] = Policy::REJECT;
    p[b::IFLA_BR_FDB_MAX_LEARNED as usize] = Policy::U32;
    p[b::IFLA_BR_STP_MODE as usize] = Policy::u32_in(&STP_MODE_RANGE);
    p
};

/// `br_port_policy`, indexed by `IFLA_BRPORT_*`.
static PORT_POLICY: [Policy; b::__IFLA_BRPORT_MAX as usize] = {
    let mut p = [const { Policy::UNSPEC }; b::__IFLA_BRPORT_MAX as usize];
    p[b::IFLA_BRPORT_STATE as usize] = Policy::U8;
    p[b::IFLA_BRPORT_COST as usize] = Policy::U32;
    p[b::IFLA_BRPORT_PRIORITY as usize] = Policy::U16;
    p[b::IFLA_BRPORT_MODE as usize] = Policy::U8;
    p[b::IFLA_BRPORT_GUARD as usize] = Policy::U8;
    p[b::IFLA_BRPORT_PROTECT as usize] = Policy::U8;
    p[b::IFLA_BRPORT_FAST_LEAVE as usize] = Policy::U8;
    p[b::IFLA_BRPORT_LEARNING as usize] = Policy::U8;
    p[b::IFLA_BRPORT_UNICAST_FLOOD as usize] = Policy::U8;
    p[b::IFLA_BRPORT_PROXYARP as usize] = Policy::U8;
    p[b::IFLA_BRPORT_PROXYARP_WIFI as usize] = Policy::U8;
    p[b::IFLA_BRPORT_MULTICAST_ROUTER as usize] = Policy::U8;
    p[b::IFLA_BRPORT_MCAST_TO_UCAST as usize] = Policy::U8;
    p[b::IFLA_BRPORT_MCAST_FLOOD as usize] = Policy::U8;
    p[b::IFLA_BRPORT_BCAST_FLOOD as usize] = Policy::U8;
    p[b::IFLA_BRPORT_VLAN_TUNNEL as usize] = Policy::U8;
    p[b::IFLA_BRPORT_GROUP_FWD_MASK as usize] = Policy::U16;
    p[b::IFLA_BRPORT_NEIGH_SUPPRESS as usize] = Policy::U8;
    p[b::IFLA_BRPORT_ISOLATED as usize] = Policy::U8;
    p[b::IFLA_BRPORT_LOCKED as usize] = Policy::U8;
    p[b::IFLA_BRPORT_MAB as usize] = Policy::U8;
    p[b::IFLA_BRPORT_BACKUP_PORT as usize] = Policy::U32;
    p[b::IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT as usize] = Policy::U32;
    p[b::IFLA_BRPORT_MCAST_N_GROUPS as usize] = Policy::REJECT;
    p[b::IFLA_BRPORT_MCAST_MAX_GROUPS as usize] = Policy::U32;
    p[b::IFLA_BRPORT_NEIGH_VLAN_SUPPRESS as usize] = Policy::u8_in(&BOOL_RANGE);
    p[b::IFLA_BRPORT_BACKUP_NHID as usize] = Policy::U32;
    p[b::IFLA_BRPORT_NEIGH_FORWARD_GRAT as usize] = Policy::u8_in(&BOOL_RANGE);
    p
};

/// The port flags netlink sets and this bridge implements, with their
/// attributes (`br_setport()`'s `br_set_port_flag()` calls).
const PORT_FLAGS: [(u32, u32); 8] = [
    (b::IFLA_BRPORT_MODE, port_flags::HAIRPIN),
    (b::IFLA_BRPORT_GUARD, port_flags::BPDU_GUARD),
    (b::IFLA_BRPORT_PROTECT, port_flags::ROOT_BLOCK),
    (b::IFLA_BRPORT_LEARNING, port_flags::LEARNING),
    (b::IFLA_BRPORT_UNICAST_FLOOD, port_flags::FLOOD),
    (b::IFLA_BRPORT_MCAST_FLOOD, port_flags::MCAST_FLOOD),
    (b::IFLA_BRPORT_BCAST_FLOOD, port_flags::BCAST_FLOOD),
    (b::IFLA_BRPORT_ISOLATED, port_flags::ISOLATED),
];

/// Port flags bridge.ko has and this bridge does not: they may be set off
/// (their value), not on.
const UNSUPPORTED_PORT_FLAGS: [u32; 10] = [
    b::IFLA_BRPORT_FAST_LEAVE,
    b::IFLA_BRPORT_MCAST_TO_UCAST,
    b::IFLA_BRPORT_PROXYARP,
    b::IFLA_BRPORT_PROXYARP_WIFI,
    b::IFLA_BRPORT_VLAN_TUNNEL,
    b::IFLA_BRPORT_NEIGH_SUPPRESS,
    b::IFLA_BRPORT_LOCKED,
    b::IFLA_BRPORT_MAB,
    b::IFLA_BRPORT_NEIGH_VLAN_SUPPRESS,
    b::IFLA_BRPORT_NEIGH_FORWARD_GRAT,
];

/// The `bridge` link kind.
pub(crate) struct BridgeKind;

#[vtable]
impl LinkOps for BridgeKind {
    const KIND: &'static CStr = c"bridge";
    const POLICY: &'static [Policy] = &BR_POLICY;
    const SLAVE_POLICY: &'static [Policy] = &PORT_POLICY;

    fn validate(tb: Attrs<'_>, _data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
        if let Some(addr) = tb.get(b::IFLA_ADDRESS) {
            if addr.data().len() != 6 {
                return Err(EINVAL);
            }
            if !MacAddr::from_slice(addr.data()).is_some_and(|m| m.is_valid_unicast()) {
                return Err(EADDRNOTAVAIL);
            }
        }
        Ok(())
    }

    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        let dev = link.device();
        let h = link.header();
        h.stp.init(dev, crate::stp::WORK_STP);
        h.gc.init(dev, WORK_GC);
        let addr = link
            .tb()
            .and_then(|tb| tb.get(b::IFLA_ADDRESS))
            .and_then(|a| MacAddr::from_slice(a.data()));
        let data = link.data();
        let br = link.register(Bridge::new()?)?;
        if let Some(mac) = addr {
            br.state().stp.change_bridge_id(&br, mac);
        }
        if let Err(e) = Self::changelink(br, data, extack) {
            br.unregister(None);
            return Err(e);
        }
        crate::procfs::add_device(br)
    }

    fn changelink(br: Dev<'_, Self>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        let Some(data) = data else { return Ok(()) };
        let s = br.state();
        if let Some(a) = data.get(b::IFLA_BR_FORWARD_DELAY) {
            s.stp.set_forward_delay(&br, a.u32())?;
        }
        if let Some(a) = data.get(b::IFLA_BR_HELLO_TIME) {
            s.stp.set_hello_time(&br, a.u32())?;
        }
        if let Some(a) = data.get(b::IFLA_BR_MAX_AGE) {
            s.stp.set_max_age(&br, a.u32())?;
        }
        if let Some(a) = data.get(b::IFLA_BR_AGEING_TIME) {
            let j = clock_t_to_jiffies(a.u32().into(), crate::glue::timer::hz());
            s.fdb.bridge_ageing_time.store(j, Relaxed);
            s.fdb.ageing_time.store(j, Relaxed);
            if br.is_up() {
                s.fdb.gc_now(&br);
            }
        }
        if let Some(a) = data.get(b::IFLA_BR_STP_MODE) {
            let mode = a.u32();
            if mode != s.settings.stp_mode.load(Relaxed) {
                let stp_off = s.stp.enabled() == 0
                    || data.get(b::IFLA_BR_STP_STATE).is_some_and(|a| a.u32() == 0);
                if !stp_off {
                    return Err(
                        extack.fail(EBUSY, c"bridge: Can't change STP mode while STP is enabled")
                    );
                }
            }
            s.settings.stp_mode.store(mode, Relaxed);
        }
        if let Some(a) = data.get(b::IFLA_BR_STP_STATE) {
            if a.u32() != 0 && s.settings.stp_mode.load(Relaxed) == STP_MODE_USER {
                return Err(
                    extack.fail(EOPNOTSUPP, c"rvnet_bridge: user-space STP is not supported")
                );
            }
            s.stp.set_enabled(&br, a.u32())?;
        }
        if let Some(a) = data.get(b::IFLA_BR_PRIORITY) {
            s.stp.set_bridge_priority(&br, a.u16());
        }
        if data.get(b::IFLA_BR_VLAN_FILTERING).is_some() {
            // bridge.ko without CONFIG_BRIDGE_VLAN_FILTERING.
            return Err(EOPNOTSUPP);
        }
        if let Some(a) = data.get(b::IFLA_BR_GROUP_FWD_MASK) {
            check_group_fwd_mask(a.u16()).map_err(errno)?;
            s.settings.group_fwd_mask.store(a.u16(), Relaxed);
        }
        if let Some(a) = data.get(b::IFLA_BR_GROUP_ADDR) {
            let addr = check_group_addr(a.data()).map_err(errno)?;
            s.settings.set_group_addr(MacAddr(addr));
            s.stp.set_group_addr(MacAddr(addr));
            s.settings.group_addr_set.store(true, Relaxed);
        }
        if data.get(b::IFLA_BR_FDB_FLUSH).is_some() {
            s.fdb.flush(&br, FLUSH_DYNAMIC);
        }
        if let Some(a) = data.get(b::IFLA_BR_MULTI_BOOLOPT) {
            let (val, mask) = (a.u32_at(0), a.u32_at(1));
            let cur = s.settings.boolopts.load(Relaxed);
            let supported = boolopt::NO_LL_LEARN
                | boolopt::MDB_OFFLOAD_FAIL_NOTIFICATION
                | boolopt::FDB_LOCAL_VLAN_0;
            match apply_boolopts(cur, val, mask, supported) {
                Ok(v) => s.settings.boolopts.store(v, Relaxed),
                Err(BoolOptError::Unknown(_)) => {
                    return Err(extack.fail(EINVAL, c"bridge: Unknown boolean option"))
                }
                Err(BoolOptError::NotSupported) => return Err(EOPNOTSUPP),
            }
        }
        if let Some(a) = data.get(b::IFLA_BR_FDB_MAX_LEARNED) {
            s.fdb.max_learned.store(a.u32(), Relaxed);
        }
        Ok(())
    }

    fn dellink(br: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        dev::del_all_ports(br);
        br.unregister(Some(queue));
    }

    fn info_size(_br: Dev<'_, Self>) -> usize {
        total_size(8) * 4
            + total_size(4) * 9
            + total_size(2) * 3
            + total_size(1) * 3
            + total_size(8) * 3
            + total_size(6)
    }

    /// `br_fill_info()`.
    fn fill_info(br: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let s = br.state();
        let (stp, now) = s.stp.bridge_view();
        let hz = crate::glue::timer::hz();
        let gc_at = s.fdb.gc_at.load(Relaxed);
        let gc = if gc_at == 0 || !br.is_up() {
            0
        } else {
            jiffies_to_clock_t(gc_at.saturating_sub(crate::glue::timer::jiffies()), hz)
        };
        msg.put_u64(
            b::IFLA_BR_HELLO_TIMER,
            timer_value(stp.hello_timer, now),
            b::IFLA_BR_PAD,
        )?;
        msg.put_u64(
            b::IFLA_BR_TCN_TIMER,
            timer_value(stp.tcn_timer, now),
            b::IFLA_BR_PAD,
        )?;
        msg.put_u64(
            b::IFLA_BR_TOPOLOGY_CHANGE_TIMER,
            timer_value(stp.topology_change_timer, now),
            b::IFLA_BR_PAD,
        )?;
        msg.put_u64(b::IFLA_BR_GC_TIMER, gc, b::IFLA_BR_PAD)?;
        msg.put_u32(
            b::IFLA_BR_FORWARD_DELAY,
            ms_to_clock_t(stp.forward_delay) as u32,
        )?;
        msg.put_u32(b::IFLA_BR_HELLO_TIME, ms_to_clock_t(stp.hello_time) as u32)?;
        msg.put_u32(b::IFLA_BR_MAX_AGE, ms_to_clock_t(stp.max_age) as u32)?;
        msg.put_u32(
            b::IFLA_BR_AGEING_TIME,
            jiffies_to_clock_t(s.fdb.ageing_time.load(Relaxed), hz) as u32,
        )?;
        msg.put_u32(b::IFLA_BR_STP_STATE, stp.stp_enabled as u32)?;
        msg.put_u16(b::IFLA_BR_PRIORITY, stp.bridge_id.prio())?;
        msg.put_u8(b::IFLA_BR_VLAN_FILTERING, 0)?;
        msg.put_u16(
            b::IFLA_BR_GROUP_FWD_MASK,
            s.settings.group_fwd_mask.load(Relaxed),
        )?;
        msg.put(b::IFLA_BR_BRIDGE_ID, &stp.bridge_id.0)?;
        msg.put(b::IFLA_BR_ROOT_ID, &stp.designated_root.0)?;
        msg.put_u16(b::IFLA_BR_ROOT_PORT, stp.root_port)?;
        msg.put_u32(b::IFLA_BR_ROOT_PATH_COST, stp.root_path_cost)?;
        msg.put_u8(b::IFLA_BR_TOPOLOGY_CHANGE, stp.topology_change.into())?;
        msg.put_u8(
            b::IFLA_BR_TOPOLOGY_CHANGE_DETECTED,
            stp.topology_change_detected.into(),
        )?;
        msg.put(b::IFLA_BR_GROUP_ADDR, &s.settings.group_addr().0)?;
        let mut bm = [0u8; 8];
        bm[..4].copy_from_slice(&s.settings.boolopts.load(Relaxed).to_ne_bytes());
        bm[4..].copy_from_slice(&boolopt::ALL.to_ne_bytes());
        msg.put(b::IFLA_BR_MULTI_BOOLOPT, &bm)?;
        msg.put_u32(b::IFLA_BR_FDB_N_LEARNED, s.fdb.learned())?;
        msg.put_u32(b::IFLA_BR_FDB_MAX_LEARNED, s.fdb.max_learned.load(Relaxed))?;
        msg.put_u32(b::IFLA_BR_STP_MODE, s.settings.stp_mode.load(Relaxed))?;
        Ok(())
    }

    fn slave_info_size(_br: Dev<'_, Self>, _port: &NetDevice) -> usize {
        port_info_size()
    }

    fn fill_slave_info(br: Dev<'_, Self>, port: &NetDevice, msg: &mut NlMsg) -> Result {
        match br.state().port_of(port) {
            Some(p) => fill_port_attrs(&br, &p, msg),
            None => Ok(()),
        }
    }

    fn slave_changelink(
        br: Dev<'_, Self>,
        port: &NetDevice,
        data: Option<Attrs<'_>>,
        extack: &ExtAck,
    ) -> Result {
        let Some(data) = data else { return Ok(()) };
        let p = br.state().port_of(port).ok_or(EINVAL)?;
        set_port(&br, &p, data, extack)
    }
}

fn errno(e: i32) -> Error {
    Error::from_errno(-e)
}

/// `br_port_info_size()`, without the multicast attributes.
fn port_info_size() -> usize {
    total_size(1) * 24
        + total_size(2) * 6
        + total_size(4) * 3
        + total_size(8) * 2
        + total_size(8) * 3
}

/// `br_port_fill_attrs()`.
pub(crate) fn fill_port_attrs(br: &Dev<'_, BridgeKind>, p: &BrPort, msg: &mut NlMsg) -> Result {
    let s = br.state();
    let port = p.state();
    let Some(v) = s.stp.port_view(port.port_no) else {
        return Ok(());
    };
    let flags = port.flags();
    let flag = |f: u32| u8::from(flags & f != 0);
    let sp = &v.port;
    msg.put_u8(b::IFLA_BRPORT_STATE, sp.state.as_u8())?;
    msg.put_u16(b::IFLA_BRPORT_PRIORITY, sp.priority.into())?;
    msg.put_u32(b::IFLA_BRPORT_COST, sp.path_cost)?;
    msg.put_u8(b::IFLA_BRPORT_MODE, flag(port_flags::HAIRPIN))?;
    msg.put_u8(b::IFLA_BRPORT_GUARD, flag(port_flags::BPDU_GUARD))?;
    msg.put_u8(b::IFLA_BRPORT_PROTECT, flag(port_flags::ROOT_BLOCK))?;
    msg.put_u8(b::IFLA_BRPORT_FAST_LEAVE, 0)?;
    msg.put_u8(b::IFLA_BRPORT_MCAST_TO_UCAST, 0)?;
    msg.put_u8(b::IFLA_BRPORT_LEARNING, flag(port_flags::LEARNING))?;
    msg.put_u8(b::IFLA_BRPORT_UNICAST_FLOOD, flag(port_flags::FLOOD))?;
    msg.put_u8(b::IFLA_BRPORT_MCAST_FLOOD, flag(port_flags::MCAST_FLOOD))?;
    msg.put_u8(b::IFLA_BRPORT_BCAST_FLOOD, flag(port_flags::BCAST_FLOOD))?;
    msg.put_u8(b::IFLA_BRPORT_PROXYARP, 0)?;
    msg.put_u8(b::IFLA_BRPORT_PROXYARP_WIFI, 0)?;
    msg.put(b::IFLA_BRPORT_ROOT_ID, &sp.designated_root.0)?;
    msg.put(b::IFLA_BRPORT_BRIDGE_ID, &sp.designated_bridge.0)?;
    msg.put_u16(b::IFLA_BRPORT_DESIGNATED_PORT, sp.designated_port)?;
    msg.put_u16(b::IFLA_BRPORT_DESIGNATED_COST, sp.designated_cost as u16)?;
    msg.put_u16(b::IFLA_BRPORT_ID, sp.port_id)?;
    msg.put_u16(b::IFLA_BRPORT_NO, sp.port_no)?;
    msg.put_u8(
        b::IFLA_BRPORT_TOPOLOGY_CHANGE_ACK,
        sp.topology_change_ack.into(),
    )?;
    msg.put_u8(b::IFLA_BRPORT_CONFIG_PENDING, sp.config_pending.into())?;
    msg.put_u8(b::IFLA_BRPORT_VLAN_TUNNEL, 0)?;
    msg.put_u16(
        b::IFLA_BRPORT_GROUP_FWD_MASK,
        port.group_fwd_mask.load(Relaxed),
    )?;
    msg.put_u8(b::IFLA_BRPORT_NEIGH_SUPPRESS, 0)?;
    msg.put_u8(b::IFLA_BRPORT_MRP_RING_OPEN, 0)?;
    msg.put_u8(b::IFLA_BRPORT_MRP_IN_OPEN, 0)?;
    msg.put_u8(b::IFLA_BRPORT_ISOLATED, flag(port_flags::ISOLATED))?;
    msg.put_u8(b::IFLA_BRPORT_LOCKED, 0)?;
    msg.put_u8(b::IFLA_BRPORT_MAB, 0)?;
    msg.put_u8(b::IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, 0)?;
    msg.put_u8(b::IFLA_BRPORT_NEIGH_FORWARD_GRAT, 0)?;
    msg.put_u64(
        b::IFLA_BRPORT_MESSAGE_AGE_TIMER,
        v.timer(sp.message_age_timer),
        b::IFLA_BRPORT_PAD,
    )?;
    msg.put_u64(
        b::IFLA_BRPORT_FORWARD_DELAY_TIMER,
        v.timer(sp.forward_delay_timer),
        b::IFLA_BRPORT_PAD,
    )?;
    msg.put_u64(
        b::IFLA_BRPORT_HOLD_TIMER,
        v.timer(sp.hold_timer),
        b::IFLA_BRPORT_PAD,
    )
}

/// `br_setport()`: `ip link set PORT type bridge_slave ...`.
pub(crate) fn set_port(
    br: &Dev<'_, BridgeKind>,
    p: &BrPort,
    data: Attrs<'_>,
    extack: &ExtAck,
) -> Result {
    let s = br.state();
    let port = p.state();
    for kind in UNSUPPORTED_PORT_FLAGS {
        if data.get(kind).is_some_and(|a| a.u8() != 0) {
            return Err(extack.fail(EOPNOTSUPP, c"rvnet_bridge: this port flag is not supported"));
        }
    }
    let mut flags = port.flags();
    for (kind, flag) in PORT_FLAGS {
        if let Some(a) = data.get(kind) {
            if a.u8() != 0 {
                flags |= flag;
            } else {
                flags &= !flag;
            }
        }
    }
    port.flags.store(flags, Relaxed);
    s.stp.set_port_guards(
        port.port_no,
        flags & port_flags::BPDU_GUARD != 0,
        flags & port_flags::ROOT_BLOCK != 0,
    );
    if let Some(a) = data.get(b::IFLA_BRPORT_COST) {
        s.stp.set_path_cost(br, port.port_no, a.u32())?;
    }
    if let Some(a) = data.get(b::IFLA_BRPORT_PRIORITY) {
        s.stp.set_port_priority(br, port.port_no, a.u16().into())?;
    }
    if let Some(a) = data.get(b::IFLA_BRPORT_STATE) {
        s.stp.set_port_state(br, p, a.u8())?;
    }
    if data.get(b::IFLA_BRPORT_FLUSH).is_some() {
        s.fdb.delete_by_port(br, port.port_no, false);
    }
    if let Some(a) = data.get(b::IFLA_BRPORT_GROUP_FWD_MASK) {
        check_port_group_fwd_mask(a.u16()).map_err(errno)?;
        port.group_fwd_mask.store(a.u16(), Relaxed);
    }
    for kind in [b::IFLA_BRPORT_BACKUP_PORT, b::IFLA_BRPORT_BACKUP_NHID] {
        if data.get(kind).is_some_and(|a| a.u32() != 0) {
            return Err(extack.fail(EOPNOTSUPP, c"rvnet_bridge: backup ports are not supported"));
        }
    }
    Ok(())
}

/// Tells `bridge monitor` about a port (`br_ifinfo_notify()`); `deleted`:
/// `RTM_DELLINK`, without the port's attributes.
pub(crate) fn notify_port(br: &Dev<'_, BridgeKind>, p: &BrPort, deleted: bool) {
    notify_port_msg(p.device(), br, deleted, |m| {
        m.nest_flagged(b::IFLA_PROTINFO, |m| fill_port_attrs(br, p, m))
    });
}
