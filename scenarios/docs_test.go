package scenarios

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
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

var updateDocs = flag.Bool("update", false, "rewrite the generated blocks of docs/scenario.md")

// pluginTable renders the keys of one plug-in as a markdown table.
func pluginTable(name, summary string, specs []param.Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**`%s`** — %s\n\n", name, summary)
	if len(specs) == 0 {
		b.WriteString("No keys.\n\n")
		return b.String()
	}
	b.WriteString("| key | unit | default | allowed | meaning |\n|---|---|---|---|---|\n")
	for _, s := range specs {
		def := ""
		switch {
		case s.Required:
			def = "required"
		case s.Default != nil:
			def = tomlValue(s.Default)
			if f, ok := s.Default.(float64); ok {
				def = param.FormatNumber(f)
			}
		default:
			def = "absent"
		}
		var allowed string
		switch s.Kind {
		case param.Float:
			allowed = s.Range.String()
		case param.Int:
			allowed = "integer in " + s.Range.String()
		case param.Bool:
			allowed = "`true`, `false`"
		case param.String:
			allowed = "a string"
			if len(s.Choices) > 0 {
				allowed = param.QuoteAll(s.Choices)
			}
		case param.Path:
			allowed = "a path, relative to the scenario file"
		case param.File:
			allowed = "a file, relative to the scenario file"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.Key, s.Unit, def, allowed, s.Doc)
	}
	b.WriteString("\n")
	return b.String()
}

// TestDocsPlugins checks that docs/scenario.md lists the keys of every registered mobility
// model, data source and aggregation scheme as their registrations declare them (the blocks are generated: run
// with -update to rewrite them), and that each has a hand-written description there too.
func TestDocsPlugins(t *testing.T) {
	path := "../docs/scenario.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	var mob, data, pol, agg strings.Builder
	for _, n := range policy.Names() {
		info, _ := policy.Lookup(n)
		pol.WriteString(pluginTable(n, info.Description, info.Params))
	}
	for _, n := range device.MobilityModels() {
		m, _ := device.LookupMobility(n)
		mob.WriteString(pluginTable(n, m.Summary, m.Params))
	}
	for _, n := range dataset.Kinds() {
		k, _ := dataset.Lookup(n)
		data.WriteString(pluginTable(n, k.Summary, k.Params))
	}
	for _, n := range aggregate.Kinds() {
		k, _ := aggregate.Lookup(n)
		agg.WriteString(pluginTable(n, k.Summary, k.Params))
	}
	for _, block := range []struct{ name, body string }{{"mobility", mob.String()}, {"dataset", data.String()}, {"policy", pol.String()}, {"aggregation", agg.String()}} {
		begin, end := "<!-- generated: "+block.name+" -->\n", "<!-- end generated: "+block.name+" -->"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
		}
		got := doc[i+len(begin) : j]
		want := "\n" + block.body
		if got != want {
			if *updateDocs {
				doc = doc[:i+len(begin)] + want + doc[j:]
				continue
			}
			t.Errorf("the generated %s block of %s is stale; run go test ./scenarios -run TestDocsPlugins -update", block.name, path)
		}
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prose := regexp.MustCompile(`(?s)<!-- generated: .*?<!-- end generated: [a-z]+ -->`).ReplaceAllString(doc, "")
	for _, n := range append(append(append(device.MobilityModels(), dataset.Kinds()...), policy.Names()...), aggregate.Kinds()...) {
		if !strings.Contains(prose, "- `"+n+"`") {
			t.Errorf("%s has no hand-written description of %q (a line starting \"- `%s`\")", path, n, n)
		}
	}
}
