package server

import (
	"fmt"
	"runtime/debug"
	"strings"

	"darner/engine"
)

// dispatch runs the checks every command passes, in Redis' order (lookup, arity, auth,
// MULTI queueing), then the command.
func (s *Server) dispatch(cl *Client, args [][]byte) {
	cmd, err := s.resolve(args)
	if err == "" && s.authRequired(cl) && cmd.Flags&FlagNoAuth == 0 {
		err = errNoAuth
	}
	if err != "" {
		if cl.multi != nil {
			cl.multi.failed = true
		}
		cl.w.Err(err)
		return
	}
	cl.lastCmd.Store(cmd)
	if cl.multi != nil && cmd.Flags&FlagNoMulti != 0 {
		cl.multi.failed = true
		cl.w.Err("ERR Command not allowed inside a transaction")
		return
	}
	if cl.multi != nil && !runsInsideMulti(cmd) {
		// The arguments alias the read buffer: the queue keeps a copy.
		cl.multi.queue = append(cl.multi.queue, queued{cmd, cloneArgs(args)})
		cl.w.Simple("QUEUED")
		return
	}
	s.execute(cl, cmd, args)
}

// resolve finds the command (or subcommand) for args and checks its arity.
func (s *Server) resolve(args [][]byte) (*Command, Error) {
	cmd := s.table.Lookup(args[0])
	if cmd == nil {
		return nil, unknownCommand(args)
	}
	if cmd.sub != nil && len(args) >= 2 {
		sub := cmd.sub[strings.ToLower(string(args[1]))]
		if sub == nil {
			return nil, Error(fmt.Sprintf("ERR unknown subcommand '%.128s'. Try %s HELP.",
				args[1], strings.ToUpper(cmd.Name)))
		}
		cmd = sub
	}
	if !cmd.arityOK(len(args)) {
		return nil, arityError(cmd)
	}
	return cmd, ""
}

func unknownCommand(args [][]byte) Error {
	var b strings.Builder
	for _, a := range args[1:] {
		if b.Len() >= 128 {
			break
		}
		fmt.Fprintf(&b, "'%.*s' ", 128-b.Len(), a)
	}
	return Error(fmt.Sprintf("ERR unknown command '%.128s', with args beginning with: %s", args[0], b.String()))
}

// runsInsideMulti reports the commands that run at once inside MULTI instead of queueing.
func runsInsideMulti(cmd *Command) bool {
	switch cmd.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

func (s *Server) authRequired(cl *Client) bool {
	return !cl.authed && s.cfg.requirePass() != ""
}

// execute locks what cmd declares, runs it, logs it if it wrote (aof.go) and releases the
// locks.
func (s *Server) execute(cl *Client, cmd *Command, args [][]byte) {
	write := cmd.Flags&FlagWrite != 0
	tx := s.lockFor(cl, cmd, args)
	if tx != nil {
		defer tx.End()
	} else if write {
		// A write that locks no shard is ordered against a log rewrite's cut by this lock.
		s.aof.meta.RLock()
		defer s.aof.meta.RUnlock()
	}
	// The client's own Ctx is reused: one allocation fewer per command. EXEC makes fresh
	// ones for the commands it runs, since its own is in use meanwhile.
	c := &cl.ctx
	*c = Ctx{srv: s, cl: cl, cmd: cmd, Args: args, W: &cl.w, tx: tx}
	errs := cl.w.errs
	s.run(c)
	if write {
		s.logCommand(c, errs)
	}
	*c = Ctx{}
}

// lockFor locks the shards cmd declares for args, in the client's Tx (which lives in the
// client, so taking its address costs no allocation); nil when it declares none.
func (s *Server) lockFor(cl *Client, cmd *Command, args [][]byte) *engine.Tx {
	write := cmd.Flags&FlagWrite != 0
	switch {
	case cmd.Flags&FlagAllShards != 0:
		cl.tx = s.store.BeginAll(write)
	case cmd.First > 0 && len(args) > cmd.First:
		if cmd.First == cmd.Last {
			cl.tx = s.store.BeginKey(args[cmd.First], write)
		} else {
			// The key list and the Tx's bookkeeping reuse the last command's space.
			cl.keys = cmd.keyArgs(args, cl.keys[:0])
			cl.tx = s.store.BeginScratch(cl.keys, write, cl.tx.Scratch())
		}
	default:
		return nil
	}
	return &cl.tx
}

// run calls the handler; a panic is logged with the command's name, its partial reply is
// dropped, and an error is answered instead. The connection and the server go on.
func (s *Server) run(c *Ctx) {
	mark := c.W.mark()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in command", "command", c.cmd.Name, "panic", r, "stack", string(debug.Stack()))
			c.W.reset(mark)
			c.W.Err(Error(fmt.Sprintf("ERR internal error in '%s': %v", c.cmd.Name, r)))
		}
	}()
	c.cmd.Handler(c)
}

// cloneArgs copies args into one allocation.
func cloneArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	return out
}
