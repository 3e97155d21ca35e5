package server

import (
	"darner/aof"
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
	if lockless(m.queue) {
		c.srv.aof.meta.RLock() // before the shards, as a rewrite takes them
		defer c.srv.aof.meta.RUnlock()
	}
	tx := c.srv.beginMulti(m.queue)
	defer tx.End()
	if cl.watch.Dirty(tx.Now()) {
		c.W.NullArray()
		return
	}
	c.W.Array(len(m.queue))
	log := c.srv.aof.log.Load()
	var logged []aof.Entry
	for _, q := range m.queue {
		cl.lastCmd.Store(q.cmd)
		qc := &Ctx{srv: c.srv, cl: cl, cmd: q.cmd, Args: q.args, W: c.W, tx: &tx}
		errs := c.W.errs
		c.srv.run(qc)
		if log != nil && q.cmd.Flags&FlagWrite != 0 && c.W.errs == errs {
			if args := qc.logged(); args != nil {
				logged = append(logged, aof.Entry{DB: cl.db(), Args: args})
			}
		}
	}
	if len(logged) > 0 {
		cl.aofLog, cl.aofOff = log, log.AppendMulti(logged)
	}
}

// lockless reports whether the queue holds a write command that declares no key and so
// locks no shard (FT.CREATE and the like).
func lockless(q []queued) bool {
	for _, e := range q {
		if e.cmd.Flags&(FlagWrite|FlagAllShards) == FlagWrite && e.cmd.First == 0 {
			return true
		}
	}
	return false
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
