package server_test

import (
	"math"
	"testing"

	"darner/server"

	"github.com/stretchr/testify/assert"
)

func TestWriterShapes(t *testing.T) {
	cases := []struct {
		name         string
		write        func(w *server.Writer)
		resp2, resp3 string
	}{
		{"null", func(w *server.Writer) { w.Null() }, "$-1\r\n", "_\r\n"},
		{"null array", func(w *server.Writer) { w.NullArray() }, "*-1\r\n", "_\r\n"},
		{"map", func(w *server.Writer) { w.Map(1); w.BulkString("a"); w.Int(1) }, "*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n"},
		{"set", func(w *server.Writer) { w.Set(1); w.BulkString("x") }, "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"},
		{"double", func(w *server.Writer) { w.Double(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"double inf", func(w *server.Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"bool", func(w *server.Writer) { w.Bool(true); w.Bool(false) }, ":1\r\n:0\r\n", "#t\r\n#f\r\n"},
		{"verbatim", func(w *server.Writer) { w.Verbatim("txt", "hi") }, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"},
		{"error one line", func(w *server.Writer) { w.Err("ERR a\r\nb") }, "-ERR a  b\r\n", "-ERR a  b\r\n"},
		{"ok", func(w *server.Writer) { w.OK() }, "+OK\r\n", "+OK\r\n"},
	}
	for _, c := range cases {
		w2, w3 := server.NewWriterForTest(false), server.NewWriterForTest(true)
		c.write(w2)
		c.write(w3)
		assert.Equal(t, c.resp2, string(w2.Reply()), c.name)
		assert.Equal(t, c.resp3, string(w3.Reply()), c.name)
	}
}
