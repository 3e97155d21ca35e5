package server_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"darner/engine"
	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
)

// eventLog records what the engine tells an observer (a search index, later): kind and key.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) Observe(_ int, ev engine.Event) {
	kind := map[engine.EventKind]string{engine.EventWrite: "write", engine.EventDelete: "delete",
		engine.EventExpire: "expire", engine.EventFlush: "flush"}[ev.Kind]
	l.mu.Lock()
	defer l.mu.Unlock()
	if ev.Kind == engine.EventFlush {
		if n := len(l.events); n > 0 && l.events[n-1] == "flush" {
			return // one per shard; keep one
		}
		l.events = append(l.events, kind)
		return
	}
	l.events = append(l.events, kind+" "+strings.Clone(ev.Key))
}

func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

// Every change to a key reaches the observers: the hook search indexes will use.
func TestKeyChangesReachObservers(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	log := &eventLog{}
	s.Store.AddObserver(log)
	rdb := s.Client(t, 2)
	ctx := t.Context()
	steps := []struct {
		do   func()
		want []string
	}{
		{func() { rdb.HSet(ctx, "doc:1", "title", "hello") }, []string{"write doc:1"}},
		{func() { rdb.Rename(ctx, "doc:1", "doc:2") }, []string{"delete doc:1", "write doc:2"}},
		{func() { rdb.Copy(ctx, "doc:2", "doc:3", 0, false) }, []string{"write doc:3"}},
		{func() { rdb.Del(ctx, "doc:2", "nothere") }, []string{"delete doc:2"}},
		{func() { rdb.JSONSet(ctx, "j", "$", `{"a":1}`) }, []string{"write j"}},
		{func() { rdb.JSONNumIncrBy(ctx, "j", "$.a", 2) }, []string{"write j"}},
		{func() { rdb.Get(ctx, "j"); rdb.HGet(ctx, "doc:3", "title") }, nil},
		{func() { rdb.FlushDB(ctx) }, []string{"flush"}},
	}
	for i, st := range steps {
		st.do()
		assert.Equal(t, st.want, log.take(), "step %d", i)
	}

	// Expiry, lazily on access and by the active cycle, is reported as such.
	rdb.Set(ctx, "short", "v", 0)
	rdb.PExpire(ctx, "short", 20*time.Millisecond)
	log.take()
	assert.Eventually(t, func() bool {
		ev := log.take()
		return len(ev) == 1 && ev[0] == "expire short"
	}, 5*time.Second, 20*time.Millisecond)
}
