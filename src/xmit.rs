// SPDX-License-Identifier: GPL-2.0

//! A driver's `ndo_start_xmit` return codes, as the core reads them
//! (`dev_xmit_complete()`), for devices that hand packets to others'
//! drivers directly.

/// How a transmit through a driver ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmitOutcome {
    /// Sent (`NETDEV_TX_OK` or `NET_XMIT_CN`).
    Sent,
    /// Completed but dropped by the driver.
    Dropped,
    /// Not taken (`NETDEV_TX_BUSY`): the packet is still the caller's.
    Busy,
}

/// `NET_XMIT_CN`.
pub const NET_XMIT_CN: i32 = 0x02;
/// `NET_XMIT_MASK`.
pub const NET_XMIT_MASK: i32 = 0x0f;

/// Classifies a driver's `ndo_start_xmit` return code.
pub fn xmit_outcome(rc: i32) -> XmitOutcome {
    if rc >= NET_XMIT_MASK {
        XmitOutcome::Busy
    } else if rc == 0 || rc == NET_XMIT_CN {
        XmitOutcome::Sent
    } else {
        XmitOutcome::Dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(xmit_outcome(0), XmitOutcome::Sent);
        assert_eq!(xmit_outcome(NET_XMIT_CN), XmitOutcome::Sent);
        assert_eq!(xmit_outcome(1), XmitOutcome::Dropped);
        assert_eq!(xmit_outcome(0x10), XmitOutcome::Busy);
    }
}
