package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrTruncated means a file ends inside a command or a MULTI block: what a crash in the
// middle of a write leaves. Replay returns it wrapped in a *TruncatedError.
var ErrTruncated = errors.New("aof: file ends in the middle of a command")

// TruncatedError says where the last whole command (or block) of a truncated file ends.
type TruncatedError struct {
	Valid int64 // bytes of the file up to the end of its last whole command or block
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("aof: file ends in the middle of a command after byte %d", e.Valid)
}

func (e *TruncatedError) Unwrap() error { return ErrTruncated }

// FormatError is a file that is not a log of commands at offset At: not a crash's
// truncation but damage, which Replay does not try to repair.
type FormatError struct {
	At  int64
	Msg string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("aof: bad file format at byte %d: %s", e.At, e.Msg)
}

// Limits on what one command may claim before its bytes are read, so a damaged length
// does not allocate gigabytes: Redis' proto-max-bulk-len default and a generous count.
const (
	maxBulk = 512 << 20
	maxArgs = 1 << 24
)

// Replay reads a file of commands in RESP (a Redis AOF incremental file or command-form
// base). It calls fn with each command outside a transaction as a block of one, and with
// the commands of each complete MULTI … EXEC (without MULTI and EXEC) as one block. Lines
// starting with '#' between commands (Redis' annotations) are skipped. It returns the
// number of commands given to fn; a file that ends inside a command or an unfinished MULTI
// returns a *TruncatedError, damage a *FormatError, and an error from fn stops the replay
// and is returned as it is. fn must not keep block past the call (its commands it may).
func Replay(r io.Reader, fn func(block [][][]byte) error) (int, error) {
	rd := &respReader{r: bufio.NewReaderSize(r, 1<<20)}
	var (
		block   [][][]byte
		inMulti bool
		valid   int64 // offset after the last whole unit
		n       int
	)
	for {
		args, err := rd.command()
		if err == io.EOF {
			if inMulti {
				return n, &TruncatedError{Valid: valid}
			}
			return n, nil
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return n, &TruncatedError{Valid: valid}
		}
		if err != nil {
			return n, err
		}
		if args == nil {
			if !inMulti {
				valid = rd.off
			}
			continue // an annotation
		}
		switch {
		case isWord(args[0], "MULTI"):
			if inMulti {
				return n, &FormatError{At: rd.off, Msg: "MULTI inside MULTI"}
			}
			inMulti, block = true, block[:0]
			continue
		case isWord(args[0], "EXEC"):
			if !inMulti {
				return n, &FormatError{At: rd.off, Msg: "EXEC without MULTI"}
			}
			inMulti = false
		case inMulti:
			block = append(block, args)
			continue
		default:
			block = append(block[:0], args)
		}
		if len(block) > 0 {
			if err := fn(block); err != nil {
				return n, err
			}
			n += len(block)
		}
		valid = rd.off
		block = block[:0]
	}
}

func isWord(b []byte, w string) bool { return len(b) == len(w) && bytes.EqualFold(b, []byte(w)) }

// respReader reads RESP arrays of bulk strings, counting the bytes it consumed.
type respReader struct {
	r   *bufio.Reader
	off int64
}

// command reads the next command; nil args for an annotation line. io.EOF only at a
// command's start; io.ErrUnexpectedEOF inside one.
func (rd *respReader) command() ([][]byte, error) {
	start := rd.off
	line, err := rd.line()
	if err != nil {
		if err == io.ErrUnexpectedEOF && len(line) == 0 {
			return nil, io.EOF
		}
		return nil, err
	}
	if line[0] == '#' {
		return nil, nil
	}
	if line[0] != '*' {
		return nil, &FormatError{At: start, Msg: fmt.Sprintf("expected '*', got %q", line[0])}
	}
	count, err := strconv.Atoi(string(line[1:]))
	if err != nil || count < 1 || count > maxArgs {
		return nil, &FormatError{At: start, Msg: fmt.Sprintf("bad argument count %q", line[1:])}
	}
	args := make([][]byte, 0, min(count, 64))
	for range count {
		at := rd.off
		line, err := rd.line()
		if err != nil {
			return nil, unexpected(err)
		}
		if line[0] != '$' {
			return nil, &FormatError{At: at, Msg: fmt.Sprintf("expected '$', got %q", line[0])}
		}
		size, err := strconv.Atoi(string(line[1:]))
		if err != nil || size < 0 || size > maxBulk {
			return nil, &FormatError{At: at, Msg: fmt.Sprintf("bad bulk length %q", line[1:])}
		}
		arg := make([]byte, size+2)
		if _, err := io.ReadFull(rd.r, arg); err != nil {
			return nil, unexpected(err)
		}
		rd.off += int64(size + 2)
		if arg[size] != '\r' || arg[size+1] != '\n' {
			return nil, &FormatError{At: rd.off - 2, Msg: "bulk string not followed by CRLF"}
		}
		args = append(args, arg[:size:size])
	}
	return args, nil
}

// line reads one CRLF-terminated line without its terminator. A line cut short by the end
// of the file is io.ErrUnexpectedEOF (with what was read, so the caller can tell a clean
// end from a cut one).
func (rd *respReader) line() ([]byte, error) {
	b, err := rd.r.ReadSlice('\n')
	rd.off += int64(len(b))
	if err == bufio.ErrBufferFull {
		return nil, &FormatError{At: rd.off, Msg: "line too long"}
	}
	if err == io.EOF {
		return b, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	if len(b) < 3 || b[len(b)-2] != '\r' {
		return nil, &FormatError{At: rd.off - int64(len(b)), Msg: "line without CRLF"}
	}
	return b[:len(b)-2], nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
