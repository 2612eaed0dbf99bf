// SPDX-License-Identifier: GPL-2.0

//! The ARP monitor, as `bond_main.c`'s `bond_arp_monitor`: every
//! `arp_interval` it sends ARP requests for the `arp_ip_target`s and
//! decides, from when each slave last sent one and last received
//! (validated) traffic, which slaves are up. The decisions are the core
//! crate's (`rvnet_core::bond::arpmon`); this file keeps the per-slave
//! times, validates received ARPs (`bond_rcv_validate`) and sends probes
//! (`bond_arp_send_all`).

use crate::dev::{self, Slave, SlavePort};
use crate::glue::link::Dev;
use crate::glue::skb::SkBuff;
use crate::glue::timer::now_ms;
use crate::netlink::BondKind;
use crate::options::{Mode, Params, MAX_ARP_TARGETS};
use crate::rvnet_core::bond::arpmon::{
    ab_inspect, ab_next_probe_slave, in_interval, loadbalance_inspect, parse_arp, ArpParams,
    ArpSlave, ARPOP_REPLY,
};
use crate::rvnet_core::bond::monitor::Link;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;

/// `ETH_P_ARP`.
const ETH_P_ARP: u16 = 0x0806;
/// `ETH_P_IPV6`.
const ETH_P_IPV6: u16 = 0x86dd;
/// `BOND_ARP_FILTER`: only ARP (and NS/NA) traffic counts as received.
const ARP_FILTER: u32 = 4;
/// `BOND_ARP_TARGETS_ALL`.
const ARP_ALL_TARGETS_ALL: u32 = 1;

/// A slave's ARP monitor times (ms since boot).
pub(crate) struct ArpTimes {
    last_rx: AtomicU64,
    last_tx: AtomicU64,
    /// When the slave last became the active or probed one.
    pub(crate) last_link_up: AtomicU64,
    target_rx: [AtomicU64; MAX_ARP_TARGETS],
}

impl ArpTimes {
    /// Times of a new slave: as if it last heard anything just over an
    /// interval ago (`bond_enslave`).
    pub(crate) fn new(arp_interval: u32) -> ArpTimes {
        let t = now_ms().saturating_sub(u64::from(arp_interval) + 1);
        ArpTimes {
            last_rx: AtomicU64::new(t),
            last_tx: AtomicU64::new(t),
            last_link_up: AtomicU64::new(0),
            target_rx: [const { AtomicU64::new(0) }; MAX_ARP_TARGETS],
        }
    }

    /// `slave_last_rx`: with `arp_all_targets all` and validation, the
    /// oldest reply of all targets.
    fn last_rx(&self, p: &Params, validating: bool) -> u64 {
        if p.arp_all_targets == ARP_ALL_TARGETS_ALL && validating {
            let n = p.arp_target_count();
            self.target_rx
                .iter()
                .take(n)
                .map(|t| t.load(Relaxed))
                .min()
                .unwrap_or(0)
        } else {
            self.last_rx.load(Relaxed)
        }
    }
}

/// What the receive path needs of the ARP monitor's settings.
#[derive(Clone, Copy)]
pub(crate) struct ArpRx {
    validate: u32,
    interval: u64,
    targets: [u32; MAX_ARP_TARGETS],
}

impl ArpRx {
    /// The receive-side settings of `p`, if the ARP monitor runs.
    pub(crate) fn of(p: &Params) -> Option<ArpRx> {
        (p.arp_interval != 0).then_some(ArpRx {
            validate: p.arp_validate,
            interval: p.arp_interval.into(),
            targets: p.arp_targets,
        })
    }
}

/// `bond_validate_arp`.
fn validate_arp(bond: &Dev<'_, BondKind>, rx: &ArpRx, slave: &Slave, sip: u32, tip: u32) {
    if sip == 0 || bond.confirm_addr(0, tip) != tip {
        return;
    }
    let Some(i) = rx.targets.iter().position(|&t| t == sip && t != 0) else {
        return;
    };
    let now = now_ms();
    slave.arp.last_rx.store(now, Relaxed);
    if let Some(t) = slave.arp.target_rx.get(i) {
        t.store(now, Relaxed);
    }
}

/// `bond_rcv_validate`: notes that `port` heard from the network, after
/// validating ARP traffic where `arp_validate` asks for it.
pub(crate) fn receive(
    bond: &Dev<'_, BondKind>,
    rx: &ArpRx,
    port: &SlavePort,
    skb: &SkBuff,
    active: Option<&SlavePort>,
    arp_slave: Option<&SlavePort>,
) {
    let slave = port.state();
    let proto = skb.protocol();
    let state_bit = if slave.is_active() { 1 } else { 2 };
    let filter = rx.validate & ARP_FILTER != 0;
    if rx.validate & state_bit == 0 {
        if !filter || proto == ETH_P_ARP || proto == ETH_P_IPV6 {
            slave.arp.last_rx.store(now_ms(), Relaxed);
        }
        return;
    }
    if proto != ETH_P_ARP {
        return;
    }
    let Some(arp) = skb.with_view::<42, _>(|v| v.headers.get(14..).and_then(parse_arp)) else {
        return;
    };
    let (sip, tip) = (u32::from_ne_bytes(arp.sip), u32::from_ne_bytes(arp.tip));
    if slave.is_active() {
        validate_arp(bond, rx, slave, sip, tip);
    } else if active.is_some_and(|a| {
        a.state().arp.last_rx.load(Relaxed) > a.state().arp.last_link_up.load(Relaxed)
    }) {
        validate_arp(bond, rx, slave, tip, sip);
    } else if let Some(p) = arp_slave {
        if arp.op == ARPOP_REPLY
            && in_interval(
                now_ms(),
                p.state().arp.last_tx.load(Relaxed),
                1,
                rx.interval,
            )
        {
            validate_arp(bond, rx, slave, sip, tip);
        }
    }
}

/// `bond_arp_send_all`: an ARP request for each target out of `port`,
/// from the bond's address on the route to it.
fn send_all(bond: &Dev<'_, BondKind>, p: &Params, port: &SlavePort) {
    for &target in p.arp_targets.iter().take_while(|&&t| t != 0) {
        match bond.routes_to(target) {
            None => port.device().send_arp_request(target, 0),
            Some(true) => port
                .device()
                .send_arp_request(target, bond.confirm_addr(target, 0)),
            // The route leaves through another device (VLANs on the
            // bond are not followed): no probe.
            Some(false) => continue,
        }
        port.state().arp.last_tx.store(now_ms(), Relaxed);
    }
}

/// The monitor tick (`ndo_work` for [`dev::WORK_ARP`]), re-armed while the
/// bond is up and `arp_interval` is set.
pub(crate) fn monitor(bond: Dev<'_, BondKind>) {
    let p = bond.state().ctl.lock().params;
    if p.arp_interval == 0 {
        return;
    }
    if p.mode == Mode::ActiveBackup {
        activebackup(bond, &p);
    } else {
        loadbalance(bond, &p);
    }
    if bond.is_running() {
        bond.header().arp.arm(p.arp_interval);
    }
}

fn arp_params(p: &Params) -> ArpParams {
    ArpParams {
        interval: p.arp_interval.into(),
        missed_max: p.missed_max.into(),
    }
}

/// Snapshot of the slaves for the core's decisions, with their ports.
fn snapshot(bond: &Dev<'_, BondKind>, p: &Params) -> (KVec<ArpSlave>, KVec<Option<u32>>) {
    let ctl = bond.state().ctl.lock();
    let mut v = KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).unwrap_or_default();
    let mut ids = KVec::with_capacity(ctl.slaves.len(), GFP_KERNEL).unwrap_or_default();
    for e in ctl.slaves.iter() {
        let s = e.port.state();
        let validating = p.arp_validate & if s.is_active() { 1 } else { 2 } != 0;
        let _ = v.push(
            ArpSlave {
                link: e.link.link,
                proposed: None,
                active: s.is_active(),
                dev_up: e.device().is_running() && e.device().carrier_ok(),
                last_tx: s.arp.last_tx.load(Relaxed),
                last_rx: s.arp.last_rx(p, validating),
                last_link_up: s.arp.last_link_up.load(Relaxed),
            },
            GFP_KERNEL,
        );
        let _ = ids.push(Some(s.id), GFP_KERNEL);
    }
    (v, ids)
}

/// `bond_loadbalance_arp_mon`.
fn loadbalance(bond: Dev<'_, BondKind>, p: &Params) {
    let (mut slaves, ids) = snapshot(&bond, p);
    let current = {
        let ctl = bond.state().ctl.lock();
        ctl.index_of(ctl.active)
    };
    let out = loadbalance_inspect(&mut slaves, current, now_ms(), arp_params(p));
    for (s, id) in slaves.iter().zip(ids.iter()) {
        if s.dev_up {
            if let Some(port) = id.and_then(|id| dev::port_by_id(&bond, id)) {
                send_all(&bond, p, &port);
            }
        }
    }
    if !out.state_changed && !out.failover {
        return;
    }
    commit(bond, &slaves, &ids, false);
    if out.failover {
        dev::select_active_slave(bond);
    }
    dev::update_tx(bond);
    dev::set_carrier(bond);
}

/// Applies the proposed link states; in active-backup (`ab`), as
/// `bond_ab_arp_commit`. Returns whether to fail over.
fn commit(bond: Dev<'_, BondKind>, slaves: &[ArpSlave], ids: &[Option<u32>], ab: bool) -> bool {
    let mut failover = false;
    for (s, id) in slaves.iter().zip(ids.iter()) {
        let (Some(new), Some(id)) = (s.proposed, *id) else {
            continue;
        };
        let port = {
            let mut ctl = bond.state().ctl.lock();
            let Some(i) = ctl.index_of(Some(id)) else {
                continue;
            };
            let is_current = ctl.active == Some(id);
            let arp_slave = ctl.arp_slave;
            let prio_above = ctl
                .active_entry()
                .zip(ctl.slaves.get(i))
                .is_some_and(|(a, e)| e.link.prio > a.link.prio);
            match new {
                Link::Up if ab && is_current => continue,
                Link::Up => {
                    if ab {
                        if let Some(j) = ctl.index_of(arp_slave) {
                            ctl.set_backup(j, true);
                        }
                        ctl.arp_slave = None;
                        bond.state().set_arp_slave_rx(None);
                    }
                    if ctl.active.is_none() || ctl.primary == Some(id) || prio_above {
                        failover = true;
                    }
                }
                Link::Down => {
                    if let Some(e) = ctl.slaves.get_mut(i) {
                        e.link_failure_count = e.link_failure_count.saturating_add(1);
                    }
                    if ab {
                        ctl.set_backup(i, true);
                        if is_current {
                            ctl.arp_slave = None;
                            bond.state().set_arp_slave_rx(None);
                        }
                    }
                    if is_current {
                        failover = true;
                    }
                }
                Link::Fail | Link::Back => {
                    ctl.set_backup(i, true);
                    if ctl.active.is_some() {
                        ctl.arp_slave = None;
                        bond.state().set_arp_slave_rx(None);
                    }
                }
            }
            if let Some(e) = ctl.slaves.get_mut(i) {
                e.link.link = new;
            }
            let e = ctl.slaves.get(i);
            e.inspect(|e| e.publish());
            e.map(|e| e.port.clone())
        };
        if let Some(port) = port {
            let word = if new == Link::Up { "up" } else { "down" };
            pr_info!(
                "{}: ({}): link status definitely {}\n",
                bond.name_str(),
                port.device().name_str(),
                word
            );
            dev::notify_lower_state(&port);
        }
    }
    failover
}

/// `bond_activebackup_arp_mon`: inspect, commit, then probe.
fn activebackup(bond: Dev<'_, BondKind>, p: &Params) {
    let (mut slaves, ids) = snapshot(&bond, p);
    let has_arp_slave = bond.state().ctl.lock().arp_slave.is_some();
    if ab_inspect(&mut slaves, has_arp_slave, now_ms(), arp_params(p)) != 0 {
        if commit(bond, &slaves, &ids, true) {
            dev::select_active_slave(bond);
        }
        dev::update_tx(bond);
        dev::set_carrier(bond);
    }
    probe(bond, p);
}

/// `bond_ab_arp_probe`: probes through the active slave, or, without one,
/// through the next slave in turn.
fn probe(bond: Dev<'_, BondKind>, p: &Params) {
    let active = {
        let ctl = bond.state().ctl.lock();
        ctl.active_entry().map(|e| e.port.clone())
    };
    if let Some(a) = active {
        send_all(&bond, p, &a);
        return;
    }
    let (slaves, ids) = snapshot(&bond, p);
    let next = {
        let mut ctl = bond.state().ctl.lock();
        let current = ctl.index_of(ctl.arp_slave);
        for (i, s) in slaves.iter().enumerate() {
            if !s.dev_up && s.link == Link::Up {
                if let Some(e) = ctl.slaves.get_mut(i) {
                    e.link.link = Link::Down;
                    e.link_failure_count = e.link_failure_count.saturating_add(1);
                }
                ctl.set_backup(i, true);
            }
        }
        let Some(n) = ab_next_probe_slave(&slaves, current) else {
            return;
        };
        if let Some(e) = ctl.slaves.get_mut(n) {
            e.link.link = Link::Back;
        }
        ctl.set_backup(n, false);
        ctl.arp_slave = ids.get(n).copied().flatten();
        bond.state().set_arp_slave_rx(ctl.arp_slave);
        ctl.slaves.get(n).map(|e| e.port.clone())
    };
    if let Some(port) = next {
        send_all(&bond, p, &port);
        port.state().arp.last_link_up.store(now_ms(), Relaxed);
    }
}
