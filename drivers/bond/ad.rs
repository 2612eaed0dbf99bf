// SPDX-License-Identifier: GPL-2.0

//! 802.3ad (LACP), as `bond_3ad.c`: the kernel side of the core crate's
//! state machines (`rvnet_core::bond::lacp`). The machines run under an
//! IRQ-safe spinlock, from the 100 ms tick (`ndo_work`) and from the
//! receive handler; what they ask for ([`Action`]) is done after the lock
//! is dropped: sending PDUs, slave flags, the carrier, and (deferred to
//! `ndo_work`, since it sleeps) rebuilding the transmit table.

use crate::dev::{self, BondCtl, SlavePort};
use crate::glue::link::Dev;
use crate::glue::skb::SkBuff;
use crate::netlink::BondKind;
use crate::options::Params;
use crate::rvnet_core::bond::lacp::{
    build_lacpdu_frame, build_marker_frame, Action, AdParams, AdSelect, AdSlave, Bond3ad, RxResult,
    ETH_P_SLOW, LACPDU_FRAME_LEN, MARKER_FRAME_LEN, SPEED_UNKNOWN,
};
use crate::rvnet_core::bond::proc::{ActorView, AdInfo, PartnerView, SlaveAdView, DUPLEX_FULL};
use crate::rvnet_core::ether::MacAddr;
use core::pin::Pin;
use kernel::new_spinlock_irq;
use kernel::prelude::*;
use kernel::sync::SpinLockIrq;

/// `ndo_work` event: rebuild the transmit table (asked for by the state
/// machines where sleeping is not allowed).
pub(crate) const WORK_SLAVE_ARRAY: u64 = 1 << 3;

struct AdInner {
    lacp: Bond3ad,
    /// The bond's slave ids, parallel to `slaves`.
    ids: KVec<u32>,
    slaves: KVec<AdSlave>,
}

/// A slave's 802.3ad facts for netlink.
pub(crate) struct PortInfo {
    /// Its aggregator's id, when attached to one.
    pub(crate) aggregator_id: Option<u16>,
    /// Actor's operational state.
    pub(crate) actor_state: u8,
    /// Partner's operational state.
    pub(crate) partner_state: u8,
    /// Actor churn state.
    pub(crate) churn_actor: u8,
    /// Partner churn state.
    pub(crate) churn_partner: u8,
    /// `actor_port_prio`.
    pub(crate) port_priority: u16,
}

/// A bond's 802.3ad state.
pub(crate) struct AdState {
    inner: Pin<KBox<SpinLockIrq<AdInner>>>,
}

fn ad_params(p: &Params) -> AdParams {
    AdParams {
        lacp_fast: p.lacp_fast,
        lacp_active: p.lacp_active,
        ad_select: AdSelect::from_u8(p.ad_select).unwrap_or(AdSelect::Stable),
        coupled_control: p.coupled_control,
        min_links: p.min_links,
        lacp_strict: p.lacp_strict,
        all_slaves_active: p.all_slaves_active,
        broadcast_neighbor: p.broadcast_neighbor,
        ad_actor_sys_prio: p.ad_actor_sys_prio,
        ad_actor_system: MacAddr(p.ad_actor_system),
        ad_user_port_key: p.ad_user_port_key,
    }
}

impl AdState {
    /// Empty state.
    pub(crate) fn new() -> Result<AdState> {
        let inner = AdInner {
            lacp: Bond3ad::new(AdParams::default(), MacAddr([0; 6])),
            ids: KVec::new(),
            slaves: KVec::new(),
        };
        Ok(AdState {
            inner: KBox::pin_init(new_spinlock_irq!(inner), GFP_KERNEL)?,
        })
    }

    /// Runs `f` on the machines with the bond's current parameters, then
    /// carries out what they asked for.
    fn run(
        &self,
        bond: &Dev<'_, BondKind>,
        params: Option<&Params>,
        f: impl FnOnce(&mut Bond3ad, &mut [AdSlave], &KVec<u32>, &mut dyn FnMut(Action)),
    ) {
        let mut actions = KVec::<Action>::new();
        let ids = {
            let mut inner = self.inner.lock();
            if let Some(p) = params {
                inner.lacp.params = ad_params(p);
                inner.lacp.dev_addr = bond.mac();
            }
            let AdInner { lacp, ids, slaves } = &mut *inner;
            f(lacp, slaves, ids, &mut |a| {
                let _ = actions.push(a, GFP_ATOMIC);
            });
            let mut copy = KVec::with_capacity(ids.len(), GFP_ATOMIC).unwrap_or_default();
            for id in ids.iter() {
                let _ = copy.push(*id, GFP_ATOMIC);
            }
            copy
        };
        for a in actions.into_iter() {
            self.carry_out(bond, &ids, a);
        }
    }

    fn carry_out(&self, bond: &Dev<'_, BondKind>, ids: &KVec<u32>, action: Action) {
        let port_of = |slave: usize| ids.get(slave).and_then(|id| dev::port_by_id(bond, *id));
        match action {
            Action::SendLacpdu { slave, src, pdu } => {
                let Some(port) = port_of(slave) else { return };
                let mut buf = [0u8; LACPDU_FRAME_LEN];
                if let Some(len) = build_lacpdu_frame(&mut buf, src, &pdu) {
                    send(&port, buf.get(..len).unwrap_or(&[]));
                }
            }
            Action::SendMarker { slave, src, pdu } => {
                let Some(port) = port_of(slave) else { return };
                let mut buf = [0u8; MARKER_FRAME_LEN];
                if let Some(len) = build_marker_frame(&mut buf, src, &pdu) {
                    send(&port, buf.get(..len).unwrap_or(&[]));
                }
            }
            Action::SlaveFlags { slave, flags } => {
                if let Some(port) = port_of(slave) {
                    dev::set_slave_flags(&port, flags.backup, flags.inactive);
                }
            }
            Action::Carrier(on) => bond.set_carrier(on),
            Action::UpdateSlaveArray => bond.schedule_work(WORK_SLAVE_ARRAY),
            Action::PeerNotify => {}
        }
    }

    /// A slave was enslaved in 802.3ad mode (`bond_3ad_bind_slave`).
    pub(crate) fn bind(&self, bond: &Dev<'_, BondKind>, port: &SlavePort) {
        let p = bond.state().ctl.lock().params;
        let (speed, duplex) = port
            .device()
            .speed_duplex(false)
            .unwrap_or((SPEED_UNKNOWN, 0xff));
        let up = port.state().link_up();
        let id = port.state().id;
        self.run(bond, Some(&p), |lacp, _slaves, _ids, out| {
            let _ = (lacp, out);
        });
        let mut actions = KVec::<Action>::new();
        {
            let mut inner = self.inner.lock();
            let s = AdSlave::new(port.state().perm_hwaddr, up, speed, duplex == DUPLEX_FULL);
            if inner.slaves.push(s, GFP_ATOMIC).is_err() || inner.ids.push(id, GFP_ATOMIC).is_err()
            {
                return;
            }
            let i = inner.slaves.len() - 1;
            let AdInner { lacp, slaves, .. } = &mut *inner;
            lacp.bind_slave(slaves, i, &mut |a| {
                let _ = actions.push(a, GFP_ATOMIC);
            });
        }
        let ids = self.ids();
        for a in actions.into_iter() {
            self.carry_out(bond, &ids, a);
        }
    }

    fn ids(&self) -> KVec<u32> {
        let inner = self.inner.lock();
        let mut v = KVec::with_capacity(inner.ids.len(), GFP_ATOMIC).unwrap_or_default();
        for id in inner.ids.iter() {
            let _ = v.push(*id, GFP_ATOMIC);
        }
        v
    }

    /// A slave is being released (`bond_3ad_unbind_slave`).
    pub(crate) fn unbind(&self, bond: &Dev<'_, BondKind>, port: &SlavePort) {
        let id = port.state().id;
        self.run(bond, None, |lacp, slaves, ids, out| {
            if let Some(i) = ids.iter().position(|x| *x == id) {
                lacp.unbind_slave(slaves, i, out);
            }
        });
        let mut inner = self.inner.lock();
        if let Some(i) = inner.ids.iter().position(|x| *x == id) {
            let _ = inner.ids.remove(i);
            let _ = inner.slaves.remove(i);
        }
    }

    /// The bond went up in 802.3ad mode (`bond_open`).
    pub(crate) fn open(&self, bond: &Dev<'_, BondKind>) {
        let p = bond.state().ctl.lock().params;
        self.run(bond, Some(&p), |lacp, _, _, _| {
            lacp.initiate_agg_selection(1)
        });
    }

    /// The 100 ms tick (`bond_3ad_state_machine_handler`).
    pub(crate) fn tick(&self, bond: &Dev<'_, BondKind>) {
        let p = bond.state().ctl.lock().params;
        let ports = bond.state().ports();
        self.run(bond, Some(&p), |lacp, slaves, ids, out| {
            for (s, id) in slaves.iter_mut().zip(ids.iter()) {
                if let Some(port) = ports.iter().find(|p| p.state().id == *id) {
                    s.dev_up = port.device().is_running() && port.device().carrier_ok();
                }
            }
            lacp.tick(slaves, out);
        });
    }

    /// A LACPDU or marker arrived on `port` (`bond_3ad_lacpdu_recv`);
    /// true when it was one of ours and is consumed.
    pub(crate) fn receive(&self, bond: &Dev<'_, BondKind>, port: &SlavePort, frame: &[u8]) -> bool {
        let id = port.state().id;
        let (Some(dest), Some(payload)) = (
            frame.get(..6).and_then(MacAddr::from_slice),
            frame.get(14..),
        ) else {
            return false;
        };
        let mut consumed = false;
        self.run(bond, None, |lacp, slaves, ids, out| {
            if let Some(i) = ids.iter().position(|x| *x == id) {
                consumed = lacp.rx_lacpdu(slaves, i, &dest, ETH_P_SLOW, payload, out)
                    == RxResult::Consumed;
            }
        });
        consumed
    }

    /// The link monitor committed a link change on `port`.
    pub(crate) fn link_changed(&self, bond: &Dev<'_, BondKind>, port: &SlavePort, up: bool) {
        let id = port.state().id;
        let (speed, duplex) = port
            .device()
            .speed_duplex(false)
            .unwrap_or((SPEED_UNKNOWN, 0xff));
        self.run(bond, None, |lacp, slaves, ids, out| {
            if let Some(i) = ids.iter().position(|x| *x == id) {
                if let Some(s) = slaves.get_mut(i) {
                    s.link_up = up;
                }
                lacp.link_changed(slaves, i, up, speed, duplex == DUPLEX_FULL, out);
            }
        });
    }

    /// The speed or duplex of `port` changed.
    pub(crate) fn speed_changed(&self, bond: &Dev<'_, BondKind>, port: &SlavePort) {
        let id = port.state().id;
        let (speed, duplex) = port
            .device()
            .speed_duplex(true)
            .unwrap_or((SPEED_UNKNOWN, 0xff));
        self.run(bond, None, |lacp, slaves, ids, out| {
            if let Some(i) = ids.iter().position(|x| *x == id) {
                let _ = out;
                lacp.speed_duplex_changed(slaves, i, speed, duplex == DUPLEX_FULL);
            }
        });
    }

    /// Ids of the slaves that transmit: ports of the active aggregator
    /// that are not backups (`bond_update_slave_arr` for 802.3ad).
    pub(crate) fn active_ports(&self, _ctl: &BondCtl) -> KVec<u32> {
        let inner = self.inner.lock();
        let mut v = KVec::new();
        let Some(info) = inner.lacp.active_agg_info(&inner.slaves) else {
            return v;
        };
        for (s, id) in inner.slaves.iter().zip(inner.ids.iter()) {
            if s.aggregator_id() == Some(info.aggregator_id) && !s.flags.backup {
                let _ = v.push(*id, GFP_ATOMIC);
            }
        }
        v
    }

    /// Whether the bond's carrier should be on (`bond_3ad_set_carrier`).
    pub(crate) fn carrier(&self, _ctl: &BondCtl) -> bool {
        let mut inner = self.inner.lock();
        let AdInner { lacp, slaves, .. } = &mut *inner;
        let mut on = lacp.carrier;
        lacp.set_carrier(slaves, &mut |a| {
            if let Action::Carrier(c) = a {
                on = c;
            }
        });
        on
    }

    /// The active aggregator (`bond_3ad_get_active_agg_info`).
    pub(crate) fn active_agg_info(&self) -> Option<AdInfo> {
        let inner = self.inner.lock();
        inner.lacp.active_agg_info(&inner.slaves).map(|i| AdInfo {
            aggregator_id: i.aggregator_id,
            ports: i.ports,
            actor_key: i.actor_key,
            partner_key: i.partner_key,
            partner_system: i.partner_system.0,
        })
    }

    /// The 802.3ad system address shown in `/proc/net/bonding`.
    pub(crate) fn system_mac(&self, bond: &Dev<'_, BondKind>, p: &Params) -> [u8; 6] {
        if p.ad_actor_system == [0; 6] {
            bond.mac().0
        } else {
            p.ad_actor_system
        }
    }

    fn with_slave<R>(&self, id: u32, f: impl FnOnce(&AdSlave) -> R) -> Option<R> {
        let inner = self.inner.lock();
        let i = inner.ids.iter().position(|x| *x == id)?;
        inner.slaves.get(i).map(f)
    }

    /// A slave's 802.3ad facts for netlink.
    pub(crate) fn port_info(&self, id: u32) -> Option<PortInfo> {
        self.with_slave(id, |s| PortInfo {
            aggregator_id: s.aggregator_id(),
            actor_state: s.port.actor_oper_port_state,
            partner_state: s.port.partner_oper.port_state,
            churn_actor: s.port.sm_churn_actor_state as u8,
            churn_partner: s.port.sm_churn_partner_state as u8,
            port_priority: s.port_priority,
        })
    }

    /// A slave's 802.3ad section of `/proc/net/bonding`.
    pub(crate) fn slave_view(&self, id: u32) -> Option<SlaveAdView> {
        self.with_slave(id, |s| {
            let p = &s.port;
            SlaveAdView {
                aggregator_id: s.aggregator_id().unwrap_or(0),
                actor_churn_state: p.sm_churn_actor_state as u32,
                partner_churn_state: p.sm_churn_partner_state as u32,
                actor_churned_count: p.churn_actor_count,
                partner_churned_count: p.churn_partner_count,
                actor: ActorView {
                    system_priority: p.actor_system_priority,
                    system: p.actor_system.0,
                    port_key: p.actor_oper_port_key,
                    port_priority: p.actor_port_priority,
                    port_number: p.actor_port_number,
                    port_state: p.actor_oper_port_state,
                },
                partner: PartnerView {
                    system_priority: p.partner_oper.system_priority,
                    system: p.partner_oper.system.0,
                    key: p.partner_oper.key,
                    port_priority: p.partner_oper.port_priority,
                    port_number: p.partner_oper.port_number,
                    port_state: p.partner_oper.port_state.into(),
                },
            }
        })
        .filter(|_| true)
    }
}

/// Sends one slow-protocol frame on `port`.
fn send(port: &SlavePort, frame: &[u8]) {
    if let Some(skb) = SkBuff::from_frame(port.device(), frame, ETH_P_SLOW) {
        skb.queue_xmit();
    }
}

/// `ndo_work` for [`dev::WORK_AD`]: one tick, re-armed while the bond is up.
pub(crate) fn state_machine_tick(bond: Dev<'_, BondKind>) {
    bond.state().ad.tick(&bond);
    if bond.is_running() && bond.state().mode() == crate::options::Mode::Ieee8023ad {
        bond.header()
            .ad
            .arm(crate::rvnet_core::bond::lacp::AD_TIMER_INTERVAL_MS);
    }
}
