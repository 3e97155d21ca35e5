package server_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// debianPython is the interpreter Debian's python3-redis is installed for (a python3 earlier
// on the PATH, such as pyenv's, does not see Debian's packages).
const debianPython = "/usr/bin/python3"

// TestRedisPy runs redis-py 4.3 (Debian's python3-redis, which .ci/run installs) against
// darner: FT.CREATE/SEARCH/INFO through its search client, JSON, pipelines.
func TestRedisPy(t *testing.T) {
	servertest.Need(t, exec.Command(debianPython, "-c", "import redis.commands.search").Run(),
		"Debian's python3-redis (apt-get install python3-redis)")
	s := servertest.Start(t, servertest.Options{})
	port := s.Addr[strings.LastIndexByte(s.Addr, ':')+1:]
	_, err := strconv.Atoi(port)
	require.NoError(t, err)
	out, err := exec.Command(debianPython, "testdata/clients/redispy_search.py", port).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, "ok\n", string(out))
}
