package server

import (
	"darner/engine"
)

func txCommands() []*Command {
	return []*Command{
		{Name: "multi", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagAllowBusy,
			Group: "transactions", Since: "1.2.0", Summary: "Starts a transaction.", Handler: cmdMulti},
		{Name: "exec", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagSkipSlowlog,
			Group: "transactions", Since: "1.2.0", Summary: "Executes all commands in a transaction.", Handler: cmdExec},
		{Name: "discard", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagAllowBusy,
			Group: "transactions", Since: "2.0.0", Summary: "Discards a transaction.", Handler: cmdDiscard},
		{Name: "watch", Arity: -2, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagAllowBusy,
			First: 1, Last: -1, Step: 1,
			Group: "transactions", Since: "2.2.0", Summary: "Monitors changes to keys to determine the execution of a transaction.", Handler: cmdWatch},
		{Name: "unwatch", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagFast | FlagAllowBusy,
			Group: "transactions", Since: "2.2.0", Summary: "Forgets about watched keys of a transaction.", Handler: cmdUnwatch},
	}
}

// MULTI
func cmdMulti(c *Ctx) {
	if c.cl.multi != nil {
		c.Err("ERR MULTI calls can not be nested")
		return
	}
	c.cl.multi = &multiState{}
	c.W.OK()
}

// DISCARD
func cmdDiscard(c *Ctx) {
	if c.cl.multi == nil {
		c.Err("ERR DISCARD without MULTI")
		return
	}
	c.cl.multi = nil
	c.srv.store.Unwatch(&c.cl.watch)
	c.W.OK()
}

// WATCH key [key ...]
func cmdWatch(c *Ctx) {
	if c.cl.multi != nil {
		c.Err("ERR WATCH inside MULTI is not allowed")
		return
	}
	for _, k := range c.Args[1:] {
		c.tx.Watch(&c.cl.watch, c.cl.db(), k)
	}
	c.W.OK()
}

// UNWATCH
func cmdUnwatch(c *Ctx) {
	c.srv.store.Unwatch(&c.cl.watch)
	c.W.OK()
}

// EXEC runs the queued commands inside one Tx holding every shard any of them declares, so
// the block is atomic across shards; WATCH is checked under those locks.
func cmdExec(c *Ctx) {
	cl := c.cl
	m := cl.multi
	if m == nil {
		c.Err("ERR EXEC without MULTI")
		return
	}
	cl.multi = nil
	defer c.srv.store.Unwatch(&cl.watch)
	if m.failed {
		c.Err("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	tx := c.srv.beginMulti(m.queue)
	defer tx.End()
	if cl.watch.Dirty(tx.Now()) {
		c.W.NullArray()
		return
	}
	c.W.Array(len(m.queue))
	for _, q := range m.queue {
		cl.lastCmd.Store(q.cmd)
		c.srv.run(&Ctx{srv: c.srv, cl: cl, cmd: q.cmd, Args: q.args, W: c.W, tx: &tx})
	}
}

// beginMulti locks the union of the queued commands' shards: all of them if any command
// needs all, for writing if any command writes.
func (s *Server) beginMulti(q []queued) engine.Tx {
	write, all := false, false
	var keys [][]byte
	for _, e := range q {
		write = write || e.cmd.Flags&FlagWrite != 0
		all = all || e.cmd.Flags&FlagAllShards != 0
		keys = e.cmd.keyArgs(e.args, keys)
	}
	if all {
		return s.store.BeginAll(write)
	}
	return s.store.Begin(keys, write)
}
