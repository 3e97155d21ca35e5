package server_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/stretchr/testify/require"
)

// The README's command list and module list are generated from the running server, so
// they cannot drift from it. `go test ./server -run README -update` rewrites them.
func init() {
	// Other golden-file tests of the package may define -update too; share it.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite generated files (the README's command list)")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const readmePath = "../README.md"

func TestREADME(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	raw, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	readme := string(raw)
	readme = replaceBlock(t, readme, "commands", renderCommands(s.Srv.Table()))
	readme = replaceBlock(t, readme, "modules", renderModules(t, s))
	if updating() {
		require.NoError(t, os.WriteFile(readmePath, []byte(readme), 0o644))
		return
	}
	if readme != string(raw) {
		t.Fatalf("README.md's generated blocks are stale; run go test ./server -run README -update\n%s",
			lineDiff(string(raw), readme))
	}
}

// lineDiff lists the lines only in want (+) and only in got (-): enough to see which
// commands were added, removed or redescribed.
func lineDiff(got, want string) string {
	var b strings.Builder
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for _, l := range wantLines {
		if !slices.Contains(gotLines, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	for _, l := range gotLines {
		if !slices.Contains(wantLines, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}

// replaceBlock swaps the text between <!-- name --> and <!-- /name --> for body.
func replaceBlock(t *testing.T, doc, name, body string) string {
	t.Helper()
	open, end := "<!-- "+name+" -->\n", "<!-- /"+name+" -->"
	i := strings.Index(doc, open)
	j := strings.Index(doc, end)
	require.True(t, i >= 0 && j > i, "README.md lacks the %s markers", name)
	return doc[:i+len(open)] + body + doc[j:]
}

// groupOrder is the order the README lists groups in; groups not named come after, sorted.
var groupOrder = []string{"connection", "server", "generic", "string", "hash", "json", "search", "transactions"}

func renderCommands(table *server.Table) string {
	byGroup := map[string][]*server.Command{}
	for _, c := range table.Commands() {
		byGroup[c.Group] = append(byGroup[c.Group], c)
	}
	var rest []string
	for g := range byGroup {
		if !slices.Contains(groupOrder, g) {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	var b strings.Builder
	for _, g := range append(slices.Clone(groupOrder), rest...) {
		cmds := byGroup[g]
		if len(cmds) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n**%s**\n\n", g)
		for _, c := range cmds {
			fmt.Fprintf(&b, "- `%s` — %s\n", strings.ToUpper(c.Name), c.Summary)
			for _, sub := range c.Subcommands {
				fmt.Fprintf(&b, "  - `%s` — %s\n", strings.ToUpper(strings.ReplaceAll(sub.Name, "|", " ")), sub.Summary)
			}
		}
	}
	return b.String() + "\n"
}

// renderModules lists what MODULE LIST answers.
func renderModules(t *testing.T, s *servertest.Server) string {
	v, err := s.Client(t, 2).Do(t.Context(), "MODULE", "LIST").Slice()
	require.NoError(t, err)
	var b strings.Builder
	for _, m := range v {
		f := m.([]any)
		fmt.Fprintf(&b, "- `%v` version %v\n", f[1], f[3])
	}
	return b.String()
}
