// SPDX-License-Identifier: GPL-2.0

//! The slaves' qdisc, as sch_teql.c's `teql_qdisc_init()`,
//! `teql_enqueue()`, `teql_dequeue()` and `teql_destroy()`: attached as
//! the root qdisc of a device, it makes the device a slave of its master.

use crate::dev::{apply_link_params, link_params, Master};
use crate::glue::attr::ExtAck;
use crate::glue::device::OwnDeviceHold;
use crate::glue::qdisc::{LockedQdisc, Qdisc, QdiscOps, QdiscRing, Unlinked};
use crate::glue::skb::SkBuff;
use crate::rvnet_core::teql::{self, FMASK, IFF_MULTICAST};
use kernel::prelude::*;

/// The qdisc kind of each master (whose id is the master's name).
pub(crate) struct SlaveQdisc;

#[vtable]
impl QdiscOps for SlaveQdisc {
    /// The master the qdisc belongs to.
    type Shared = OwnDeviceHold<Master>;

    fn ring(shared: &OwnDeviceHold<Master>) -> &QdiscRing<Self> {
        &shared.get().state().ring
    }

    fn init(sch: &Qdisc<Self>, shared: &OwnDeviceHold<Master>, extack: &ExtAck) -> Result {
        let master = shared.get();
        let dev = sch.device();
        if dev.hard_header_len() > master.hard_header_len() {
            return Err(EINVAL);
        }
        if dev.ptr_eq(&master) {
            return Err(ELOOP);
        }
        if !sch.is_root() {
            return Err(extack.fail(EOPNOTSUPP, c"sch_teql: teql can only be used as root"));
        }
        let mut ring = master.state().ring.lock_with_room()?;
        let first = ring.is_empty();
        let p = teql::join(link_params(&master), link_params(dev), first).map_err(|_| EINVAL)?;
        ring.insert_after_head(sch, shared)?;
        apply_link_params(&master, p, FMASK | IFF_MULTICAST);
        Ok(())
    }

    fn enqueue(
        sch: &LockedQdisc<'_, Self>,
        _shared: &OwnDeviceHold<Master>,
        skb: SkBuff,
    ) -> Result<(), SkBuff> {
        if sch.queue_len() < sch.device().tx_queue_len() {
            sch.push(skb);
            Ok(())
        } else {
            Err(skb)
        }
    }

    fn dequeue(sch: &LockedQdisc<'_, Self>, shared: &OwnDeviceHold<Master>) -> Option<SkBuff> {
        let master = shared.get();
        let skb = sch.pop();
        let (attached, master_qlen) = sch.root_qdisc_of(&master);
        if skb.is_none() && attached {
            // The slave ran dry: it goes next, and the master may send.
            master.state().ring.set_head(sch);
            master.wake_queue();
        }
        sch.set_qlen(sch.queue_len() + master_qlen);
        skb
    }

    fn destroy(_sch: &Qdisc<Self>, shared: &OwnDeviceHold<Master>, unlinked: Unlinked) {
        if unlinked == Unlinked::Emptied {
            // The last slave left: what waits on the master has nowhere
            // to go.
            shared.get().reset_root_queue();
        }
    }
}
