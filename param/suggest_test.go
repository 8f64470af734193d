package param

import "testing"

func TestSuggest(t *testing.T) {
	keys := []string{"min_speed_mps", "max_speed_mps", "pause_s", "turn_s"}
	sources := []string{"csv", "idx", "mnist", "npy", "synthetic"}
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"max_speed", keys, "max_speed_mps"}, // the key without its unit
		{"pause", keys, "pause_s"},
		{"MAX_SPEED", keys, "max_speed_mps"}, // case does not matter, the candidate is returned as written
		{"max_sped_mps", keys, "max_speed_mps"},
		{"min_speed_mph", keys, "min_speed_mps"},
		{"tunr_s", keys, "turn_s"},
		{"mnsit", sources, "mnist"},
		{"synthetik", sources, "synthetic"},
		{"Npy", sources, "npy"},
		{"colour", keys, ""},
		{"parquet", sources, ""},
		{"", keys, ""},
		{"anything", nil, ""},
		// Long words tolerate more edits: len/3 of them.
		{"direction_sigma_degrees", []string{"direction_sigma_deg"}, "direction_sigma_deg"},
		{"direction_sigma", []string{"direction_sigma_deg"}, "direction_sigma_deg"},
		// The first of two equally close candidates wins, so hints do not depend on map order.
		{"wal", []string{"walk", "wall"}, "walk"},
	}
	for _, tc := range tests {
		if got := Suggest(tc.word, tc.candidates); got != tc.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", tc.word, tc.candidates, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"walk", "wlak", 2}, {"flaw", "lawn", 2}, {"same", "same", 0},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := editDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetry)", tc.b, tc.a, got, tc.want)
		}
	}
}
