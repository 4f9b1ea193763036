// The block list ("Block this source"): protection rules, the list with its
// TTLs and rules, and the control socket `xdpscope block` talks to. The
// dropping itself is the capture helper's (helper/block.c). Design:
// docs/INSIGHTS.md, "Respond on request".
export { parsePrefix, overlaps, formatAddress, displayPrefix, type Prefix } from './address';
export { protectedPrefixes, protectionOf, defaultGateways, type Protected } from './protect';
export { BlockList, defaultBlockRules, ruleProblem, type BlockTarget, type BlockRequest } from './list';
export { startBlockControl, runningCaptures, controlRequest, type ControlServer, type ControlRequest, type ControlResponse, type RunningCapture } from './control';
