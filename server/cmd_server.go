package server

func serverCommands() []*Command { return nil }

// modules are the entries MODULE LIST, HELLO and INFO's modules section report. They are
// compatibility markers: clients such as redisvl and redis-om check for them before using
// JSON.* and FT.*; darner implements those commands itself.
var modules = []struct {
	name string
	ver  int64
}{
	{"ReJSON", 20808},
}

func writeModules(w *Writer) {
	w.Array(len(modules))
	for _, m := range modules {
		w.Map(4)
		w.BulkString("name")
		w.BulkString(m.name)
		w.BulkString("ver")
		w.Int(m.ver)
		w.BulkString("path")
		w.BulkString("")
		w.BulkString("args")
		w.Array(0)
	}
}
