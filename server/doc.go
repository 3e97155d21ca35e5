// Package server is darner's network side: the RESP listener (on redcon), the state of each
// connection (protocol version, authentication, selected database, MULTI queue, name), the
// one command table, the checks every command passes before its handler runs (arity, auth,
// transactions, key locking), the reply writer for RESP2 and RESP3, and the commands that are
// about the server rather than the data (INFO, CONFIG, CLIENT, COMMAND, MODULE).
//
// It holds no data: handlers parse arguments and call package engine through the Tx the
// dispatcher opened for the command's declared keys. A handler never takes a lock itself,
// which is what lets MULTI/EXEC run the same handlers inside one Tx.
package server
