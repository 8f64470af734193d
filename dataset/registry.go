package dataset

import (
	"fmt"
	"strings"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// Info is what is known of a data set before its samples are loaded: the numbers of training
// and test samples, the features per sample and the classes.
type Info struct {
	Train, Test, Features, Classes int
}

// Source is a data set ready to load.
type Source interface {
	// Info returns the sizes of the data set. It is cheap: at most file headers were read.
	Info() Info
	// Load returns the training and test sets, with the sizes Info promised. seed is the
	// run's stream for sources that generate their data (Kind.Seeded); others ignore it.
	Load(seed uint64) (train, test *mlcore.Dataset, err error)
}

// Kind describes a data source to the registry: its name, its keys in [dataset], whether
// its data depend on the run's seed, and how to open it. A new data source is one file that
// defines its Source and registers its Kind from an init function.
type Kind struct {
	Name    string       // the value of the scenario key dataset.source
	Summary string       // one line for listings
	Params  []param.Spec // the source's own keys in [dataset], in documentation order
	Seeded  bool         // the data are generated from the run's seed, so runs with other seeds see other data
	// Check verifies what the ranges of Params cannot (files exist, keys agree); nil means
	// nothing to check. Its errors are *param.Problem values naming a key.
	Check func(p param.Values) error
	// Open returns the source. It may read file headers to learn the sizes, and reports
	// unreadable or malformed files naming the file and what is wrong.
	Open func(p param.Values) (Source, error)
}

// kinds holds the registered sources by name.
var kinds = param.NewRegistry[Kind]("dataset: source")

// Register makes a data source available by name. It is meant to be called from init
// functions and is not safe for concurrent use with the lookups. Panics if the name is empty
// or taken, or Open is nil.
func Register(k Kind) {
	if k.Open == nil {
		panic("dataset: Register with a nil Open")
	}
	kinds.Add(k.Name, k)
}

// Kinds returns the names of the registered sources, sorted.
func Kinds() []string { return kinds.Names() }

// Lookup returns the registered source called name.
func Lookup(name string) (Kind, bool) { return kinds.Lookup(name) }

// DefaultSource is the source of a Config that names none: MNIST.
const DefaultSource = "mnist"

// Config selects a data source and sets its parameters. The zero value is MNIST from the
// default location; absent parameters take the source's defaults.
type Config struct {
	Source string       // a registered source name; "" means DefaultSource
	Params param.Values // the source's parameters by key
}

// Name returns the source's name, DefaultSource for "".
func (c Config) Name() string {
	if c.Source == "" {
		return DefaultSource
	}
	return c.Source
}

// Resolve looks the source up and checks the parameters against its specs and rules. It
// returns the kind and every parameter's value (defaults filled in); every problem is
// returned joined, each a *param.Problem naming its key ("source" for an unknown source).
func (c Config) Resolve() (Kind, param.Values, error) {
	k, ok := Lookup(c.Name())
	if !ok {
		return Kind{}, nil, &param.Problem{Key: "source", Msg: param.ChoiceMessage(c.Name(), Kinds())}
	}
	p, err := param.Resolve(k.Params, c.Params)
	if err == nil && k.Check != nil {
		err = k.Check(p)
	}
	return k, p, err
}

// Open resolves c and opens the source.
func (c Config) Open() (Source, error) {
	k, p, err := c.Resolve()
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", c.Name(), err)
	}
	src, err := k.Open(p)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", c.Name(), err)
	}
	return src, nil
}

// Seeded reports whether c's data depend on the run's seed. An unknown source is not seeded.
func (c Config) Seeded() bool {
	k, _ := Lookup(c.Name())
	return k.Seeded
}

// Key returns a text that is equal for two configurations exactly when they name the same
// data: the source and its resolved parameters. File parameters count by their path. It lets
// a sweep load each data set once.
func (c Config) Key() string {
	var b strings.Builder
	b.WriteString(c.Name())
	_, p, err := c.Resolve()
	if err != nil {
		p = c.Params
	}
	for _, k := range p.Keys() {
		v := p[k]
		if f, ok := v.(param.FileData); ok {
			v = f.Path
		}
		fmt.Fprintf(&b, "\x00%s=%v", k, v)
	}
	return b.String()
}

// checkSizes verifies a loaded pair against the promised info.
func checkSizes(name string, info Info, train, test *mlcore.Dataset) error {
	if train.N != info.Train || test.N != info.Test || train.Dim != info.Features || test.Dim != info.Features {
		return fmt.Errorf("dataset: %s: loaded %d training and %d test samples of %d and %d features, but the headers said %d and %d of %d",
			name, train.N, test.N, train.Dim, test.Dim, info.Train, info.Test, info.Features)
	}
	return nil
}
