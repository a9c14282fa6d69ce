package ioc

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling OS thread, so that a
// benchmark on a shared machine can report throughput per CPU second of
// its own thread (the goroutine must be locked to its thread).
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
