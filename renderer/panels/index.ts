// Every panel the toolbar opens, in button order. A new panel is a module
// beside these exporting a PanelDef (copy statistics.tsx) and one line here.
import type { PanelDef } from './panel';
import { insightsPanel } from './insights';
import { statisticsPanel } from './statistics';
import { filterExpressionPanel } from './filter-expression';

export type { PanelDef } from './panel';

export const PANELS: readonly PanelDef[] = [insightsPanel, statisticsPanel, filterExpressionPanel];
