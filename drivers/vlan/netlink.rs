// SPDX-License-Identifier: GPL-2.0

//! The VLAN link kind: `ip link add|set|del ... type vlan`
//! (`net/8021q/vlan_netlink.c`), and the registration and removal of VLAN
//! devices on their lower device (`register_vlan_dev()`,
//! `unregister_vlan_dev()`).

use crate::dev::{self, VlanDev};
use crate::glue::attr::{total_size, Attr, Attrs, ExtAck, NlMsg, Policy};
use crate::glue::bindings::{
    ifla_vlan_flags, ifla_vlan_qos_mapping, IFLA_ADDRESS, IFLA_LINK, IFLA_MTU,
    IFLA_VLAN_EGRESS_QOS, IFLA_VLAN_FLAGS, IFLA_VLAN_ID, IFLA_VLAN_INGRESS_QOS, IFLA_VLAN_PROTOCOL,
    IFLA_VLAN_QOS_MAPPING,
};
use crate::glue::link::{Dev, LinkOps, NewLink};
use crate::glue::netdev::{
    feature_masks, NetDevice, UnregisterQueue, ARPHRD_ETHER, IFF_XMIT_DST_RELEASE,
};
use crate::glue::vlan_header::{CoreGroup, VlanHeader};
use crate::rvnet_core::ether::{MacAddr, ETH_ALEN, ETH_P_8021Q};
use crate::rvnet_core::vlan::{
    change_flags, check_vid, validate_flags, VlanError, VlanProto, VLAN_FLAG_REORDER_HDR,
};
use kernel::prelude::*;

const FLAGS_LEN: usize = core::mem::size_of::<ifla_vlan_flags>();
const MAPPING_LEN: usize = core::mem::size_of::<ifla_vlan_qos_mapping>();

/// `vlan_policy`, indexed by `IFLA_VLAN_*`.
const POLICY: [Policy; 6] = [
    Policy::UNSPEC,
    Policy::U16,                       // IFLA_VLAN_ID
    Policy::min_len(FLAGS_LEN as u16), // IFLA_VLAN_FLAGS
    Policy::NESTED,                    // IFLA_VLAN_EGRESS_QOS
    Policy::NESTED,                    // IFLA_VLAN_INGRESS_QOS
    Policy::U16,                       // IFLA_VLAN_PROTOCOL
];

/// `vlan_map_policy`, indexed by `IFLA_VLAN_QOS_*`.
const MAP_POLICY: [Policy; 2] = [Policy::UNSPEC, Policy::min_len(MAPPING_LEN as u16)];

static VLAN_POLICY: [Policy; 6] = POLICY;
static VLAN_MAP_POLICY: [Policy; 2] = MAP_POLICY;

fn vlan_error(extack: &ExtAck, e: VlanError) -> Error {
    extack.fail(Error::from_errno(-e.errno()), e.message())
}

/// The `(flags, mask)` pair of an `IFLA_VLAN_FLAGS` attribute.
fn flags_of(attr: Attr<'_>) -> (u32, u32) {
    (attr.u32_at(0), attr.u32_at(1))
}

/// The `(from, to)` pairs of a QoS map nest.
fn mappings<'a>(attr: Attr<'a>) -> impl Iterator<Item = (u32, u32)> + 'a {
    attr.nested()
        .filter(|m| u32::from(m.kind()) == IFLA_VLAN_QOS_MAPPING)
        .map(|m| (m.u32_at(0), m.u32_at(1)))
}

/// The rtnl kind "vlan".
pub(crate) struct VlanKind;

#[vtable]
impl LinkOps for VlanKind {
    const KIND: &'static CStr = c"vlan";
    const POLICY: &'static [Policy] = &VLAN_POLICY;

    /// `vlan_validate()`.
    fn validate(tb: Attrs<'_>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        if let Some(addr) = tb.get(IFLA_ADDRESS) {
            if addr.data().len() != ETH_ALEN {
                return Err(extack.fail(EINVAL, c"Invalid link address"));
            }
            if !MacAddr::from_slice(addr.data()).is_some_and(|m| m.is_valid_unicast()) {
                return Err(extack.fail(EADDRNOTAVAIL, c"Invalid link address"));
            }
        }
        let Some(data) = data else {
            return Err(extack.fail(EINVAL, c"VLAN properties not specified"));
        };
        if let Some(p) = data.get(IFLA_VLAN_PROTOCOL) {
            VlanProto::from_ethertype(p.be16()).map_err(|e| vlan_error(extack, e))?;
        }
        if let Some(id) = data.get(IFLA_VLAN_ID) {
            check_vid(id.u16()).map_err(|e| vlan_error(extack, e))?;
        }
        if let Some(f) = data.get(IFLA_VLAN_FLAGS) {
            let (flags, mask) = flags_of(f);
            validate_flags(flags, mask).map_err(|e| vlan_error(extack, e))?;
        }
        for (kind, msg) in [
            (IFLA_VLAN_INGRESS_QOS, c"Invalid ingress QOS map"),
            (IFLA_VLAN_EGRESS_QOS, c"Invalid egress QOS map"),
        ] {
            if let Some(map) = data.get(kind) {
                map.validate_nested(&VLAN_MAP_POLICY, extack)
                    .map_err(|e| extack.fail(e, msg))?;
            }
        }
        Ok(())
    }

    /// `vlan_newlink()` and `register_vlan_dev()`.
    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        let tb = link.tb();
        let data = link.data();
        let Some(vid) = data.and_then(|d| d.get(IFLA_VLAN_ID)).map(|a| a.u16()) else {
            return Err(extack.fail(EINVAL, c"VLAN id not specified"));
        };
        let Some(ifindex) = tb.and_then(|tb| tb.get(IFLA_LINK)).map(|a| a.u32()) else {
            return Err(extack.fail(EINVAL, c"link not specified"));
        };
        let Some(real) = link.link_net().device_by_index(ifindex as i32) else {
            return Err(extack.fail(ENODEV, c"link does not exist"));
        };
        let tpid = data
            .and_then(|d| d.get(IFLA_VLAN_PROTOCOL))
            .map_or(ETH_P_8021Q, |a| a.be16());
        let proto = VlanProto::from_ethertype(tpid).map_err(|e| vlan_error(extack, e))?;
        let dev = link.device();

        // `vlan_check_real_dev()`.
        if real.features() & feature_masks().vlan_challenged != 0
            || u32::from(real.link_type()) != ARPHRD_ETHER
        {
            pr_info!("VLANs not supported on {}\n", real.name_str());
            return Err(extack.fail(EOPNOTSUPP, c"VLANs not supported on device"));
        }
        if CoreGroup::device::<VlanKind>(real, tpid, vid).is_some() {
            return Err(extack.fail(EEXIST, c"VLAN device already exists"));
        }

        let max_mtu = dev::max_mtu(real);
        if tb.and_then(|tb| tb.get(IFLA_MTU)).is_none() {
            dev.store_mtu(max_mtu);
        } else if dev.mtu() > max_mtu {
            return Err(EINVAL);
        }
        dev.change_priv_flags(real.priv_flags() & IFF_XMIT_DST_RELEASE, 0);
        register_vlan(link, real, proto, vid, data, extack)
    }

    fn changelink(dev: Dev<'_, Self>, data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
        data.map_or(Ok(()), |data| apply_config(dev.header(), dev.state(), data))
    }

    /// `unregister_vlan_dev()`: withdraws the VLAN from its lower and queues
    /// its unregistration.
    fn dellink(dev: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        let s = dev.state();
        let real = s.real_dev();
        CoreGroup::detach(real, s.proto().ethertype(), s.vid());
        dev.unlink_upper_of(real);
        dev.unregister(Some(queue));
        real.vlan_vid_del(s.proto().ethertype(), s.vid());
    }

    fn info_size(dev: Dev<'_, Self>) -> usize {
        let s = dev.state();
        let map_size = |n: usize| {
            if n == 0 {
                0
            } else {
                total_size(4) + total_size(MAPPING_LEN) * n
            }
        };
        total_size(2)
            + total_size(2)
            + total_size(FLAGS_LEN)
            + map_size(dev.header().ingress().len())
            + map_size(s.with_egress(|m| m.mappings().len()))
    }

    /// `vlan_fill_info()`.
    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let s = dev.state();
        msg.put_be16(IFLA_VLAN_PROTOCOL, s.proto().ethertype())?;
        msg.put_u16(IFLA_VLAN_ID, s.vid())?;
        let flags = dev.header().flags();
        if flags != 0 {
            let mut f = [0u8; FLAGS_LEN];
            f[..4].copy_from_slice(&flags.to_ne_bytes());
            f[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
            msg.put(IFLA_VLAN_FLAGS, &f)?;
        }
        let put_mapping = |msg: &mut NlMsg, from: u32, to: u32| {
            let mut m = [0u8; MAPPING_LEN];
            m[..4].copy_from_slice(&from.to_ne_bytes());
            m[4..].copy_from_slice(&to.to_ne_bytes());
            msg.put(IFLA_VLAN_QOS_MAPPING, &m)
        };
        let ingress = dev.header().ingress();
        if !ingress.is_empty() {
            msg.nest(IFLA_VLAN_INGRESS_QOS, |msg| {
                for (vlan_prio, &skb_prio) in ingress.entries().iter().enumerate() {
                    if skb_prio != 0 {
                        put_mapping(msg, vlan_prio as u32, skb_prio)?;
                    }
                }
                Ok(())
            })?;
        }
        s.with_egress(|egress| {
            if egress.mappings().is_empty() {
                return Ok(());
            }
            msg.nest(IFLA_VLAN_EGRESS_QOS, |msg| {
                egress
                    .mappings()
                    .iter()
                    .try_for_each(|m| put_mapping(msg, m.skb_prio, m.vlan_prio.into()))
            })
        })
    }
}

/// `vlan_changelink()`: flags, then the QoS maps. The flags and the ingress
/// map live in the C header, where the kernel's receive hook reads them.
fn apply_config(header: &VlanHeader, s: &VlanDev, data: Attrs<'_>) -> Result {
    if let Some(f) = data.get(IFLA_VLAN_FLAGS) {
        let (flags, mask) = flags_of(f);
        header.set_flags(change_flags(header.flags(), flags, mask).map_err(|_| EINVAL)?);
    }
    if let Some(map) = data.get(IFLA_VLAN_INGRESS_QOS) {
        // A mapping is (from: VLAN priority, to: skb priority).
        let mut ingress = header.ingress();
        mappings(map).for_each(|(vlan_prio, skb_prio)| ingress.set(vlan_prio, skb_prio));
        header.set_ingress(&ingress);
    }
    if let Some(map) = data.get(IFLA_VLAN_EGRESS_QOS) {
        // A mapping is (from: skb priority, to: VLAN priority).
        s.set_egress(mappings(map))?;
    }
    Ok(())
}

fn register_vlan(
    link: NewLink<'_, VlanKind>,
    real: &NetDevice,
    proto: VlanProto,
    vid: u16,
    data: Option<Attrs<'_>>,
    extack: &ExtAck,
) -> Result {
    let tpid = proto.ethertype();
    // Also creates the lower's vlan_info group, if it has none yet.
    real.vlan_vid_add(tpid, vid)?;
    let header = link.header();
    let registered = VlanDev::new(real, proto, vid).and_then(|state| {
        header.set_identity(real, tpid, vid, state.stats());
        header.set_flags(VLAN_FLAG_REORDER_HDR);
        data.map_or(Ok(()), |d| apply_config(header, &state, d))?;
        link.register(state)
    });
    let dev = match registered {
        Ok(d) => d,
        Err(e) => {
            real.vlan_vid_del(tpid, vid);
            return Err(e);
        }
    };
    // Published last: from then on the kernel's receive hook delivers the
    // VLAN's frames to it.
    let published = dev.link_upper_of(real, extack).and_then(|()| {
        CoreGroup::attach(real, tpid, vid, dev).inspect_err(|_| dev.unlink_upper_of(real))
    });
    if let Err(e) = published {
        dev.unregister(None);
        real.vlan_vid_del(tpid, vid);
        return Err(e);
    }
    dev::transfer_operstate(dev);
    dev.fire_linkwatch();
    dev.update_features();
    Ok(())
}
