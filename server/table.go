package server

import (
	"sort"
	"strings"
)

// Flag is a property of a command. The names COMMAND INFO reports are in flagNames; the
// internal ones (allShards, noMulti) steer the dispatcher and are not reported.
type Flag uint32

// Command flags.
const (
	FlagWrite Flag = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagAdmin
	FlagNoScript
	FlagLoading
	FlagStale
	FlagNoAuth
	FlagFast
	FlagAllowBusy
	// FlagNoMulti refuses the command inside MULTI.
	FlagNoMulti
	// FlagSkipSlowlog and FlagNoAsyncLoading are reported as Redis reports them; darner has
	// no slow log or async loading for them to change.
	FlagSkipSlowlog
	FlagNoAsyncLoading
	// FlagAllShards locks every shard (commands over the whole keyspace: KEYS, FLUSHDB, …).
	// Internal: COMMAND INFO does not report it.
	FlagAllShards
)

var flagNames = []struct {
	f    Flag
	name string
}{
	{FlagWrite, "write"}, {FlagReadonly, "readonly"}, {FlagDenyOOM, "denyoom"},
	{FlagAdmin, "admin"}, {FlagNoScript, "noscript"}, {FlagLoading, "loading"},
	{FlagStale, "stale"}, {FlagNoAuth, "no_auth"}, {FlagFast, "fast"},
	{FlagAllowBusy, "allow_busy"}, {FlagNoMulti, "no_multi"}, {FlagSkipSlowlog, "skip_slowlog"},
	{FlagNoAsyncLoading, "no_async_loading"},
}

// Command is one entry of the command table: everything the dispatcher, COMMAND and the
// README need to know about a command.
type Command struct {
	Name  string // lower case; a subcommand's is "parent|sub"
	Arity int    // Redis convention: N exactly, -N at least N (the name counts)
	Flags Flag
	// Key positions, as COMMAND INFO reports them: first and last key argument (last < 0
	// counts from the end) and the step between keys. First == 0 means no keys.
	First, Last, Step int
	Group             string // COMMAND DOCS group: string, hash, generic, connection, server, transactions, json
	Summary           string
	Since             string
	Handler           func(c *Ctx)
	Subcommands       []*Command

	sub map[string]*Command
}

// keyRange makes a command of group whose keys are arguments 1 to last (step 1; last < 0
// counts from the end): the shape most key commands have.
func keyRange(group, name string, arity int, flags Flag, last int, since, summary string, h func(*Ctx)) *Command {
	return &Command{Name: name, Arity: arity, Flags: flags, First: 1, Last: last, Step: 1,
		Group: group, Since: since, Summary: summary, Handler: h}
}

// Table is the one command table. It is built once by newTable from the groups' lists and
// never changed afterwards, so it is read without locks.
type Table struct {
	cmds  map[string]*Command
	names []string // sorted, for COMMAND LIST and the README
}

func newTable(groups ...[]*Command) *Table {
	t := &Table{cmds: make(map[string]*Command)}
	for _, g := range groups {
		for _, c := range g {
			if _, dup := t.cmds[c.Name]; dup {
				panic("server: command registered twice: " + c.Name)
			}
			t.cmds[c.Name] = c
			t.names = append(t.names, c.Name)
			if len(c.Subcommands) > 0 {
				c.sub = make(map[string]*Command, len(c.Subcommands))
				for _, s := range c.Subcommands {
					s.Name = c.Name + "|" + s.Name
					c.sub[strings.TrimPrefix(s.Name, c.Name+"|")] = s
				}
			}
		}
	}
	sort.Strings(t.names)
	return t
}

// Lookup returns the command named name (any case), or nil.
func (t *Table) Lookup(name []byte) *Command {
	var buf [32]byte
	if len(name) <= len(buf) {
		low := buf[:len(name)]
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			low[i] = c
		}
		return t.cmds[string(low)]
	}
	return t.cmds[strings.ToLower(string(name))]
}

// Names returns every top-level command name, sorted.
func (t *Table) Names() []string { return t.names }

// Commands returns every top-level command, sorted by name.
func (t *Table) Commands() []*Command {
	out := make([]*Command, len(t.names))
	for i, n := range t.names {
		out[i] = t.cmds[n]
	}
	return out
}

// keyArgs appends to dst the key arguments of args by the command's key positions.
func (c *Command) keyArgs(args [][]byte, dst [][]byte) [][]byte {
	if c.First == 0 || c.First >= len(args) {
		return dst
	}
	last := c.Last
	if last < 0 {
		last += len(args)
	}
	last = min(last, len(args)-1)
	step := max(c.Step, 1)
	for i := c.First; i <= last; i += step {
		dst = append(dst, args[i])
	}
	return dst
}

// arityOK reports whether n arguments (the name included) fit the command's arity.
func (c *Command) arityOK(n int) bool {
	if c.Arity >= 0 {
		return n == c.Arity
	}
	return n >= -c.Arity
}
