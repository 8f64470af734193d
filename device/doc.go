// Package device models a learner's hardware in mel-des: its CPU
// (frequency and switched capacitance, which fix the time and energy of a
// local iteration), its battery, and its position over time through
// mobility models.
//
// Units are SI throughout: times in seconds, frequencies in hertz,
// energies in joules, powers in watts, positions and distances in metres
// with the orchestrator at the origin.
//
// Every random model takes a seed and is a pure function of (seed, t): the
// position at a time does not depend on which other times were queried
// before, or in which order. Models generate their trajectory forward
// lazily and cache it, so queries may go backwards in time; a model is
// therefore not safe for concurrent use.
//
// Mobility models satisfy the channel package's DistanceSource through their
// DistanceAt method without this package importing channel; [SampleStep]
// tells the channel how often to resample a moving learner's distance.
package device
