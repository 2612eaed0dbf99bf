// SPDX-License-Identifier: GPL-2.0

//! The `IFLA_GRE_*` attributes of gre, gretap and erspan (`ip_gre.c`):
//! `ipgre_policy`, `ipgre_tunnel_validate()`, `ipgre_tap_validate()`,
//! `erspan_validate()`, `ipgre_netlink_parms()` with
//! `ipgre_netlink_encap_parms()`, `erspan_netlink_parms()`,
//! `ipgre_get_size()`, `ipgre_fill_info()`, `erspan_fill_info()`.

use crate::glue::attr::{total_size, Attrs, NlMsg, Policy};
use crate::glue::bindings::{
    IFLA_ADDRESS, IFLA_GRE_COLLECT_METADATA, IFLA_GRE_ENCAP_DPORT, IFLA_GRE_ENCAP_FLAGS,
    IFLA_GRE_ENCAP_SPORT, IFLA_GRE_ENCAP_TYPE, IFLA_GRE_ERSPAN_DIR, IFLA_GRE_ERSPAN_HWID,
    IFLA_GRE_ERSPAN_INDEX, IFLA_GRE_ERSPAN_VER, IFLA_GRE_FWMARK, IFLA_GRE_IFLAGS,
    IFLA_GRE_IGNORE_DF, IFLA_GRE_IKEY, IFLA_GRE_LINK, IFLA_GRE_LOCAL, IFLA_GRE_OFLAGS,
    IFLA_GRE_OKEY, IFLA_GRE_PMTUDISC, IFLA_GRE_REMOTE, IFLA_GRE_TOS, IFLA_GRE_TTL,
};
use crate::iptunnel::{Creation, Request};
use crate::netlink::encap_parms;
use crate::rvnet_core::tunnel::erspan::{self, Settings};
use crate::rvnet_core::tunnel::gre;
use crate::table::Tunnel;
use kernel::prelude::*;

/// `ipgre_policy`, indexed by `IFLA_GRE_*` (`IFLA_GRE_ENCAP_LIMIT`,
/// `_FLOWINFO` and `_FLAGS` are not listed: `NLA_UNSPEC`).
pub(crate) static GRE_POLICY: [Policy; 25] = [
    Policy::UNSPEC,
    Policy::U32,        // IFLA_GRE_LINK
    Policy::U16,        // IFLA_GRE_IFLAGS
    Policy::U16,        // IFLA_GRE_OFLAGS
    Policy::U32,        // IFLA_GRE_IKEY
    Policy::U32,        // IFLA_GRE_OKEY
    Policy::min_len(4), // IFLA_GRE_LOCAL
    Policy::min_len(4), // IFLA_GRE_REMOTE
    Policy::U8,         // IFLA_GRE_TTL
    Policy::U8,         // IFLA_GRE_TOS
    Policy::U8,         // IFLA_GRE_PMTUDISC
    Policy::UNSPEC,     // IFLA_GRE_ENCAP_LIMIT
    Policy::UNSPEC,     // IFLA_GRE_FLOWINFO
    Policy::UNSPEC,     // IFLA_GRE_FLAGS
    Policy::U16,        // IFLA_GRE_ENCAP_TYPE
    Policy::U16,        // IFLA_GRE_ENCAP_FLAGS
    Policy::U16,        // IFLA_GRE_ENCAP_SPORT
    Policy::U16,        // IFLA_GRE_ENCAP_DPORT
    Policy::FLAG,       // IFLA_GRE_COLLECT_METADATA
    Policy::U8,         // IFLA_GRE_IGNORE_DF
    Policy::U32,        // IFLA_GRE_FWMARK
    Policy::U32,        // IFLA_GRE_ERSPAN_INDEX
    Policy::U8,         // IFLA_GRE_ERSPAN_VER
    Policy::U8,         // IFLA_GRE_ERSPAN_DIR
    Policy::U16,        // IFLA_GRE_ERSPAN_HWID
];

/// The attributes of a request as the core crate takes them.
fn attrs_of(d: Attrs<'_>) -> gre::Attrs {
    let addr = |k| {
        d.get(k).map(|a| {
            let b = a.data();
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    gre::Attrs {
        link: d.get(IFLA_GRE_LINK).map(|a| a.u32()),
        iflags: d.get(IFLA_GRE_IFLAGS).map(|a| a.be16()),
        oflags: d.get(IFLA_GRE_OFLAGS).map(|a| a.be16()),
        ikey: d.get(IFLA_GRE_IKEY).map(|a| u32::from_be(a.u32())),
        okey: d.get(IFLA_GRE_OKEY).map(|a| u32::from_be(a.u32())),
        local: addr(IFLA_GRE_LOCAL),
        remote: addr(IFLA_GRE_REMOTE),
        ttl: d.get(IFLA_GRE_TTL).map(|a| a.u8()),
        tos: d.get(IFLA_GRE_TOS).map(|a| a.u8()),
        pmtudisc: d.get(IFLA_GRE_PMTUDISC).map(|a| a.u8()),
        ignore_df: d.get(IFLA_GRE_IGNORE_DF).map(|a| a.u8()),
        collect_md: d.get(IFLA_GRE_COLLECT_METADATA).is_some(),
        encap_type: d.get(IFLA_GRE_ENCAP_TYPE).map(|a| a.u16()),
    }
}

/// `ipgre_tunnel_validate()` (`IFLA_*` attributes unused).
pub(crate) fn gre_validate(_tb: Attrs<'_>, data: Option<Attrs<'_>>) -> Result {
    match data {
        Some(d) if !gre::validate(&attrs_of(d)) => Err(EINVAL),
        _ => Ok(()),
    }
}

/// `ipgre_tap_validate()`: a given address must be a valid Ethernet one,
/// a given remote not 0.0.0.0.
pub(crate) fn gretap_validate(tb: Attrs<'_>, data: Option<Attrs<'_>>) -> Result {
    if let Some(a) = tb.get(IFLA_ADDRESS) {
        let mac = a.data();
        if mac.len() != 6 {
            return Err(EINVAL);
        }
        if mac[0] & 1 != 0 || mac.iter().all(|&b| b == 0) {
            return Err(EADDRNOTAVAIL);
        }
    }
    match data {
        Some(d) if !gre::tap_validate(&attrs_of(d)) => Err(EINVAL),
        _ => Ok(()),
    }
}

/// `erspan_validate()`: without attributes nothing; else gretap's rules,
/// then (unless version 0 is asked) exactly S|K flags without
/// collect_md and keys within the 10-bit session id.
pub(crate) fn erspan_validate(tb: Attrs<'_>, data: Option<Attrs<'_>>) -> Result {
    let Some(d) = data else {
        return Ok(());
    };
    gretap_validate(tb, data)?;
    let ver = d.get(IFLA_GRE_ERSPAN_VER).map(|a| a.u8());
    if erspan::validate(ver, &attrs_of(d)) {
        Ok(())
    } else {
        Err(EINVAL)
    }
}

/// `erspan_netlink_parms()`'s own part: the ERSPAN settings after the
/// attributes apply to `cur`; `Err` (the request is `EINVAL`) with what C
/// stored before refusing.
pub(crate) fn erspan_settings(
    data: Option<Attrs<'_>>,
    cur: Settings,
) -> core::result::Result<Settings, Settings> {
    let Some(d) = data else {
        return Ok(cur);
    };
    let a = erspan::Attrs {
        ver: d.get(IFLA_GRE_ERSPAN_VER).map(|a| a.u8()),
        index: d.get(IFLA_GRE_ERSPAN_INDEX).map(|a| a.u32()),
        dir: d.get(IFLA_GRE_ERSPAN_DIR).map(|a| a.u8()),
        hwid: d.get(IFLA_GRE_ERSPAN_HWID).map(|a| a.u16()),
    };
    erspan::netlink_parms(cur, &a)
}

/// A gre request as its attributes say.
pub(crate) struct GreRequest {
    /// What to create, or the change.
    pub(crate) req: Request,
    /// The encapsulation attributes, if given (changelink applies them).
    pub(crate) encap: Option<[u16; 4]>,
}

/// `ipgre_newlink_encap_setup()` then `ipgre_netlink_parms()` for a
/// tunnel whose `ignore_df` and mark are now `ignore_df` and `fwmark`.
pub(crate) fn gre_request(
    data: Option<Attrs<'_>>,
    ignore_df: bool,
    fwmark: u32,
    how: Creation,
) -> Result<GreRequest> {
    let encap = encap_parms(data, IFLA_GRE_ENCAP_TYPE)?;
    let attrs = data.map(attrs_of);
    let r = gre::netlink_parms(attrs.as_ref(), ignore_df).ok_or(EINVAL)?;
    Ok(GreRequest {
        req: Request {
            parms: r.parms,
            fwmark: data
                .and_then(|d| d.get(IFLA_GRE_FWMARK))
                .map_or(fwmark, |a| a.u32()),
            collect_md: r.collect_md,
            encap: encap.unwrap_or_default(),
            ignore_df: r.ignore_df,
            erspan: Settings::default(),
            how,
        },
        encap,
    })
}

/// `ipgre_get_size()` (the ERSPAN attributes included, as there).
pub(crate) fn gre_info_size() -> usize {
    7 * total_size(4)
        + 2 * total_size(2)
        + 4 * total_size(1)
        + 4 * total_size(2)
        + total_size(0)
        + total_size(1)
        + total_size(4)
        + total_size(2)
        + 2 * total_size(1)
}

/// `erspan_fill_info()`: the version and its fields, then gre's.
pub(crate) fn erspan_fill_info(t: &Tunnel, msg: &mut NlMsg) -> Result {
    let s = t.config().erspan;
    if s.ver <= 2 {
        msg.put_u8(IFLA_GRE_ERSPAN_VER, s.ver)?;
        if s.ver == 1 {
            msg.put_u32(IFLA_GRE_ERSPAN_INDEX, s.index)?;
        } else if s.ver == 2 {
            msg.put_u8(IFLA_GRE_ERSPAN_DIR, s.dir)?;
            msg.put_u16(IFLA_GRE_ERSPAN_HWID, s.hwid)?;
        }
    }
    gre_fill_info(t, msg)
}

/// `ipgre_fill_info()`: an erspan tunnel reports K in its transmit flags.
pub(crate) fn gre_fill_info(t: &Tunnel, msg: &mut NlMsg) -> Result {
    let c = t.config();
    let p = c.parms;
    let o_flags = erspan::reported_o_flags(c.erspan.ver, t.collect_md, p.o_flags);
    msg.put_u32(IFLA_GRE_LINK, p.link as u32)?;
    msg.put_be16(IFLA_GRE_IFLAGS, p.i_flags)?;
    msg.put_be16(IFLA_GRE_OFLAGS, o_flags)?;
    msg.put_u32(IFLA_GRE_IKEY, p.i_key.to_be())?;
    msg.put_u32(IFLA_GRE_OKEY, p.o_key.to_be())?;
    msg.put_u32(IFLA_GRE_LOCAL, p.saddr.to_be())?;
    msg.put_u32(IFLA_GRE_REMOTE, p.daddr.to_be())?;
    msg.put_u8(IFLA_GRE_TTL, p.ttl)?;
    msg.put_u8(IFLA_GRE_TOS, p.tos)?;
    msg.put_u8(IFLA_GRE_PMTUDISC, u8::from(p.df))?;
    msg.put_u32(IFLA_GRE_FWMARK, c.fwmark)?;
    msg.put_u16(IFLA_GRE_ENCAP_TYPE, c.encap[0])?;
    msg.put_be16(IFLA_GRE_ENCAP_SPORT, c.encap[2])?;
    msg.put_be16(IFLA_GRE_ENCAP_DPORT, c.encap[3])?;
    msg.put_u16(IFLA_GRE_ENCAP_FLAGS, c.encap[1])?;
    msg.put_u8(IFLA_GRE_IGNORE_DF, u8::from(c.ignore_df))?;
    if t.collect_md {
        msg.put(IFLA_GRE_COLLECT_METADATA, &[])?;
    }
    Ok(())
}
