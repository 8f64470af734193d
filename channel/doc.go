// Package channel models the wireless link between a learner and the
// orchestrator in mel-des: path loss, optional log-normal shadowing, the
// signal-to-noise ratio, the Shannon rate, outage processes and the time
// needed to push a number of bits through a rate that changes over time.
//
// Units are SI throughout the API: times in seconds, distances in metres,
// powers in watts, bandwidths in hertz, rates in bits per second. Decibel
// quantities carry the named types [DB] and [DBm] so that a ratio cannot be
// passed where an absolute power is expected; [DBToLinear], [LinearToDB],
// [DBmToWatts] and [WattsToDBm] convert at the edges.
//
// Every random process ([Shadowing], [RandomOnOff]) takes a seed and is a
// pure function of (seed, t): the value at a time does not depend on which
// other times were queried before, or in which order. Processes whose state
// accumulates over time generate their realisation forward lazily and cache
// it, so queries may go backwards in time at no extra cost.
//
// The package does not own positions: a [Link] reads the distance to the
// orchestrator from any [DistanceSource], such as the mobility models of the
// device package.
package channel
