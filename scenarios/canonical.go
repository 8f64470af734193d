package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Canonical renders s's configuration deterministically, one "Field.Path = value" line per
// leaf in field order (map keys sorted, floats in the shortest form that round-trips), so
// that two scenarios render the same exactly when they configure the same run. It is meant
// for keying sweep cells and for diffs. Workers is left out because results do not depend
// on it; so are the name, description and output settings, which do not change results.
func (s *Scenario) Canonical() string {
	var b strings.Builder
	c := s.Config
	c.Workers = 0
	canon(&b, "", reflect.ValueOf(c))
	return b.String()
}

// Hash returns the first 16 hex digits of the SHA-256 of Canonical.
func (s *Scenario) Hash() string {
	sum := sha256.Sum256([]byte(s.Canonical()))
	return hex.EncodeToString(sum[:8])
}

// canon writes v at path.
func canon(b *strings.Builder, path string, v reflect.Value) {
	leaf := func(s string) { fmt.Fprintf(b, "%s = %s\n", path, s) }
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !(path == "" && f.Name == "Workers") {
				canon(b, joinKey(path, f.Name), v.Field(i))
			}
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			leaf("nil")
			return
		}
		canon(b, path, v.Elem())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			leaf("nil")
			return
		}
		leaf("len " + strconv.Itoa(v.Len()))
		for i := range v.Len() {
			canon(b, path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			leaf("nil")
			return
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, fmt.Sprint(k.Interface()))
		}
		sort.Strings(keys)
		leaf("map " + strconv.Itoa(v.Len()))
		for _, k := range keys {
			canon(b, path+"["+strconv.Quote(k)+"]", v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())))
		}
	case reflect.Float32, reflect.Float64:
		leaf(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		leaf(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		leaf(strconv.FormatUint(v.Uint(), 10))
	case reflect.Bool:
		leaf(strconv.FormatBool(v.Bool()))
	case reflect.String:
		leaf(strconv.Quote(v.String()))
	default:
		leaf(fmt.Sprintf("%v", v.Interface()))
	}
}
