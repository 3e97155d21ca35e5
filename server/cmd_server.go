package server

import (
	"strconv"
	"strings"
	"time"

	"darner/engine"
)

func serverCommands() []*Command {
	const admin = FlagAdmin | FlagNoScript
	cmds := []*Command{
		{Name: "info", Arity: -1, Flags: FlagLoading | FlagStale | FlagAllShards, Group: "server", Since: "1.0.0",
			Summary: "Returns information and statistics about the server.", Handler: cmdInfo},
		{Name: "dbsize", Arity: 1, Flags: FlagReadonly | FlagFast | FlagAllShards, Group: "server", Since: "1.0.0",
			Summary: "Returns the number of keys in the selected database.", Handler: cmdDBSize},
		{Name: "flushdb", Arity: -1, Flags: FlagWrite | FlagAllShards, Group: "server", Since: "1.0.0",
			Summary: "Removes all keys from the selected database.", Handler: cmdFlushDB},
		{Name: "flushall", Arity: -1, Flags: FlagWrite | FlagAllShards, Group: "server", Since: "1.0.0",
			Summary: "Removes all keys from all databases.", Handler: cmdFlushAll},
		{Name: "time", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Group: "server", Since: "2.6.0",
			Summary: "Returns the server time.", Handler: cmdTime},
		{Name: "shutdown", Arity: -1, Flags: admin | FlagLoading | FlagStale | FlagNoMulti | FlagAllowBusy,
			Group: "server", Since: "1.0.0", Summary: "Stops the server.", Handler: cmdShutdown},
		{Name: "module", Arity: -2, Group: "server", Since: "4.0.0",
			Summary: "A container for the module commands.", Handler: cmdContainer,
			Subcommands: []*Command{
				{Name: "list", Arity: 2, Flags: admin, Group: "server", Since: "4.0.0",
					Summary: "Returns the modules darner stands in for.", Handler: cmdModuleList},
				{Name: "load", Arity: -3, Flags: admin | FlagNoAsyncLoading, Group: "server", Since: "4.0.0",
					Summary: "Refuses: modules are built in.", Handler: cmdModuleLoad},
				{Name: "loadex", Arity: -3, Flags: admin | FlagNoAsyncLoading, Group: "server", Since: "7.0.0",
					Summary: "Refuses: modules are built in.", Handler: cmdModuleLoad},
				{Name: "unload", Arity: 3, Flags: admin | FlagNoAsyncLoading, Group: "server", Since: "4.0.0",
					Summary: "Refuses: modules are built in.", Handler: cmdModuleLoad},
				{Name: "help", Arity: 2, Flags: FlagLoading | FlagStale, Group: "server", Since: "5.0.0",
					Summary: "Describes the MODULE subcommands.", Handler: cmdModuleHelp},
			}},
	}
	cmds = append(cmds, configCommands()...)
	return append(cmds, commandCommands()...)
}

// modules are the entries MODULE LIST, HELLO and INFO's modules section report. They are
// compatibility markers: clients such as redisvl and redis-om check for them before using
// JSON.* and FT.*; darner implements those commands itself.
var modules = []struct {
	name string
	ver  int64
}{
	{"ReJSON", 20808},
	{"search", 80200},
}

func writeModules(w *Writer) {
	w.Array(len(modules))
	for _, m := range modules {
		w.Map(4)
		w.BulkString("name")
		w.BulkString(m.name)
		w.BulkString("ver")
		w.Int(m.ver)
		w.BulkString("path")
		w.BulkString("")
		w.BulkString("args")
		w.Array(0)
	}
}

// DBSIZE
func cmdDBSize(c *Ctx) {
	n := 0
	for _, v := range c.Views() {
		n += v.Len()
	}
	c.W.Int(int64(n))
}

// flushMode checks FLUSHDB's and FLUSHALL's optional ASYNC|SYNC. Both flush at once: the
// memory goes back to Go's collector either way.
func flushMode(c *Ctx) bool {
	switch {
	case len(c.Args) == 1:
		return true
	case len(c.Args) == 2 && (strings.EqualFold(string(c.Args[1]), "async") || strings.EqualFold(string(c.Args[1]), "sync")):
		return true
	}
	c.Err(errSyntax)
	return false
}

// FLUSHDB [ASYNC|SYNC]
func cmdFlushDB(c *Ctx) {
	if !flushMode(c) {
		return
	}
	for _, v := range c.Views() {
		v.Flush()
	}
	c.W.OK()
}

// FLUSHALL [ASYNC|SYNC]
func cmdFlushAll(c *Ctx) {
	if !flushMode(c) {
		return
	}
	for db := range engine.NumDBs {
		for _, v := range c.tx.Views(db) {
			v.Flush()
		}
	}
	c.W.OK()
}

// TIME
func cmdTime(c *Ctx) {
	now := time.Now()
	c.W.Array(2)
	c.W.BulkString(strconv.FormatInt(now.Unix(), 10))
	c.W.BulkString(strconv.Itoa(now.Nanosecond() / 1000))
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
func cmdShutdown(c *Ctx) {
	var save, nosave, abort, force, other bool
	for _, a := range c.Args[1:] {
		switch strings.ToLower(string(a)) {
		case "save":
			save = true
		case "nosave":
			nosave = true
		case "abort":
			abort = true
		case "force":
			force, other = true, true
		case "now":
			other = true
		default:
			c.Err(errSyntax)
			return
		}
	}
	switch {
	case (save && nosave) || (abort && (save || nosave || other)):
		c.Err(errSyntax)
		return
	case abort:
		// Shutdown is immediate, so there is never one in progress to abort.
		c.Err("ERR No shutdown in progress.")
		return
	case save:
		// Redis refuses to stop when a requested save fails, unless FORCE.
		if err := c.srv.SaveNow(); err != nil && !force {
			c.srv.log.Warn("SHUTDOWN SAVE failed; use NOSAVE or FORCE", "err", err)
			c.Err("ERR Errors trying to SHUTDOWN. Check logs.")
			return
		}
	}
	c.srv.shutdownOnce.Do(func() { close(c.srv.shutdown) })
	// As in Redis, a successful SHUTDOWN has no reply: the connection just closes.
	c.cl.closed = true
}

// MODULE LIST
func cmdModuleList(c *Ctx) { writeModules(c.W) }

// MODULE LOAD path [arg ...]
// MODULE LOADEX path [CONFIG name value ...] [ARGS args ...]
// MODULE UNLOAD name
func cmdModuleLoad(c *Ctx) {
	c.Err("ERR darner does not load modules: the JSON and search commands are built in")
}

// MODULE HELP
func cmdModuleHelp(c *Ctx) {
	writeHelp(c.W, "MODULE",
		"LIST",
		"    Answer the modules darner stands in for (built in, compatibility markers).",
		"LOAD <path> [<arg> ...]",
		"    Refused: darner does not load modules.",
		"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
		"    Refused: darner does not load modules.",
		"UNLOAD <name>",
		"    Refused: darner does not load modules.",
		"HELP",
		"    Print this help.")
}
