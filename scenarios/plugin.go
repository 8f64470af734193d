package scenarios

import (
	"sort"

	"github.com/mel-des/mel-des/param"
)

// registry is what the decoder needs of a registry of plug-ins (mobility models, data
// sources, aggregation schemes): their names and each one's parameters. Both are read when a
// scenario is decoded, so plug-ins registered by any package's init count.
type registry struct {
	names  func() []string
	params func(name string) []param.Spec
}

// users maps every parameter key of the registry's plug-ins to the plug-ins that use it.
func (r registry) users() map[string][]string {
	users := map[string][]string{}
	for _, n := range r.names() {
		for _, s := range r.params(n) {
			users[s.Key] = append(users[s.Key], n)
		}
	}
	return users
}

// keys returns every parameter key of the registry, sorted.
func (r registry) keys(users map[string][]string) []string {
	keys := make([]string, 0, len(users))
	for k := range users {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pluginParams reads, from table t, the parameters of the plug-in chosen by the key selector
// (chosen is its name): each key the plug-in declares, checked through its spec. A key that
// only other plug-ins of the registry declare is reported as not used by the chosen one —
// unless an override (a sweep's axis) changed the choice, for then the file's keys of the
// plug-in it replaces do not apply: they are ignored, not wrong. It returns nil when no key
// is set.
func (d *decoder) pluginParams(t *table, r registry, selector, chosen string) param.Values {
	users := r.users()
	keys := r.keys(users)
	t.know(keys...)
	specs := r.params(chosen)
	var params param.Values
	for _, k := range keys {
		if !t.has(k) {
			continue
		}
		s, ok := param.Lookup(specs, k)
		if !ok {
			if _, changed := d.sets[t.full(selector)]; !changed {
				it, _ := t.get(k, false)
				d.problem(item{path: it.path, over: it.over}, "not used by %s = %q (used by %s)", selector, chosen, param.QuoteAll(users[k]))
			}
			continue
		}
		if v, ok := t.spec(s); ok {
			if params == nil {
				params = param.Values{}
			}
			params[k] = v
		}
	}
	return params
}
