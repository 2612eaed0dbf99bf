// SPDX-License-Identifier: GPL-2.0

//! The spanning tree, as `br_stp_if.c`, `br_stp_timer.c` and
//! `br_stp_bpdu.c`: the kernel side of the core crate's 802.1D machines
//! (`rvnet_core::bridge::stp`). They run under an IRQ-safe spinlock (the C's
//! `br->lock`), from the receive handler (BPDUs), from the timer (one
//! `ndo_work` timer armed for the earliest STP deadline) and from the
//! control path; what they ask for ([`Action`]) is done once the lock is
//! dropped: sending BPDUs, port states, FDB flushes, the carrier, the
//! bridge address, notifications.

use crate::dev::{self, BrPort};
use crate::glue::link::Dev;
use crate::glue::netdev::NetDevice;
use crate::glue::skb::SkBuff;
use crate::glue::timer::{hz, now_ms};
use crate::netlink::BridgeKind;
use crate::rvnet_core::bridge::bpdu::{build_config_frame, build_tcn_frame, CONFIG_FRAME_LEN};
use crate::rvnet_core::bridge::options::{clock_t_to_jiffies, jiffies_to_clock_t};
use crate::rvnet_core::bridge::stp::{
    find_port_no, port_cost_for_speed, Action, AgeingTime, Event, PortState, Stp, StpEnabled,
    StpError, StpPort,
};
use crate::rvnet_core::ether::MacAddr;
use core::pin::Pin;
use core::sync::atomic::Ordering::Relaxed;
use kernel::new_spinlock_irq;
use kernel::prelude::*;
use kernel::sync::SpinLockIrq;

/// `ETH_P_802_2`: the protocol of the 802.3/LLC frames BPDUs travel in.
const ETH_P_802_2: u16 = 0x0004;

/// `ndo_work` event: an STP timer expired.
pub(crate) const WORK_STP: u64 = 1 << 0;

struct StpInner {
    stp: Stp,
    /// Newest first, like the bridge's port list.
    ports: KVec<StpPort>,
}

/// A bridge's spanning tree.
pub(crate) struct StpState {
    inner: Pin<KBox<SpinLockIrq<StpInner>>>,
}

/// Jiffies to the core's milliseconds.
pub(crate) fn jiffies_to_ms(j: u64) -> u64 {
    j.saturating_mul(1000).checked_div(hz()).unwrap_or(0)
}

/// The core's milliseconds to jiffies.
pub(crate) fn ms_to_jiffies(ms: u64) -> u64 {
    ms.saturating_mul(hz()) / 1000
}

/// A `clock_t` option value to the core's milliseconds, through jiffies as
/// bridge.ko stores it.
pub(crate) fn clock_t_to_ms(ct: u64) -> u64 {
    jiffies_to_ms(clock_t_to_jiffies(ct, hz()))
}

/// Milliseconds to the `clock_t` bridge.ko reports.
pub(crate) fn ms_to_clock_t(ms: u64) -> u64 {
    jiffies_to_clock_t(ms_to_jiffies(ms), hz())
}

/// A port's default path cost from its link speed (`port_cost()`).
/// `in_notifier`: called from a notifier of the port, whose instance lock
/// is then held.
pub(crate) fn port_cost(dev: &NetDevice, in_notifier: bool) -> u32 {
    port_cost_for_speed(dev.speed_duplex(in_notifier).map(|(s, _)| s))
}

/// What `bridge link`/`ip -d link` show of a port's spanning tree.
pub(crate) struct PortView {
    /// The port's STP fields.
    pub(crate) port: StpPort,
    /// Now, for the timers.
    pub(crate) now: u64,
}

impl PortView {
    /// A port timer's value as bridge.ko reports it (`br_timer_value()`).
    pub(crate) fn timer(&self, t: Option<u64>) -> u64 {
        timer_value(t, self.now)
    }
}

/// A timer's remaining time in `clock_t`, 0 when not pending.
pub(crate) fn timer_value(t: Option<u64>, now: u64) -> u64 {
    t.map_or(0, |d| ms_to_clock_t(d.saturating_sub(now)))
}

impl StpState {
    /// A bridge's tree: STP off, no ports.
    pub(crate) fn new() -> Result<StpState> {
        let inner = StpInner {
            stp: Stp::new(),
            ports: KVec::new(),
        };
        Ok(StpState {
            inner: KBox::pin_init(new_spinlock_irq!(inner), GFP_KERNEL)?,
        })
    }

    /// Runs `f` on the machines, then does what they asked for and re-arms
    /// the timer. `f` must not remove ports: the actions name ports by
    /// their index after it ran.
    fn run<R>(
        &self,
        br: &Dev<'_, BridgeKind>,
        f: impl FnOnce(&mut Stp, &mut KVec<StpPort>, u64, &mut dyn FnMut(Action)) -> R,
    ) -> R {
        let mut actions = KVec::<Action>::new();
        let now = now_ms();
        let (r, port_nos, deadline, forward_delay) = {
            let mut inner = self.inner.lock();
            let StpInner { stp, ports } = &mut *inner;
            let r = f(stp, ports, now, &mut |a| {
                let _ = actions.push(a, GFP_ATOMIC);
            });
            let mut nos = KVec::with_capacity(ports.len(), GFP_ATOMIC).unwrap_or_default();
            for p in ports.iter() {
                let _ = nos.push(p.port_no, GFP_ATOMIC);
            }
            (r, nos, stp.next_deadline(ports), stp.forward_delay)
        };
        let fdb = &br.state().fdb;
        fdb.forward_delay
            .store(ms_to_jiffies(forward_delay), Relaxed);
        for a in actions.into_iter() {
            carry_out(br, &port_nos, a);
        }
        // Without a deadline the timer is left as it is: a tick with
        // nothing expired does nothing.
        if let Some(d) = deadline {
            let delay = d.saturating_sub(now).min(u64::from(u32::MAX)) as u32;
            br.header().stp.arm(delay);
        }
        r
    }

    /// Runs `f` on port `port_no`'s index.
    fn run_port<R>(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        f: impl FnOnce(&mut Stp, &mut KVec<StpPort>, usize, u64, &mut dyn FnMut(Action)) -> R,
    ) -> Option<R> {
        self.run(br, |stp, ports, now, out| {
            let i = ports.iter().position(|p| p.port_no == port_no)?;
            Some(f(stp, ports, i, now, out))
        })
    }

    /// A free port number (`find_portno()`).
    pub(crate) fn free_port_no(&self) -> Option<u16> {
        find_port_no(&self.inner.lock().ports)
    }

    /// Adds a port, newest first, disabled (`new_nbp()`).
    pub(crate) fn add_port(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        mac: MacAddr,
        cost: u32,
    ) -> Result {
        let mut port = StpPort::new(port_no, mac, cost);
        port.link_up = false;
        self.run(br, |stp, ports, _, out| {
            ports.reserve(1, GFP_ATOMIC)?;
            ports.insert_within_capacity(0, port).map_err(|_| ENOMEM)?;
            stp.new_port(ports, 0, out);
            Ok(())
        })
    }

    /// Disables and removes a port (`del_nbp()`'s `br_stp_disable_port()`).
    /// The actions of the disabling name ports by their index, so the port
    /// leaves the list only after they are done.
    pub(crate) fn remove_port(&self, br: &Dev<'_, BridgeKind>, port_no: u16) {
        self.run_port(br, port_no, |stp, ports, i, now, out| {
            stp.disable_port(now, ports, i, out)
        });
        let mut inner = self.inner.lock();
        if let Some(i) = inner.ports.iter().position(|p| p.port_no == port_no) {
            let _ = inner.ports.remove(i);
        }
    }

    /// `br_stp_recalculate_bridge_id()`: true when the address changed.
    pub(crate) fn recalculate_bridge_id(&self, br: &Dev<'_, BridgeKind>) -> bool {
        let user = dev::addr_set_by_user(br);
        self.run(br, |stp, ports, now, out| {
            stp.recalculate_bridge_id(now, ports, user, out)
        })
    }

    /// `br_stp_change_bridge_id()`: the user set the bridge's address.
    pub(crate) fn change_bridge_id(&self, br: &Dev<'_, BridgeKind>, mac: MacAddr) {
        self.run(br, |stp, ports, now, out| {
            stp.change_bridge_id(now, ports, mac, out)
        });
    }

    /// A port's device changed its address (`br_fdb_changeaddr()` and
    /// `br_stp_recalculate_bridge_id()`); true when the bridge's changed.
    pub(crate) fn port_address_changed(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        mac: MacAddr,
    ) -> bool {
        self.run_port(br, port_no, |_, ports, i, _, _| {
            if let Some(p) = ports.get_mut(i) {
                p.mac = mac;
            }
        });
        self.recalculate_bridge_id(br)
    }

    /// `br_stp_enable_bridge()`: the bridge came up.
    pub(crate) fn enable_bridge(&self, br: &Dev<'_, BridgeKind>) {
        let usable = usable_ports(br);
        self.run(br, |stp, ports, now, out| {
            for p in ports.iter_mut() {
                p.link_up = usable.contains(&p.port_no);
            }
            stp.enable_bridge(now, ports, out)
        });
    }

    /// `br_stp_disable_bridge()`.
    pub(crate) fn disable_bridge(&self, br: &Dev<'_, BridgeKind>) {
        self.run(br, |stp, ports, now, out| {
            stp.disable_bridge(now, ports, out)
        });
    }

    /// `br_stp_enable_port()`.
    pub(crate) fn enable_port(&self, br: &Dev<'_, BridgeKind>, port_no: u16) {
        self.run_port(br, port_no, |stp, ports, i, now, out| {
            if let Some(p) = ports.get_mut(i) {
                p.link_up = true;
            }
            stp.enable_port(now, ports, i, out)
        });
    }

    /// `br_stp_disable_port()`.
    pub(crate) fn disable_port(&self, br: &Dev<'_, BridgeKind>, port_no: u16) {
        self.run_port(br, port_no, |stp, ports, i, now, out| {
            if let Some(p) = ports.get_mut(i) {
                p.link_up = false;
            }
            stp.disable_port(now, ports, i, out)
        });
    }

    /// `br_port_carrier_check()`: returns whether listeners were told.
    pub(crate) fn carrier_check(&self, br: &Dev<'_, BridgeKind>, port: &BrPort) -> bool {
        let dev = port.device();
        let usable = dev::port_usable(dev);
        let speed = if usable {
            dev.speed_duplex(true).map(|(s, _)| s)
        } else {
            None
        };
        self.run_port(br, port.state().port_no, |stp, ports, i, now, out| {
            if let Some(p) = ports.get_mut(i) {
                p.link_up = usable;
            }
            stp.port_carrier_check(now, ports, i, speed, out)
        })
        .unwrap_or(false)
    }

    /// `br_stp_set_enabled()`: any value but 0 starts the kernel's STP
    /// (bridge.ko does when no user-space helper answers).
    pub(crate) fn set_enabled(&self, br: &Dev<'_, BridgeKind>, val: u32) -> Result {
        let on = val != 0;
        self.run(br, |stp, ports, now, out| {
            stp.set_enabled(now, ports, on, out)
        });
        br.state().settings.stp_on.store(on, Relaxed);
        Ok(())
    }

    /// Sets the address BPDUs go to and are accepted from.
    pub(crate) fn set_group_addr(&self, addr: MacAddr) {
        self.inner.lock().stp.group_addr = addr;
    }

    /// The STP state as netlink shows it (`stp_state`).
    pub(crate) fn enabled(&self) -> u32 {
        self.inner.lock().stp.stp_enabled as u32
    }

    /// `br_stp_set_bridge_priority()`.
    pub(crate) fn set_bridge_priority(&self, br: &Dev<'_, BridgeKind>, prio: u16) {
        self.run(br, |stp, ports, now, out| {
            stp.set_bridge_priority(now, ports, prio, out)
        });
    }

    /// `br_set_forward_delay()`, `clock_t`.
    pub(crate) fn set_forward_delay(&self, br: &Dev<'_, BridgeKind>, ct: u32) -> Result {
        self.run(br, |stp, _, _, _| {
            stp.set_forward_delay(clock_t_to_ms(ct.into()))
        })
        .map_err(stp_errno)
    }

    /// `br_set_hello_time()`, `clock_t`.
    pub(crate) fn set_hello_time(&self, br: &Dev<'_, BridgeKind>, ct: u32) -> Result {
        self.run(br, |stp, _, _, _| {
            stp.set_hello_time(clock_t_to_ms(ct.into()))
        })
        .map_err(stp_errno)
    }

    /// `br_set_max_age()`, `clock_t`.
    pub(crate) fn set_max_age(&self, br: &Dev<'_, BridgeKind>, ct: u32) -> Result {
        self.run(br, |stp, _, _, _| stp.set_max_age(clock_t_to_ms(ct.into())))
            .map_err(stp_errno)
    }

    /// `br_stp_set_port_priority()`.
    pub(crate) fn set_port_priority(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        prio: u32,
    ) -> Result {
        self.run_port(br, port_no, |stp, ports, i, now, out| {
            stp.set_port_priority(now, ports, i, prio, out)
        })
        .unwrap_or(Err(StpError::NoPort))
        .map_err(stp_errno)
    }

    /// `br_stp_set_path_cost()`.
    pub(crate) fn set_path_cost(
        &self,
        br: &Dev<'_, BridgeKind>,
        port_no: u16,
        cost: u32,
    ) -> Result {
        self.run_port(br, port_no, |stp, ports, i, now, out| {
            stp.set_path_cost(now, ports, i, cost, out)
        })
        .unwrap_or(Err(StpError::NoPort))
        .map_err(stp_errno)
    }

    /// `br_set_port_state()`: the user sets a port's state, which only
    /// works without kernel STP (`EBUSY`) on a running port (`ENETDOWN`).
    pub(crate) fn set_port_state(
        &self,
        br: &Dev<'_, BridgeKind>,
        port: &BrPort,
        state: u8,
    ) -> Result {
        let dev = port.device();
        let usable = dev::port_usable(dev);
        self.run_port(br, port.state().port_no, |stp, ports, i, now, out| {
            let state = PortState::from_u8(state).ok_or(EINVAL)?;
            if stp.stp_enabled == StpEnabled::Kernel {
                return Err(EBUSY);
            }
            if !dev.is_running() || (!usable && state != PortState::Disabled) {
                return Err(ENETDOWN);
            }
            stp.set_port_state(now, ports, i, state, out);
            Ok(())
        })
        .unwrap_or(Err(EINVAL))
    }

    /// Port `port_no`'s spanning tree fields.
    pub(crate) fn port_view(&self, port_no: u16) -> Option<PortView> {
        let inner = self.inner.lock();
        let port = *inner.ports.iter().find(|p| p.port_no == port_no)?;
        Some(PortView {
            port,
            now: now_ms(),
        })
    }

    /// Updates a port's flags that the tree reads (BPDU guard, root block).
    pub(crate) fn set_port_guards(&self, port_no: u16, bpdu_guard: bool, root_block: bool) {
        let mut inner = self.inner.lock();
        if let Some(p) = inner.ports.iter_mut().find(|p| p.port_no == port_no) {
            p.bpdu_guard = bpdu_guard;
            p.root_block = root_block;
        }
    }

    /// The bridge-level state, and now (for its timers).
    pub(crate) fn bridge_view(&self) -> (Stp, u64) {
        (self.inner.lock().stp, now_ms())
    }

    /// The timer: runs every expired STP timer.
    pub(crate) fn tick(&self, br: &Dev<'_, BridgeKind>) {
        self.run(br, |stp, ports, now, out| stp.tick(now, ports, out));
    }
}

/// The ports whose device is running and operationally up.
fn usable_ports(br: &Dev<'_, BridgeKind>) -> KVec<u16> {
    let mut v = KVec::new();
    for p in br.state().port_list().iter() {
        if dev::port_usable(p.device()) {
            let _ = v.push(p.state().port_no, GFP_KERNEL);
        }
    }
    v
}

fn stp_errno(e: StpError) -> Error {
    Error::from_errno(-e.errno())
}

/// A frame to the bridge group address arrived on `port` with kernel STP
/// on (`br_stp_rcv()`).
pub(crate) fn receive(br: &Dev<'_, BridgeKind>, port: &BrPort, skb: &SkBuff) {
    let port_no = port.state().port_no;
    skb.with_view::<{ CONFIG_FRAME_LEN }, _>(|v| {
        br.state()
            .stp
            .run_port(br, port_no, |stp, ports, i, now, out| {
                stp.rcv(now, ports, i, v.headers, out)
            });
    });
}

/// Does what the machines asked for; `port_nos` maps their port indexes.
fn carry_out(br: &Dev<'_, BridgeKind>, port_nos: &KVec<u16>, action: Action) {
    let s = br.state();
    let port_of = |i: usize| port_nos.get(i).and_then(|n| s.port_by_no(*n));
    match action {
        Action::SendConfig {
            port,
            dst,
            src,
            bpdu,
        } => {
            let mut buf = [0u8; CONFIG_FRAME_LEN];
            if let (Some(p), Some(len)) =
                (port_of(port), build_config_frame(&mut buf, dst, src, &bpdu))
            {
                send(p.device(), buf.get(..len).unwrap_or_default());
            }
        }
        Action::SendTcn { port, dst, src } => {
            let mut buf = [0u8; CONFIG_FRAME_LEN];
            if let (Some(p), Some(len)) = (port_of(port), build_tcn_frame(&mut buf, dst, src)) {
                send(p.device(), buf.get(..len).unwrap_or_default());
            }
        }
        Action::PortState { port, state } => {
            if let Some(p) = port_of(port) {
                p.state().set_state(state);
                pr_info!(
                    "{}: port {}({}) entered {} state\n",
                    br.name_str(),
                    p.state().port_no,
                    p.device().name_str(),
                    state.name()
                );
            }
        }
        Action::Notify { port } => {
            if let Some(p) = port_of(port) {
                crate::netlink::notify_port(br, &p, false);
            }
        }
        Action::FlushPort { port } => {
            if let Some(n) = port_nos.get(port) {
                s.fdb.delete_by_port(br, *n, false);
            }
        }
        Action::MulticastEnablePort { .. } | Action::MulticastDisablePort { .. } => {}
        Action::Carrier(on) => br.set_carrier(on),
        Action::TopologyChange(on) => s.fdb.topology_change.store(on, Relaxed),
        Action::AgeingTime(t) => {
            let v = match t {
                AgeingTime::Ms(ms) => ms_to_jiffies(ms),
                AgeingTime::BridgeDefault => s.fdb.bridge_ageing_time.load(Relaxed),
            };
            s.fdb.ageing_time.store(v, Relaxed);
        }
        Action::BridgeAddr(mac) => dev::set_bridge_addr(br, mac),
        Action::Log(e) => log(br, port_nos, e),
    }
}

fn send(dev: &NetDevice, frame: &[u8]) {
    if let Some(skb) = SkBuff::from_frame(dev, frame, ETH_P_802_2) {
        skb.queue_xmit();
    }
}

fn log(br: &Dev<'_, BridgeKind>, port_nos: &KVec<u16>, e: Event) {
    let no = |i: usize| port_nos.get(i).copied().unwrap_or(0);
    match e {
        Event::TopologyChangeDetected { propagating } => pr_info!(
            "{}: topology change detected, {}\n",
            br.name_str(),
            if propagating {
                "propagating"
            } else {
                "sending tcn bpdu"
            }
        ),
        Event::NeighborLost { port, .. } => {
            pr_info!("{}: port {} neighbor lost\n", br.name_str(), no(port))
        }
        Event::TcnReceived { port } => {
            pr_info!("{}: port {} received tcn bpdu\n", br.name_str(), no(port))
        }
        Event::BpduGuard { port } => pr_notice!(
            "{}: BPDU received on blocked port {}\n",
            br.name_str(),
            no(port)
        ),
        Event::RootBlocked { port } => pr_notice!(
            "{}: port {} tried to become root port (blocked)\n",
            br.name_str(),
            no(port)
        ),
        Event::MessageAgeExceeded { .. } | Event::RootPortNotFound { .. } => {}
    }
}
