package ioc

import (
	"net/netip"
	"strconv"
)

type netipAddr = netip.Addr

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func itoa(i int) string { return strconv.Itoa(i) }
