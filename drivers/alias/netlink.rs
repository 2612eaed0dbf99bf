// SPDX-License-Identifier: GPL-2.0

//! The macvlan link kind: `ip link add|set|del ... type macvlan`
//! (`macvlan_validate()`, `macvlan_common_newlink()`,
//! `macvlan_changelink()`, `macvlan_dellink()`, `macvlan_fill_info()`).

use crate::dev::{self, Macvlan, Port};
use crate::glue::attr::{total_size, Attrs, ExtAck, NlMsg, Policy};
use crate::glue::bindings::{
    IFLA_ADDRESS, IFLA_LINK, IFLA_MACVLAN_BC_CUTOFF, IFLA_MACVLAN_BC_QUEUE_LEN,
    IFLA_MACVLAN_BC_QUEUE_LEN_USED, IFLA_MACVLAN_FLAGS, IFLA_MACVLAN_MACADDR,
    IFLA_MACVLAN_MACADDR_COUNT, IFLA_MACVLAN_MACADDR_DATA, IFLA_MACVLAN_MACADDR_MODE,
    IFLA_MACVLAN_MODE, IFLA_MTU,
};
use crate::glue::link::{Dev, LinkOps, NewLink};
use crate::glue::macvlan_header::IFF_MACVLAN;
use crate::glue::netdev::{
    capable_net_admin, NetDevice, UnregisterQueue, ARPHRD_ETHER, IFF_LOOPBACK,
};
use crate::glue::rcu::rcu_read;
use crate::rvnet_core::alias::macvlan::{
    self, Current, Error as MacvlanError, Lower, PortState, RawAttrs, Request, MIN_MTU,
};
use crate::rvnet_core::ether::ETH_ALEN;
use kernel::prelude::*;

/// `MAX_ADDR_LEN`: the longest `IFLA_MACVLAN_MACADDR` the policy takes.
const MAX_ADDR_LEN: u16 = 32;
/// `IFF_NO_RX_HANDLER`: devices (ipvlan slaves) that refuse receive
/// handlers.
const IFF_NO_RX_HANDLER: u32 = crate::glue::bindings::IFF_NO_RX_HANDLER;

/// `macvlan_policy`, indexed by `IFLA_MACVLAN_*`.
static MACVLAN_POLICY: [Policy; 10] = [
    Policy::UNSPEC,
    Policy::U32,                  // IFLA_MACVLAN_MODE
    Policy::U16,                  // IFLA_MACVLAN_FLAGS
    Policy::U32,                  // IFLA_MACVLAN_MACADDR_MODE
    Policy::binary(MAX_ADDR_LEN), // IFLA_MACVLAN_MACADDR
    Policy::NESTED,               // IFLA_MACVLAN_MACADDR_DATA
    Policy::U32,                  // IFLA_MACVLAN_MACADDR_COUNT
    Policy::U32,                  // IFLA_MACVLAN_BC_QUEUE_LEN
    Policy::REJECT,               // IFLA_MACVLAN_BC_QUEUE_LEN_USED
    Policy::S32,                  // IFLA_MACVLAN_BC_CUTOFF
];

/// The rtnl kind "macvlan".
pub(crate) struct MacvlanKind;

/// A macvlan error as the errno (and extack message) macvlan.ko gives.
fn fail(extack: &ExtAck, e: MacvlanError) -> Error {
    let err = Error::from_errno(-e.errno());
    match e.extack() {
        Some(msg) => extack.fail(err, msg),
        None => err,
    }
}

/// The raw `IFLA_MACVLAN_*` attributes of a request.
fn raw_attrs<'a>(data: Option<Attrs<'a>>) -> RawAttrs<'a> {
    let Some(d) = data else {
        return RawAttrs::default();
    };
    RawAttrs {
        mode: d.get(IFLA_MACVLAN_MODE).map(|a| a.u32()),
        flags: d.get(IFLA_MACVLAN_FLAGS).map(|a| a.u16()),
        macaddr_mode: d.get(IFLA_MACVLAN_MACADDR_MODE).map(|a| a.u32()),
        macaddr: d.get(IFLA_MACVLAN_MACADDR).map(|a| a.data()),
        macaddr_data: d.get(IFLA_MACVLAN_MACADDR_DATA).map(|a| a.data()),
        macaddr_count: d.get(IFLA_MACVLAN_MACADDR_COUNT).is_some(),
        bc_queue_len: d.get(IFLA_MACVLAN_BC_QUEUE_LEN).map(|a| a.u32()),
        bc_cutoff: d.get(IFLA_MACVLAN_BC_CUTOFF).map(|a| a.u32() as i32),
    }
}

/// `macvlan_validate()`, typed.
fn request<'a>(
    tb: Option<Attrs<'a>>,
    data: Option<Attrs<'a>>,
    extack: &ExtAck,
) -> Result<Request<'a>> {
    let address = tb.and_then(|tb| tb.get(IFLA_ADDRESS)).map(|a| a.data());
    macvlan::validate(address, &raw_attrs(data), capable_net_admin()).map_err(|e| fail(extack, e))
}

#[vtable]
impl LinkOps for MacvlanKind {
    const KIND: &'static CStr = c"macvlan";
    const POLICY: &'static [Policy] = &MACVLAN_POLICY;

    fn validate(tb: Attrs<'_>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        request(Some(tb), data, extack).map(|_| ())
    }

    /// `macvlan_common_newlink()`.
    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        let tb = link.tb();
        let data = link.data();
        let dev = link.device();
        let req = request(tb, data, extack)?;
        let ifindex = tb.and_then(|tb| tb.get(IFLA_LINK)).map(|a| a.u32() as i32);
        let named = ifindex.and_then(|i| link.link_net().device_by_index(i));
        // A macvlan on a macvlan sits on the real device.
        let (lower, via_macvlan) = match named.and_then(Dev::<MacvlanKind>::of) {
            Some(m) => (m.state().lower(), true),
            None => (named.unwrap_or(dev), false),
        };
        let described = named.map(|_| describe_lower(dev, lower, via_macvlan));
        let mtu = tb.and_then(|tb| tb.get(IFLA_MTU)).map(|_| dev.mtu());
        let address_given = tb.and_then(|tb| tb.get(IFLA_ADDRESS)).is_some();
        let plan = macvlan::newlink(
            ifindex.is_some(),
            described.as_ref(),
            mtu,
            address_given,
            &req,
        )
        .map_err(|e| fail(extack, e))?;

        dev.store_mtu(plan.mtu);
        dev.set_mtu_range(MIN_MTU, lower.max_mtu());
        if plan.random_address {
            dev.set_random_mac();
        }
        let created = plan.create_port;
        let port = match Port::of(lower) {
            Some(p) => p.into(),
            None => dev::create_port(lower)?,
        };
        if plan.passthru {
            dev::set_passthru(&port);
            dev.set_mac(&lower.mac());
            dev.set_addr_assign_type(lower.addr_assign_type());
        }
        if let Some(cutoff) = plan.bc_cutoff {
            port.state().update_bc_cutoff(lower, cutoff);
        }
        let header = link.header();
        let registered = Macvlan::new(port.clone()).and_then(|state| {
            header.set_identity(dev, lower, &state.stats);
            header.set_mode(plan.mode.value());
            header.set_flags(plan.flags.bits());
            header.set_bc_queue_len_req(plan.bc_queue_len_req);
            link.register(state)
        });
        let vlan = match registered {
            Ok(v) => v,
            Err(e) => {
                // A port no macvlan got registered on goes (`ndo_uninit` took
                // it if one was counted).
                if created && port.state().count() == 0 && Port::of(lower).is_some() {
                    dev::destroy_port(&port);
                }
                return Err(e);
            }
        };
        let linked = plan
            .sources
            .map_or(Ok(()), |m| {
                dev::change_sources(vlan, m, &req).map_err(|e| fail(extack, e))
            })
            .and_then(|()| {
                vlan.change_priv_flags(IFF_MACVLAN, 0);
                vlan.link_upper_of(lower, extack)
            });
        if let Err(e) = linked {
            vlan.unregister(None);
            return Err(e);
        }
        if let Err(e) = dev::link_into_port(vlan) {
            vlan.unlink_upper_of(lower);
            vlan.unregister(None);
            return Err(e);
        }
        vlan.transfer_operstate_from(lower);
        vlan.fire_linkwatch();
        Ok(())
    }

    /// `macvlan_changelink()`.
    fn changelink(vlan: Dev<'_, Self>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        let req = request(None, data, extack)?;
        let s = vlan.state();
        let lower = s.lower();
        let p = s.port.state();
        let cur = Current {
            mode: dev::mode_of(&vlan),
            flags: dev::flags_of(&vlan),
            passthru_port: p.passthru(),
            running: vlan.is_running(),
        };
        let capable = vlan.link_net_capable(lower.net());
        let plan = macvlan::changelink(&cur, &req, capable).map_err(|e| fail(extack, e))?;
        if plan.flush_sources {
            dev::flush_sources(vlan);
        }
        if plan.lower_promisc != 0 {
            lower.adjust_promiscuity(plan.lower_promisc);
        }
        if let Some(flags) = plan.flags {
            vlan.header().set_flags(flags.bits());
        }
        if let Some(len) = plan.bc_queue_len {
            vlan.header().set_bc_queue_len_req(len);
            p.update_bc_queue_len();
        }
        if let Some(cutoff) = plan.bc_cutoff {
            p.update_bc_cutoff(lower, cutoff);
        }
        if let Some(mode) = plan.mode {
            vlan.header().set_mode(mode.value());
        }
        match plan.sources.map_err(|e| fail(extack, e))? {
            Some(m) => dev::change_sources(vlan, m, &req).map_err(|e| fail(extack, e)),
            None => Ok(()),
        }
    }

    /// `macvlan_dellink()`.
    fn dellink(vlan: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        dev::unlink_from_port(vlan);
        vlan.unregister(Some(queue));
        vlan.unlink_upper_of(vlan.state().lower());
    }

    fn info_size(dev: Dev<'_, Self>) -> usize {
        let count = dev.header().macaddr_count() as usize;
        let macs = if count == 0 {
            0
        } else {
            total_size(0) + count * total_size(ETH_ALEN)
        };
        total_size(4) + total_size(2) + total_size(4) + macs + 3 * total_size(4)
    }

    /// `macvlan_fill_info()`.
    fn fill_info(vlan: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let h = vlan.header();
        let p = vlan.state().port.state();
        msg.put_u32(IFLA_MACVLAN_MODE, h.mode())?;
        msg.put_u16(IFLA_MACVLAN_FLAGS, h.flags())?;
        rcu_read(|ctx| {
            let sources = p.sources(ctx);
            let count = sources.of(&vlan).count();
            msg.put_u32(IFLA_MACVLAN_MACADDR_COUNT, count as u32)?;
            if count > 0 {
                msg.nest(IFLA_MACVLAN_MACADDR_DATA, |msg| {
                    sources
                        .of(&vlan)
                        .try_for_each(|a| msg.put(IFLA_MACVLAN_MACADDR, &a.0))
                })?;
            }
            Ok::<(), Error>(())
        })?;
        msg.put_u32(IFLA_MACVLAN_BC_QUEUE_LEN, h.bc_queue_len_req())?;
        msg.put_u32(
            IFLA_MACVLAN_BC_QUEUE_LEN_USED,
            p.bc_queue_len_used
                .load(core::sync::atomic::Ordering::Relaxed),
        )?;
        let cutoff = p.bc_cutoff.load(core::sync::atomic::Ordering::Relaxed);
        if let Some(c) = macvlan::dumped_bc_cutoff(cutoff) {
            msg.put_s32(IFLA_MACVLAN_BC_CUTOFF, c)?;
        }
        Ok(())
    }
}

/// The lower `IFLA_LINK` names, as the checks read it: a macvlan stands
/// for its real device.
fn describe_lower(dev: &NetDevice, lower: &NetDevice, via_macvlan: bool) -> Lower {
    let port = Port::of(lower);
    Lower {
        via_macvlan,
        capable: dev.link_net_capable(lower.net()),
        is_ether: u32::from(lower.link_type()) == ARPHRD_ETHER,
        is_loopback: lower.flags() & IFF_LOOPBACK != 0,
        rx_handler_busy: port.is_none() && lower.rx_handler_busy(),
        no_rx_handler: lower.priv_flags() & IFF_NO_RX_HANDLER != 0,
        mtu: lower.mtu(),
        port: port.map(|p| PortState {
            passthru: p.state().passthru(),
            count: p.state().count(),
        }),
    }
}
