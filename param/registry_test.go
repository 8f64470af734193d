package param

import (
	"slices"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := NewRegistry[int]("test: thing")
	r.Add("b", 2)
	r.Add("a", 1)
	if got := r.Names(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Names = %v", got)
	}
	if v, ok := r.Lookup("b"); !ok || v != 2 {
		t.Errorf("Lookup(b) = %v, %v", v, ok)
	}
	if _, ok := r.Lookup("c"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
	for _, tc := range []struct{ name, want string }{{"", "test: thing: registered with an empty name"}, {"a", `test: thing "a" registered twice`}} {
		func() {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(p.(string), tc.want) {
					t.Errorf("Add(%q): panic %v, want %q", tc.name, p, tc.want)
				}
			}()
			r.Add(tc.name, 9)
		}()
	}
}
