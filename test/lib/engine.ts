// What child processes and worker threads of tests load by path
// (require(".../dist/test/lib/engine.js")): built as a bundle of its own
// (scripts/build.mjs TEST_SCRIPTS). One bundle, so the test fields
// registered by registerTestFields are those the compiler sees.
export { SpoolWriter, openSession } from '../../main/engine/session/index';
export { parseCaptureBuffer } from '../../main/engine/file/open';
export { privilegeStatus } from '../../main/engine/privilege/status';
export { EngineService } from '../../main/engine/service/service';
export { compileDisplayFilter } from '../../main/engine/filter/compile';
export { dissection, registerTestFields } from '../engine/filter/synthetic';
