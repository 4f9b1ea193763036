// The field registry, complete: every field a dissector can produce, so
// that the display-filter compiler can tell an unknown field from an absent
// one and the UI can offer completion. Importing the dissection engine here
// (its protocol index and enrichment) fills the store before any lookup;
// modules of the engine itself declare through store.ts instead.
import '../dissect';

export { allFields, completeField, getField, registerFields, registerProtocol } from './store';
