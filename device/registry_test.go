package device

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

func TestMobilityModelsRegistered(t *testing.T) {
	want := []string{"gauss-markov", "static", "trace", "walk", "waypoint"}
	if got := MobilityModels(); !reflect.DeepEqual(got, want) {
		t.Errorf("MobilityModels() = %q, want %q", got, want)
	}
	for _, name := range want {
		m, ok := LookupMobility(name)
		if !ok || m.Name != name {
			t.Errorf("LookupMobility(%q) = %q, %v", name, m.Name, ok)
		}
	}
	if _, ok := LookupMobility("teleport"); ok {
		t.Error("LookupMobility(teleport) found a model")
	}
}

// unitSuffix is the key suffix of each unit: the house rule is that a key carries its unit.
var unitSuffix = map[string]string{"m/s": "_mps", "s": "_s", "degrees": "_deg", "m": "_m"}

// TestMobilitySpecs checks every registered model's description: documented, unique keys
// carrying their units, and defaults that pass their own checks and resolve.
func TestMobilitySpecs(t *testing.T) {
	for _, name := range MobilityModels() {
		m, _ := LookupMobility(name)
		if m.Summary == "" {
			t.Errorf("%s: no Summary", name)
		}
		seen := map[string]bool{}
		for _, s := range m.Params {
			where := name + "." + s.Key
			if s.Key == "" || seen[s.Key] {
				t.Errorf("%s: empty or duplicate key", where)
			}
			seen[s.Key] = true
			if strings.HasPrefix(s.Kind.String(), "Kind(") {
				t.Errorf("%s: no valid Kind", where)
			}
			if s.Doc == "" {
				t.Errorf("%s: no Doc", where)
			}
			if s.Unit != "" {
				suf, ok := unitSuffix[s.Unit]
				if !ok {
					t.Errorf("%s: unit %q has no known key suffix; add it to unitSuffix", where, s.Unit)
				} else if !strings.HasSuffix(s.Key, suf) {
					t.Errorf("%s: unit %q but the key does not end in %q", where, s.Unit, suf)
				}
			}
			if s.Required && s.Default != nil {
				t.Errorf("%s: required with a default", where)
			}
			if s.Default == nil {
				continue
			}
			v, err := s.Check(s.Default)
			if err != nil {
				t.Errorf("%s: default %v fails its own check: %v", where, s.Default, err)
			} else if fmt.Sprint(v) != fmt.Sprint(s.Default) {
				t.Errorf("%s: default %v checks as %v", where, s.Default, v)
			}
		}
	}
}

func TestMobilityDefaultsResolve(t *testing.T) {
	cell := Cell{Radius: 100, MinDist: 5}
	start := Point{30, -40}
	for _, name := range MobilityModels() {
		m, p, err := MobilityConfig{Model: name}.Resolve(cell)
		var required []string
		for _, s := range m.Params {
			switch {
			case s.Required:
				required = append(required, s.Key+": missing: required")
			case s.Default != nil:
				if !p.Has(s.Key) {
					t.Errorf("%s: default of %s not filled in", name, s.Key)
				}
			}
		}
		var got []string
		for _, pr := range param.Problems(err) {
			got = append(got, pr.Error())
		}
		if !reflect.DeepEqual(got, required) {
			t.Errorf("%s: Resolve with no parameters: problems %q, want %q", name, got, required)
		}
		if len(required) > 0 {
			continue
		}
		mob, err := NewMobility(MobilityConfig{Model: name}, cell, start, 1)
		if err != nil {
			t.Errorf("%s: NewMobility with the defaults: %v", name, err)
			continue
		}
		if !m.Positioned && mob.Position(0) != start {
			t.Errorf("%s: starts at %v, want %v", name, mob.Position(0), start)
		}
	}
}

func TestRegisterMobilityPanics(t *testing.T) {
	newStatic := func(param.Values, Cell, Point, uint64) (Mobility, error) { return Static{}, nil }
	tests := []struct {
		name string
		m    MobilityModel
		want string
	}{
		{"empty name", MobilityModel{New: newStatic}, "empty name"},
		{"nil New", MobilityModel{Name: "test-nil-new"}, "nil New"},
		{"duplicate", MobilityModel{Name: StaticModel, New: newStatic}, `"static" registered twice`},
		{"ImpliedBy names no parameter", MobilityModel{Name: "test-implied", New: newStatic, ImpliedBy: "file",
			Params: []param.Spec{{Key: "trace", Kind: param.File}}}, "ImpliedBy"},
	}
	before := MobilityModels()
	for _, tc := range tests {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("%s: panic %v, want one mentioning %q", tc.name, r, tc.want)
				}
			}()
			RegisterMobility(tc.m)
		}()
	}
	if after := MobilityModels(); !reflect.DeepEqual(after, before) {
		t.Errorf("a failed registration changed the registry: %q, was %q", after, before)
	}
}

func TestMobilityConfigZeroIsStatic(t *testing.T) {
	var c MobilityConfig
	if c.Name() != StaticModel {
		t.Errorf("zero MobilityConfig names %q, want %q", c.Name(), StaticModel)
	}
	m, err := NewMobility(c, Cell{Radius: 10}, Point{3, 4}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := m.(Static); !ok || s != (Static{3, 4}) || m.MaxSpeed() != 0 {
		t.Errorf("zero MobilityConfig built %#v, want Static{3, 4}", m)
	}
}

func TestMobilityUnknownModel(t *testing.T) {
	_, _, err := MobilityConfig{Model: "wlak"}.Resolve(Cell{Radius: 100})
	p, ok := err.(*param.Problem)
	if !ok {
		t.Fatalf("Resolve: error %#v is not a *param.Problem", err)
	}
	want := `unknown value (did you mean "walk"?); want one of "gauss-markov", "static", "trace", "walk" or "waypoint"`
	if p.Key != "model" || p.Msg != want {
		t.Errorf("problem %q: %q\nwant  model: %q", p.Key, p.Msg, want)
	}
	_, err = NewMobility(MobilityConfig{Model: "wlak"}, Cell{Radius: 100}, Point{}, 1)
	if err == nil || err.Error() != `device: mobility model "wlak": model: `+want {
		t.Errorf("NewMobility: %v", err)
	}
}

func TestMobilityUnknownParameter(t *testing.T) {
	tests := []struct {
		c    MobilityConfig
		want []string
	}{
		{MobilityConfig{Model: "walk", Params: param.Values{"max_speed": 2.0}},
			[]string{"max_speed: unknown parameter (did you mean max_speed_mps?); known: min_speed_mps, max_speed_mps, turn_s"}},
		{MobilityConfig{Params: param.Values{"speed": 1.0}},
			[]string{"speed: unknown parameter; it takes none"}},
		{MobilityConfig{Model: "waypoint", Params: param.Values{"pause": 1.0, "turn_s": 3.0}},
			[]string{"pause: unknown parameter (did you mean pause_s?); known: min_speed_mps, max_speed_mps, pause_s",
				"turn_s: unknown parameter; known: min_speed_mps, max_speed_mps, pause_s"}},
	}
	for _, tc := range tests {
		_, _, err := tc.c.Resolve(Cell{Radius: 100})
		var got []string
		for _, p := range param.Problems(err) {
			got = append(got, p.Error())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %v: problems\n got %q\nwant %q", tc.c.Name(), tc.c.Params, got, tc.want)
		}
	}
}

// onlyProblem returns the one *param.Problem in err, failing the test unless there is
// exactly one.
func onlyProblem(t *testing.T, what string, err error) *param.Problem {
	t.Helper()
	ps := param.Problems(err)
	if len(ps) != 1 {
		t.Fatalf("%s: error %v holds %d problems, want 1", what, err, len(ps))
	}
	return ps[0]
}

// TestSpeedRuleOneMessage: the speed rule lives in one place, so a scenario and a Go caller
// get the same problem on the same key.
func TestSpeedRuleOneMessage(t *testing.T) {
	cell := Cell{Radius: 100}
	tests := []struct {
		name    string
		model   string
		params  param.Values
		build   func() error // the same configuration through the Go constructor
		key     string       // "" when the configuration is valid
		message string
	}{
		{"waypoint needs a positive minimum", "waypoint", param.Values{keyMinSpeed: 0.0, keyMaxSpeed: 2.0},
			func() error {
				_, err := NewRandomWaypoint(RandomWaypointConfig{Radius: 100, MinSpeed: 0, MaxSpeed: 2})
				return err
			}, keyMinSpeed, "random waypoint needs min_speed_mps > 0 (at speed 0 it never arrives)"},
		{"walk accepts a zero minimum", "walk", param.Values{keyMinSpeed: 0.0, keyMaxSpeed: 2.0},
			func() error {
				_, err := NewRandomWalk(RandomWalkConfig{Radius: 100, MinSpeed: 0, MaxSpeed: 2, IntervalS: 10})
				return err
			}, "", ""},
		{"walk max below min", "walk", param.Values{keyMinSpeed: 3.0, keyMaxSpeed: 2.0},
			func() error {
				_, err := NewRandomWalk(RandomWalkConfig{Radius: 100, MinSpeed: 3, MaxSpeed: 2, IntervalS: 10})
				return err
			}, keyMaxSpeed, "max_speed_mps = 2 is below min_speed_mps = 3"},
		{"waypoint max below min", "waypoint", param.Values{keyMinSpeed: 1.5, keyMaxSpeed: 0.25},
			func() error {
				_, err := NewRandomWaypoint(RandomWaypointConfig{Radius: 100, MinSpeed: 1.5, MaxSpeed: 0.25})
				return err
			}, keyMaxSpeed, "max_speed_mps = 0.25 is below min_speed_mps = 1.5"},
		{"waypoint max below the default min", "waypoint", param.Values{keyMaxSpeed: 0.25},
			func() error {
				_, err := NewRandomWaypoint(RandomWaypointConfig{Radius: 100, MinSpeed: 0.5, MaxSpeed: 0.25})
				return err
			}, keyMaxSpeed, "max_speed_mps = 0.25 is below min_speed_mps = 0.5"},
		{"gauss-markov mean above max", "gauss-markov", param.Values{"mean_speed_mps": 2.0},
			func() error {
				_, err := NewGaussMarkov(GaussMarkovConfig{Radius: 100, Alpha: 0.75, MeanSpeed: 2, SpeedSigma: 0.3,
					MaxSpeed: 1.5, DirSigma: 0.5, StepS: 1})
				return err
			}, "mean_speed_mps", "mean_speed_mps = 2 is above max_speed_mps = 1.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := MobilityConfig{Model: tc.model, Params: tc.params}
			_, _, resolveErr := c.Resolve(cell)
			_, newErr := NewMobility(c, cell, Point{}, 1)
			goErr := tc.build()
			if tc.key == "" {
				if resolveErr != nil || newErr != nil || goErr != nil {
					t.Fatalf("errors %v / %v / %v, want none", resolveErr, newErr, goErr)
				}
				return
			}
			for _, e := range []struct {
				via string
				err error
			}{{"Resolve", resolveErr}, {"NewMobility", newErr}, {"Go constructor", goErr}} {
				p := onlyProblem(t, e.via, e.err)
				if p.Key != tc.key || p.Msg != tc.message {
					t.Errorf("%s: problem %q: %q\nwant %q: %q", e.via, p.Key, p.Msg, tc.key, tc.message)
				}
			}
			if want := fmt.Sprintf("device: mobility model %q: %s: %s", tc.model, tc.key, tc.message); newErr.Error() != want {
				t.Errorf("NewMobility error %q, want %q", newErr, want)
			}
		})
	}
}

func TestCheckSpeedRange(t *testing.T) {
	tests := []struct {
		lo, hi    float64
		zeroMinOK bool
		want      []string
	}{
		{0.5, 1.5, false, nil},
		{0, 1.5, true, nil},
		{2, 2, false, nil},
		{0, 100, true, nil},
		{0, 1.5, false, []string{"min_speed_mps: walking needs min_speed_mps > 0 (at speed 0 it never arrives)"}},
		{-1, 0, true, []string{"min_speed_mps: must be in [0, 100] m/s, got -1", "max_speed_mps: must be in (0, 100] m/s, got 0"}},
		{math.NaN(), 1, true, []string{"min_speed_mps: must be in [0, 100] m/s, got nan"}},
		{1, math.Inf(1), true, []string{"max_speed_mps: must be in (0, 100] m/s, got inf"}},
		{101, 102, true, []string{"min_speed_mps: must be in [0, 100] m/s, got 101", "max_speed_mps: must be in (0, 100] m/s, got 102"}},
		{3, 2.5, true, []string{"max_speed_mps: max_speed_mps = 2.5 is below min_speed_mps = 3"}},
	}
	for _, tc := range tests {
		var got []string
		for _, p := range param.Problems(checkSpeedRange(tc.lo, tc.hi, tc.zeroMinOK, "walking")) {
			got = append(got, p.Error())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("checkSpeedRange(%v, %v, %v) = %q, want %q", tc.lo, tc.hi, tc.zeroMinOK, got, tc.want)
		}
	}
}

// TestRegistryMatchesConstructors: a model built from scenario keys moves exactly like the
// one built by its Go constructor with the same values, so every key reaches the right field
// in the right unit.
func TestRegistryMatchesConstructors(t *testing.T) {
	cell := Cell{Radius: 200, MinDist: 20}
	start := Point{-50, 60}
	const seed = 11
	tests := []struct {
		model  string
		params param.Values
		build  func() (Mobility, error)
	}{
		{"waypoint", param.Values{keyMinSpeed: 1.0, keyMaxSpeed: 4.0, "pause_s": 7.0}, func() (Mobility, error) {
			return NewRandomWaypoint(RandomWaypointConfig{Radius: 200, MinDist: 20, MinSpeed: 1, MaxSpeed: 4, PauseS: 7, Start: start, Seed: seed})
		}},
		{"walk", param.Values{keyMinSpeed: 0.0, keyMaxSpeed: 3.0, "turn_s": 4.0}, func() (Mobility, error) {
			return NewRandomWalk(RandomWalkConfig{Radius: 200, MinSpeed: 0, MaxSpeed: 3, IntervalS: 4, Start: start, Seed: seed})
		}},
		{"gauss-markov", param.Values{"alpha": 0.5, "mean_speed_mps": 2.0, "speed_sigma_mps": 0.5, keyMaxSpeed: 3.0,
			"direction_sigma_deg": 45.0, "step_s": 2.0}, func() (Mobility, error) {
			return NewGaussMarkov(GaussMarkovConfig{Radius: 200, Alpha: 0.5, MeanSpeed: 2, SpeedSigma: 0.5, MaxSpeed: 3,
				DirSigma: math.Pi / 4, StepS: 2, Start: start, Seed: seed})
		}},
	}
	for _, tc := range tests {
		got, err := NewMobility(MobilityConfig{Model: tc.model, Params: tc.params}, cell, start, seed)
		if err != nil {
			t.Fatalf("%s: %v", tc.model, err)
		}
		want, err := tc.build()
		if err != nil {
			t.Fatalf("%s: %v", tc.model, err)
		}
		if got.MaxSpeed() != want.MaxSpeed() {
			t.Errorf("%s: MaxSpeed %v, want %v", tc.model, got.MaxSpeed(), want.MaxSpeed())
		}
		for x := 0.0; x < 600; x += 1.7 {
			if g, w := got.Position(x), want.Position(x); g.Dist(w) > 1e-9 {
				t.Fatalf("%s: at t=%v the registry's model is at %v, the constructor's at %v", tc.model, x, g, w)
			}
		}
	}
}
