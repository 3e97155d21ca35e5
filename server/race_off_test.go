//go:build !race

package server_test

// raceOn: see race_on_test.go.
const raceOn = false
