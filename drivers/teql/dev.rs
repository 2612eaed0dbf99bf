// SPDX-License-Identifier: GPL-2.0

//! The master device, as sch_teql.c's `teql_master_setup()`,
//! `teql_master_open()`, `teql_master_xmit()` and the rest of its
//! `net_device_ops`, and the equalizer that ties it to its qdisc.

use crate::glue::bindings::{ARPHRD_VOID, IFF_NOARP};
use crate::glue::device::{
    ll_max_header, DeviceSetup, HeaderLen, HeaderResolution, OwnDevice, OwnDeviceOps,
    OwnDeviceRegistration, Transmit,
};
use crate::glue::link::TxContext;
use crate::glue::netdev::{LinkStats, NetDevice};
use crate::glue::qdisc::{QdiscRegistration, QdiscRing};
use crate::glue::skb::SkBuff;
use crate::qdisc::SlaveQdisc;
use crate::rvnet_core::teql::{
    self, proc::MasterReport, LinkParams, OpenError, SlaveParams, FMASK,
};
use crate::rvnet_core::xmit::XmitOutcome;
use core::ops::ControlFlow;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The master's transmit counters (the only ones it reports).
#[derive(Default)]
struct TxCounters {
    packets: AtomicU64,
    bytes: AtomicU64,
    errors: AtomicU64,
    dropped: AtomicU64,
}

impl TxCounters {
    fn bump(counter: &AtomicU64, by: u64) {
        // Transmits of the master are serialized by its queue's lock.
        counter.store(counter.load(Relaxed).wrapping_add(by), Relaxed);
    }
}

/// A master's state (sch_teql's `teql_master` less its `Qdisc_ops`).
pub(crate) struct MasterState {
    /// The slaves' qdiscs in ring order; the head is the next to try.
    pub(crate) ring: QdiscRing<SlaveQdisc>,
    tx: TxCounters,
}

/// The master device's hooks.
pub(crate) struct Master;

/// A device's flags and MTU, for the core's rules.
pub(crate) fn link_params(dev: &NetDevice) -> LinkParams {
    LinkParams {
        flags: dev.flags(),
        mtu: dev.mtu(),
    }
}

/// Stores the flags and MTU the core's rules gave `dev` (plain field
/// writes, as sch_teql: no notification).
pub(crate) fn apply_link_params(dev: &NetDevice, p: LinkParams, mask: u32) {
    dev.store_mtu(p.mtu);
    dev.change_flags_raw(p.flags & mask, mask & !p.flags);
}

#[vtable]
impl OwnDeviceOps for Master {
    type State = MasterState;

    const SETUP: DeviceSetup = DeviceSetup {
        link_type: ARPHRD_VOID as u16,
        mtu: (1500, 68, 65535),
        tx_queue_len: 100,
        flags: IFF_NOARP,
        hard_header_len: HeaderLen::LinkLayerMax,
        keep_dst: true,
    };

    fn open(dev: OwnDevice<'_, Self>) -> Result {
        let ring = dev.state().ring.lock();
        let slaves = ring.iter().map(|q| {
            let s = q.device();
            SlaveParams {
                link: link_params(s),
                hard_header_len: s.hard_header_len(),
            }
        });
        let p = teql::open(dev.flags(), slaves, ll_max_header()).map_err(|e| match e {
            OpenError::NoSlaves => EUNATCH,
            OpenError::HeaderTooLong => EINVAL,
        })?;
        apply_link_params(&dev, p, FMASK);
        dev.start_queue();
        Ok(())
    }

    fn stop(dev: OwnDevice<'_, Self>) -> Result {
        dev.stop_queue();
        Ok(())
    }

    fn change_mtu(dev: OwnDevice<'_, Self>, mtu: u32) -> Result {
        let ring = dev.state().ring.lock();
        if !teql::mtu_fits(mtu, ring.iter().map(|q| q.device().mtu())) {
            return Err(EINVAL);
        }
        dev.store_mtu(mtu);
        Ok(())
    }

    fn get_stats64(dev: OwnDevice<'_, Self>, stats: &mut LinkStats) {
        let tx = &dev.state().tx;
        stats.tx_packets = tx.packets.load(Relaxed);
        stats.tx_bytes = tx.bytes.load(Relaxed);
        stats.tx_errors = tx.errors.load(Relaxed);
        stats.tx_dropped = tx.dropped.load(Relaxed);
    }

    #[inline]
    fn start_xmit(dev: OwnDevice<'_, Self>, skb: SkBuff, ctx: &TxContext) -> Transmit {
        xmit(dev, skb, ctx)
    }
}

/// What one walk over the slaves left to do.
struct Attempt {
    /// The packet, unless a slave or a neighbour took it.
    skb: Option<SkBuff>,
    /// A slave could not resolve its neighbour.
    nores: bool,
    /// A slave was stopped, down or busy.
    busy: bool,
}

/// `teql_master_xmit()`: round robin from the head, each slave whose root
/// qdisc is still ours and whose queue runs; a second walk with neighbour
/// resolution if a slave had none.
#[inline]
fn xmit(dev: OwnDevice<'_, Master>, skb: SkBuff, ctx: &TxContext) -> Transmit {
    let m = dev.state();
    let subq = skb.queue_mapping();
    let mut skb = skb;
    for hand_over in [false, true] {
        let mut a = Attempt {
            skb: Some(skb),
            nores: false,
            busy: false,
        };
        let walked = m
            .ring
            .walk(ctx, |q| try_slave(dev, q, subq, hand_over, &mut a));
        let Some(back) = a.skb else {
            return Transmit::Done;
        };
        skb = back;
        if walked.is_none() {
            TxCounters::bump(&m.tx.dropped, 1);
            skb.consume();
            return Transmit::Done;
        }
        if a.nores && !hand_over {
            continue;
        }
        if a.busy {
            dev.stop_queue();
            return Transmit::Busy(skb);
        }
        break;
    }
    TxCounters::bump(&m.tx.errors, 1);
    TxCounters::bump(&m.tx.dropped, 1);
    skb.consume();
    Transmit::Done
}

/// One slave's turn in [`xmit`].
#[inline]
fn try_slave(
    dev: OwnDevice<'_, Master>,
    q: &crate::glue::qdisc::Qdisc<SlaveQdisc>,
    subq: u16,
    hand_over: bool,
    a: &mut Attempt,
) -> ControlFlow<()> {
    let m = dev.state();
    let slave = q.device();
    if !q.is_attached() {
        return ControlFlow::Continue(());
    }
    if slave.tx_queue_stopped(subq) || !slave.is_running() {
        a.busy = true;
        return ControlFlow::Continue(());
    }
    let Some(skb) = a.skb.take() else {
        return ControlFlow::Break(());
    };
    let mut skb = match skb.resolve_header(slave, hand_over) {
        HeaderResolution::Ready(skb) => {
            let len = skb.pkt_len();
            match skb.xmit_direct(slave) {
                Ok(outcome) => {
                    if outcome == XmitOutcome::Sent {
                        m.ring.advance_past(q);
                        dev.wake_queue();
                        TxCounters::bump(&m.tx.packets, 1);
                        TxCounters::bump(&m.tx.bytes, u64::from(len));
                    } else {
                        TxCounters::bump(&m.tx.dropped, 1);
                    }
                    return ControlFlow::Break(());
                }
                Err(skb) => {
                    // Busy only if the master's own queue is stopped, as
                    // sch_teql.c.
                    if dev.tx_queue_stopped(0) {
                        a.busy = true;
                    }
                    skb
                }
            }
        }
        HeaderResolution::Pending => {
            m.ring.advance_past(q);
            return ControlFlow::Break(());
        }
        HeaderResolution::Failed(skb) => {
            a.nores = true;
            skb
        }
    };
    skb.back_to_network(&dev);
    a.skb = Some(skb);
    ControlFlow::Continue(())
}

/// One equalizer: a master device and the qdisc its slaves attach.
pub(crate) struct Equalizer {
    // Dropped in declaration order, as teql_exit(): the qdisc first.
    _qdisc: QdiscRegistration<SlaveQdisc>,
    dev: OwnDeviceRegistration<Master>,
}

impl Equalizer {
    /// As one round of teql_init(): a `teql%d` device, then a qdisc named
    /// after it (the name it had at load time).
    pub(crate) fn new(module: &'static ThisModule) -> Result<Equalizer> {
        let state = Arc::new(
            MasterState {
                ring: QdiscRing::new()?,
                tx: TxCounters::default(),
            },
            GFP_KERNEL,
        )?;
        let dev = OwnDeviceRegistration::<Master>::new(c"teql%d", state)?;
        let qdisc = QdiscRegistration::new(module, dev.get().name(), dev.hold()?)?;
        Ok(Equalizer { _qdisc: qdisc, dev })
    }

    /// The master.
    pub(crate) fn master(&self) -> OwnDevice<'_, Master> {
        self.dev.get()
    }

    /// What `/proc/net/teql` shows of the master's state and counters.
    pub(crate) fn report(&self) -> MasterReport {
        let dev = self.master();
        let tx = &dev.state().tx;
        MasterReport {
            up: dev.is_up(),
            mtu: dev.mtu(),
            tx_packets: tx.packets.load(Relaxed),
            tx_bytes: tx.bytes.load(Relaxed),
            tx_errors: tx.errors.load(Relaxed),
            tx_dropped: tx.dropped.load(Relaxed),
        }
    }
}
