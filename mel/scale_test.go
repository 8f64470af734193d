package mel_test

import (
	"reflect"
	"testing"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/scenarios"
)

// TestScaleScenarioIsBenchmarked: BenchmarkCycle/learners=100000 and the scenario
// scenarios/scale/synthetic-100k.toml must stay the same setting, since README's speed table
// splits the scenario's wall time with the benchmark's figures.
func TestScaleScenarioIsBenchmarked(t *testing.T) {
	s, err := scenarios.Load("../scenarios/scale/synthetic-100k.toml")
	if err != nil {
		t.Fatal(err)
	}
	// Both with the defaults filled in, as a System sees them.
	got, err := mel.New(s.Config)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mel.New(mel.CellConfig(100_000))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Config(), want.Config()) {
		t.Errorf("synthetic-100k.toml reads as\n%+v\nbut the benchmark runs\n%+v", got.Config(), want.Config())
	}
}
