package server_test

import (
	"log/slog"
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigSetLoglevelChangesTheLogger(t *testing.T) {
	lv := new(slog.LevelVar)
	lv.Set(server.SlogLevel("notice"))
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.LogLevelVar = lv }})
	rdb := s.Client(t, 2)
	for _, c := range []struct {
		name string
		want slog.Level
	}{{"warning", slog.LevelWarn}, {"debug", slog.LevelDebug}, {"notice", slog.LevelInfo}} {
		require.NoError(t, rdb.ConfigSet(t.Context(), "loglevel", c.name).Err())
		assert.Equal(t, c.want, lv.Level(), c.name)
	}
	assert.Error(t, rdb.ConfigSet(t.Context(), "loglevel", "loud").Err())
	assert.Equal(t, slog.LevelInfo, lv.Level())
}
