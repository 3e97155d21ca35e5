// Package servertest starts a real darner server on a free loopback port for tests, and
// gives them go-redis clients speaking RESP2 or RESP3 to it. It is test support only: the
// server it starts is the production one, over a real TCP socket, so what the tests see on
// the wire is what clients see.
package servertest
