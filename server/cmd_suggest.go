package server

// suggestCommands is filled in by the work in progress on this group.
func suggestCommands() []*Command { return nil }
