package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// gcHeadroom is the smallest heap growth allowed between two collections. With Go's default
// (GOGC=100: a collection each time the heap doubles) a server holding little data collects
// every few megabytes of request garbage, and the collections cost more than the requests.
// Giving small heaps at least this much room, while large heaps keep GOGC=100, bounds the
// extra memory by max(gcHeadroom, live heap) and removes most collections under load.
const gcHeadroom = 256 << 20

// tuneGC adjusts GOGC once a second from the live heap, until ctx ends. It does nothing
// when the user set GOGC themselves (gogcSet).
func tuneGC(ctx context.Context, gogcSet bool) {
	if gogcSet {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		metrics.Read(sample)
		live := int64(sample[0].Value.Uint64())
		debug.SetGCPercent(gcPercent(live))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// gcPercent is the GOGC that lets a heap of live bytes grow by at least gcHeadroom.
func gcPercent(live int64) int {
	if live <= 0 {
		return 100 * gcHeadroom / (4 << 20)
	}
	return int(max(100, min(100*gcHeadroom/live, 100*gcHeadroom/(4<<20))))
}
