package policy

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Policy allocates one cycle's samples and local updates. A policy is a pure,
// deterministic function of the Problem: the same problem gives the same
// plan, and a Policy value is safe for concurrent use.
type Policy interface {
	// Name returns the name the policy is registered under.
	Name() string
	// Plan returns a feasible plan for p, or an error: a validation error,
	// an *InfeasibleError, or one wrapping ErrTooLarge.
	Plan(p Problem) (Plan, error)
}

// Params are a policy's settings by key, as decoded from TOML: bools, int64
// or float64 for integers, strings.
type Params map[string]any

// Factory builds a policy from its settings. It rejects unknown keys and
// values of the wrong type with an error that names the key.
type Factory func(Params) (Policy, error)

type entry struct {
	description string
	factory     Factory
}

// registry maps a policy name to its factory. It is filled by init functions
// and only read afterwards.
var registry = map[string]entry{}

// Register makes a policy available to New under name, with a one-line
// description for listings. It is meant to be called from init functions and
// is not safe for concurrent use with New. Panics if name is empty or
// already registered, or f is nil.
func Register(name, description string, f Factory) {
	if name == "" || f == nil {
		panic("policy: Register with an empty name or a nil factory")
	}
	if _, dup := registry[name]; dup {
		panic("policy: Register called twice for " + name)
	}
	registry[name] = entry{description, f}
}

// New builds the policy registered under name with params (nil means all
// defaults). An unknown name is an error that lists the known ones.
func New(name string, params Params) (Policy, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("policy: unknown policy %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return e.factory(params)
}

// Names returns the registered policy names, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Describe returns the one-line description of the named policy, or "" if
// no policy has that name.
func Describe(name string) string {
	return registry[name].description
}

// param is one setting a factory accepts: a pointer to a bool or an int.
type param struct {
	key string
	dst any
}

// decodeParams stores params into the settings named in spec and rejects
// unknown keys and wrong types, naming the policy and the key. Keys are
// visited in sorted order so the first error is deterministic.
func decodeParams(policy string, params Params, spec ...param) error {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	valid := make([]string, len(spec))
	for i, s := range spec {
		valid[i] = s.key
	}
	slices.Sort(valid)
	for _, key := range keys {
		i := slices.IndexFunc(spec, func(s param) bool { return s.key == key })
		if i < 0 {
			return fmt.Errorf("policy: %s: unknown parameter %q (valid: %s)", policy, key, strings.Join(valid, ", "))
		}
		v := params[key]
		switch dst := spec[i].dst.(type) {
		case *bool:
			b, ok := v.(bool)
			if !ok {
				return fmt.Errorf("policy: %s: parameter %s: want a bool, got %T %v", policy, key, v, v)
			}
			*dst = b
		case *int:
			n, ok := toInt(v)
			if !ok || n < 0 {
				return fmt.Errorf("policy: %s: parameter %s: want a non-negative integer, got %T %v", policy, key, v, v)
			}
			*dst = n
		}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n), true
		}
	}
	return 0, false
}

// built returns p, or nil and err when building it failed.
func built(p Policy, err error) (Policy, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}

func init() {
	Register("ha-sync", "heterogeneity-aware synchronous: one common tau, the integer optimum (paper ref. [18])",
		func(ps Params) (Policy, error) {
			var s HASync
			err := decodeParams("ha-sync", ps, param{"allow_exclusion", &s.AllowExclusion})
			return built(s, err)
		})
	Register("ha-async-sai", "heterogeneity-aware asynchronous, suggest-and-improve local search (the paper's method)",
		func(ps Params) (Policy, error) {
			var s SAI
			err := decodeParams("ha-async-sai", ps, param{"allow_exclusion", &s.AllowExclusion}, param{"max_steps", &s.MaxSteps})
			return built(s, err)
		})
	Register("ha-async-exact", "heterogeneity-aware asynchronous, exact optimum by dynamic programming over the staleness window",
		func(ps Params) (Policy, error) {
			var s Exact
			err := decodeParams("ha-async-exact", ps, param{"allow_exclusion", &s.AllowExclusion})
			return built(s, err)
		})
	Register("hu-sync", "heterogeneity-unaware synchronous: d/K samples each, tau = the slowest learner's maximum",
		func(ps Params) (Policy, error) {
			var s HUSync
			err := decodeParams("hu-sync", ps, param{"allow_exclusion", &s.AllowExclusion})
			return built(s, err)
		})
	Register("hu-async", "heterogeneity-unaware asynchronous: d/K samples each, each learner's own maximum tau within the staleness window",
		func(ps Params) (Policy, error) {
			var s HUAsync
			err := decodeParams("hu-async", ps, param{"allow_exclusion", &s.AllowExclusion})
			return built(s, err)
		})
}
