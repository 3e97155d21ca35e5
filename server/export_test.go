package server

// AddCommandForTest adds cmd to s's table, for tests that need a command the real table
// does not have (one that panics, for instance).
func AddCommandForTest(s *Server, cmd *Command) { s.table.cmds[cmd.Name] = cmd }

// Reply exposes the writer's buffer to tests of the reply writer.
func (w *Writer) Reply() []byte { return w.b }

// NewWriterForTest returns a writer in the given protocol.
func NewWriterForTest(resp3 bool) *Writer { return &Writer{resp3: resp3} }
