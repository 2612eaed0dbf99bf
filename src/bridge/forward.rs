// SPDX-License-Identifier: GPL-2.0

//! Forwarding decisions (`br_input.c`, `br_forward.c`): what a port does
//! with a frame it receives, and which ports a frame may leave by.

use super::super::ether::MacAddr;
use super::options::port_flags::{BCAST_FLOOD, FLOOD, HAIRPIN, ISOLATED, MCAST_FLOOD};
use super::stp::PortState;

/// The kind of destination (`enum br_pkt_type`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PktType {
    /// A single station.
    Unicast,
    /// A group other than broadcast.
    Multicast,
    /// ff:ff:ff:ff:ff:ff.
    Broadcast,
}

impl PktType {
    /// Classifies `dst`.
    pub fn of(dst: MacAddr) -> PktType {
        if dst.0 == [0xff; 6] {
            PktType::Broadcast
        } else if dst.is_multicast() {
            PktType::Multicast
        } else {
            PktType::Unicast
        }
    }
}

/// Whether `addr` is an IEEE 802.1D reserved address, 01:80:C2:00:00:0X
/// (`is_link_local_ether_addr()`).
pub fn is_link_local(addr: MacAddr) -> bool {
    addr.0[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && addr.0[5] & 0xf0 == 0
}

/// What a port does with a frame on arrival (`br_handle_frame()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ingress {
    /// Drop it (invalid source, 802.3x pause, port not learning or
    /// forwarding).
    Drop,
    /// A link-local frame for the host: learn its source (if the port and
    /// the bridge learn from link-local frames), then let the stack have it
    /// on the port itself. BPDUs take this way to the spanning tree.
    Host,
    /// Bridge it: learn, then forward (`br_handle_frame_finish()`).
    Bridge,
}

/// The bridge's settings [`ingress`] reads.
#[derive(Clone, Copy, Debug)]
pub struct IngressConfig {
    /// Whether the kernel's spanning tree runs (`stp_state` 1).
    pub stp_on: bool,
    /// The bridge's `group_fwd_mask`.
    pub group_fwd_mask: u16,
}

/// Decides what a port in `state` with link-local forward mask
/// `port_fwd_mask` does with a frame from `src` to `dst`.
pub fn ingress(
    cfg: IngressConfig,
    port_fwd_mask: u16,
    state: PortState,
    src: MacAddr,
    dst: MacAddr,
) -> Ingress {
    if !src.is_valid_unicast() {
        return Ingress::Drop;
    }
    if is_link_local(dst) {
        let bit = 1u16 << (dst.0[5] & 0x0f);
        let forward = match dst.0[5] {
            // Without STP, BPDUs are forwarded to keep loop detection.
            0x00 => !cfg.stp_on || port_fwd_mask & bit != 0,
            // IEEE MAC control (pause) never crosses a bridge.
            0x01 => return Ingress::Drop,
            _ => (port_fwd_mask | cfg.group_fwd_mask) & bit != 0,
        };
        if !forward {
            return Ingress::Host;
        }
    }
    match state {
        PortState::Forwarding | PortState::Learning => Ingress::Bridge,
        _ => Ingress::Drop,
    }
}

/// Whether a port in `state` with `flags` learns source addresses
/// (`BR_LEARNING` and `nbp_state_should_learn()`).
pub fn learns(state: PortState, flags: u32) -> bool {
    flags & super::options::port_flags::LEARNING != 0
        && matches!(state, PortState::Learning | PortState::Forwarding)
}

/// Where a bridged frame goes after learning (`br_handle_frame_finish()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Delivery {
    /// Also pass it up the bridge device.
    pub local: bool,
    /// Look its destination up in the FDB (unicast); else flood it.
    pub lookup: bool,
}

/// Decides the delivery of a frame to `dst` arriving on a port in `state`,
/// with the bridge device promiscuous or not; `None`: drop (a learning
/// port only learns).
pub fn delivery(state: PortState, dst: MacAddr, bridge_promisc: bool) -> Option<Delivery> {
    if state == PortState::Learning {
        return None;
    }
    Some(match PktType::of(dst) {
        // Without multicast snooping every group frame is also the host's.
        PktType::Broadcast | PktType::Multicast => Delivery {
            local: true,
            lookup: false,
        },
        PktType::Unicast => Delivery {
            local: bridge_promisc,
            lookup: true,
        },
    })
}

/// A port as [`should_deliver`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct Egress {
    /// Its state.
    pub state: PortState,
    /// Its `port_flags`.
    pub flags: u32,
    /// Whether the frame came in through it.
    pub is_ingress: bool,
}

/// Whether a frame may leave by port `to` (`should_deliver()`); `from_isolated`:
/// it came in through an isolated port.
pub fn should_deliver(to: Egress, from_isolated: bool) -> bool {
    (to.flags & HAIRPIN != 0 || !to.is_ingress)
        && to.state == PortState::Forwarding
        && !(from_isolated && to.flags & ISOLATED != 0)
}

/// Whether a flood of `pkt` reaches a port with `flags` (`br_flood()`);
/// `from_bridge`: the bridge device itself sends it, which ignores the
/// multicast and broadcast flood flags.
pub fn floods_to(pkt: PktType, flags: u32, from_bridge: bool) -> bool {
    match pkt {
        PktType::Unicast => flags & FLOOD != 0,
        PktType::Multicast => flags & MCAST_FLOOD != 0 || from_bridge,
        PktType::Broadcast => flags & BCAST_FLOOD != 0 || from_bridge,
    }
}

#[cfg(test)]
mod tests {
    use super::super::options::port_flags::DEFAULT;
    use super::*;
    use proptest::prelude::*;

    const HOST: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);
    const STP_OFF: IngressConfig = IngressConfig {
        stp_on: false,
        group_fwd_mask: 0,
    };
    const STP_ON: IngressConfig = IngressConfig {
        stp_on: true,
        group_fwd_mask: 0,
    };

    fn ll(x: u8) -> MacAddr {
        MacAddr([0x01, 0x80, 0xc2, 0, 0, x])
    }

    #[test]
    fn link_local_addresses() {
        assert!(is_link_local(ll(0)) && is_link_local(ll(0x0f)));
        assert!(!is_link_local(ll(0x10)));
        assert!(!is_link_local(MacAddr([0x01, 0x80, 0xc2, 0, 1, 0])));
    }

    #[test]
    fn bpdus_follow_the_stp_state() {
        let fwd = PortState::Forwarding;
        assert_eq!(ingress(STP_OFF, 0, fwd, HOST, ll(0)), Ingress::Bridge);
        assert_eq!(ingress(STP_ON, 0, fwd, HOST, ll(0)), Ingress::Host);
        // A blocking port still hands BPDUs to the host.
        assert_eq!(
            ingress(STP_ON, 0, PortState::Blocking, HOST, ll(0)),
            Ingress::Host
        );
        // The port's mask forwards them even with STP; the bridge's cannot.
        assert_eq!(ingress(STP_ON, 1, fwd, HOST, ll(0)), Ingress::Bridge);
        let cfg = IngressConfig {
            group_fwd_mask: 1,
            ..STP_ON
        };
        assert_eq!(ingress(cfg, 0, fwd, HOST, ll(0)), Ingress::Host);
    }

    #[test]
    fn group_fwd_mask_selects_link_local_frames() {
        let fwd = PortState::Forwarding;
        assert_eq!(ingress(STP_OFF, 0, fwd, HOST, ll(0x0e)), Ingress::Host);
        let cfg = IngressConfig {
            group_fwd_mask: 1 << 0x0e,
            ..STP_OFF
        };
        assert_eq!(ingress(cfg, 0, fwd, HOST, ll(0x0e)), Ingress::Bridge);
        assert_eq!(ingress(cfg, 0, fwd, HOST, ll(0x01)), Ingress::Drop);
        assert_eq!(ingress(cfg, 0, fwd, HOST, ll(0x03)), Ingress::Host);
    }

    #[test]
    fn port_states_gate_bridging() {
        let dst = MacAddr([2, 0, 0, 0, 0, 2]);
        for (state, want) in [
            (PortState::Disabled, Ingress::Drop),
            (PortState::Listening, Ingress::Drop),
            (PortState::Blocking, Ingress::Drop),
            (PortState::Learning, Ingress::Bridge),
            (PortState::Forwarding, Ingress::Bridge),
        ] {
            assert_eq!(ingress(STP_ON, 0, state, HOST, dst), want);
        }
        assert_eq!(delivery(PortState::Learning, dst, false), None);
        assert_eq!(
            ingress(STP_OFF, 0, PortState::Forwarding, MacAddr::ZERO, dst),
            Ingress::Drop
        );
    }

    #[test]
    fn group_frames_are_also_local() {
        let f = PortState::Forwarding;
        let d = delivery(f, MacAddr([0xff; 6]), false).unwrap();
        assert!(d.local && !d.lookup);
        let d = delivery(f, MacAddr([0x01, 0, 0x5e, 0, 0, 1]), false).unwrap();
        assert!(d.local && !d.lookup);
        let d = delivery(f, HOST, false).unwrap();
        assert!(!d.local && d.lookup);
        assert!(delivery(f, HOST, true).unwrap().local);
    }

    #[test]
    fn flood_flags() {
        assert!(floods_to(PktType::Unicast, DEFAULT, false));
        assert!(!floods_to(PktType::Unicast, DEFAULT & !FLOOD, true));
        assert!(!floods_to(
            PktType::Multicast,
            DEFAULT & !MCAST_FLOOD,
            false
        ));
        assert!(floods_to(PktType::Multicast, DEFAULT & !MCAST_FLOOD, true));
        assert!(!floods_to(PktType::Broadcast, 0, false));
        assert!(floods_to(PktType::Broadcast, 0, true));
    }

    proptest! {
        /// A frame never goes back where it came from (without hairpin),
        /// never leaves a non-forwarding port, and never passes between
        /// two isolated ports.
        #[test]
        fn delivery_rules(state in 0u8..5, flags in any::<u32>(), ingress_port: bool, isolated: bool) {
            let state = PortState::from_u8(state).unwrap();
            let ok = should_deliver(Egress { state, flags, is_ingress: ingress_port }, isolated);
            if ok {
                prop_assert_eq!(state, PortState::Forwarding);
                prop_assert!(!ingress_port || flags & HAIRPIN != 0);
                prop_assert!(!(isolated && flags & ISOLATED != 0));
            } else {
                prop_assert!(state != PortState::Forwarding
                    || (ingress_port && flags & HAIRPIN == 0)
                    || (isolated && flags & ISOLATED != 0));
            }
        }

        /// Any source that is not a valid unicast address is dropped, and
        /// nothing but forwarding/learning ports bridge.
        #[test]
        fn ingress_rules(src: [u8; 6], dst: [u8; 6], state in 0u8..5, stp_on: bool, mask: u16) {
            let state = PortState::from_u8(state).unwrap();
            let cfg = IngressConfig { stp_on, group_fwd_mask: mask };
            let r = ingress(cfg, 0, state, MacAddr(src), MacAddr(dst));
            if !MacAddr(src).is_valid_unicast() {
                prop_assert_eq!(r, Ingress::Drop);
            }
            if r == Ingress::Bridge {
                prop_assert!(matches!(state, PortState::Forwarding | PortState::Learning));
            }
        }
    }
}
