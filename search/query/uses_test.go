package query

import (
	"fmt"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"
)

// outcome is what a parse gives, comparable: the dump of the tree or the error's text.
func outcome(n Node, err error) string {
	if err != nil {
		return "ERR " + err.Error()
	}
	return dump(n)
}

// A parse depends on no parameter but those ParseUses reports, and on a blob parameter
// (AnyValue) only through its presence: changing the value of any other parameter, or
// removing it, leaves the outcome as it was. This is what makes search's cache of parsed
// trees sound. Every parse case runs in its dialect, each parameter changed in turn to
// values of each kind the parser reads (word, number, range bound, empty) and removed.
func TestParseDependsOnlyOnUses(t *testing.T) {
	others := []string{"zz", "9", "-1", "(3", "", "inf", "x y", "\x00"}
	for _, tc := range parseCases {
		opts := testOptions(tc.d)
		n, uses, err := ParseUses(tc.q, opts)
		want := outcome(n, err)
		if err == nil {
			require.Equal(t, want, outcome(Parse(tc.q, opts)), "Parse and ParseUses agree: %q", tc.q)
		}
		read := map[string]ParamUse{}
		for _, u := range uses {
			require.NotContains(t, read, u.Name, "one use per parameter: %q", tc.q)
			read[u.Name] = u
			v, ok := opts.Params[u.Name]
			require.Equal(t, ok, u.Found, "%q: %s", tc.q, u.Name)
			if !u.AnyValue {
				require.Equal(t, v, u.Value, "%q: %s", tc.q, u.Name)
			}
		}
		if err != nil {
			continue // search caches only trees
		}
		for name := range testParams {
			u, isRead := read[name]
			if isRead && !u.AnyValue {
				continue
			}
			variants := make([]map[string]string, 0, len(others)+1)
			if !isRead { // a blob's presence is read: only its value may change
				gone := maps.Clone(testParams)
				delete(gone, name)
				variants = append(variants, gone)
			}
			for _, o := range others {
				m := maps.Clone(testParams)
				m[name] = o
				variants = append(variants, m)
			}
			for _, m := range variants {
				o := opts
				o.Params = m
				got := outcome(Parse(tc.q, o))
				require.Equal(t, want, got, "%q (dialect %d): changing $%s to %s changed the parse",
					tc.q, tc.d, name, fmt.Sprintf("%q", m[name]))
			}
		}
	}
}
