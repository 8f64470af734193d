#!/usr/bin/env bash
# Draws the figures and writes the plotted numbers of REPRODUCTION.md from the results of
# the paper sweeps (scenarios/paper/*.toml). Usage, from the repository root:
#
#   go build -o mel-des ./cmd/mel-des
#   ./mel-des sweep scenarios/paper/fig5.toml      # then fig67.toml, seeds.toml (resumable)
#   docs/reproduction/make.sh scenarios/paper/paper-results.csv [scenarios/paper/mobility-results.csv scenarios/paper/mobility-static-results.csv]
set -euo pipefail
results=${1:?usage: make.sh PAPER-RESULTS.csv [MOBILITY-RESULTS.csv MOBILITY-STATIC-RESULTS.csv]}
out=$(dirname "$0")
bin=${MELDES:-./mel-des}
plot() { "$bin" plot "$results" "$@"; }

# Fig. 5: accuracy vs. global update index, T in {10, 20} s x E in {10, 20, 30} J (seed 1).
for T in 10 20; do
  for E in 10 20 30; do
    plot --kind accuracy --where seed=1 --where deadline_s=$T --where energy_j=$E \
      --out "$out/fig5-T$T-E$E.png" --csv "$out/fig5-T$T-E$E.csv"
  done
done
# The headline setting over seeds 1-3 (mean, min-max band).
for T in 10 15 20; do
  plot --kind accuracy --where deadline_s=$T --where energy_j=10 \
    --title "T = $T s, E = 10 J, seeds 1-3" --out "$out/seeds-T$T-E10.png" --csv "$out/seeds-T$T-E10.csv"
  for thr in 94 95 97.3; do
    plot --kind reach --threshold $thr --where deadline_s=$T --where energy_j=10 \
      --csv "$out/seeds-T$T-E10-reach$thr.csv"
  done
done
# Fig. 6: final accuracy after 6 and 12 updates vs. T; Fig. 7: updates to reach 95.5 % and
# 97.3 % vs. T; for E = 10 and 20 J (seed 1).
for E in 10 20; do
  for n in 6 12; do
    plot --kind final --n $n --where seed=1 --where energy_j=$E \
      --out "$out/fig6-E$E-after$n.png" --csv "$out/fig6-E$E-after$n.csv"
  done
  for thr in 95.5 97.3; do
    plot --kind reach --threshold $thr --where seed=1 --where energy_j=$E \
      --out "$out/fig7-E$E-reach$thr.png" --csv "$out/fig7-E$E-reach$thr.csv"
  done
done

# Every claim's numbers (REPRODUCTION.md's table), seed 1 and over seeds.
"$out/claims.sh" "$results" > "$out/claims.txt"

# Mobility vs. its static reference: per scenario and policy, summed over seeds and cycles.
if [ $# -ge 3 ]; then
  summary() { # FILE LABEL: one row per policy
    awk -F, -v label="$2" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      {
        k = $col["policy"] "," $col["staleness"]
        if (!(k in n)) order[++np] = k
        n[k]++; planned[k] += $col["planned"]; arrived[k] += $col["arrived"]
        misses[k] += $col["misses"]; died[k] += $col["died"]
        tp[k] += $col["tau_planned"]; td[k] += $col["tau_done"]; energy[k] += $col["energy_j_cycle"]
        tc[k] += ("tau_computed" in col) ? $col["tau_computed"] : 0
        s = k "," $col["seed"]
        if ($col["cycle"] + 0 >= last[s]) { last[s] = $col["cycle"] + 0; acc[s] = $col["accuracy"] * 100 }
        if (!(s in seen)) { seen[s] = 1; seeds[k] = seeds[k] " " $col["seed"] }
      }
      END {
        for (j = 1; j <= np; j++) {
          k = order[j]; m = split(seeds[k], sd, " "); sum = 0; lo = 1e9; hi = -1e9
          for (i = 1; i <= m; i++) { a = acc[k "," sd[i]]; sum += a; if (a < lo) lo = a; if (a > hi) hi = a }
          printf "%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f,%.2f,%.2f,%.2f,%.1f\n", label, k, m, n[k], planned[k], arrived[k],
            misses[k], died[k], tp[k], tc[k], td[k], 100 * td[k] / tp[k], (tc[k] > 0 ? 100 * td[k] / tc[k] : 0), sum / m, lo, hi, energy[k]
        }
      }' "$1"
  }
  {
    echo "scenario,policy,staleness,runs,cycles,planned,arrived,misses,died,tau_planned,tau_computed,tau_done,updates_delivered_pct,delivered_of_computed_pct,final_accuracy_mean,final_accuracy_min,final_accuracy_max,energy_j"
    summary "$3" static
    summary "$2" mobility
  } > "$out/mobility-summary.csv"
  echo "wrote $out/mobility-summary.csv"
fi
