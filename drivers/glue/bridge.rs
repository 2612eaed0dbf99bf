// SPDX-License-Identifier: GPL-2.0

//! The netlink of bridge masters beyond `rtnl_link_ops`: forwarding
//! database entries (`RTM_NEWNEIGH`/`RTM_DELNEIGH`, `bridge fdb`) and the
//! `AF_BRIDGE` view of ports (`bridge link`), in `net/bridge`'s formats.

use super::attr::NlMsg;
use super::bindings as b;
use super::netdev::NetDevice;
use crate::rvnet_core::ether::MacAddr;
use kernel::error::{code::EMSGSIZE, Result};

/// One FDB entry as userspace sees it (`fdb_fill_info()`).
pub struct FdbRecord {
    /// The address.
    pub addr: MacAddr,
    /// The VLAN id (0: none).
    pub vid: u16,
    /// `NUD_*` state.
    pub state: u16,
    /// `NTF_*` flags.
    pub flags: u8,
    /// The port's ifindex, or the bridge's for its own entries.
    pub ifindex: i32,
    /// The bridge's ifindex.
    pub master: i32,
    /// `clock_t` since the entry last forwarded a frame.
    pub used: u32,
    /// `clock_t` since the entry was last refreshed.
    pub updated: u32,
}

impl FdbRecord {
    /// Writes the record as the answer to `bridge fdb get`.
    ///
    /// # Safety
    ///
    /// `skb` must be the reply being built, `pid`/`seq` the request's.
    pub(crate) unsafe fn fill_reply(&self, skb: *mut b::sk_buff, pid: u32, seq: u32) -> Result {
        // SAFETY: See the function's safety section; the record is copied.
        super::to_result(unsafe { b::rvnet_fdb_get_fill(skb, &self.raw(), pid, seq) })
    }

    fn raw(&self) -> b::rvnet_fdb_record {
        b::rvnet_fdb_record {
            addr: self.addr.0,
            vid: self.vid,
            state: self.state,
            flags: self.flags,
            ifindex: self.ifindex,
            master: self.master,
            used: self.used,
            updated: self.updated,
        }
    }

    /// Tells `RTNLGRP_NEIGH` listeners (`bridge monitor fdb`) that the
    /// entry was added or changed (`deleted` false) or removed, as
    /// `fdb_notify()`. Any context.
    pub fn notify(&self, master: &NetDevice, deleted: bool) {
        let kind = if deleted {
            b::RTM_DELNEIGH
        } else {
            b::RTM_NEWNEIGH
        };
        // SAFETY: `master` is a valid device; the record is copied.
        unsafe { b::rvnet_fdb_notify(master.as_raw(), &self.raw(), kind as i32) }
    }
}

/// A `bridge fdb show` dump in progress (`ndo_fdb_dump`): entries before
/// the resume point of an earlier, interrupted part are skipped.
pub struct FdbDump {
    skb: *mut b::sk_buff,
    cb: *mut b::netlink_callback,
    idx: *mut i32,
    resume: i32,
}

impl FdbDump {
    /// # Safety
    ///
    /// The arguments of an `ndo_fdb_dump` call, valid for the dump's life.
    pub(crate) unsafe fn from_raw(
        skb: *mut b::sk_buff,
        cb: *mut b::netlink_callback,
        idx: *mut i32,
    ) -> FdbDump {
        // SAFETY: See the function's safety section.
        let resume = unsafe { b::rvnet_fdb_dump_resume_idx(cb) };
        FdbDump {
            skb,
            cb,
            idx,
            resume,
        }
    }

    /// Whether the next entry was sent in an earlier part of the dump:
    /// then it is only counted ([`Self::skip`]), as cheaply as can be.
    pub fn already_sent(&self) -> bool {
        // SAFETY: See `from_raw`.
        unsafe { *self.idx < self.resume }
    }

    /// Adds one entry; `EMSGSIZE` when the message is full (the dump
    /// resumes there in the next part).
    pub fn entry(&mut self, rec: &FdbRecord) -> Result {
        // SAFETY: See `from_raw`.
        super::to_result(unsafe {
            b::rvnet_fdb_dump_entry(self.skb, self.cb, &rec.raw(), self.idx)
        })
    }

    /// Counts an entry not shown (filtered out), as the resume point
    /// counts every entry walked.
    pub fn skip(&mut self) {
        // SAFETY: See `from_raw`.
        unsafe { *self.idx += 1 };
    }

    /// Adds the device's own unicast and multicast addresses as `self`
    /// entries (`ndo_dflt_fdb_dump()`).
    pub fn own_addresses(&mut self, dev: &NetDevice) -> Result {
        // SAFETY: See `from_raw`; `dev` is valid.
        super::to_result(unsafe {
            b::rvnet_fdb_dump_default(self.skb, self.cb, dev.as_raw(), self.idx)
        })
    }
}

/// The netlink header fields of a message: the requester's port id and
/// sequence number, `NLM_F_*` flags and the message type.
pub(crate) struct MsgHead {
    /// Port id (0 for notifications).
    pub(crate) pid: u32,
    /// Sequence number.
    pub(crate) seq: u32,
    /// `NLM_F_*` flags.
    pub(crate) flags: u32,
    /// `RTM_NEWLINK` or `RTM_DELLINK`.
    pub(crate) event: u32,
}

/// Builds a port's `AF_BRIDGE` link message (`br_fill_ifinfo()`): the
/// common head, then `fill` writes the rest (`IFLA_PROTINFO`).
///
/// # Safety
///
/// `skb` must be a netlink message being built.
pub(crate) unsafe fn fill_port_info(
    skb: *mut b::sk_buff,
    head: MsgHead,
    port: &NetDevice,
    master: &NetDevice,
    fill: impl FnOnce(&mut NlMsg) -> Result,
) -> Result {
    // SAFETY: See the function's safety section; both devices are valid.
    let nlh = unsafe {
        b::rvnet_bridge_ifinfo_begin(
            skb,
            head.pid,
            head.seq,
            head.event as i32,
            head.flags,
            port.as_raw(),
            master.as_raw(),
        )
    };
    if nlh.is_null() {
        return Err(EMSGSIZE);
    }
    let r = fill(&mut NlMsg::from_raw(skb));
    // SAFETY: `nlh` was put on this skb above.
    unsafe {
        if r.is_ok() {
            b::rvnet_nlmsg_end(skb, nlh)
        } else {
            b::rvnet_nlmsg_cancel(skb, nlh)
        }
    }
    r
}

/// Tells `RTNLGRP_LINK` listeners (`bridge monitor link`) about a port, as
/// `br_ifinfo_notify()`: `RTM_NEWLINK` with what `fill` writes, or with
/// `deleted` `RTM_DELLINK` with the common head only. Any context.
pub fn notify_port(
    port: &NetDevice,
    master: &NetDevice,
    deleted: bool,
    fill: impl FnOnce(&mut NlMsg) -> Result,
) {
    let event = if deleted {
        b::RTM_DELLINK
    } else {
        b::RTM_NEWLINK
    };
    // SAFETY: A new message of the default size, ours.
    let skb = unsafe { b::rvnet_nlmsg_new_default() };
    if skb.is_null() {
        return;
    }
    // SAFETY: `skb` is a new netlink message; it is sent (which consumes
    // it) or freed.
    unsafe {
        let fill = |m: &mut NlMsg| if deleted { Ok(()) } else { fill(m) };
        let head = MsgHead {
            pid: 0,
            seq: 0,
            flags: 0,
            event,
        };
        if fill_port_info(skb, head, port, master, fill).is_ok() {
            b::rvnet_rtnl_notify_link(skb, port.as_raw());
        } else {
            b::rvnet_kfree_msg(skb);
        }
    }
}

/// What `bridge link set dev PORT ...` asks of a port
/// (`ndo_bridge_setlink`).
pub enum PortRequest<'a> {
    /// Port attributes (`IFLA_BRPORT_*`), already checked against the
    /// kind's port policy.
    Attrs(super::attr::Attrs<'a>),
    /// A bare port state (old RSTP daemons).
    State(u8),
}

/// A user's `bridge fdb add` (`ndo_fdb_add`'s arguments).
pub struct FdbRequest {
    /// The address.
    pub addr: MacAddr,
    /// The VLAN id (0: none).
    pub vid: u16,
    /// `ndm_state` (`NUD_*`).
    pub state: u16,
    /// `ndm_flags` (`NTF_*`).
    pub ndm_flags: u8,
    /// The request's `nlmsg_flags` (`NLM_F_CREATE`, `NLM_F_EXCL`, ...).
    pub nlh_flags: u16,
    /// `NDA_FLAGS_EXT`, if given.
    pub ext_flags: u32,
}
