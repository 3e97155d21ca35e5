package server

func keyCommands() []*Command {
	return []*Command{
		{Name: "del", Arity: -2, Flags: FlagWrite, First: 1, Last: -1, Step: 1, Group: "generic", Since: "1.0.0",
			Summary: "Deletes one or more keys.", Handler: cmdDel},
	}
}

// DEL key [key ...]
func cmdDel(c *Ctx) {
	var n int64
	for _, k := range c.Args[1:] {
		if c.View(k).Delete(string(k)) {
			n++
		}
	}
	c.W.Int(n)
}
