package sweep

import (
	"errors"
	"fmt"
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
	File     string   // the sweep file; "" for Parse without a name
	Problems []string // one problem per entry, each naming the key or cell
	more     int      // problems left out beyond maxProblems
}

// Error formats one problem per line, each as "sweep: FILE: PROBLEM".
func (e *Error) Error() string {
	where := ""
	if e.File != "" {
		where = e.File + ": "
	}
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, "sweep: "+where+p)
	}
	if e.more > 0 {
		lines = append(lines, fmt.Sprintf("sweep: %sand %d more problems", where, e.more))
	}
	if len(lines) == 0 {
		return "sweep: " + where + "invalid sweep"
	}
	return strings.Join(lines, "\n")
}

// ResultsError reports a results file or index that is not what a sweep writes (not CSV,
// no cell hash, rows without an index, a foreign header), or inputs that cannot be merged:
// bad input, as opposed to a failure to read or write. Callers tell it apart with errors.As.
type ResultsError struct{ msg string }

func (e *ResultsError) Error() string { return e.msg }

func resultsErrorf(format string, a ...any) error {
	return &ResultsError{fmt.Sprintf(format, a...)}
}

// add records a problem, dropping exact repeats.
func (e *Error) add(format string, a ...any) {
	p := fmt.Sprintf(format, a...)
	for _, q := range e.Problems {
		if q == p {
			return
		}
	}
	if len(e.Problems) >= maxProblems {
		e.more++
		return
	}
	e.Problems = append(e.Problems, p)
}

// addScenario records the problems of a scenario error, each after prefix and with its
// location in the scenario file when it has one. A problem about key itself is shown by its
// message alone, since prefix names the key.
func (e *Error) addScenario(prefix, key string, err error) {
	var se *scenarios.Error
	if !errors.As(err, &se) {
		e.add("%s%v", prefix, err)
		return
	}
	for _, p := range se.Problems {
		switch {
		case key != "" && p.Key == key:
			e.add("%s%s", prefix, p.Msg)
		case p.Override:
			e.add("%s%s", prefix, p.String())
		case se.File != "" && p.Line > 0:
			e.add("%s%s:%d: %s", prefix, se.File, p.Line, p.String())
		case se.File != "":
			e.add("%s%s: %s", prefix, se.File, p.String())
		default:
			e.add("%s%s", prefix, p.String())
		}
	}
}
