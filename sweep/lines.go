package sweep

import "github.com/mel-des/mel-des/scenarios"

// keyLines maps the keys of a sweep file to the 1-based line where each is first written:
// top-level keys by name ("base"), tables by their header ("axes", "group[1]"), and axis
// keys by table and key path joined by a dot ("axes.simulation.deadline_s",
// "group[1].policy.name"), whether the path is written quoted or as dotted TOML keys. It is
// the scenario decoder's scanner: both read TOML the same way.
func keyLines(src string) map[string]int { return scenarios.KeyLines(src) }

// lineOf returns the line of key in lines, or of the closest enclosing key that has one
// ("group[1].policy.name", then "group[1].policy", "group[1]", "group"), or 0.
func lineOf(lines map[string]int, key string) int { return scenarios.LineOf(lines, key) }
