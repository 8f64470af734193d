package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/param"
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

// Params are a policy's settings by key, as decoded from TOML: bools, int64 or float64 for
// numbers, strings. A scenario's [policy] table passes every key but name.
type Params map[string]any

// Factory builds a policy from its settings. It rejects unknown keys and values of the wrong
// type with an error that names the key.
type Factory func(Params) (Policy, error)

// Info describes a registered policy for listings and documentation.
type Info struct {
	Name        string
	Description string       // one line
	Params      []param.Spec // the keys the policy accepts, with their defaults; nil if it did not declare them
}

type entry struct {
	info    Info
	factory Factory
}

// registry maps a policy name to its factory. It is filled by init functions and only read
// afterwards.
var registry = map[string]entry{}

// Register makes a policy available to New under name, with a one-line description for
// listings. The factory checks its own parameters. It is meant to be called from init
// functions and is not safe for concurrent use with New. Panics if name is empty or already
// registered, or f is nil. RegisterWithParams also declares the parameters, so that
// `mel-des list` shows them with their defaults and the factory gets them checked.
func Register(name, description string, f Factory) {
	register(Info{Name: name, Description: description}, f)
}

// RegisterWithParams registers a policy whose parameters are declared by specs: New checks
// the given keys against them (unknown keys, types, ranges), fills in the defaults, and calls
// build with the resolved values. Panics like Register.
func RegisterWithParams(name, description string, specs []param.Spec, build func(param.Values) (Policy, error)) {
	if build == nil {
		panic("policy: RegisterWithParams with a nil build")
	}
	register(Info{Name: name, Description: description, Params: specs}, func(ps Params) (Policy, error) {
		v, err := param.Resolve(specs, param.Values(ps))
		if err != nil {
			return nil, fmt.Errorf("policy: %s: %w", name, err)
		}
		return build(v)
	})
}

func register(info Info, f Factory) {
	if info.Name == "" || f == nil {
		panic("policy: Register with an empty name or a nil factory")
	}
	if _, dup := registry[info.Name]; dup {
		panic("policy: Register called twice for " + info.Name)
	}
	registry[info.Name] = entry{info, f}
}

// New builds the policy registered under name with params (nil means all defaults). An
// unknown name is an error that lists the known ones. A factory that panics is reported as
// an error, not passed on.
func New(name string, params Params) (pol Policy, err error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("policy: unknown policy %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	defer func() {
		if r := recover(); r != nil {
			pol, err = nil, fmt.Errorf("policy: %s: the factory panicked: %v", name, r)
		}
	}()
	pol, err = e.factory(params)
	if err == nil && pol == nil {
		err = fmt.Errorf("policy: %s: the factory returned no policy", name)
	}
	return pol, err
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

// Describe returns the one-line description of the named policy, or "" if no policy has
// that name.
func Describe(name string) string {
	return registry[name].info.Description
}

// Lookup returns what is known of the named policy.
func Lookup(name string) (Info, bool) {
	e, ok := registry[name]
	return e.info, ok
}

// allowExclusion is the parameter every built-in policy accepts.
var allowExclusion = param.Spec{Key: "allow_exclusion", Kind: param.Bool, Default: false,
	Doc: "exclude learners that cannot do even one update (on d_l samples, or on an equal share for HU) instead of failing the cycle"}

func init() {
	RegisterWithParams("ha-sync", "heterogeneity-aware synchronous: one common tau, the integer optimum (paper ref. [18])",
		[]param.Spec{allowExclusion},
		func(v param.Values) (Policy, error) { return HASync{AllowExclusion: v.Bool("allow_exclusion")}, nil })
	saiSpecs := []param.Spec{allowExclusion, {Key: "max_steps", Kind: param.Int, Range: param.Closed(0, 1e12), Default: 0,
		Doc: "the most capacity evaluations of the local search; 0 = 10,000,000"}}
	RegisterWithParams("ha-async-sai", "heterogeneity-aware asynchronous, suggest-and-improve local search (the paper's method)",
		saiSpecs,
		func(v param.Values) (Policy, error) {
			return SAI{AllowExclusion: v.Bool("allow_exclusion"), MaxSteps: v.Int("max_steps")}, nil
		})
	RegisterWithParams("ha-async-adaptive", "ha-async-sai's plan plus a deadline guard: a learner stops and uploads when one more iteration would leave no time for its upload",
		append(saiSpecs, param.Spec{Key: "margin", Kind: param.Float, Range: param.Closed(0, 100), Default: DefaultAdaptiveMargin,
			Doc: "once the link is worse than planned, the predicted upload time is inflated by this fraction"}),
		func(v param.Values) (Policy, error) {
			m := v.Float("margin")
			if m == 0 {
				m = -1 // Adaptive's zero means the default; 0 here means none
			}
			return Adaptive{SAI: SAI{AllowExclusion: v.Bool("allow_exclusion"), MaxSteps: v.Int("max_steps")}, Margin: m}, nil
		})
	RegisterWithParams("ha-async-exact", "heterogeneity-aware asynchronous, exact optimum by dynamic programming over the staleness window",
		[]param.Spec{allowExclusion},
		func(v param.Values) (Policy, error) { return Exact{AllowExclusion: v.Bool("allow_exclusion")}, nil })
	RegisterWithParams("hu-sync", "heterogeneity-unaware synchronous: d/K samples each, tau = the slowest learner's maximum",
		[]param.Spec{allowExclusion},
		func(v param.Values) (Policy, error) { return HUSync{AllowExclusion: v.Bool("allow_exclusion")}, nil })
	RegisterWithParams("hu-async", "heterogeneity-unaware asynchronous: d/K samples each, each learner's own maximum tau within the staleness window",
		[]param.Spec{allowExclusion},
		func(v param.Values) (Policy, error) { return HUAsync{AllowExclusion: v.Bool("allow_exclusion")}, nil })
}
