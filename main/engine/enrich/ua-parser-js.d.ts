// ua-parser-js 1.x ships no type declarations; this is the part we use.
declare module 'ua-parser-js' {
  export class UAParser {
    constructor(ua?: string);
    getBrowser(): { name?: string; version?: string; major?: string };
    getOS(): { name?: string; version?: string };
  }
}
