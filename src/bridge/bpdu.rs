// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.1D bridge protocol data units as bridge.ko sends and receives
//! them (`net/bridge/br_stp_bpdu.c`, with the LLC and Ethernet framing of
//! `net/llc` and `net/802/stp.c`).
//!
//! # Frames
//!
//! bridge.ko sends an IEEE 802.3 frame (C: `br_send_bpdu()`):
//!
//! ```text
//! dst (6) = br->group_addr      src (6) = the port device's address
//! length (2) = LLC header + BPDU = 38 (config) or 7 (TCN)
//! DSAP 0x42  SSAP 0x42  control 0x03 (UI)
//! BPDU: 35 bytes (config) or 4 bytes (TCN)
//! ```
//!
//! That is 52 bytes for a configuration BPDU and 21 bytes for a TCN. The
//! bridge does not pad them: `llc_mac_hdr_init()` only pushes the Ethernet
//! header, and padding to the 60-byte minimum, if any, is the lower
//! device's driver's business (veth, for one, sends 52 and 21 bytes). The
//! builders here produce exactly the unpadded bytes bridge.ko hands to
//! `dev_queue_xmit()`.
//!
//! # Time fields
//!
//! Time values are milliseconds here; on the wire they are 1/256 s. The
//! conversions are the C's `br_set_ticks()` / `br_get_ticks()` with
//! jiffies read as milliseconds (`HZ` = 1000):
//!
//! * sending: `ticks = (256 * ms) / 1000` rounded down, truncated to 16 bits
//!   (`put_unaligned_be16`);
//! * receiving: `ms = DIV_ROUND_UP(ticks * 1000, 256)`.
//!
//! For every time a bridge.ko with `HZ` of 1000 or 250 can hold (a whole
//! number of jiffies), the sent bytes are the same as the C's. A received
//! value may come out up to 3 ms shorter than a `HZ`=250 kernel would round
//! it (it rounds up to whole 4 ms jiffies).
//!
//! # Receiving
//!
//! [`parse`] takes the whole frame from the Ethernet header on (the skb at
//! its MAC header, VLAN tag already removed) and applies every check on the
//! way from `eth_type_trans()` through `llc_rcv()`, `stp_pdu_rcv()` and the
//! first, bridge-independent part of `br_stp_rcv()`. The bridge-dependent
//! rest (STP on, bridge up, port not disabled, destination is the group
//! address, BPDU guard, `message_age > max_age`) is in
//! [`super::stp::Stp::rcv`].

use super::super::ether::{MacAddr, ETH_ALEN};
use super::stp::BridgeId;

/// The default bridge group address, destination of BPDUs
/// (C: `eth_stp_addr`, the default `br->group_addr`).
pub const STP_GROUP_ADDR: MacAddr = MacAddr([0x01, 0x80, 0xC2, 0x00, 0x00, 0x00]);
/// LLC SAP of the spanning tree protocol (`LLC_SAP_BSPAN`).
pub const LLC_SAP_BSPAN: u8 = 0x42;
/// LLC control byte of an unnumbered information command
/// (`LLC_PDU_TYPE_U` | `LLC_1_PDU_CMD_UI`).
pub const LLC_CTRL_UI: u8 = 0x03;
/// Length of the LLC header of a BPDU (`sizeof(struct llc_pdu_un)`).
pub const LLC_HLEN: usize = 3;
/// Length of an Ethernet header.
pub const ETH_HLEN: usize = 14;
/// BPDU type of a configuration BPDU (`BPDU_TYPE_CONFIG`).
pub const BPDU_TYPE_CONFIG: u8 = 0;
/// BPDU type of a topology change notification (`BPDU_TYPE_TCN`).
pub const BPDU_TYPE_TCN: u8 = 0x80;
/// Length of a configuration BPDU (the C's `buf[35]`).
pub const CONFIG_BPDU_LEN: usize = 35;
/// Length of a TCN BPDU (the C's `buf[4]`).
pub const TCN_BPDU_LEN: usize = 4;
/// Length of a whole configuration BPDU frame as bridge.ko sends it (52).
pub const CONFIG_FRAME_LEN: usize = ETH_HLEN + LLC_HLEN + CONFIG_BPDU_LEN;
/// Length of a whole TCN frame as bridge.ko sends it (21).
pub const TCN_FRAME_LEN: usize = ETH_HLEN + LLC_HLEN + TCN_BPDU_LEN;
/// Smallest EtherType; smaller values of the type field are 802.3 lengths
/// (`ETH_P_802_3_MIN`).
pub const ETH_P_802_3_MIN: u16 = 0x0600;

/// Ticks per second of the BPDU time fields (`STP_HZ`).
const STP_HZ: u64 = 256;
/// Milliseconds per second: the `HZ` the conversions are done with.
const MS_HZ: u64 = 1000;

/// A configuration BPDU (C: `struct br_config_bpdu`), times in
/// milliseconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ConfigBpdu {
    /// Topology change flag (flags bit 0x01).
    pub topology_change: bool,
    /// Topology change acknowledgement flag (flags bit 0x80).
    pub topology_change_ack: bool,
    /// Root bridge identifier.
    pub root: BridgeId,
    /// Root path cost.
    pub root_path_cost: u32,
    /// Identifier of the sending bridge.
    pub bridge_id: BridgeId,
    /// Identifier of the sending port.
    pub port_id: u16,
    /// Message age, in milliseconds.
    pub message_age: u64,
    /// Max age, in milliseconds.
    pub max_age: u64,
    /// Hello time, in milliseconds.
    pub hello_time: u64,
    /// Forward delay, in milliseconds.
    pub forward_delay: u64,
}

/// A received BPDU.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bpdu {
    /// A configuration BPDU.
    Config(ConfigBpdu),
    /// A topology change notification.
    Tcn,
    /// Protocol identifier and version are 0 but the type is neither
    /// config nor TCN, or a config BPDU is shorter than 35 bytes.
    /// bridge.ko ignores it, but only after applying BPDU guard to it.
    Other,
}

/// A BPDU frame that passed the bridge-independent receive checks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RxBpdu {
    /// The frame's destination address (checked against the bridge's group
    /// address by [`super::stp::Stp::rcv`]).
    pub dst: MacAddr,
    /// The frame's source address.
    pub src: MacAddr,
    /// The BPDU.
    pub bpdu: Bpdu,
}

/// Converts a time in milliseconds to 1/256 s units for the wire
/// (C: `br_set_ticks()`, with `HZ` = 1000).
pub fn ms_to_ticks(ms: u64) -> u16 {
    // put_unaligned_be16() keeps the low 16 bits.
    (STP_HZ.wrapping_mul(ms) / MS_HZ) as u16
}

/// Converts a wire time in 1/256 s units to milliseconds, rounding up
/// (C: `br_get_ticks()`, with `HZ` = 1000).
pub fn ticks_to_ms(ticks: u16) -> u64 {
    (u64::from(ticks) * MS_HZ).div_ceil(STP_HZ)
}

fn put_header(buf: &mut [u8], dst: MacAddr, src: MacAddr, bpdu_len: usize) -> Option<()> {
    let hdr: &mut [u8; ETH_HLEN + LLC_HLEN] =
        buf.get_mut(..ETH_HLEN + LLC_HLEN)?.try_into().ok()?;
    hdr[..ETH_ALEN].copy_from_slice(&dst.0);
    hdr[ETH_ALEN..2 * ETH_ALEN].copy_from_slice(&src.0);
    // eth_header() with type ETH_P_802_2 stores the length of the skb
    // (LLC header + BPDU).
    let len = (LLC_HLEN + bpdu_len) as u16;
    hdr[12..14].copy_from_slice(&len.to_be_bytes());
    // llc_pdu_header_init(skb, LLC_PDU_TYPE_U, LLC_SAP_BSPAN, LLC_SAP_BSPAN,
    // LLC_PDU_CMD) and llc_pdu_init_as_ui_cmd().
    hdr[14] = LLC_SAP_BSPAN;
    hdr[15] = LLC_SAP_BSPAN;
    hdr[16] = LLC_CTRL_UI;
    Some(())
}

/// Writes the 35 bytes of a configuration BPDU (C: the `buf` of
/// `br_send_config_bpdu()`) into `out`, which must be that long.
fn put_config(out: &mut [u8; CONFIG_BPDU_LEN], bpdu: &ConfigBpdu) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = BPDU_TYPE_CONFIG;
    out[4] = (if bpdu.topology_change { 0x01 } else { 0 })
        | (if bpdu.topology_change_ack { 0x80 } else { 0 });
    out[5..13].copy_from_slice(&bpdu.root.0);
    out[13..17].copy_from_slice(&bpdu.root_path_cost.to_be_bytes());
    out[17..25].copy_from_slice(&bpdu.bridge_id.0);
    out[25..27].copy_from_slice(&bpdu.port_id.to_be_bytes());
    out[27..29].copy_from_slice(&ms_to_ticks(bpdu.message_age).to_be_bytes());
    out[29..31].copy_from_slice(&ms_to_ticks(bpdu.max_age).to_be_bytes());
    out[31..33].copy_from_slice(&ms_to_ticks(bpdu.hello_time).to_be_bytes());
    out[33..35].copy_from_slice(&ms_to_ticks(bpdu.forward_delay).to_be_bytes());
}

/// Builds the configuration BPDU frame bridge.ko sends (C:
/// `br_send_config_bpdu()` + `br_send_bpdu()`) into `buf`: destination
/// `dst` (the bridge's group address, [`STP_GROUP_ADDR`] by default), source
/// `src` (the port device's address). Returns the frame length,
/// [`CONFIG_FRAME_LEN`], or `None` if `buf` is shorter than that.
pub fn build_config_frame(
    buf: &mut [u8],
    dst: MacAddr,
    src: MacAddr,
    bpdu: &ConfigBpdu,
) -> Option<usize> {
    let frame = buf.get_mut(..CONFIG_FRAME_LEN)?;
    put_header(frame, dst, src, CONFIG_BPDU_LEN)?;
    let body: &mut [u8; CONFIG_BPDU_LEN] = frame.get_mut(ETH_HLEN + LLC_HLEN..)?.try_into().ok()?;
    put_config(body, bpdu);
    Some(CONFIG_FRAME_LEN)
}

/// Builds the TCN BPDU frame bridge.ko sends (C: `br_send_tcn_bpdu()` +
/// `br_send_bpdu()`) into `buf`. Returns the frame length,
/// [`TCN_FRAME_LEN`], or `None` if `buf` is shorter than that.
pub fn build_tcn_frame(buf: &mut [u8], dst: MacAddr, src: MacAddr) -> Option<usize> {
    let frame = buf.get_mut(..TCN_FRAME_LEN)?;
    put_header(frame, dst, src, TCN_BPDU_LEN)?;
    frame
        .get_mut(ETH_HLEN + LLC_HLEN..)?
        .copy_from_slice(&[0, 0, 0, BPDU_TYPE_TCN]);
    Some(TCN_FRAME_LEN)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn bridge_id_at(b: &[u8], at: usize) -> Option<BridgeId> {
    Some(BridgeId(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses the BPDU part (after the LLC header, already trimmed to the
/// 802.3 length) as `br_stp_rcv()` does, up to its bridge-dependent checks.
pub fn parse_bpdu(data: &[u8]) -> Option<Bpdu> {
    // pskb_may_pull(skb, 4); protocol identifier and version must be 0.
    let [proto_hi, proto_lo, version, bpdu_type]: [u8; 4] = data.get(..4)?.try_into().ok()?;
    if proto_hi != 0 || proto_lo != 0 || version != 0 {
        return None;
    }
    match bpdu_type {
        BPDU_TYPE_CONFIG => {
            // skb_pull(skb, 3); pskb_may_pull(skb, 32)
            let Some(buf) = data.get(3..CONFIG_BPDU_LEN) else {
                return Some(Bpdu::Other);
            };
            let u32_at = |at: usize| -> Option<u32> {
                Some(u32::from_be_bytes(buf.get(at..at + 4)?.try_into().ok()?))
            };
            let flags = *buf.get(1)?;
            Some(Bpdu::Config(ConfigBpdu {
                topology_change: flags & 0x01 != 0,
                topology_change_ack: flags & 0x80 != 0,
                root: bridge_id_at(buf, 2)?,
                root_path_cost: u32_at(10)?,
                bridge_id: bridge_id_at(buf, 14)?,
                port_id: be16(buf, 22)?,
                message_age: ticks_to_ms(be16(buf, 24)?),
                max_age: ticks_to_ms(be16(buf, 26)?),
                hello_time: ticks_to_ms(be16(buf, 28)?),
                forward_delay: ticks_to_ms(be16(buf, 30)?),
            }))
        }
        BPDU_TYPE_TCN => Some(Bpdu::Tcn),
        _ => Some(Bpdu::Other),
    }
}

/// Parses a whole received frame (from the Ethernet header on) the way the
/// kernel's receive path hands it to `br_stp_rcv()`:
///
/// * `eth_type_trans()`: the type field is an 802.3 length (below
///   0x0600), so the frame goes to `llc_rcv()`;
/// * `llc_fixup_skb()`: a 3-byte LLC header (unnumbered control), the
///   length field at least 3 and not beyond the frame; the payload is
///   trimmed to the length field (so padding is ignored);
/// * `stp_pdu_rcv()`: DSAP and SSAP 0x42, control 0x03, and the destination
///   not one of the GARP addresses 01:80:c2:00:00:20..2f;
/// * `br_stp_rcv()`: at least 4 bytes, protocol identifier 0, version 0;
///   type config (35 bytes needed) or TCN, anything else is
///   [`Bpdu::Other`].
///
/// Returns `None` for every frame the kernel drops before the bridge looks
/// at it. Never panics.
pub fn parse(frame: &[u8]) -> Option<RxBpdu> {
    let dst = MacAddr::from_slice(frame)?;
    let src = MacAddr::from_slice(frame.get(ETH_ALEN..)?)?;
    let len = be16(frame, 12)?;
    if len >= ETH_P_802_3_MIN {
        return None;
    }
    let payload = frame.get(ETH_HLEN..)?;
    // llc_fixup_skb(): pskb_may_pull(skb, sizeof(struct llc_pdu_un))
    let [dsap, ssap, ctrl]: [u8; LLC_HLEN] = payload.get(..LLC_HLEN)?.try_into().ok()?;
    // An unnumbered control field makes a 3-byte header; anything else is
    // 4 bytes and fails the control check of stp_pdu_rcv() below anyway.
    if ctrl != LLC_CTRL_UI || dsap != LLC_SAP_BSPAN || ssap != LLC_SAP_BSPAN {
        return None;
    }
    let data_size = usize::from(len).checked_sub(LLC_HLEN)?;
    let data = payload.get(LLC_HLEN..LLC_HLEN.checked_add(data_size)?)?;
    // stp_pdu_rcv(): GARP destinations go to the GARP applications.
    if let Some(&last) = dst.0.get(5) {
        if (0x20..=0x2f).contains(&last) {
            return None;
        }
    }
    let bpdu = parse_bpdu(data)?;
    Some(RxBpdu { dst, src, bpdu })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SRC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0x01]);

    fn sample() -> ConfigBpdu {
        let id = BridgeId::new(0x8000, SRC);
        ConfigBpdu {
            topology_change: false,
            topology_change_ack: false,
            root: id,
            root_path_cost: 0,
            bridge_id: id,
            port_id: 0x8001,
            message_age: 0,
            max_age: 20_000,
            hello_time: 2_000,
            forward_delay: 15_000,
        }
    }

    #[test]
    fn config_frame_bytes() {
        let mut buf = [0u8; 64];
        assert_eq!(
            build_config_frame(&mut buf, STP_GROUP_ADDR, SRC, &sample()),
            Some(52)
        );
        #[rustfmt::skip]
        let want: [u8; 52] = [
            0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, // dst
            0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // src
            0x00, 0x26,                         // length 38
            0x42, 0x42, 0x03,                   // LLC
            0x00, 0x00, 0x00, 0x00,             // proto, version, type
            0x00,                               // flags
            0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // root
            0x00, 0x00, 0x00, 0x00,             // cost
            0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // bridge
            0x80, 0x01,                         // port
            0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00, // times
        ];
        assert_eq!(&buf[..52], &want[..]);
        let rx = parse(&want).unwrap();
        assert_eq!(rx.dst, STP_GROUP_ADDR);
        assert_eq!(rx.src, SRC);
        assert_eq!(rx.bpdu, Bpdu::Config(sample()));
    }

    #[test]
    fn config_flags_and_fields() {
        let mut b = sample();
        b.topology_change = true;
        b.topology_change_ack = true;
        b.root_path_cost = 0x0102_0304;
        b.message_age = 4; // MESSAGE_AGE_INCR: one tick
        b.bridge_id = BridgeId::new(0x1234, MacAddr([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]));
        let mut buf = [0u8; CONFIG_FRAME_LEN];
        assert_eq!(
            build_config_frame(&mut buf, STP_GROUP_ADDR, SRC, &b),
            Some(52)
        );
        assert_eq!(buf[21], 0x81);
        assert_eq!(&buf[30..34], &[1, 2, 3, 4]);
        assert_eq!(
            &buf[34..42],
            &[0x12, 0x34, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]
        );
        assert_eq!(&buf[44..46], &[0, 1]);
        assert_eq!(parse(&buf).unwrap().bpdu, Bpdu::Config(b));
        // Too small a buffer.
        assert_eq!(
            build_config_frame(&mut buf[..51], STP_GROUP_ADDR, SRC, &b),
            None
        );
    }

    #[test]
    fn tcn_frame_bytes() {
        let mut buf = [0u8; 21];
        assert_eq!(build_tcn_frame(&mut buf, STP_GROUP_ADDR, SRC), Some(21));
        let want: [u8; 21] = [
            0x01, 0x80, 0xc2, 0, 0, 0, 0x02, 0, 0, 0, 0, 0x01, 0x00, 0x07, 0x42, 0x42, 0x03, 0, 0,
            0, 0x80,
        ];
        assert_eq!(buf, want);
        assert_eq!(parse(&want).unwrap().bpdu, Bpdu::Tcn);
        assert_eq!(build_tcn_frame(&mut buf[..20], STP_GROUP_ADDR, SRC), None);
    }

    #[test]
    fn tick_conversions() {
        assert_eq!(ms_to_ticks(20_000), 0x1400);
        assert_eq!(ms_to_ticks(2_000), 0x200);
        assert_eq!(ms_to_ticks(3), 0);
        assert_eq!(ms_to_ticks(4), 1);
        assert_eq!(ticks_to_ms(1), 4);
        assert_eq!(ticks_to_ms(0x1400), 20_000);
        assert_eq!(ticks_to_ms(0xffff), 255_997);
    }

    #[test]
    fn padded_frames_are_trimmed() {
        let mut buf = [0xeeu8; 60];
        build_tcn_frame(&mut buf, STP_GROUP_ADDR, SRC).unwrap();
        assert_eq!(parse(&buf).unwrap().bpdu, Bpdu::Tcn);
        let mut buf = [0xeeu8; 60];
        build_config_frame(&mut buf, STP_GROUP_ADDR, SRC, &sample()).unwrap();
        assert_eq!(parse(&buf).unwrap().bpdu, Bpdu::Config(sample()));
    }

    #[test]
    fn rejects_malformed() {
        let mut good = [0u8; CONFIG_FRAME_LEN];
        build_config_frame(&mut good, STP_GROUP_ADDR, SRC, &sample()).unwrap();
        let bad = |i: usize, v: u8| {
            let mut f = good;
            f[i] = v;
            parse(&f)
        };
        // EtherType instead of a length.
        assert_eq!(bad(12, 0x08), None);
        // LLC header.
        assert_eq!(bad(14, 0x43), None);
        assert_eq!(bad(15, 0x43), None);
        assert_eq!(bad(16, 0x13), None);
        // Protocol identifier and version.
        assert_eq!(bad(17, 1), None);
        assert_eq!(bad(18, 1), None);
        assert_eq!(bad(19, 2), None);
        // Unknown type: still a BPDU (for BPDU guard), but ignored.
        assert_eq!(bad(20, 2).unwrap().bpdu, Bpdu::Other);
        // GARP destination.
        assert_eq!(bad(5, 0x21), None);
        // Length beyond the frame, and below the LLC header.
        assert_eq!(bad(13, 39), None);
        assert_eq!(bad(13, 2), None);
        // Truncated by the length field: config too short, TCN-sized head.
        assert_eq!(bad(13, 37).unwrap().bpdu, Bpdu::Other);
        assert_eq!(bad(13, 6), None);
        assert_eq!(bad(13, 7).unwrap().bpdu, Bpdu::Other);
        // Short frames.
        for n in 0..CONFIG_FRAME_LEN {
            let r = parse(&good[..n]);
            assert!(r.is_none(), "len {n}: {r:?}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(
            tc in any::<bool>(), tca in any::<bool>(), root in any::<[u8; 8]>(),
            cost in any::<u32>(), br in any::<[u8; 8]>(), port in any::<u16>(),
            t in any::<[u16; 4]>(), src in any::<[u8; 6]>(),
        ) {
            let b = ConfigBpdu {
                topology_change: tc,
                topology_change_ack: tca,
                root: BridgeId(root),
                root_path_cost: cost,
                bridge_id: BridgeId(br),
                port_id: port,
                message_age: ticks_to_ms(t[0]),
                max_age: ticks_to_ms(t[1]),
                hello_time: ticks_to_ms(t[2]),
                forward_delay: ticks_to_ms(t[3]),
            };
            let mut buf = [0u8; CONFIG_FRAME_LEN];
            prop_assert_eq!(build_config_frame(&mut buf, STP_GROUP_ADDR, MacAddr(src), &b), Some(52));
            prop_assert_eq!(&buf[44..52], &[
                (t[0] >> 8) as u8, t[0] as u8, (t[1] >> 8) as u8, t[1] as u8,
                (t[2] >> 8) as u8, t[2] as u8, (t[3] >> 8) as u8, t[3] as u8,
            ][..]);
            let rx = parse(&buf).unwrap();
            prop_assert_eq!(rx.src, MacAddr(src));
            prop_assert_eq!(rx.bpdu, Bpdu::Config(b));
        }

        #[test]
        fn ticks_round_trip(ms in 0u64..256_000) {
            // Sending what was received reproduces the wire value.
            let t = ms_to_ticks(ms);
            prop_assert_eq!(ms_to_ticks(ticks_to_ms(t)), t);
            prop_assert!(ticks_to_ms(t) <= ms);
        }

        #[test]
        fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = parse(&bytes);
            let _ = parse_bpdu(&bytes);
        }

        #[test]
        fn parser_on_mutated_frames(i in 0usize..CONFIG_FRAME_LEN, v in any::<u8>(), n in 0usize..=CONFIG_FRAME_LEN) {
            let mut f = [0u8; CONFIG_FRAME_LEN];
            build_config_frame(&mut f, STP_GROUP_ADDR, SRC, &sample()).unwrap();
            f[i] = v;
            let _ = parse(&f[..n]);
        }
    }
}
