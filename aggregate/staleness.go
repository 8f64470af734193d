package aggregate

import (
	"fmt"
	"math"
)

// The staleness functions, as the scenario key staleness names them.
const (
	Constant   = "constant"   // s = 1
	Polynomial = "polynomial" // s = (1 + staleness)^(−a)
	Hinge      = "hinge"      // s = 1 up to b, then 1/(a·(staleness − b) + 1)
)

// StalenessFuncs returns the names of the staleness functions.
func StalenessFuncs() []string { return []string{Constant, Polynomial, Hinge} }

// Staleness is a function that discounts an update by how stale it is: the weight of an
// update trained from a global model that is staleness versions old. Every function is 1 at
// staleness 0 and non-increasing.
type Staleness struct {
	Func string  // Constant, Polynomial or Hinge
	A    float64 // Polynomial: the exponent a ≥ 0; Hinge: the slope a ≥ 0 after the threshold
	B    float64 // Hinge: the threshold b ≥ 0 up to which the weight is 1
}

// Weight returns s(staleness), in (0, 1]. Panics if staleness < 0 or Func is unknown.
func (s Staleness) Weight(staleness int) float64 {
	if staleness < 0 {
		panic(fmt.Sprintf("aggregate: negative staleness %d", staleness))
	}
	x := float64(staleness)
	switch s.Func {
	case Constant:
		return 1
	case Polynomial:
		return math.Pow(1+x, -s.A)
	case Hinge:
		if x <= s.B {
			return 1
		}
		return 1 / (s.A*(x-s.B) + 1)
	}
	panic(fmt.Sprintf("aggregate: unknown staleness function %q", s.Func))
}

// String writes the function with its parameters: "polynomial a=0.5".
func (s Staleness) String() string {
	switch s.Func {
	case Polynomial:
		return fmt.Sprintf("%s a=%g", s.Func, s.A)
	case Hinge:
		return fmt.Sprintf("%s a=%g b=%g", s.Func, s.A, s.B)
	}
	return s.Func
}
