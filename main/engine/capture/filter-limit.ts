// The capture filter's limit lives in the API (the schema and the renderer
// check it too, and they import nothing of the engine).
export { CAPTURE_FILTER_MAX_BYTES, captureFilterProblem, normalizeCaptureFilter } from '../../api/capture-filter';
