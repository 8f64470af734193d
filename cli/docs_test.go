package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mel-des/mel-des/scenarios"
	"github.com/mel-des/mel-des/sweep"
)

// The docs and the program must not drift apart: every command line quoted in README.md and
// docs/*.md is checked against the program, and the cheap ones are run.
//
// A fenced ```sh block is run, command by command, in a scratch directory that holds copies
// of scenarios/ and docs/ (so that the docs' relative paths work and nothing in the
// checkout changes) and the files the doc itself defines: a ```toml block right after a line
// that names `NAME.toml` and ends in a colon is written to NAME.toml. Every command must
// exit 0 within docCommandTimeout. A block after <!-- doc-test: parse-only --> is only
// checked: the command and its flags exist, flag values are given, the files it reads exist,
// scenarios load with their overrides and sweep files decode. A command that reads files by
// a glob or an absolute path describes another machine (a cluster's shared volume) and is
// only checked as well. A block after <!-- doc-test: skip --> is left alone. Only mel-des
// command lines are considered (mel-des, ./mel-des, go run ./cmd/mel-des, go run
// ./examples/plugin); go build, sbatch, kubectl and the like are not.
//
// An inline `mel-des ...` in the prose is checked the same way when it is a whole command;
// one with placeholders (FILE.toml, COMMAND), a command without arguments or one that
// names a flag without its value is a reference to a command, and only its command and
// flag names are checked.

// docFiles are the documents whose commands are checked, relative to the repository root.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(repoRoot(t), "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("docs/*.md: %v, %d files", err, len(docs))
	}
	return append([]string{filepath.Join(repoRoot(t), "README.md")}, docs...)
}

// docCommandTimeout bounds a command that the docs test runs: a doc command that takes
// longer belongs in a parse-only block.
const docCommandTimeout = 20 * time.Second

// repoRoot returns the absolute path of the repository root.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// docBlock is a fenced block of a markdown document.
type docBlock struct {
	lang   string
	text   string
	line   int    // line of the opening fence
	marker string // "", "skip" or "parse-only": the <!-- doc-test: ... --> before the fence
	file   string // for a ```toml block: the file name the line before it defines, if any
}

var (
	markerRE   = regexp.MustCompile(`^<!--\s*doc-test:\s*(\S+)\s*-->$`)
	definesRE  = regexp.MustCompile("`([A-Za-z0-9._-]+\\.toml)`[^`]*:$")
	inlineRE   = regexp.MustCompile("`([^`]+)`")
	flagNameRE = regexp.MustCompile(`(?m)^  -(\S+)( \S+)?$`)
)

// parseDoc splits a markdown document into its fenced blocks and its prose (fenced blocks
// replaced by blank lines, so that prose line numbers stay).
func parseDoc(text string) (blocks []docBlock, prose string) {
	lines := strings.Split(text, "\n")
	var out []string
	prev := "" // the last non-blank prose line
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		fence, ok := strings.CutPrefix(strings.TrimSpace(l), "```")
		if !ok {
			out = append(out, l)
			if strings.TrimSpace(l) != "" {
				prev = strings.TrimSpace(l)
			}
			continue
		}
		b := docBlock{lang: strings.TrimSpace(fence), line: i + 1}
		if m := markerRE.FindStringSubmatch(prev); m != nil {
			b.marker = m[1]
		}
		if m := definesRE.FindStringSubmatch(prev); m != nil && b.lang == "toml" {
			b.file = m[1]
		}
		out = append(out, "")
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
			body = append(body, lines[i])
			out = append(out, "")
		}
		out = append(out, "")
		b.text = strings.Join(body, "\n")
		blocks = append(blocks, b)
		prev = ""
	}
	return blocks, strings.Join(out, "\n")
}

// shellCommands splits shell text into commands, each a list of words: line continuations
// joined, comments dropped, quotes removed, commands separated by line breaks, ";", "&&"
// and "|". It knows only what the docs use; a $(...) stays inside its word.
func shellCommands(text string) [][]string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	var cmds [][]string
	var cur []string
	var word strings.Builder
	inWord := false
	endWord := func() {
		if inWord {
			cur = append(cur, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		if len(cur) > 0 {
			cmds = append(cmds, cur)
			cur = nil
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(text[i+1:], c)
			if j < 0 {
				j = len(text) - i - 1
			}
			word.WriteString(text[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '#' && !inWord:
			for i < len(text) && text[i] != '\n' {
				i++
			}
			endCmd()
		case c == '\n' || c == ';' || c == '|':
			endCmd()
		case c == '&' && i+1 < len(text) && text[i+1] == '&':
			endCmd()
			i++
		case c == ' ' || c == '\t':
			endWord()
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return cmds
}

// melDesArgs returns the mel-des arguments of a command line, or ok = false if it does not
// run mel-des.
func melDesArgs(words []string) (args []string, ok bool) {
	switch {
	case len(words) >= 1 && (words[0] == "mel-des" || words[0] == "./mel-des"):
		return words[1:], true
	case len(words) >= 3 && words[0] == "go" && words[1] == "run" &&
		(words[2] == "./cmd/mel-des" || words[2] == "./examples/plugin"):
		return words[3:], true
	}
	return nil, false
}

// flagSpecs returns, per command, its flags and whether each takes a value, as its --help
// prints them.
func flagSpecs(t *testing.T) map[string]map[string]bool {
	t.Helper()
	specs := map[string]map[string]bool{}
	for _, c := range commands() {
		code, out, errs := runCLI(t, context.Background(), c.name, "--help")
		if code != exitOK {
			t.Fatalf("%s --help: exit %d\n%s", c.name, code, errs)
		}
		specs[c.name] = map[string]bool{}
		for _, m := range flagNameRE.FindAllStringSubmatch(out, -1) {
			specs[c.name][m[1]] = m[2] != ""
		}
	}
	return specs
}

// placeholderRE matches a placeholder word of the docs: FILE.toml, SHARD.csv..., COMMAND, N.
var placeholderRE = regexp.MustCompile(`^\[?[A-Z][A-Z0-9_]*(/[A-Za-z0-9_.-]+)*(\.[a-z]+)?(\.\.\.)?\]?$`)

// parsedCommand is a mel-des command line split into flags and positional arguments.
type parsedCommand struct {
	name  string
	flags [][2]string // name, value ("" for a bool flag given alone), in order
	pos   []string
}

// value returns the last value of flag name, or "".
func (p parsedCommand) value(name string) string {
	v := ""
	for _, f := range p.flags {
		if f[0] == name {
			v = f[1]
		}
	}
	return v
}

// parseCommand parses args as the command line does: the command, then flags (one or two
// dashes, "=value" or the next word for a flag that takes one) anywhere among the
// positional arguments, "--" ending the flags. With names set, only the command and flag
// names are checked.
func parseCommand(specs map[string]map[string]bool, args []string, namesOnly bool) (parsedCommand, error) {
	if len(args) == 0 {
		return parsedCommand{}, nil // mel-des alone prints the usage
	}
	p := parsedCommand{name: args[0]}
	spec, ok := specs[p.name]
	switch {
	case slices.Contains([]string{"help", "--help", "-h", "--version", "version"}, p.name):
		return p, nil
	case !ok && namesOnly && placeholderRE.MatchString(p.name):
		spec = nil // mel-des COMMAND --help
	case !ok:
		return p, fmt.Errorf("unknown command %q", p.name)
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.pos = append(p.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.pos = append(p.pos, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "help" || name == "h" {
			continue
		}
		if spec == nil {
			continue
		}
		takes, known := spec[name]
		switch {
		case !known:
			return p, fmt.Errorf("%s: unknown flag --%s", p.name, name)
		case takes && !hasVal && i+1 < len(args):
			i++
			val = args[i]
		case takes && !hasVal && !namesOnly:
			return p, fmt.Errorf("%s: flag --%s needs a value", p.name, name)
		}
		p.flags = append(p.flags, [2]string{name, val})
	}
	return p, nil
}

// remote reports whether a path names files on another machine or files only a shell
// expands: an absolute path or a glob.
func remote(path string) bool {
	return filepath.IsAbs(path) || strings.ContainsAny(path, "*?[")
}

// checkFile reports an error unless path, relative to the working directory, exists.
func checkFile(path string) error {
	if remote(path) {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("reads %s, which does not exist", path)
	}
	return nil
}

// checkCommand checks a parsed command without running it: the files it reads exist,
// scenarios load with their overrides, sweep files decode, flag values parse.
func checkCommand(p parsedCommand) error {
	switch p.name {
	case "run", "plan":
		if len(p.pos) > 1 {
			return fmt.Errorf("%s takes one scenario, got %q", p.name, p.pos)
		}
		arg := "quickstart"
		if len(p.pos) == 1 {
			arg = p.pos[0]
		}
		var ov []scenarios.Override
		for _, f := range p.flags {
			if f[0] == "set" {
				o, err := scenarios.ParseOverride(f[1])
				if err != nil {
					return err
				}
				ov = append(ov, o)
			}
			for _, s := range scenarioShortcuts {
				if s.flag == f[0] {
					ov = append(ov, scenarios.Override{Key: s.key, Value: f[1]})
				}
			}
		}
		_, err := loadScenario(arg, ov)
		return err
	case "validate":
		for _, a := range p.pos {
			if _, err := scenarios.Resolve(a); err != nil {
				return err
			}
		}
	case "sweep":
		if len(p.pos) != 1 {
			return fmt.Errorf("sweep takes one sweep file, got %q", p.pos)
		}
		if sh := p.value("shard"); sh != "" {
			if _, err := sweep.ParseShard(sh); err != nil {
				return err
			}
		}
		if !remote(p.pos[0]) {
			_, err := sweep.Load(p.pos[0])
			return err
		}
	case "merge":
		if len(p.pos) < 2 {
			return fmt.Errorf("merge needs OUT.csv and inputs, got %q", p.pos)
		}
		for _, in := range p.pos[1:] {
			if err := checkFile(in); err != nil {
				return err
			}
		}
		if s := p.value("sweep"); s != "" && !remote(s) {
			_, err := sweep.Load(s)
			return err
		}
	case "plot":
		if k := p.value("kind"); k == "time" || k == "energy" {
			// Run directories, written by the commands before it in the same block.
			if len(p.pos) == 0 {
				return fmt.Errorf("plot --kind %s takes run directories, got none", k)
			}
			return nil
		}
		if len(p.pos) != 1 {
			return fmt.Errorf("plot takes one results file, got %q", p.pos)
		}
		if k := p.value("kind"); k != "" && !slices.Contains([]string{"accuracy", "final", "reach"}, k) {
			return fmt.Errorf("--kind %s", k)
		}
		return checkFile(p.pos[0])
	}
	return nil
}

// docSandbox returns a scratch directory with copies of scenarios/ and docs/, and makes it
// the working directory for the rest of the test.
func docSandbox(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	for _, d := range []string{"scenarios", "docs"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func TestDocCommands(t *testing.T) {
	clearShardEnv(t)
	specs := flagSpecs(t)
	docs := docFiles(t)
	root := repoRoot(t)
	ran, checked := 0, 0
	for _, doc := range docs {
		rel, _ := filepath.Rel(root, doc)
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(rel, func(t *testing.T) {
			dir := docSandbox(t)
			blocks, prose := parseDoc(string(text))
			for _, b := range blocks {
				if b.file != "" {
					writeFile(t, dir, b.file, b.text)
				}
			}
			for _, b := range blocks {
				if b.lang != "sh" || b.marker == "skip" {
					continue
				}
				if b.marker != "" && b.marker != "parse-only" {
					t.Errorf("%s:%d: unknown marker doc-test: %s; want skip or parse-only", rel, b.line, b.marker)
				}
				for _, words := range shellCommands(b.text) {
					args, ok := melDesArgs(words)
					if !ok {
						continue
					}
					where := fmt.Sprintf("%s:%d: %s", rel, b.line, strings.Join(words, " "))
					p, err := parseCommand(specs, args, false)
					if err == nil {
						err = checkCommand(p)
					}
					if err != nil {
						t.Errorf("%s: %v", where, err)
						continue
					}
					runnable := b.marker == "" && !slices.ContainsFunc(append(slices.Clone(p.pos), p.value("sweep")), func(a string) bool {
						return a != "" && remote(a)
					})
					if !runnable {
						t.Logf("%s: checked", where)
						checked++
						continue
					}
					t.Logf("%s: run", where)
					ctx, cancel := context.WithTimeout(context.Background(), docCommandTimeout)
					code, out, errs := runCLI(t, ctx, args...)
					timedOut := ctx.Err() != nil
					cancel()
					switch {
					case timedOut:
						t.Errorf("%s: ran longer than %v; mark its block <!-- doc-test: parse-only -->", where, docCommandTimeout)
					case code != exitOK:
						t.Errorf("%s: exit %d\n%s%s", where, code, out, errs)
					}
					ran++
				}
			}
			for _, m := range inlineRE.FindAllStringSubmatch(prose, -1) {
				span := strings.Join(strings.Fields(m[1]), " ")
				words := shellCommands(span)
				if len(words) != 1 {
					continue
				}
				args, ok := melDesArgs(words[0])
				if !ok {
					continue
				}
				// `mel-des merge` names a command; `mel-des run FILE.toml` shows its form.
				fragment := len(args) == 1 && args[0] != "list" || slices.ContainsFunc(args, placeholderRE.MatchString)
				p, err := parseCommand(specs, args, fragment)
				if err != nil && !fragment && strings.Contains(err.Error(), "needs a value") {
					fragment = true // `mel-des merge --sweep` names a flag
					p, err = parseCommand(specs, args, true)
				}
				if err == nil && !fragment {
					err = checkCommand(p)
				}
				if err != nil {
					t.Errorf("%s: `%s`: %v", rel, span, err)
				}
				t.Logf("%s: `%s`: checked (fragment %v)", rel, span, fragment)
				checked++
			}
		})
	}
	t.Logf("%d doc commands run, %d checked without running", ran, checked)
	if ran < 1 || checked < 10 {
		t.Errorf("%d doc commands run, %d checked; the docs lost their examples, or the test its eyes", ran, checked)
	}
}

// TestDocCommandsCatchDrift feeds the checks commands that must fail, so that the docs test
// cannot pass by seeing nothing.
func TestDocCommandsCatchDrift(t *testing.T) {
	specs := flagSpecs(t)
	docSandbox(t)
	for _, line := range []string{
		"mel-des frobnicate",
		"mel-des plan --cycles 3",
		"./mel-des sweep scenarios/paper/fig5.toml --parallel",
		"mel-des run --set learners[0].mobility.max_speed_mps=15",
		"mel-des run paper --set learner[0].battery_j=5",
		"mel-des plot scenarios/paper/paper-results.csv --out x.png",
		"go run ./cmd/mel-des sweep scenarios/paper/nope.toml",
		"mel-des merge out.csv missing.csv",
	} {
		cmds := shellCommands(line)
		args, ok := melDesArgs(cmds[0])
		if !ok {
			t.Fatalf("%q: not a mel-des command", line)
		}
		p, err := parseCommand(specs, args, false)
		if err == nil {
			err = checkCommand(p)
		}
		if err == nil {
			t.Errorf("%q passes the docs check", line)
		}
	}
}

func TestParseDoc(t *testing.T) {
	doc := "Intro `mel-des list`.\n\nThe file `x.toml` holds:\n\n```toml\nbase = \"paper\"\n```\n\n<!-- doc-test: skip -->\n```sh\nsbatch x\n./mel-des sweep x.toml \\\n  --dry-run # check\n```\n"
	blocks, prose := parseDoc(doc)
	if len(blocks) != 2 || blocks[0].file != "x.toml" || blocks[0].text != "base = \"paper\"" ||
		blocks[1].marker != "skip" || blocks[1].lang != "sh" || blocks[1].line != 10 {
		t.Fatalf("blocks %+v", blocks)
	}
	if strings.Contains(prose, "sbatch") || strings.Count(prose, "\n") != strings.Count(doc, "\n") {
		t.Errorf("prose %q", prose)
	}
	got := shellCommands(blocks[1].text + "\njid=$(a b) && mel-des merge 'o.csv' \"s 1.csv\"; go run ./cmd/mel-des list")
	want := [][]string{{"sbatch", "x"}, {"./mel-des", "sweep", "x.toml", "--dry-run"}, {"jid=$(a", "b)"},
		{"mel-des", "merge", "o.csv", "s 1.csv"}, {"go", "run", "./cmd/mel-des", "list"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("shellCommands:\n got %q\nwant %q", got, want)
	}
}

// The synopsis in README.md lists every command and, for each, exactly the flags its
// FlagSet defines.
func TestReadmeSynopsis(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(text), "## The command line\n")
	if !ok {
		t.Fatal("README.md has no section \"## The command line\"")
	}
	blocks, _ := parseDoc(after)
	if len(blocks) == 0 {
		t.Fatal("the command line section has no synopsis block")
	}
	synopsis := map[string][]string{} // command → flags named in the synopsis
	cur := ""
	for _, line := range strings.Split(blocks[0].text, "\n") {
		if rest, ok := strings.CutPrefix(line, "mel-des "); ok {
			cur, _, _ = strings.Cut(rest, " ")
			if _, dup := synopsis[cur]; dup {
				t.Errorf("synopsis lists %s twice", cur)
			}
			synopsis[cur] = []string{}
		} else if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, " ") {
			t.Errorf("synopsis line %q neither starts a command nor continues one", line)
		}
		for _, m := range regexp.MustCompile(`--([a-z][a-z0-9-]*)`).FindAllStringSubmatch(line, -1) {
			synopsis[cur] = append(synopsis[cur], m[1])
		}
	}
	specs := flagSpecs(t)
	for _, c := range commands() {
		got, ok := synopsis[c.name]
		if !ok {
			t.Errorf("the synopsis leaves out mel-des %s", c.name)
			continue
		}
		var want []string
		for f := range specs[c.name] {
			want = append(want, f)
		}
		slices.Sort(want)
		slices.Sort(got)
		if got = slices.Compact(got); !slices.Equal(got, want) {
			t.Errorf("synopsis of %s names the flags %v; the command has %v", c.name, got, want)
		}
		delete(synopsis, c.name)
	}
	for name := range synopsis {
		t.Errorf("the synopsis lists mel-des %s, which is no command", name)
	}
	if len(specs) < 7 || len(specs["plot"]) < 5 {
		t.Errorf("flags of %d commands read from --help (plot: %d); the --help format changed?", len(specs), len(specs["plot"]))
	}
}
