package server

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"darner/aof"
	"darner/engine"
)

// Client is one connection's state. The fields without a comment are touched only by the
// connection's own goroutine; CLIENT LIST and CLIENT KILL, run by other connections, read
// the atomics and the fields under mu.
type Client struct {
	id      int64
	conn    net.Conn
	addr    string
	laddr   string
	created time.Time

	w      Writer
	authed bool
	multi  *multiState // non-nil between MULTI and EXEC/DISCARD
	watch  engine.Watch
	closed bool      // QUIT: close once the reply is written
	ctx    Ctx       // reused by every top-level command
	tx     engine.Tx // the locks of the running top-level command
	keys   [][]byte  // the running command's keys, when it has several
	// aofLog and aofOff: the log holding this client's last logged command and the offset
	// its replies wait for before they are sent (waitLogged).
	aofLog *aof.Log
	aofOff int64

	lastCmd    atomic.Pointer[Command]
	lastActive atomic.Int64 // Unix ms
	dbIndex    atomic.Int32
	resp       atomic.Int32 // 2 or 3

	mu      sync.Mutex // protects name, libName, libVer
	name    string
	libName string
	libVer  string
}

type multiState struct {
	queue  []queued
	failed bool // a command was refused while queueing: EXEC aborts
}

type queued struct {
	cmd  *Command
	args [][]byte
}

func (cl *Client) db() int { return int(cl.dbIndex.Load()) }

func (cl *Client) setResp3(on bool) {
	cl.w.resp3 = on
	if on {
		cl.resp.Store(3)
	} else {
		cl.resp.Store(2)
	}
}

// Ctx is what a handler gets: the arguments, the client, the reply writer and the Tx that
// holds the command's shards.
type Ctx struct {
	srv  *Server
	cl   *Client
	cmd  *Command
	Args [][]byte // Args[0] is the command name as sent
	W    *Writer
	tx   *engine.Tx
	// prop is what the append-only log records instead of Args, when propSet (Propagate).
	prop    [][]byte
	propSet bool
}

// View returns the client's selected database on the shard owning key.
func (c *Ctx) View(key []byte) engine.View { return c.tx.View(c.cl.db(), key) }

// ViewDB is View for database dbIndex (MOVE, COPY … DB).
func (c *Ctx) ViewDB(dbIndex int, key []byte) engine.View { return c.tx.View(dbIndex, key) }

// Views returns the selected database on every shard (commands flagged FlagAllShards).
func (c *Ctx) Views() []engine.View { return c.tx.Views(c.cl.db()) }

// Key returns argument i as a string without copying it. Arguments alias the connection's
// read buffer, which the next batch overwrites (see conn.go); the engine copies any key or
// hash field it keeps, so use Key for those and for lookups, never for a string a handler
// stores itself.
func (c *Ctx) Key(i int) string {
	b := c.Args[i]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Now is the command's clock in Unix milliseconds.
func (c *Ctx) Now() int64 {
	if c.tx != nil {
		return c.tx.Now()
	}
	return time.Now().UnixMilli()
}

// Err writes an error reply.
func (c *Ctx) Err(e Error) { c.W.Err(e) }

// ArityErr writes the wrong-number-of-arguments error for this command.
func (c *Ctx) ArityErr() { c.W.Err(arityError(c.cmd)) }

func arityError(cmd *Command) Error {
	return Error("ERR wrong number of arguments for '" + cmd.Name + "' command")
}
