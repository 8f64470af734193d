package device

import (
	"errors"
	"fmt"

	"github.com/mel-des/mel-des/param"
)

// Cell is the disc around the orchestrator, at the origin, in which learners are placed and
// move.
type Cell struct {
	Radius  float64 // radius of the cell, m (> 0)
	MinDist float64 // random placement and random waypoints keep at least this far from the orchestrator, m
}

// MobilityModel describes a mobility model to the registry: its name, its parameters with
// their units, ranges and defaults, the rules between them, and how to build it. A new model
// is one file that defines the model and registers it from an init function; the scenario
// keys, their checks and error messages, `mel-des list` and the tests of the reference
// documentation follow from the registration.
type MobilityModel struct {
	Name    string       // the value of the scenario key mobility.model
	Summary string       // one line for listings
	Params  []param.Spec // the model's keys in [learners.mobility], in documentation order
	// ImpliedBy names a parameter that, given without a model, selects this model (a trace
	// file selects the trace model); "" for none.
	ImpliedBy string
	// Positioned models give the position themselves (a trace): a learner following one has
	// no start position of its own.
	Positioned bool
	// Check verifies what the ranges of Params cannot: rules between keys, or against the
	// cell. Its errors are *param.Problem values naming a key. nil means nothing to check.
	Check func(p param.Values, cell Cell) error
	// New builds the model for one learner starting at start (ignored by positioned models),
	// drawing from the stream seed. p has been resolved and checked.
	New func(p param.Values, cell Cell, start Point, seed uint64) (Mobility, error)
}

// mobilityModels holds the registered models by name.
var mobilityModels = param.NewRegistry[MobilityModel]("device: mobility model")

// RegisterMobility makes a mobility model available by name. It is meant to be called from
// init functions and is not safe for concurrent use with the lookups. Panics if the name is
// empty or taken, New is nil, or ImpliedBy is not one of the model's parameters.
func RegisterMobility(m MobilityModel) {
	if m.New == nil {
		panic("device: RegisterMobility with a nil New")
	}
	if _, ok := param.Lookup(m.Params, m.ImpliedBy); m.ImpliedBy != "" && !ok {
		panic("device: mobility model " + m.Name + ": ImpliedBy names no parameter")
	}
	mobilityModels.Add(m.Name, m)
}

// MobilityModels returns the names of the registered mobility models, sorted.
func MobilityModels() []string { return mobilityModels.Names() }

// LookupMobility returns the registered model called name.
func LookupMobility(name string) (MobilityModel, bool) { return mobilityModels.Lookup(name) }

// StaticModel is the name of the model of a learner that never moves, the default.
const StaticModel = "static"

// MobilityConfig selects a learner's mobility model and sets its parameters. The zero value
// is a static learner; absent parameters take the model's defaults.
type MobilityConfig struct {
	Model  string       // a registered model name; "" means StaticModel
	Params param.Values // the model's parameters by key
}

// Name returns the model's name, StaticModel for "".
func (c MobilityConfig) Name() string {
	if c.Model == "" {
		return StaticModel
	}
	return c.Model
}

// Resolve looks the model up, checks the parameters against its specs and its rules, and
// returns the model with every parameter's value (defaults filled in). Every problem is
// returned joined, each a *param.Problem naming its key ("model" for an unknown model).
func (c MobilityConfig) Resolve(cell Cell) (MobilityModel, param.Values, error) {
	m, ok := LookupMobility(c.Name())
	if !ok {
		return MobilityModel{}, nil, &param.Problem{Key: "model", Msg: param.ChoiceMessage(c.Name(), MobilityModels())}
	}
	p, err := param.Resolve(m.Params, c.Params)
	if err == nil && m.Check != nil {
		err = m.Check(p, cell)
	}
	return m, p, err
}

// NewMobility builds the mobility model c for a learner that starts at start inside cell,
// drawing from the stream seed. Errors say which parameter is wrong, prefixed by the model.
func NewMobility(c MobilityConfig, cell Cell, start Point, seed uint64) (Mobility, error) {
	m, p, err := c.Resolve(cell)
	if err != nil {
		return nil, fmt.Errorf("device: mobility model %q: %w", c.Name(), err)
	}
	mob, err := m.New(p, cell, start, seed)
	if err != nil {
		return nil, fmt.Errorf("device: mobility model %q: %w", c.Name(), err)
	}
	return mob, nil
}

// Keys of the parameters that several models share, so that a learner switching between them
// keeps its speeds.
const (
	keyMinSpeed = "min_speed_mps"
	keyMaxSpeed = "max_speed_mps"
)

// speedSpecs returns the specs of a speed range drawn uniformly from [min, max].
func speedSpecs() []param.Spec {
	return []param.Spec{
		{Key: keyMinSpeed, Kind: param.Float, Unit: "m/s", Range: param.Closed(0, 100), Default: 0.5,
			Doc: "speeds are drawn uniformly from [min_speed_mps, max_speed_mps]"},
		{Key: keyMaxSpeed, Kind: param.Float, Unit: "m/s", Range: param.Positive(100), Default: 1.5,
			Doc: "the highest speed; at least min_speed_mps"},
	}
}

// checkSpeedRange is the one place that checks a speed range: lo ≤ hi, both finite, hi > 0,
// and lo > 0 unless zeroMinOK. Its problems name the scenario keys.
func checkSpeedRange(lo, hi float64, zeroMinOK bool, why string) error {
	var errs []error
	switch {
	case !(lo >= 0) || lo > 100:
		errs = append(errs, param.Errorf(keyMinSpeed, "must be in [0, 100] m/s, got %s", param.FormatNumber(lo)))
	case lo == 0 && !zeroMinOK:
		errs = append(errs, param.Errorf(keyMinSpeed, "%s needs min_speed_mps > 0 (%s)", why, "at speed 0 it never arrives"))
	}
	if !(hi > 0) || hi > 100 {
		errs = append(errs, param.Errorf(keyMaxSpeed, "must be in (0, 100] m/s, got %s", param.FormatNumber(hi)))
	} else if hi < lo {
		errs = append(errs, param.Errorf(keyMaxSpeed, "max_speed_mps = %s is below min_speed_mps = %s", param.FormatNumber(hi), param.FormatNumber(lo)))
	}
	return errors.Join(errs...)
}
