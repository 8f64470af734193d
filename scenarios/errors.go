package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
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

// typeName names the TOML type of a decoded value for messages.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case []map[string]any:
		return "array of tables"
	case map[string]any:
		return "table"
	case time.Time:
		return "datetime"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
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
		s = fmtNum(x)
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
		s = "(" + typeName(v) + ")"
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

// fmtNum formats a number compactly: integers below 1e6 without an exponent, others in the
// shortest form that round-trips, with "1e+06" written as "1e6".
func fmtNum(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e6:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	s = strings.Replace(s, "e+0", "e", 1)
	s = strings.Replace(s, "e+", "e", 1)
	return strings.Replace(s, "e-0", "e-", 1)
}

// suggest returns the candidate closest to word, or "" if none is close: a candidate that
// extends word by a unit suffix ("deadline" → "deadline_s") wins, otherwise the one at the
// smallest edit distance if that is at most max(2, len(word)/3).
func suggest(word string, candidates []string) string {
	w := strings.ToLower(word)
	for _, c := range candidates {
		if strings.HasPrefix(strings.ToLower(c), w+"_") {
			return c
		}
	}
	best, bestD := "", max(2, len(w)/3)+1
	for _, c := range candidates {
		if d := editDistance(w, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counted in bytes, in
// O(len(a)·len(b)) time.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 { // keys are short; do not spend time on garbage
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
