package scenarios

import (
	"path/filepath"
	"testing"
)

// TestScaleScenariosLoad: the scenarios of README's speed table, under scale/, are valid.
func TestScaleScenariosLoad(t *testing.T) {
	files, err := filepath.Glob("scale/*.toml")
	if err != nil || len(files) < 3 {
		t.Fatalf("scale/*.toml: %v, %d files", err, len(files))
	}
	for _, f := range files {
		s, err := Load(f)
		if err != nil {
			t.Error(err)
			continue
		}
		if s.Output.TraceLearners == nil && len(s.Config.Learners) > 1000 {
			t.Errorf("%s: %d learners traced in full; set output.trace_learners", f, len(s.Config.Learners))
		}
	}
}
