// One Trace Event Format record as the tests read it back with JSON.parse.
export interface JsonEvent {
  name: string;
  ph: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  s?: string;
  args?: Record<string, number | string>;
}
