// Package aof keeps an append-only log of write commands in Redis 7's multi-part layout: a
// directory (appenddirname) holding a base file — a snapshot, in RDB or command form — and
// incremental files of commands in RESP, listed in order by a manifest:
//
//	appendonlydir/appendonly.aof.manifest
//	    file appendonly.aof.3.base.rdb seq 3 type b
//	    file appendonly.aof.5.incr.aof seq 5 type i
//	    file appendonly.aof.6.incr.aof seq 6 type i
//
// The state is the base, then every incremental file replayed in order. A rewrite starts a
// new incremental file (Rotate), writes a new base of the data as it was at that moment
// beside the log, and then records the pair as the state (Install), deleting what they
// replace. Every change of the manifest is a write to a temporary file, fsync, rename and
// fsync of the directory, so a crash at any point leaves a manifest naming a complete
// state; files the manifest does not name are leftovers.
//
// Log appends commands from many goroutines into one buffer and writes it with group
// commit: whoever waits for its bytes writes everything pending in one write(2) (and one
// fsync with appendfsync always), so concurrent writers share the system calls. With
// everysec a goroutine fsyncs once a second; with no the kernel decides. Replay reads a
// file back, yielding commands and whole MULTI … EXEC blocks, and says where a file ends in
// the middle of a command so that the caller can apply aof-load-truncated.
//
// The package knows RESP and files, not what the commands mean: the server decides what
// to log and runs what is replayed.
package aof
