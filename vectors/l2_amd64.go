package vectors

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useAVX2 is whether this CPU runs the assembly kernel (vek's own condition for its kernels).
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func l2sqAVX2(a, b []float32) float32

// l2sq is the squared Euclidean distance of two vectors of equal length.
func l2sq(a, b []float32) float32 {
	if useAVX2 && len(a) > 0 {
		return l2sqAVX2(a, b[:len(a)])
	}
	return l2sqGo(a, b)
}

//go:noescape
func prefetchAsm(p *float32, n int)

// prefetch asks for v to be brought into the caches, so that a distance computed on it
// soon after does not wait for memory.
func prefetch(v []float32) {
	if len(v) > 0 {
		prefetchAsm(&v[0], len(v))
	}
}

// prefetchLinks is prefetch for a node's link slots.
func prefetchLinks(s []int32) {
	if len(s) > 0 {
		prefetchAsm((*float32)(unsafe.Pointer(&s[0])), len(s))
	}
}
