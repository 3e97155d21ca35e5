package server

import (
	"fmt"
	"sync/atomic"
)

// settings is the configuration as it stands now: the start-up Config plus what CONFIG SET
// changed. Values read on every command are atomics; bind and port never change.
type settings struct {
	bind string
	port int

	requirepass     atomic.Pointer[string]
	maxClients      atomic.Int64
	dir             atomic.Pointer[string]
	logLevel        atomic.Pointer[string]
	protoMaxBulkLen atomic.Int64
	queryBufLimit   atomic.Int64
}

func newSettings(c Config) (*settings, error) {
	switch c.LogLevel {
	case "debug", "verbose", "notice", "warning", "nothing":
	default:
		return nil, fmt.Errorf("loglevel must be one of debug, verbose, notice, warning, nothing; got %q", c.LogLevel)
	}
	if c.MaxClients < 1 {
		return nil, fmt.Errorf("maxclients must be at least 1; got %d", c.MaxClients)
	}
	st := &settings{bind: c.Bind, port: c.Port}
	st.requirepass.Store(&c.RequirePass)
	st.maxClients.Store(int64(c.MaxClients))
	st.dir.Store(&c.Dir)
	st.logLevel.Store(&c.LogLevel)
	st.protoMaxBulkLen.Store(c.ProtoMaxBulkLen)
	st.queryBufLimit.Store(c.ClientQueryBufferLimit)
	return st, nil
}

func (st *settings) requirePass() string { return *st.requirepass.Load() }
