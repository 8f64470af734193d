package aggregate

import (
	"errors"
	"fmt"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// Update is one learner's model as it arrives at the server.
type Update struct {
	Learner   int
	Model     *mlcore.MLP // the model the learner trained
	Base      *mlcore.MLP // the global model it started from; set only for a Kind with Deltas
	Weight    float64     // the samples it trained on, d_k (> 0)
	Version   int         // the global model version it downloaded
	Staleness int         // versions published since it downloaded: the current version − Version (≥ 0)
}

// Contribution says how one update went into a new global model.
type Contribution struct {
	Learner   int
	Version   int     // the version it downloaded
	Staleness int     // versions published between its download and this aggregation's start
	Weight    float64 // the factor its model (fedavg, fedasync) or its delta (fedbuff) got
}

// Aggregator is one run's server: it merges arrived updates into the global model and holds
// what it buffers between two aggregations. It is not safe for concurrent use.
//
// global is nil when the run trains nothing (mel.WithoutTraining): the aggregator then
// decides and reports as usual but computes nothing, so that the timing of a run does not
// depend on whether its models are trained.
type Aggregator interface {
	// Add hands the aggregator one arrived update. When that completes an aggregation, Add
	// writes the new global model into global and returns the contributions of every update
	// it merged (a new version is published); otherwise it returns nil. An aggregator of a
	// Kind with Async must not keep u.Model or u.Base after it returns; one without Async
	// may keep them until Flush, and its caller must leave them unchanged until then.
	Add(global *mlcore.MLP, u Update) []Contribution
	// Flush merges what is buffered into global, as at the end of a synchronous cycle, and
	// returns the contributions; nil when nothing is buffered.
	Flush(global *mlcore.MLP) []Contribution
}

// Kind describes an aggregation scheme to the registry: its name, its keys in [aggregation],
// the schedules it combines with, and how to build it. A new scheme is one file that defines
// its Aggregator and registers its Kind from an init function; the scenario keys, their
// checks and messages, `mel-des list` and the reference documentation follow.
type Kind struct {
	Name    string       // the value of the scenario key aggregation.name
	Summary string       // one line for listings
	Params  []param.Spec // the scheme's keys in [aggregation], in documentation order
	Sync    bool         // combines with the synchronous cycle (Flush at every cycle's end)
	Async   bool         // combines with the asynchronous schedule (Add at every arrival)
	Deltas  bool         // needs Update.Base, the global model each update started from
	// Check verifies what the ranges of Params cannot; its errors are *param.Problem values
	// naming a key. nil means nothing to check.
	Check func(p param.Values) error
	// New builds the aggregator for one run; p has been resolved and checked.
	New func(p param.Values) (Aggregator, error)
}

// kinds holds the registered schemes by name.
var kinds = param.NewRegistry[Kind]("aggregate: scheme")

// Register makes a scheme available by name. It is meant to be called from init functions
// and is not safe for concurrent use with the lookups. Panics if the name is empty or taken,
// New is nil, or the scheme combines with neither schedule.
func Register(k Kind) {
	if k.New == nil {
		panic("aggregate: Register with a nil New")
	}
	if !k.Sync && !k.Async {
		panic("aggregate: Register: " + k.Name + " combines with no schedule")
	}
	kinds.Add(k.Name, k)
}

// Kinds returns the names of the registered schemes, sorted.
func Kinds() []string { return kinds.Names() }

// Lookup returns the registered scheme called name.
func Lookup(name string) (Kind, bool) { return kinds.Lookup(name) }

// The schemes a Config without a name uses.
const (
	DefaultSync  = "fedavg"   // in the synchronous cycle
	DefaultAsync = "fedasync" // in the asynchronous schedule
)

// Config selects an aggregation scheme and sets its parameters. The zero value is the
// default scheme of the schedule; absent parameters take the scheme's defaults.
type Config struct {
	Name   string       // a registered scheme; "" = DefaultSync or DefaultAsync
	Params param.Values // the scheme's parameters by key
}

// NameFor returns the scheme's name in the given schedule, the schedule's default for "".
func (c Config) NameFor(async bool) string {
	switch {
	case c.Name != "":
		return c.Name
	case async:
		return DefaultAsync
	}
	return DefaultSync
}

// IsZero reports whether c is the default: no name and no parameters.
func (c Config) IsZero() bool { return c.Name == "" && len(c.Params) == 0 }

// Resolve looks the scheme up, checks that it combines with the schedule (async or not),
// checks the parameters against its specs and rules, and returns the scheme with every
// parameter's value (defaults filled in), leaving out the staleness parameters that the
// chosen staleness function does not use. Every problem is returned joined, each a
// *param.Problem naming its key ("name" for an unknown scheme or one that does not combine
// with the schedule).
func (c Config) Resolve(async bool) (Kind, param.Values, error) {
	name := c.NameFor(async)
	k, ok := Lookup(name)
	if !ok {
		return Kind{}, nil, &param.Problem{Key: "name", Msg: param.ChoiceMessage(name, Kinds())}
	}
	var errs []error
	switch {
	case async && !k.Async:
		errs = append(errs, param.Errorf("name", "%q does not combine with the asynchronous schedule (simulation.schedule = \"async\"); use one of %s",
			name, param.QuoteAll(namesFor(true))))
	case !async && !k.Sync:
		errs = append(errs, param.Errorf("name", "%q needs the asynchronous schedule (simulation.schedule = \"async\"); the synchronous cycle combines with %s",
			name, param.QuoteAll(namesFor(false))))
	}
	p, err := param.Resolve(k.Params, c.Params)
	if err == nil && k.Check != nil {
		err = k.Check(p)
	}
	if err == nil {
		err = unusedStaleness(p, c.Params)
	}
	if err == nil && p.Has(keyStaleness) {
		switch p.String(keyStaleness) {
		case Constant:
			delete(p, keyA)
			delete(p, keyB)
		case Polynomial:
			delete(p, keyB)
		}
	}
	return k, p, errors.Join(append(errs, err)...)
}

// namesFor returns the schemes that combine with a schedule.
func namesFor(async bool) []string {
	var names []string
	for _, n := range Kinds() {
		if k, _ := kinds.Lookup(n); async && k.Async || !async && k.Sync {
			names = append(names, n)
		}
	}
	return names
}

// New resolves c for the schedule and builds its aggregator.
func (c Config) New(async bool) (Aggregator, Kind, error) {
	k, p, err := c.Resolve(async)
	if err != nil {
		return nil, Kind{}, fmt.Errorf("aggregate: %s: %w", c.NameFor(async), err)
	}
	a, err := k.New(p)
	if err != nil {
		return nil, Kind{}, fmt.Errorf("aggregate: %s: %w", c.NameFor(async), err)
	}
	return a, k, nil
}

// Keys of the staleness function that fedasync and fedbuff share.
const (
	keyStaleness = "staleness"
	keyA         = "staleness_a"
	keyB         = "staleness_b"
)

// stalenessSpecs returns the specs of a staleness function, with its defaults.
func stalenessSpecs() []param.Spec {
	return []param.Spec{
		{Key: keyStaleness, Kind: param.String, Choices: StalenessFuncs(), Default: Polynomial,
			Doc: "how an update is discounted by its staleness s: constant 1, polynomial (1 + s)^(−a), or hinge: 1 up to b, then 1/(a·(s − b) + 1)"},
		{Key: keyA, Kind: param.Float, Range: param.Closed(0, 100), Default: 0.5,
			Doc: "polynomial: the exponent a; hinge: the slope a after the threshold"},
		{Key: keyB, Kind: param.Int, Range: param.Closed(0, 1e6), Default: 4,
			Doc: "hinge: the staleness b up to which updates count fully"},
	}
}

// staleness returns the staleness function of resolved parameters.
func staleness(p param.Values) Staleness {
	s := Staleness{Func: p.String(keyStaleness)}
	if p.Has(keyA) {
		s.A = p.Float(keyA)
	}
	if p.Has(keyB) {
		s.B = float64(p.Int(keyB))
	}
	return s
}

// unusedStaleness reports a staleness parameter given for a function that does not use it:
// staleness_a with constant, staleness_b with anything but hinge.
func unusedStaleness(p, given param.Values) error {
	if !p.Has(keyStaleness) {
		return nil
	}
	f := p.String(keyStaleness)
	var errs []error
	if given.Has(keyA) && f == Constant {
		errs = append(errs, param.Errorf(keyA, "not used by staleness = %q (used by %q and %q)", f, Polynomial, Hinge))
	}
	if given.Has(keyB) && f != Hinge {
		errs = append(errs, param.Errorf(keyB, "not used by staleness = %q (used by %q)", f, Hinge))
	}
	return errors.Join(errs...)
}
