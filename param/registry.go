package param

import (
	"fmt"
	"sort"
)

// Registry holds the plug-ins of one kind — mobility models, data sources, aggregation
// schemes — by name. It is filled by init functions and only read afterwards; it is not safe
// for concurrent use with Add.
type Registry[T any] struct {
	what string // for panics: "device: mobility model"
	m    map[string]T
}

// NewRegistry returns an empty registry; what names the kind of plug-in in panics.
func NewRegistry[T any](what string) *Registry[T] {
	return &Registry[T]{what: what, m: map[string]T{}}
}

// Add registers v under name. Panics if name is empty or already taken.
func (r *Registry[T]) Add(name string, v T) {
	if name == "" {
		panic(r.what + ": registered with an empty name")
	}
	if _, dup := r.m[name]; dup {
		panic(fmt.Sprintf("%s %q registered twice", r.what, name))
	}
	r.m[name] = v
}

// Names returns the registered names, sorted.
func (r *Registry[T]) Names() []string {
	names := make([]string, 0, len(r.m))
	for n := range r.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the plug-in registered under name.
func (r *Registry[T]) Lookup(name string) (T, bool) {
	v, ok := r.m[name]
	return v, ok
}
