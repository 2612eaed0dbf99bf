// SPDX-License-Identifier: GPL-2.0

//! Netlink attributes: parsed attribute tables, policies, extended acks and
//! the message a `fill_info` callback writes.

use super::bindings as b;
use core::marker::PhantomData;
use kernel::error::{code::EMSGSIZE, Error, Result};
use kernel::ffi::{c_void, CStr};
use kernel::str::CStrExt as _;

/// One entry of an attribute policy (`struct nla_policy`).
#[repr(transparent)]
pub struct Policy(b::nla_policy);

// SAFETY: A policy is immutable data read by the netlink core.
unsafe impl Sync for Policy {}

impl Policy {
    const fn with(kind: u32, len: u16) -> Policy {
        // SAFETY: All-zero is a valid `nla_policy` (NLA_UNSPEC, no limits).
        let mut p: b::nla_policy = unsafe { core::mem::zeroed() };
        p.type_ = kind as u8;
        p.len = len;
        Policy(p)
    }

    /// An attribute the kind does not use.
    pub const UNSPEC: Policy = Policy::with(b::NLA_UNSPEC, 0);
    /// A `u8` attribute.
    pub const U8: Policy = Policy::with(b::NLA_U8, 0);
    /// A `u16` attribute.
    pub const U16: Policy = Policy::with(b::NLA_U16, 0);
    /// A `u32` attribute.
    pub const U32: Policy = Policy::with(b::NLA_U32, 0);
    /// An `s32` attribute.
    pub const S32: Policy = Policy::with(b::NLA_S32, 0);
    /// A flag attribute (no payload).
    pub const FLAG: Policy = Policy::with(b::NLA_FLAG, 0);
    /// A nested attribute.
    pub const NESTED: Policy = Policy::with(b::NLA_NESTED, 0);
    /// A `u64` attribute.
    pub const U64: Policy = Policy::with(b::NLA_U64, 0);
    /// An attribute userspace may not send (`NLA_REJECT`).
    pub const REJECT: Policy = Policy::with(b::NLA_REJECT, 0);

    /// An attribute of exactly `len` bytes (`NLA_POLICY_EXACT_LEN`).
    pub const fn exact_len(len: u16) -> Policy {
        let mut p = Policy::with(b::NLA_BINARY, 0);
        p.0.validation_type = b::NLA_VALIDATE_RANGE as u8;
        p.0.__bindgen_anon_1.__bindgen_anon_1 = b::nla_policy__bindgen_ty_1__bindgen_ty_1 {
            min: len as i16,
            max: len as i16,
        };
        p
    }

    /// A `u8` attribute within `range`; the core answers others with
    /// `ERANGE`.
    pub const fn u8_in(range: &'static Range) -> Policy {
        let mut p = Policy::with(b::NLA_U8, 0);
        p.0.validation_type = b::NLA_VALIDATE_RANGE_PTR as u8;
        p.0.__bindgen_anon_1.range = &range.0;
        p
    }

    /// A `u32` attribute within `range` (`NLA_POLICY_FULL_RANGE`); the
    /// core answers others with `ERANGE`.
    pub const fn u32_in(range: &'static Range) -> Policy {
        let mut p = Policy::with(b::NLA_U32, 0);
        p.0.validation_type = b::NLA_VALIDATE_RANGE_PTR as u8;
        p.0.__bindgen_anon_1.range = &range.0;
        p
    }

    /// A binary attribute of at most `len` bytes.
    pub const fn binary(len: u16) -> Policy {
        Policy::with(b::NLA_BINARY, len)
    }

    /// An attribute of at least `len` bytes.
    pub const fn min_len(len: u16) -> Policy {
        Policy::with(b::NLA_UNSPEC, len)
    }

    /// The raw table pointer.
    pub(crate) fn table_ptr(table: &'static [Policy]) -> *const b::nla_policy {
        table.as_ptr().cast()
    }
}

/// The range an integer attribute must fall in (`struct
/// netlink_range_validation`), checked by the netlink core.
#[repr(transparent)]
pub struct Range(b::netlink_range_validation);

// SAFETY: A range is immutable data read by the netlink core.
unsafe impl Sync for Range {}

impl Range {
    /// Values from `min` to `max`, inclusive.
    pub const fn new(min: u64, max: u64) -> Range {
        Range(b::netlink_range_validation { min, max })
    }
}

/// An extended ack, through which an error message reaches userspace.
pub struct ExtAck(*mut b::netlink_ext_ack);

impl ExtAck {
    /// No extended ack: messages are dropped (for calls rtnl did not
    /// start, e.g. restoring a slave's address on release).
    pub fn none() -> ExtAck {
        ExtAck(core::ptr::null_mut())
    }

    /// Wraps a pointer from the kernel; may be null.
    pub(crate) fn from_raw(ptr: *mut b::netlink_ext_ack) -> ExtAck {
        ExtAck(ptr)
    }

    pub(crate) fn as_raw(&self) -> *mut b::netlink_ext_ack {
        self.0
    }

    /// Sets the error message shown to userspace (`NL_SET_ERR_MSG`).
    pub fn set_message(&self, msg: &'static CStr) {
        // SAFETY: The helper accepts null and keeps the static pointer.
        unsafe { b::rvnet_set_extack_msg(self.0, msg.as_char_ptr()) }
    }

    /// Sets `msg` and returns `err`, for `return Err(extack.fail(..))`.
    pub fn fail(&self, err: Error, msg: &'static CStr) -> Error {
        self.set_message(msg);
        err
    }
}

/// One netlink attribute.
#[derive(Clone, Copy)]
pub struct Attr<'a> {
    ptr: *const b::nlattr,
    _p: PhantomData<&'a b::nlattr>,
}

impl<'a> Attr<'a> {
    /// The attribute's payload.
    pub fn data(&self) -> &'a [u8] {
        // SAFETY: Attributes reaching rtnl callbacks were validated: the
        // payload of `nla_len` bytes lies inside the message.
        unsafe {
            let len = b::rvnet_nla_len(self.ptr) as usize;
            core::slice::from_raw_parts(b::rvnet_nla_data(self.ptr).cast::<u8>(), len)
        }
    }

    /// The attribute type.
    pub fn kind(&self) -> u16 {
        // SAFETY: `ptr` is a valid attribute.
        unsafe { b::rvnet_nla_type(self.ptr) as u16 }
    }

    fn array<const N: usize>(&self) -> [u8; N] {
        let mut a = [0u8; N];
        let d = self.data();
        let n = d.len().min(N);
        a[..n].copy_from_slice(&d[..n]);
        a
    }

    /// The payload as a `u8`.
    pub fn u8(&self) -> u8 {
        self.data().first().copied().unwrap_or(0)
    }

    /// The payload as a `u16` in host order.
    pub fn u16(&self) -> u16 {
        u16::from_ne_bytes(self.array())
    }

    /// The payload as a big-endian `u16`, converted to host order.
    pub fn be16(&self) -> u16 {
        u16::from_be_bytes(self.array())
    }

    /// The payload as a `u32` in host order.
    pub fn u32(&self) -> u32 {
        u32::from_ne_bytes(self.array())
    }

    /// The payload read as consecutive native-endian `u32` words.
    pub fn u32_at(&self, index: usize) -> u32 {
        let d = self.data();
        d.get(index * 4..index * 4 + 4)
            .map_or(0, |w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
    }

    /// Checks a nested attribute against `policy` (`nla_validate_nested`).
    pub fn validate_nested(&self, policy: &'static [Policy], extack: &ExtAck) -> Result {
        // SAFETY: `ptr` is valid and `policy` has `len` entries.
        super::to_result(unsafe {
            b::rvnet_nla_validate_nested(
                self.ptr,
                policy.len() as i32 - 1,
                Policy::table_ptr(policy),
                extack.as_raw(),
            )
        })
    }

    /// The attributes nested in this one.
    pub fn nested(&self) -> NestedIter<'a> {
        // SAFETY: As in `data`.
        let first = unsafe { b::rvnet_nla_data(self.ptr) }.cast::<b::nlattr>();
        NestedIter {
            ptr: first,
            remaining: self.data().len() as i32,
            _p: PhantomData,
        }
    }
}

/// Iterates over nested attributes.
pub struct NestedIter<'a> {
    ptr: *const b::nlattr,
    remaining: i32,
    _p: PhantomData<&'a b::nlattr>,
}

impl<'a> Iterator for NestedIter<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        // SAFETY: `nla_ok` checks that an attribute fits in what remains.
        if !unsafe { b::rvnet_nla_ok(self.ptr, self.remaining) } {
            return None;
        }
        let cur = Attr {
            ptr: self.ptr,
            _p: PhantomData,
        };
        // SAFETY: `ptr` is a valid attribute (checked above).
        self.ptr = unsafe { b::rvnet_nla_next(self.ptr, &mut self.remaining) };
        Some(cur)
    }
}

/// A parsed attribute table (`struct nlattr *tb[]`), indexed by type.
#[derive(Clone, Copy)]
pub struct Attrs<'a> {
    table: *const *mut b::nlattr,
    len: usize,
    _p: PhantomData<&'a b::nlattr>,
}

impl<'a> Attrs<'a> {
    /// Wraps a table of `max + 1` entries; null when absent.
    pub(crate) fn from_raw(table: *mut *mut b::nlattr, max: u32) -> Option<Attrs<'a>> {
        (!table.is_null()).then_some(Attrs {
            table,
            len: max as usize + 1,
            _p: PhantomData,
        })
    }

    /// The attribute of type `kind`, if present.
    pub fn get(&self, kind: u32) -> Option<Attr<'a>> {
        let kind = kind as usize;
        if kind >= self.len {
            return None;
        }
        // SAFETY: `kind` is within the table, whose entries are null or
        // valid attributes.
        let ptr = unsafe { *self.table.add(kind) };
        (!ptr.is_null()).then_some(Attr {
            ptr,
            _p: PhantomData,
        })
    }
}

/// A netlink message being built by `fill_info`.
pub struct NlMsg(*mut b::sk_buff);

impl NlMsg {
    pub(crate) fn from_raw(skb: *mut b::sk_buff) -> NlMsg {
        NlMsg(skb)
    }

    /// Appends an attribute with payload `data`.
    pub fn put(&mut self, kind: u32, data: &[u8]) -> Result {
        // SAFETY: `self.0` is the message skb; `data` is copied.
        let ret = unsafe {
            b::nla_put(
                self.0,
                kind as i32,
                data.len() as i32,
                data.as_ptr().cast::<c_void>(),
            )
        };
        if ret < 0 {
            Err(EMSGSIZE)
        } else {
            Ok(())
        }
    }

    /// Appends a `u16` attribute in host order.
    pub fn put_u16(&mut self, kind: u32, v: u16) -> Result {
        self.put(kind, &v.to_ne_bytes())
    }

    /// Appends a `u8` attribute.
    pub fn put_u8(&mut self, kind: u32, v: u8) -> Result {
        self.put(kind, &[v])
    }

    /// Appends a `u32` attribute in host order.
    pub fn put_u32(&mut self, kind: u32, v: u32) -> Result {
        self.put(kind, &v.to_ne_bytes())
    }

    /// Appends an `s32` attribute in host order.
    pub fn put_s32(&mut self, kind: u32, v: i32) -> Result {
        self.put(kind, &v.to_ne_bytes())
    }

    /// Appends a `u64` attribute, aligned with a `pad` attribute as needed
    /// (`nla_put_u64_64bit()`).
    pub fn put_u64(&mut self, kind: u32, v: u64, pad: u32) -> Result {
        // SAFETY: `self.0` is the message skb.
        let ret = unsafe { b::rvnet_nla_put_u64_64bit(self.0, kind as i32, v, pad as i32) };
        if ret < 0 {
            Err(EMSGSIZE)
        } else {
            Ok(())
        }
    }

    /// Appends a `u16` attribute in network order.
    pub fn put_be16(&mut self, kind: u32, v: u16) -> Result {
        self.put(kind, &v.to_be_bytes())
    }

    /// Appends a nest of type `kind` filled by `f`; on failure the nest is
    /// removed again. The type is sent without `NLA_F_NESTED`
    /// (`nla_nest_start_noflag()`), as older attributes are.
    pub fn nest(&mut self, kind: u32, f: impl FnOnce(&mut NlMsg) -> Result) -> Result {
        self.nest_with(kind, false, f)
    }

    /// As [`Self::nest`], with `NLA_F_NESTED` set (`nla_nest_start()`).
    pub fn nest_flagged(&mut self, kind: u32, f: impl FnOnce(&mut NlMsg) -> Result) -> Result {
        self.nest_with(kind, true, f)
    }

    fn nest_with(
        &mut self,
        kind: u32,
        flagged: bool,
        f: impl FnOnce(&mut NlMsg) -> Result,
    ) -> Result {
        // SAFETY: `self.0` is the message skb.
        let start = unsafe {
            if flagged {
                b::rvnet_nla_nest_start_flagged(self.0, kind as i32)
            } else {
                b::rvnet_nla_nest_start(self.0, kind as i32)
            }
        };
        if start.is_null() {
            return Err(EMSGSIZE);
        }
        let r = f(self);
        // SAFETY: `start` was returned by `nla_nest_start` on this skb.
        unsafe {
            if r.is_ok() {
                b::rvnet_nla_nest_end(self.0, start)
            } else {
                b::rvnet_nla_nest_cancel(self.0, start)
            }
        }
        r
    }
}

/// The space an attribute with a `payload`-byte payload takes.
pub fn total_size(payload: usize) -> usize {
    // SAFETY: Pure arithmetic.
    unsafe { b::rvnet_nla_total_size(payload as i32) as usize }
}
