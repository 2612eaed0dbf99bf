// SPDX-License-Identifier: GPL-2.0

//! The device-level functions of `ip_tunnel.c`, for any [`TunnelKind`]:
//! creation (`ip_tunnel_newlink()`, `ip_tunnel_create()`, the fallback
//! device of `ip_tunnel_init_net()`), `ip_tunnel_changelink()`,
//! `ip_tunnel_update()`, `ip_tunnel_ctl()`, `ip_tunnel_dellink()`,
//! `ip_tunnel_uninit()`, `ip_tunnel_change_mtu()`.

use crate::glue::bindings::{IFF_BROADCAST, IFF_POINTOPOINT};
use crate::glue::link::{Dev, DevRef, NewLink};
use crate::glue::netdev::{Net, NetDevice, UnregisterQueue};
use crate::glue::tunnel::{cmd, TunnelCells, TunnelParm};
use crate::rvnet_core::tunnel::erspan::Settings;
use crate::rvnet_core::tunnel::mtu::{self, MIN_MTU};
use crate::rvnet_core::tunnel::{ioctl_normalize, p2p_flags, Parms, IP_DF};
use crate::table::{bind_dev, Config, Tunnel, TunnelKind, TunnelNet};
use kernel::prelude::*;

/// Which path creates a tunnel: they differ in MTU handling.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Creation {
    /// `ip link add` (`IFLA_MTU` given or not).
    Netlink {
        /// Whether `IFLA_MTU` was given.
        mtu_given: bool,
        /// Whether `IFLA_ADDRESS` was given (else an Ethernet kind's
        /// device gets a random address).
        addr_given: bool,
    },
    /// A namespace's fallback device.
    Fallback,
    /// `ip tunnel add`.
    Ioctl,
}

/// A tunnel to create.
pub(crate) struct Request {
    /// Its parameters.
    pub(crate) parms: Parms,
    /// Its routing mark.
    pub(crate) fwmark: u32,
    /// `external`.
    pub(crate) collect_md: bool,
    /// The encapsulation attributes (type, flags, sport, dport).
    pub(crate) encap: [u16; 4],
    /// `ignore-df` (gre).
    pub(crate) ignore_df: bool,
    /// ERSPAN settings (erspan).
    pub(crate) erspan: Settings,
    /// The creation path.
    pub(crate) how: Creation,
}

impl Request {
    /// The fallback device's: all-zero parameters.
    pub(crate) fn fallback() -> Request {
        Request {
            parms: Parms::default(),
            fwmark: 0,
            collect_md: false,
            encap: [0; 4],
            ignore_df: false,
            erspan: Settings::default(),
            how: Creation::Fallback,
        }
    }
}

/// Creates a tunnel of kind `K`: checks for a duplicate in `net`'s table,
/// registers the device (in its own namespace, with link namespace `net`),
/// sets its MTU as the creation path says and adds it to the table.
pub(crate) fn create<K: TunnelKind>(link: NewLink<'_, K>, net: &Net, req: &Request) -> Result {
    let itn = TunnelNet::<K>::of_net(net);
    let dup = itn.with_table(|t| {
        if req.collect_md {
            t.has_collect_md()
        } else {
            t.find(&req.parms).is_some()
        }
    });
    if dup {
        return Err(EEXIST);
    }
    let dev = link.device();
    let cfg = Config {
        parms: req.parms,
        fwmark: req.fwmark,
        encap: req.encap,
        name: [0; 16],
        ignore_df: req.ignore_df,
        erspan: req.erspan,
    };
    if K::ETH_HLEN == 0 {
        dev.set_tunnel_addrs(req.parms.saddr, req.parms.daddr);
    }
    if req.collect_md {
        dev.keep_dst();
    }
    let state = Tunnel::new(net, cfg, req.collect_md, TunnelCells::new(dev)?)?;
    let dev = link.register(state)?;
    if K::ETH_HLEN != 0
        && matches!(
            req.how,
            Creation::Netlink {
                addr_given: false,
                ..
            }
        )
    {
        dev.set_random_mac();
    }
    let mtu = bind_dev(dev);
    let hlen = K::hlen(&cfg);
    match req.how {
        Creation::Fallback => {
            dev.set_netns_immutable();
            dev.store_mtu(mtu);
        }
        Creation::Netlink { mtu_given, .. } => {
            let mtu = if mtu_given {
                mtu::clamp_requested(dev.mtu(), hlen, K::ETH_HLEN)
            } else {
                mtu
            };
            dev.set_mtu(mtu)?;
        }
        Creation::Ioctl => {
            dev.set_mtu(mtu)?;
            dev.set_mtu_range(MIN_MTU, mtu::max_mtu(hlen, K::ETH_HLEN));
        }
    }
    itn.add(dev, req.how == Creation::Fallback)
}

/// `ip_tunnel_init_net()`'s fallback device of kind `K` in `net`.
pub(crate) fn create_fallback<K: TunnelKind>(net: &Net) -> Result {
    K::HANDLE.create(net, K::FALLBACK_NAME, false, |link| {
        create::<K>(link, net, &Request::fallback())
    })
}

/// `ip_tunnel_update()`: new endpoints, keys, TTL, TOS and DF; a new link
/// or mark rebinds the device (and sets the MTU unless `keep_mtu`).
pub(crate) fn update<K: TunnelKind>(
    dev: Dev<'_, K>,
    p: &Parms,
    keep_mtu: bool,
    fwmark: u32,
) -> Result {
    let t = dev.state();
    let itn = TunnelNet::<K>::of_net(t.net.get());
    let old = t.config();
    let mut cfg = old;
    cfg.parms.saddr = p.saddr;
    cfg.parms.daddr = p.daddr;
    cfg.parms.i_key = p.i_key;
    cfg.parms.o_key = p.o_key;
    cfg.parms.ttl = p.ttl;
    cfg.parms.tos = p.tos;
    cfg.parms.df = p.df;
    cfg.parms.link = p.link;
    cfg.fwmark = fwmark;
    let new_cfg = KBox::new(cfg, GFP_KERNEL)?;
    itn.refile(dev, cfg.parms, || {
        if K::ETH_HLEN == 0 {
            dev.set_tunnel_addrs(p.saddr, p.daddr);
        }
        t.cfg.replace(new_cfg);
    })?;
    if old.parms.link != p.link || old.fwmark != fwmark {
        let mtu = bind_dev(dev);
        if !keep_mtu {
            dev.store_mtu(mtu);
        }
    }
    t.cells.reset_route();
    dev.state_change();
    Ok(())
}

/// Stores new GRE flags after [`update`] (as `ipgre_changelink()` and
/// `ipgre_tunnel_ctl()` copy them) and files the tunnel under them.
pub(crate) fn set_flags<K: TunnelKind>(dev: Dev<'_, K>, i_flags: u16, o_flags: u16) -> Result {
    let t = dev.state();
    let itn = TunnelNet::<K>::of_net(t.net.get());
    let mut cfg = t.config();
    cfg.parms.i_flags = i_flags;
    cfg.parms.o_flags = o_flags;
    let new_cfg = KBox::new(cfg, GFP_KERNEL)?;
    itn.refile(dev, cfg.parms, || t.cfg.replace(new_cfg))
}

/// Whether `dev`'s point-to-point/broadcast flags fit a remote `daddr`
/// (always for Ethernet kinds).
fn flags_fit<K: TunnelKind>(dev: &NetDevice, daddr: u32) -> bool {
    if K::ETH_HLEN != 0 {
        return true;
    }
    let (p2p, bcast) = p2p_flags(daddr);
    let mut want = 0;
    if p2p {
        want |= IFF_POINTOPOINT;
    }
    if bcast {
        want |= IFF_BROADCAST;
    }
    (dev.flags() ^ want) & (IFF_POINTOPOINT | IFF_BROADCAST) == 0
}

/// Whether `dev` is its namespace's fallback device.
pub(crate) fn is_fallback<K: TunnelKind>(dev: Dev<'_, K>) -> bool {
    TunnelNet::<K>::of_net(dev.state().net.get()).with_table(|t| t.is_fallback(&dev))
}

/// `ip_tunnel_changelink()`: the kind checked `p` already.
pub(crate) fn changelink<K: TunnelKind>(
    dev: Dev<'_, K>,
    p: &Parms,
    keep_mtu: bool,
    fwmark: u32,
) -> Result {
    if is_fallback(dev) {
        return Err(EINVAL);
    }
    let itn = TunnelNet::<K>::of_net(dev.state().net.get());
    let clash = itn.with_table(|t| t.find(p).map(|other| !other.ptr_eq(&dev)));
    match clash {
        Some(true) => return Err(EEXIST),
        Some(false) => {}
        None if !flags_fit::<K>(&dev, p.daddr) => return Err(EINVAL),
        None => {}
    }
    update(dev, p, keep_mtu, fwmark)
}

/// The ioctl block of a tunnel (`memcpy(p, &t->parms, ...)`).
pub(crate) fn parm_of<K: TunnelKind>(dev: Dev<'_, K>) -> TunnelParm {
    let c = dev.state().config();
    let p = c.parms;
    TunnelParm {
        name: c.name,
        link: p.link,
        i_flags: p.i_flags,
        o_flags: p.o_flags,
        i_key: p.i_key,
        o_key: p.o_key,
        version: 4,
        ihl: 5,
        tos: p.tos,
        ttl: p.ttl,
        protocol: p.protocol,
        frag_off: if p.df { IP_DF } else { 0 },
        saddr: p.saddr,
        daddr: p.daddr,
    }
}

/// The parameters an ioctl block describes.
pub(crate) fn parms_from_ioctl(parm: &TunnelParm) -> Parms {
    Parms {
        link: parm.link,
        i_flags: parm.i_flags,
        o_flags: parm.o_flags,
        i_key: parm.i_key,
        o_key: parm.o_key,
        saddr: parm.saddr,
        daddr: parm.daddr,
        ttl: parm.ttl,
        tos: parm.tos,
        protocol: parm.protocol,
        df: parm.frag_off & IP_DF != 0,
    }
}

/// `ip_tunnel_ctl()`: the kind checked `parm` already.
pub(crate) fn tunnel_ctl<K: TunnelKind>(
    dev: Dev<'_, K>,
    parm: &mut TunnelParm,
    command: u32,
) -> Result {
    let net = dev.state().net.get();
    let itn = TunnelNet::<K>::of_net(net);
    let fallback = is_fallback(dev);
    match command {
        cmd::GET => {
            let p = parms_from_ioctl(parm);
            *parm = itn.with_table(|t| {
                let found = if fallback { t.find(&p) } else { None };
                parm_of(found.unwrap_or(dev))
            });
            Ok(())
        }
        cmd::ADD | cmd::CHG => {
            if !net.capable_net_admin() {
                return Err(EPERM);
            }
            let mut p = parms_from_ioctl(parm);
            ioctl_normalize(&mut p);
            if p.df {
                parm.frag_off |= IP_DF;
            }
            parm.i_key = p.i_key;
            parm.o_key = p.o_key;
            let found = itn
                .with_table(|t| t.find(&p).map(DevRef::new))
                .transpose()?;
            if command == cmd::ADD {
                if found.is_some() {
                    return Err(EEXIST);
                }
                return ioctl_add::<K>(net, parm, p);
            }
            let target = if !fallback {
                match &found {
                    Some(f) if !f.device().ptr_eq(&dev) => return Err(EEXIST),
                    Some(_) => Some(dev),
                    None if !flags_fit::<K>(&dev, p.daddr) => return Err(EINVAL),
                    None => Some(dev),
                }
            } else {
                found.as_ref().and_then(|f| f.get())
            };
            match target {
                Some(t) => update(t, &p, false, 0),
                None => Err(ENOENT),
            }
        }
        cmd::DEL => {
            if !net.capable_net_admin() {
                return Err(EPERM);
            }
            if !fallback {
                dev.unregister(None);
                return Ok(());
            }
            let p = parms_from_ioctl(parm);
            let found = itn
                .with_table(|t| t.find(&p).map(DevRef::new))
                .transpose()?;
            let Some(found) = found else {
                return Err(ENOENT);
            };
            if found.device().ptr_eq(&dev) {
                return Err(EPERM);
            }
            found.device().unregister(None);
            Ok(())
        }
        _ => Err(EINVAL),
    }
}

/// `ip_tunnel_create()` for `ip tunnel add`: named as asked, or after the
/// kind (`ipip%d`).
fn ioctl_add<K: TunnelKind>(net: &Net, parm: &TunnelParm, p: Parms) -> Result {
    let req = Request {
        parms: p,
        fwmark: 0,
        collect_md: false,
        encap: [0; 4],
        ignore_df: false,
        erspan: Settings::default(),
        how: Creation::Ioctl,
    };
    let mut default_name = [0u8; 16];
    let kind = K::KIND.to_bytes();
    if kind.len() > 16 - 3 {
        return Err(E2BIG);
    }
    default_name[..kind.len()].copy_from_slice(kind);
    default_name[kind.len()..kind.len() + 2].copy_from_slice(b"%d");
    let name = match parm.name() {
        Some(_) if !parm.name_valid() => return Err(E2BIG),
        Some(n) => n,
        None => CStr::from_bytes_until_nul(&default_name).map_err(|_| E2BIG)?,
    };
    K::HANDLE.create(net, name, true, |link| create::<K>(link, net, &req))
}

/// `ip_tunnel_dellink()`: the fallback device stays.
pub(crate) fn dellink<K: TunnelKind>(dev: Dev<'_, K>, queue: &mut UnregisterQueue) {
    if !is_fallback(dev) {
        // Failing to copy the table only delays the removal to uninit.
        let _ = TunnelNet::<K>::of_net(dev.state().net.get()).remove(&dev, false);
        dev.unregister(Some(queue));
    }
}

/// `__ip_tunnel_init()`: the ioctls report the name the device had when
/// registered.
pub(crate) fn init<K: TunnelKind>(dev: Dev<'_, K>) -> Result {
    let t = dev.state();
    let mut cfg = t.config();
    let name = dev.name().to_bytes();
    let n = name.len().min(15);
    cfg.name = [0; 16];
    cfg.name[..n].copy_from_slice(&name[..n]);
    t.cfg.replace(KBox::new(cfg, GFP_KERNEL)?);
    Ok(())
}

/// `ip_tunnel_uninit()`.
pub(crate) fn uninit<K: TunnelKind>(dev: Dev<'_, K>) {
    let t = dev.state();
    // Without memory for the copy the entry stays until the namespace's
    // table goes; its reference keeps the device from being freed early.
    let _ = TunnelNet::<K>::of_net(t.net.get()).remove(&dev, true);
    t.cells.reset_route();
}

/// `ip_tunnel_change_mtu()`.
pub(crate) fn change_mtu<K: TunnelKind>(dev: Dev<'_, K>, new_mtu: u32) -> Result {
    if !mtu::change_mtu_ok(new_mtu, K::hlen(&dev.state().config()), K::ETH_HLEN) {
        return Err(EINVAL);
    }
    dev.store_mtu(new_mtu);
    Ok(())
}

/// The underlay device (`ndo_get_iflink`'s `link`, if it exists).
pub(crate) fn lower<'a, K: TunnelKind>(dev: Dev<'a, K>) -> Option<&'a NetDevice> {
    let t = dev.state();
    let link = t.config().parms.link;
    if link == 0 {
        return None;
    }
    t.net.get().device_by_index(link)
}

/// Implements `DeviceOps` for tunnel kind `$kind`: the hooks every kind
/// takes from `ip_tunnel.c` (`ndo_uninit`, `ndo_get_iflink`, the lower
/// device; no ethtool ops of their own, so no driver version), then the
/// kind's own items (`$own`: its name, setup, init, transmit...).
macro_rules! tunnel_device_ops {
    ($(#[$meta:meta])* $kind:ty { $($own:tt)* }) => {
        $(#[$meta])*
        #[::kernel::prelude::vtable]
        impl $crate::glue::link::DeviceOps for $kind {
            type Device = $crate::table::Tunnel;
            type Header = ();
            const DRIVER_VERSION: &'static ::kernel::ffi::CStr = c"";
            const OWN_ETHTOOL_OPS: bool = false;

            fn lower<'a>(
                dev: $crate::glue::link::Dev<'a, Self>,
            ) -> Option<&'a $crate::glue::netdev::NetDevice> {
                $crate::iptunnel::lower(dev)
            }

            fn iflink(dev: $crate::glue::link::Dev<'_, Self>) -> i32 {
                dev.state().config().parms.link
            }

            fn uninit(dev: $crate::glue::link::Dev<'_, Self>) {
                $crate::iptunnel::uninit(dev)
            }

            $($own)*
        }
    };
}
pub(crate) use tunnel_device_ops;

/// Implements `LinkOps` for tunnel kind `$kind`: rtnl kind `$name` with
/// attribute policy `$policy`, the kind's own items (`$own`: validate,
/// newlink, changelink), then what every kind shares: `ip_tunnel.c`'s
/// dellink and link namespace, and the attributes of `$size` and `$fill`
/// (`fn(&Tunnel, &mut NlMsg) -> Result`).
macro_rules! tunnel_link_ops {
    (
        $(#[$meta:meta])* $kind:ty {
            kind: $name:expr,
            policy: $policy:expr,
            info: ($size:path, $fill:path),
            $($own:tt)*
        }
    ) => {
        $(#[$meta])*
        #[::kernel::prelude::vtable]
        impl $crate::glue::link::LinkOps for $kind {
            const KIND: &'static ::kernel::ffi::CStr = $name;
            const POLICY: &'static [$crate::glue::attr::Policy] = &$policy;

            $($own)*

            fn dellink(
                dev: $crate::glue::link::Dev<'_, Self>,
                queue: &mut $crate::glue::netdev::UnregisterQueue,
            ) {
                $crate::iptunnel::dellink(dev, queue)
            }

            fn info_size(_dev: $crate::glue::link::Dev<'_, Self>) -> usize {
                $size()
            }

            fn fill_info(
                dev: $crate::glue::link::Dev<'_, Self>,
                msg: &mut $crate::glue::attr::NlMsg,
            ) -> ::kernel::prelude::Result {
                $fill(dev.state(), msg)
            }

            fn link_net<'a>(
                dev: $crate::glue::link::Dev<'a, Self>,
            ) -> &'a $crate::glue::netdev::Net {
                dev.state().net.get()
            }
        }
    };
}
pub(crate) use tunnel_link_ops;
