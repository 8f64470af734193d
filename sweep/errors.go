package sweep

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mel-des/mel-des/scenarios"
)

// maxProblems caps the problems an Error lists, so that a mistake repeated in a thousand
// cells does not bury the first ones.
const maxProblems = 30

// Error reports every problem of a sweep file at once: bad keys, bad values, a base
// scenario that does not load, cells that do not validate, duplicate cells. Load and Parse
// return an *Error for any bad input, so that a caller can tell bad input from other
// failures with errors.As.
type Error struct {
	File     string    // the sweep file; "" for Parse without a name
	Problems []Problem // one per problem, in the order found
	more     int       // problems left out beyond maxProblems

	lines map[string]int // key → line of the sweep file being decoded, from keyLines
}

// Problem is one problem of a sweep file.
type Problem struct {
	Line int    // 1-based line of the key it is about; 0 if it is about no one line (a cell)
	Msg  string // what is wrong, naming the key or cell
}

// Error formats one problem per line, each as "sweep: FILE:LINE: PROBLEM" (without the
// line when a problem has none).
func (e *Error) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, "sweep: "+e.where(p.Line)+p.Msg)
	}
	if e.more > 0 {
		lines = append(lines, fmt.Sprintf("sweep: %sand %d more problems", e.where(0), e.more))
	}
	if len(lines) == 0 {
		return "sweep: " + e.where(0) + "invalid sweep"
	}
	return strings.Join(lines, "\n")
}

// where returns "FILE:LINE: ", "FILE: ", "line LINE: " or "".
func (e *Error) where(line int) string {
	switch {
	case e.File != "" && line > 0:
		return fmt.Sprintf("%s:%d: ", e.File, line)
	case e.File != "":
		return e.File + ": "
	case line > 0:
		return fmt.Sprintf("line %d: ", line)
	}
	return ""
}

// ResultsError reports a results file or index that is not what a sweep writes (not CSV,
// no cell hash, rows without an index, a foreign header), or inputs that cannot be merged:
// bad input, as opposed to a failure to read or write. Callers tell it apart with errors.As.
type ResultsError struct{ msg string }

func (e *ResultsError) Error() string { return e.msg }

func resultsErrorf(format string, a ...any) error {
	return &ResultsError{fmt.Sprintf(format, a...)}
}

// add records a problem about no particular line, dropping exact repeats.
func (e *Error) add(format string, a ...any) { e.addLine(0, format, a...) }

// addAt records a problem about key (a path of keyLines), with the key's line.
func (e *Error) addAt(key, format string, a ...any) {
	e.addLine(lineOf(e.lines, key), format, a...)
}

// addLine records a problem at line, dropping exact repeats.
func (e *Error) addLine(line int, format string, a ...any) {
	p := Problem{Line: line, Msg: fmt.Sprintf(format, a...)}
	if slices.Contains(e.Problems, p) {
		return
	}
	if len(e.Problems) >= maxProblems {
		e.more++
		return
	}
	e.Problems = append(e.Problems, p)
}

// addScenario records the problems of a scenario error at line of the sweep file, each
// after prefix and with its location in the scenario file when it has one. A problem about
// key itself is shown by its message alone, since prefix names the key.
func (e *Error) addScenario(line int, prefix, key string, err error) {
	var se *scenarios.Error
	if !errors.As(err, &se) {
		e.addLine(line, "%s%v", prefix, err)
		return
	}
	for _, p := range se.Problems {
		switch {
		case key != "" && p.Key == key:
			e.addLine(line, "%s%s", prefix, p.Msg)
		case p.Override:
			e.addLine(line, "%s%s", prefix, p.String())
		case se.File != "" && p.Line > 0:
			e.addLine(line, "%s%s:%d: %s", prefix, se.File, p.Line, p.String())
		case se.File != "":
			e.addLine(line, "%s%s: %s", prefix, se.File, p.String())
		default:
			e.addLine(line, "%s%s", prefix, p.String())
		}
	}
}
