#!/bin/bash
. "$RVNET_TESTS/lib.sh"
cd $RVNET_TESTS/kselftest/drivers/net/bonding
timeout 40 bash ./$1 2>&1 | tail -40
