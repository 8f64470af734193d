package sweep

import (
	"strconv"
	"strings"
)

// keyLines maps the keys of a sweep file to the 1-based line where each is first written:
// top-level keys by name ("base"), tables by their header ("axes", "group[1]"), and axis
// keys by table and key path joined by a dot ("axes.simulation.deadline_s",
// "group[1].policy.name"), whether the path is written quoted or as dotted TOML keys. The
// TOML decoder keeps positions to itself, so this is a light line scanner: it follows table
// and array-of-table headers and bare and quoted keys, and skips the insides of multi-line
// arrays and strings. It is best effort (keys inside inline tables get their table's line);
// a missing line only costs the line number in a message. It is the sweep file's own small
// cousin of the scenario decoder's scanner.
func keyLines(src string) map[string]int {
	lines := map[string]int{}
	arrays := map[string]int{} // array of tables → elements so far
	cur := ""                  // the current table's path
	inString := ""             // delimiter of the multi-line string we are inside, if any
	depth := 0                 // open brackets of a multi-line value
	record := func(path string, n int) {
		if _, ok := lines[path]; !ok {
			lines[path] = n
		}
	}
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		switch {
		case inString != "":
			if strings.Contains(line, inString) {
				inString = ""
			}
			continue
		case depth > 0:
			d, ml := scanValue(line)
			depth, inString = max(depth+d, 0), ml
			continue
		}
		s := strings.TrimSpace(line)
		if s == "" || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			double := strings.HasPrefix(s, "[[")
			keys, rest, ok := splitKey(strings.TrimLeft(s, "["))
			if !ok || !strings.HasPrefix(rest, "]") {
				continue
			}
			path := strings.Join(keys, ".")
			if double {
				arrays[path]++
				path += "[" + strconv.Itoa(arrays[path]-1) + "]"
			}
			record(path, n)
			cur = path
			continue
		}
		keys, rest, ok := splitKey(s)
		if !ok || !strings.HasPrefix(rest, "=") {
			continue
		}
		path := cur
		for _, k := range keys { // a.b = 1 writes table a too
			if path != "" {
				path += "."
			}
			path += k
			record(path, n)
		}
		d, ml := scanValue(rest[1:])
		depth, inString = max(d, 0), ml
	}
	return lines
}

// lineOf returns the line of key in lines, or of the closest enclosing key that has one
// ("group[1].policy.name", then "group[1].policy", "group[1]", "group"), or 0.
func lineOf(lines map[string]int, key string) int {
	for key != "" {
		if n, ok := lines[key]; ok {
			return n
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// splitKey reads a dotted key (bare or quoted pieces joined by dots) from the start of s
// and returns its pieces and the rest of s after spaces.
func splitKey(s string) (keys []string, rest string, ok bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return nil, "", false
		}
		var k string
		if q := s[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, "", false
			}
			k, s = s[1:1+end], s[2+end:]
		} else {
			j := strings.IndexFunc(s, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
			})
			if j < 0 {
				j = len(s)
			}
			if j == 0 {
				return nil, "", false
			}
			k, s = s[:j], s[j:]
		}
		keys = append(keys, k)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return keys, s, true
		}
		s = s[1:]
	}
}

// scanValue scans (part of) a value and returns how many more brackets or braces it opens
// than it closes and, if it ends inside a multi-line string, that string's delimiter.
// Brackets inside strings and comments do not count.
func scanValue(s string) (depth int, openString string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '#':
			return depth, ""
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case '"', '\'':
			if delim := strings.Repeat(string(c), 3); strings.HasPrefix(s[i:], delim) {
				end := strings.Index(s[i+3:], delim)
				if end < 0 {
					return depth, delim
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(s) && s[i] != c; i++ {
				if c == '"' && s[i] == '\\' {
					i++
				}
			}
		}
	}
	return depth, ""
}
