package server_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// TestRedisCLISession pipes a scripted session (testdata/clients/rediscli_session.txt: the
// seed's cities, JSON issues, a syntax error, a dropped index) through redis-cli (Debian's
// redis-tools, which .ci/run installs) into darner, and compares what redis-cli prints with
// testdata/clients/rediscli_session.expected.
func TestRedisCLISession(t *testing.T) {
	servertest.NeedTools(t, "redis-cli")
	script, err := os.Open("testdata/clients/rediscli_session.txt")
	require.NoError(t, err)
	defer script.Close()
	want, err := os.ReadFile("testdata/clients/rediscli_session.expected")
	require.NoError(t, err)
	s := servertest.Start(t, servertest.Options{})
	host, port, _ := strings.Cut(s.Addr, ":")
	cmd := exec.Command("redis-cli", "-h", host, "-p", port, "--no-raw")
	cmd.Stdin = script
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, string(want), string(out))
}
