// The reductions behind the report and dashboard charts.
import { describe, expect, it } from 'vitest';
import { alignTimeSeries, cdfChart } from '../src/report/chart-data.js';

describe('alignTimeSeries', () => {
  it('puts step series on one x array, carrying values forward', () => {
    const xy = alignTimeSeries(
      [
        {
          label: 'a',
          points: [
            [0, 10],
            [5, 7],
          ],
        },
        {
          label: 'b',
          points: [
            [2, 3],
            [9, 4],
          ],
        },
      ],
      Math.min,
    );
    expect(xy.x).toEqual([0, 2, 5, 9]);
    expect(xy.series[0]!.y).toEqual([10, 10, 7, 7]);
    expect(xy.series[1]!.y).toEqual([null, 3, 3, 4]);
  });

  it('downsamples long series keeping the extreme of each interval', () => {
    const pts: Array<[number, number]> = Array.from({ length: 10_000 }, (_, i) => [i, 500]);
    pts[4321] = [4321, 12]; // a one-sample dip
    const xy = alignTimeSeries([{ label: 'a', points: pts }], Math.min);
    expect(xy.x.length).toBeLessThanOrEqual(1201);
    expect(Math.min(...(xy.series[0]!.y as number[]))).toBe(12);
    expect(xy.x[xy.x.length - 1]).toBe(9999);
    expect(xy.series[0]!.y[xy.x.length - 1]).toBe(500);
  });
});

describe('cdfChart', () => {
  it('gives the share of samples at or below each x, per series', () => {
    const xy = cdfChart([
      { label: 'a', samples: [3, 1, 2, 2] },
      { label: 'b', samples: [] },
    ]);
    expect(xy.x).toEqual([1, 2, 3]);
    expect(xy.series[0]!.y).toEqual([25, 75, 100]);
    expect(xy.series[1]!.y).toEqual([null, null, null]);
  });

  it('bounds the grid for large samples', () => {
    const xy = cdfChart([{ label: 'a', samples: Array.from({ length: 5000 }, (_, i) => i) }]);
    expect(xy.x.length).toBe(1000);
    expect(xy.series[0]!.y[xy.x.length - 1]).toBe(100);
  });
});
