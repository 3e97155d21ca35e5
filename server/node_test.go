package server_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// TestNodeClients runs testdata/clients/node/suite.js against darner: node-redis 6.3.1 in
// RESP2 and RESP3 (FT.CREATE/SEARCH/INFO/_LIST, JSON, PARAMS, KNN over blobs) and redis-om
// 0.4.7 (schema, save, fetch, the search builder, remove), at the versions its
// package-lock.json pins. node_modules is installed with npm ci when missing; .ci/run sets
// CI, which makes a missing Node fail the test instead of skipping it.
func TestNodeClients(t *testing.T) {
	dir := "testdata/clients/node"
	servertest.NPMInstall(t, dir, "redis-om")
	s := servertest.Start(t, servertest.Options{})
	cmd := exec.Command("node", "suite.js", s.Addr[strings.LastIndexByte(s.Addr, ':')+1:])
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "ok\n", string(out))
}
