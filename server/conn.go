package server

import (
	"bytes"
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"
)

// The connection loop. Each connection has one goroutine that reads what the socket has,
// parses every complete command in the bytes read (redcon.ReadNextCommand, which parses in
// place: a command's arguments are slices of the read buffer, with no copy and no
// allocation), runs them in order, and writes all their replies with one write, as Redis
// answers a pipeline batch.
//
// Arguments therefore alias the read buffer, which the next batch overwrites. Nothing may
// keep an argument past its command: the engine copies every key, field and value it
// stores, the MULTI queue copies what it queues, and a handler that keeps a string makes
// it with string(b). Tests run with scribbling on (ScribbleReadBuffers), which overwrites
// every consumed batch, so a reference kept by mistake shows up as corrupt data.

const (
	readBufSize = 16 << 10 // the read buffer's start size; it doubles for a larger command
	// A batch whose replies pass flushAt bytes is written out before its next command, so
	// a pipeline of large replies does not pile up in memory.
	flushAt = 1 << 20
	// After a batch, buffers grown beyond keepMax are dropped so an idle client holds
	// little.
	keepMax = 1 << 20
)

var scribble atomic.Bool

// ScribbleReadBuffers makes every connection overwrite the bytes of each batch once its
// commands have run. It is a test aid (servertest turns it on): a handler that keeps an
// argument without copying it then sees garbage instead of passing by luck.
func ScribbleReadBuffers(on bool) { scribble.Store(on) }

// acceptLoop accepts connections from ln until it is closed, then closes every open
// connection and waits for their goroutines.
func (s *Server) acceptLoop(ln net.Listener) error {
	defer func() {
		s.mu.Lock()
		for _, cl := range s.clients {
			cl.conn.Close()
		}
		s.mu.Unlock()
		s.conns.Wait()
	}()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// Out of file descriptors and the like: wait, as net/http does, and go on.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("accept", "err", err, "retry_in", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		cl := s.accept(nc)
		if cl == nil {
			continue
		}
		s.conns.Add(1)
		go s.serveConn(cl)
	}
}

// serveConn runs one connection until it closes, fails or QUITs.
func (s *Server) serveConn(cl *Client) {
	defer s.conns.Done()
	defer s.closed(cl)
	nc := cl.conn
	defer nc.Close()
	buf := make([]byte, 0, readBufSize)
	var argv [][]byte
	for {
		if len(buf) == cap(buf) {
			buf = append(make([]byte, 0, 2*cap(buf)), buf...)
		}
		n, rerr := nc.Read(buf[len(buf):cap(buf)])
		if n > 0 {
			buf = buf[:len(buf)+n]
			// Once per read, as Redis stamps a client's last interaction per read.
			cl.lastActive.Store(time.Now().UnixMilli())
			rest, perr := s.runBatch(cl, buf, &argv)
			if cl.flush() != nil {
				return
			}
			if perr != nil || cl.closed {
				return
			}
			buf = s.keepRest(buf, rest)
			if cap(cl.w.b) > keepMax {
				cl.w.b = nil
			}
		}
		if rerr != nil {
			return
		}
	}
}

// runBatch runs every complete command at the start of buf and returns the unparsed rest.
// A protocol error is answered (after the replies of the commands before it) and returned.
func (s *Server) runBatch(cl *Client, buf []byte, argv *[][]byte) ([]byte, error) {
	rest := buf
	for len(rest) > 0 && !cl.closed {
		var (
			complete bool
			args     [][]byte
			err      error
		)
		if skip, ok := negativeMultibulk(rest); ok {
			if skip == 0 {
				break // the line is not complete yet
			}
			rest = rest[skip:]
			continue
		}
		if rest[0] == '$' {
			// redcon reads a line starting with '$' as Tile38's protocol; to Redis it is an
			// inline command like any other.
			complete, args, rest = readDollarInline(rest, (*argv)[:0])
		} else {
			complete, args, _, rest, err = redcon.ReadNextCommand(rest, (*argv)[:0])
		}
		if err != nil {
			cl.w.Err(Error("ERR " + err.Error()))
			return rest, err
		}
		if !complete {
			break
		}
		*argv = args
		if len(args) == 0 {
			continue // an empty inline line or "*0": Redis ignores both
		}
		s.totalCommands.Add(1)
		s.dispatch(cl, args)
		if len(cl.w.b) >= flushAt {
			if err := cl.flush(); err != nil {
				return rest, err
			}
		}
	}
	return rest, nil
}

// flush writes the replies waiting in the client's buffer, once the append-only log holds
// the writes they acknowledge. If it cannot, the replies are dropped with the connection:
// the client sees an error, never an acknowledgement of a write that may be lost.
func (cl *Client) flush() error {
	if len(cl.w.b) == 0 {
		return nil
	}
	if err := cl.waitLogged(); err != nil {
		cl.w.b = cl.w.b[:0]
		return err
	}
	_, err := cl.conn.Write(cl.w.b)
	cl.w.b = cl.w.b[:0]
	return err
}

// keepRest moves the unparsed tail of buf to its front and returns the buffer to read into
// next. A buffer grown for one large command is dropped once that command has run.
func (s *Server) keepRest(buf, rest []byte) []byte {
	if cap(buf) > keepMax && len(rest) < readBufSize {
		return append(make([]byte, 0, readBufSize), rest...)
	}
	n := copy(buf, rest)
	if scribble.Load() {
		tail := buf[n:len(buf)]
		for i := range tail {
			tail[i] = 'X'
		}
	}
	return buf[:n]
}

// readDollarInline splits an inline line that starts with '$' at spaces.
func readDollarInline(b []byte, args [][]byte) (bool, [][]byte, []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return false, args, b
	}
	line := bytes.TrimSuffix(b[:i], []byte{'\r'})
	for _, f := range bytes.Fields(line) {
		args = append(args, f)
	}
	return true, args, b[i+1:]
}

// negativeMultibulk recognises "*-N\r\n", which Redis skips like "*0" (redcon refuses it). It
// returns the line's length, or 0 while the line is incomplete; ok is false for anything else.
func negativeMultibulk(b []byte) (skip int, ok bool) {
	if len(b) < 2 || b[0] != '*' || b[1] != '-' {
		return 0, false
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return 0, true
	}
	if n, valid := parseLength(bytes.TrimSuffix(b[1:i], []byte{'\r'})); !valid || n >= 0 {
		return 0, false // not a plain negative count: redcon reports the error
	}
	return i + 1, true
}
