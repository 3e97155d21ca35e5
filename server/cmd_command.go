package server

import "strings"

// COMMAND and its subcommands describe the command table itself. Everything they say is
// derived from the table's entries, so there is nothing to keep in step by hand.

func commandCommands() []*Command {
	const ls = FlagLoading | FlagStale
	return []*Command{
		{Name: "command", Arity: -1, Flags: ls, Group: "server", Since: "2.8.13",
			Summary: "Returns detailed information about every command.", Handler: cmdCommand,
			Subcommands: []*Command{
				{Name: "count", Arity: 2, Flags: ls, Group: "server", Since: "2.8.13",
					Summary: "Returns the number of commands.", Handler: cmdCommandCount},
				{Name: "info", Arity: -2, Flags: ls, Group: "server", Since: "2.8.13",
					Summary: "Returns information about one, several or all commands.", Handler: cmdCommandInfo},
				{Name: "docs", Arity: -2, Flags: ls, Group: "server", Since: "7.0.0",
					Summary: "Returns documentary information about one, several or all commands.", Handler: cmdCommandDocs},
				{Name: "list", Arity: -2, Flags: ls, Group: "server", Since: "7.0.0",
					Summary: "Returns a list of command names, optionally filtered.", Handler: cmdCommandList},
				{Name: "getkeys", Arity: -3, Flags: ls, Group: "server", Since: "2.8.13",
					Summary: "Extracts the key names from an arbitrary command.", Handler: cmdCommandGetKeys},
				{Name: "getkeysandflags", Arity: -3, Flags: ls, Group: "server", Since: "7.0.0",
					Summary: "Extracts the key names and access flags from an arbitrary command.", Handler: cmdCommandGetKeys},
				{Name: "help", Arity: 2, Flags: ls, Group: "server", Since: "5.0.0",
					Summary: "Describes the COMMAND subcommands.", Handler: cmdCommandHelp},
			}},
	}
}

// groupModule names the module a command group stands in for: COMMAND LIST FILTERBY MODULE
// and the "module" flag follow it, so that clients see JSON.* and FT.* as Redis Stack shows
// them.
var groupModule = map[string]string{"json": "ReJSON", "search": "search"}

// groupCategory is the ACL category each group implies.
var groupCategory = map[string]string{
	"generic": "keyspace", "string": "string", "hash": "hash", "connection": "connection",
	"transactions": "transaction", "scripting": "scripting", "pubsub": "pubsub",
	"json": "json", "search": "search",
}

// aclOrder is the order Redis lists ACL categories in; module categories (json, search)
// come after it.
var aclOrder = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
	"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
	"dangerous", "connection", "transaction", "scripting", "json", "search",
}

// aclCategories derives a command's ACL categories as Redis does for its implicit ones
// (write, read, admin+dangerous, fast or else slow) plus the one of its group.
func aclCategories(c *Command) []string {
	has := make(map[string]bool, 4)
	if len(c.Subcommands) == 0 {
		has[groupCategory[c.Group]] = true
	}
	has["write"] = c.Flags&FlagWrite != 0
	has["read"] = c.Flags&FlagReadonly != 0
	has["admin"] = c.Flags&FlagAdmin != 0
	has["dangerous"] = c.Flags&FlagAdmin != 0
	has["fast"] = c.Flags&FlagFast != 0
	has["slow"] = c.Flags&FlagFast == 0
	var out []string
	for _, cat := range aclOrder {
		if has[cat] {
			out = append(out, cat)
		}
	}
	return out
}

// commandFlags lists the flag names COMMAND INFO reports.
func commandFlags(c *Command) []string {
	var out []string
	for _, f := range flagNames {
		if c.Flags&f.f != 0 {
			out = append(out, f.name)
		}
	}
	if groupModule[c.Group] != "" {
		out = append(out, "module")
	}
	return out
}

// lookupFullName finds a command or a subcommand by its full name ("config|get").
func (t *Table) lookupFullName(name string) *Command {
	parent, sub, isSub := strings.Cut(strings.ToLower(name), "|")
	c := t.Lookup([]byte(parent))
	if c == nil || !isSub {
		return c
	}
	return c.sub[sub]
}

// writeCommandInfo writes Redis 7's ten-element COMMAND INFO entry: name, arity, flags,
// first key, last key, step, ACL categories, tips, key specifications, subcommands.
func writeCommandInfo(w *Writer, c *Command) {
	w.Array(10)
	w.BulkString(c.Name)
	w.Int(int64(c.Arity))
	writeStatusSet(w, commandFlags(c))
	w.Int(int64(c.First))
	w.Int(int64(c.Last))
	w.Int(int64(c.Step))
	cats := aclCategories(c)
	w.Set(len(cats))
	for _, cat := range cats {
		w.Simple("@" + cat)
	}
	w.Set(0) // tips: none, so clients route by the key positions
	writeKeySpecs(w, c)
	if len(c.Subcommands) == 0 {
		w.Set(0) // Redis' shape for "no subcommands"
		return
	}
	w.Array(len(c.Subcommands))
	for _, s := range c.Subcommands {
		writeCommandInfo(w, s)
	}
}

func writeStatusSet(w *Writer, items []string) {
	w.Set(len(items))
	for _, s := range items {
		w.Simple(s)
	}
}

// keyAccess is the access flag of a command's keys: the table records whether a command
// writes, not Redis' finer access/update/insert/delete, so a writer's keys are RW.
func keyAccess(c *Command) string {
	if c.Flags&FlagWrite != 0 {
		return "RW"
	}
	return "RO"
}

// writeKeySpecs writes the one range key specification the table's key positions describe.
func writeKeySpecs(w *Writer, c *Command) {
	if c.First <= 0 {
		w.Set(0)
		return
	}
	last := c.Last // relative to the first key when not counted from the end
	if last >= 0 {
		last -= c.First
	}
	w.Set(1)
	w.Map(3)
	w.BulkString("flags")
	writeStatusSet(w, []string{keyAccess(c)})
	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	w.BulkString("index")
	w.BulkString("spec")
	w.Map(1)
	w.BulkString("index")
	w.Int(int64(c.First))
	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	w.BulkString("range")
	w.BulkString("spec")
	w.Map(3)
	w.BulkString("lastkey")
	w.Int(int64(last))
	w.BulkString("keystep")
	w.Int(int64(max(c.Step, 1)))
	w.BulkString("limit")
	w.Int(0)
}

// COMMAND
func cmdCommand(c *Ctx) {
	cmds := c.srv.table.Commands()
	c.W.Array(len(cmds))
	for _, cmd := range cmds {
		writeCommandInfo(c.W, cmd)
	}
}

// COMMAND COUNT
func cmdCommandCount(c *Ctx) { c.W.Int(int64(len(c.srv.table.Names()))) }

// COMMAND INFO [command-name [command-name ...]]
func cmdCommandInfo(c *Ctx) {
	if len(c.Args) == 2 {
		cmdCommand(c)
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, name := range c.Args[2:] {
		if cmd := c.srv.table.lookupFullName(string(name)); cmd != nil {
			writeCommandInfo(c.W, cmd)
		} else {
			c.W.Null()
		}
	}
}

// COMMAND DOCS [command-name [command-name ...]]
func cmdCommandDocs(c *Ctx) {
	var cmds []*Command
	if len(c.Args) == 2 {
		cmds = c.srv.table.Commands()
	}
	for _, name := range c.Args[2:] {
		if cmd := c.srv.table.lookupFullName(string(name)); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	c.W.Map(len(cmds))
	for _, cmd := range cmds {
		c.W.BulkString(cmd.Name)
		writeCommandDocs(c.W, cmd)
	}
}

// writeCommandDocs writes the documentation map of one command. The table keeps no
// complexity or argument list, so those fields are left out.
func writeCommandDocs(w *Writer, c *Command) {
	n := 3
	if len(c.Subcommands) > 0 {
		n++
	}
	w.Map(n)
	w.BulkString("summary")
	w.BulkString(c.Summary)
	w.BulkString("since")
	w.BulkString(c.Since)
	w.BulkString("group")
	w.BulkString(c.Group)
	if len(c.Subcommands) == 0 {
		return
	}
	w.BulkString("subcommands")
	w.Map(len(c.Subcommands))
	for _, s := range c.Subcommands {
		w.BulkString(s.Name)
		writeCommandDocs(w, s)
	}
}

// COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]
func cmdCommandList(c *Ctx) {
	keep := func(*Command) bool { return true }
	switch {
	case len(c.Args) == 2:
	case len(c.Args) == 5 && strings.EqualFold(string(c.Args[2]), "filterby"):
		val := string(c.Args[4])
		switch strings.ToLower(string(c.Args[3])) {
		case "module":
			keep = func(cmd *Command) bool { return strings.EqualFold(groupModule[cmd.Group], val) }
		case "aclcat":
			keep = func(cmd *Command) bool {
				for _, cat := range aclCategories(cmd) {
					if strings.EqualFold(cat, val) {
						return true
					}
				}
				return false
			}
		case "pattern":
			keep = func(cmd *Command) bool { return matchGlob(val, cmd.Name, true) }
		default:
			c.Err(errSyntax)
			return
		}
	default:
		c.Err(errSyntax)
		return
	}
	var names []string
	for _, cmd := range c.srv.table.Commands() {
		if keep(cmd) {
			names = append(names, cmd.Name)
		}
		for _, s := range cmd.Subcommands {
			if keep(s) {
				names = append(names, s.Name)
			}
		}
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// COMMAND GETKEYS command [arg [arg ...]]
// COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
func cmdCommandGetKeys(c *Ctx) {
	args := c.Args[2:]
	cmd := c.srv.table.Lookup(args[0])
	if cmd != nil && cmd.sub != nil && len(args) >= 2 {
		cmd = cmd.sub[strings.ToLower(string(args[1]))]
	}
	switch {
	case cmd == nil:
		c.Err("ERR Invalid command specified")
		return
	case cmd.First <= 0:
		c.Err("ERR The command has no key arguments")
		return
	case !cmd.arityOK(len(args)):
		c.Err("ERR Invalid number of arguments specified for command")
		return
	}
	keys := cmd.keyArgs(args, nil)
	withFlags := strings.EqualFold(string(c.Args[1]), "getkeysandflags")
	c.W.Array(len(keys))
	for _, k := range keys {
		if !withFlags {
			c.W.Bulk(k)
			continue
		}
		c.W.Array(2)
		c.W.Bulk(k)
		writeStatusSet(c.W, []string{keyAccess(cmd)})
	}
}

// COMMAND HELP
func cmdCommandHelp(c *Ctx) {
	writeHelp(c.W, "COMMAND",
		"(no subcommand)",
		"    Answer the details of every command.",
		"COUNT",
		"    Answer the number of commands.",
		"INFO [<command-name> ...]",
		"    Answer the details of the named commands, or of all; nil for an unknown name.",
		"DOCS [<command-name> ...]",
		"    Answer the documentation of the named commands, or of all.",
		"LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
		"    Answer the command names, optionally filtered.",
		"GETKEYS <full-command>",
		"    Answer the keys of a full command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Answer the keys of a full command with their access flags.",
		"HELP",
		"    Print this help.")
}
