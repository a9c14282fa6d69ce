//go:build !amd64

package ioc

// scanBlocks finds blocks with events; amd64 has an AVX2 version.
var scanBlocks = eventsFromGo
