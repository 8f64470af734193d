package scenarios

import (
	"regexp"
	"strings"
)

// Override sets one scenario key, named by its path, to a value written as text. The path
// joins table names and keys with dots and picks entries of [[...]] arrays by a 0-based index:
// "simulation.deadline_s", "policy.name", "learners[0].mobility.max_speed_mps",
// "learner[2].battery_j", "outage[0].start_s". Policy parameters are "policy.KEY".
//
// The value is read as a TOML value ("12", "2.5", "true", "[16, 8]", "inf") and then checked
// exactly like the same value in the file. For keys that hold strings the text is taken
// literally ("ha-sync"), unless it is a quoted TOML string. Only keys can be overridden,
// not whole tables, and only entries that exist: an override cannot add a [[learners]] group.
type Override struct {
	Key   string
	Value string
}

// ParseOverride splits "KEY=VALUE", as given to a --set flag, into an Override.
func ParseOverride(s string) (Override, error) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return Override{}, fileError("", "override %q: want KEY=VALUE, e.g. simulation.deadline_s=20", s)
	}
	return Override{Key: k, Value: strings.TrimSpace(v)}, nil
}

// keyPathRE matches a key path: bare keys joined by dots, each optionally indexed.
var keyPathRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(\[[0-9]{1,9}\])?(\.[A-Za-z0-9_-]+(\[[0-9]{1,9}\])?)*$`)

// With returns a new scenario: s with the overrides applied on top of its own (a later
// override of the same key wins), decoded and validated again from the file. s is not
// changed. On any problem it returns nil and an *Error listing them all, the overrides'
// problems marked as such. With only reads s, so a sweep may derive many scenarios from one
// base concurrently.
func (s *Scenario) With(overrides ...Override) (*Scenario, error) {
	all := append(append([]Override(nil), s.settings...), overrides...)
	return s.build(all)
}

// Set applies one override to s in place, as With does; on error s is unchanged.
func (s *Scenario) Set(key, value string) error {
	ns, err := s.With(Override{Key: key, Value: value})
	if err != nil {
		return err
	}
	*s = *ns
	return nil
}

// Overrides returns the overrides applied to s, in order.
func (s *Scenario) Overrides() []Override {
	return append([]Override(nil), s.settings...)
}

// build decodes s's file with the given overrides into a new, validated scenario.
func (s *Scenario) build(overrides []Override) (*Scenario, error) {
	d, ns := s.decode(overrides)
	if err := newError(s.origin.file, d.probs); err != nil {
		return nil, err
	}
	return ns, nil
}

// decode runs the decoder over s's file with the given overrides and returns it, with the
// problems it found, and the new scenario.
func (s *Scenario) decode(overrides []Override) (*decoder, *Scenario) {
	d := &decoder{
		lines:  s.lines,
		sets:   map[string]*setting{},
		arrays: map[string]int{},
		byPath: map[string]bool{},
		origin: s.origin,
	}
	for _, o := range overrides {
		k := strings.TrimSpace(o.Key)
		if !keyPathRE.MatchString(k) {
			d.problem(item{path: o.Key, v: overrideValue(o.Value, false), over: true},
				"not a key path: want keys joined by dots, entries by [index], e.g. learners[0].mobility.max_speed_mps")
			continue
		}
		d.sets[k] = &setting{value: o.Value}
	}
	ns := &Scenario{
		File: s.File, raw: s.raw, lines: s.lines, origin: s.origin, defName: s.defName,
		settings: overrides,
	}
	d.scenario(ns)
	d.unknown()
	d.unusedSets()
	d.check(ns.Config)
	return d, ns
}
