package scenarios

import (
	"os"
	"sort"
	"strings"
	"testing"
)

// TestDocsListEveryKey checks that docs/scenario.md documents every key the decoder knows,
// and every table, so that the reference cannot fall behind the code.
func TestDocsListEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	s := loadT(t, "mobility")
	d, _ := s.decode(nil)
	seen := map[string]bool{}
	for _, tb := range d.tables {
		table := normalPath(tb.path)
		if table != "" {
			seen["["+table+"]"] = true
		}
		for _, k := range tb.known {
			_, isArray := d.arrays[tb.full(k)]
			if !d.byPath[tb.full(k)] && !isArray {
				seen["`"+k+"`"] = true
			}
		}
	}
	var missing []string
	for w := range seen {
		if !strings.Contains(string(doc), w) {
			missing = append(missing, w)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/scenario.md does not mention %v", missing)
	}
	t.Logf("%d keys and tables", len(seen))
	if len(seen) < 60 {
		t.Errorf("only %d keys and tables seen; the scenario does not exercise every table", len(seen))
	}
}

// TestDocsExamples checks that every TOML example in docs/scenario.md is a valid scenario.
func TestDocsExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```toml\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("docs/scenario.md has no TOML example")
	}
	for i, b := range blocks {
		src, _, _ := strings.Cut(b, "```")
		if _, err := Parse([]byte(src), ""); err != nil {
			t.Errorf("example %d: %v\n%s", i, err, src)
		}
	}
}
