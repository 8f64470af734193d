package mel

import "math/rand/v2"

// Stream ids: every stochastic component draws from its own PCG stream, seeded with the run's
// seed and an id made of a kind (high 32 bits) and a learner or cycle index (low 32 bits), so
// that adding a learner or a cycle never shifts another component's draws.
const (
	streamPlacement uint64 = iota + 1
	streamMobility
	streamShadowing
	streamOutage
	streamCaps
	streamData
	streamTrain
	streamModel
	streamSynthetic
	streamFLPartition
)

// streams hands out the run's random streams.
type streams struct{ seed uint64 }

func streamID(kind uint64, index int) uint64 { return kind<<32 | uint64(uint32(index)) }

// rng returns the stream of component kind for the given learner or cycle index.
func (s streams) rng(kind uint64, index int) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed, streamID(kind, index)))
}

// seedOf returns a 64-bit seed for a component that takes a seed rather than a generator.
func (s streams) seedOf(kind uint64, index int) uint64 { return s.rng(kind, index).Uint64() }

// sub returns the stream of a component that is redrawn per cycle and per learner.
func (s streams) sub(kind uint64, cyc, index int) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed, kind<<56|uint64(uint32(cyc))<<28|uint64(uint32(index))))
}
