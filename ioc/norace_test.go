//go:build !race

package ioc

// raceEnabled: see race_test.go.
const raceEnabled = false
