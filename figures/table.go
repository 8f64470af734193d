package figures

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes the plotted numbers of series as CSV, one row per point,
// with the header label,policy,staleness,<xName>,mean,min,max,n,seeds, so
// that a figure can be published beside the table it was drawn from. The
// staleness of a synchronous series is left empty; NaN is written as NaN.
// xName names the abscissa, e.g. "cycle" or "deadline_s".
func WriteCSV(w io.Writer, xName string, series []Series) error {
	cw := csv.NewWriter(w)
	ftoa := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if err := cw.Write([]string{"label", "policy", "staleness", xName, "mean", "min", "max", "n", "seeds"}); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	for _, s := range series {
		c := ""
		if s.Staleness != AnyStaleness {
			c = strconv.Itoa(s.Staleness)
		}
		for _, p := range s.Points {
			rec := []string{s.Label, s.Policy, c, ftoa(p.X), ftoa(p.Mean), ftoa(p.Min), ftoa(p.Max),
				strconv.Itoa(p.N), strconv.Itoa(p.Seeds)}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("figures: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return nil
}
