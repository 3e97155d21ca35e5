//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package server

// cpuTimes is not available on this platform: INFO's cpu section stays empty.
func cpuTimes() (user, sys, childUser, childSys float64, ok bool) { return 0, 0, 0, 0, false }
