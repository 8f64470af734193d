package channel

import (
	"fmt"
	"math"
)

// DB is a dimensionless power ratio in decibels, such as a path loss or a
// shadowing offset.
type DB float64

// DBm is an absolute power in decibels relative to one milliwatt. A noise
// density quoted in dBm/Hz is a DBm value per hertz of bandwidth.
type DBm float64

// DBToLinear converts a ratio in decibels to a linear power ratio,
// 10^(x/10).
func DBToLinear(x DB) float64 {
	return math.Pow(10, float64(x)/10)
}

// LinearToDB converts a linear power ratio to decibels, 10·log10(ratio). A
// ratio of 0 gives -Inf; a negative ratio gives NaN.
func LinearToDB(ratio float64) DB {
	return DB(10 * math.Log10(ratio))
}

// DBmToWatts converts a power in dBm to watts, 10^((x-30)/10). It converts a
// density in dBm/Hz to W/Hz in the same way.
func DBmToWatts(x DBm) float64 {
	return math.Pow(10, (float64(x)-30)/10)
}

// WattsToDBm converts a power in watts to dBm, 10·log10(w)+30. It converts a
// density in W/Hz to dBm/Hz in the same way.
func WattsToDBm(w float64) DBm {
	return DBm(10*math.Log10(w) + 30)
}

// MinDistance is the smallest distance, in metres, at which [PathLoss.Loss]
// evaluates the model. Shorter distances, including zero and negative ones,
// are clamped to it: the far-field formula is meaningless there and would
// otherwise give an unbounded gain.
const MinDistance = 1.0

// PathLoss is the log-distance path-loss model A + B·log10(R / 1 km) in dB,
// where R is the distance in metres.
type PathLoss struct {
	// A is the loss at 1 km, in dB.
	A float64
	// B is the slope, in dB per decade of distance.
	B float64
}

// DefaultPathLoss is the model of the paper, 128 + 37.1·log10(R / 1 km) dB.
var DefaultPathLoss = PathLoss{A: 128, B: 37.1}

// Loss returns the path loss at distanceM metres. Distances below
// [MinDistance] are clamped to it; an infinite distance gives an infinite
// loss. Loss panics if distanceM is NaN.
func (p PathLoss) Loss(distanceM float64) DB {
	if math.IsNaN(distanceM) {
		panic("channel: PathLoss.Loss: distance is NaN")
	}
	r := math.Max(distanceM, MinDistance)
	return DB(p.A + p.B*math.Log10(r/1000))
}

// Gain returns the linear channel gain 10^(-Loss/10) at distanceM metres.
// It panics under the same conditions as [PathLoss.Loss].
func (p PathLoss) Gain(distanceM float64) float64 {
	return DBToLinear(-p.Loss(distanceM))
}

// Validate reports an error if A or B is not finite.
func (p PathLoss) Validate() error {
	if math.IsNaN(p.A) || math.IsInf(p.A, 0) {
		return fmt.Errorf("channel: PathLoss.A must be finite, got %v", p.A)
	}
	if math.IsNaN(p.B) || math.IsInf(p.B, 0) {
		return fmt.Errorf("channel: PathLoss.B must be finite, got %v", p.B)
	}
	return nil
}

// SNR returns the linear signal-to-noise ratio P·h/(N0·W) for a transmit
// power txPowerW in watts, a linear channel gain gainLinear, a noise power
// spectral density noiseDensityWPerHz in W/Hz and a bandwidth bandwidthHz in
// hertz.
func SNR(txPowerW, gainLinear, noiseDensityWPerHz, bandwidthHz float64) float64 {
	return txPowerW * gainLinear / (noiseDensityWPerHz * bandwidthHz)
}

// ShannonRate returns the capacity W·log2(1+snr) in bits per second of a
// channel of bandwidthHz hertz at the linear signal-to-noise ratio snr. It
// panics if snr is negative or NaN.
func ShannonRate(bandwidthHz, snr float64) float64 {
	if !(snr >= 0) {
		panic(fmt.Sprintf("channel: ShannonRate: snr must be >= 0, got %v", snr))
	}
	// Log1p keeps precision when the SNR is tiny (a far learner).
	return bandwidthHz * math.Log1p(snr) / math.Ln2
}
