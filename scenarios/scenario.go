package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// Limits on input files, so that a wrong path (a disk image, /dev/zero) fails fast.
const (
	maxScenarioBytes = 1 << 20  // a scenario file, 1 MiB
	maxTraceBytes    = 16 << 20 // a mobility trace CSV, 16 MiB
)

// Scenario is a validated scenario: the simulation configuration in SI units plus what the
// command line needs to name and store the run.
type Scenario struct {
	Name        string     // the name key, else the file name without .toml; safe in a directory name
	Description string     // the description key: what the scenario shows, first line a summary
	File        string     // where it came from: a path, "embedded:NAME", or "" for Parse
	Config      mel.Config // the configuration, converted to SI units and validated
	Output      Output     // where and what to write

	raw      map[string]any // the decoded file, never modified; overrides are applied on top
	lines    map[string]int // key path → line
	origin   origin
	defName  string
	settings []Override // overrides applied so far, in order
}

// Output says where a run writes its files and which ones.
type Output struct {
	Dir   string   // output directory relative to the working directory; "" = the CLI picks runs/NAME-TIMESTAMP
	Files []string // a subset of OutputFiles, in that order

	// TraceLearners limits the event traces to the learners 0 .. *TraceLearners−1 (the
	// orchestrator's and the cycles' events are always written; see mel.WithTraceLearners);
	// nil = every learner.
	TraceLearners *int
}

// OutputFiles returns the names of every registered output format (mel.Outputs) in
// canonical order: "cycles" (per-cycle metrics CSV), "learners" (per-learner per-cycle CSV),
// "trace" (JSON Lines event trace), "chrome" (Chrome trace-event JSON), then any registered
// later.
func OutputFiles() []string {
	var names []string
	for _, o := range mel.Outputs() {
		names = append(names, o.Name)
	}
	return names
}

// DefaultOutputFiles returns the formats written when a scenario of the synchronous schedule
// does not list output.files.
func DefaultOutputFiles() []string { return DefaultOutputFilesFor(mel.Synchronous) }

// DefaultOutputFilesFor returns the formats written when a scenario of the given schedule
// does not list output.files.
func DefaultOutputFilesFor(sched mel.Schedule) []string {
	var names []string
	for _, o := range mel.Outputs() {
		if sched == mel.Asynchronous && o.Async || sched != mel.Asynchronous && o.Default {
			names = append(names, o.Name)
		}
	}
	return names
}

// origin says where a scenario came from and how to read the files it names.
type origin struct {
	file string // for messages: a path, "embedded:NAME" or ""
	dir  string // directory of relative paths on disk; "" = the working directory
	fsys fs.FS  // non-nil for embedded scenarios: relative paths are read from here
}

// readFile reads name (relative to the scenario) up to limit bytes.
func (o origin) readFile(name string, limit int64) ([]byte, error) {
	var f io.ReadCloser
	var err error
	if o.fsys != nil && !filepath.IsAbs(name) {
		f, err = o.fsys.Open(path.Clean(filepath.ToSlash(name)))
	} else {
		f, err = openRegular(o.resolve(name))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.(fs.File).Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a directory, not a file")
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB", limit>>20)
	}
	return data, nil
}

// openRegular opens a file on disk, refusing anything but a regular file so that reading a
// FIFO or a device cannot block or run forever.
func openRegular(name string) (*os.File, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory, not a file")
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	return os.Open(name)
}

// resolve returns name relative to the scenario's directory on disk.
func (o origin) resolve(name string) string {
	if filepath.IsAbs(name) || o.dir == "" || o.fsys != nil {
		return name
	}
	return filepath.Join(o.dir, name)
}

// Parse decodes and validates a scenario from TOML text. Relative paths in it (mobility
// traces, the MNIST directory) are resolved against baseDir; "" means the working directory.
// The name defaults to "scenario". Every problem is reported at once in an *Error.
func Parse(data []byte, baseDir string) (*Scenario, error) {
	return parse(data, origin{dir: baseDir}, "scenario")
}

// Load reads, decodes and validates the scenario file at path. Relative paths in it are
// resolved against the file's directory. The name defaults to the file name without ".toml".
func Load(path string) (*Scenario, error) {
	f, err := openRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fileError(path, "no such file")
	}
	if err != nil {
		return nil, fileError(path, "cannot read: %v", unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxScenarioBytes+1))
	if err != nil {
		return nil, fileError(path, "cannot read: %v", unwrapPath(err))
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return parse(data, origin{file: path, dir: filepath.Dir(path)}, name)
}

// unwrapPath drops the "open PATH: " of an *fs.PathError, which the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parse decodes data and builds the scenario from it.
func parse(data []byte, o origin, defName string) (*Scenario, error) {
	if len(data) > maxScenarioBytes {
		return nil, fileError(o.file, "larger than %d MiB; a scenario is a short text file", maxScenarioBytes>>20)
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	raw, err := decodeTOML(text)
	if err != nil {
		return nil, err.(*Error).withFile(o.file)
	}
	s := &Scenario{raw: raw, lines: keyLines(text), origin: o, defName: safeName(defName), File: o.file}
	return s.build(nil)
}

// decodeTOML decodes text into a generic tree, turning syntax errors (and, defensively, a
// panic in the decoder) into an *Error with the line.
func decodeTOML(text string) (raw map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			raw, err = nil, &Error{Problems: []Problem{{Msg: fmt.Sprintf("invalid TOML: the decoder failed: %v", r)}}}
		}
	}()
	if _, err := toml.Decode(text, &raw); err != nil {
		p := Problem{Msg: "invalid TOML: " + err.Error()}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// The line of the position's start: for an unclosed table header the decoder's
			// Line is already the next line.
			p.Msg, p.Line = "invalid TOML: "+pe.Message, pe.Position.Line
			if st := pe.Position.Start; st > 0 && st <= len(text) {
				p.Line = 1 + strings.Count(text[:st], "\n")
			}
		}
		return nil, &Error{Problems: []Problem{p}}
	}
	return raw, nil
}

// withFile sets the file of e and returns it.
func (e *Error) withFile(file string) *Error {
	e.File = file
	return e
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// safeName turns a file name into a valid scenario name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isBareKeyByte(c) && c != '.' {
			b[i] = '-'
		}
	}
	s = strings.TrimLeft(string(b), "-._")
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		return "scenario"
	}
	return s
}

// Embedded example scenarios, with the files they reference.
//
//go:embed *.toml *.csv
var embedded embed.FS

// Embedded returns the names of the embedded example scenarios, sorted.
func Embedded() []string {
	ents, _ := fs.ReadDir(embedded, ".")
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// EmbeddedTOML returns the text of the embedded scenario name, for users who want a
// starting point to edit.
func EmbeddedTOML(name string) ([]byte, error) {
	if !isEmbedded(name) {
		return nil, unknownEmbedded(name)
	}
	return embedded.ReadFile(name + ".toml")
}

// isEmbedded reports whether name is an embedded scenario.
func isEmbedded(name string) bool {
	for _, n := range Embedded() {
		if n == name {
			return true
		}
	}
	return false
}

// unknownEmbedded is the error for a name that is neither a file nor an embedded scenario.
func unknownEmbedded(name string) error {
	msg := fmt.Sprintf("%q is neither a scenario file nor an embedded scenario", name)
	if s := param.Suggest(name, Embedded()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fileError("", "%s; embedded: %s", msg, strings.Join(Embedded(), ", "))
}

// Describe returns the first line of the description of the embedded scenario name, or "" if
// there is no such scenario.
func Describe(name string) string {
	data, err := EmbeddedTOML(name)
	if err != nil {
		return ""
	}
	var head struct {
		Description string `toml:"description"`
	}
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&head); err != nil {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(head.Description), "\n")
	return first
}

// LoadEmbedded decodes and validates the embedded scenario name. Relative paths in it are
// resolved among the embedded files, except the MNIST directory, which is relative to the
// working directory because no data set is embedded.
func LoadEmbedded(name string) (*Scenario, error) {
	data, err := EmbeddedTOML(name)
	if err != nil {
		return nil, err
	}
	return parse(data, origin{file: "embedded:" + name, fsys: embedded}, name)
}

// Resolve loads arg as a scenario file if it names an existing file or ends in ".toml" or
// contains a path separator, and otherwise as an embedded scenario; a directory that happens
// to bear an embedded scenario's name does not hide it. An unknown name is an error that
// lists the embedded scenarios.
func Resolve(arg string) (*Scenario, error) {
	st, err := os.Stat(arg)
	if (err == nil && !st.IsDir()) || strings.HasSuffix(arg, ".toml") || strings.ContainsAny(arg, `/\`) {
		return Load(arg)
	}
	if isEmbedded(arg) {
		return LoadEmbedded(arg)
	}
	if err == nil { // a directory: Load says so
		return Load(arg)
	}
	return nil, unknownEmbedded(arg)
}

// Locate turns a *mel.ConfigError about s's configuration (from mel.New or
// System.Preflight) into an *Error whose problems point at the lines that set the keys;
// other errors, and nil, are returned as they are.
func (s *Scenario) Locate(err error) error {
	ce, ok := mel.AsConfigError(err)
	if !ok {
		return err
	}
	ps := make([]Problem, len(ce.Problems))
	for i, p := range ce.Problems {
		key := p.Key
		if p.Learner >= 0 {
			ps[i] = Problem{Key: fmt.Sprintf("learner %d: %s", p.Learner, key), Msg: p.Msg}
			continue
		}
		ps[i] = Problem{Key: key, Msg: p.Msg, Line: lineOf(s.lines, key)}
		for _, o := range s.settings {
			if o.Key == key {
				ps[i].Override, ps[i].Line = true, 0
			}
		}
	}
	return newError(s.File, ps)
}
