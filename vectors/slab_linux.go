package vectors

import (
	"syscall"
	"unsafe"
)

const hugePage = 2 << 20

// mapHuge maps n bytes (rounded up to huge pages) of anonymous memory aligned to a huge
// page and asks for transparent huge pages on it. It panics when the system has no memory
// to map, as make does.
func mapHuge(n int) []byte {
	n = (n + hugePage - 1) &^ (hugePage - 1)
	b, err := syscall.Mmap(-1, 0, n+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		panic("vectors: mmap: " + err.Error())
	}
	// Keep the aligned n bytes; give back the ends.
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	skip := int((p+hugePage-1)&^(hugePage-1) - p)
	if skip > 0 {
		unmapRange(p, skip)
	}
	if tail := hugePage - skip; tail > 0 {
		unmapRange(p+uintptr(skip+n), tail)
	}
	m := b[skip : skip+n : skip+n]
	// MADV_HUGEPAGE fails on kernels without transparent huge pages; the memory works the same.
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(unsafe.SliceData(m))), uintptr(n), syscall.MADV_HUGEPAGE)
	return m
}

func unmap(m []byte) { unmapRange(uintptr(unsafe.Pointer(unsafe.SliceData(m))), len(m)) }

func unmapRange(p uintptr, n int) {
	if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, p, uintptr(n), 0); e != 0 {
		panic("vectors: munmap: " + e.Error())
	}
}
