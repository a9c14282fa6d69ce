//go:build !amd64

package ioc

// scanChunk finds the events of blocks; amd64 has an AVX2 version.
var scanChunk = eventsChunkGo
