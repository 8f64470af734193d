#!/usr/bin/env bash
# Prints, for each quantitative claim of the paper's section 5 (the numbering of
# REPRODUCTION.md), our numbers from a results CSV of the paper sweeps: seed 1, and where the
# file has more seeds of that cell, the mean [min-max] over them. Usage, from the repository root:
#
#   docs/reproduction/claims.sh docs/reproduction/paper-results.csv        # today's learner
#   docs/reproduction/claims.sh docs/reproduction/cal-paper-results.csv    # calibrated learner
#
# "reach x" is the first global update index with test accuracy >= x % (as mel-des plot
# --kind reach counts), "n.r." if the run never gets there; "acc n" the accuracy after n
# updates. A quantity whose cells the file does not hold prints as "-" (claim 11: a file
# without any HU run; an HU policy missing from a file that has HU runs had no feasible plan). HA-Async is
# ha-async-sai. Writes to stdout, one line per quantity: claim, quantity, value.
set -euo pipefail
results=${1:?usage: claims.sh RESULTS.csv}
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    if ($col["policy"] ~ /^hu-/) anyhu = 1
    k = $col["policy"] SUBSEP $col["staleness"] SUBSEP $col["deadline_s"] SUBSEP $col["energy_j"]
    s = $col["seed"] + 0; n = $col["cycle"] + 0
    acc[k, s, n] = 100 * $col["accuracy"]
    if (n > last[k, s]) last[k, s] = n
    has[k, s] = 1; if (s > maxseed) maxseed = s
  }
  function key(p, c, T, E) { return p SUBSEP c SUBSEP T SUBSEP E }
  # reach: the first update index with accuracy >= thr in run (k, s); 0 if none, -1 if no run.
  function reach(k, s, thr,   n) {
    if (!((k, s) in has)) return -1
    for (n = 1; n <= last[k, s]; n++) if (acc[k, s, n] >= thr - 1e-9) return n
    return 0
  }
  function accn(k, s, n) { return ((k, s, n) in acc) ? acc[k, s, n] : -1 }
  # one: seed 1, then " ; seeds mean [min-max]" over the seeds present when more than one.
  function one(k, what, arg,   s, s0, s1, v, v1, m, sum, lo, hi, cnt, nr, out) {
    v1 = (what == "reach") ? reach(k, 1, arg) : accn(k, 1, arg)
    out = fmtv(what, v1)
    m = 0; sum = 0; lo = 1e9; hi = -1e9; nr = 0; s0 = 0
    for (s = 1; s <= maxseed; s++) {
      v = (what == "reach") ? reach(k, s, arg) : accn(k, s, arg)
      if (v == -1) continue
      m++; if (!s0) s0 = s; s1 = s
      if (what == "reach" && v == 0) { nr++; continue }
      sum += v; if (v < lo) lo = v; if (v > hi) hi = v
    }
    if (m > 1) {
      cnt = m - nr
      if (cnt == 0) out = out sprintf("; seeds %d-%d: n.r. in all", s0, s1)
      else if (what == "reach") out = out sprintf("; seeds %d-%d: %.1f [%d-%d]%s", s0, s1, sum / cnt, lo, hi, nr ? sprintf(", n.r. in %d", nr) : "")
      else out = out sprintf("; seeds %d-%d: %.2f [%.2f-%.2f]", s0, s1, sum / cnt, lo, hi)
    }
    return out
  }
  function fmtv(what, v) {
    if (v == -1) return "-"
    if (what == "reach") return v == 0 ? "n.r." : v
    return sprintf("%.2f", v)
  }
  function line(claim, q, v) { printf "%s | %s | %s\n", claim, q, v }
  function pc(c) { return c == 0 ? "HA-Sync" : "HA-Async c=" c }
  function pol(c) { return c == 0 ? "ha-sync" : "ha-async-sai" }
  END {
    for (c = 0; c <= 2; c++) line(1, "T=10 E=10 " pc(c) " reach 94", one(key(pol(c), c, 10, 10), "reach", 94))
    for (c = 0; c <= 2; c++) line(2, "T=10 E=10 " pc(c) " reach 95", one(key(pol(c), c, 10, 10), "reach", 95))
    for (T = 15; T <= 20; T += 5) for (c = 0; c <= 1; c++)
      line(3, "T=" T " E=10 " pc(c) " acc 6", one(key(pol(c), c, T, 10), "acc", 6))
    line(4, "T=20 E=10 " pc(2) " acc 6", one(key(pol(2), 2, 20, 10), "acc", 6))
    for (c = 0; c <= 3; c++) line(5, "T=20 E=20 " pc(c) " acc 6", one(key(pol(c), c, 20, 20), "acc", 6))
    split("0 2 3 4", cs, " ")
    for (i = 1; i <= 4; i++) line(5, "T=35 E=20 " pc(cs[i]) " acc 6", one(key(pol(cs[i]), cs[i], 35, 20), "acc", 6))
    for (c = 0; c <= 1; c++) line(6, "T=10 E=10 " pc(c) " acc 12", one(key(pol(c), c, 10, 10), "acc", 12))
    for (c = 0; c <= 2; c++) line(6, "T=20 E=10 " pc(c) " acc 12", one(key(pol(c), c, 20, 10), "acc", 12))
    # Claim 7: the best c (0 = HA-Sync) after 12 updates at E = 20 J, and its margin over HA-Sync.
    for (T = 5; T <= 25; T += 5) {
      best = -1; bc = ""
      for (c = 0; c <= 5; c++) {
        a = accn(key(pol(c), c, T, 20), 1, 12)
        if (a < 0) continue
        if (a > best + 1e-9) { best = a; bc = c } else if (a > best - 1e-9) bc = bc "," c
      }
      s0 = accn(key("ha-sync", 0, T, 20), 1, 12)
      line(7, "T=" T " E=20 best c after 12 (seed 1)", best < 0 ? "-" : sprintf("c=%s: %.2f, HA-Sync %.2f, margin %+.2f", bc, best, s0, best - s0))
    }
    for (c = 0; c <= 5; c++) line(8, "T=10 E=10 " pc(c) " reach 95 / 95.5",
      one(key(pol(c), c, 10, 10), "reach", 95) " / " one(key(pol(c), c, 10, 10), "reach", 95.5))
    for (c = 0; c <= 3; c++) line(9, "T=10 E=10 " pc(c) " reach 97.3", one(key(pol(c), c, 10, 10), "reach", 97.3))
    split("0 3 4", cs, " ")
    for (i = 1; i <= 3; i++) line(10, "T=25 E=10 " pc(cs[i]) " reach 97.3", one(key(pol(cs[i]), cs[i], 25, 10), "reach", 97.3))
    # Claim 11: in every (T, E, n) of Figs. 6-7 held, the worst HA policy against the best HU
    # policy after n updates (seed 1); and the HU runs that stopped early (no feasible plan).
    nset = 0; nok = 0; nbest = 0; worst = 1e9; detail = ""
    for (T = 5; T <= 40; T += 5) for (E = 10; E <= 20; E += 10) for (n = 6; n <= 12; n += 6) {
      ha = 1e9; hab = -1; hu = -1
      for (c = 0; c <= 5; c++) { a = accn(key(pol(c), c, T, E), 1, n); if (a >= 0 && a < ha) ha = a; if (a > hab) hab = a }
      a = accn(key("hu-sync", 0, T, E), 1, n); if (a > hu) hu = a
      for (c = 1; c <= 5; c++) { a = accn(key("hu-async", c, T, E), 1, n); if (a > hu) hu = a }
      if (ha == 1e9 || !anyhu) continue
      nset++; if (ha >= hu) nok++; if (hab >= hu) nbest++  # no HU row at all: HU had no feasible plan
      if (ha - hu < worst) { worst = ha - hu; detail = sprintf("T=%d E=%d n=%d: worst HA %.2f, best HU %s", T, E, n, ha, hu < 0 ? "none (no feasible plan)" : sprintf("%.2f", hu)) }
    }
    line(11, "settings (T, E, n) where every HA policy >= the best HU (seed 1)", nset ? nok "/" nset ", smallest margin: " detail : "-")
    line(11, "settings (T, E, n) where the best HA policy >= the best HU (seed 1)", nset ? nbest "/" nset : "-")
    short = anyhu ? "" : "-"
    for (T = 5; T <= 40; T += 5) for (E = 10; E <= 30; E += 10) {
      if (!anyhu || !((key("ha-sync", 0, T, E), 1) in has)) continue
      k = key("hu-sync", 0, T, E)
      if (!((k, 1) in has)) short = short sprintf(" T=%d,E=%d (no cycle);", T, E)
      else if (last[k, 1] < 12) short = short sprintf(" T=%d,E=%d (%d cycles);", T, E, last[k, 1])
    }
    line(11, "HU-Sync runs that stopped before 12 cycles (seed 1)", short == "" ? "none" : short)
    # Claim 12: relative gain in updates to reach a threshold, best HA-Async (fewest updates
    # over c = 1..5) against HA-Sync, where both get there (seed 1).
    for (E = 10; E <= 20; E += 10) for (t = 1; t <= 2; t++) {
      thr = (t == 1) ? 95.5 : 97.3; out = ""
      for (T = 5; T <= 40; T += 5) {
        ns = reach(key("ha-sync", 0, T, E), 1, thr); if (ns < 0) continue
        na = 0
        for (c = 1; c <= 5; c++) { r = reach(key("ha-async-sai", c, T, E), 1, thr); if (r > 0 && (na == 0 || r < na)) na = r }
        if (ns > 0 && na > 0) out = out sprintf(" T=%d: %d vs %d (%+.0f %%);", T, na, ns, 100 * (na - ns) / ns)
        else out = out sprintf(" T=%d: %s vs %s;", T, na ? na : "n.r.", ns ? ns : "n.r.")
      }
      line(12, "E=" E " reach " thr ", best HA-Async vs HA-Sync (seed 1)", out == "" ? "-" : out)
    }
  }' "$results"
