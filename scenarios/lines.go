package scenarios

import (
	"strconv"
	"strings"
)

// keyLines maps the key paths of a TOML document ("simulation.seed", "learners[1]",
// "learners[1].mobility.model") to the 1-based line where each is first written. The TOML
// decoder keeps key positions to itself, so this is a light line scanner: it follows table
// and array-of-table headers, bare and quoted keys, and skips the insides of multi-line
// strings and arrays. It is best effort: keys inside inline tables get no line of their own
// (lookups fall back to the enclosing key), and on a malformed document it may miss keys,
// which only costs line numbers since the decoder has already rejected such a document.
func keyLines(src string) map[string]int {
	lines := map[string]int{}
	arrays := map[string]int{} // resolved path of an array of tables → elements so far
	cur := ""                  // path of the current table
	inString := ""             // delimiter of the multi-line string we are inside, if any
	depth := 0                 // open brackets of a multi-line array value
	record := func(path string, n int) {
		if _, ok := lines[path]; !ok {
			lines[path] = n
		}
	}
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		if inString != "" {
			if j := strings.Index(line, inString); j >= 0 {
				inString = ""
			}
			continue
		}
		if depth > 0 {
			d, ml := scanValue(line)
			depth += d
			inString = ml
			continue
		}
		s := strings.TrimSpace(line)
		if s == "" || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			double := strings.HasPrefix(s, "[[")
			body := strings.TrimPrefix(s, "[")
			if double {
				body = strings.TrimPrefix(body, "[")
			}
			keys, rest, ok := splitKey(body)
			if !ok || !strings.HasPrefix(strings.TrimSpace(rest), "]") {
				continue
			}
			path := ""
			for j, k := range keys {
				path = joinKey(path, k)
				if double && j == len(keys)-1 {
					arrays[path]++
				}
				if c, ok := arrays[path]; ok {
					path += "[" + strconv.Itoa(c-1) + "]"
				}
				record(path, n)
			}
			cur = path
			continue
		}
		keys, rest, ok := splitKey(s)
		if !ok || !strings.HasPrefix(rest, "=") {
			continue
		}
		path := cur
		for _, k := range keys {
			path = joinKey(path, k)
			record(path, n)
		}
		depth, inString = scanValue(rest[1:])
		depth = max(depth, 0)
	}
	return lines
}

// joinKey appends key k to path.
func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// splitKey reads a dotted key (bare or quoted pieces separated by dots) from the start of s
// and returns its pieces and the rest of s after trailing spaces.
func splitKey(s string) (keys []string, rest string, ok bool) {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return nil, "", false
		}
		var k string
		switch s[0] {
		case '"', '\'':
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return nil, "", false
			}
			k, s = s[1:1+end], s[2+end:]
		default:
			j := 0
			for j < len(s) && isBareKeyByte(s[j]) {
				j++
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

// isBareKeyByte reports whether c may appear in a bare TOML key.
func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
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
			if strings.HasPrefix(s[i:], strings.Repeat(string(c), 3)) {
				delim := s[i : i+3]
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

// lineOf returns the line of path, or of its closest enclosing key that has one, or 0.
func lineOf(lines map[string]int, path string) int {
	for path != "" {
		if n, ok := lines[path]; ok {
			return n
		}
		path = parentPath(path)
	}
	return 0
}

// parentPath strips the last piece ("[3]" or ".key") from a key path.
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if j := strings.LastIndexByte(path, '['); j >= 0 {
			return path[:j]
		}
	}
	if j := strings.LastIndexByte(path, '.'); j >= 0 {
		return path[:j]
	}
	return ""
}

// KeyLines maps the key paths of a TOML document to the 1-based line where each is first
// written, as keyLines does for scenarios; sweep files use it too.
func KeyLines(src string) map[string]int { return keyLines(src) }

// LineOf returns the line of path in lines (from KeyLines), or of its closest enclosing key
// that has one, or 0.
func LineOf(lines map[string]int, path string) int { return lineOf(lines, path) }
