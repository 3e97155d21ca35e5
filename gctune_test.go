package main

import "testing"

func TestGCPercent(t *testing.T) {
	cases := []struct {
		live int64
		want int
	}{
		{0, 6400},
		{1 << 20, 6400},  // capped: the 4 MiB minimum heap Go starts from
		{64 << 20, 400},  // 64 MiB live may grow by 256 MiB
		{256 << 20, 100}, // from here on, Go's default
		{10 << 30, 100},
	}
	for _, c := range cases {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}
