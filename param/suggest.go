package param

import "strings"

// Suggest returns the candidate closest to word, for "did you mean" hints: one that starts
// with word and an underscore (a key written without its unit), else the one at the smallest
// edit distance if that is small for the word's length, else "".
func Suggest(word string, candidates []string) string {
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
