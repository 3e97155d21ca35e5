package server

func clientCommands() []*Command { return nil }

func (cl *Client) setName(name string) {
	cl.mu.Lock()
	cl.name = name
	cl.mu.Unlock()
}

// validClientName refuses names with spaces or newlines, as Redis does.
func validClientName(name []byte) Error {
	for _, c := range name {
		if c < '!' || c > '~' {
			return "ERR Client names cannot contain spaces, newlines or special characters."
		}
	}
	return ""
}
