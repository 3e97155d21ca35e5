//go:build race

package server_test

// raceOn is true in test builds with the race detector, which runs index work about ten
// times slower: tests that need a slow background build use fewer documents then.
const raceOn = true
