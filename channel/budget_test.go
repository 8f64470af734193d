package channel

import (
	"math"
	"testing"
)

// near reports whether got is within tol of want (absolute).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol
}

func TestConversions(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
	}{
		{"10 dB", DBToLinear(10), 10},
		{"-20 dB", DBToLinear(-20), 0.01},
		{"3 dB", DBToLinear(3), 1.9952623149688795}, // 10^0.3
		{"100 linear", float64(LinearToDB(100)), 20},
		{"30 dBm", DBmToWatts(30), 1},
		{"0 dBm", DBmToWatts(0), 1e-3},
		{"23 dBm", DBmToWatts(23), 0.19952623149688797}, // 10^-0.7
		{"-174 dBm/Hz", DBmToWatts(-174), 3.981071705534972e-21},
		{"1 mW", float64(WattsToDBm(1e-3)), 0},
		{"0.2 W", float64(WattsToDBm(0.2)), 23.010299956639813}, // 10log10(200)
	}
	for _, tc := range tests {
		if !near(tc.got, tc.want, 1e-12*math.Max(1, math.Abs(tc.want))) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if LinearToDB(0) != DB(math.Inf(-1)) {
		t.Errorf("LinearToDB(0) = %v, want -Inf", LinearToDB(0))
	}
}

func TestPathLoss(t *testing.T) {
	tests := []struct {
		r, want float64
	}{
		{1000, 128},
		{10000, 165.1},
		{250, 105.66357}, // 128 + 37.1·log10(0.25) = 128 - 37.1·0.60206
		{500, 116.83179}, // 128 - 37.1·0.30103
		{1, 16.7},        // 128 - 37.1·3
		{0.5, 16.7},      // clamped to MinDistance
		{0, 16.7},
		{-3, 16.7},
	}
	for _, tc := range tests {
		if got := float64(DefaultPathLoss.Loss(tc.r)); !near(got, tc.want, 1e-5) {
			t.Errorf("Loss(%v) = %v, want %v", tc.r, got, tc.want)
		}
	}
	if got := DefaultPathLoss.Loss(math.Inf(1)); !math.IsInf(float64(got), 1) {
		t.Errorf("Loss(+Inf) = %v, want +Inf", got)
	}
	if got, want := DefaultPathLoss.Gain(1000), 1.5848931924611143e-13; !near(got, want, 1e-25) {
		t.Errorf("Gain(1000) = %v, want 10^-12.8 = %v", got, want)
	}
}

func TestPathLossNaNPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Loss(NaN) did not panic")
		}
	}()
	DefaultPathLoss.Loss(math.NaN())
}

func TestPathLossValidate(t *testing.T) {
	if err := DefaultPathLoss.Validate(); err != nil {
		t.Errorf("default: %v", err)
	}
	if err := (PathLoss{A: math.NaN(), B: 1}).Validate(); err == nil {
		t.Error("NaN A accepted")
	}
	if err := (PathLoss{A: 1, B: math.Inf(1)}).Validate(); err == nil {
		t.Error("infinite B accepted")
	}
}

func TestShannonRate(t *testing.T) {
	tests := []struct {
		w, snr, want float64
	}{
		{1e6, 1, 1e6},   // log2(2) = 1
		{1e6, 3, 2e6},   // log2(4) = 2
		{5e6, 255, 4e7}, // log2(256) = 8
		{1, 0, 0},
	}
	for _, tc := range tests {
		if got := ShannonRate(tc.w, tc.snr); !near(got, tc.want, 1e-9*tc.want) {
			t.Errorf("ShannonRate(%v, %v) = %v, want %v", tc.w, tc.snr, got, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ShannonRate with negative SNR did not panic")
		}
	}()
	ShannonRate(1, -1)
}

// TestPaperRates checks the link budget of the paper's defaults by hand:
// P = 23 dBm, N0 = -174 dBm/Hz, W = 5 MHz, so the noise power is
// -174 + 10·log10(5e6) = -107.0103 dBm.
//
//	R = 250 m: PL = 105.6636 dB, SNR = 23 - 105.6636 + 107.0103 = 24.3467 dB
//	           = 272.06, rate = 5e6·log2(273.06) = 40.466 Mbit/s
//	R = 500 m: PL = 116.8318 dB, SNR = 13.1785 dB = 20.790,
//	           rate = 5e6·log2(21.790) = 22.228 Mbit/s
func TestPaperRates(t *testing.T) {
	p, n0, w := DBmToWatts(23), DBmToWatts(-174), 5e6
	tests := []struct {
		r, snr, rate float64
	}{
		{250, 272.06, 40.466e6},
		{500, 20.790, 22.228e6},
	}
	for _, tc := range tests {
		snr := SNR(p, DefaultPathLoss.Gain(tc.r), n0, w)
		if !near(snr, tc.snr, 0.01) {
			t.Errorf("R=%v: SNR = %v, want %v", tc.r, snr, tc.snr)
		}
		if rate := ShannonRate(w, snr); !near(rate, tc.rate, 1e3) {
			t.Errorf("R=%v: rate = %v, want %v", tc.r, rate, tc.rate)
		}
	}
}
