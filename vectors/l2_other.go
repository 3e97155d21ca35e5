//go:build !amd64

package vectors

func l2sq(a, b []float32) float32 { return l2sqGo(a, b) }

func prefetch(v []float32) {}

func prefetchLinks(s []int32) {}
