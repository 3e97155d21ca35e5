package servertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need stops a test that drives darner with an installed client when that client is
// missing (err not nil): it fails under CI, which .ci/run sets after installing every
// client, and skips elsewhere; what says what to install.
func Need(t testing.TB, err error, what string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing: %v", what, err)
	}
	t.Skipf("%s is not installed: %v", what, err)
}

// NeedTools is Need for programs on the PATH.
func NeedTools(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		_, err := exec.LookPath(name)
		Need(t, err, name)
	}
}

// NPMInstall installs the packages of the Node project in dir, at the versions its
// package-lock.json pins (npm ci), unless node_modules already holds pkg.
func NPMInstall(t testing.TB, dir, pkg string) {
	t.Helper()
	NeedTools(t, "node", "npm")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}
