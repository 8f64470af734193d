package policy

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// fuzzReader turns fuzz bytes into problem fields; past the end it reads
// zeros.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) next(n int) []byte {
	out := make([]byte, n)
	k := copy(out, r.b)
	r.b = r.b[k:]
	return out
}

func (r *fuzzReader) byte() int { return int(r.next(1)[0]) }

// float reads a raw float64 (any bit pattern: NaN, ±Inf, subnormals, huge)
// in raw mode, else a value in [0, scale] with 16-bit resolution.
func (r *fuzzReader) float(raw bool, scale float64) float64 {
	if raw {
		return math.Float64frombits(binary.LittleEndian.Uint64(r.next(8)))
	}
	return float64(binary.LittleEndian.Uint16(r.next(2))) / 65535 * scale
}

// fuzzProblem decodes a problem of 1-6 learners. The first byte's low bit
// selects raw floats, which mostly fail validation, or scaled ones, which
// mostly pass and range from easy to infeasible.
func fuzzProblem(data []byte) Problem {
	r := &fuzzReader{data}
	head := r.byte()
	raw, k := head&1 == 1, 1+(head>>1)%6
	p := Problem{
		T:  r.float(raw, 60),
		D:  int(binary.LittleEndian.Uint16(r.next(2))),
		DL: r.byte(),
		C:  r.byte(),
	}
	if raw { // negative counts too
		p.D, p.DL, p.C = p.D-1000, p.DL-10, p.C-10
	}
	for range k {
		p.Learners = append(p.Learners, Learner{
			C2: r.float(raw, 1), C1: r.float(raw, 0.1), C0: r.float(raw, 10),
			G2: r.float(raw, 1), G1: r.float(raw, 0.1), G0: r.float(raw, 5), E: r.float(raw, 50),
		})
	}
	return p
}

// FuzzPolicies builds a problem from the input and runs every policy, with
// and without exclusion: no panic, no NaN, every plan feasible, and every
// error either a validation error (for invalid problems), an
// *InfeasibleError or ErrTooLarge.
//
//	go test ./policy -run '^$' -fuzz FuzzPolicies -fuzztime 60s
func FuzzPolicies(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 3))
	for range 16 {
		b := make([]byte, 120)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		b[0] &^= 1 // scaled floats
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0xf8, 0x7f}) // raw mode
	policies := map[string][2]Policy{}
	for _, name := range Names() {
		policies[name] = [2]Policy{mustPolicy(f, name, nil), mustPolicy(f, name, Params{"allow_exclusion": true})}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzProblem(data)
		invalid := p.Validate()
		for _, name := range Names() {
			for _, pol := range policies[name] {
				pl, err := pol.Plan(p)
				var ie *InfeasibleError
				switch {
				case err != nil && invalid != nil:
					if err.Error() != invalid.Error() {
						t.Fatalf("%s: %v, want the validation error %v", name, err, invalid)
					}
				case err != nil && !errors.As(err, &ie) && !errors.Is(err, ErrTooLarge):
					t.Fatalf("%s: unexpected error %v for %+v", name, err, p)
				case err != nil:
					_ = err.Error() // must not panic
				case invalid != nil:
					t.Fatalf("%s: planned an invalid problem (%v)", name, invalid)
				default:
					if err := Check(p, pl); err != nil {
						t.Fatalf("%s: %v for %+v", name, err, p)
					}
				}
			}
		}
	})
}
