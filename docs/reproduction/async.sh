#!/usr/bin/env bash
# Runs and draws the comparison of REPRODUCTION.md, "Asynchronous federated learning on the
# same physics": HA-Async (c = 2, T = 10 s), HA-Sync, FedAsync and FedBuff on the paper's
# setting and on the mobility scenario's learners (with full MNIST, "mobility-full", and with
# the scenario's own 12,000 samples, "mobility"), 120 s of simulated time, three seeds each,
# one run after another. Usage, from the repository root:
#
#   go build -o mel-des ./cmd/mel-des
#   docs/reproduction/async.sh RUNS-DIR        # runs what RUNS-DIR lacks, then draws
#
# Runs already in RUNS-DIR are kept (delete a run's directory to redo it). Every run's wall
# time is appended to RUNS-DIR/wall.txt. The figures, the plotted numbers and the table go
# to docs/reproduction/async-*.
set -euo pipefail
runs=${1:?usage: async.sh RUNS-DIR}
out=$(dirname "$0")
bin=${MELDES:-./mel-des}
mkdir -p "$runs"

# run SETTING SCHEME SEED: one run of a scheme on a setting (paper, mobility, mobility-full).
run() {
  local setting=$1 scheme=$2 seed=$3 dir="$runs/$1/$2-s$3" scenario=$1
  [ -f "$dir/evals.csv" ] && return
  local -a sets=(--seed "$seed" --set simulation.cycles=12)
  if [ "$setting" = mobility-full ]; then
    scenario=mobility
    sets+=(--set dataset.train_subset=0 --set dataset.test_subset=0)
  fi
  case $scheme in
    ha-async) sets+=(--policy ha-async-sai --set simulation.staleness=2 --set 'output.files=["cycles","evals"]') ;;
    ha-sync) sets+=(--policy ha-sync --set simulation.staleness=0 --set 'output.files=["cycles","evals"]') ;;
    fedasync | fedbuff)
      sets+=(--set simulation.schedule=async --set async.horizon_s=120 --set simulation.eval_every_s=2
        --set aggregation.name=$scheme --set 'output.files=["rounds","evals","aggregations"]')
      if [ "$scheme" = fedbuff ]; then
        local m=10
        [ "$setting" != paper ] && m=5
        sets+=(--set aggregation.buffer_size=$m)
      fi ;;
  esac
  rm -rf "$dir"
  local start=$SECONDS
  "$bin" run "$scenario" --quiet --force --out "$dir" "${sets[@]}"
  echo "$setting $scheme seed $seed: $((SECONDS - start)) s" >>"$runs/wall.txt"
}

for setting in paper mobility mobility-full; do
  seeds="1 2 3"
  [ "$setting" != paper ] && seeds="7 8 9"
  for seed in $seeds; do
    for scheme in ha-async ha-sync fedasync fedbuff; do
      run $setting $scheme $seed
    done
  done
done

# Figures: accuracy against simulated time and against energy, mean of the seeds, min-max band.
dirs() { for scheme in ha-async ha-sync fedasync fedbuff; do echo "$runs/$1/$scheme"-s*; done; }
for setting in paper mobility mobility-full; do
  for kind in time energy; do
    what="simulated time"
    [ $kind = energy ] && what="energy drawn"
    # shellcheck disable=SC2046 # the run directories are words
    "$bin" plot --kind $kind $(dirs $setting) --points 240 --title "$setting: test accuracy against $what, 3 seeds" \
      --out "$out/async-$setting-$kind.png" --csv "$out/async-$setting-$kind.csv"
  done
done
# The paper setting without the band, from 94 %.
# shellcheck disable=SC2046
"$bin" plot --kind time $(dirs paper) --points 240 --no-spread --ymin 94 --title "paper: test accuracy from 94 %, mean of 3 seeds" \
  --out "$out/async-paper-time-zoom.png"

# The table: per scheme, the mean [min-max] over seeds of the simulated time and the energy
# at which each run's evaluations first reach two thresholds (95 % and 97 %; 92 % and 93 %
# for the 12,000 samples of "mobility"), and the accuracy at 60 s and 120 s (the last
# evaluation at or before, with 1 ppm of slack for cycles that end at T·(1 + 1e-9)).
table() { # SETTING LOW HIGH
  for d in $(dirs "$1"); do
    awk -F, -v run="$(basename "$d")" -v lo="$2" -v hi="$3" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      {
        t = $col["time_s"] + 0; e = $col["energy_j"] + 0; a = $col["accuracy"] * 100
        if (!r95 && a >= lo) { r95 = 1; t95 = t; e95 = e }
        if (!r97 && a >= hi) { r97 = 1; t97 = t; e97 = e }
        if (t <= 60 * (1 + 1e-6)) a60 = a
        if (t <= 120 * (1 + 1e-6)) { a120 = a; e120 = e }
      }
      END {
        sub(/-s[0-9]+$/, "", run)
        printf "%s,%s,%s,%s,%s,%.2f,%.2f,%.1f\n", run, r95 ? t95 : "", r95 ? e95 : "", r97 ? t97 : "", r97 ? e97 : "", a60, a120, e120
      }' "$d/evals.csv"
  done | awk -F, -v setting="$1" -v low="$2" -v high="$3" '
    BEGIN { print "setting,scheme,seeds,low_pct,time_low_s,energy_low_j,reached_low,high_pct,time_high_s,energy_high_j,reached_high,acc60_pct,acc120_pct,energy120_j" }
    function stat(k, j,   v) { # mean [min-max] of the non-empty field j over the runs of k
      if (cnt[k, j] == 0) return "not reached"
      return sprintf("%.4g [%.4g-%.4g]", sum[k, j] / cnt[k, j], lo[k, j], hi[k, j])
    }
    {
      if (!($1 in n)) order[++m] = $1
      n[$1]++
      for (j = 2; j <= 8; j++) if ($j != "") {
        v = $j + 0; sum[$1, j] += v; cnt[$1, j]++
        if (cnt[$1, j] == 1 || v < lo[$1, j]) lo[$1, j] = v
        if (cnt[$1, j] == 1 || v > hi[$1, j]) hi[$1, j] = v
      }
    }
    END {
      for (i = 1; i <= m; i++) {
        k = order[i]
        printf "%s,%s,%d,%s,%s,%s,%d,%s,%s,%s,%d,%s,%s,%s\n", setting, k, n[k], low, stat(k, 2), stat(k, 3), cnt[k, 2],
          high, stat(k, 4), stat(k, 5), cnt[k, 4], stat(k, 6), stat(k, 7), stat(k, 8)
      }
    }'
}
{ table paper 95 97; table mobility-full 95 97 | tail -n +2; table mobility 92 93 | tail -n +2; } >"$out/async-table.csv"
cat "$out/async-table.csv"
