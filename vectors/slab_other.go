//go:build !linux

package vectors

// mapHuge is n bytes from Go's heap where there is no mmap with huge pages to ask for; the
// slab keeps them reachable until free.
func mapHuge(n int) []byte { return make([]byte, n) }

func unmap(m []byte) {}
