package server

import (
	"cmp"
	"slices"
	"strconv"
	"syscall"
	"time"
)

func clientCommands() []*Command {
	const conn = FlagNoScript | FlagLoading | FlagStale
	return []*Command{{
		Name: "client", Arity: -2, Group: "connection", Since: "2.4.0",
		Summary: "Groups the commands that inspect and manage client connections.",
		Subcommands: []*Command{
			{Name: "id", Arity: 2, Flags: conn, Group: "connection", Since: "5.0.0",
				Summary: "Returns the connection's unique id.", Handler: cmdClientID},
			{Name: "setname", Arity: 3, Flags: conn, Group: "connection", Since: "2.6.9",
				Summary: "Names the connection (an empty name removes it).", Handler: cmdClientSetname},
			{Name: "getname", Arity: 2, Flags: conn, Group: "connection", Since: "2.6.9",
				Summary: "Returns the connection's name, nil when it has none.", Handler: cmdClientGetname},
			{Name: "setinfo", Arity: 4, Flags: conn, Group: "connection", Since: "7.2.0",
				Summary: "Records the client library's name or version for CLIENT LIST.", Handler: cmdClientSetinfo},
			{Name: "list", Arity: -2, Flags: FlagAdmin | conn, Group: "connection", Since: "2.4.0",
				Summary: "Describes the open connections, one line each.", Handler: cmdClientList},
			{Name: "info", Arity: 2, Flags: conn, Group: "connection", Since: "6.2.0",
				Summary: "Describes this connection in CLIENT LIST's format.", Handler: cmdClientInfo},
			{Name: "kill", Arity: -3, Flags: FlagAdmin | conn, Group: "connection", Since: "2.4.0",
				Summary: "Closes the connections that match an address or filters.", Handler: cmdClientKill},
			{Name: "no-evict", Arity: 3, Flags: FlagAdmin | conn, Group: "connection", Since: "7.0.0",
				Summary: "Accepted for compatibility: darner never evicts clients.", Handler: cmdClientOnOff},
			{Name: "no-touch", Arity: 3, Flags: conn, Group: "connection", Since: "7.2.0",
				Summary: "Accepted for compatibility: darner keeps no LRU/LFU data.", Handler: cmdClientOnOff},
			{Name: "help", Arity: 2, Flags: FlagLoading | FlagStale, Group: "connection", Since: "5.0.0",
				Summary: "Lists the CLIENT subcommands.", Handler: cmdClientHelp},
		},
	}}
}

func (cl *Client) setName(name string) {
	cl.mu.Lock()
	cl.name = name
	cl.mu.Unlock()
}

// validClientName refuses names with spaces or newlines, as Redis does.
func validClientName(name []byte) Error {
	if !validClientAttr(name) {
		return "ERR Client names cannot contain spaces, newlines or special characters."
	}
	return ""
}

// validClientAttr reports whether v can appear in a CLIENT LIST line, which readers split
// on spaces: printable ASCII other than space only.
func validClientAttr(v []byte) bool {
	for _, c := range v {
		if c < '!' || c > '~' {
			return false
		}
	}
	return true
}

// CLIENT ID
func cmdClientID(c *Ctx) { c.W.Int(c.cl.id) }

// CLIENT SETNAME name
func cmdClientSetname(c *Ctx) {
	if e := validClientName(c.Args[2]); e != "" {
		c.Err(e)
		return
	}
	c.cl.setName(string(c.Args[2]))
	c.W.OK()
}

// CLIENT GETNAME
func cmdClientGetname(c *Ctx) {
	c.cl.mu.Lock()
	name := c.cl.name
	c.cl.mu.Unlock()
	if name == "" {
		c.W.Null()
		return
	}
	c.W.BulkString(name)
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
func cmdClientSetinfo(c *Ctx) {
	attr, val := c.Args[2], c.Args[3]
	var lib bool
	switch {
	case asciiEqualFold(attr, "lib-name"):
		lib = true
	case asciiEqualFold(attr, "lib-ver"):
	default:
		c.Err(Error("ERR Unrecognized option '" + string(attr) + "'"))
		return
	}
	if !validClientAttr(val) {
		c.Err(Error("ERR " + string(attr) + " cannot contain spaces, newlines or special characters."))
		return
	}
	c.cl.mu.Lock()
	if lib {
		c.cl.libName = string(val)
	} else {
		c.cl.libVer = string(val)
	}
	c.cl.mu.Unlock()
	c.W.OK()
}

// CLIENT NO-EVICT <ON | OFF>, CLIENT NO-TOUCH <ON | OFF>
func cmdClientOnOff(c *Ctx) {
	if !asciiEqualFold(c.Args[2], "on") && !asciiEqualFold(c.Args[2], "off") {
		c.Err(errSyntax)
		return
	}
	c.W.OK()
}

// CLIENT INFO
func cmdClientInfo(c *Ctx) {
	b := appendClientLine(nil, c.cl, time.Now())
	c.W.Verbatim("txt", string(append(b, '\n')))
}

// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
func cmdClientList(c *Ctx) {
	args := c.Args[2:]
	clients := c.srv.clientList()
	switch {
	case len(args) == 2 && asciiEqualFold(args[0], "type"):
		normal, known := clientType(args[1])
		if !known {
			c.Err(Error("ERR Unknown client type '" + string(args[1]) + "'"))
			return
		}
		if !normal {
			clients = nil // every darner client is a normal one
		}
	case len(args) >= 2 && asciiEqualFold(args[0], "id"):
		var picked []*Client
		for _, a := range args[1:] {
			id, ok := parseInt(a)
			if !ok {
				c.Err("ERR Invalid client ID")
				return
			}
			if i, found := slices.BinarySearchFunc(clients, id, func(cl *Client, id int64) int {
				return cmp.Compare(cl.id, id)
			}); found {
				picked = append(picked, clients[i])
			}
		}
		clients = picked
	case len(args) != 0:
		c.Err(errSyntax)
		return
	}
	now := time.Now()
	var b []byte
	for _, cl := range clients {
		b = appendClientLine(b, cl, now)
		b = append(b, '\n')
	}
	c.W.Verbatim("txt", string(b))
}

// clientType classifies a TYPE filter's argument: known says whether Redis knows the type,
// normal whether darner's clients (all of them normal) are of it.
func clientType(arg []byte) (normal, known bool) {
	switch {
	case asciiEqualFold(arg, "normal"):
		return true, true
	case asciiEqualFold(arg, "master"), asciiEqualFold(arg, "replica"),
		asciiEqualFold(arg, "slave"), asciiEqualFold(arg, "pubsub"):
		return false, true
	}
	return false, false
}

// clientList returns the registered clients in id order (the order Redis lists them in,
// oldest connection first).
func (s *Server) clientList() []*Client {
	s.mu.Lock()
	out := make([]*Client, 0, len(s.clients))
	for _, cl := range s.clients {
		out = append(out, cl)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b *Client) int { return cmp.Compare(a.id, b.id) })
	return out
}

// appendClientLine appends cl's CLIENT LIST line, in Redis 7.2's field order, without the
// newline. It may run on another connection's goroutine, so it reads only what the Client
// comment allows: fields fixed at accept (id, conn, addr, laddr, created), atomics, and
// the fields under mu. The counters darner does not keep (buffers, memory, subscriptions)
// are written as an idle Redis client shows them.
func appendClientLine(b []byte, cl *Client, now time.Time) []byte {
	cl.mu.Lock()
	name, libName, libVer := cl.name, cl.libName, cl.libVer
	cl.mu.Unlock()
	cmd := "NULL"
	if lc := cl.lastCmd.Load(); lc != nil {
		cmd = lc.Name
	}
	idle := max(now.UnixMilli()-cl.lastActive.Load(), 0) / 1000
	b = append(b, "id="...)
	b = strconv.AppendInt(b, cl.id, 10)
	b = append(b, " addr="...)
	b = append(b, cl.addr...)
	b = append(b, " laddr="...)
	b = append(b, cl.laddr...)
	b = append(b, " fd="...)
	b = strconv.AppendInt(b, clientFD(cl), 10)
	b = append(b, " name="...)
	b = append(b, name...)
	b = append(b, " age="...)
	b = strconv.AppendInt(b, int64(now.Sub(cl.created)/time.Second), 10)
	b = append(b, " idle="...)
	b = strconv.AppendInt(b, idle, 10)
	b = append(b, " flags=N db="...)
	b = strconv.AppendInt(b, int64(cl.dbIndex.Load()), 10)
	b = append(b, " sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"+
		" rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd="...)
	b = append(b, cmd...)
	b = append(b, " user=default redir=-1 resp="...)
	b = strconv.AppendInt(b, int64(cl.resp.Load()), 10)
	b = append(b, " lib-name="...)
	b = append(b, libName...)
	b = append(b, " lib-ver="...)
	b = append(b, libVer...)
	return b
}

// clientFD returns the connection's file descriptor, or -1 once it is closed. The
// listener wraps each connection in a guardConn, which hides the socket's SyscallConn.
func clientFD(cl *Client) int64 {
	nc := cl.conn
	if g, ok := nc.(*guardConn); ok {
		nc = g.Conn
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := int64(-1)
	if rc.Control(func(f uintptr) { fd = int64(f) }) != nil {
		return -1
	}
	return fd
}

// killFilter is what CLIENT KILL's arguments select. Zero fields match every client.
type killFilter struct {
	addr, laddr string
	hasAddr     bool
	hasLaddr    bool
	id          int64
	maxAge      int64 // seconds; 0: any age
	noneOfType  bool  // a TYPE other than normal: no darner client matches
	skipMe      bool
	oldForm     bool // CLIENT KILL addr:port
}

// CLIENT KILL <ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] |
// [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage]>
// [...]>
func cmdClientKill(c *Ctx) {
	f, ok := parseKillFilter(c)
	if !ok {
		return
	}
	now := time.Now()
	var killed int64
	for _, cl := range c.srv.clientList() {
		if !f.matches(cl, c.cl, now) {
			continue
		}
		killed++
		if cl == c.cl {
			// Closed once this reply is written, as Redis' CLIENT_CLOSE_AFTER_REPLY.
			c.cl.closed = true
			continue
		}
		c.srv.kill(cl)
	}
	switch {
	case !f.oldForm:
		c.W.Int(killed)
	case killed == 0:
		c.Err("ERR No such client")
	default:
		c.W.OK()
	}
}

func parseKillFilter(c *Ctx) (f killFilter, ok bool) {
	if len(c.Args) == 3 {
		return killFilter{addr: string(c.Args[2]), hasAddr: true, oldForm: true}, true
	}
	f.skipMe = true
	for args := c.Args[2:]; len(args) > 0; args = args[2:] {
		if len(args) < 2 {
			c.Err(errSyntax)
			return f, false
		}
		opt, val := args[0], args[1]
		switch {
		case asciiEqualFold(opt, "id"):
			id, ok := parseInt(val)
			if !ok || id < 1 {
				c.Err("ERR client-id should be greater than 0")
				return f, false
			}
			f.id = id
		case asciiEqualFold(opt, "maxage"):
			age, ok := parseInt(val)
			if !ok {
				c.Err("ERR maxage is not an integer or out of range")
				return f, false
			}
			if age <= 0 {
				c.Err("ERR maxage should be greater than 0")
				return f, false
			}
			f.maxAge = age
		case asciiEqualFold(opt, "type"):
			normal, known := clientType(val)
			if !known {
				c.Err(Error("ERR Unknown client type '" + string(val) + "'"))
				return f, false
			}
			f.noneOfType = !normal
		case asciiEqualFold(opt, "addr"):
			f.addr, f.hasAddr = string(val), true
		case asciiEqualFold(opt, "laddr"):
			f.laddr, f.hasLaddr = string(val), true
		case asciiEqualFold(opt, "user"):
			// "default" is the only user there is; Redis compares user names exactly.
			if string(val) != "default" {
				c.Err(Error("ERR No such user '" + string(val) + "'"))
				return f, false
			}
		case asciiEqualFold(opt, "skipme"):
			switch {
			case asciiEqualFold(val, "yes"):
				f.skipMe = true
			case asciiEqualFold(val, "no"):
				f.skipMe = false
			default:
				c.Err(errSyntax)
				return f, false
			}
		default:
			c.Err(errSyntax)
			return f, false
		}
	}
	return f, true
}

func (f *killFilter) matches(cl, self *Client, now time.Time) bool {
	switch {
	case f.noneOfType,
		f.hasAddr && cl.addr != f.addr,
		f.hasLaddr && cl.laddr != f.laddr,
		f.id != 0 && cl.id != f.id,
		cl == self && f.skipMe,
		f.maxAge != 0 && int64(now.Sub(cl.created)/time.Second) < f.maxAge:
		return false
	}
	return true
}

// kill closes another client's connection. Its registry entry goes at once, as Redis
// frees a killed client at once, so CLIENT LIST and a second KILL no longer see it; the
// connection's own goroutine notices the closed socket and runs the usual clean-up.
func (s *Server) kill(cl *Client) {
	s.mu.Lock()
	delete(s.clients, cl.id)
	s.mu.Unlock()
	// The socket's Close is safe from any goroutine.
	cl.conn.Close()
}

// CLIENT HELP
func cmdClientHelp(c *Ctx) {
	writeHelp(c.W, "CLIENT",
		"GETNAME",
		"    Return this connection's name, or nil when it has none.",
		"ID",
		"    Return this connection's id.",
		"INFO",
		"    Describe this connection in the format of CLIENT LIST.",
		"KILL <ip:port>",
		"    Close the connection coming from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Close every connection matching all the options, which are:",
		"    * ID <client-id>",
		"    * ADDR <ip:port>: the connection's remote address",
		"    * LADDR <ip:port>: the server address it connected to",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"    * USER <username>",
		"    * MAXAGE <seconds>: connections at least this old",
		"    * SKIPME (YES|NO): spare this connection (default: yes)",
		"LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> [...]]",
		"    Describe the open connections, one line each.",
		"NO-EVICT (ON|OFF)",
		"    Accepted for compatibility; connections are never evicted.",
		"NO-TOUCH (ON|OFF)",
		"    Accepted for compatibility; keys keep no access statistics.",
		"SETINFO (LIB-NAME|LIB-VER) <value>",
		"    Record the client library's name or version, shown by CLIENT LIST.",
		"SETNAME <name>",
		"    Name this connection; an empty name removes it.",
		"HELP",
		"    Print this help.")
}
