package server

// commandGroups lists every group of commands; newTable assembles them into the one table.
func (s *Server) commandGroups() [][]*Command {
	return [][]*Command{
		connectionCommands(),
		txCommands(),
		serverCommands(),
		persistCommands(),
		clientCommands(),
		keyCommands(),
		stringCommands(),
		hashCommands(),
		jsonCommands(),
		searchCommands(),
		searchAdminCommands(),
		spellCommands(),
		suggestCommands(),
		synonymCommands(),
		hybridCommands(),
	}
}
