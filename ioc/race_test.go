//go:build race

package ioc

// raceEnabled scales the largest randomized tests down under the race
// detector, which makes this byte-level code about 20 times slower; the
// plain run and the fuzz targets keep the full sizes.
const raceEnabled = true
