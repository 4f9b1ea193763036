// Alerts and statistics of the open capture
// (main/engine/service/handlers/insights.ts answers these).
import { z } from 'zod';
import type { InsightsSnapshot } from '../engine/insights/index';
import { call, empty } from './common';

// The snapshot is plain JSON whose shape the insights engine defines; the
// API passes it through unchecked (it is only ever sent engine → renderer).
export const insightsSnapshot = z.custom<InsightsSnapshot>(() => true);
export type { InsightsSnapshot };

export const insightsApi = {
  /** alerts and statistics of the open capture (main/engine/insights), as plain JSON */
  getInsights: call(empty, insightsSnapshot),
};
