// SPDX-License-Identifier: GPL-2.0

//! The alias kind's pure logic: macvlan (`drivers/net/macvlan.c`) and
//! ipvlan (`drivers/net/ipvlan/`) option checks, delivery decisions and
//! hashes, and the text of `/proc/net/alias/LOWER`.

pub mod hash;
pub mod ipvlan;
pub mod macvlan;
pub mod proc;

/// The errno values these checks return (positive, as `i32`).
pub mod errno {
    /// `EPERM`: operation not permitted.
    pub const EPERM: i32 = 1;
    /// `ENOMEM`: out of memory.
    pub const ENOMEM: i32 = 12;
    /// `EBUSY`: device or resource busy.
    pub const EBUSY: i32 = 16;
    /// `ENODEV`: no such device.
    pub const ENODEV: i32 = 19;
    /// `EINVAL`: invalid argument.
    pub const EINVAL: i32 = 22;
    /// `ENOSPC`: no space left (an id allocator is full).
    pub const ENOSPC: i32 = 28;
    /// `EOPNOTSUPP`: operation not supported.
    pub const EOPNOTSUPP: i32 = 95;
    /// `EADDRINUSE`: address already in use.
    pub const EADDRINUSE: i32 = 98;
    /// `EADDRNOTAVAIL`: cannot assign requested address.
    pub const EADDRNOTAVAIL: i32 = 99;
    /// `ENOTSUPP` (kernel internal, 524): what ipvlan returns for l3s
    /// when built without `CONFIG_IPVLAN_L3S`.
    pub const ENOTSUPP: i32 = 524;
}
