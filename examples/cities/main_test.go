package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// The example, run against a darner started here, prints exactly testdata/output.txt (the
// seed's replies), twice in a row (it starts from a fresh index), and the README shows
// that output.
func TestCitiesExample(t *testing.T) {
	want, err := os.ReadFile("testdata/output.txt")
	require.NoError(t, err)
	s := servertest.Start(t, servertest.Options{})
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2})
	t.Cleanup(func() { rdb.Close() })
	for range 2 {
		var out bytes.Buffer
		require.NoError(t, run(context.Background(), rdb, &out))
		require.Equal(t, string(want), out.String())
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(readme), string(want)), "README.md shows testdata/output.txt")
}
