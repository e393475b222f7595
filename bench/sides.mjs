// Side-by-side comparison shared by bench.mjs (7d, 8a, 9) and merge-pairs.mjs.
export const round = (x, d = 1) => x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d;

/**
 * Side-by-side rounds summed up: each side's mean deliveries/s and service CPU per 1,000 records over
 * its rounds (runs picked by isA / isB), and A ÷ B of both.
 */
export function compareSides(runs, isA, isB) {
  const mean = (pick, k) => { const xs = runs.filter(pick).map(x => x[k]).filter(x => x !== null && x !== undefined); return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null; };
  const side = pick => ({ deliveriesPerS: round(mean(pick, 'deliveriesPerS'), 0), serviceCpuPerKRecordsS: round(mean(pick, 'serviceCpuPerKRecordsS'), 3) });
  const a = side(isA), b = side(isB);
  return { a, b,
    ratio: a.deliveriesPerS && b.deliveriesPerS ? round(a.deliveriesPerS / b.deliveriesPerS, 3) : null,
    cpuRatio: a.serviceCpuPerKRecordsS && b.serviceCpuPerKRecordsS ? round(a.serviceCpuPerKRecordsS / b.serviceCpuPerKRecordsS, 3) : null };
}
