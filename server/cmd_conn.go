package server

import (
	"math"

	"darner/engine"
	"strconv"
	"strings"
)

func connectionCommands() []*Command {
	return []*Command{
		{Name: "ping", Arity: -1, Flags: FlagFast, Group: "connection", Since: "1.0.0",
			Summary: "Returns the server's liveliness response.", Handler: cmdPing},
		{Name: "echo", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Group: "connection", Since: "1.0.0",
			Summary: "Returns the given string.", Handler: cmdEcho},
		{Name: "hello", Arity: -1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagNoAuth | FlagFast | FlagAllowBusy,
			Group: "connection", Since: "6.0.0", Summary: "Handshakes with the Redis server.", Handler: cmdHello},
		{Name: "auth", Arity: -2, Flags: FlagNoScript | FlagLoading | FlagStale | FlagNoAuth | FlagFast | FlagAllowBusy,
			Group: "connection", Since: "1.0.0", Summary: "Authenticates the connection.", Handler: cmdAuth},
		{Name: "select", Arity: 2, Flags: FlagLoading | FlagStale | FlagFast, Group: "connection", Since: "1.0.0",
			Summary: "Changes the selected database.", Handler: cmdSelect},
		{Name: "quit", Arity: -1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagNoAuth | FlagFast | FlagAllowBusy,
			Group: "connection", Since: "1.0.0", Summary: "Closes the connection.", Handler: cmdQuit},
		{Name: "reset", Arity: 1, Flags: FlagNoScript | FlagLoading | FlagStale | FlagNoAuth | FlagFast | FlagAllowBusy,
			Group: "connection", Since: "6.2.0", Summary: "Resets the connection.", Handler: cmdReset},
	}
}

// PING [message]
func cmdPing(c *Ctx) {
	switch len(c.Args) {
	case 1:
		c.W.Simple("PONG")
	case 2:
		c.W.Bulk(c.Args[1])
	default:
		c.ArityErr()
	}
}

// ECHO message
func cmdEcho(c *Ctx) { c.W.Bulk(c.Args[1]) }

// HELLO [protover [AUTH username password] [SETNAME clientname]]
func cmdHello(c *Ctx) {
	resp3 := c.W.RESP3()
	args := c.Args[1:]
	if len(args) > 0 {
		v, err := strconv.ParseInt(string(args[0]), 10, 64)
		if err != nil {
			c.Err("ERR Protocol version is not an integer or out of range")
			return
		}
		if v != 2 && v != 3 {
			c.Err("NOPROTO unsupported protocol version")
			return
		}
		resp3 = v == 3
		args = args[1:]
	}
	var name []byte
	authed := false
	for len(args) > 0 {
		opt := strings.ToLower(string(args[0]))
		switch {
		case opt == "auth" && len(args) >= 3:
			if e := c.srv.checkPassword(string(args[1]), string(args[2])); e != "" {
				c.Err(e)
				return
			}
			authed = true
			args = args[3:]
		case opt == "setname" && len(args) >= 2:
			if e := validClientName(args[1]); e != "" {
				c.Err(e)
				return
			}
			name = args[1]
			args = args[2:]
		default:
			c.Err(Error("ERR Syntax error in HELLO option '" + string(args[0]) + "'"))
			return
		}
	}
	if !authed && c.srv.authRequired(c.cl) {
		c.Err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if authed {
		c.cl.authed = true
	}
	if name != nil {
		c.cl.setName(string(name))
	}
	c.cl.setResp3(resp3)
	c.srv.writeHello(c)
}

func (s *Server) writeHello(c *Ctx) {
	c.W.Map(7)
	c.W.BulkString("server")
	c.W.BulkString("redis")
	c.W.BulkString("version")
	c.W.BulkString(Version)
	c.W.BulkString("proto")
	c.W.Int(int64(c.cl.resp.Load()))
	c.W.BulkString("id")
	c.W.Int(c.cl.id)
	c.W.BulkString("mode")
	c.W.BulkString("standalone")
	c.W.BulkString("role")
	c.W.BulkString("master")
	c.W.BulkString("modules")
	writeModules(c.W)
}

// checkPassword answers AUTH for the only user there is, "default".
func (s *Server) checkPassword(user, pass string) Error {
	want := s.cfg.requirePass()
	if user != "default" || (want != "" && pass != want) {
		return "WRONGPASS invalid username-password pair or user is disabled."
	}
	return ""
}

// AUTH [username] password
func cmdAuth(c *Ctx) {
	var user, pass string
	switch len(c.Args) {
	case 2:
		if c.srv.cfg.requirePass() == "" {
			c.Err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
		user, pass = "default", string(c.Args[1])
	case 3:
		user, pass = string(c.Args[1]), string(c.Args[2])
	default:
		c.Err(errSyntax)
		return
	}
	if e := c.srv.checkPassword(user, pass); e != "" {
		c.Err(e)
		return
	}
	c.cl.authed = true
	c.W.OK()
}

// SELECT index
func cmdSelect(c *Ctx) {
	n, ok := parseInt(c.Args[1])
	switch {
	case !ok:
		c.Err(errNotInt)
		return
	case n < math.MinInt32 || n > math.MaxInt32:
		c.Err("ERR value is out of range, value must between -2147483648 and 2147483647")
		return
	case n < 0 || n >= engine.NumDBs:
		c.Err(errDBIndex)
		return
	}
	c.cl.dbIndex.Store(int32(n))
	c.W.OK()
}

// QUIT
func cmdQuit(c *Ctx) {
	c.W.OK()
	c.cl.closed = true
}

// RESET
func cmdReset(c *Ctx) {
	cl := c.cl
	cl.multi = nil
	c.srv.store.Unwatch(&cl.watch)
	cl.dbIndex.Store(0)
	cl.setResp3(false)
	cl.setName("")
	cl.authed = c.srv.cfg.requirePass() == ""
	c.W.Simple("RESET")
}
