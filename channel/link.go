package channel

import (
	"errors"
	"fmt"
	"math"
)

// DefaultMaxPieces is the number of constant-rate pieces after which
// [Link.Transfer] and [Link.Bits] give up when Link.MaxPieces is zero.
const DefaultMaxPieces = 1 << 20

var (
	// ErrNeverFinishes is returned (wrapped) by [Link.Transfer] when the
	// rate is zero from some time on forever, for example during an
	// outage that never ends.
	ErrNeverFinishes = errors.New("channel: transfer never finishes")
	// ErrHorizon is returned (wrapped) by [Link.Transfer] when the transfer
	// does not finish within Link.Horizon seconds of its start.
	ErrHorizon = errors.New("channel: transfer does not finish within the horizon")
	// ErrTooManyPieces is returned (wrapped) when an integration needs more
	// than Link.MaxPieces constant-rate pieces.
	ErrTooManyPieces = errors.New("channel: too many constant-rate pieces")
)

// DistanceSource gives the distance in metres between a learner and the
// orchestrator at a time in seconds. The mobility models of the device
// package satisfy it.
type DistanceSource interface {
	DistanceAt(t float64) float64
}

// FixedDistance is a DistanceSource that is always the given number of
// metres away.
type FixedDistance float64

// DistanceAt returns d whatever the time.
func (d FixedDistance) DistanceAt(float64) float64 { return float64(d) }

// Link is a radio link whose rate changes over time with the learner's
// distance, shadowing and outages. Build it as a struct literal and call
// [Link.Validate] once; the zero value is not usable.
//
// The rate is piecewise constant. Its pieces end at shadowing coherence
// boundaries, outage changes and, for a moving learner, at the points k·Step
// of a resampling grid: on [k·Step, (k+1)·Step) the distance is taken as
// Distance.DistanceAt(k·Step), the value at the start of the grid interval.
// This approximation errs by at most the rate change over one Step; choose
// Step so that the learner moves only a few metres per step (see the device
// package's SampleStep). A Step of 0 or +Inf disables the grid: [Link.Rate]
// then reads the distance at the queried time, and a transfer reads it at
// the start of each piece and holds it until the next shadowing or outage
// change, which is exact only for a learner that does not move.
//
// A Link caches random draws through its Shadowing and Outage and is not
// safe for concurrent use.
type Link struct {
	// BandwidthHz is the channel bandwidth W in hertz.
	BandwidthHz float64
	// TxPowerW is the transmit power P in watts.
	TxPowerW float64
	// NoiseDensityWPerHz is the noise power spectral density N0 in W/Hz.
	NoiseDensityWPerHz float64
	// PathLoss maps distance to loss.
	PathLoss PathLoss
	// Distance gives the learner's distance to the orchestrator in metres.
	Distance DistanceSource
	// Step is the mobility resampling step in seconds; 0 or +Inf means the
	// distance is held between the other change points (see above).
	Step float64
	// Shadowing is optional log-normal shadowing; nil means none.
	Shadowing *Shadowing
	// Outage is an optional outage process; nil means always up.
	Outage Outage
	// Horizon, if positive, is how many seconds after its start a transfer
	// may take before Transfer gives up with ErrHorizon; 0 means no limit.
	Horizon float64
	// MaxPieces bounds the number of constant-rate pieces one Transfer or
	// Bits call may integrate over; 0 means DefaultMaxPieces.
	MaxPieces int
}

// Validate returns an error naming the first invalid field, if any.
func (l *Link) Validate() error {
	if !(l.BandwidthHz > 0) || math.IsInf(l.BandwidthHz, 0) {
		return fmt.Errorf("channel: Link.BandwidthHz must be finite and > 0, got %v", l.BandwidthHz)
	}
	if !(l.TxPowerW > 0) || math.IsInf(l.TxPowerW, 0) {
		return fmt.Errorf("channel: Link.TxPowerW must be finite and > 0, got %v", l.TxPowerW)
	}
	if !(l.NoiseDensityWPerHz > 0) || math.IsInf(l.NoiseDensityWPerHz, 0) {
		return fmt.Errorf("channel: Link.NoiseDensityWPerHz must be finite and > 0, got %v", l.NoiseDensityWPerHz)
	}
	if err := l.PathLoss.Validate(); err != nil {
		return err
	}
	if l.Distance == nil {
		return errors.New("channel: Link.Distance must not be nil")
	}
	if !(l.Step >= 0) {
		return fmt.Errorf("channel: Link.Step must be >= 0 s, got %v", l.Step)
	}
	if !(l.Horizon >= 0) {
		return fmt.Errorf("channel: Link.Horizon must be >= 0 s, got %v", l.Horizon)
	}
	if l.MaxPieces < 0 {
		return fmt.Errorf("channel: Link.MaxPieces must be >= 0, got %d", l.MaxPieces)
	}
	return nil
}

// gridded reports whether the mobility resampling grid is active.
func (l *Link) gridded() bool {
	return l.Step > 0 && !math.IsInf(l.Step, 1)
}

// Up reports whether the link is up at time t seconds.
func (l *Link) Up(t float64) bool {
	return l.Outage == nil || l.Outage.Up(t)
}

// DistanceAt returns the distance in metres that the link uses at time t
// seconds: the sample at the start of t's grid interval when Step is active,
// the source's distance at t otherwise.
func (l *Link) DistanceAt(t float64) float64 {
	if l.gridded() {
		t = gridIndex(t, l.Step) * l.Step
	}
	return l.Distance.DistanceAt(t)
}

// Gain returns the linear channel gain at time t seconds, including path
// loss and shadowing but ignoring outages.
func (l *Link) Gain(t float64) float64 {
	return DBToLinear(-(l.PathLoss.Loss(l.DistanceAt(t)) + l.Shadowing.At(t)))
}

// Rate returns the Shannon rate in bits per second at time t seconds, or 0
// while the link is down. The link must be valid (see Validate); Rate
// panics if Distance is nil.
func (l *Link) Rate(t float64) float64 {
	if !l.Up(t) {
		return 0
	}
	return ShannonRate(l.BandwidthHz, SNR(l.TxPowerW, l.Gain(t), l.NoiseDensityWPerHz, l.BandwidthHz))
}

// piece returns the rate that holds from t until end, the next change point
// strictly after t (possibly +Inf).
func (l *Link) piece(t float64) (rate, end float64, err error) {
	end = l.Shadowing.NextChange(t)
	if l.Outage != nil {
		next := l.Outage.NextChange(t)
		if !(next > t) {
			return 0, 0, fmt.Errorf("channel: outage NextChange(%v) = %v is not after it", t, next)
		}
		end = math.Min(end, next)
	}
	if l.gridded() {
		end = math.Min(end, gridNext(t, l.Step))
	}
	return l.Rate(t), end, nil
}

func (l *Link) maxPieces() int {
	if l.MaxPieces == 0 {
		return DefaultMaxPieces
	}
	return l.MaxPieces
}

// Transfer returns the time in seconds at which bits bits, sent from time
// start seconds, have all arrived. It integrates the piecewise-constant rate
// (see [Link]); an outage stalls the transfer until the link is up again.
// With a constant rate r (a static learner without shadowing or outages)
// the result is start + bits/r up to the rounding of that one sum.
//
// Transfer returns an error wrapping ErrNeverFinishes if the rate is zero
// forever from some point, ErrHorizon if the transfer would end more than
// Horizon seconds after start, ErrTooManyPieces after MaxPieces pieces, or a
// validation error for an invalid link, a non-finite start or negative bits.
// Zero bits finish at start.
func (l *Link) Transfer(start, bits float64) (finish float64, err error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	if math.IsNaN(start) || math.IsInf(start, 0) {
		return 0, fmt.Errorf("channel: transfer start must be finite, got %v", start)
	}
	if !(bits >= 0) || math.IsInf(bits, 0) {
		return 0, fmt.Errorf("channel: transfer size must be finite and >= 0 bits, got %v", bits)
	}
	if bits == 0 {
		return start, nil
	}
	limit := math.Inf(1)
	if l.Horizon > 0 {
		limit = start + l.Horizon
	}
	t, remaining := start, bits
	for range l.maxPieces() {
		rate, end, err := l.piece(t)
		if err != nil {
			return 0, err
		}
		capped := end > limit
		if capped {
			end = limit
		}
		if rate > 0 {
			// For an infinite end the room is +Inf and the transfer ends here.
			room := rate * (end - t)
			if remaining <= room {
				return math.Min(t+remaining/rate, end), nil
			}
			remaining -= room
		} else if math.IsInf(end, 1) {
			return 0, fmt.Errorf("%w: rate is 0 from %v s on (%v of %v bits left)", ErrNeverFinishes, t, remaining, bits)
		}
		if capped {
			return 0, fmt.Errorf("%w: %v of %v bits left at %v s (horizon %v s)", ErrHorizon, remaining, bits, limit, l.Horizon)
		}
		t = end
	}
	return 0, fmt.Errorf("%w: %v of %v bits left at %v s after %d pieces", ErrTooManyPieces, remaining, bits, t, l.maxPieces())
}

// Bits returns how many bits the link carries between from and to seconds,
// the integral of the same piecewise-constant rate that Transfer uses; it
// serves to account for a transfer cut short, for example by a battery that
// empties mid-upload. It returns 0 if to <= from, and an error for an
// invalid link, a non-finite time, or an interval needing more than
// MaxPieces pieces. Horizon does not apply.
func (l *Link) Bits(from, to float64) (float64, error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	if math.IsNaN(from) || math.IsInf(from, 0) || math.IsNaN(to) || math.IsInf(to, 0) {
		return 0, fmt.Errorf("channel: Bits needs finite times, got [%v, %v]", from, to)
	}
	total := 0.0
	t := from
	for range l.maxPieces() {
		if t >= to {
			return total, nil
		}
		rate, end, err := l.piece(t)
		if err != nil {
			return 0, err
		}
		end = math.Min(end, to)
		total += rate * (end - t)
		t = end
	}
	if t >= to {
		return total, nil
	}
	return 0, fmt.Errorf("%w: integrating [%v, %v] s stopped at %v s after %d pieces", ErrTooManyPieces, from, to, t, l.maxPieces())
}
