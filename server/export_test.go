package server

import "darner/search"

// AddCommandForTest adds cmd to s's table, for tests that need a command the real table
// does not have (one that panics, for instance).
func AddCommandForTest(s *Server, cmd *Command) { s.table.cmds[cmd.Name] = cmd }

// SearchIndex returns index name of s's registry, or nil.
func SearchIndex(s *Server, name string) *search.Index { return s.search.Get(name) }

// Reply exposes the writer's buffer to tests of the reply writer.
func (w *Writer) Reply() []byte { return w.b }

// NewWriterForTest returns a writer in the given protocol.
func NewWriterForTest(resp3 bool) *Writer { return &Writer{resp3: resp3} }
