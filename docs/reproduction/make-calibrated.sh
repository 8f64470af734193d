#!/usr/bin/env bash
# Draws the figures and writes the plotted numbers and the claims of the calibrated learner
# (REPRODUCTION.md, "Calibrating the learner"), every file prefixed cal-. Usage, from the
# repository root:
#
#   go build -o mel-des ./cmd/mel-des
#   ./mel-des sweep scenarios/paper/calibrate.toml --parallel 2     # the calibration, 20 cells
#   ./mel-des sweep scenarios/paper/cal-fig67.toml --parallel 2     # then cal-seeds.toml, cal-epoch.toml
#   docs/reproduction/make-calibrated.sh scenarios/paper/calibrate-results.csv \
#       scenarios/paper/paper-calibrated-results.csv scenarios/paper/paper-calibrated-epoch-results.csv
#
# With the committed copies (docs/reproduction/cal-*-results.csv) as arguments it rewrites
# every cal- file identically without running anything.
set -euo pipefail
calib=${1:?usage: make-calibrated.sh CALIBRATE-RESULTS.csv CALIBRATED-RESULTS.csv [EPOCH-RESULTS.csv]}
results=${2:?usage: make-calibrated.sh CALIBRATE-RESULTS.csv CALIBRATED-RESULTS.csv [EPOCH-RESULTS.csv]}
out=$(dirname "$0")
bin=${MELDES:-./mel-des}
plot() { "$bin" plot "$results" "$@"; }

# The calibration: every cell's distance from the paper's HA-Sync counts (cal-calibration.csv).
"$out/calibrate.sh" "$calib"

# Fig. 5: accuracy vs. global update index (seed 1); E = 30 J was not run.
for T in 10 20; do
  for E in 10 20; do
    plot --kind accuracy --where seed=1 --where deadline_s=$T --where energy_j=$E \
      --title "T = $T s, E = $E J, calibrated learner" --out "$out/cal-fig5-T$T-E$E.png" --csv "$out/cal-fig5-T$T-E$E.csv"
  done
done
# The headline setting over seeds 1-3 (HA policies; HU has seed 1 only).
for T in 10 15 20; do
  plot --kind accuracy --where deadline_s=$T --where energy_j=10 \
    --title "T = $T s, E = 10 J, seeds 1-3, calibrated learner" --out "$out/cal-seeds-T$T-E10.png" --csv "$out/cal-seeds-T$T-E10.csv"
  for thr in 94 95 95.5 97.3; do
    plot --kind reach --threshold $thr --where deadline_s=$T --where energy_j=10 \
      --csv "$out/cal-seeds-T$T-E10-reach$thr.csv"
  done
done
# Figs. 6-7 (seed 1).
for E in 10 20; do
  for n in 6 12; do
    plot --kind final --n $n --where seed=1 --where energy_j=$E \
      --title "E = $E J, accuracy after $n updates, calibrated learner" \
      --out "$out/cal-fig6-E$E-after$n.png" --csv "$out/cal-fig6-E$E-after$n.csv"
  done
  for thr in 95.5 97.3; do
    plot --kind reach --threshold $thr --where seed=1 --where energy_j=$E \
      --title "E = $E J, updates to reach $thr %, calibrated learner" \
      --out "$out/cal-fig7-E$E-reach$thr.png" --csv "$out/cal-fig7-E$E-reach$thr.csv"
  done
done
"$out/claims.sh" "$results" > "$out/cal-claims.txt"

# The sensitivity check: one epoch per update at batch 128, lr 0.06, on the headline cells.
if [ $# -ge 3 ]; then
  for T in 10 15 20; do
    "$bin" plot "$3" --kind accuracy --where deadline_s=$T \
      --title "T = $T s, E = 10 J, seeds 1-3, one epoch per update, batch 128, lr 0.06" \
      --out "$out/cal-epoch-seeds-T$T-E10.png" --csv "$out/cal-epoch-seeds-T$T-E10.csv"
  done
  "$out/claims.sh" "$3" > "$out/cal-epoch-claims.txt"
fi
echo "wrote $out/cal-*"
