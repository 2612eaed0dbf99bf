// SPDX-License-Identifier: GPL-2.0

//! The VLAN side of a lower device: its table of VLAN devices by protocol
//! and id, and the receive handler that hands tagged frames to them.

use crate::glue::lazy::LazyBox;
use crate::glue::link::Dev;
use crate::glue::netdev::NetDevice;
use crate::glue::rx::{self, DeviceSlot, RxContext, RxHandler, RxResult};
use crate::glue::skb::{SkBuff, PACKET_HOST, PACKET_MULTICAST, PACKET_OTHERHOST};
use crate::netlink::VlanKind;
use crate::rvnet_core::vlan::{Tci, VlanProto, VLAN_FLAG_REORDER_HDR, VLAN_N_VID};
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::prelude::*;
use kernel::sync::Arc;

/// VLAN ids per lazily allocated part of the table (as 8021q's groups).
const PART_LEN: usize = 64;
const PARTS: usize = VLAN_N_VID / PART_LEN;

type Part = [DeviceSlot<VlanKind>; PART_LEN];

/// The VLANs of one lower device. Installed as the lower's rx_handler data
/// when its first VLAN is created, removed with its last.
pub(crate) struct VlanPort {
    parts: [[LazyBox<Part>; PARTS]; 2],
    count: AtomicUsize,
}

impl VlanPort {
    fn new() -> VlanPort {
        VlanPort {
            parts: core::array::from_fn(|_| core::array::from_fn(|_| LazyBox::default())),
            count: AtomicUsize::new(0),
        }
    }

    /// The port of `lower`, if it has VLANs. RTNL.
    pub(crate) fn of(lower: &NetDevice) -> Option<Arc<VlanPort>> {
        rx::find::<VlanPort>(lower)
    }

    /// The port of `lower`, created (and its receive handler installed)
    /// if needed. RTNL.
    pub(crate) fn get_or_create(lower: &NetDevice) -> Result<Arc<VlanPort>> {
        match VlanPort::of(lower) {
            Some(p) => Ok(p),
            None => rx::install(lower, VlanPort::new()),
        }
    }

    /// Removes the port of `lower` if it has no VLAN left. RTNL.
    pub(crate) fn release_if_unused(lower: &NetDevice) {
        if VlanPort::of(lower).is_some_and(|p| p.count.load(Ordering::Relaxed) == 0) {
            rx::uninstall::<VlanPort>(lower);
        }
    }

    fn part(&self, proto: VlanProto, vid: u16) -> Option<&Part> {
        self.parts[proto.index()][vid as usize / PART_LEN].get()
    }

    fn slot(&self, proto: VlanProto, vid: u16) -> Option<&DeviceSlot<VlanKind>> {
        self.part(proto, vid)
            .map(|part| &part[vid as usize % PART_LEN])
    }

    /// Makes sure the slot of (`proto`, `vid`) exists. RTNL.
    pub(crate) fn reserve(&self, proto: VlanProto, vid: u16) -> Result {
        self.parts[proto.index()][vid as usize / PART_LEN].get_or_try_init(|| {
            Ok(KBox::new(
                core::array::from_fn(|_| DeviceSlot::default()),
                GFP_KERNEL,
            )?)
        })?;
        Ok(())
    }

    /// The VLAN device of (`proto`, `vid`), under RTNL.
    pub(crate) fn device(&self, proto: VlanProto, vid: u16) -> Option<Dev<'_, VlanKind>> {
        self.slot(proto, vid)?.get_rtnl()
    }

    /// Publishes `dev` as the VLAN (`proto`, `vid`); the slot must have been
    /// reserved. RTNL.
    pub(crate) fn attach(&self, proto: VlanProto, vid: u16, dev: Dev<'_, VlanKind>) {
        if let Some(slot) = self.slot(proto, vid) {
            slot.set(Some(dev));
            self.count.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Withdraws the VLAN (`proto`, `vid`). RTNL.
    pub(crate) fn detach(&self, proto: VlanProto, vid: u16) {
        if let Some(slot) = self.slot(proto, vid) {
            if slot.get_rtnl().is_some() {
                slot.set(None);
                self.count.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    /// Calls `f` on every VLAN device of the port, under RTNL.
    pub(crate) fn for_each(&self, mut f: impl FnMut(Dev<'_, VlanKind>)) {
        for proto in [VlanProto::Dot1Q, VlanProto::Dot1AD] {
            for part in self.parts[proto.index()].iter().filter_map(LazyBox::get) {
                part.iter()
                    .filter_map(DeviceSlot::get_rtnl)
                    .for_each(&mut f);
            }
        }
    }
}

impl RxHandler for VlanPort {
    /// `vlan_do_receive()`: hands a tagged frame to its VLAN device.
    fn receive(&self, skb: SkBuff, ctx: &RxContext) -> RxResult {
        let Some((tpid, tci)) = skb.vlan_tag() else {
            return RxResult::Pass(skb);
        };
        let Ok(proto) = VlanProto::from_ethertype(tpid) else {
            return RxResult::Pass(skb);
        };
        let tci = Tci(tci);
        let Some(vlan) = self.slot(proto, tci.vid()).and_then(|s| s.get(ctx)) else {
            // Not ours: the stack marks it PACKET_OTHERHOST and drops it.
            return RxResult::Pass(skb);
        };
        let Some(mut skb) = skb.unshare() else {
            return RxResult::Consumed;
        };
        if !vlan.is_up() {
            drop(skb);
            return RxResult::Consumed;
        }
        skb.set_dev(&vlan);
        if skb.pkt_type() == PACKET_OTHERHOST && skb.eth_dest() == vlan.mac() {
            // The lower thought it was not local: the VLAN may have its own
            // address.
            skb.set_pkt_type(PACKET_HOST);
        }
        let state = vlan.state();
        if state.flags() & VLAN_FLAG_REORDER_HDR == 0 && !vlan.is_macvlan_or_bridge_port() {
            skb = match skb.reinsert_vlan_tag() {
                Some(s) => s,
                None => return RxResult::Consumed,
            };
        }
        skb.set_priority(state.ingress_priority(tci));
        skb.clear_vlan_tag();
        vlan.count_rx(skb.len());
        if skb.pkt_type() == PACKET_MULTICAST {
            vlan.count_rx_multicast();
        }
        RxResult::Another(skb)
    }
}

#[kunit_tests(rvnet_vlan_port)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_allocated_on_demand() -> Result {
        let port = VlanPort::new();
        assert!(port.slot(VlanProto::Dot1Q, 100).is_none());
        port.reserve(VlanProto::Dot1Q, 100)?;
        // The whole part of 64 ids around 100 exists now, for 802.1Q only.
        assert!(port.slot(VlanProto::Dot1Q, 64).is_some());
        assert!(port.slot(VlanProto::Dot1Q, 127).is_some());
        assert!(port.slot(VlanProto::Dot1Q, 128).is_none());
        assert!(port.slot(VlanProto::Dot1AD, 100).is_none());
        port.reserve(VlanProto::Dot1AD, 4094)?;
        assert!(port.device(VlanProto::Dot1AD, 4094).is_none());
        let mut n = 0;
        port.for_each(|_| n += 1);
        assert_eq!(n, 0);
        // Detaching an empty slot does not underflow the count.
        port.detach(VlanProto::Dot1Q, 100);
        assert_eq!(port.count.load(Ordering::Relaxed), 0);
        Ok(())
    }
}
