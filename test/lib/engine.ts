// What child processes of tests load by path (node -e "require(.../dist/test/lib/engine.js)"):
// built as a bundle of its own (scripts/build.mjs TEST_SCRIPTS).
export { SpoolWriter, openSession } from '../../main/engine/session/index';
export { parseCaptureBuffer } from '../../main/engine/file/open';
export { privilegeStatus } from '../../main/engine/privilege/status';
