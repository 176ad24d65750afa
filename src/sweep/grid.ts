// `--grid path=v1,v2,...`: the parameter axes of a sweep and their product.
// Values stay text here; loadScenario parses and validates each point with
// the same --set rules as any other override.

import type { GridAxis, GridPoint } from '../scenario/set.js';

// The types live with --set (a point is a list of --set assignments), so report/ can name them without importing sweep/.
export type { GridAxis, GridPoint };

/** Upper bound on points: a sweep is its points × policies × seeds runs. */
export const MAX_GRID_POINTS = 10_000;

/** Parse one --grid argument; throws Error with a one-line message on bad input. */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  const path = eq > 0 ? text.slice(0, eq).trim() : '';
  const values =
    eq > 0
      ? text
          .slice(eq + 1)
          .split(',')
          .map((v) => v.trim())
      : [];
  if (!/^[A-Za-z_][\w]*(\.[\w]+)*$/.test(path) || values.length === 0 || values.some((v) => v === '')) {
    throw new Error(`expected path=v1,v2,... (e.g. apps.count=10,20,30), got ${JSON.stringify(text)}`);
  }
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new Error(`--grid ${path}: value ${dup} is listed twice`);
  return { path, values };
}

/** Every combination, the last axis varying fastest. */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  const paths = axes.map((a) => a.path);
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup !== undefined) throw new Error(`--grid ${dup} is given twice; list all its values in one --grid`);
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_GRID_POINTS) throw new Error(`the grid has ${count} points; at most ${MAX_GRID_POINTS}`);
  let points: GridPoint[] = [[]];
  for (const axis of axes) points = points.flatMap((pt) => axis.values.map((value) => [...pt, { path: axis.path, value }]));
  return points;
}

/** The point as --set arguments. */
export function pointSets(point: GridPoint): string[] {
  return point.map(({ path, value }) => `${path}=${value}`);
}
