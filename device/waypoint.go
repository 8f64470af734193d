package device

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/mel-des/mel-des/param"
)

// streamWaypoint keeps the random waypoint stream apart from other models'
// streams even when a caller hands them the same seed.
const streamWaypoint uint64 = 0x5257_50 // "RWP"

// RandomWaypointConfig configures a [RandomWaypoint] model.
type RandomWaypointConfig struct {
	// Radius is the radius of the cell around the orchestrator, in
	// metres; every waypoint lies inside it.
	Radius float64
	// MinDist keeps waypoints at least this many metres from the
	// orchestrator (0 for none); the straight legs between them may still
	// pass closer.
	MinDist float64
	// MinSpeed and MaxSpeed bound the speed, drawn uniformly per leg, in
	// m/s. MinSpeed must be positive: with a zero minimum the mean speed of
	// the model decays over time.
	MinSpeed, MaxSpeed float64
	// PauseS is how long the learner rests at each waypoint, in seconds.
	PauseS float64
	// Start is the position at time 0, inside the cell.
	Start Point
	// Seed selects the random stream.
	Seed uint64
}

func init() {
	RegisterMobility(MobilityModel{
		Name:    "waypoint",
		Summary: "random waypoint: travel to a uniform point of the cell at a uniform speed, pause, repeat",
		Params: append(speedSpecs(), param.Spec{Key: "pause_s", Kind: param.Float, Unit: "s",
			Range: param.Closed(0, 1e6), Default: 0.0, Doc: "pause at each waypoint"}),
		Check: func(p param.Values, _ Cell) error {
			return checkSpeedRange(p.Float(keyMinSpeed), p.Float(keyMaxSpeed), false, "random waypoint")
		},
		New: func(p param.Values, cell Cell, start Point, seed uint64) (Mobility, error) {
			return NewRandomWaypoint(RandomWaypointConfig{Radius: cell.Radius, MinDist: cell.MinDist,
				MinSpeed: p.Float(keyMinSpeed), MaxSpeed: p.Float(keyMaxSpeed), PauseS: p.Float("pause_s"),
				Start: start, Seed: seed})
		},
	})
}

// RandomWaypoint is the random waypoint model: from its start the learner
// moves in a straight line at a random speed to a waypoint drawn uniformly
// over the cell, pauses there, and repeats. Legs are generated lazily and
// cached, so a position is a pure function of (config, t); memory grows with
// the number of legs before the latest time queried.
type RandomWaypoint struct {
	cfg  RandomWaypointConfig
	rng  *rand.Rand
	legs []leg
}

// leg is one move from From, leaving at Depart and arriving at Arrive, then
// a pause at To until Leave.
type leg struct {
	From, To              Point
	Depart, Arrive, Leave float64
}

// NewRandomWaypoint returns a random waypoint model. It returns an error
// naming the field if the radius, distances, speeds, pause or start are
// invalid.
func NewRandomWaypoint(cfg RandomWaypointConfig) (*RandomWaypoint, error) {
	if err := checkCell("RandomWaypoint", cfg.Radius, cfg.Start); err != nil {
		return nil, err
	}
	if !(cfg.MinDist >= 0) || cfg.MinDist > cfg.Radius {
		return nil, fmt.Errorf("device: RandomWaypoint.MinDist must be in [0, Radius %v] m, got %v", cfg.Radius, cfg.MinDist)
	}
	if err := checkSpeedRange(cfg.MinSpeed, cfg.MaxSpeed, false, "random waypoint"); err != nil {
		return nil, fmt.Errorf("device: RandomWaypoint: %w", err)
	}
	if !(cfg.PauseS >= 0) || math.IsInf(cfg.PauseS, 1) {
		return nil, fmt.Errorf("device: RandomWaypoint.PauseS must be finite and >= 0 s, got %v", cfg.PauseS)
	}
	return &RandomWaypoint{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, streamWaypoint))}, nil
}

// Position returns the position at time t seconds. It panics if t is NaN
// or +Inf, which would need an infinite trajectory.
func (w *RandomWaypoint) Position(t float64) Point {
	if math.IsNaN(t) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("device: RandomWaypoint.Position: time must not be NaN or +Inf, got %v", t))
	}
	t = math.Max(t, 0)
	for len(w.legs) == 0 || w.legs[len(w.legs)-1].Leave <= t {
		w.extend()
	}
	l := w.legs[sort.Search(len(w.legs), func(i int) bool { return w.legs[i].Leave > t })]
	if t >= l.Arrive {
		return l.To
	}
	return lerp(l.From, l.To, (t-l.Depart)/(l.Arrive-l.Depart))
}

// extend appends the next leg.
func (w *RandomWaypoint) extend() {
	from, depart := w.cfg.Start, 0.0
	if n := len(w.legs); n > 0 {
		from, depart = w.legs[n-1].To, w.legs[n-1].Leave
	}
	to := UniformDisc(w.rng, w.cfg.Radius, w.cfg.MinDist)
	speed := w.cfg.MinSpeed + (w.cfg.MaxSpeed-w.cfg.MinSpeed)*w.rng.Float64()
	arrive := depart + from.Dist(to)/speed
	w.legs = append(w.legs, leg{From: from, To: to, Depart: depart, Arrive: arrive, Leave: arrive + w.cfg.PauseS})
}

// DistanceAt returns the distance to the orchestrator at time t seconds.
func (w *RandomWaypoint) DistanceAt(t float64) float64 { return w.Position(t).Norm() }

// MaxSpeed returns the configured maximum speed in m/s.
func (w *RandomWaypoint) MaxSpeed() float64 { return w.cfg.MaxSpeed }
