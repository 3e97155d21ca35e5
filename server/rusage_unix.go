//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package server

import "syscall"

// cpuTimes returns the process's and its children's CPU seconds (INFO cpu).
func cpuTimes() (user, sys, childUser, childSys float64, ok bool) {
	var self, kids syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil ||
		syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) != nil {
		return 0, 0, 0, 0, false
	}
	secs := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return secs(self.Utime), secs(self.Stime), secs(kids.Utime), secs(kids.Stime), true
}
