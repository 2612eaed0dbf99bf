// SPDX-License-Identifier: GPL-2.0

//! The ipvlan link kind: `ip link add|set|del ... type ipvlan`
//! (`ipvlan_nl_validate()`, `ipvlan_link_new()`, `ipvlan_nl_changelink()`,
//! `ipvlan_link_delete()`, `ipvlan_nl_fillinfo()`); the slaves' device
//! hooks are `ipvlan_dev.rs`'s.

use crate::glue::attr::{total_size, Attrs, ExtAck, NlMsg, Policy};
use crate::glue::bindings::{IFLA_IPVLAN_FLAGS, IFLA_IPVLAN_MODE, IFLA_LINK, IFLA_MTU};
use crate::glue::link::{Dev, LinkOps, NewLink};
use crate::glue::netdev::{
    NetDevice, UnregisterQueue, ARPHRD_ETHER, IFF_LOOPBACK, IFF_NO_RX_HANDLER,
};
use crate::ipvlan_dev::{self as dev, fail, IpvPort, Ipvlan, IpvlanKind};
use crate::rvnet_core::alias::ipvlan::{self, Lower, Request};
use kernel::prelude::*;

/// `ipvlan_nl_policy`, indexed by `IFLA_IPVLAN_*`.
static IPVLAN_POLICY: [Policy; 3] = [
    Policy::UNSPEC,
    Policy::U16, // IFLA_IPVLAN_MODE
    Policy::U16, // IFLA_IPVLAN_FLAGS
];

/// `ipvlan_nl_validate()`, typed.
fn request(data: Option<Attrs<'_>>, extack: &ExtAck) -> Result<Request> {
    let mode = data.and_then(|d| d.get(IFLA_IPVLAN_MODE)).map(|a| a.u16());
    let flags = data.and_then(|d| d.get(IFLA_IPVLAN_FLAGS)).map(|a| a.u16());
    ipvlan::validate(mode, flags).map_err(|e| fail(extack, e))
}

#[vtable]
impl LinkOps for IpvlanKind {
    const KIND: &'static CStr = c"ipvlan";
    const POLICY: &'static [Policy] = &IPVLAN_POLICY;

    fn validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        request(data, extack).map(|_| ())
    }

    /// `ipvlan_link_new()`.
    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result {
        let tb = link.tb();
        let dev = link.device();
        let req = request(link.data(), extack)?;
        let ifindex = tb.and_then(|tb| tb.get(IFLA_LINK)).map(|a| a.u32() as i32);
        let named = ifindex.and_then(|i| link.link_net().device_by_index(i));
        // An ipvlan on an ipvlan sits on the real device.
        let (lower, via_ipvlan) = match named.and_then(Dev::<Self>::of) {
            Some(v) => (v.state().lower(), true),
            None => (named.unwrap_or(dev), false),
        };
        let described = named.map(|_| describe_lower(lower, via_ipvlan));
        let plan = ipvlan::newlink(ifindex.is_some(), described.as_ref(), &req).map_err(|e| {
            if let Some(msg) = e.log() {
                lower.log_err(msg);
            }
            fail(extack, e)
        })?;

        if tb.and_then(|tb| tb.get(IFLA_MTU)).is_none() {
            dev.store_mtu(lower.mtu());
        }
        // Every slave shares its lower's address (IFLA_ADDRESS is ignored).
        dev.set_mac(&lower.mac());
        dev.change_priv_flags(IFF_NO_RX_HANDLER, 0);
        let (port, created) = match IpvPort::of(lower) {
            Some(p) => (p.into(), false),
            None => (dev::create_port(lower)?, true),
        };
        let registered = Ipvlan::new(port.clone()).and_then(|state| link.register(state));
        let slave = match registered {
            Ok(v) => v,
            Err(e) => {
                // A port no slave got registered on goes (`ndo_uninit` took it
                // if one was counted).
                if created && port.state().count() == 0 && IpvPort::of(lower).is_some() {
                    dev::destroy_port(&port);
                }
                return Err(e);
            }
        };
        let p = port.state();
        if let Err(e) =
            dev::assign_dev_id(&slave, p).and_then(|()| slave.link_upper_of(lower, extack))
        {
            slave.unregister(None);
            return Err(e);
        }
        // Flags and mode are the port's: the last writer's win, and the flags
        // stay even when the mode then fails.
        if let Some(flags) = plan.flags {
            p.set_flags(flags);
        }
        if let Err(e) =
            dev::set_port_mode(&port, plan.mode, extack).and_then(|()| dev::link_into_port(slave))
        {
            slave.unlink_upper_of(lower);
            slave.unregister(None);
            return Err(e);
        }
        slave.transfer_operstate_from(lower);
        Ok(())
    }

    /// `ipvlan_nl_changelink()`: mode, then (if that worked) flags, for
    /// the whole port.
    fn changelink(slave: Dev<'_, Self>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result {
        let req = request(data, extack)?;
        let port = &slave.state().port;
        let p = port.state();
        let capable = slave.state().lower().net().capable_net_admin();
        let plan = ipvlan::changelink(data.is_some(), capable, &req, p.mode(), true)
            .map_err(|e| fail(extack, e))?;
        if let Some(mode) = plan.new_mode {
            dev::set_port_mode(port, mode, extack)?;
        }
        if let Some(flags) = plan.flags {
            p.set_flags(flags);
        }
        Ok(())
    }

    /// `__ipvlan_link_delete()`.
    fn dellink(slave: Dev<'_, Self>, queue: &mut UnregisterQueue) {
        dev::unlink_from_port(slave);
        slave.unregister(Some(queue));
        slave.unlink_upper_of(slave.state().lower());
    }

    fn info_size(_dev: Dev<'_, Self>) -> usize {
        2 * total_size(2)
    }

    /// `ipvlan_nl_fillinfo()`: the port's mode and flags.
    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result {
        let p = dev.state().port.state();
        msg.put_u16(IFLA_IPVLAN_MODE, p.mode().value())?;
        msg.put_u16(IFLA_IPVLAN_FLAGS, p.flags().value())
    }
}

/// The device `IFLA_LINK` names, as `ipvlan_link_new()`'s checks read it
/// (an ipvlan stands for its lower).
fn describe_lower(lower: &NetDevice, via_ipvlan: bool) -> Lower {
    Lower {
        via_ipvlan,
        capable: lower.net().capable_net_admin(),
        is_port: IpvPort::of(lower).is_some(),
        is_ether: u32::from(lower.link_type()) == ARPHRD_ETHER,
        is_loopback: lower.flags() & IFF_LOOPBACK != 0,
        rx_handler_busy: lower.rx_handler_busy(),
    }
}
