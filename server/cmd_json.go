package server

func jsonCommands() []*Command { return nil }
