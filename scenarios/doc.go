// Package scenarios turns TOML scenario files into validated mel.Config values.
//
// A scenario is a TOML file with the sections [simulation], [radio], [[learners]] groups,
// [[learner]] overrides, [[outage]] entries, [dataset], [model], [policy] and [output];
// docs/scenario.md lists every key with its unit, default and allowed range. Every key is
// optional: an empty file is the paper's setting (mel.DefaultConfig).
//
// Units in the file are the ones people use (s, J, GHz, MHz, dBm, m, m/s) and are converted
// once, at load, into the SI units of mel.Config; dBm becomes watts as 10^((dBm − 30)/10).
//
// Decoding is strict. An unknown key is an error that names its full path and suggests the
// closest known key; a value of the wrong type or out of range names the key path
// (learners[2].mobility.max_speed_mps), the value and the allowed range, with the line in
// the file. All problems are found in one pass and returned together in an *Error, one per
// line. Sizes have upper bounds (100,000 learners, 1,000,000 cycles, ...), so a typo fails
// at load rather than after an hour.
//
// Relative paths in a scenario (mobility trace CSV files, the MNIST directory) are
// relative to the directory of the scenario file. The embedded example scenarios
// (Embedded, LoadEmbedded) read their trace files from the embedded files next to them.
//
// Any key can be overridden by its path with a value written as text (Scenario.Set,
// Scenario.With, ParseOverride): overrides are applied to the decoded file before it is
// converted, so they are checked exactly like the file. Scenario.Canonical renders the
// resolved configuration deterministically, for keying sweep cells.
package scenarios
