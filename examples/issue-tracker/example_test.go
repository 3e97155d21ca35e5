// Package issuetracker holds the test of the Node example beside it (index.js): the Go
// toolchain runs it with the rest of `go test ./...`.
package issuetracker

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// The example, run with Node against a darner started here, prints testdata/output.txt,
// which README.md shows: redis-om's schema (with the path functions as paths), save, and
// the seed's query, then the path functions' own queries through node-redis. node_modules
// is installed from package-lock.json first when missing (npm ci). .ci/run sets CI, which
// makes a missing Node fail the test instead of skipping it.
func TestIssueTrackerExample(t *testing.T) {
	servertest.NPMInstall(t, ".", "redis-om")
	want, err := os.ReadFile("testdata/output.txt")
	require.NoError(t, err)
	s := servertest.Start(t, servertest.Options{})
	for range 2 { // it starts from nothing each time
		cmd := exec.Command("node", "index.js")
		cmd.Env = append(os.Environ(), "REDIS_URL=redis://"+s.Addr)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Equal(t, string(want), string(out))
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(readme), string(want)), "README.md shows testdata/output.txt")
}
