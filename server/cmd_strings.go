package server

import "darner/engine"

func stringCommands() []*Command {
	return []*Command{
		{Name: "get", Arity: 2, Flags: FlagReadonly | FlagFast, First: 1, Last: 1, Step: 1, Group: "string", Since: "1.0.0",
			Summary: "Returns the string value of a key.", Handler: cmdGet},
		{Name: "set", Arity: -3, Flags: FlagWrite | FlagDenyOOM, First: 1, Last: 1, Step: 1, Group: "string", Since: "1.0.0",
			Summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", Handler: cmdSet},
	}
}

// GET key
func cmdGet(c *Ctx) {
	o, err := c.View(c.Args[1]).GetType(string(c.Args[1]), engine.TypeString)
	switch {
	case err != nil:
		c.Err(errWrongType)
	case o == nil:
		c.W.Null()
	default:
		c.W.Bulk(o.Value.(*engine.Str).B)
	}
}

// SET key value (options to come)
func cmdSet(c *Ctx) {
	c.View(c.Args[1]).Set(string(c.Args[1]), engine.NewStr(c.Args[2]), false)
	c.W.OK()
}
