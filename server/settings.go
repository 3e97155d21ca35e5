package server

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// settings is the configuration as it stands now: the start-up Config plus what CONFIG SET
// changed. Values read on every command are atomics; bind and port never change. The hash
// encoding limits live in package engine (engine.HashListpackEntries), which reads them.
type settings struct {
	bind string
	port int

	requirepass     atomic.Pointer[string]
	maxClients      atomic.Int64
	dir             atomic.Pointer[string]
	dbfilename      atomic.Pointer[string]
	save            string
	logLevel        atomic.Pointer[string]
	levelVar        *slog.LevelVar // may be nil
	protoMaxBulkLen atomic.Int64
	queryBufLimit   atomic.Int64

	// setMu serialises CONFIG SET, so that two multi-parameter SETs do not interleave their
	// checks and changes. Readers do not take it: each value is an atomic on its own.
	setMu sync.Mutex

	// memPeak is the largest used_memory INFO has seen; CONFIG RESETSTAT clears it with the
	// other statistics.
	memPeak atomic.Int64
}

func newSettings(c Config) (*settings, error) {
	if !validLogLevel(c.LogLevel) {
		return nil, fmt.Errorf("loglevel must be one of %s; got %q", logLevelList, c.LogLevel)
	}
	if c.MaxClients < 1 {
		return nil, fmt.Errorf("maxclients must be at least 1; got %d", c.MaxClients)
	}
	st := &settings{bind: c.Bind, port: c.Port}
	st.requirepass.Store(&c.RequirePass)
	st.maxClients.Store(int64(c.MaxClients))
	st.dir.Store(&c.Dir)
	if c.DBFilename == "" || strings.ContainsRune(c.DBFilename, filepath.Separator) {
		return nil, fmt.Errorf("dbfilename must be a file name without a directory; got %q", c.DBFilename)
	}
	st.dbfilename.Store(&c.DBFilename)
	st.save = c.Save
	st.logLevel.Store(&c.LogLevel)
	st.levelVar = c.LogLevelVar
	st.protoMaxBulkLen.Store(c.ProtoMaxBulkLen)
	st.queryBufLimit.Store(c.ClientQueryBufferLimit)
	return st, nil
}

func (st *settings) requirePass() string { return *st.requirepass.Load() }

// logLevels are Redis' level names ("nothing" is Redis 7.2's).
var logLevels = []string{"debug", "verbose", "notice", "warning", "nothing"}

const logLevelList = "debug, verbose, notice, warning, nothing"

func validLogLevel(l string) bool {
	for _, v := range logLevels {
		if l == v {
			return true
		}
	}
	return false
}

// notePeak records used as the peak memory if it is the largest seen, and returns the peak.
func (st *settings) notePeak(used int64) int64 {
	for {
		p := st.memPeak.Load()
		if used <= p {
			return p
		}
		if st.memPeak.CompareAndSwap(p, used) {
			return used
		}
	}
}

// SlogLevel maps Redis' level names onto slog's.
func SlogLevel(name string) slog.Level {
	switch name {
	case "debug":
		return slog.LevelDebug
	case "verbose":
		return slog.LevelDebug + 2
	case "warning":
		return slog.LevelWarn
	case "nothing":
		return slog.LevelError + 4
	}
	return slog.LevelInfo
}
