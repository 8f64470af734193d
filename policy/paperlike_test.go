package policy

import (
	"math"
	"math/rand/v2"
)

// Paper-like instances (DESIGN.md defaults), built here with the standard
// library because policy must not import channel or device.
const (
	paperBandwidth  = 5e6                   // W (Hz)
	paperTxPower    = 0.19953               // 23 dBm (W)
	paperCm         = 1.68e6                // cycles per sample per update
	paperKappa      = 1e-29                 // J/(cycle·Hz²)
	paperModelBits  = 280934 * 32           // S_m·P_m
	paperSampleBits = 784 * 8               // F·P_d
	paperRadius     = 500.0                 // m
	paperMinRadius  = 10.0                  // m
	paperSigmaE     = 2.5                   // J
	paperD          = 60000                 // samples
	paperDL         = 100                   // samples
	paperSeed       = 20201201              // placement seed of the golden instance
	paperStream     = 3                     // stream id of the golden instance
	paperNoise      = 3.981071705534973e-21 // -174 dBm/Hz in W/Hz
)

var paperFreqs = [...]float64{6.0e9, 2.4e9, 1.4e9, 0.7e9}

// paperLearner holds what a paper-like learner keeps across T, E and c: its
// coefficients and the uniform draw U of its energy cap E_k = E + σ(2U − 1).
type paperLearner struct {
	l Learner
	u float64
}

// paperLearners places k learners uniformly in the disc (at least 10 m from
// the centre), cycling through the four CPU frequencies, in PL mode.
func paperLearners(rng *rand.Rand, k int) []paperLearner {
	out := make([]paperLearner, k)
	for i := range out {
		// Uniform over the annulus's area.
		r2 := paperMinRadius*paperMinRadius + rng.Float64()*(paperRadius*paperRadius-paperMinRadius*paperMinRadius)
		r := math.Sqrt(r2)
		h := math.Pow(10, -(128+37.1*math.Log10(r/1000))/10)
		rate := paperBandwidth * math.Log2(1+paperTxPower*h/(paperNoise*paperBandwidth))
		out[i] = paperLearner{
			l: Coefficients(Physical{
				CyclesPerSample: paperCm, FreqHz: paperFreqs[i%len(paperFreqs)], Kappa: paperKappa,
				RateBps: rate, TxPowerW: paperTxPower, ModelBits: paperModelBits, SampleBits: paperSampleBits, PL: true,
			}),
			u: rng.Float64(),
		}
	}
	return out
}

// paperProblem builds the problem for the learners at deadline t (s), mean
// energy cap e (J), staleness cap c and d samples.
func paperProblem(ls []paperLearner, t, e float64, c, d int) Problem {
	p := Problem{Learners: make([]Learner, len(ls)), T: t, D: d, DL: paperDL, C: c}
	for i, pl := range ls {
		p.Learners[i] = pl.l
		p.Learners[i].E = e + paperSigmaE*(2*pl.u-1)
	}
	return p
}

// randomPaperProblem draws K in [kmin, kmax], T in [5, 40] s, E in [10, 30] J
// and c in [0, 5], with d = 60,000.
func randomPaperProblem(rng *rand.Rand, kmin, kmax int) Problem {
	k := kmin + rng.IntN(kmax-kmin+1)
	t := 5 + 35*rng.Float64()
	e := 10 + 20*rng.Float64()
	return paperProblem(paperLearners(rng, k), t, e, rng.IntN(6), paperD)
}
