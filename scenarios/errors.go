package scenarios

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mel-des/mel-des/param"
)

// Problem is one thing wrong with a scenario: a syntax error, an unknown key, a value of the
// wrong type or out of range, or a contradiction between keys.
type Problem struct {
	Key      string // key path such as "learners[2].mobility.max_speed_mps"; "" for the file as a whole
	Value    string // the offending value as written, e.g. "-3" or `"walkk"`; "" if none applies
	Line     int    // 1-based line in the scenario file, best effort; 0 if unknown
	Override bool   // the value came from an override (Scenario.Set or With), not from the file
	Msg      string // what is wrong and what is allowed
}

// String formats p as "KEY = VALUE: MSG", without the location.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Key)
	if p.Value != "" {
		b.WriteString(" = ")
		b.WriteString(p.Value)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error reports every problem found in a scenario at once. Parse, Load, LoadEmbedded,
// Resolve, Set and With return an *Error for any bad input, so that a caller can tell bad
// input (exit code 2 in the CLI) from other failures with errors.As.
type Error struct {
	File     string    // the scenario file, "embedded:NAME", or "" for Parse
	Problems []Problem // sorted by line; problems without a line come last
}

// Error formats one problem per line, each starting with "scenario: " and its location, as
// in "scenario: run.toml:12: learners[2].cpu_ghz = -1: out of range, want (0, 100] GHz".
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		var where string
		switch {
		case p.Override:
			where = "override "
		case e.File != "" && p.Line > 0:
			where = fmt.Sprintf("%s:%d: ", e.File, p.Line)
		case e.File != "":
			where = e.File + ": "
		case p.Line > 0:
			where = fmt.Sprintf("line %d: ", p.Line)
		}
		lines[i] = "scenario: " + oneLine.Replace(where+p.String())
	}
	if len(lines) == 0 {
		return "scenario: invalid scenario"
	}
	return strings.Join(lines, "\n")
}

// oneLine escapes line breaks, so that every problem stays on its own line whatever the
// decoder's messages or an override's key contain.
var oneLine = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// newError returns an *Error holding probs sorted by line (stable, so problems on one line
// keep the order in which they were found), or nil if there are none.
func newError(file string, probs []Problem) error {
	if len(probs) == 0 {
		return nil
	}
	ps := append([]Problem(nil), probs...)
	sort.SliceStable(ps, func(i, j int) bool {
		li, lj := ps[i].Line, ps[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
	return &Error{File: file, Problems: ps}
}

// fileError is an *Error with a single problem about the file as a whole.
func fileError(file, format string, a ...any) error {
	return &Error{File: file, Problems: []Problem{{Msg: fmt.Sprintf(format, a...)}}}
}

// fmtVal renders a decoded value roughly as it would be written in TOML, shortened if long.
func fmtVal(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = strconv.Quote(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = param.FormatNumber(x)
	case bool:
		s = strconv.FormatBool(x)
	case []any:
		parts := make([]string, 0, min(len(x), 8))
		for i, e := range x {
			if i == 8 {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, fmtVal(e))
		}
		s = "[" + strings.Join(parts, ", ") + "]"
	case map[string]any, []map[string]any:
		s = "(" + param.TypeName(v) + ")"
	case time.Time:
		switch x.Location().String() {
		case "date-local":
			s = x.Format("2006-01-02")
		case "time-local":
			s = x.Format("15:04:05.999999999")
		case "datetime-local":
			s = x.Format("2006-01-02T15:04:05.999999999")
		default:
			s = x.Format(time.RFC3339Nano)
		}
	default:
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "…"
	}
	return s
}
