// A program that imports the field registry and nothing else (its own
// bundle): prints the names it lists.
import { allFields } from '../../../main/engine/fields/registry';

process.stdout.write(JSON.stringify(allFields().map((f) => f.name).sort()));
