//go:build !purego

package mlcore

import "testing"

// TestNEONSelected checks that an arm64 build trains with the NEON kernels,
// so that the emulated CI run (.ci/qemu-arm64) tests them and not the
// portable fallback.
func TestNEONSelected(t *testing.T) {
	if got := Kernels(); got != "neon" {
		t.Fatalf("Kernels() = %q on arm64, want \"neon\"", got)
	}
	ws := NewWorkspace()
	ws.fit([]int{4, 3}, 8)
	if ws.impl != implNEON {
		t.Fatalf("a new workspace uses %v, want neon", ws.impl)
	}
	if ks := impls(); len(ks) != 2 || ks[1] != implNEON {
		t.Fatalf("the kernel tests run %v, want [go neon]", ks)
	}
}
